"""Content: the site's sources read and checked, one file at a time.

`content/**/*.md` becomes a validated, frozen `model.Article` (loader.py, with the YAML front
matter of frontmatter.py); Markdown bodies become sanitised HTML (markup.py); an article's
picture reference is resolved (imageref.py) and pictures are measured and resized into a
cache of variants (images.py). Nothing here writes to output/.

May import: only the shared modules at the top of the package (config, errors, model, urls,
i18n, clock, atomic, parallel, gazetteer).
"""
