"""Serve: `watch` and `serve`, the editor's loop.

A watchdog observer sees the sources change (watch.py), the engine rebuilds once per settled
burst (devloop.py), and a local HTTP server answers from output/ under the site's base path
(server.py), telling open pages to reload over server-sent events (livereload.py).

May import: engine/ and everything below it; never deploy/ or ingest/.
"""
