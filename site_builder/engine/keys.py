"""What the build state is keyed by: this code and the libraries that shape the output
(state_key), the configuration by its values (config_digest), and the settings a content
file is read under (load_key); and the one digest every key and fingerprint uses."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from site_builder import __version__
from site_builder.config import SiteConfig

# Libraries whose version shapes the output: an upgrade is a clean build.
LIBRARIES = (
    "markdown",
    "nh3",
    "feedgen",
    "jinja2",
    "markupsafe",
    "lxml",
    "pyyaml",
    "python-slugify",
    "babel",  # dates, numbers and country names in the theme's words
    "orjson",  # the pages' JSON-LD and JSON feeds
)


def state_key() -> str:
    """What every output depends on besides its inputs: this code, Python, the libraries."""
    package = Path(__file__).resolve().parents[1]  # the whole site_builder package
    parts = [__version__, sys.version, *library_versions()]
    for path, st in sorted(_code_files(str(package))):
        parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
    return digest(parts)


def _code_files(package: str) -> list[tuple[Path, os.stat_result]]:
    """Each .py and .toml file of the package (relative to it) with its stat; links to
    folders not followed. os.walk, not Path.rglob: every command pays for this walk."""
    found = []
    for here, _, names in os.walk(package):
        folder = os.path.relpath(here, package)
        for name in names:
            if name.endswith((".py", ".toml")):
                try:
                    st = os.stat(os.path.join(here, name))
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    found.append((Path(folder, name), st))
    return found


def library_versions() -> list[str]:
    """'name==version' of each library in LIBRARIES, read off the installed packages'
    .dist-info folder names (importlib.metadata costs 20 ms of a 0.3 s build to say so)."""
    wanted = {_normal(name) for name in LIBRARIES}
    found: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem = name.rsplit(".", 1)[0]
            if name.endswith((".dist-info", ".egg-info")) and "-" in stem:
                project, version = stem.split("-", 1)
                found.setdefault(_normal(project), f"{_normal(project)}=={version}")
    return [found.get(name, f"{name}==none") for name in sorted(wanted)]


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def digest(parts: Iterable[str]) -> str:
    return hashlib.blake2b(
        "\0".join(parts).encode("utf-8", "surrogatepass"), digest_size=16
    ).hexdigest()


def hash_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def config_digest(config: SiteConfig) -> str:
    """The configuration by its values (paths resolved, and relative to the site's folder
    where they lie inside it: a site copied elsewhere is the same site), not as typed."""
    values = {
        name: getattr(config, name)
        for name in config.__dataclass_fields__
        if name not in ("root", "config_path", "cache_dir")
    }
    for name in ("content_dir", "output_dir", "templates_dir", "static_dir"):
        values[name] = site_relative(config, values[name])
    return digest([repr(sorted(values.items(), key=lambda kv: kv[0]))])


def load_key(config: SiteConfig) -> str:
    """The settings that decide how a content file reads (and so what the store keeps of
    it): the time zone of dates without one, the regions, the article URL pattern, and
    which folder of the site is the content (a copy of the site elsewhere reads the same)."""
    return digest(
        [
            config.timezone,
            repr(config.regions),
            config.permalink,
            str(site_relative(config, config.content_dir)),
        ]
    )


def site_relative(config: SiteConfig, path: Path) -> Path:
    """The path resolved, relative to the site's folder if inside it (else absolute)."""
    path = path.resolve()
    try:
        return path.relative_to(config.root.resolve())
    except ValueError:
        return path
