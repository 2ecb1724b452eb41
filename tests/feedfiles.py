"""The feed files of a site as a build makes them: planned by render/plan.py and rendered
by the real renderer, for the tests that look at feeds without building a whole site."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import jinja2

from site_builder.config import Region, SiteConfig
from site_builder.model import Article
from site_builder.render import plan
from site_builder.render.renderer import Renderer

KINDS = ("rss", "atom", "json", "opml")


def feed_files(
    config: SiteConfig, articles: Sequence[Article], html: Mapping[str, str]
) -> dict[str, bytes]:
    """The site's and each region's feeds and the OPML: site path -> bytes. `articles` are
    the published ones in the order the build hands them over (newest first); `html` their
    bodies' HTML.

    Planned as a site with `taxonomies = []` (no tag or author feeds: these tests are about
    the site's and the regions'). An article of a region the configuration does not list
    (which the loader would refuse) is planned under a region of that slug and name.
    """
    config = dataclasses.replace(_with_regions(config, articles), taxonomies=())
    outputs = plan.plan_site(config, articles, {})
    # Feeds use no template: the renderer's Jinja2 environment stays empty (and writes no
    # bytecode cache anywhere).
    renderer = Renderer(config, jinja2.Environment(), {})
    by_id = {a.id: a for a in articles}
    return {
        o.path: renderer.render(o, by_id, html, lambda ident: by_id[ident].body)[0]
        for o in outputs
        if o.kind in KINDS
    }


def _with_regions(config: SiteConfig, articles: Sequence[Article]) -> SiteConfig:
    known = {r.slug for r in config.regions}
    extra = tuple(
        Region(slug, slug)
        for slug in dict.fromkeys(a.region for a in articles)
        if slug not in known
    )
    return dataclasses.replace(config, regions=config.regions + extra) if extra else config
