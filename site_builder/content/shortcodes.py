"""Hugo's built-in embed shortcodes ({{< youtube ID >}}, figure, ...) as facades, and the
raw HTML the sanitiser will drop.

A facade is a plain link or picture: nothing from a third party loads until the reader
follows it, and it works without JavaScript; so a page with embeds stays as fast and as
private as one without.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from site_builder.errors import ContentError
from site_builder.weburl import as_browsers_read, valid

# {{< name args >}} or {{% name args %}}, arguments over several lines as Hugo allows.
_SHORTCODE = re.compile(r"\{\{([<%])(.*?)([>%])\}\}", re.S)
# An argument: key="value", key=value, "positional" or positional (Hugo also takes `raw`).
_ARGUMENT = re.compile(r"""\s*(?:([A-Za-z_]\w*)=)?("(?:[^"\\\n]|\\.)*"|`[^`]*`|[^\s"`=]+)""")
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NUMBER = re.compile(r"[0-9]{1,20}")
_X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
_ZOOM = re.compile(r"1?[0-9]")
_DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]{1,8})?")
# Tags the sanitiser drops (with or without their content): an author is told, once.
DROPPED_TAGS = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "form", "input",
    "button", "textarea", "select", "video", "audio", "source", "svg", "math", "link",
    "meta", "base", "frame", "frameset", "applet",
}  # fmt: skip
_RAW_TAG = re.compile(r"<(" + "|".join(sorted(DROPPED_TAGS)) + r")\b", re.I)
_CODE = re.compile(r"^ {0,3}(```|~~~).*?(?:^ {0,3}\1[^\n]*$|\Z)|`[^`\n]+`", re.S | re.M)

Arguments = tuple[list[str], dict[str, str]]


def expand(body: str) -> str:
    """The body with every shortcode replaced by its facade's HTML (ContentError if bad)."""
    if "{{" not in body:
        return body
    return _SHORTCODE.sub(lambda m: _render(m.group(0), m.group(1), m.group(2), m.group(3)), body)


def problem(body: str) -> tuple[int, str] | None:
    """(line offset, message) of the first shortcode that cannot be rendered."""
    if "{{" not in body:
        return None
    for match in _SHORTCODE.finditer(body):
        try:
            _render(match.group(0), match.group(1), match.group(2), match.group(3))
        except ContentError as exc:
            return body.count("\n", 0, match.start()), exc.message
    return None


def dropped_html(body: str) -> tuple[int, str] | None:
    """(line offset, tag) of the first raw HTML tag the sanitiser drops, code left out."""
    if "<" not in body:
        return None
    # Code is shown, not run: blank it out, keeping its newlines so lines still count.
    text = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), body)
    match = _RAW_TAG.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()), match.group(1).lower()


def _render(whole: str, opening: str, inner: str, closing: str) -> str:
    inner = inner.strip()
    if inner.startswith("/*") and inner.endswith("*/"):  # Hugo's escape: shown as written
        return "{{" + opening + " " + inner[2:-2].strip() + " " + closing + "}}"
    if {"<": ">", "%": "%"}[opening] != closing:
        raise ContentError(
            f"shortcode {whole[:60]!r} opens with {opening} but closes with {closing}"
        )
    name, _, rest = inner.partition(" ")
    render = _RENDERERS.get(name.strip())
    if render is None:
        known = ", ".join(sorted(_RENDERERS))
        raise ContentError(f"unknown shortcode {name.strip()!r} (known: {known})")
    return render(name, _arguments(name, rest))


def _arguments(name: str, text: str) -> Arguments:
    positional: list[str] = []
    named: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _ARGUMENT.match(text, pos)
        if match is None or match.end() == pos:
            raise ContentError(
                f"shortcode {name}: cannot read its arguments at {text[pos:][:30]!r}"
            )
        value = match.group(2)
        if value[0] in '"`':
            value = value[1:-1]
            value = re.sub(r"\\(.)", r"\1", value) if match.group(2)[0] == '"' else value
        if match.group(1):
            named[match.group(1)] = value
        else:
            positional.append(value)
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    if positional and named:
        raise ContentError(f"shortcode {name}: arguments are either all named or all positional")
    return positional, named


def _take(name: str, args: Arguments, keys: tuple[str, ...], required: str) -> dict[str, str]:
    """The named arguments (the first positional one standing for `required`), checked."""
    positional, named = args
    if len(positional) > 1:
        raise ContentError(f"shortcode {name} takes one positional argument, not {len(positional)}")
    if positional:
        named = {required: positional[0]}
    unknown = sorted(set(named) - set(keys))
    if unknown:
        raise ContentError(f"shortcode {name} takes no argument {unknown[0]!r}")
    if not named.get(required):
        raise ContentError(f"shortcode {name} needs {required!r}")
    return named


def _checked(name: str, what: str, value: str, rule: re.Pattern[str]) -> str:
    if not rule.fullmatch(value):
        raise ContentError(f"shortcode {name}: {value[:60]!r} is not a valid {what}")
    return value


def _link(href: str, label: str, title: str = "") -> str:
    titled = f' title="{html.escape(title)}"' if title else ""
    return f'<a class="embed-play" href="{html.escape(href)}"{titled}>{html.escape(label)}</a>'


def _youtube(name: str, args: Arguments) -> str:
    got = _take(name, args, ("id", "title"), "id")
    video = _checked(name, "YouTube video id", got["id"], _VIDEO_ID)
    # youtube-nocookie is YouTube's privacy mode: no cookies until the video plays.
    href = f"https://www.youtube-nocookie.com/embed/{video}"
    return _link(href, "Play video on YouTube", got.get("title", ""))


def _vimeo(name: str, args: Arguments) -> str:
    got = _take(name, args, ("id", "title"), "id")
    video = _checked(name, "Vimeo video number", got["id"], _NUMBER)
    return _link(f"https://vimeo.com/{video}", "Play video on Vimeo", got.get("title", ""))


def _x(name: str, args: Arguments) -> str:
    got = _take(name, args, ("user", "id"), "id")
    user = _checked(name, "user name", got.get("user", ""), _X_USER)
    post = _checked(name, "post number", got["id"], _NUMBER)
    return _link(f"https://x.com/{user}/status/{post}", "View post on X")


def _instagram(name: str, args: Arguments) -> str:
    got = _take(name, args, ("id",), "id")
    post = _checked(name, "Instagram post id", got["id"], _VIDEO_ID)
    return _link(f"https://www.instagram.com/p/{post}/", "View post on Instagram")


def _map(name: str, args: Arguments) -> str:
    """An OpenStreetMap link centred on a point: {{< map lat=24.7136 lon=46.6753 >}}."""
    positional, named = args
    if positional:
        raise ContentError(f"shortcode {name} takes named arguments: lat=, lon=, zoom=, title=")
    unknown = sorted(set(named) - {"lat", "lon", "zoom", "title"})
    if unknown:
        raise ContentError(f"shortcode {name} takes no argument {unknown[0]!r}")
    lat = _degrees(name, named, "lat", 90)
    lon = _degrees(name, named, "lon", 180)
    zoom = _checked(name, "zoom (0-19)", named.get("zoom", "13"), _ZOOM)
    # The marker (mlat/mlon) and the view (#map=) both: the reader sees the place marked.
    href = f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}"
    title = named.get("title", "")
    label = f"View {title} on OpenStreetMap" if title else "View map on OpenStreetMap"
    return _link(href, label)


def _degrees(name: str, named: dict[str, str], key: str, limit: int) -> str:
    if key not in named:
        raise ContentError(f"shortcode {name} needs {key!r}")
    value = _checked(name, f"{key} in degrees", named[key], _DEGREES)
    if abs(float(value)) > limit:
        raise ContentError(f"shortcode {name}: {key}={value} is beyond ±{limit} degrees")
    return value


def _figure(name: str, args: Arguments) -> str:
    keys = ("src", "alt", "caption", "title", "link", "width", "height")
    got = _take(name, args, keys, "src")
    img = f'<img src="{html.escape(_address(name, got["src"]))}" alt="{html.escape(got.get("alt", ""))}"'
    for size in ("width", "height"):
        if size in got:
            img += f' {size}="{_checked(name, size, got[size], _NUMBER)}"'
    img += ">"
    if "link" in got:
        img = f'<a href="{html.escape(_address(name, got["link"]))}">{img}</a>'
    caption = " ".join(html.escape(got[k]) for k in ("title", "caption") if got.get(k))
    figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
    # Blank lines around it: a block of its own, never a <figure> inside a <p>.
    return f"\n\n<figure>{img}{figcaption}</figure>\n\n"


def _address(name: str, url: str) -> str:
    """A web address or a relative one, as the sanitiser would keep it."""
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", as_browsers_read(url))
    if not url or not valid(url) or (scheme and scheme.group(1).lower() not in ("http", "https")):
        raise ContentError(f"shortcode {name}: {url[:60]!r} is not a web address")
    return url


_RENDERERS: dict[str, Callable[[str, Arguments], str]] = {
    "youtube": _youtube,
    "vimeo": _vimeo,
    "x": _x,
    "tweet": _x,
    "instagram": _instagram,
    "figure": _figure,
    "map": _map,
}
