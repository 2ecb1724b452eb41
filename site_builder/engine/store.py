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

import json
import logging
import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("site_builder")

FILE = "state.sqlite3"
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
CREATE TABLE IF NOT EXISTS body_readers (id TEXT NOT NULL, path TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS body_readers_id ON body_readers (id);
CREATE INDEX IF NOT EXISTS body_readers_path ON body_readers (path);
"""


class Store:
    """The state of the last successful build, read as needed, written in one transaction."""

    def __init__(self, path: Path | None, key: str):
        """`path` None keeps the state in memory (a clean build that leaves no cache)."""
        self.path = path
        self.pid = os.getpid()
        self.db = self._open(path)
        try:
            current = self.meta("key")
        except (sqlite3.DatabaseError, ValueError):
            current = None
        if current != key:
            self.clear()
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (json.dumps(key),))

    def _open(self, path: Path | None) -> sqlite3.Connection:
        """The state file (made afresh if it is not a database), else a state in memory."""
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                try:
                    return _connect(path)
                except sqlite3.DatabaseError as exc:  # not a database, or another program's
                    log.warning("%s: unreadable build state (%s); starting afresh", path, exc)
                    path.unlink(missing_ok=True)
                    return _connect(path)
            except sqlite3.DatabaseError:
                pass
            except OSError as exc:
                log.warning(
                    "%s: cannot keep the build state (%s); building without it", path, exc.strerror
                )
        self.path = None
        return _connect(None)

    def clear(self) -> None:
        """Empty, with the tables as this code makes them (an older state's may differ)."""
        for table in ("meta", "sources", "articles", "html", "outputs", "body_readers"):
            self.db.execute(f"DROP TABLE IF EXISTS {table}")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    # --- reading ---------------------------------------------------------------------

    def meta(self, name: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return json.loads(row[0]) if row else default

    def stamps(self) -> dict[str, str]:
        """Content file -> its stamp as stored (scan.text, or "racy")."""
        return dict(self.db.execute("SELECT path, stamp FROM sources").fetchall())

    def reader(self) -> Store:
        """This store for a forked worker: SQLite connections must not cross a fork."""
        if self.path is None or self.pid == os.getpid():
            return self
        clone = object.__new__(Store)
        clone.path, clone.pid = self.path, os.getpid()
        clone.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        return clone

    def sources(self, paths: Iterable[str]) -> list[tuple]:
        """(path, stamp, hash, id, card digest) rows of these content files."""
        return self._where("SELECT path, stamp, hash, id, card FROM sources", "path", paths)

    def briefs(self) -> tuple[list[tuple[str, str, str, str]], str]:
        """(path, id, card digest, full digest) of every content file, and their briefs as
        one JSON array (one parse for 10,000 is much quicker than 10,000 parses)."""
        rows = self.db.execute("SELECT path, id, card, full, brief FROM sources").fetchall()
        return [row[:4] for row in rows], "[" + ",".join(row[4] for row in rows) + "]"

    def articles(self, ids: Iterable[str]) -> list[tuple[str, str, str, str]]:
        """(id, card digest, full digest, card JSON) of these articles."""
        return self._where(
            "SELECT s.id, s.card, s.full, a.article FROM sources s JOIN articles a ON a.id = s.id",
            "s.id",
            ids,
        )

    def bodies(self, ids: Iterable[str]) -> list[tuple[str, str]]:
        return self._where("SELECT id, body FROM articles", "id", ids)

    def html(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """id -> (key, HTML) of these articles' bodies."""
        return {row[0]: row[1:] for row in self._where("SELECT id, key, html FROM html", "id", ids)}

    def outputs(self, paths: Iterable[str] | None = None) -> dict[str, tuple]:
        """Output path -> (fingerprint, reads JSON, hash, size, mtime), all or of these."""
        query = "SELECT path, fingerprint, reads, hash, size, mtime FROM outputs"
        rows = self.db.execute(query) if paths is None else self._where(query, "path", paths)
        return {row[0]: row[1:] for row in rows}

    def output_paths(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT path FROM outputs")}

    def output_stamps(self) -> list[tuple[str, int, int]]:
        return self.db.execute("SELECT path, size, mtime FROM outputs").fetchall()

    def specs(self, paths: Iterable[str]) -> list[str]:
        """The plan entries (spec JSON) of these outputs."""
        return [row[0] for row in self._where("SELECT spec FROM outputs", "path", paths)]

    def body_readers(self, ids: Iterable[str]) -> set[str]:
        """The outputs that read the body of any of these articles."""
        return {row[0] for row in self._where("SELECT path FROM body_readers", "id", ids)}

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

    def put_sources(self, rows: Iterable[tuple]) -> None:
        """Rows of (path, stamp, hash, id, card digest, full digest, brief, card JSON, body)."""
        rows = list(rows)
        self.db.executemany(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)", [row[:7] for row in rows]
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?)",
            [(row[3], row[7], row[8]) for row in rows],
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

    def put_outputs(self, rows: Iterable[tuple], readers: Iterable[tuple[str, str]]) -> None:
        """Rows of (path, spec, fingerprint, reads, hash, size, mtime); their body readers."""
        rows = list(rows)
        self.db.executemany("DELETE FROM body_readers WHERE path = ?", [(r[0],) for r in rows])
        self.db.executemany("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO body_readers VALUES (?, ?)", readers)

    def drop_outputs(self, paths: Iterable[str]) -> None:
        paths = [(p,) for p in paths]
        self.db.executemany("DELETE FROM outputs WHERE path = ?", paths)
        self.db.executemany("DELETE FROM body_readers WHERE path = ?", paths)

    def forget_outputs(self) -> None:
        """output/ is not what the store says (moved, deleted, another folder)."""
        self.db.execute("DELETE FROM outputs")
        self.db.execute("DELETE FROM body_readers")


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
