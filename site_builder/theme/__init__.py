"""Where the default theme's files are, in a checkout and in an installed wheel.

The repository keeps the theme at its top level (`templates/`, `static/`), where editors find
it; pyproject.toml maps those folders onto `site_builder.theme.templates` and
`site_builder.theme.static`, so a wheel carries them inside this package. A checkout (run with
PYTHONPATH, or an editable install, whose `site_builder` is the repository's folder) has no
copy here and uses the repository's folders.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
_REPOSITORY = _HERE.parent.parent


def _folder(name: str) -> Path:
    """The installed copy of a theme folder if there is one, else the repository's."""
    installed = _HERE / name
    return installed if installed.is_dir() else _REPOSITORY / name


TEMPLATES = _folder("templates")
STATIC = _folder("static")
