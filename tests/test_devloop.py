"""The rebuild loop survives every failure and tells the browser what happened."""

from __future__ import annotations

import logging

from site_builder.errors import ContentError
from site_builder.serve import livereload
from site_builder.serve.devloop import rebuild_once


def test_a_good_rebuild_logs_one_line_and_announces_a_reload(tmp_path, caplog):
    broadcaster = livereload.Broadcaster()
    changed = {tmp_path / "content" / "a.md"}
    with caplog.at_level(logging.INFO, logger="site_builder"):
        assert rebuild_once(lambda c: "1 article, 3 pages", changed, tmp_path, broadcaster)
    [line] = caplog.messages
    assert line.startswith("content/a.md -> 1 article, 3 pages in ") and line.endswith(" ms")
    assert broadcaster.wait(0, 0) == (1, None, False)


def test_a_content_error_is_one_line_and_shown_in_the_browser(tmp_path, caplog):
    broadcaster = livereload.Broadcaster()

    def broken(changed):
        raise ContentError("front matter is not valid YAML", "content/a.md", 3)

    assert not rebuild_once(broken, {tmp_path / "content/a.md"}, tmp_path, broadcaster)
    assert "content/a.md:3: front matter is not valid YAML" in caplog.text
    assert broadcaster.wait(0, 0)[1] == "content/a.md:3: front matter is not valid YAML"


def test_an_unexpected_exception_does_not_escape(tmp_path, caplog):
    def crashing(changed):
        raise ZeroDivisionError("division by zero")

    assert not rebuild_once(crashing, None, tmp_path)
    assert "initial build: internal error: ZeroDivisionError: division by zero" in caplog.text
