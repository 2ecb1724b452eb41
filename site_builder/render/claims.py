"""One output per file, and every article in an edition: the plan's checks (issue 23).

Two outputs at one path would overwrite each other, the later silently winning: an alias
over a feed, robots.txt, a picture variant or a static file; on a site in several languages
a page of one edition over another edition's home page or feed. The plan refuses them; where
a content file made one of the two (an alias, a page, an article), the error names that file
and line, else both outputs.
"""

from __future__ import annotations

from collections.abc import Sequence

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.content.loader import field_line
from site_builder.errors import ContentError, ErrorList, SiteBuilderError
from site_builder.model import Listed
from site_builder.render.outputs import Output

MARKER = urls.OUTPUT_MARKER
SEARCH_BUNDLE = urls.SEARCH_BUNDLE + "/"  # the search index, made after the pages
MADE_BY_CONTENT = ("redirect", "page", "article")


def one_output_per_file(
    config: SiteConfig, outputs: Sequence[Output], sources: Sequence[Listed]
) -> None:
    """Raise an ErrorList of every file two outputs (or an output and the marker) claim."""
    by_id = {source.id: source for source in sources}
    taken: dict[str, Output] = {MARKER: Output(MARKER, "marker")}
    errors: list[SiteBuilderError] = []
    bundle = Output(SEARCH_BUNDLE, "search index")
    for output in outputs:
        inside = config.search and output.file.startswith(SEARCH_BUNDLE)
        first = bundle if inside else taken.setdefault(output.file, output)
        if first is not output:
            errors.append(_clash(config, first, output, by_id))
    if errors:
        raise ErrorList(errors)


def _clash(
    config: SiteConfig, first: Output, second: Output, by_id: dict[str, Listed]
) -> SiteBuilderError:
    """The error for two outputs at one file: blamed on the content file that made one."""
    blamed, other = (first, second) if _rank(first) > _rank(second) else (second, first)
    source = by_id.get(_source_id(blamed)) if blamed.kind in MADE_BY_CONTENT else None
    if source is None:
        return SiteBuilderError(
            f"two outputs at '{second.file}': {_what(first)} and {_what(second)}"
        )
    if blamed.kind == "redirect":
        line = field_line(source.path, ("aliases",))
        what = f"alias '{blamed.path}'"
    else:
        line = field_line(source.path, ("slug", "title"))
        what = f"its address '/{blamed.path}'"
    return ContentError(
        f"{what} is already {_what(other)}; choose another", config.shown(source.path), line
    )


def _rank(output: Output) -> int:
    """Which of two clashing outputs to blame: an alias before a page or article, those
    before anything the site makes of itself."""
    return {"redirect": 2, "page": 1, "article": 1}.get(output.kind, 0)


def _source_id(output: Output) -> str:
    ids = output.full or output.cards
    return ids[0] if ids else ""


def _what(output: Output) -> str:
    """An output in words: 'the front page', 'robots.txt (robots)', ..."""
    if output.kind == "marker":
        return "the output folder's marker"
    if output.path == "":
        return "the front page"
    if output.kind == "search index":
        return f"in /{output.path}, the search index's folder"
    return f"the address of /{output.path} ({output.kind})"


def every_language_has_an_edition(
    config: SiteConfig, sources: Sequence[Listed], codes: Sequence[str]
) -> None:
    """On a site in several languages an article in a language with no edition would be
    counted as built and shown nowhere: an error naming its `lang` line."""
    errors = [
        ContentError(
            f"'lang': the site has no edition in '{source.lang}' "
            f"(its [languages]: {', '.join(codes)})",
            config.shown(source.path),
            field_line(source.path, ("lang",)),
        )
        for source in sources
        if (source.lang or config.language) not in codes
    ]
    if errors:
        raise ErrorList(list(errors))
