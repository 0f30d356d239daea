"""What every page shows of a paper, computed once from `Paper`: plain text, no LaTeX, no markup.

The README and the HTML page escape these strings for their own language; nothing here is
escaped yet, and nothing here is trusted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import NamedTuple

from ..record import Paper
from ..taxonomy import Taxonomy
from .markdown import safe_url
from .venues import short_venue

AUTHOR_LIMIT = 8  # up to this many authors are all listed; longer lists show AUTHORS_SHOWN + et al.
AUTHORS_SHOWN = 6


class Link(NamedTuple):  # immutable, and cheaper to build than a frozen dataclass
    label: str  # abs, pdf, code, doi, arXiv: what the URL really is
    url: str  # already checked: an http(s) URL, safe as a link target


class PaperView(NamedTuple):  # immutable, and cheaper to build than a frozen dataclass
    key: str
    title: str
    authors: str  # "A, B, C" or "A, B, ..., F, et al."
    names: tuple[str, ...]  # every author's name, as lists print it (`Author.display`)
    venue: str
    venue_short: str  # "ACL", "Findings of EMNLP", "arXiv": what the venue filter groups by
    year: str
    added: str  # YYYY-MM-DD, the day the paper joined the list; "" when not recorded
    links: tuple[Link, ...]
    bibtex: str  # the raw entry, `\n` line endings
    categories: tuple[str, ...]  # slugs, taxonomy order


def paper_views(papers: Iterable[Paper], taxonomy: Taxonomy) -> dict[str, PaperView]:
    order = _reading_order(taxonomy)
    return {p.key: _view(p, order) for p in papers}


def _reading_order(taxonomy: Taxonomy) -> Callable[[str], int]:
    """`taxonomy.order` as one dictionary lookup (it walks the tree on every call)."""
    positions = {c.slug: i for i, c in reversed(list(enumerate(taxonomy)))}  # the first wins
    unknown = len(taxonomy.by_slug)
    return lambda slug: positions.get(slug, unknown)


def _view(paper: Paper, order: Callable[[str], int]) -> PaperView:
    # Positional arguments, in PaperView's order: this runs once per paper of a long list.
    names = tuple([a.display for a in paper.authors])
    shown = names if len(names) <= AUTHOR_LIMIT else (*names[:AUTHORS_SHOWN], "et al.")
    categories = paper.categories
    year = paper.year
    return PaperView(
        paper.key,
        paper.title,
        ", ".join(shown),
        names,
        paper.venue or "",
        short_venue(paper),
        str(year) if year else "",
        _added(paper),
        paper_links(paper),
        paper.raw.replace("\r\n", "\n").strip("\n"),
        tuple(sorted(set(categories), key=order)) if len(categories) > 1 else categories,
    )


def _added(paper: Paper) -> str:
    added = paper.added
    return added.isoformat() if added is not None else ""


def paper_links(paper: Paper) -> tuple[Link, ...]:
    """Labelled by what each URL is: a landing page is [abs] (Anthology pages too), [pdf] only a PDF."""
    links = paper.links
    candidates = (
        ("abs", links.landing),
        ("arXiv", links.arxiv),
        ("pdf", links.pdf),
        ("code", links.code),
        ("doi", links.doi),
    )
    out = []
    for label, url in candidates:
        safe = safe_url(url) if url else None
        if safe:
            out.append(Link(label, safe))
    return tuple(out)


# ---------------------------------------------------------------------- date added

# The date a paper without a usable year is shown as added (the feed needs one for every entry).
UNDATED = datetime.date(1970, 1, 1)


def date_shown_added(paper: Paper) -> datetime.date:
    """`added`, else January 1 of the paper's year, else 1970-01-01: a date for every paper that
    depends on the file alone (never on the clock), so every render gives the same."""
    if paper.added is not None:
        return paper.added
    year = paper.year
    return datetime.date(year, 1, 1) if year is not None and 1 <= year <= 9999 else UNDATED


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """Papers by `date_shown_added`, the newest first; a tie in file-independent order, by key."""
    by_key = sorted(papers, key=lambda p: p.key)
    return sorted(by_key, key=date_shown_added, reverse=True)  # stable: keys stay ascending in a tie
