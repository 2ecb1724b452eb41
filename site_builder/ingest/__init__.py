"""Ingest: wire copy and feeds become content files (`site-builder import`, `init`, `new`).

Reads raw dumps (dump.py) and RSS/Atom/JSON feeds (feedsource.py, feedimport.py), decides
each story's countries and region (classify.py with the gazetteers and the dateline), its
date, id and slug, and writes `content/<region>/<slug>.md` without ever overwriting a
person's edit (importer.py); `--fetch-images` downloads lead pictures (fetch.py). scaffold.py
makes a new site (`init`) and a new draft (`new`).

May import: content/ (front matter, the loader's checks, pictures) and the shared modules at
the top of the package; never engine/, render/, feeds/, serve/ or deploy/.
"""
