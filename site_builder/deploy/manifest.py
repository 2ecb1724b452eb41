"""What a deploy may delete: only files that a deploy of site-builder put on the target.

Every target keeps a manifest of the files deploys uploaded there (`MANIFEST` at the
target's root: a file in a folder, an object under an S3 prefix, a file in a git commit).
A deploy deletes only what the manifest lists and the site no longer has; anything else on
the host (a stranger's file, a backup under the same bucket) is never touched. A target
that holds files but no manifest is refused, unless `--adopt` says to deploy beside them:
they are then listed and kept, and only the site's own files join the manifest.

Where a deploy can be killed half-way (rsync, S3), the manifest is written twice: before
the uploads, listing the old files and the new ones (so a killed deploy still knows every
file it may have put there), and after the deletes, listing what is there now.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from site_builder.deploy.common import Context, DeployError

log = logging.getLogger("site_builder")

MANIFEST = ".site_builder-manifest.json"
_KIND = "site_builder deploy manifest"
# rsync's temporary file for DIR/NAME, left behind when a deploy is killed mid-file
_RSYNC_TEMP = re.compile(r"^(?P<dir>(?:.*/)?)\.(?P<name>[^/]+)\.[A-Za-z0-9]{6}$")


def parse(data: bytes, where: str) -> set[str]:
    """The files a manifest lists; a manifest that is not one is a one-line error."""
    try:
        manifest = json.loads(data.decode("utf-8"))
        files = manifest["files"]
        if manifest.get("kind") != _KIND or not all(isinstance(f, str) for f in files):
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise DeployError(
            f"{MANIFEST} is not a site-builder manifest; refusing to delete anything "
            "(move it away and deploy with --adopt)",
            where,
        ) from None
    return set(files)


def dump(files: Iterable[str]) -> bytes:
    """A manifest listing these files (sorted, so an unchanged site gives the same bytes)."""
    text = json.dumps({"kind": _KIND, "files": sorted(set(files))}, indent=0)
    return (text + "\n").encode("utf-8")


@dataclass
class Claim:
    """What a deploy may do on a target, decided from its files and its manifest."""

    delete: list[str]  # files to delete once the site is up
    before: set[str] | None  # the manifest to write before uploading (None: keep the old)
    after: set[str]  # the manifest once the deploy is done
    kept: list[str] = field(default_factory=list)  # files that were there, not ours (adopt)


def claim(ctx: Context, present: set[str], listed: set[str] | None, site: set[str]) -> Claim:
    """`present`: every file on the target but the manifest; `listed`: the manifest's files
    (None: no manifest); `site`: the files this deploy uploads."""
    if listed is None:
        if present and not ctx.adopt:
            raise ctx.fail(
                f"refusing to deploy into a target that holds {len(present)} files no "
                f"site-builder deploy put there (such as {sorted(present)[0]}) and no "
                f"{MANIFEST}; deploy with --adopt to upload beside them (they are kept, "
                "never deleted)"
            )
        strangers = sorted(present - site)
        for name in strangers:
            log.info("kept %s (on the target before, not uploaded by site-builder)", name)
        listed = set()
    else:
        strangers = []
    gone = (listed & present) - site if ctx.delete else set()
    delete = sorted(gone | _leftovers(present, listed | site))
    before = None if site <= listed else listed | site
    return Claim(delete, before, site | ((listed & present) - gone), strangers)


def _leftovers(present: set[str], ours: set[str]) -> set[str]:
    """rsync's temporary files of our files, left by a killed deploy: ours to delete."""
    found = set()
    for name in present:
        match = _RSYNC_TEMP.match(name)
        if match and match["dir"] + match["name"] in ours | {MANIFEST}:
            found.add(name)
    return found
