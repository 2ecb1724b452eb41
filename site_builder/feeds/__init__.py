"""Feeds and the other files machines read: RSS 2.0 and Atom 1.0 (through feedgen, with
Media RSS pictures from media.py), JSON Feed 1.1, OPML, sitemap.xml with the Google News
sitemap, robots.txt; links inside entries made absolute (absolute.py).

Each function takes the configuration and the articles a planned output names and returns
bytes; which feeds exist and what they carry is decided by render/plan.py.

May import: content/ and the shared modules; never render/, engine/, serve/, deploy/ or
ingest/.
"""
