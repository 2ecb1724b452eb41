"""The site's configuration: site.toml read once into one frozen, typed SiteConfig.

settings.py holds SiteConfig and the tables it carries (folder facts included: where
templates and static files come from); loading.py reads site.toml and checks every key,
with regions.py, languages.py, tables.py (menu, permalinks, taxonomies) and
deploy_targets.py checking their own tables, and tomltext.py finding the line an error
names.

May import: only the shared modules below it (errors, i18n, gazetteer, theme).
"""

from site_builder.config.deploy_targets import CACHE_KINDS
from site_builder.config.loading import SCALARS, load_config
from site_builder.config.regions import DEFAULT_REGIONS, FALLBACK_REGION, RESERVED, Region
from site_builder.config.settings import (
    DEFAULT_BASE_URL,
    DEFAULT_PERMALINK,
    DEFAULT_THEME,
    PERMALINK_FIELDS,
    TAXONOMIES,
    THEME_STATIC,
    DeployTarget,
    Language,
    MenuItem,
    SiteConfig,
)

__all__ = [
    "CACHE_KINDS",
    "DEFAULT_BASE_URL",
    "DEFAULT_PERMALINK",
    "DEFAULT_REGIONS",
    "DEFAULT_THEME",
    "FALLBACK_REGION",
    "PERMALINK_FIELDS",
    "RESERVED",
    "SCALARS",
    "TAXONOMIES",
    "THEME_STATIC",
    "DeployTarget",
    "Language",
    "MenuItem",
    "Region",
    "SiteConfig",
    "load_config",
]
