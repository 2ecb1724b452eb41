"""[deploy.NAME] tables: where `site-builder deploy` publishes output/, checked here so a
typo fails before anything is uploaded (deploy/ does the publishing)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from site_builder.config.settings import DeployTarget
from site_builder.config.tomltext import key_line, key_line_after, table_line
from site_builder.errors import TOML_KINDS, ConfigError, kind_of

# key in a [deploy.NAME] table -> (expected type, description for errors)
_DEPLOY_KEYS: dict[str, tuple[type, str]] = {
    "url": (str, "a folder, ssh://, git+ssh://, git+file:// or s3:// URL"),
    "delete": (bool, "true or false"),
    "history": (str, "'keep' or 'squash'"),
    "ssh_command": (str, 'a command such as "ssh -i ~/.ssh/deploy_key"'),
    "workers": (int, "a positive integer"),
    "gzip": (bool, "true or false"),
    "cache_control": (dict, 'a table such as { html = "max-age=300" }'),
}
CACHE_KINDS = ("html", "feeds", "assets", "fingerprinted")
_DEPLOY_SCHEMES = re.compile(r"^(/|\.|~|file://|ssh://|git\+(ssh|file|https?)://|s3://)")


def deploy_targets(value: Any, path: Path | None, text: str) -> tuple[DeployTarget, ...]:
    """[deploy.NAME] tables, in the order written: the first is the default target."""
    if not isinstance(value, dict) or not value:
        raise ConfigError(
            "'deploy': expected tables such as [deploy.staging] with url = \"...\"",
            path,
            key_line(text, "deploy") or table_line(text, "deploy"),
        )
    return tuple(_deploy_target(name, table, path, text) for name, table in value.items())


def _deploy_target(name: str, table: Any, path: Path | None, text: str) -> DeployTarget:
    line = table_line(text, f"deploy.{name}")

    def fail(message: str, key: str | None = None) -> ConfigError:
        return ConfigError(
            f"'deploy.{name}': {message}", path, key_line_after(text, key, line) if key else line
        )

    if not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise fail("use letters, digits, '-' and '_' in a target name")
    if not isinstance(table, dict):
        raise fail('expected a table with url = "..."')
    for key, item in table.items():
        if key not in _DEPLOY_KEYS:
            raise fail(f"unknown key '{key}' (known keys: {', '.join(sorted(_DEPLOY_KEYS))})", key)
        kind, what = _DEPLOY_KEYS[key]
        if type(item) is not kind:
            raise fail(f"'{key}': expected {what}, got {kind_of(TOML_KINDS, item)}", key)
    url = table.get("url")
    if url is None:
        raise fail('missing url = "..." (a folder, ssh://, git+ssh://, git+file:// or s3:// URL)')
    if not _DEPLOY_SCHEMES.match(url):
        raise fail(f"'url': expected {_DEPLOY_KEYS['url'][1]}, got '{_without_secret(url)}'", "url")
    if re.match(r"^[a-z0-9+]+://[^/@]*:[^/@]*@", url):
        raise fail(
            "'url': a password in the URL would be a credential in site.toml; "
            "use an SSH key, a git credential helper or the AWS environment",
            "url",
        )
    if table.get("history", "keep") not in ("keep", "squash"):
        raise fail(f"'history': expected 'keep' or 'squash', got '{table['history']}'", "history")
    if table.get("workers", 1) < 1:
        raise fail(f"'workers': expected a positive integer, got {table['workers']}", "workers")
    cache = table.get("cache_control", {})
    for kind, item in cache.items():
        if kind not in CACHE_KINDS or not isinstance(item, str):
            raise fail(
                f"'cache_control': expected kinds {', '.join(CACHE_KINDS)} "
                f"with string values, got '{kind}'",
                "cache_control",
            )
    options = {k: v for k, v in table.items() if k not in ("url", "cache_control")}
    return DeployTarget(name, url, cache_control=tuple(cache.items()), line=line, **options)


def _without_secret(url: str) -> str:
    """A URL fit for an error message: user info dropped."""
    return re.sub(r"^([a-z0-9+]+://)[^/@]*@", r"\1", url)
