"""`init` with a name the file system refuses: one line, exit 2, nothing written."""

from __future__ import annotations

from conftest import run_cli


def test_init_with_a_300_character_name_is_one_line(tmp_path):
    name = "a" * 300
    proc = run_cli("init", name, cwd=tmp_path)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().endswith(f"{name}: cannot make a site here: File name too long")
    assert list(tmp_path.iterdir()) == []
