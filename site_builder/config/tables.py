"""The smaller tables and arrays of site.toml: [[menu]], [permalinks], taxonomies, me and
[websub]."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from site_builder.config.regions import RESERVED
from site_builder.config.settings import (
    DEFAULT_PERMALINK,
    PERMALINK_FIELDS,
    TAXONOMIES,
    MenuItem,
)
from site_builder.config.tomltext import key_line, key_line_after, table_line
from site_builder.errors import ConfigError
from site_builder.weburl import as_browsers_read, split


def menu(value: Any, path: Path | None, text: str) -> tuple[MenuItem, ...]:
    """[[menu]] entries: title and either page = "<slug>" or url = "<path or URL>"."""
    where = table_line(text, "[menu") or key_line(text, "menu")
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(
            "'menu': expected [[menu]] tables with title and page or url", path, where
        )
    lines = [m.start() for m in re.finditer(r"^[ \t]*\[\[[ \t]*menu[ \t]*\]\]", text, re.M)]
    items = []
    for number, table in enumerate(value):
        line = text.count("\n", 0, lines[number]) + 1 if number < len(lines) else where
        unknown = sorted(set(table) - {"title", "page", "url"})
        if unknown:
            raise ConfigError(
                f"'menu': unknown key '{unknown[0]}' (known keys: page, title, url)", path, line
            )
        title, page, url = table.get("title", ""), table.get("page", ""), table.get("url", "")
        # A page's entry may leave out its title: the page's own (in each language) shows.
        if (
            not isinstance(title, str)
            or not (title.strip() or page)
            or not isinstance(page, str)
            or not isinstance(url, str)
            or bool(page) == bool(url)
        ):
            raise ConfigError(
                "'menu': each entry needs one of page = \"<slug>\" or url = "
                '"<site path or https:// URL>", and a title = "..." (a page\'s '
                "own title when left out)",
                path,
                line,
            )
        url = as_browsers_read(url)  # " javascript:" and "java\tscript:" are javascript:
        if url:
            split(url, path, line, ConfigError)
        if page:
            items.append(MenuItem(title, path=f"{page.strip('/')}/", page=page, line=line))
        elif re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I):
            if not re.match(r"^(https?|mailto):", url, re.I):
                raise ConfigError(f"'menu': url '{url}' is not a web address", path, line)
            items.append(MenuItem(title, url=url, line=line))
        else:
            items.append(MenuItem(title, path=url.lstrip("/"), line=line))
    return tuple(items)


def permalinks(value: Any, path: Path | None, text: str) -> str:
    """[permalinks] article = "articles/{year}/{month}/{slug}/": the article URL pattern."""
    line = table_line(text, "permalinks")
    if not isinstance(value, dict) or set(value) - {"article"}:
        raise ConfigError(
            f'\'permalinks\': expected a table with article = "..." such as "{DEFAULT_PERMALINK}"',
            path,
            line,
        )
    pattern = value.get("article", DEFAULT_PERMALINK)
    line = key_line_after(text, "article", line)
    fields = re.findall(r"\{([^{}]*)\}", pattern) if isinstance(pattern, str) else []
    if (
        not isinstance(pattern, str)
        or "slug" not in fields
        or any(f not in PERMALINK_FIELDS for f in fields)
        or not re.fullmatch(r"([a-z0-9._-]*\{[a-z]+\}[a-z0-9._-]*/|[a-z0-9._-]+/)+", pattern)
        or any(part in (".", "..") for part in pattern.split("/"))
    ):
        raise ConfigError(
            f"'permalinks.article': expected a path of folders ending in '/' "
            f"with {{slug}} and any of {{year}}, {{month}}, {{day}}, {{region}} "
            f'such as "{DEFAULT_PERMALINK}", got {pattern!r}',
            path,
            line,
        )
    if pattern.split("/")[0] in RESERVED - {"articles"} or pattern.startswith("{slug}"):
        raise ConfigError(
            f"'permalinks.article': {pattern!r} would share addresses with the "
            "site's own pages; start it with a folder such as 'articles/'",
            path,
            line,
        )
    return pattern


def taxonomies(value: Any, path: Path | None, text: str) -> tuple[str, ...]:
    """taxonomies = ["countries", "tags", "authors"]: the listing families a site has."""
    if not isinstance(value, list) or any(v not in TAXONOMIES for v in value):
        raise ConfigError(
            f"'taxonomies': expected a list of {', '.join(TAXONOMIES)}; got {value!r}",
            path,
            key_line(text, "taxonomies"),
        )
    return tuple(t for t in TAXONOMIES if t in value)


def _web_addresses(value: Any, key: str, path: Path | None, line: int | None) -> tuple[str, ...]:
    """A list of absolute http(s) URLs, each checked."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{key}': expected a list of https:// URLs, got {value!r}", path, line)
    for url in value:
        parts = split(url, path, line, ConfigError)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"'{key}': {url!r} is not an http(s) URL", path, line)
    return tuple(dict.fromkeys(value))


def me(value: Any, path: Path | None, text: str) -> tuple[str, ...]:
    """me = ["https://mastodon.social/@desk"]: the site's profiles, linked rel="me"."""
    return _web_addresses(value, "me", path, key_line(text, "me"))


def websub(value: Any, path: Path | None, text: str) -> tuple[str, ...]:
    """[websub] hubs = ["https://pubsubhubbub.appspot.com/"]: the hubs feeds name and
    deploy pings."""
    line = table_line(text, "websub") or key_line(text, "websub")
    if not isinstance(value, dict) or set(value) - {"hubs"}:
        raise ConfigError("'websub': expected a table with hubs = [\"https://...\"]", path, line)
    return _web_addresses(
        value.get("hubs", []), "websub.hubs", path, key_line_after(text, "hubs", line) or line
    )


# Tables and arrays of site.toml: key -> (attribute, reader)
TABLES = {
    "menu": ("menu", menu),
    "permalinks": ("permalink", permalinks),
    "taxonomies": ("taxonomies", taxonomies),
    "me": ("me", me),
    "websub": ("hubs", websub),
}
