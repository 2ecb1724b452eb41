"""The disk survey of a quick build: the same answers from a forked child as from here."""

from __future__ import annotations

import os

import pytest

from site_builder import survey
from site_builder.survey import Survey, content_stamps, output_stamps


@pytest.fixture
def site(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    for n in range(30):
        (content / f"r{n % 3}").mkdir(parents=True, exist_ok=True)
        (content / f"r{n % 3}" / f"a{n}.md").write_text(f"article {n}")
        (output / f"p{n}").mkdir(parents=True)
        (output / f"p{n}" / "index.html").write_text(f"page {n}")
    files = {f"p{n}/index.html" for n in range(30)}
    outline = {"generation": "g1", "stamps": content_stamps(content),
               "output": output_stamps(output, files)}
    return content, output, outline


def answers(content, output, outline):
    found = Survey(content, output, lambda: outline)
    return (found.changed("g1"), found.changed("other"), found.output_intact("g1"),
            found.output_intact("other"))


def test_the_child_answers_as_this_process_would(site):
    content, output, outline = site
    assert len(outline["stamps"]) == 30
    assert answers(content, output, outline) == ({}, None, True, False)
    edited = content / "r1" / "a4.md"
    edited.write_text("article 4, edited")
    (output / "p3" / "index.html").write_text("edited by hand")
    changed = {str(edited): content_stamps(content)[str(edited)]}
    assert answers(content, output, outline) == (changed, None, False, False)
    (content / "r1" / "new.md").write_text("a new file")
    assert answers(content, output, outline)[0] is None


def test_without_fork_or_when_the_child_fails_the_survey_runs_here(site, monkeypatch):
    content, output, outline = site
    expected = ({}, None, True, False)
    parent, real = os.getpid(), survey.content_stamps

    def fails_in_the_child(folder):
        if os.getpid() != parent:
            raise OSError("the child cannot read")
        return real(folder)

    monkeypatch.setattr(survey, "content_stamps", fails_in_the_child)
    assert answers(content, output, outline) == expected
    monkeypatch.delattr(os, "fork")
    assert answers(content, output, outline) == expected


def test_a_survey_closed_early_leaves_no_child_behind(site):
    content, output, outline = site
    found = Survey(content, output, lambda: outline)
    pid = found._pid
    assert pid
    found.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_symbolic_link_or_a_missing_folder_is_no_answer(site, tmp_path):
    content, output, outline = site
    (content / "linked.md").symlink_to(content / "r0" / "a0.md")
    assert Survey(content, output, lambda: outline).changed("g1") is None
    assert Survey(tmp_path / "missing", output, lambda: outline).changed("g1") is None
    assert not Survey(content, output, lambda: None).output_intact("g1")


def test_an_unreadable_folder_is_no_answer_not_a_crash(site, monkeypatch):
    content, output, outline = site
    real = os.scandir

    def scandir(path):
        if str(path).endswith("r2"):  # as for a folder without read permission
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert Survey(content, output, lambda: outline).changed("g1") is None
