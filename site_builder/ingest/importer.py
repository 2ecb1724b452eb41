"""`site-builder import`: file articles from raw dumps and feeds as content/<region>/<slug>.md.

Order of work: read every source into Records (sources.py: dump.py parses dumps,
feedimport.py maps feed entries), give each a date (dates.py), then decide every write
against the content already on disk (filing.py: match by id, else by title), and only
then write, atomically; last, one line per article.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.errors import ContentError, SiteBuilderError
from site_builder.ingest.dates import assign_dates, is_guessed
from site_builder.ingest.filing import Action, decide, scan_content, shown_from_cwd, write_all
from site_builder.ingest.sources import read_sources

log = logging.getLogger("site_builder")

STATUSES = ("created", "updated", "unchanged", "skipped")


def run_import(
    config: SiteConfig,
    paths: Sequence[Path],
    *,
    date: dt.datetime | None = None,
    source_url: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    quiet: bool = False,
    language: str = "",
    fetch_images: bool = False,
    allow_private: bool = False,
) -> int:
    """Import dump files into content/; print one line per article; 0 if all went well.

    `language` ('ar'): the articles' language, recorded as `lang:`; it wins over a feed's own.
    `allow_private`: --fetch-images may fetch from loopback, private and link-local addresses.
    """
    records, problems = read_sources(paths)
    if language:
        records = [replace(r, language=language, language_given=True) for r in records]
    dated, refused = assign_dates(config, records, date)
    problems += refused
    index = scan_content(config.content_dir)
    actions = []
    for record, when, origin in dated:
        try:  # one article that cannot be filed must not cost the rest of its file
            action = decide(
                config,
                index,
                record,
                when,
                origin,
                explicit=date is not None,
                source_url=source_url,
                batch=len(records),
                force=force,
                fetch_images=fetch_images and not dry_run,
                allow_private=allow_private,
            )
        except SiteBuilderError as exc:
            problems.append(ContentError(f"not imported: {exc}", record.source_path, record.line))
            continue
        except Exception as exc:  # a bug; still the rest of the batch is imported
            log.debug("%s", record.where, exc_info=True)
            problems.append(
                ContentError(
                    f"not imported: internal error {type(exc).__name__}: {exc} (please report it)",
                    record.source_path,
                    record.line,
                )
            )
            continue
        actions.append(action)
        _warn_new(action)
    if not dry_run:
        problems += write_all(actions, config.content_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    _report(actions, problems, paths, dry_run=dry_run, quiet=quiet)
    return 1 if problems else 0


def _warn_new(action: Action) -> None:
    """A source's warnings, once: when its article is first imported, not on every re-import."""
    if action.status == "created":
        for warning in action.record.warnings + action.warnings:
            log.warning("%s: %s", action.record.where, warning)


def _report(
    actions: Sequence[Action],
    problems: Sequence[SiteBuilderError],
    paths: Sequence[Path],
    *,
    dry_run: bool,
    quiet: bool,
) -> None:
    """One aligned line per article on stdout, then a count line."""
    width = max((len(a.region) for a in actions), default=0)
    for action in actions:
        shown = shown_from_cwd(action.path)
        line = f"{action.status:<9}  {action.region:<{width}}  {shown}"
        if action.note:
            line += f"  ({action.note})"
            if quiet:
                log.warning("%s: %s: %s", shown, action.status, action.note)
        if not quiet:
            print(line)
    if quiet:
        return
    counts = [
        f"{sum(a.status == s for a in actions)} {s}"
        for s in STATUSES
        if any(a.status == s for a in actions)
    ]
    files = f"{len(paths)} file" + ("s" if len(paths) != 1 else "")
    summary = f"{len(actions)} article" + ("s" if len(actions) != 1 else "") + f" from {files}"
    summary += ": " + ", ".join(counts) if counts else ""
    if problems:
        summary += f"; {len(problems)} problem" + ("s" if len(problems) != 1 else "")
    origins = _date_origins(actions)
    if origins:
        summary += f"; dates: {origins}"
    print(summary + ("  (dry run: nothing written)" if dry_run else ""))
    guessed = sum(a.status != "skipped" and is_guessed(a.origin) for a in actions)
    if guessed:
        print(
            f"{guessed} article{'s' if guessed != 1 else ''} need a date (imported as "
            "drafts, date_estimated: true): import again with --date DATE, or set date: "
            "in the file and remove draft: true"
        )


def _date_origins(actions: Sequence[Action]) -> str:
    """'2 from caption, 1 from file modification time, 1 from the earlier import'."""
    tally: dict[str, int] = {}
    for action in actions:
        if action.status == "skipped":
            continue
        kind = action.origin.split(",")[0]
        tally[kind] = tally.get(kind, 0) + 1
    return ", ".join(f"{n} from {kind}" for kind, n in tally.items())
