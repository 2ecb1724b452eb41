"""Site search that works on a static host: a Pagefind index written next to the pages.

When site.toml says `search = true`, the build runs Pagefind (the `pagefind` package from
PyPI with its binary, `pip install 'pagefind[bin]'`) over the finished HTML; only article
pages are indexed (the theme marks their story with data-pagefind-body). The bundle goes to
<site>/pagefind/, which the theme's search page loads. With search off, nothing happens.
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
import sys
from pathlib import Path

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.errors import ConfigError, SiteBuilderError

log = logging.getLogger("site_builder")

BUNDLE = urls.SEARCH_BUNDLE  # the folder under the site root the search page loads
TIMEOUT_SECONDS = 600


def index(config: SiteConfig, site: Path) -> bool:
    """Index the built site in `site` when search is on; True if an index was written.

    Call it after every page is in `site`: on the staging folder before it is swapped in
    (`build`), or on output/ after watch wrote something in place.
    """
    if not config.search:
        return False
    if importlib.util.find_spec("pagefind") is None:
        raise ConfigError(
            "search = true needs Pagefind: pip install 'pagefind[bin]'", config.config_path
        )
    import subprocess  # here: every build imports this module, few sites search (~2 ms)

    fresh = site / f".{BUNDLE}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-subdir",
        fresh.name,
        "--silent",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(fresh, ignore_errors=True)
        raise SiteBuilderError(f"search index failed: {exc}", site) from None
    if done.returncode != 0 or not (fresh / "pagefind-ui.js").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        message = (done.stderr or done.stdout).strip().splitlines() or ["no output"]
        raise SiteBuilderError(f"search index failed: {message[-1]}", site)
    _replace(fresh, site / BUNDLE)
    log.debug("search index written to %s", site / BUNDLE)
    return True


def _replace(fresh: Path, bundle: Path) -> None:
    """Put the new bundle in place of the old one; no stale fragments are left behind."""
    old = bundle.with_name(f".{BUNDLE}.old")
    shutil.rmtree(old, ignore_errors=True)
    if bundle.exists():
        bundle.rename(old)
    fresh.rename(bundle)
    shutil.rmtree(old, ignore_errors=True)
