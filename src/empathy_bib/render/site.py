"""`site/index.html`: the whole list on one self-contained page (inline CSS and JS, nothing fetched).

The papers are written as HTML (so the page works without JavaScript); the script only hides
what the search box and filters exclude and copies BibTeX. Jinja autoescapes every value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import jinja2

from ..model import Paper
from ..taxonomy import Category, Taxonomy
from .view import PaperView

TEMPLATE = "site.html.j2"


@dataclass(frozen=True)
class SiteEntry:
    view: PaperView
    search_text: str  # lower-cased title, authors and venue: what the search box matches
    category_titles: tuple[str, ...]
    filter_slugs: str  # its categories and their parent sections, space-separated


def render_site(
    env: jinja2.Environment, papers: Sequence[Paper], views: Mapping[str, PaperView], taxonomy: Taxonomy
) -> str:
    entries = [_entry(views[p.key], taxonomy) for p in papers]
    years = sorted({e.view.year for e in entries if e.view.year}, reverse=True)
    template = env.get_template(TEMPLATE)
    text = template.render(
        entries=entries,
        categories=_filter_options(taxonomy),
        years=years,
        total=len(entries),
    )
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n"


def _entry(view: PaperView, taxonomy: Taxonomy) -> SiteEntry:
    text = " ".join((view.title, view.all_authors, view.venue)).lower()
    by_slug = taxonomy.by_slug
    slugs: dict[str, None] = {}
    for slug in view.categories:
        category = by_slug.get(slug)
        while category is not None:  # a paper in a subsection is also in its section
            slugs[category.slug] = None
            category = by_slug.get(category.parent or "")
    titles = tuple(by_slug[s].heading for s in view.categories if s in by_slug)
    return SiteEntry(view, text, titles, " ".join(slugs))


def _filter_options(taxonomy: Taxonomy) -> list[tuple[Category, str]]:
    """Sections and subsections, in order; a subsection's label is indented under its section."""
    return [(c, ("\u2003" * (c.level - 2)) + c.title) for c in taxonomy if c.level >= 2]
