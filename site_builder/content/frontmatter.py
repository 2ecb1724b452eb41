"""YAML front matter: split a content file, parse it safely, write it back byte-stably."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

# The C loader is about ten times faster; fall back to pure Python where libyaml is missing.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

from site_builder.errors import ContentError  # noqa: E402

FENCE = "---"


MAX_DEPTH = 32  # front matter needs 3 levels; libyaml's C composer segfaults near 30,000
_OPENS = (
    yaml.BlockSequenceStartToken,
    yaml.BlockMappingStartToken,
    yaml.FlowSequenceStartToken,
    yaml.FlowMappingStartToken,
)
_CLOSES = (yaml.BlockEndToken, yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)


def _suspicious(yaml_text: str) -> bool:
    """Cheap test: could the text hold an alias or deep nesting? (Ordinary files cannot.)"""
    return "*" in yaml_text or sum(yaml_text.count(c) for c in ("[", "{", "- ", "? ")) > MAX_DEPTH


def _refuse_bombs(yaml_text: str) -> None:
    """Raise on the first alias (*name) or nesting deeper than MAX_DEPTH, before loading.

    Aliases let a few lines expand to billions of nodes; deep nesting crashes the C loader
    (a segfault, not an exception). The pure-Python scanner stops at the first offence,
    so this costs little even on a hostile file.
    """
    depth = 0
    for token in yaml.scan(yaml_text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.AliasToken):
            raise yaml.MarkedYAMLError(
                None, None, "aliases (*name) are not allowed", token.start_mark
            )
        if isinstance(token, _OPENS):
            depth += 1
            if depth > MAX_DEPTH:
                raise yaml.MarkedYAMLError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", token.start_mark
                )
        elif isinstance(token, _CLOSES):
            depth -= 1


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    """The safe loader, refusing a key given twice in one mapping: YAML forbids it, and
    PyYAML would keep the last silently (a second `draft:` line publishing a draft)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set[tuple[str, str]] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                if (key.tag, key.value) in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"'{key.value}' is given twice; keep one", key.start_mark
                    )
                seen.add((key.tag, key.value))
        return super().construct_mapping(node, deep)


class _Dumper(yaml.SafeDumper):
    """Block style for mappings, flow style for short lists, dates as ISO 8601 with 'T'."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_datetime(dumper: yaml.SafeDumper, value: dt.datetime) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_list(dumper: yaml.SafeDumper, value: list[Any] | tuple[Any, ...]) -> yaml.Node:
    flow = all(isinstance(v, (str, int, float)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


# Unicode line breaks: written raw, YAML folds NEL into a space and a reader splits lines there.
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    if any(c in value for c in _ODD_BREAKS):
        style = '"'  # double quotes escape them as \N, \L, \P
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(dt.datetime, _represent_datetime)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)
_Dumper.add_representer(str, _represent_str)


def split(text: str, path: Path | str) -> tuple[str, str, int]:
    """Split a content file into (yaml text, body, line number where the body starts)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != FENCE:
        raise ContentError("missing front matter: the file must start with a line '---'", path, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n").rstrip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    raise ContentError("front matter is not closed: add a line '---' after it", path, 1)


def parse(yaml_text: str, path: Path | str, first_line: int = 2) -> dict[str, Any]:
    """Parse front matter YAML into a mapping; errors carry the file's line number."""
    try:
        if _suspicious(yaml_text):  # cheap test first: the token scan is slow pure Python
            _refuse_bombs(yaml_text)
        data = yaml.load(yaml_text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or exc.context or "invalid YAML"
        raise ContentError(f"front matter is not valid YAML: {problem}", path, line) from None
    except yaml.reader.ReaderError as exc:  # a control character; its str() spans two lines
        line = first_line + yaml_text.count("\n", 0, exc.position)
        raise ContentError(
            f"front matter is not valid YAML: unacceptable character "
            f"#x{exc.character:04x}: control characters are not allowed",
            path,
            line,
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"front matter is not valid YAML: {exc}", path, first_line) from None
    except RecursionError:
        raise ContentError("front matter is nested too deeply", path, first_line) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ContentError(
            f"front matter must be a mapping of keys to values, not a {type(data).__name__}",
            path,
            first_line,
        )
    return data


def read(text: str, path: Path | str) -> tuple[dict[str, Any], str, int]:
    """Parse a whole content file: (front matter mapping, Markdown body, body's first line)."""
    yaml_text, body, body_line = split(text, path)
    return parse(yaml_text, path), body, body_line


def day_only(value: Any) -> bool:
    """Whether a date was written as a day alone (2026-02-06): pages then show no time."""
    if isinstance(value, str):
        return len(value.strip()) == len("2026-02-06")
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def key_line(text: str, key: str) -> int | None:
    """The line number of a top-level front matter key, for error messages."""
    for number, line in enumerate(text.splitlines()[1:], start=2):
        if line.rstrip() == FENCE:
            return None
        if line.startswith(f"{key}:"):
            return number
    return None


def dump(meta: dict[str, Any]) -> str:
    """Serialise front matter, in the given key order, as readable YAML."""
    return yaml.dump(
        meta,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )


def render(meta: dict[str, Any], body: str) -> str:
    """A whole content file: fenced front matter, then the Markdown body."""
    body = body.strip("\n")
    return f"{FENCE}\n{dump(meta)}{FENCE}\n{body}\n" if body else f"{FENCE}\n{dump(meta)}{FENCE}\n"
