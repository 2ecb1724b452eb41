"""The one Jinja2 environment and its template files; and template keys: per template, a
digest of its source and of every template it pulls in, so an edit to `_teaser.html` makes
exactly the pages whose template includes it stale."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
from collections import ChainMap
from collections.abc import Callable, Iterator, KeysView
from pathlib import Path
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
import jinja2.meta
import jinja2.runtime
import markupsafe
from jinja2.nodes import EvalContext
from markupsafe import Markup

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


# What pass_eval_context marks a function with (Jinja's _PassArg.eval_context).
_EVAL_CONTEXT = jinja2.pass_eval_context(lambda: None).jinja_pass_arg  # type: ignore[attr-defined]


class _Context(jinja2.runtime.Context):
    """Jinja's context, but a call to a plain function or method (`url()`, `region_path()`,
    `_()`, `pictures.get()`, a macro: some 150 a page) skips Context.call's look for a
    callable class's __call__."""

    def call(__self, __obj: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if kind is BuiltinFunctionType or kind is jinja2.runtime.Macro:
            passed = None  # neither can be marked to be passed anything
        elif kind is FunctionType or kind is MethodType:
            passed = getattr(__obj, "jinja_pass_arg", None)
        else:
            return super().call(__obj, *args, **kwargs)
        if passed is not None:
            if passed is not _EVAL_CONTEXT:
                return super().call(__obj, *args, **kwargs)  # the context: derived for loops
            args = (__self.eval_ctx, *args)
        if kwargs:
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:  # as Jinja says it
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception"
            )


class _GlobalKeys(KeysView[str]):
    """Set difference in C: on every include of a template that imports a macro, Jinja
    takes `context keys - template globals keys`, by default one ChainMap lookup a key."""

    def __init__(self, globals: ChainMap):
        super().__init__(globals)
        self.globals = globals

    def __rsub__(self, other: Any) -> set:
        return set(other).difference(*self.globals.maps)


class _Globals(ChainMap):
    def keys(self) -> _GlobalKeys:
        return _GlobalKeys(self)

    def __iter__(self) -> Iterator[str]:
        """ChainMap's order, in one merge (every include makes a set of the globals)."""
        merged: dict[str, Any] = {}
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return iter(merged)


_ESCAPE_INNER: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
_as_markup = str.__new__  # Markup's own __new__, a Python frame, does no more for a str


def _escape(value: Any) -> Markup:
    """markupsafe.escape, the same Markup, for the kinds a page writes most (some 250 a
    page): text escaped by markupsafe's C function without Markup.__new__'s frame, Markup
    as it is (escape would copy it), whole numbers; anything else by markupsafe.escape."""
    kind = type(value)
    if kind is str and _ESCAPE_INNER is not None:
        return _as_markup(Markup, _ESCAPE_INNER(value))
    if kind is Markup:
        return value
    if kind is int:  # a heading's level, a count: digits and '-' escape to themselves
        return _as_markup(Markup, str(value))
    return markupsafe.escape(value)


class _Template(jinja2.Template):
    """A compiled template whose `{{ ... }}` escape with _escape: Jinja's generated module
    imports markupsafe's escape by name, which is replaced in the module's namespace."""

    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):
        template = super().from_code(environment, code, globals, uptodate)
        module = template.root_render_func.__globals__
        if module.get("escape") is markupsafe.escape:
            module["escape"] = _escape
        return template


class _Environment(jinja2.Environment):
    context_class = _Context
    template_class = _Template

    def make_globals(self, d: Any) -> _Globals:
        return _Globals({} if d is None else d, self.globals)


def environment(config: SiteConfig) -> jinja2.Environment:
    """The one Jinja2 environment. Compiled templates are kept between rebuilds (no stat
    per include): the engine clears env.cache when a template changes."""
    env = _Environment(
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
    zone = config.tz  # made once: config.tz makes a ZoneInfo each time it is read
    env.filters["localtime"] = lambda d: d.astimezone(zone)
    # The site's language: {% trans %} and _() from its catalogue, dates, numbers and
    # country names from CLDR (i18n.py).
    i18n.install(
        env, config.language, config.digits, str(config.locale_folder), i18n.compiled_folder(config)
    )
    words = i18n.words(config)
    env.globals["region_name"] = words.region
    _messages(env, words.catalogue)
    return env


def _messages(env: jinja2.Environment, catalogue: Any) -> None:
    """The theme's words as Jinja's newstyle gettext gives them, but each function given
    the evaluation context, not the context, which Jinja copies for every such call inside
    a loop; and `_("Archive")`, with nothing to fill in, translated once (a page asks for
    some forty messages)."""
    done: dict[tuple[str, bool], str] = {}

    def filled(eval_ctx: EvalContext, text: str, values: dict[str, Any]) -> str:
        return (Markup(text) if eval_ctx.autoescape else text) % values

    @jinja2.pass_eval_context
    def gettext(eval_ctx: EvalContext, message: str, /, **values: Any) -> str:
        if values:
            return filled(eval_ctx, catalogue.gettext(message), values)
        key = (message, eval_ctx.autoescape)
        found = done.get(key)
        if found is None:
            found = done[key] = filled(eval_ctx, catalogue.gettext(message), {})
        return found

    @jinja2.pass_eval_context
    def ngettext(eval_ctx: EvalContext, one: str, many: str, num: int, /, **values: Any) -> str:
        values.setdefault("num", num)
        return filled(eval_ctx, catalogue.ngettext(one, many, num), values)

    @jinja2.pass_eval_context
    def pgettext(eval_ctx: EvalContext, context: str, message: str, /, **values: Any) -> str:
        values.setdefault("context", context)
        return filled(eval_ctx, catalogue.pgettext(context, message), values)

    @jinja2.pass_eval_context
    def npgettext(
        eval_ctx: EvalContext, context: str, one: str, many: str, num: int, /, **values: Any
    ) -> str:
        values.setdefault("context", context)
        values.setdefault("num", num)
        return filled(eval_ctx, catalogue.npgettext(context, one, many, num), values)

    env.globals.update(
        gettext=gettext, _=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext
    )


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
