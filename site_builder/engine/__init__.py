"""Engine: the one build pipeline behind `build`, `watch` and `serve`.

Scan the sources' stamps (scan.py), load what changed (content/), plan the site (render/plan.py),
find the stale outputs by the fingerprints kept in the build state (store.py, SQLite in
`.cache/site_builder/`), render only those, publish them into output/ (publish.py: the only
code that writes there, by a staged swap), index them for search (search.py) and record the
outcome for `deploy` (buildstatus.py). build.py is the `site-builder build` command.

May import: render/, feeds/, content/ and the shared modules; never serve/, deploy/ or
ingest/.
"""
