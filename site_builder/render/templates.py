"""Template keys: per template, a digest of its source and of every template it pulls in,
so an edit to `_teaser.html` makes exactly the pages whose template includes it stale."""

from __future__ import annotations

import hashlib

import jinja2
import jinja2.meta

from site_builder.errors import TemplateError


def template_keys(env: jinja2.Environment) -> dict[str, str]:
    """Template name -> key; a template that includes by a computed name depends on all."""
    sources: dict[str, str] = {}
    for name in env.list_templates():
        try:
            sources[name] = env.loader.get_source(env, name)[0]
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
        seen, todo = set(), [name]
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
    import os

    for folder in getattr(env.loader, "searchpath", ()):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    return name


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
