"""site.toml's text: read, and searched for the line of a key or table, so that every
error names the line to fix."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from site_builder.errors import ConfigError


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path) from None


def key_line(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def key_line_after(text: str, key: str, table_line: int | None) -> int | None:
    """The line of `key = ` inside the table that starts at table_line (else that line)."""
    start = sum(len(line) for line in text.splitlines(keepends=True)[: (table_line or 1) - 1])
    match = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*=", re.M).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else table_line


def table_line(text: str, name: str) -> int | None:
    match = re.search(rf"^[ \t]*\[[ \t]*{re.escape(name)}[ \t]*\]", text, re.M)
    return text.count("\n", 0, match.start()) + 1 if match else None


def toml_line(exc: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return "invalid TOML: " + re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
