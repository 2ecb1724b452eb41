"""Render: what the site is made of, and each part of it made into bytes.

plan.py lists every output of the site (pages, feeds, sitemaps, OPML, static files) with
what it reads; the renderer turns one planned output into bytes through the Jinja2 templates
(templates.py keys them by source), with page metadata (metadata.py), the editions of a
site in several languages (editions.py), redirect pages for old addresses (redirect.py) and
the static assets (assets.py). It reads articles and the configuration; it writes nothing:
the engine publishes what it returns.

May import: feeds/, content/ and the shared modules; never engine/, serve/, deploy/ or
ingest/.
"""
