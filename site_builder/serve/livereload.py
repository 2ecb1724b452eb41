"""Live reload: a broadcaster of build results and the script the server injects into pages.

The server sends Server-Sent Events on `<base path>__livereload`: `reload` after every good
rebuild, `build-error` (data: the one-line error) while the site is broken. Pages get a tiny
script that listens and reloads or shows the error in an overlay; the files on disk never
contain it.
"""

from __future__ import annotations

import json
import threading

ENDPOINT = "__livereload"

_SCRIPT = """<script>/* site-builder live reload (injected by serve, not in output/) */
(() => {
  const version = %(version)s;
  const es = new EventSource(%(url)s);
  let box = null;
  const show = (msg) => {
    if (!box) {
      box = document.createElement("pre");
      box.id = "site-builder-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;z-index:2147483647;margin:0;" +
        "padding:1em;max-height:50vh;overflow:auto;background:#7f1d1d;color:#fff;" +
        "font:14px/1.4 monospace;white-space:pre-wrap;border-top:4px solid #fca5a5";
      document.body.appendChild(box);
    }
    box.textContent = "Build failed - the last good site is shown.\\n\\n" + msg;
  };
  es.addEventListener("reload", () => location.reload());
  es.addEventListener("build-error", (e) => show(e.data));
  // The site may have been rebuilt between this page's load and the stream's start.
  es.addEventListener("build-ok", (e) => {
    if (e.data !== String(version)) location.reload();
    if (box) { box.remove(); box = null; }
  });
})();
</script>"""


def script(base_path: str, version: int) -> bytes:
    """The live-reload snippet for a site served under base_path ('/' or '/news/')."""
    # "</" in a configured base path must not end the script element early.
    values = {"url": json.dumps(base_path + ENDPOINT).replace("</", "<\\/"), "version": version}
    return (_SCRIPT % values).encode()


def inject(html: bytes, base_path: str, version: int) -> bytes:
    """Insert the snippet before </body> (or at the end when there is none)."""
    snippet = script(base_path, version)
    index = html.lower().rfind(b"</body>")
    return html + snippet if index < 0 else html[:index] + snippet + html[index:]


class Broadcaster:
    """Holds the latest build state and wakes every listening event stream on change."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.version = 0
        self.error: str | None = None
        self.closed = False

    def publish_ok(self) -> None:
        """A rebuild succeeded: open pages should reload."""
        with self.cond:
            self.version += 1
            self.error = None
            self.cond.notify_all()

    def publish_error(self, message: str) -> None:
        """A rebuild failed: open pages should show the message."""
        with self.cond:
            self.version += 1
            self.error = message
            self.cond.notify_all()

    def close(self) -> None:
        """Shut down: every stream ends."""
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, str | None, bool]:
        """Block until a state newer than `seen`, or timeout; return (version, error, closed)."""
        with self.cond:
            self.cond.wait_for(lambda: self.version != seen or self.closed, timeout=timeout)
            return self.version, self.error, self.closed


def sse_event(name: str, data: str = "") -> bytes:
    """One Server-Sent Event; multi-line data is split over data: lines."""
    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
    return f"event: {name}\n{lines}\n".encode()
