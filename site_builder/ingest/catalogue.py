"""`site-builder translate LANG`: start the site's own catalogue of the theme's words,
locale/<lang>/LC_MESSAGES/messages.po, which the build reads before the package's.

May import: config, i18n, errors (babel for the catalogue).
"""

from __future__ import annotations

import io
import logging
from importlib import resources

from babel.messages.pofile import read_po, write_po

from site_builder import i18n
from site_builder.atomic import write_atomic
from site_builder.config import SiteConfig
from site_builder.errors import ContentError

log = logging.getLogger("site_builder")


def start_catalogue(config: SiteConfig, language: str) -> int:
    """Write the site's catalogue for `language`: the shipped one to adjust where there is
    one, else every message of the theme untranslated; never over an existing file."""
    folder = language.replace("-", "_")
    target = config.locale_folder / folder / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    if target.exists():
        raise ContentError(
            "the site's catalogue exists: edit it (delete it to start again)", config.shown(target)
        )
    shipped = i18n.shipped_catalogue(language)
    source = shipped or resources.files("site_builder").joinpath("locale", f"{i18n.DOMAIN}.pot")
    catalog = read_po(io.BytesIO(source.read_bytes()), locale=folder, domain=i18n.DOMAIN)
    catalog.fuzzy = False  # as `pybabel init`: a fuzzy header would hide every message
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, buffer.getvalue())
    untranslated = sum(1 for message in catalog if message.id and not message.string)
    log.info(
        "wrote %s: %d messages, %d to translate (the build reads it from now on; "
        'msgstr "" keeps the theme\'s English)',
        config.shown(target),
        len([m for m in catalog if m.id]),
        untranslated,
    )
    return 0
