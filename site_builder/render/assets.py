"""The site's static assets (stylesheet, favicon, CNAME): copied into output/ as they are.

The default theme's assets come first; a site's own static/ adds files and replaces single
ones of the same name. Only regular files inside the folder are taken: a link out of it is
refused, as in content/, and a FIFO or device is reported and skipped.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.errors import ContentError

log = logging.getLogger("site_builder")

SKIPPED = (".gitkeep", ".DS_Store")


def static_sources(config: SiteConfig) -> dict[str, Path]:
    """Site path -> the file it is copied from."""
    found: dict[str, Path] = {}
    for folder in config.static_folders:
        if folder.is_dir():
            found.update(_walk(folder))
    return dict(sorted(found.items()))


def _walk(folder: Path) -> dict[str, Path]:
    found = {}
    root = folder.resolve()
    for here, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if name in SKIPPED:
                continue
            path = Path(here) / name
            relative = path.relative_to(folder).as_posix()
            try:
                mode = path.stat().st_mode
                real = path.resolve(strict=True)
            except (OSError, RuntimeError) as exc:
                raise ContentError(
                    f"cannot read: {getattr(exc, 'strerror', None) or exc}", path
                ) from None
            if not real.is_relative_to(root):
                raise ContentError(
                    f"symbolic link to {real}, outside {folder.name}/: refusing "
                    "to publish it (copy the file in instead)",
                    path,
                )
            if not stat.S_ISREG(mode):
                log.warning("%s: not a regular file; skipped", path)
                continue
            found[relative] = path
    return found


def read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", path) from None
