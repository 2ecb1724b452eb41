"""The build state: one SQLite file in the site's cache folder, the only memory between builds.

What it holds (tables below): each content file's stamp, digests and article card; each
body's HTML; each output's plan entry, fingerprint and content digest, and the reverse
index of which outputs read which article's body. Everything is JSON or text: nothing in
it is code to run (no pickles), so a cache folder someone else wrote is at worst wrong,
and the engine checks what it uses. One transaction per build: a killed build leaves the
last committed state, which describes the output/ that build left.

The whole store is keyed by what shapes every output (code, Python and library versions):
a different key empties it, and a missing or unreadable file is an empty store, so
deleting the cache folder gives a correct cold build.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("site_builder")

FILE = "state.sqlite3"
# Beside it: the plan's indexes a command leaves for the next (engine/planning.py), which
# go with the state when it is started afresh (`clear`: --clean, other settings).
KEPT_FILE = "plan-indexes.marshal"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    -- narrow: every build reads all stamps, every full plan all briefs
    path TEXT PRIMARY KEY,      -- content file, absolute
    stamp TEXT NOT NULL,        -- "mtime_ns ctime_ns size ino" (scan.text), or "racy"
    hash TEXT NOT NULL,         -- digest of the file's bytes
    id TEXT NOT NULL,
    card TEXT NOT NULL,         -- digest of every field but the body
    full TEXT NOT NULL,         -- digest of every field
    brief TEXT NOT NULL         -- what planning reads (model.brief) as JSON
);
CREATE INDEX IF NOT EXISTS sources_id ON sources (id);
-- every build reads every stamp (Store.stamps): from this index, not the wider rows
CREATE INDEX IF NOT EXISTS sources_stamps ON sources (path, stamp);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    article TEXT NOT NULL,      -- the article's card as JSON (model.to_json, body "")
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS html (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL,          -- digest of the body and the settings it was converted with
    html TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outputs (
    path TEXT PRIMARY KEY,      -- file below output/
    spec TEXT NOT NULL,         -- the plan's entry (plan.Output) as JSON
    fingerprint TEXT NOT NULL,  -- digest of everything it was rendered from
    reads TEXT NOT NULL,        -- JSON: what rendering read beyond the plan (render.Reads), or ""
    hash TEXT NOT NULL,         -- digest of the bytes published
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL      -- of the published file: output/ as the build left it
);
-- the few outputs whose rendering read more than their plan (a plan from the change looks
-- at those that read the counts), found without reading every row's plan entry
CREATE INDEX IF NOT EXISTS outputs_reads ON outputs (reads) WHERE reads != '';
CREATE TABLE IF NOT EXISTS body_readers (id TEXT NOT NULL, path TEXT NOT NULL);
-- which outputs show which article by its card: an edit that leaves every brief as it was
-- (a title, a summary) changes the plan of no output, and touches only these
CREATE TABLE IF NOT EXISTS card_readers (id TEXT NOT NULL, path TEXT NOT NULL);
-- related.Answers: each published article's related articles and the candidates they were
-- found among, as the last full plan left them (meta related_key: for this configuration)
CREATE TABLE IF NOT EXISTS related (
    id TEXT PRIMARY KEY,
    found TEXT NOT NULL,        -- JSON array of ids
    candidates TEXT NOT NULL    -- JSON array of ids
);
"""
# The reader tables' indexes, each way: made after the rows when a first build fills the
# tables (Store.readers_in_bulk).
READERS = ("body_readers", "card_readers")
READER_INDEXES = {  # name -> how it is made
    f"{table}_{first}": f"CREATE INDEX IF NOT EXISTS {table}_{first} ON {table} ({first}, {second})"
    for table in READERS
    for first, second in (("id", "path"), ("path", "id"))
}
SCHEMA += "".join(f"{index};\n" for index in READER_INDEXES.values())


@dataclass(frozen=True, slots=True)
class Source:
    """A content file as the store keeps it (tables sources and articles)."""

    path: str
    stamp: str  # scan.text, or "racy"
    hash: str  # of its bytes
    id: str
    card: str  # digest of every field but the body
    full: str  # digest of every field
    brief: str  # model.brief as JSON
    article: str  # the card as JSON (model.to_json, body "")
    body: str


@dataclass(frozen=True, slots=True)
class SourceRow:
    """What the scan compares of a content file: its stamp, bytes digest, id and card."""

    path: str
    stamp: str
    hash: str
    id: str
    card: str


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: str
    path: str  # its content file
    card: str
    full: str
    article: str  # the card as JSON


@dataclass(frozen=True, slots=True)
class Stored:
    """An output as the last build left it: its fingerprint, what it read beyond its plan
    entry (JSON, or ""), and the digest, size and mtime of its file."""

    fingerprint: str
    reads: str
    hash: str
    size: int
    mtime: int


@dataclass(frozen=True, slots=True)
class OutputRow:
    """An output to remember: its file, plan entry (JSON) and how it was left."""

    path: str
    spec: str | None  # None: the plan entry the store has stays (the last plan's, unchanged)
    stored: Stored


class Store:
    """The state of the last successful build, read as needed, written in one transaction."""

    def __init__(self, path: Path | None, key: str):
        """`path` None keeps the state in memory (a clean build that leaves no cache)."""
        self.path = path
        self.pid = os.getpid()
        self.bulk = False  # readers_in_bulk
        self.db = self._open(path)
        try:
            self._keyed(key)
        except sqlite3.DatabaseError as exc:  # read-only, or its -shm/-wal another user's
            if path is None:
                raise
            log.warning("%s: cannot write the build state (%s); starting afresh", path, exc)
            self.db.close()
            self.db = self._open(path, afresh=True)
            try:
                self._keyed(key)
            except sqlite3.DatabaseError:
                self.db = self._in_memory(path, "it cannot be written")
                self._keyed(key)

    def _keyed(self, key: str) -> None:
        """The state emptied unless this code's key made it; the key written (which finds
        a state that cannot be written now rather than at the build's end)."""
        try:
            current = self.meta("key")
        except (sqlite3.DatabaseError, ValueError):
            current = None
        if current != key:
            self.clear()
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (json.dumps(key),))

    def _open(self, path: Path | None, afresh: bool = False) -> sqlite3.Connection:
        """The state file (made afresh if it is not a database), else a state in memory."""
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                if afresh:
                    discard(path)
                try:
                    return _connect(path)
                except sqlite3.DatabaseError as exc:  # not a database, or another program's
                    log.warning("%s: unreadable build state (%s); starting afresh", path, exc)
                    discard(path)
                    return _connect(path)
            except sqlite3.DatabaseError as exc:
                return self._in_memory(path, str(exc))
            except OSError as exc:
                return self._in_memory(path, exc.strerror or str(exc))
        return _connect(None)

    def _in_memory(self, path: Path, why: str) -> sqlite3.Connection:
        log.warning("%s: cannot keep the build state (%s); building without it", path, why)
        self.path = None
        return _connect(None)

    def clear(self) -> None:
        """Empty, with the tables as this code makes them (an older state's may differ)."""
        for table in (
            "meta",
            "sources",
            "articles",
            "html",
            "outputs",
            "body_readers",
            "card_readers",
            "related",
        ):
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(SCHEMA)
        if self.path is not None:
            with contextlib.suppress(OSError):  # none, or a folder in the way: not read
                (self.path.parent / KEPT_FILE).unlink()

    def close(self) -> None:
        self.db.close()

    # --- reading ---------------------------------------------------------------------

    def meta(self, name: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else default  # (value,)

    def stamps(self) -> dict[str, str]:
        """Content file -> its stamp as stored (scan.text, or "racy")."""
        return dict(self.db.execute("SELECT path, stamp FROM sources").fetchall())

    def stamps_of(self, paths: Iterable[str]) -> dict[str, str]:
        """The stored stamps of these content files (those the store has)."""
        return dict(self._where("SELECT path, stamp FROM sources", "path", paths))

    def stamps_below(self, folder: str) -> dict[str, str]:
        """The stamps of the content files whose path starts with `folder`."""
        return self._under("stamp", folder, "sources")

    def reader(self) -> Store:
        """This store for a forked worker: SQLite connections must not cross a fork."""
        if self.path is None or self.pid == os.getpid():
            return self
        clone = object.__new__(Store)
        clone.path, clone.pid = self.path, os.getpid()
        clone.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return clone

    def sources(self, paths: Iterable[str]) -> list[SourceRow]:
        """These content files' rows."""
        query = "SELECT path, stamp, hash, id, card FROM sources"
        return [SourceRow(*row) for row in self._where(query, "path", paths)]

    def briefs(self) -> tuple[list[tuple[str, str, str]], str]:
        """Every content file's (path, card digest, full digest), and their briefs as one
        JSON array (one parse for 10,000 is much quicker than 10,000 parses)."""
        rows = self.db.execute("SELECT path, card, full, brief FROM sources").fetchall()
        briefs = "[" + ",".join(brief for *_, brief in rows) + "]"
        return [(path, card, full) for path, card, full, _ in rows], briefs

    def articles(self, ids: Iterable[str]) -> list[ArticleRow]:
        """These articles' digests and cards."""
        query = (
            "SELECT s.id, s.path, s.card, s.full, a.article "
            "FROM sources s JOIN articles a ON a.id = s.id"
        )
        return [ArticleRow(*row) for row in self._where(query, "s.id", ids)]

    def bodies(self, ids: Iterable[str]) -> list[tuple[str, str]]:
        return self._where("SELECT id, body FROM articles", "id", ids)

    def html(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """id -> (key, HTML) of these articles' bodies."""
        rows = self._where("SELECT id, key, html FROM html", "id", ids)
        return {ident: (key, html) for ident, key, html in rows}

    def outputs(self, paths: Iterable[str] | None = None) -> dict[str, Stored]:
        """Output path -> how the last build left it: all outputs, or these."""
        query = "SELECT path, fingerprint, reads, hash, size, mtime FROM outputs"
        rows = self.db.execute(query) if paths is None else self._where(query, "path", paths)
        return {path: Stored(*rest) for path, *rest in rows}

    def output_paths(self) -> set[str]:
        return {path for (path,) in self.db.execute("SELECT path FROM outputs")}

    def outputs_among(self, paths: Iterable[str]) -> set[str]:
        """Those of these files the last build made."""
        return {path for (path,) in self._where("SELECT path FROM outputs", "path", paths)}

    def output_stamps(self) -> list[tuple[str, int, int]]:
        return self.db.execute("SELECT path, size, mtime FROM outputs").fetchall()

    def specs_of(self, paths: Iterable[str]) -> dict[str, str]:
        """File -> the plan entry (spec JSON) of those of these outputs the store has."""
        return dict(self._where("SELECT path, spec FROM outputs", "path", paths))

    def specs_under(self, prefix: str) -> dict[str, str]:
        """File -> spec JSON of every output whose file starts with `prefix`."""
        return self._under("spec", prefix)

    def kinds(self, paths: Iterable[str]) -> dict[str, tuple[str, str | None]]:
        """File -> (kind, the first article it shows in full) of these outputs."""
        query = (
            "SELECT path, json_extract(spec, '$[1]'), json_extract(spec, '$[4][0]') FROM outputs"
        )
        return {path: (kind, first) for path, kind, first in self._where(query, "path", paths)}

    def of_kinds(self, kinds: Iterable[str]) -> set[str]:
        """The files of the outputs of these kinds."""
        query = "SELECT path FROM outputs"
        return {path for (path,) in self._where(query, "json_extract(spec, '$[1]')", kinds)}

    def kinds_under(self, prefix: str) -> dict[str, str]:
        """File -> kind of every output whose file starts with `prefix` (its plan entry is
        not read out: a sitemap's holds 50,000 URLs)."""
        return self._under("json_extract(spec, '$[1]')", prefix)

    def files_under(self, prefix: str) -> list[str]:
        """Every output's file that starts with `prefix`, its plan entry not read."""
        return list(self._under("path", prefix))

    def _under(self, column: str, prefix: str, table: str = "outputs") -> dict[str, str]:
        """Path -> `column` of the rows of `table` whose path starts with `prefix`: a range
        of the primary key, not a scan (SQLite compares text by its UTF-8 bytes, and no
        character sorts after U+10FFFF)."""
        query = f"SELECT path, {column} FROM {table} WHERE path >= ? AND path < ?"
        return dict(self.db.execute(query, (prefix, prefix + "\U0010ffff")).fetchall())

    def count_readers(self) -> set[str]:
        """The outputs whose rendering read the article counts (render.Reads)."""
        query = "SELECT path FROM outputs WHERE reads != '' AND reads LIKE '%true]'"
        return {path for (path,) in self.db.execute(query)}

    def source_briefs(self, paths: Iterable[str]) -> dict[str, str]:
        """These content files' briefs (JSON), by path."""
        return dict(self._where("SELECT path, brief FROM sources", "path", paths))

    def card_readers(self, ids: Iterable[str]) -> set[str]:
        """The outputs that show these articles by their card."""
        return {path for (path,) in self._where("SELECT path FROM card_readers", "id", ids)}

    def put_card_readers(self, paths: Iterable[str], readers: Iterable[tuple[str, str]]) -> None:
        """(article id, output path) of the cards these outputs show, in place of the last."""
        self._put_readers("card_readers", paths, readers)

    def _put_readers(
        self, table: str, paths: Iterable[str], readers: Iterable[tuple[str, str]]
    ) -> None:
        """`readers` in place of the rows of `paths` in `table`, by difference: a template
        edit re-renders thousands of listings that show the cards they showed, and
        deleting and inserting their ~100,000 rows again was a second of its build."""
        now = set(readers)
        if self.bulk:  # the table was empty, and each output's rows come once
            self.db.executemany(f"INSERT INTO {table} VALUES (?, ?)", now)
            return
        before = set(self._where(f"SELECT id, path FROM {table}", "path", paths))
        self.db.executemany(f"DELETE FROM {table} WHERE id = ? AND path = ?", before - now)
        self.db.executemany(f"INSERT INTO {table} VALUES (?, ?)", sorted(now - before))

    def body_readers(self, ids: Iterable[str]) -> set[str]:
        """The outputs that read the body of any of these articles."""
        return {path for (path,) in self._where("SELECT path FROM body_readers", "id", ids)}

    def related_ids(self) -> list[str]:
        """The articles whose related articles the state keeps."""
        return [ident for (ident,) in self.db.execute("SELECT id FROM related")]

    def related(self, ids: Iterable[str] | None = None) -> dict[str, tuple[str, ...]]:
        """Article id -> its related articles' ids, of these articles or (None) of every
        one the last plan had (one JSON parse for all, as briefs)."""
        query = "SELECT id, found FROM related"
        rows = self.db.execute(query).fetchall() if ids is None else self._where(query, "id", ids)
        found = json.loads("[" + ",".join(found for _, found in rows) + "]")
        return {ident: tuple(ids) for (ident, _), ids in zip(rows, found)}

    def related_candidates(self, ids: Iterable[str]) -> dict[str, frozenset[str]]:
        """Article id -> the candidates its related articles were found among."""
        rows = self._where("SELECT id, candidates FROM related", "id", ids)
        return {ident: frozenset(json.loads(candidates)) for ident, candidates in rows}

    def _where(self, query: str, column: str, values: Iterable[str]) -> list[tuple]:
        values = list(values)
        rows: list[tuple] = []
        for start in range(0, len(values), 500):  # SQLite's limit on parameters
            chunk = values[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows += self.db.execute(f"{query} WHERE {column} IN ({marks})", chunk).fetchall()
        return rows

    # --- writing (between begin() and commit()) -------------------------------------------

    def begin(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    @contextlib.contextmanager
    def readers_in_bulk(self) -> Iterator[None]:
        """Within: the reader tables, if both are empty (a first build), take their rows
        unindexed, and their indexes are made once after, in the build's transaction
        (10,000 articles: 230,000 rows; the cold build's commit 2.1-2.3 -> 1.5-1.6 s).
        Else they are kept up to date by difference, as ever."""
        query = "SELECT 1 FROM {} LIMIT 1"
        if any(self.db.execute(query.format(table)).fetchone() for table in READERS):
            yield
            return
        for name in READER_INDEXES:
            self.db.execute(f"DROP INDEX IF EXISTS {name}")
        self.bulk = True
        try:
            yield
        finally:  # a failed build rolls back: the indexes dropped come back with it
            self.bulk = False
        for index in READER_INDEXES.values():
            self.db.execute(index)

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    def set_meta(self, **values: Any) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [(k, json.dumps(v)) for k, v in values.items()],
        )

    def put_sources(self, sources: Iterable[Source]) -> None:
        sources = list(sources)
        self.db.executemany(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(s.path, s.stamp, s.hash, s.id, s.card, s.full, s.brief) for s in sources],
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
            [(s.id, s.article, s.body) for s in sources],
        )

    def restamp(self, rows: Iterable[tuple[str, Any]]) -> None:
        self.db.executemany(
            "UPDATE sources SET stamp = ? WHERE path = ?", [(stamp, path) for path, stamp in rows]
        )

    def drop_sources(self, paths: Iterable[str]) -> None:
        self.db.executemany("DELETE FROM sources WHERE path = ?", [(p,) for p in paths])

    def forget(self, ids: Iterable[str]) -> None:
        """Drop the text and HTML of these articles if no content file has them any more."""
        gone = [
            (i,)
            for i in ids
            if not self.db.execute("SELECT 1 FROM sources WHERE id = ?", (i,)).fetchone()
        ]
        self.db.executemany("DELETE FROM articles WHERE id = ?", gone)
        self.db.executemany("DELETE FROM html WHERE id = ?", gone)

    def put_html(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Rows of (id, key, HTML)."""
        self.db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?, ?)", rows)

    def put_outputs(self, rows: Iterable[OutputRow], readers: Iterable[tuple[str, str]]) -> None:
        """These outputs; and (article id, output path) of the bodies they read."""
        rows = list(rows)
        self.db.executemany(
            "INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.path, r.spec, *astuple(r.stored)) for r in rows if r.spec is not None],
        )
        # A template edit re-renders thousands of pages whose plan entries (~5 KB each) are
        # the stored ones: only how each was left is written.
        self.db.executemany(
            "UPDATE outputs SET fingerprint = ?, reads = ?, hash = ?, size = ?, mtime = ? "
            "WHERE path = ?",
            [(*astuple(r.stored), r.path) for r in rows if r.spec is None],
        )
        self._put_readers("body_readers", (r.path for r in rows), readers)

    def drop_outputs(self, paths: Iterable[str]) -> None:
        rows = [(p,) for p in paths]
        self.db.executemany("DELETE FROM outputs WHERE path = ?", rows)
        self.db.executemany("DELETE FROM body_readers WHERE path = ?", rows)
        self.db.executemany("DELETE FROM card_readers WHERE path = ?", rows)

    def put_related(self, rows: Iterable[tuple[str, Iterable[str], Iterable[str]]]) -> None:
        """Rows of (article id, its related ids, its candidates)."""
        self.db.executemany(
            "INSERT OR REPLACE INTO related VALUES (?, ?, ?)",
            [(i, json.dumps(list(found)), json.dumps(sorted(c))) for i, found, c in rows],
        )

    def drop_related(self, ids: Iterable[str] | None = None) -> None:
        """These articles' related answers; None: all of them."""
        if ids is None:
            self.db.execute("DELETE FROM related")
        else:
            self.db.executemany("DELETE FROM related WHERE id = ?", [(i,) for i in ids])

    def rebase(self, old: str, new: str) -> None:
        """The content folder moved from `old` to `new` (the site copied, or its cache
        restored into another checkout): the content files' keys follow it, so the next
        build reads on from this state. The stored cards and briefs hold no path (model.to_json)."""
        self.begin()
        try:
            self.db.execute(
                "UPDATE sources SET path = ? || substr(path, ?) WHERE substr(path, 1, ?) = ?",
                (new + os.sep, len(old) + 2, len(old) + 1, old + os.sep),
            )
            self.commit()
        except BaseException:
            self.rollback()
            raise

    def forget_outputs(self) -> None:
        """output/ is not what the store says (moved, deleted, another folder)."""
        self.db.execute("DELETE FROM outputs")
        self.db.execute("DELETE FROM body_readers")
        self.db.execute("DELETE FROM card_readers")


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """The state file as the last committed build left it, by a connection of its own:
    for another process (a build's connection must not cross a fork)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield db
    finally:
        db.close()


def committed_output_paths(path: Path) -> set[str]:
    """Every file the last committed build made (read_only)."""
    with read_only(path) as db:
        return {file for (file,) in db.execute("SELECT path FROM outputs")}


def discard(path: Path) -> None:
    """The state file gone, with SQLite's -wal and -shm beside it: a stale -shm left
    behind (another user's, read-only) would fail every later build."""
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        (path.parent / name).unlink(missing_ok=True)


def _connect(path: Path | None) -> sqlite3.Connection:
    """A connection with the schema: to a file, or in memory when path is None."""
    db = sqlite3.connect(
        path if path is not None else ":memory:", isolation_level=None, check_same_thread=False
    )
    db.executescript(SCHEMA)
    if path is not None:
        # WAL: a reader (the output check's child, say) never blocks on a writer;
        # synchronous=NORMAL: a power cut may lose the last build's state, never corrupt it.
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
    return db
