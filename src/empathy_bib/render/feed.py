"""`site/feed.xml`: an Atom feed (RFC 4287) of the list, one entry per paper, newest added first.

Readers follow it to see what joined the list. Every entry's dates come from the paper's `added`
field (`view.date_shown_added`: January 1 of its year when it has none), and the feed's own
`updated` is its newest entry's: nothing reads the clock, so each render writes the same bytes.

Safety: every value from the list is written by `_text` or `_attribute` at the end of this
module, which drop the characters XML cannot carry (C0 and C1 controls, U+FFFE/U+FFFF, lone
surrogates) and escape the rest with `xml.sax.saxutils`; links are the views' checked http(s)
URLs only (`view.paper_links`), so no `javascript:` or `data:` link is ever written.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import NamedTuple
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape, quoteattr

from ..record import Paper
from ..taxonomy import Category, Taxonomy
from ..terminal import CONTROL_CHARACTER
from .chunks import to_bytes
from .view import UNDATED, PaperView, date_shown_added, newest_first

ATOM = "http://www.w3.org/2005/Atom"
FEED_FILE = "feed.xml"  # beside the page, in site/
SUBTITLE = "Every paper of the list, newest added first."
GENERATOR = "empathy-bib"
TAG_YEAR = 2025  # the year the list's host minted its tag URIs (RFC 4151): never changes

# Control characters (terminal.CONTROL_CHARACTER: C0 but tab and line breaks, DEL, C1) and what
# XML 1.0 cannot hold at all. (`str.isprintable` is False for each: it decides, fast, that a
# value has none.)
_NOT_XML = re.compile(CONTROL_CHARACTER.pattern.removesuffix("]") + "\ud800-\udfff\ufffe\uffff]")


class FeedPlace(NamedTuple):
    """Where the feed lives: the ids and links are made from it."""

    site_url: str  # the page's address, ending in `/`
    host: str  # the tag URIs' authority

    @classmethod
    def of(cls, site_url: str) -> FeedPlace:
        url = site_url if site_url.endswith("/") else site_url + "/"
        return cls(url, (urlsplit(url).hostname or "localhost").lower())

    @property
    def self_url(self) -> str:
        return self.site_url + FEED_FILE


def feed_url(site_url: str) -> str:
    """The feed's published address, for the README's link."""
    return FeedPlace.of(site_url).self_url


def entry_id(key: str, place: FeedPlace) -> str:
    """`tag:<host>,2025:<key>` (the key percent-encoded): the same for a paper in every render."""
    return f"tag:{place.host},{TAG_YEAR}:{quote(key, safe='')}"


def feed_bytes(
    papers: Iterable[Paper],
    views: Mapping[str, PaperView],
    taxonomy: Taxonomy,
    site_url: str,
    *,
    title: str = "Papers",
    author: str = "The list's contributors",
) -> bytes:
    """The feed as UTF-8 bytes: one entry per paper, newest added first. `title` and `author` are
    the list's (its settings, `config.list_settings`)."""
    # Encoded a few entries at a time: the document is never held as one string.
    head = (title, author)
    return to_bytes(_feed_text(papers, views, taxonomy, FeedPlace.of(site_url), head), batch_size=64)


def _feed_text(
    papers: Iterable[Paper],
    views: Mapping[str, PaperView],
    taxonomy: Taxonomy,
    place: FeedPlace,
    head: tuple[str, str],
) -> Iterator[str]:
    """The document in pieces: the feed's head, then one piece per entry."""
    ordered = newest_first(papers)
    # The newest entry's date (entries are newest first): the feed changes when a paper is added.
    updated = _timestamp(date_shown_added(ordered[0]) if ordered else UNDATED)
    yield from (
        "<?xml version='1.0' encoding='utf-8'?>\n",
        f"<feed{_attributes(('xmlns', ATOM), ('xml:lang', 'en'))}>\n",
        _element(1, "id", place.self_url),
        _element(1, "title", head[0]),
        _element(1, "subtitle", SUBTITLE),
        _element(1, "updated", updated),
        _empty(1, "link", ("rel", "self"), ("type", "application/atom+xml"), ("href", place.self_url)),
        _empty(1, "link", ("rel", "alternate"), ("type", "text/html"), ("href", place.site_url)),
        _person(1, head[1]),  # every entry has an author, even a paper with none
        _element(1, "generator", GENERATOR),
    )
    write_entry = _EntryWriter(taxonomy.by_slug, place)
    for paper in ordered:
        lines: list[str] = []
        write_entry(paper, views[paper.key], lines)
        yield "".join(lines)
    yield "</feed>\n"


class _EntryWriter:
    """Writes one `<entry>` per paper; pieces many entries share are made once.

    Escaping is done piece by piece (`_text` of a concatenation is the concatenation of each
    piece's `_text`: it drops and escapes single characters), so a shared piece is escaped once.
    """

    def __init__(self, by_slug: Mapping[str, Category], place: FeedPlace) -> None:
        self.by_slug = by_slug
        self.place = place
        self.dates: dict[datetime.date, str] = {}  # a date -> its <published> and <updated> lines
        self.categories: dict[tuple[str, ...], str] = {}  # slugs -> their <category> lines
        self.authors: dict[str, str] = {}  # a name -> its <author> line
        self.link_titles: dict[str, str] = {}  # a link label -> its attribute
        self.wheres: dict[tuple[str, str], str] = {}  # (venue, year) -> "Venue, Year.", escaped
        self.sections: dict[tuple[str, ...], str] = {}  # slugs -> "Sections: A; B.", escaped

    def __call__(self, paper: Paper, view: PaperView, lines: list[str]) -> None:
        # Written with few calls: this runs once per paper of a long list.
        links = view.links
        # The paper itself; a paper without a link is shown by its place on the page.
        alternate = links[0].url if links else self.place.site_url + "#" + quote(view.key, safe="")
        lines.append(
            f"  <entry>\n    <id>{_text(entry_id(view.key, self.place))}</id>\n"
            f"    <title>{_text(view.title)}</title>\n{self._dates(date_shown_added(paper))}"
        )
        authors = self.authors
        for name in view.names:
            line = authors.get(name)
            if line is None:
                line = authors[name] = _person(2, name)
            lines.append(line)
        lines.append(f'    <link rel="alternate" href={_attribute(alternate)} />\n')
        for link in links[1:]:
            title = self.link_titles.get(link.label)
            if title is None:
                title = self.link_titles[link.label] = _attributes(("title", link.label))
            lines.append(f'    <link rel="related" href={_attribute(link.url)}{title} />\n')
        categories = self.categories.get(view.categories)
        if categories is None:
            categories = self.categories[view.categories] = "".join(map(self._category, view.categories))
        lines.append(categories)
        lines.append(f'    <summary type="text">{self._summary(view)}</summary>\n  </entry>\n')

    def _dates(self, day: datetime.date) -> str:
        found = self.dates.get(day)
        if found is None:
            when = _timestamp(day)
            found = self.dates[day] = _element(2, "published", when) + _element(2, "updated", when)
        return found

    def _category(self, slug: str) -> str:
        category = self.by_slug.get(slug)
        label = (("label", category.title),) if category is not None else ()
        return _empty(2, "category", ("term", slug), *label)

    def _summary(self, view: PaperView) -> str:
        """`Venue, Year. Sections: A; B. abs: URL · pdf: URL` as escaped text (the authors have
        elements of their own)."""
        where = self.wheres.get((view.venue, view.year))
        if where is None:
            where = self.wheres[view.venue, view.year] = _text(_where(view.venue, view.year))
        sections = self.sections.get(view.categories)
        if sections is None:
            sections = self.sections[view.categories] = _text(_sections(view.categories, self.by_slug))
        parts = [piece for piece in (where, sections) if piece]
        if view.links:
            parts.append(_text(" · ".join([f"{label}: {url}" for label, url in view.links])))
        return " ".join(parts)


def _where(venue: str, year: str) -> str:
    """`Venue, Year.`; "" when the paper names neither."""
    where = ", ".join(x for x in (venue, year) if x)
    return _sentence(where) if where else ""


def _sections(slugs: tuple[str, ...], by_slug: Mapping[str, Category]) -> str:
    """`Sections: A; B.`; "" for a paper in no known section."""
    titles = [by_slug[s].title for s in slugs if s in by_slug]
    return _sentence("Sections: " + "; ".join(titles)) if titles else ""


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


# ---------------------------------------------------------------------- XML
# Element and attribute names are this module's constants; every value is written by `_text`
# or `_attribute`: the characters XML cannot carry dropped, then escaped by saxutils' `escape`
# or `quoteattr`. (An `xml.etree` tree gave the same document, but its serializer, written in
# Python, took a quarter of the whole render on a long list.)

_INDENT = ("", "  ", "    ")


def _text(value: str) -> str:
    """A value as element text."""
    return escape(value if value.isprintable() else _NOT_XML.sub("", value))


def _attribute(value: str) -> str:
    """A value as a quoted attribute value (line breaks and tabs as character references)."""
    return quoteattr(value if value.isprintable() else _NOT_XML.sub("", value))


def _element(depth: int, tag: str, text: str, *attributes: tuple[str, str]) -> str:
    """`<tag a="v">text</tag>` on a line of its own."""
    return f"{_INDENT[depth]}<{tag}{_attributes(*attributes)}>{_text(text)}</{tag}>\n"


def _empty(depth: int, tag: str, *attributes: tuple[str, str]) -> str:
    """`<tag a="v" />` on a line of its own."""
    return f"{_INDENT[depth]}<{tag}{_attributes(*attributes)} />\n"


def _person(depth: int, name: str) -> str:
    return f"{_INDENT[depth]}<author><name>{_text(name)}</name></author>\n"


def _attributes(*pairs: tuple[str, str]) -> str:
    return "".join(f" {name}={_attribute(value)}" for name, value in pairs)


def _timestamp(day: datetime.date) -> str:
    """RFC 3339, as Atom requires: the day's start in UTC."""
    return f"{day.isoformat()}T00:00:00Z"
