"""The one Jinja2 environment and its template files; and template keys: per template, a
digest of its source and of every template it pulls in, so an edit to `_teaser.html` makes
exactly the pages whose template includes it stale."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import jinja2
import jinja2.meta

from site_builder import i18n
from site_builder.config import SiteConfig
from site_builder.errors import TemplateError

log = logging.getLogger("site_builder")


class TemplateFiles(jinja2.FileSystemLoader):
    """Template files, only regular ones (a FIFO would hang the build), as UTF-8."""

    def list_templates(self) -> list[str]:
        found = []
        for name in super().list_templates():
            for folder in self.searchpath:
                path = Path(folder) / name
                if path.exists():
                    if path.is_file():
                        found.append(name)
                    else:
                        log.warning("%s: not a regular file; skipped", path)
                    break
        return found

    def get_source(self, environment, template):
        for folder in self.searchpath:
            path = Path(folder) / template
            try:
                mode = path.stat().st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):
                raise TemplateError("not a regular file: refusing to read it as a template", path)
            try:
                return super().get_source(environment, template)
            except UnicodeDecodeError as exc:
                raise TemplateError(
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})", path
                ) from None
        raise jinja2.TemplateNotFound(template)


def environment(config: SiteConfig) -> jinja2.Environment:
    """The one Jinja2 environment. Compiled templates are kept between rebuilds (no stat
    per include): the engine clears env.cache when a template changes."""
    env = jinja2.Environment(
        loader=TemplateFiles([str(f) for f in config.template_folders]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(config),
        auto_reload=False,
    )
    env.filters["isodate"] = lambda d: d.isoformat(timespec="seconds")
    env.filters["caption"] = caption_text
    env.filters["localtime"] = lambda d: d.astimezone(config.tz)
    # The site's language: {% trans %} and _() from its catalogue, dates, numbers and
    # country names from CLDR (i18n.py).
    i18n.install(
        env, config.language, config.digits, str(config.locale_folder), i18n.compiled_folder(config)
    )
    words = i18n.words(config)
    env.globals["region_name"] = words.region
    _remember_plain_messages(env)
    return env


def _remember_plain_messages(env: jinja2.Environment) -> None:
    """`_("Archive")` translated once: a page asks for some forty messages, most with
    nothing to fill in, and each asked through Jinja's alias, the catalogue and Markup."""
    gettext = cast(Callable[..., str], env.globals["gettext"])
    done: dict[tuple[str, bool], str] = {}

    @jinja2.pass_context
    def remembered(context: jinja2.runtime.Context, message: str, **values: Any) -> str:
        if values:
            return gettext(context, message, **values)
        key = (message, context.eval_ctx.autoescape)
        found = done.get(key)
        if found is None:
            found = done[key] = gettext(context, message)
        return found

    env.globals["gettext"] = env.globals["_"] = remembered


def _bytecode_cache(config: SiteConfig) -> jinja2.BytecodeCache | None:
    """Compiled templates kept between builds (compiling the theme takes ~0.1 s a process).

    Jinja keys each entry by the template's source checksum and drops unreadable ones, so
    a stale or broken entry is never used; without a writable cache folder, none is kept.
    """
    folder = config.cache_dir / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _BytecodeFiles(str(folder))


class _BytecodeFiles(jinja2.FileSystemBytecodeCache):
    """Entries named by the template's name alone, not its file's absolute path, so a
    cache restored into another checkout is used (Jinja checks the source's checksum)."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(name)


def caption_text(image: Any) -> str:
    """The caption without a trailing "(CREDIT)": the theme shows the credit on its own."""
    return image.caption_only


def template_keys(env: jinja2.Environment) -> dict[str, str]:
    """Template name -> key; a template that includes by a computed name depends on all."""
    sources: dict[str, str] = {}
    loader = env.loader
    if loader is None:  # environment() always gives one
        return {}
    for name in env.list_templates():
        try:
            sources[name] = loader.get_source(env, name)[0]
        except jinja2.TemplateNotFound:
            continue
    pulls: dict[str, set[str | None]] = {}
    for name, source in sources.items():
        try:
            pulls[name] = set(jinja2.meta.find_referenced_templates(env.parse(source)))
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateError(
                f"template error: {exc.message}", _where(env, name), exc.lineno
            ) from None
    everything = _digest(sorted(sources.items()))
    keys = {}
    for name in sources:
        seen: set[str] = set()
        todo: list[str | None] = [name]
        while todo:
            current = todo.pop()
            if current is None:  # a dynamic include: any template may be used
                keys[name] = everything
                break
            if current not in seen:
                seen.add(current)
                todo.extend(pulls.get(current, ()))
        else:
            keys[name] = _digest(sorted((n, sources.get(n)) for n in seen))
    return keys


def _where(env: jinja2.Environment, name: str) -> str:

    for folder in getattr(env.loader, "searchpath", ()):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return name


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
