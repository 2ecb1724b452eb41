"""A target's URL → which kind of host it is and where: the scheme picks the kind."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote

from site_builder.deploy.common import Context
from site_builder.errors import SiteBuilderError
from site_builder.weburl import split


@dataclass(frozen=True)
class RsyncHost:
    """A folder on this machine, or one on an SSH host (host is None for a local folder)."""

    path: str
    host: str | None = None
    user: str | None = None
    port: int | None = None

    @property
    def destination(self) -> str:
        """rsync's spelling of the destination folder, with a final slash."""
        path = self.path.rstrip("/") + "/"
        if self.host is None:
            return path
        return f"{self.user + '@' if self.user else ''}{self.host}:{path}"


@dataclass(frozen=True)
class GitBranch:
    """A branch of a git remote (GitHub Pages' gh-pages by default)."""

    remote: str
    branch: str = "gh-pages"


@dataclass(frozen=True)
class S3Bucket:
    """A bucket and key prefix of S3 or an S3-compatible store."""

    bucket: str
    prefix: str = ""
    region: str | None = None
    endpoint: str | None = None


def parse(ctx: Context) -> RsyncHost | GitBranch | S3Bucket:
    """The host a target's URL names; a URL that names none is a one-line error."""
    host = _parse(ctx)
    if isinstance(host, RsyncHost) and host.host in (None, "localhost", "127.0.0.1", "::1"):
        _outside_the_site(ctx, Path(host.path))
    return host


def _parse(ctx: Context) -> RsyncHost | GitBranch | S3Bucket:
    url = ctx.target.url
    if url.startswith(("/", ".", "~")):
        return RsyncHost(str(_local(ctx, url)))
    try:
        parts = split(url)
    except SiteBuilderError as exc:
        raise ctx.fail(f"'url': {exc.message}") from None
    port = parts.port
    if parts.scheme == "file":
        return RsyncHost(str(_local(ctx, unquote(parts.path))))
    if parts.scheme == "ssh":
        if not parts.hostname or not parts.path.strip("/"):
            raise ctx.fail("'url': expected ssh://user@host:port/path/to/folder")
        path = unquote(parts.path)
        path = path[1:] if path.startswith("/~") else path  # ssh://host/~/www: home-relative
        return RsyncHost(path, parts.hostname, parts.username, port)
    if parts.scheme.startswith("git+"):
        remote = url[4:].split("#", 1)[0]
        if parts.scheme == "git+file" and not parts.path:
            raise ctx.fail("'url': expected git+file:///path/to/repo.git#branch")
        return GitBranch(remote, parts.fragment or "gh-pages")
    if parts.scheme == "s3":
        return _s3(ctx, parts)
    raise ctx.fail(
        f"'url': unknown scheme '{parts.scheme}' "
        "(a folder, ssh://, git+ssh://, git+file:// or s3://)"
    )


def _outside_the_site(ctx: Context, folder: Path) -> None:
    """Refuse a folder on this machine that is the site's, holds it or is inside it: a
    deploy there would upload the site into itself, or beside content/ and site.toml."""
    if not folder.is_absolute():  # ssh://localhost/www: the remote user's home, not ours
        return
    try:
        folder = folder.resolve()
        ours = {ctx.config.root.resolve(), ctx.config.output_dir.resolve()}
    except (OSError, RuntimeError):
        raise ctx.fail(f"'url': cannot resolve {folder}") from None
    for mine in sorted(ours):
        if folder == mine or folder.is_relative_to(mine) or mine.is_relative_to(folder):
            raise ctx.fail(
                f"'url': refusing to deploy into {folder}: it is, holds or is inside the "
                f"site's own folder {mine}; choose a folder outside it"
            )


def _local(ctx: Context, path: str) -> Path:
    try:
        folder = Path(path).expanduser()
    except RuntimeError:  # ~nosuchuser: Python cannot tell that user's home
        raise ctx.fail(f"'url': no home folder for '{path.split('/')[0]}'") from None
    return folder if folder.is_absolute() else ctx.config.root / folder


def _s3(ctx: Context, parts) -> S3Bucket:
    if not parts.hostname:
        raise ctx.fail("'url': expected s3://bucket/prefix?region=...&endpoint=...")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"region", "endpoint"})
    if unknown:
        raise ctx.fail(
            f"'url': unknown parameter '{unknown[0]}' (known: endpoint, region; "
            "credentials come from the AWS environment, never from site.toml)"
        )
    endpoint = query.get("endpoint")
    if endpoint is not None:
        try:
            split(endpoint)
        except SiteBuilderError as exc:
            raise ctx.fail(f"'url': endpoint {exc.message}") from None
    return S3Bucket(parts.netloc, unquote(parts.path).strip("/"), query.get("region"), endpoint)
