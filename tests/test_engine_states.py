"""Random newsroom days: after every edit, `build` (cached, staged) and `watch` (in place, told
what changed) leave exactly the bytes of a clean build of the same sources.

A hypothesis state machine adds, edits, retitles, redates, moves, drafts, schedules, deletes
and renames articles, edits templates (a teaser that reads the body among them), site.toml
and static files, edits a file keeping its size and mtime, and moves the clock on. Dates fall near a
month's and a year's turn in several UTC offsets; sitemaps hold a few URLs each, so they
fill up. After each step the plan each build keeps (and the store's indexes a change is
planned from) must be the full plan's, as a clean build stores it. `Preview` runs the same
days as `serve --drafts` sees them: drafts and future stories published, labelled.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from conftest import REPO
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from test_incremental import tree

from site_builder.config import load_config
from site_builder.engine.pipeline import Engine
from site_builder.engine.store import FILE
from site_builder.render import sitemaps

REGIONS = ["gulf", "europe", "asia", "middle-east"]
COUNTRIES = {
    "gulf": ["Qatar", "Oman"],
    "europe": ["France"],
    "asia": ["Japan", "India"],
    "middle-east": ["Iraq", "Syria"],
}
TOML = (
    'title = "{title}"\nper_page = {per_page}\ntimezone = "{timezone}"\n'
    'base_url = "https://example.org/news/"\n'
)
ZONES = ["UTC", "Asia/Bangkok", "America/New_York"]
# Wire copy carries its desk's offset; a date near a month's or year's turn falls in another
# month in UTC than in its own offset (the archive groups by the site's month).
OFFSETS = ["+00:00", "+07:00", "-05:00", "+05:30", "-11:00", "+14:00", "+03:00"]
WHEN = ["10T08:00:00", "01T01:57:00", "30T22:30:00", "01T00:05:00", "28T23:59:00", "01T23:51:00"]
SAME_DAY = (1, 41)  # `at` of 01:57 +07:00 and of 23:51 +03:00: one day, in this order by instant
TAGS = ["Shipping", "shipping", "Oil", "C++", "C#"]
AUTHORS = ["", "Desk Reporter", "desk reporter", "Ana"]
SHARD = 3  # URLs a sitemap here, so that sitemaps fill up, and new ones start, as news comes
WORDS = st.text(alphabet="abcdefgh ", min_size=1, max_size=30).map(str.strip).filter(bool)


class Clock:
    """The engines' clock, moved on by a rule (so future articles come due)."""

    def __init__(self):
        self.now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


class Newsroom(RuleBasedStateMachine):
    REPLAN = True  # changes to articles planned from the change (engine/replan.py)
    DRAFTS = False  # every build with --drafts (the preview)

    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="newsroom-"))
        self.shard, sitemaps.SHARD_URLS = sitemaps.SHARD_URLS, SHARD
        shutil.copytree(REPO / "templates", self.root / "templates")
        (self.root / "content").mkdir()
        self.changed: set[Path] = set()
        self.toml = {"title": "Desk", "per_page": 2, "timezone": "UTC"}
        self.write(self.root / "site.toml", TOML.format(**self.toml))
        self.clock = Clock()
        self.articles: dict[int, dict] = {}  # n -> fields and its file
        self.serial = 0
        self.drops = 0  # files and folders dropped into out-build/
        self.watcher = Engine(
            self.config("out-watch", ".cache-watch"),
            now=self.clock,
            in_place=True,
            reload_config=lambda: self.config("out-watch", ".cache-watch"),
            replan=self.REPLAN,
            drafts=self.DRAFTS,
        )
        for at in range(3):
            self._add("Opening story", "gulf", 9 if at else 0, "first words", at)
        self.settle()

    def config(self, output: str, cache: str):
        return load_config(
            self.root / "site.toml",
            {"output_dir": self.root / output, "cache_dir": self.root / cache},
            root=self.root,
        )

    def teardown(self):
        sitemaps.SHARD_URLS = self.shard
        self.watcher.close()
        shutil.rmtree(self.root, ignore_errors=True)

    # --- writing the sources ----------------------------------------------------------------

    def write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.changed.add(path)

    def text(self, a: dict) -> str:
        extra = "draft: true\n" if a["draft"] else ""
        if a["tags"]:
            extra += "tags: [" + ", ".join(f"'{t}'" for t in a["tags"]) + "]\n"
        if a["author"]:
            extra += f"author: {a['author']}\n"
        return (
            f"---\nid: urn:test:{a['n']}\ntitle: '{a['title']}'\n"
            f"date: {a['year']}-{a['month']:02d}-{a['when']}{a['offset']}\nregion: {a['region']}\n"
            f"countries: [{COUNTRIES[a['region']][a['n'] % len(COUNTRIES[a['region']])]}]\n"
            f"summary: Summary {a['n']}.\nslug: story-{a['n']}\n{extra}---\n{a['body']}\n"
        )

    def save(self, a: dict) -> None:
        self.write(a["path"], self.text(a))

    def _add(
        self, title: str, region: str, month: int, body: str, at: int = 0, draft: bool = False
    ) -> None:
        self.serial += 1
        n = self.serial
        a = {
            "n": n,
            "title": title,
            "region": region,
            **self.moment(month, at),
            "body": body,
            "draft": draft,
            "tags": TAGS[n % len(TAGS)][:1],
            "author": "",
            "path": self.root / "content" / region / f"story-{n}.md",
        }
        self.articles[n] = a
        self.save(a)

    @staticmethod
    def moment(month: int, at: int) -> dict:
        """A date in `month` of 2026 (0: December 2025, across the year's turn), at one of
        the times near a month's turn, with one of the offsets: `at` picks both."""
        when = WHEN[at % len(WHEN)]
        if month == 2 and when.startswith("30"):
            when = "28" + when[2:]
        return {
            "year": 2026 if month else 2025,
            "month": month or 12,
            "when": when,
            "offset": OFFSETS[at % len(OFFSETS)],
        }

    def pick(self, data) -> dict:
        return self.articles[data.draw(st.sampled_from(sorted(self.articles)))]

    # --- the desk's day ------------------------------------------------------------------------

    @rule(
        title=WORDS,
        region=st.sampled_from(REGIONS),
        month=st.integers(0, 12),
        body=WORDS,
        at=st.integers(0, 41),
    )
    def add(self, title, region, month, body, at):
        self._add(title, region, month, body, at)

    @rule(title=WORDS, region=st.sampled_from(REGIONS), month=st.integers(0, 12), body=WORDS)
    def add_draft(self, title, region, month, body):
        """A story saved as a draft, as `new` writes it: only a preview shows it."""
        self._add(title, region, month, body, draft=True)

    @rule(count=st.integers(3, 7), month=st.integers(0, 12), at=st.integers(0, 41))
    def wire_batch(self, count, month, at):
        """An import of several stories at once: they push older ones off the first pages."""
        for n in range(count):
            self._add(f"Wire {n}", REGIONS[n % len(REGIONS)], month, "wire words", at + n)

    @rule(month=st.integers(0, 12))
    def two_desks_one_day(self, month):
        """Bangkok's 01:57 and Moscow's 23:51 of one date: 22 hours apart in UTC, and on
        the 1st, the first in the month before by UTC."""
        for at in SAME_DAY:
            self._add("Desk story", "asia", month, "words", at)

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), body=WORDS)
    def edit_body(self, data, body):
        a = self.pick(data)
        a["body"] = body
        self.save(a)

    @rule(where=st.sampled_from(["", "articles/", "tags/x/"]), empty=st.booleans())
    def drop_into_output(self, where, empty):
        """Someone drops a file or an empty folder into the built output/, and a static file
        changes (a build that writes nothing leaves output/ as it is): the drop goes, and
        no later build brings it back from the kept previous site (engine/strays.py)."""
        self.drops += 1
        dropped = self.root / "out-build" / where / f"dropped-{self.drops}"
        dropped.parent.mkdir(parents=True, exist_ok=True)
        if empty:
            dropped.mkdir()
        else:
            dropped.write_text("not ours", encoding="utf-8")
        self.write(self.root / "static" / "notice.txt", f"Notice {self.drops}")

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), title=WORDS)
    def retitle(self, data, title):
        a = self.pick(data)
        a["title"] = title
        self.save(a)

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), month=st.integers(0, 12), at=st.integers(0, 41))
    def redate(self, data, month, at):
        a = self.pick(data)
        a.update(self.moment(month, at))
        self.save(a)

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), hours=st.integers(-72, 72).filter(bool))
    def schedule(self, data, hours):
        """A story dated hours ahead of the clock (scheduled: it comes due as time passes)
        or moved hours into the past."""
        a = self.pick(data)
        at = self.clock.now + dt.timedelta(hours=hours)
        a.update(year=at.year, month=at.month, when=at.strftime("%dT%H:%M:%S"), offset="+00:00")
        self.save(a)

    @precondition(lambda self: self.articles)
    @rule(
        data=st.data(),
        tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True),
        author=st.sampled_from(AUTHORS),
    )
    def retag(self, data, tags, author):
        """Tags and bylines: spellings that differ in case share a listing, names that
        slug alike ('C++', 'C#') each get their own, and a tag's last story takes its pages."""
        a = self.pick(data)
        a["tags"], a["author"] = tags, author
        self.save(a)

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), region=st.sampled_from(REGIONS))
    def move_region(self, data, region):
        a = self.pick(data)
        a["region"] = region
        self.save(a)

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def toggle_draft(self, data):
        a = self.pick(data)
        a["draft"] = not a["draft"]
        self.save(a)

    @precondition(lambda self: len(self.articles) > 1)
    @rule(data=st.data())
    def delete(self, data):
        a = self.pick(data)
        a["path"].unlink()
        self.changed.add(a["path"])
        del self.articles[a["n"]]

    @precondition(lambda self: self.articles)
    @rule(data=st.data(), folder=st.sampled_from(REGIONS + ["misc"]))
    def rename(self, data, folder):
        a = self.pick(data)
        new = self.root / "content" / folder / f"renamed-{a['n']}-{self.serial}.md"
        new.parent.mkdir(parents=True, exist_ok=True)
        a["path"].rename(new)
        self.changed |= {a["path"], new}
        a["path"] = new
        self.serial += 1

    @precondition(lambda self: self.articles)
    @rule(data=st.data())
    def same_size_same_mtime(self, data):
        """An edit an editor hides: same length, mtime put back."""
        a = self.pick(data)
        st_before = a["path"].stat()
        a["body"] = a["body"].swapcase() if a["body"].swapcase() != a["body"] else a["body"][::-1]
        self.save(a)
        os.utime(a["path"], ns=(st_before.st_atime_ns, st_before.st_mtime_ns))

    @initialize(reads_body=st.booleans())
    def theme(self, reads_body):
        """Half the days start with a teaser that shows each article's word count."""
        if reads_body:
            self.edit_teaser(True, "from the start")

    @rule(reads_body=st.booleans(), comment=WORDS)
    def edit_teaser(self, reads_body, comment):
        teaser = self.root / "templates" / "_teaser.html"
        text = (REPO / "templates" / "_teaser.html").read_text(encoding="utf-8")
        if reads_body:
            reading = text.replace(
                '<article class="teaser ',
                '<article data-words="{{ article.body|wordcount }}" class="teaser ',
            )
            assert reading != text  # the theme's teaser, made to read the body
            text = reading
        self.write(teaser, f"{{# {comment} #}}\n{text}")

    @rule(title=WORDS, per_page=st.integers(1, 4), timezone=st.sampled_from(ZONES))
    def edit_site_toml(self, title, per_page, timezone):
        self.toml = {"title": title, "per_page": per_page, "timezone": timezone}
        self.write(self.root / "site.toml", TOML.format(**self.toml))

    @rule(present=st.booleans(), text=WORDS)
    def static_file(self, present, text):
        path = self.root / "static" / "notice.txt"
        if present:
            self.write(path, text)
        elif path.exists():
            path.unlink()
            self.changed.add(path)

    @rule(days=st.integers(1, 120))
    def time_passes(self, days):
        self.clock.now += dt.timedelta(days=days)

    # --- after every step -------------------------------------------------------------------

    def settle(self) -> None:
        self.watcher.build(self.changed or set())
        self.changed = set()
        builder = Engine(  # as `build`
            self.config("out-build", ".cache-build"),
            now=self.clock,
            replan=self.REPLAN,
            drafts=self.DRAFTS,
        )
        try:
            builder.build()
        finally:
            builder.close()

    @invariant()
    def builds_equal_a_clean_one(self):
        self.settle()
        clean = self.root / "out-clean"
        shutil.rmtree(clean, ignore_errors=True)
        shutil.rmtree(self.root / ".cache-clean", ignore_errors=True)
        # A clean build (an empty state) that keeps its state: the full plan, stored.
        reference = Engine(
            self.config("out-clean", ".cache-clean"), now=self.clock, drafts=self.DRAFTS
        )
        try:
            reference.build()
        finally:
            reference.close()
        expected = tree(clean)
        for name in ("out-build", "out-watch"):
            got = tree(self.root / name)
            assert sorted(got) == sorted(expected), name
            assert [p for p in expected if got[p] != expected[p]] == [], name
        # The plan a build keeps, and its indexes of what reads what, are the full plan's:
        # a change planned from them (a retitle, a body edit) starts from the truth.
        truth = plan_state(self.root / ".cache-clean")
        for cache in (".cache-build", ".cache-watch"):
            assert plan_state(self.root / cache) == truth, cache
        # What watch keeps in memory of the files it made is what its state says.
        memo, files = self.watcher.memo, {p for p, _ in truth["outputs"]}
        assert memo.paths is None or memo.paths == files
        assert memo.outputs is None or set(memo.outputs) == files


def plan_state(cache: Path) -> dict[str, list]:
    """The stored plan entry of every output, the store's indexes and related articles."""
    db = sqlite3.connect(cache / FILE)
    try:
        return {
            "outputs": sorted(db.execute("SELECT path, spec FROM outputs")),
            "body_readers": sorted(db.execute("SELECT id, path FROM body_readers")),
            "card_readers": sorted(db.execute("SELECT id, path FROM card_readers")),
            # related articles as the last full plan found them, reused by the next
            "related": sorted(db.execute("SELECT id, found, candidates FROM related")),
        }
    finally:
        db.close()


def days(examples: int) -> settings:
    """`examples` random days of 15 edits (NEWSROOM_EXAMPLES=200 for a longer hunt by hand)."""
    return settings(
        max_examples=int(os.environ.get("NEWSROOM_EXAMPLES", str(examples))),
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )


# The suite runs 10 days (~100 s on a two-core machine beside the other worker: each step
# compares both builds' stored plans with a clean build's; this test bounds the suite's time).
Newsroom.TestCase.settings = days(10)
test_random_newsroom_days = Newsroom.TestCase


class WholePlans(Newsroom):
    """The same days with every change to articles planned with the whole site: the
    reference the plan from the change is held to, held to a clean build itself."""

    REPLAN = False


WholePlans.TestCase.settings = days(3)
test_random_newsroom_days_planned_whole = WholePlans.TestCase


class Preview(Newsroom):
    """The same days built with --drafts, as `serve --drafts` and `watch --drafts` build
    them: a story drafted, undrafted, scheduled or moved to the past is planned from the
    change (its "Draft" and "Scheduled for ..." labels with it); one coming due plans whole."""

    DRAFTS = True


# 3 days: ~30 s (NEWSROOM_EXAMPLES=200 for a longer hunt by hand).
Preview.TestCase.settings = days(3)
test_random_newsroom_days_as_a_preview = Preview.TestCase
