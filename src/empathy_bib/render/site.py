"""`site/index.html`: the whole list on one self-contained page (inline CSS and JS, nothing fetched).

The papers are written as HTML, newest year first (so the page works without JavaScript); the
script only hides what the search box and filters exclude, reorders for the other sorts, keeps
the filters in the URL, follows permalinks and copies BibTeX. What it filters and sorts on is
written once per paper in `data-*` attributes.

Escaping: the page template is autoescaped, except its loop over the papers, which prints
`SiteEntry` fields as they are (autoescape would cost one `escape` call per printed value, a
large share of the page's time on a long list). Every field of a `SiteEntry` is typed `Markup`
and made by `text.escape_html` (markupsafe's `escape`), so the loop prints nothing unescaped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from ..record import Paper
from ..taxonomy import Category, Taxonomy
from ..text import escape_html
from .view import PaperView

TEMPLATE = "site.html.j2"


class SiteLink(NamedTuple):  # immutable, and cheaper to build than a frozen dataclass
    label: Markup
    url: Markup  # already an http(s) link target


class SiteEntry(NamedTuple):  # immutable, and cheaper to build than a frozen dataclass
    """One paper on the page; every field is HTML-escaped (`Markup`)."""

    key: Markup
    fragment: Markup  # the key as a URL fragment (percent-encoded where a URL needs it)
    title: Markup
    authors: Markup
    venue: Markup
    venue_short: Markup
    year: Markup
    added: Markup  # YYYY-MM-DD or empty
    links: tuple[SiteLink, ...]
    bibtex: Markup
    search_text: Markup  # lower-cased title, authors and venue (short name too): what search matches
    category_titles: tuple[Markup, ...]
    filter_slugs: Markup  # its categories and their parent sections, space-separated


def site_chunks(
    env: jinja2.Environment, papers: Sequence[Paper], views: Mapping[str, PaperView], taxonomy: Taxonomy
) -> Iterator[str]:
    """The page's text in pieces, as the template writes it (not yet tidied)."""
    placing = _Placing(taxonomy.by_slug)
    listed = [views[p.key] for p in papers]
    # Made as the loop reaches them (the template iterates once), so each is freed once written.
    entries = (_entry(view, placing) for view in newest_first(listed))
    years = sorted({view.year for view in listed if view.year}, reverse=True)
    template = env.get_template(TEMPLATE)
    return template.generate(
        entries=entries,
        categories=_filter_options(taxonomy),
        years=years,
        venues=venue_options(listed),
        total=len(papers),
    )


def newest_first(views: Sequence[PaperView]) -> list[PaperView]:
    """The page's order (its default sort): by year, newest first, file order within a year;
    papers without a year last."""
    return sorted(views, key=lambda view: -int(view.year) if view.year.isdigit() else 1)


def venue_options(views: Sequence[PaperView]) -> list[tuple[str, int]]:
    """The venue filter's choices: each short venue name and its number of papers, by name."""
    counts = Counter(view.venue_short for view in views if view.venue_short)
    return sorted(counts.items(), key=lambda item: (item[0].casefold(), item[0]))


class _Placing:
    """The filter slugs and section titles of a set of categories, escaped, worked out once per set."""

    def __init__(self, by_slug: Mapping[str, Category]):
        self.by_slug = by_slug
        self.done: dict[tuple[str, ...], tuple[Markup, tuple[Markup, ...]]] = {}

    def __call__(self, categories: tuple[str, ...]) -> tuple[Markup, tuple[Markup, ...]]:
        found = self.done.get(categories)
        if found is None:
            found = self.done[categories] = self._place(categories)
        return found

    def _place(self, categories: tuple[str, ...]) -> tuple[Markup, tuple[Markup, ...]]:
        by_slug = self.by_slug
        slugs: dict[str, None] = {}
        for slug in categories:
            category = by_slug.get(slug)
            while category is not None:  # a paper in a subsection is also in its section
                slugs[category.slug] = None
                category = by_slug.get(category.parent or "")
        titles = tuple(escape_html(by_slug[s].heading) for s in categories if s in by_slug)
        return escape_html(" ".join(slugs)), titles


# What a URL fragment may hold as it is (RFC 3986's pchar, "/" and "?"); the rest is percent-encoded.
_FRAGMENT_SAFE = "!$&'()*+,;=:@/?-._~"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.:-]+")  # most keys: their own fragment, nothing to encode


@lru_cache(maxsize=4096)
def _escaped_repeated(text: str) -> Markup:
    """A value many papers share (a venue, a year, a date, a link's label), escaped once."""
    return escape_html(text)


def _entry(view: PaperView, placing: _Placing) -> SiteEntry:
    # Positional arguments, in SiteEntry's order: this runs once per paper of a long list.
    venue, venue_short = view.venue, view.venue_short
    searched_venue = venue if venue_short in venue else f"{venue} {venue_short}"
    filter_slugs, titles = placing(view.categories)
    key = escape_html(view.key)
    return SiteEntry(
        key,
        key if _PLAIN_KEY.fullmatch(view.key) else escape_html(quote(view.key, safe=_FRAGMENT_SAFE)),
        escape_html(view.title),
        escape_html(view.authors),
        _escaped_repeated(venue),
        _escaped_repeated(venue_short),
        _escaped_repeated(view.year),
        _escaped_repeated(view.added),
        tuple([SiteLink(_escaped_repeated(label), escape_html(url)) for label, url in view.links]),
        escape_html(view.bibtex),
        escape_html(" ".join((view.title, ", ".join(view.names), searched_venue)).lower()),
        titles,
        filter_slugs,
    )


def _filter_options(taxonomy: Taxonomy) -> list[tuple[Category, str]]:
    """Sections and subsections, in order; a subsection's label is indented under its section."""
    return [(c, ("\u2003" * (c.level - 2)) + c.title) for c in taxonomy if c.level >= 2]
