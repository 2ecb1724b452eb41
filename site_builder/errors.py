"""The exception hierarchy; the CLI turns each into one line `FILE:LINE: message`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

# What a value read from a file is, in the words of the file's format, for "expected X,
# got Y" messages: site.toml is TOML (tables, arrays), front matter is YAML (mappings, lists).
TOML_KINDS = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "a table",
}
YAML_KINDS = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
}


def kind_of(kinds: Mapping[type, str], value: object) -> str:
    """'a table', 'a list' ...: the kind of `value` in one of the vocabularies above."""
    return kinds.get(type(value), type(value).__name__)


class SiteBuilderError(Exception):
    """An error a user can act on: it names the file and, where known, the line."""

    exit_code = 1

    def __init__(self, message: str, path: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class ConfigError(SiteBuilderError):
    """site.toml is unreadable, has an unknown key or a value of the wrong type."""


class ContentError(SiteBuilderError):
    """A content file or an imported source cannot be understood."""

    @classmethod
    def unreadable(cls, exc: OSError | RuntimeError, path: str | Path) -> ContentError:
        """'cannot read: why'; Vanished if the file was not there."""
        kind = Vanished if isinstance(exc, FileNotFoundError) else cls
        return kind(f"cannot read: {getattr(exc, 'strerror', None) or exc}", path)


class Vanished(ContentError):
    """A content file not there when read (ENOENT): deleted, or being saved again by a delete
    and a rename (an editor, a sync tool), which the engine finds by reading it once more."""


class TemplateError(SiteBuilderError):
    """A template does not compile or fails while rendering."""


class UsageError(SiteBuilderError):
    """The command line asks for something impossible (exit status 2)."""

    exit_code = 2


class ErrorList(SiteBuilderError):
    """Several errors found in one run; all are reported, then the command fails."""

    def __init__(self, errors: list[SiteBuilderError]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
