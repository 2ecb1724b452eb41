"""Which content file an imported article is: found again by id, URL or title, never a
hand-written file; and what the importer writes, or refuses to write, there.

These drive the importer's filing (`decide`) and writing (`write_all`) in this process with
articles made here, as a dump or a feed reader would hand them over.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest

from site_builder.config import load_config
from site_builder.content import frontmatter
from site_builder.ingest.filing import (
    Action,
    _compare,
    _unique_slug,
    _web_url,
    article_id_for,
    decide,
    edited_since_import,
    render_with_digest,
    scan_content,
    title_slug,
    write_all,
)
from site_builder.ingest.records import Record

UTC = dt.UTC
WHEN = dt.datetime(2026, 2, 11, 9, 30, tzinfo=UTC)
LEAD = "Officials in Nairobi said the vote was calm."


@pytest.fixture
def config(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\n', encoding="utf-8")
    return load_config(tmp_path / "site.toml", root=tmp_path)


def record(title="Kenya holds a vote", lead=LEAD, **kw) -> Record:
    return Record(title=title, body=lead, paragraphs=(lead,), source_path=Path("src.txt"), **kw)


def file_it(
    config,
    rec: Record,
    when=WHEN,
    *,
    explicit=False,
    source_url=None,
    batch=1,
    force=False,
    origin="source",
) -> Action:
    """Plan one article against what content/ holds now and write it: the import of one."""
    action = decide(
        config,
        scan_content(config.content_dir),
        rec,
        when,
        origin,
        explicit=explicit,
        source_url=source_url,
        batch=batch,
        force=force,
    )
    assert write_all([action], config.content_dir) == []
    return action


def meta_of(path: Path) -> dict:
    return frontmatter.read(path.read_text(encoding="utf-8"), path)[0]


def content_files(config) -> list[str]:
    return sorted(
        p.relative_to(config.content_dir).as_posix() for p in config.content_dir.rglob("*.md")
    )


# --- found again -------------------------------------------------------------------------


def test_a_feed_entry_is_found_again_by_its_id_even_retitled(config):
    first = file_it(config, record(source_id="tag:wire,2026:1"))
    assert first.status == "created"
    again = file_it(config, record(source_id="tag:wire,2026:1"))
    assert (again.status, again.path) == ("unchanged", first.path)
    retitled = file_it(config, record("Kenya counts the votes", source_id="tag:wire,2026:1"))
    assert (retitled.status, retitled.path) == ("updated", first.path)
    assert meta_of(first.path)["id"] == meta_of(first.path)["id"]
    assert meta_of(first.path)["title"] == "Kenya counts the votes"
    assert content_files(config) == ["horn-of-africa/kenya-holds-a-vote.md"]


def test_an_article_with_a_url_is_found_by_it(config):
    first = file_it(config, record(url="https://wire.example/kenya-vote"))
    retitled = file_it(config, record("Kenya: the vote", url="https://wire.example/kenya-vote"))
    assert (retitled.status, retitled.path) == ("updated", first.path)
    other = file_it(config, record("Kenya: the vote", url="https://wire.example/other"))
    assert other.status == "created" and other.path != first.path


def test_ids_come_from_the_source_then_the_url_then_the_batch_url_then_title_and_date():
    ours = "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert article_id_for(record(source_id=ours), WHEN, None, 1) == ours  # our own feeds
    by_id = article_id_for(record(source_id="tag:1", url="https://a/"), WHEN, None, 1)
    by_url = article_id_for(record(url="https://a/"), WHEN, None, 1)
    assert by_id != by_url and by_id == article_id_for(record(source_id="tag:1"), WHEN, None, 1)
    assert by_url == article_id_for(record("Other title", url="https://a/"), WHEN, "https://b/", 5)
    one = article_id_for(record(), WHEN, "https://a/", 1)
    assert one == by_url  # a single article's --source-url is its URL
    # several articles share one --source-url: each title tells them apart
    two = {article_id_for(record(t), WHEN, "https://a/", 2) for t in ("One", "Two")}
    assert len(two) == 2 and one not in two
    plain = article_id_for(record(), WHEN, None, 1)
    assert plain != article_id_for(record(), WHEN + dt.timedelta(minutes=1), None, 1)
    assert plain != article_id_for(record("Other"), WHEN, None, 1)
    for made in (by_id, by_url, one, plain, *two):
        assert made.startswith("urn:uuid:")


def test_a_dump_article_is_found_by_title_when_its_file_time_changed(config):
    """A fresh clone gives the dump a new modification time: same article, same date kept."""
    first = file_it(config, record(), origin="file modification time")
    later = WHEN + dt.timedelta(days=3)
    again = decide(
        config,
        scan_content(config.content_dir),
        record("  KENYA holds a  vote "),
        later,
        "file modification time",
        explicit=False,
        source_url=None,
        batch=1,
        force=False,
    )
    assert (again.path, again.origin) == (first.path, "the earlier import")
    assert meta_of(first.path)["date"] == WHEN
    # ...unless the date is given on the command line (--date): then that date is written
    dated = file_it(config, record(), later, explicit=True, origin="--date")
    assert (dated.status, dated.path) == ("updated", first.path)
    assert meta_of(first.path)["date"] == later


def test_a_dump_article_with_a_stated_date_matches_only_on_that_day(config):
    stated = dt.datetime(2026, 2, 11)
    first = file_it(config, record(date=stated))
    same_day = file_it(config, record(date=stated.replace(hour=12)))
    assert (same_day.status, same_day.path) == ("unchanged", first.path)
    next_day = file_it(
        config, record(date=stated + dt.timedelta(days=1)), WHEN + dt.timedelta(days=1)
    )
    assert next_day.status == "created"
    assert content_files(config) == [
        "horn-of-africa/kenya-holds-a-vote-2.md",
        "horn-of-africa/kenya-holds-a-vote.md",
    ]


def test_a_feed_entry_is_never_matched_by_title(config):
    first = file_it(config, record())
    other = file_it(config, record(url="https://wire.example/kenya"))
    assert other.status == "created" and other.path != first.path


def test_a_hand_written_file_with_the_same_title_is_never_overwritten(config):
    own = config.content_dir / "africa" / "kenya-holds-a-vote.md"
    own.parent.mkdir(parents=True)
    own.write_text(
        "---\nid: mine\ntitle: Kenya holds a vote\ndate: 2026-02-11T09:30:00Z\n"
        "region: africa\n---\nMy words.\n",
        encoding="utf-8",
    )
    action = file_it(config, record())
    assert action.status == "created"
    assert action.path.name == "kenya-holds-a-vote-2.md"
    assert own.read_text(encoding="utf-8").endswith("My words.\n")


def test_an_estimated_date_stays_estimated_only_while_it_was_one(config):
    estimated = record(source_id="tag:1", date_estimated=True)
    first = file_it(config, estimated)
    assert meta_of(first.path)["date_estimated"] is True
    again = file_it(config, estimated, WHEN + dt.timedelta(hours=1))
    assert again.status == "unchanged" and meta_of(first.path)["date"] == WHEN
    dated = file_it(config, record(source_id="tag:2"))
    assert "date_estimated" not in meta_of(dated.path)
    # the entry lost its date in the feed later: the date of the earlier import is no estimate
    undated = file_it(
        config, record(source_id="tag:2", date_estimated=True), WHEN + dt.timedelta(hours=1)
    )
    assert undated.status == "unchanged" and "date_estimated" not in meta_of(dated.path)
    # a date given on the command line is no estimate either
    given = file_it(config, record(source_id="tag:3", date_estimated=True), explicit=True)
    assert "date_estimated" not in meta_of(given.path)


def test_a_second_article_with_the_same_title_gets_a_numbered_slug(config):
    paths = [file_it(config, record(url=f"https://w/{n}")).path.name for n in range(3)]
    assert paths == ["kenya-holds-a-vote.md", "kenya-holds-a-vote-2.md", "kenya-holds-a-vote-3.md"]


def test_slugs_drop_apostrophes_and_count_reserved_slugs(config):
    index = scan_content(config.content_dir)
    assert (
        _unique_slug(index, title_slug("Kenya's vote: Sudan’s view")) == "kenyas-vote-sudans-view"
    )
    index.slugs |= {"kenyas-vote", "kenyas-vote-2"}
    assert _unique_slug(index, title_slug("Kenya's vote")) == "kenyas-vote-3"


# --- what content/ already holds --------------------------------------------------------------


def test_the_scan_reserves_slugs_of_broken_and_renamed_files_and_says_which(config, caplog):
    region = config.content_dir / "horn-of-africa"
    region.mkdir(parents=True)
    (region / "kenya-holds-a-vote.md").write_text(
        "---\ntitle: [unclosed\n---\nx\n", encoding="utf-8"
    )
    (region / "latin1.md").write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    (region / "file-name.md").write_text(
        "---\nid: x\ntitle: T\ndate: 2026-01-01T00:00:00Z\nregion: africa\nslug: taken\n---\n",
        encoding="utf-8",
    )
    with caplog.at_level(logging.WARNING, logger="site_builder"):
        index = scan_content(config.content_dir)
    assert {"kenya-holds-a-vote", "latin1", "file-name", "taken"} <= index.slugs
    assert set(index.by_id) == {"x"}
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 2
    assert sum(m.count("kenya-holds-a-vote.md") for m in warned) == 1  # named once
    assert any(m.startswith(str(region / "latin1.md") + ": ") and "utf-8" in m for m in warned)
    assert file_it(config, record()).path.name == "kenya-holds-a-vote-2.md"
    assert _unique_slug(index, title_slug("Taken")) == "taken-2"


def test_without_a_content_folder_everything_is_new(config):
    index = scan_content(config.content_dir)
    assert (index.by_id, index.by_title, index.slugs) == ({}, {}, set())


# --- edited files and the digest --------------------------------------------------------------


def test_a_file_a_person_edited_is_skipped_unless_forced(config):
    first = file_it(config, record(source_id="tag:1"))
    edited = first.path.read_text(encoding="utf-8").replace(LEAD, "A better lead.")
    first.path.write_text(edited, encoding="utf-8")
    changed = record("Kenya counts the votes", source_id="tag:1")
    skipped = file_it(config, changed)
    assert (skipped.status, skipped.note) == (
        "skipped",
        "edited since import; --force overwrites it",
    )
    assert first.path.read_text(encoding="utf-8") == edited
    forced = file_it(config, changed, force=True)
    assert (forced.status, forced.note) == (
        "updated",
        "--force: overwrote a file edited since import",
    )
    assert "Kenya counts the votes" in first.path.read_text(encoding="utf-8")


def test_compare_says_unchanged_updated_or_skipped_with_why():
    ours = render_with_digest({"id": "a", "title": "T", "draft": False}, "Body")
    newer = render_with_digest({"id": "a", "title": "U", "draft": False}, "Body")
    assert _compare(ours, ours, False) == ("unchanged", "")
    assert _compare(ours, newer, False) == ("updated", "")
    assert _compare("---\ntitle: T\n---\nmine\n", newer, False) == (
        "skipped",
        "not written by the importer (no import_digest); --force overwrites it",
    )


def test_the_digest_follows_draft_and_notices_any_edit():
    text = render_with_digest({"id": "a", "title": "T", "draft": False, "extra": 1}, "Body")
    keys = list(frontmatter.read(text, "x.md")[0])
    assert keys == ["id", "title", "draft", "import_digest", "extra"]
    assert edited_since_import(text) is None
    assert edited_since_import(text.replace("Body", "Body.")) == "edited since import"
    assert edited_since_import(text.replace("title: T", "title: U")) == "edited since import"
    no_draft = render_with_digest({"id": "a"}, "Body")
    assert list(frontmatter.read(no_draft, "x.md")[0]) == ["id", "import_digest"]
    assert edited_since_import(no_draft) is None
    digest = text.split("import_digest: ", 1)[1].split("\n", 1)[0]
    quoted = text.replace(f"import_digest: {digest}", f"import_digest: '{digest}'")
    assert edited_since_import(quoted) is None


# --- links and writing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, kept",
    [
        ("https://wire.example/a", True),
        ("http://wire.example/a", True),
        ("HTTPS://W.EXAMPLE/", True),
        ("", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,x", False),
        ("ftp://wire.example/a", False),
    ],
)
def test_only_web_links_are_kept_and_a_dropped_one_is_said(url, kept):
    link, warnings = _web_url(url)
    assert (link == url) is kept
    assert bool(warnings) is not kept
    if not kept:
        assert warnings == (f"dropped the link '{url}': not an http(s) address",)


def test_a_javascript_link_from_a_feed_never_reaches_the_file(config):
    action = file_it(config, record(url="javascript:alert(1)"))
    assert "source" not in meta_of(action.path) or "url" not in meta_of(action.path)["source"]
    assert action.warnings == ("dropped the link 'javascript:alert(1)': not an http(s) address",)
    batch = file_it(
        config,
        record("Uganda votes", lead="Officials in Kampala spoke."),
        source_url="https://wire.example/u",
    )
    assert meta_of(batch.path)["source"]["url"] == "https://wire.example/u"


def test_only_created_and_updated_files_are_written(config):
    made = [
        decide(
            config,
            scan_content(config.content_dir),
            record(url=f"https://w/{n}"),
            WHEN,
            "source",
            explicit=False,
            source_url=None,
            batch=1,
            force=False,
        )
        for n in range(2)
    ]
    skipped = Action(
        "skipped", "africa", config.content_dir / "africa" / "s.md", "x", made[0].record, "source"
    )
    unchanged = Action(
        "unchanged", "africa", config.content_dir / "africa" / "u.md", "x", made[0].record, "source"
    )
    assert write_all([skipped, unchanged, made[0]], config.content_dir) == []
    assert content_files(config) == ["horn-of-africa/kenya-holds-a-vote.md"]


def test_a_region_folder_linked_out_of_content_is_refused(config, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config.content_dir.mkdir()
    (config.content_dir / "horn-of-africa").symlink_to(elsewhere)
    action = decide(
        config,
        scan_content(config.content_dir),
        record(),
        WHEN,
        "source",
        explicit=False,
        source_url=None,
        batch=1,
        force=False,
    )
    problems = write_all([action], config.content_dir)
    assert [str(p) for p in problems] == [
        "horn-of-africa/kenya-holds-a-vote.md: refusing to write: horn-of-africa/ is a symbolic link out of "
        "content/"
    ] or [p.message for p in problems] == [
        "refusing to write: horn-of-africa/ is a symbolic link out of content/"
    ]
    assert list(elsewhere.iterdir()) == []
    assert write_all([action]) == []  # without the folder to check against, it is written


def test_a_file_that_cannot_be_written_is_a_problem_naming_it(config):
    config.content_dir.mkdir()
    (config.content_dir / "horn-of-africa").write_text(
        "a file where the folder goes", encoding="utf-8"
    )
    action = decide(
        config,
        scan_content(config.content_dir),
        record(),
        WHEN,
        "source",
        explicit=False,
        source_url=None,
        batch=1,
        force=False,
    )
    problems = write_all([action], config.content_dir)
    assert len(problems) == 1 and str(problems[0]).endswith(": cannot write: File exists")
    assert "kenya-holds-a-vote.md" in str(problems[0])


def test_verbose_import_says_how_each_article_was_dated_and_filed(config, caplog):
    """`import -v`: per article, where its date came from and why it went where it did."""
    from site_builder.ingest.classify import classify

    rec = record(line=7)
    scores = classify(rec.title, rec.paragraphs, config.regions).explain_lines()
    assert scores[0].startswith("Kenya ")
    with caplog.at_level(logging.DEBUG, logger="site_builder"):
        file_it(config, rec, origin="caption, line 3")
        file_it(config, record("A new coral", lead="It was deep.", url="https://w/c"))
    assert caplog.messages[: 2 + len(scores)] == [
        f"src.txt:7: date {WHEN.isoformat()} (caption, line 3), region horn-of-africa",
        "  countries: Kenya",
        *(f"  {line}" for line in scores),
    ]
    assert caplog.messages[-2:] == [
        f"src.txt: date {WHEN.isoformat()} (source), region world",
        "  no country named: filed under world",
    ]


def test_the_same_article_twice_in_one_batch_is_updated_once(config):
    file_it(config, record(source_id="tag:1"))
    index = scan_content(config.content_dir)
    changed = record("Kenya counts the votes", source_id="tag:1")
    first, second = (
        decide(
            config,
            index,
            changed,
            WHEN,
            "source",
            explicit=False,
            source_url=None,
            batch=2,
            force=False,
        )
        for _ in range(2)
    )
    assert (first.status, second.status) == ("updated", "unchanged")
    assert first.record is changed


def test_an_article_without_a_link_gets_no_warning_about_one(config):
    assert file_it(config, record()).warnings == ()


def test_a_link_with_a_port_is_a_web_link():
    assert _web_url("https://wire.example:8443/a") == ("https://wire.example:8443/a", ())


def test_several_articles_of_one_source_url_keep_their_ids_whatever_the_date():
    one = article_id_for(record("One"), WHEN, "https://a/", 2)
    assert one == article_id_for(record("One"), WHEN + dt.timedelta(hours=5), "https://a/", 3)


def test_a_hand_written_file_without_date_is_found_by_id_only(config):
    region = config.content_dir / "world"
    region.mkdir(parents=True)
    (region / "draft.md").write_text(
        "---\nid: d1\ntitle: Kenya holds a vote\n---\nx\n", encoding="utf-8"
    )
    index = scan_content(config.content_dir)
    assert set(index.by_id) == {"d1"} and index.by_title == {}


def test_a_refused_write_does_not_stop_the_others(config, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    config.content_dir.mkdir()
    (config.content_dir / "horn-of-africa").symlink_to(elsewhere)
    index = scan_content(config.content_dir)
    refused = decide(
        config,
        index,
        record(),
        WHEN,
        "source",
        explicit=False,
        source_url=None,
        batch=2,
        force=False,
    )
    fine = decide(
        config,
        index,
        record("A new coral", lead="It was deep."),
        WHEN,
        "source",
        explicit=False,
        source_url=None,
        batch=2,
        force=False,
    )
    problems = write_all([refused, fine], config.content_dir)
    assert [str(p) for p in problems] == [
        "content/horn-of-africa/kenya-holds-a-vote.md: refusing to write: horn-of-africa/ is a "
        "symbolic link out of content/"
    ]
    assert fine.path.is_file()


def test_a_created_file_never_replaces_one_that_appeared_since_the_plan(config):
    """Planned against content/ as it was; written, it must not overwrite what came since."""
    config.content_dir.mkdir()
    action = decide(
        config,
        scan_content(config.content_dir),
        record(),
        WHEN,
        "source",
        explicit=False,
        source_url=None,
        batch=1,
        force=False,
    )
    action.path.parent.mkdir(parents=True)
    action.path.write_text("a colleague's new file", encoding="utf-8")
    problems = write_all([action], config.content_dir)
    assert [p.message for p in problems] == [
        "refusing to overwrite a file the import did not write"
    ]
    assert action.path.read_text(encoding="utf-8") == "a colleague's new file"
