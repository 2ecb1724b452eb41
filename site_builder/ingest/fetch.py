"""`import --fetch-images`: a feed entry's remote lead picture, downloaded into its bundle.

So that the site shows its own copy instead of hotlinking: one GET with urllib (no HTTP
library needed for that), bounded in time and size, accepted only if it says it is a
picture and decodes as one, written under a name made from the URL that cannot leave
the bundle folder.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from site_builder.atomic import write_atomic
from site_builder.content import images
from site_builder.errors import ContentError
from site_builder.urls import slugify

TIMEOUT = 10.0  # seconds without a byte from the server
MAX_SECONDS = 60.0  # for the whole download: a server dripping bytes is cut off
MAX_BYTES = 10 * 1024 * 1024  # a news photo is well under this
CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}
EXTENSION = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
USER_AGENT = "site_builder (+import --fetch-images)"


@dataclass(frozen=True)
class Fetched:
    """A downloaded picture: where it is, what it is, and what the download changed."""

    path: Path  # in the bundle; its name is what image.url becomes
    status: str  # "created", "updated" or "unchanged"
    format: str  # as Pillow names it, read from the bytes ("JPEG")
    width: int
    height: int
    size: int


def fetch_image(
    url: str,
    bundle: Path,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_seconds: float = MAX_SECONDS,
) -> Fetched:
    """Download the picture at `url` into the folder `bundle`; a one-line ContentError
    naming the URL if it cannot be had or is not a JPEG, PNG, WebP or GIF picture."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ContentError("not an http(s) URL", url)
    data = _download(url, timeout, max_bytes, max_seconds)
    image, fmt = images.decode(data, url)  # refuses what does not decode, and bombs
    target = bundle / file_name(url, fmt)
    status = _store(target, data, url)
    return Fetched(target, status, fmt, image.width, image.height, len(data))


def file_name(url: str, fmt: str) -> str:
    """'<slug of the URL's last segment>.<extension of the format>': no folders, no dots."""
    last = PurePosixPath(unquote(urlsplit(url).path)).name  # decoded: '%2F' is a '/' too
    stem = slugify(PurePosixPath(last).stem)
    return f"{'image' if stem == 'untitled' else stem}.{EXTENSION[fmt]}"  # slugify's "nothing left"


def _download(url: str, timeout: float, max_bytes: int, max_seconds: float) -> bytes:
    """The response body, if the server says it is a picture and it is small enough."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(sorted(CONTENT_TYPES))}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            if kind not in CONTENT_TYPES:
                raise ContentError(f"not a picture: the server sent {kind}", url)
            if int(response.headers.get("Content-Length") or 0) > max_bytes:
                raise ContentError(f"larger than {_size(max_bytes)}", url)
            return _read_limited(response, url, max_bytes, time.monotonic() + max_seconds)
    except urllib.error.HTTPError as error:
        raise ContentError(f"HTTP {error.code} {error.reason}", url) from None
    except urllib.error.URLError as error:
        raise ContentError(f"cannot download: {_reason(error.reason, timeout)}", url) from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise ContentError(f"cannot download: {_reason(error, timeout)}", url) from None


def _read_limited(response, url: str, max_bytes: int, deadline: float) -> bytes:
    """The body, read in pieces; reading stops as soon as it is too large or too slow."""
    chunks, total = [], 0
    while chunk := response.read(64 * 1024):
        total += len(chunk)
        if total > max_bytes:
            raise ContentError(f"larger than {_size(max_bytes)}", url)
        if time.monotonic() > deadline:
            raise ContentError("download too slow", url)
        chunks.append(chunk)
    return b"".join(chunks)


def _store(target: Path, data: bytes, url: str) -> str:
    """Write the picture unless it is there already; what that did."""
    try:
        if target.is_file() and target.read_bytes() == data:
            return "unchanged"
        status = "updated" if target.exists() else "created"
        write_atomic(target, data)  # durable: it is content now, like the article
        return status
    except OSError as error:
        raise ContentError(f"cannot write {target}: {error.strerror or error}", url) from None


class _WebRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only: urllib alone would also follow one to ftp."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to {newurl} refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebRedirectsOnly)


def _reason(error: object, timeout: float) -> str:
    """A short reason: the socket's own words, or how long it waited."""
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    return str(getattr(error, "strerror", None) or error)


def _size(limit: int) -> str:
    """10485760 -> '10 MB', 50000 -> '50,000 bytes'."""
    return f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit:,} bytes"
