"""The command line: parse arguments, load the configuration, call one command, map errors.

Each command lives in its own module; this file only wires them to argparse and turns a
SiteBuilderError into one line on stderr and an exit status (1 content/config, 2 usage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import threading
from pathlib import Path

from site_builder import __version__
from site_builder.config import SiteConfig, load_config
from site_builder.errors import ConfigError, SiteBuilderError, UsageError
from site_builder.i18n import language_tag

log = logging.getLogger("site_builder")

EPILOG = """\
a new site:
  site-builder init news && cd news   site.toml, an example article and page, static/
  site-builder new "Port reopens"     content/<region>/port-reopens.md, a draft

typical day:
  site-builder import dumps/*.txt     raw wire copy -> content/<region>/<slug>.md
  site-builder build                  content/ + templates/ -> output/
  site-builder serve                  preview on http://127.0.0.1:8000/, reloads on save
  site-builder deploy                 output/ -> the first [deploy.NAME] of site.toml

Common options go before or after the command: site-builder -v build = site-builder build -v.
Exit status: 0 ok, 1 content or configuration error, 2 usage error.
"""

# The common options' values when given nowhere. The subcommands' copies default to
# argparse.SUPPRESS, so an option given after the command overrides one given before it
# and an option left out after the command does not undo one given before it.
COMMON_DEFAULTS = {
    "config": Path("site.toml"),
    "content": None,
    "output": None,
    "base_url": None,
    "verbose": False,
    "quiet": False,
}


WATCH_EPILOG = """\
Watches content/, templates/, static/, locale/ and site.toml; a broken file prints its error and the
last good site stays. example: site-builder watch --drafts
"""
SERVE_EPILOG = """\
Open the printed address; pages reload after each rebuild. While base_url is on this
machine (the built-in http://127.0.0.1:8000/, or any localhost one), canonical links and
feeds use the address served; a real base_url is kept and served under its path.
examples:
  site-builder serve --port 36421          # http://127.0.0.1:36421/
  site-builder serve --drafts              # drafts and future articles too
"""


def _common(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """The common options, on the main parser (top) and again on each command."""
    group = parser.add_argument_group("common options (before or after the command)")
    default = (lambda name: COMMON_DEFAULTS[name]) if top else (lambda name: argparse.SUPPRESS)
    group.add_argument(
        "--config",
        type=Path,
        default=default("config"),
        metavar="PATH",
        help="site configuration (default: site.toml; built-in defaults if absent)",
    )
    group.add_argument(
        "--content",
        type=Path,
        default=default("content"),
        metavar="DIR",
        help="folder of Markdown articles (default: content/)",
    )
    group.add_argument(
        "--output",
        type=Path,
        default=default("output"),
        metavar="DIR",
        help="folder the site is built into (default: output/)",
    )
    group.add_argument(
        "--base-url",
        default=default("base_url"),
        metavar="URL",
        help="absolute URL the site is published at, e.g. https://example.org/news/",
    )
    noise = group.add_mutually_exclusive_group()
    noise.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default("verbose"),
        help="say more about each step",
    )
    noise.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default("quiet"),
        help="print errors only (import: and the files it skipped)",
    )


def _iso_date(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an ISO 8601 date such as 2026-02-11 or 2026-02-11T08:30"
        ) from None
    return value


def _add_init(commands) -> None:
    init = commands.add_parser(
        "init",
        help="start a new site in an empty folder",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Make a new site in DIR: a site.toml listing every setting with its "
        "default (commented out), content/ with an example article and an About "
        "page, static/ for files copied as they are, a README and a .gitignore. DIR "
        "must be new, empty, or hold only .git, .gitignore or README.md (kept as they are).",
        epilog="example:\n  site-builder init news && cd news && site-builder serve",
    )
    init.add_argument("dir", type=Path, metavar="DIR", help="folder of the new site")


def _add_new(commands) -> None:
    new = commands.add_parser(
        "new",
        help="start a new article (or page) as a draft",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write content/<region>/<slug>.md with a fresh id, the current time in the "
        "site's time zone and draft: true, and print its path. The region is "
        "--region, else the one the title names (as import decides); the slug "
        "comes from the title. An existing file is never overwritten.",
        epilog="examples:\n"
        '  site-builder new "Port of Sudan reopens"      -> content/horn-of-africa/...\n'
        '  site-builder new "Budget talks" --region gulf\n'
        '  site-builder new "Corrections policy" --page  -> content/pages/corrections-policy.md\n'
        "  site-builder build --drafts                      # shows drafts; "
        "set draft: false to publish",
    )
    new.add_argument("title", metavar="TITLE", help="the headline, in quotes")
    new.add_argument(
        "--region",
        metavar="SLUG",
        help="the region's slug, e.g. middle-east (default: from the title)",
    )
    new.add_argument(
        "--page",
        action="store_true",
        help="a standalone page in content/pages/ (no region, never in feeds)",
    )
    _common(new)


def _add_translate(commands) -> None:
    translate = commands.add_parser(
        "translate",
        help="start the site's own translation of the theme's words",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Write locale/LANG/LC_MESSAGES/messages.po: every message of the theme, "
        "with the shipped translation where there is one (to adjust), else empty (to "
        "translate). The build reads it before the catalogues the package ships; an empty "
        "msgstr keeps the theme's English. An existing file is never overwritten.",
        epilog="examples:\n"
        "  site-builder translate fr      # then translate locale/fr/LC_MESSAGES/messages.po\n"
        "  site-builder translate ar      # adjust the shipped Arabic wording for this site",
    )
    translate.add_argument(
        "lang", type=_language, metavar="LANG", help="a language code: fr, ar, pt-BR"
    )
    _common(translate)


def _language(text: str) -> str:
    """--language: a code CLDR knows ('ar', 'en-GB'), written as a BCP 47 tag."""
    tag = language_tag(text)
    if not tag:
        raise argparse.ArgumentTypeError(
            f"unknown language '{text}' (expected a code such as 'en' or 'ar')"
        )
    return tag


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command, with help that teaches the workflow."""
    parser = argparse.ArgumentParser(
        prog="site-builder",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Turn raw news wire copy and feeds into a regional news website with feeds.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_init(commands)
    _add_new(commands)
    _add_translate(commands)

    imp = commands.add_parser(
        "import",
        help="turn raw dumps and RSS/Atom/JSON feeds into content files",
        description="Turn raw article dumps and RSS/Atom/JSON feed files into "
        "content/<region>/<slug>.md. Re-importing is safe: unchanged articles are "
        "left alone and files edited by a person are never overwritten without --force.",
        epilog="example: site-builder import --date 2026-02-11 wire/000_6ec05461cbc230fc.txt",
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="dump or feed files")
    imp.add_argument(
        "--date",
        type=_iso_date,
        metavar="DATE",
        help="publication date for articles whose source gives none "
        "(a batch is spaced a minute apart, first article newest)",
    )
    imp.add_argument(
        "--source-url",
        metavar="URL",
        help="URL the copy came from (makes ids independent of title and date)",
    )
    imp.add_argument(
        "--language",
        type=_language,
        metavar="CODE",
        help="the articles' language, recorded as lang: (e.g. ar); "
        "default: a feed's own, else the site's",
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would happen, write nothing")
    imp.add_argument(
        "--force",
        action="store_true",
        help="overwrite content files even where a person edited them",
    )
    imp.add_argument(
        "--fetch-images",
        action="store_true",
        help="download feed entries' lead pictures: a new article becomes "
        "content/<region>/<slug>/index.md with its picture beside it "
        "(JPEG, PNG, WebP or GIF, at most 10 MB; a picture that cannot be "
        "fetched stays a link, with a warning)",
    )
    imp.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help="let --fetch-images download from loopback, private and link-local "
        "addresses (refused by default, also after DNS and on redirects)",
    )
    _common(imp)

    build = commands.add_parser(
        "build",
        help="build the static site into output/",
        description="Build content/ + templates/ + site.toml into output/: HTML by region, "
        "RSS, Atom and JSON feeds, OPML, sitemap. A failed build leaves the "
        "previous output/ exactly as it was. Feeds, canonical links and the "
        "sitemap use base_url (site.toml, or --base-url): set it to where the "
        "site is published.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
        "  site-builder build --base-url https://example.org/news/   # for a sub-path\n"
        "  site-builder build -v          # also lists drafts and future articles left out\n"
        "  site-builder build --drafts    # drafts and future articles too, to check them",
    )
    build.add_argument(
        "--drafts", action="store_true", help="include drafts and future-dated articles"
    )
    build.add_argument("--clean", action="store_true", help="ignore the build cache")
    _common(build)

    for name, text in (
        ("watch", "build, then rebuild on every change until Ctrl-C"),
        ("serve", "watch, and serve output/ with live reload in the browser"),
    ):
        sub = commands.add_parser(
            name,
            help=text,
            description=text[0].upper() + text[1:] + ".",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=WATCH_EPILOG if name == "watch" else SERVE_EPILOG,
        )
        sub.add_argument(
            "--drafts", action="store_true", help="include drafts and future-dated articles"
        )
        if name == "serve":
            sub.add_argument(
                "--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)"
            )
            sub.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
        _common(sub)

    deploy = commands.add_parser(
        "deploy",
        help="publish output/ to a static host, only what changed",
        description="Publish output/ to a target named in site.toml ([deploy.NAME] url = ...): "
        "a folder or ssh:// host (rsync), a git branch (git+ssh://, git+file://), "
        "or S3 (s3://). Only changed files are sent; pages go before the listings "
        "and feeds that link them, deletes last. Refused if the last build failed.",
        epilog="example: site-builder build && site-builder deploy --dry-run staging",
    )
    deploy.add_argument(
        "target",
        nargs="?",
        metavar="TARGET",
        help="a [deploy.TARGET] of site.toml (default: the first one)",
    )
    deploy.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be uploaded and deleted, change nothing",
    )
    deploy.add_argument(
        "--delete",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="remove files the site no longer has from the host "
        "(default: the target's delete, true unless set); only files deploys uploaded",
    )
    deploy.add_argument(
        "--adopt",
        action="store_true",
        help="deploy into a target that holds files no deploy put there: they are listed "
        "and kept, never deleted",
    )
    deploy.add_argument(
        "--no-ping",
        dest="ping",
        action="store_false",
        help="do not announce the changed feeds to the [websub] hubs of site.toml",
    )
    _common(deploy)
    return parser


# The commands that work on a site, and so need to find one where they are run.
SITE_COMMANDS = ("new", "build", "watch", "serve", "deploy", "translate")


def _find_site(args: argparse.Namespace) -> None:
    """Refuse to run a site's command where there is no site: no site.toml (nor --config),
    and no content folder to build with the built-in defaults."""
    if args.command not in SITE_COMMANDS or args.config != Path("site.toml"):
        return
    here = Path.cwd()
    content = args.content if args.content is not None else Path("content")
    if (here / "site.toml").is_file() or (args.command != "new" and (here / content).is_dir()):
        return
    raise ConfigError(
        f"no site.toml in {here}: not a site's folder; start one with "
        "site-builder init DIR, or name one with --config PATH"
    )


def _config(args: argparse.Namespace) -> SiteConfig:
    overrides = {"content_dir": args.content, "output_dir": args.output, "base_url": args.base_url}
    if args.config != Path("site.toml") and not args.config.exists():
        raise UsageError("configuration file not found", args.config)
    return load_config(args.config, overrides, root=Path.cwd())


def _setup_logging(args: argparse.Namespace) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    log.handlers[:] = [handler]
    log.propagate = False
    # -q: errors only, as a warning is not one (the base_url warning would print on every
    # build); but `import -q` reports the files it skipped as warnings, its only output.
    quiet = logging.WARNING if args.command == "import" else logging.ERROR
    log.setLevel(logging.DEBUG if args.verbose else quiet if args.quiet else logging.INFO)


def _run(args: argparse.Namespace) -> int:
    # Each command's modules are imported when it runs: together they add 113 ms to the
    # 66 ms `site-builder --help` takes (serve 60, import 47, init/new 45, build 29,
    # deploy 19; python -X importtime, best of seven).
    if args.command == "init":
        from site_builder.ingest.scaffold import init_site

        return init_site(args.dir)
    _find_site(args)
    config = _config(args)
    if args.command == "new":
        from site_builder.ingest.scaffold import new_file

        return new_file(config, args.title, region=args.region, page=args.page)
    if args.command == "translate":
        from site_builder.ingest.catalogue import start_catalogue

        return start_catalogue(config, args.lang)
    if args.command == "import":
        from site_builder.ingest.importer import run_import

        return run_import(
            config,
            args.paths,
            date=args.date,
            source_url=args.source_url,
            dry_run=args.dry_run,
            force=args.force,
            quiet=args.quiet,
            fetch_images=args.fetch_images,
            allow_private=args.allow_private_addresses,
            language=args.language or "",
        )
    if args.command == "build":
        from site_builder.engine.build import run_build

        return run_build(config, drafts=args.drafts, clean=args.clean)
    if args.command == "deploy":
        from site_builder.deploy import run_deploy

        return run_deploy(
            config,
            args.target,
            dry_run=args.dry_run,
            delete=args.delete,
            adopt=args.adopt,
            ping=args.ping,
        )
    from site_builder.serve.devloop import run_serve, run_watch

    def reload() -> SiteConfig:
        return _config(args)

    if args.command == "watch":
        return run_watch(config, drafts=args.drafts, reload_config=reload)
    return run_serve(
        config, drafts=args.drafts, host=args.host, port=args.port, reload_config=reload
    )


def command() -> None:
    """The `site-builder` command and `python -m site_builder`: main(), then out of the
    process without taking the interpreter down object by object, which a build of
    100,000 stories leaves 0.1 s of (its memory goes back to the system all the same).
    Only once everything is written: the state committed, no thread but this one left
    (watch's and serve's observers have stopped), the logs and the streams flushed."""
    code = main()
    if threading.active_count() > 1:
        raise SystemExit(code)
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a reader gone, a stream closed: let Python report it
        raise SystemExit(code) from None
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """What the command runs, in this process: its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.verbose and args.quiet:  # one before the command, the other after it
        parser.error("argument -q/--quiet: not allowed with argument -v/--verbose")
    _setup_logging(args)
    try:
        return _run(args)
    except SiteBuilderError as exc:
        print(f"site-builder: {exc}" if not exc.path else str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
