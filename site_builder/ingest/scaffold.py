"""`init` and `new`: the files a person starts from.

`init` makes a whole site that builds at once (a commented site.toml, one article, one
page, static/); `new` adds one draft article or page with a fresh id and the current time.
Neither ever overwrites a file.
"""

from __future__ import annotations

import json
import logging
import textwrap
from collections.abc import Callable
from pathlib import Path

from site_builder import clock
from site_builder.config import SCALARS, SiteConfig
from site_builder.content import frontmatter
from site_builder.content.loader import PAGES, check_page_slug, fresh_id
from site_builder.errors import ContentError, UsageError
from site_builder.ingest.classify import classify
from site_builder.ingest.filing import title_slug

log = logging.getLogger("site_builder")

# What each site.toml key means, in the order site.toml lists them.
SETTINGS = {
    "title": "the site's name, on every page and in the feeds",
    "description": "one line about the site, under the title and in the feeds",
    "author": "who the feeds name as the author",
    "base_url": "the absolute address the site is published at; feeds, canonical links "
    "and the sitemap use it (serve uses its own address while this is the default)",
    "language": "the <html lang> of the pages and the feeds' language",
    "dir": '"ltr", or "rtl" for a right-to-left language (follows the language unless set)',
    "digits": '"latn" (0-9) or "arab" (Arabic-Indic); follows the language unless set',
    "timezone": "the zone of dates written without one (an IANA name such as Europe/London)",
    "per_page": "articles per listing page",
    "feed_entries": "entries per feed",
    "feed_content": '"full" articles in the feeds, or only the "summary"',
    "source_name": "the source named in articles imported from raw dumps",
    "allow_raw_html": "keep raw HTML in article bodies (otherwise it is sanitised)",
    "search": "run Pagefind after each build and add a search page",
    "typography": "typographic quotes and dashes in bodies (-- becomes an en dash)",
    "content": "the folder of articles and pages",
    "output": "the folder the site is built into",
    "templates": "your templates, each replacing the default theme's of the same name",
    "static": "files copied to the site as they are (CNAME, pictures, your own style.css)",
}

# After the one-line settings, and before any table: a TOML table takes every key written
# below it, so a key uncommented under one would be read as the table's.
SITE_TOML_TAIL = """
# Listing families beside regions; leave one out to drop its pages, feeds and links.
# taxonomies = ["countries", "tags", "authors"]

# Tables come last: each [table] holds the keys below it, up to the next one.

# Header and footer links, each a [[menu]] with a title and either page = "<file name in
# content/pages/>" or url = "<any address>".
[[menu]]
title = "About"
page = "about"

# The article address pattern: {year}, {month}, {day}, {slug}, {region}.
# [permalinks]
# article = "articles/{year}/{month}/{slug}/"

# A region: replaces the default region of that slug, or adds one.
# [regions.levant]
# name = "Levant"
# countries = ["Syria", "Lebanon", "Jordan"]

# Where `site-builder deploy` publishes output/ (the first table is the default target).
# [deploy.staging]
# url = "/srv/www/news"      # or ssh://host/path, git+ssh://...#gh-pages, s3://bucket/prefix
"""

EXAMPLE_BODY = """\
This is an example article. Edit it, or delete it once you have your own.

An article is one Markdown file in the folder of its region (`content/world/` here). Its
front matter, between the `---` lines, holds its title, date and identity; the text below is
Markdown. `site-builder new "Title"` starts another one.
"""

ABOUT_BODY = """\
This page is `content/pages/about.md`. Say here who writes this site and how to reach you.
"""

README = """\
# A news site built with site_builder

Next: run `site-builder serve` here and open http://127.0.0.1:8000/ (it rebuilds as you
save). `site-builder new "Title"` starts an article (a draft: `serve --drafts` shows it);
`site.toml` lists every setting; set `base_url` before you publish with `site-builder build`.
"""

GITIGNORE = """\
# What site-builder makes, and makes again from content/: the built site, its cache, and
# the previous build and staging folders a build keeps beside output/.
/output/
/.cache/
/.output.*/
"""

# What a folder may already hold for init to make a site in it (a fresh `git init`, say).
ALLOWED = {".git", ".gitignore", "README.md"}

NEXT_STEPS = (
    "next: cd {dir} && site-builder serve   (then open http://127.0.0.1:8000/; "
    '`site-builder new "Title"` starts an article)'
)


def init_site(folder: Path) -> int:
    """`site-builder init DIR`: a new site that builds as it is; print what to do next."""
    try:
        found = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        taken = (folder.exists() and not folder.is_dir()) or bool(found - ALLOWED)
    except OSError as exc:  # a name longer than the file system allows, say
        raise UsageError(f"cannot make a site here: {exc.strerror}", folder) from None
    if taken:
        raise UsageError(
            "not an empty folder: init makes a new site only in an empty or new folder "
            "(or one holding only .git, .gitignore, README.md)",
            folder,
        )
    site = _site_files(folder)
    files = {name: text for name, text in site.items() if name not in found}
    for name, text in files.items():
        path = folder / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as out:  # never over a file of the user's
                out.write(text)
        except OSError as exc:
            raise UsageError(f"cannot write: {exc.strerror}", path) from None
    kept = sorted(found & set(site))
    log.info(
        "created %s: site.toml, content/ (an article and a page), static/, %s%s",
        folder,
        ", ".join(name for name in ("README.md", ".gitignore") if name in files),
        f" (kept your {', '.join(kept)})" if kept else "",
    )
    print(NEXT_STEPS.format(dir=folder))
    return 0


def _site_files(folder: Path) -> dict[str, str]:
    """What init writes, by path under the new site's folder."""
    config = SiteConfig(root=folder)
    when = clock.now().astimezone(config.tz).replace(microsecond=0)
    return {
        "site.toml": site_toml(),
        "content/world/welcome.md": frontmatter.render(
            {
                "id": fresh_id(),
                "title": "Welcome to your news site",
                "date": when,
                "summary": "What this site is, and how to add to it.",
            },
            EXAMPLE_BODY,
        ),
        f"content/{PAGES}/about.md": frontmatter.render({"title": "About"}, ABOUT_BODY),
        "static/.gitkeep": "",
        "README.md": README,
        ".gitignore": GITIGNORE,
    }


def site_toml() -> str:
    """site.toml with every key commented out at its default, each with what it means."""
    defaults = SiteConfig()
    lines = [
        "# site_builder settings. Every key is optional: the value shown is the default;",
        "# remove the '# ' before a key to change it.",
        "",
    ]
    for key, meaning in SETTINGS.items():
        value = getattr(defaults, SCALARS[key][0])
        lines += [
            *textwrap.wrap(meaning, 86, initial_indent="# ", subsequent_indent="# "),
            f"# {key} = {_toml(value)}",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n" + SITE_TOML_TAIL


def _toml(value) -> str:
    """A TOML literal of a default: a string (JSON quoting is valid TOML), bool or int."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Path):
        value = value.as_posix()
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def new_file(config: SiteConfig, title: str, region: str | None = None, page: bool = False) -> int:
    """`site-builder new`: a draft article (or a page); print its path."""
    if not title.strip():
        raise UsageError('the title is empty: site-builder new "A headline"')
    if _looks_like_a_path(title):
        raise UsageError(
            f"'{title}' is a file name, not a title: give the headline in quotes, "
            'site-builder new "Port of Sudan reopens" (the file is named after it)'
        )
    slug = title_slug(title)
    if page:
        check_page_slug(config, slug, _refuse_page(config, slug))
        path = config.content_dir / PAGES / f"{slug}.md"
        text = frontmatter.render({"title": title.strip()}, "Write the page here.\n")
    else:
        region = _region(config, title, region)
        path = config.content_dir / region / f"{slug}.md"
        text = frontmatter.render(_article_meta(config, title, region), "Write the article here.\n")
    _write_new(config, path, text)
    print(config.shown(path))
    return 0


def _looks_like_a_path(title: str) -> bool:
    """`new posts/x.md`: one word with a folder or a file suffix, as Hugo's `new` takes."""
    words = title.split()
    suffix = Path(title).suffix.lower()
    return len(words) == 1 and ("/" in title or suffix in (".md", ".markdown", ".html"))


def _article_meta(config: SiteConfig, title: str, region: str) -> dict:
    when = clock.now().astimezone(config.tz).replace(microsecond=0)
    return {"id": fresh_id(), "title": title.strip(), "date": when, "region": region, "draft": True}


def _region(config: SiteConfig, title: str, region: str | None) -> str:
    """--region, checked; else the region the title names, as import classifies."""
    if region is None:
        return classify(title, [], config.regions).region
    if config.region(region) is None:
        known = ", ".join(r.slug for r in config.regions)
        raise UsageError(f"--region: unknown region '{region}' (known regions: {known})")
    return region


def _refuse_page(config: SiteConfig, slug: str) -> Callable[[str, str], None]:
    """The loader's objection to a page's slug, raised before anything is written: `build`
    would refuse the page."""
    shown = config.shown(config.content_dir / PAGES / f"{slug}.md")

    def fail(_key: str, message: str) -> None:
        raise ContentError(message.split(";")[0] + "; choose another title", shown)

    return fail


def _write_new(config: SiteConfig, path: Path, text: str) -> None:
    """Create the file; an existing one is left alone and reported. A folder on the way that
    is a link is refused: `build` does not descend into one, and would not see the file."""
    shown = config.shown(path)
    for folder in path.relative_to(config.content_dir).parents:
        if folder.parts and (config.content_dir / folder).is_symlink():
            raise ContentError(
                "a link to a folder, which build skips: make it a real folder",
                config.shown(config.content_dir / folder),
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise ContentError("already exists; edit it, or choose another title", shown) from None
    except OSError as exc:
        raise ContentError(f"cannot write: {exc.strerror}", shown) from None
