"""`import --fetch-images`: a feed entry's remote lead picture, downloaded for its bundle.

So that the site shows its own copy instead of hotlinking: one GET with urllib (no HTTP
library needed for that), bounded in time (one deadline for the whole) and size, from
public addresses only, accepted only if it says it is a picture and decodes as one, named
from the URL so it cannot leave the bundle folder. filing.py decides whether and where it
is written (never over a picture a person replaced).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

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
class Picture:
    """A downloaded picture, not yet written: the file name it gets, its bytes, what it is."""

    name: str  # made from the URL; what image.url becomes
    data: bytes
    format: str  # as Pillow names it, read from the bytes ("JPEG")
    width: int
    height: int


def download_image(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_seconds: float = MAX_SECONDS,
    allow_private: bool = False,
) -> Picture:
    """The picture at `url`; a one-line ContentError naming the URL if it cannot be had, is
    not a JPEG, PNG, WebP or GIF picture, or (unless `allow_private`) is on a loopback,
    private or link-local address."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:  # "Invalid IPv6 URL"
        raise ContentError(f"not a URL: {error}", url) from None
    if parts.scheme not in ("http", "https") or not host:
        raise ContentError("not an http(s) URL", url)
    data = _download(url, _Limits(timeout, max_bytes, max_seconds, allow_private))
    image, fmt = images.decode(data, url)  # refuses what does not decode, and bombs
    return Picture(file_name(url, fmt), data, fmt, image.width, image.height)


def file_name(url: str, fmt: str) -> str:
    """'<slug of the URL's last segment>.<extension of the format>': no folders, no dots."""
    last = PurePosixPath(unquote(urlsplit(url).path)).name  # decoded: '%2F' is a '/' too
    stem = slugify(PurePosixPath(last).stem)
    return f"{'image' if stem == 'untitled' else stem}.{EXTENSION[fmt]}"  # slugify's "nothing left"


@dataclass(frozen=True)
class _Limits:
    timeout: float  # seconds without a byte
    max_bytes: int
    max_seconds: float  # the whole download: connecting, headers, body, redirects
    allow_private: bool


def _download(url: str, limits: _Limits) -> bytes:
    """The response body, if the server says it is a picture and it is small enough."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": ", ".join(sorted(CONTENT_TYPES))}
    )
    deadline = _Deadline(limits.max_seconds)
    try:
        with deadline, _opener(deadline, limits).open(request, timeout=limits.timeout) as response:
            if deadline.expired:  # cut off mid-headers: what came is no answer
                raise ContentError("download too slow", url)
            kind = response.headers.get_content_type()
            if kind not in CONTENT_TYPES:
                raise ContentError(f"not a picture: the server sent {kind}", url)
            if int(response.headers.get("Content-Length") or 0) > limits.max_bytes:
                raise ContentError(f"larger than {_size(limits.max_bytes)}", url)
            data = _read_limited(response, url, limits.max_bytes)
    except _Refused as error:
        raise ContentError(str(error), url) from None
    except urllib.error.HTTPError as error:
        raise ContentError(f"HTTP {error.code} {error.reason}", url) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        if deadline.expired:
            raise ContentError("download too slow", url) from None
        reason = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(reason, _Refused):
            raise ContentError(str(reason), url) from None
        raise ContentError(f"cannot download: {_reason(reason, limits.timeout)}", url) from None
    if deadline.expired:  # the watchdog closed the socket: what came is cut short
        raise ContentError("download too slow", url)
    return data


def _read_limited(response, url: str, max_bytes: int) -> bytes:
    """The body, read in pieces; reading stops as soon as it is too large."""
    chunks, total = [], 0
    while chunk := response.read1(64 * 1024):  # read1: what has come, not 64 KB or the end
        total += len(chunk)
        if total > max_bytes:
            raise ContentError(f"larger than {_size(max_bytes)}", url)
        chunks.append(chunk)
    return b"".join(chunks)


# --- the network: one deadline, public addresses only -----------------------------------


class _Refused(OSError):
    """A connection this download will not make (a private address)."""


class _Deadline:
    """The whole download's time limit. A socket timeout bounds only each wait, so a server
    trickling a byte a second would never trip it: a timer shuts the sockets down instead."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []  # duplicates: TLS detaches the original
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()

    def left(self, timeout: float) -> float:
        """The timeout for one wait: never past the deadline."""
        left = self.at - time.monotonic()
        if left <= 0:
            self._expire()
            raise TimeoutError("deadline passed")
        return min(timeout, left)

    def watch(self, sock: socket.socket) -> None:
        """Shut `sock` down at the deadline, even once wrapped in TLS (a duplicate of its
        descriptor reaches the same connection)."""
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked recv; close() alone would not
    except OSError:
        pass


def _public_addresses(host: str, port: int, allow_private: bool) -> list[tuple]:
    """The addresses `host` resolves to; refused if any is loopback, private or link-local
    (a name may resolve to both: the private one would be tried too)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OSError(f"cannot resolve {host}: {error.strerror}") from None
    if not allow_private:
        for *_, address in infos:
            ip = ipaddress.ip_address(str(address[0]).split("%")[0])
            if _private(ip):
                raise _Refused(
                    f"refused: {host} is a loopback, private or link-local address ({ip}); "
                    "--allow-private-addresses allows it"
                )
    return infos


def _private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local and the like: anything not on the public Internet."""
    ip = getattr(ip, "ipv4_mapped", None) or ip  # ::ffff:127.0.0.1 is 127.0.0.1
    return not ip.is_global or ip.is_multicast


def _connector(deadline: _Deadline, allow_private: bool):
    """socket.create_connection, to checked addresses only, watched by the deadline."""

    def connect(address, timeout=TIMEOUT, source_address=None, **_):
        host, port = address
        last: OSError = OSError(f"cannot connect to {host}")
        for family, kind, proto, _, sockaddr in _public_addresses(host, port, allow_private):
            sock = socket.socket(family, kind, proto)
            deadline.watch(sock)
            try:
                sock.settimeout(deadline.left(timeout))
                sock.connect(sockaddr)  # the checked address: no second lookup to rebind
                sock.settimeout(timeout)
                return sock
            except OSError as error:
                sock.close()
                last = error
        raise last

    return connect


def _opener(deadline: _Deadline, limits: _Limits) -> urllib.request.OpenerDirector:
    """urllib, each connection (redirects too) made by _connector."""
    connect = _connector(deadline, limits.allow_private)

    class Http(http.client.HTTPConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class Https(http.client.HTTPSConnection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._create_connection = connect

    class HttpHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(Http, req)

    class HttpsHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(Https, req, context=getattr(self, "_context", None))

    # No proxy from the environment: the address check must see the server itself.
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), HttpHandler, HttpsHandler, _WebRedirectsOnly
    )


class _WebRedirectsOnly(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only: urllib alone would also follow one to ftp."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, f"redirect to {newurl} refused", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _reason(error: object, timeout: float) -> str:
    """A short reason: the socket's own words, or how long it waited."""
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    return str(getattr(error, "strerror", None) or error)


def _size(limit: int) -> str:
    """10485760 -> '10 MB', 50000 -> '50,000 bytes'."""
    return f"{limit // 2**20} MB" if limit % 2**20 == 0 else f"{limit:,} bytes"
