"""Identity checks (E2xx/W2xx) and consistency with the data (E5xx).

Every entry's identifiers (DOI, arXiv id, Anthology id, from `doi`, `eprint` and `url`) are
normalised through `ids`, so `https://doi.org/10.1/X` and `doi:10.1/x` are one DOI and
`arXiv:2211.00255v2` and `https://arxiv.org/pdf/2211.00255` one arXiv id.

Two entries sharing an identifier are either the same paper listed twice (their titles agree:
a duplicate, E202-E204) or one of them carries the other's link (titles differ: E501, the
seed list's "EmpHi linked to CARE's arXiv id"). Inside one entry, identifiers that disagree
(`url` says one arXiv id, `eprint` another) are E502.
"""

from __future__ import annotations

from operator import attrgetter
from typing import NamedTuple

from rapidfuzz import fuzz

from .. import ids
from ..bib import Block
from ..record import Identifiers, Paper
from ..text import title_key
from .context import Context
from .listrules import INVISIBLE, LOOKALIKES

_KIND_NAMES = {"doi": "DOI", "arxiv": "arXiv id", "anthology": "Anthology id"}
_DUPLICATE_CODES = {"doi": "E202", "arxiv": "E203", "anthology": "E204"}
_ARXIV_DOI_PREFIX = "10.48550/arxiv."
# Titles this close (rapidfuzz ratio of normalised titles, 0-100) are one paper's.
SAME_PAPER_RATIO = 80.0
SIMILAR_TITLE_RATIO = 90.0
_NEIGHBOURS = 3  # how many sorted neighbours each title is compared with
_MIN_PREFIX_WORDS = 4


class Ident(NamedTuple):  # a NamedTuple: tens of thousands are made, and it is cheap
    kind: str  # "doi" | "arxiv" | "anthology"
    value: str  # normalised
    field: str  # where it was written
    offset: int

    def describe(self) -> str:
        return f"{_KIND_NAMES[self.kind]} {self.value}"


class Item(NamedTuple):
    """One entry as the identity checks see it."""

    position: int  # in file order
    entry: Block
    paper: Paper
    title: str  # normalised; "" when the entry has none
    idents: tuple[Ident, ...]


def check(ctx: Context) -> None:
    items = [_item(i, paper) for i, paper in enumerate(ctx.papers)]
    _duplicate_keys(ctx)
    _key_characters(ctx)
    for item in items:
        if len(item.idents) > 1:
            _conflicts_inside(ctx, item)
    reported = _shared_identifiers(ctx, items)
    _same_titles(ctx, items, reported)
    _similar_titles(ctx, items, reported)


def _item(index: int, paper: Paper) -> Item:
    raw_title = paper.fields.get("title")
    title = title_key(raw_title) if raw_title else ""
    return Item(index, paper.block, paper, title, identifiers(paper))


def identifiers(paper: Paper) -> tuple[Ident, ...]:
    """The paper identifiers an entry names, normalised, with the field that names each."""
    spans, found = paper.spans, paper.identifiers
    out: list[Ident] = []
    doi = found.doi
    if doi:
        _add_doi_identifiers(out, doi.lower(), spans["doi"].value_start)
    eprint_arxiv = found.eprint_arxiv_id
    if eprint_arxiv:
        out.append(Ident("arxiv", eprint_arxiv.lower(), "eprint", spans["eprint"].value_start))
    url = paper.fields.get("url")
    if url:
        _add_url_identifiers(out, found, url.strip(), spans["url"].value_start)
    return tuple(out)


def _add_doi_identifiers(out: list[Ident], doi: str, offset: int) -> None:
    """A DOI, and the arXiv or Anthology id that an arXiv or ACL DOI carries."""
    out.append(Ident("doi", doi, "doi", offset))
    if doi.startswith(_ARXIV_DOI_PREFIX):
        arxiv = ids.parse_arxiv(doi[len(_ARXIV_DOI_PREFIX) :])
        if arxiv:
            out.append(Ident("arxiv", arxiv, "doi", offset))
    anthology = ids.anthology_from_doi(doi)
    if anthology:
        out.append(Ident("anthology", anthology.lower(), "doi", offset))


def _add_url_identifiers(out: list[Ident], found: Identifiers, url: str, offset: int) -> None:
    if found.url_arxiv_id:
        out.append(Ident("arxiv", found.url_arxiv_id.lower(), "url", offset))
    if found.anthology_id:
        out.append(Ident("anthology", found.anthology_id.lower(), "url", offset))
    if ids.is_doi_url(url):
        doi = ids.normalize_doi(url)
        if doi:
            out.append(Ident("doi", doi, "url", offset))


# ---------------------------------------------------------------------- keys


def _duplicate_keys(ctx: Context) -> None:
    first: dict[str, Block] = {}
    for entry in ctx.bib.entries:
        if not entry.key:
            continue
        folded = entry.key.lower()
        if folded in first:
            other = first[folded]
            ctx.report(
                "E201",
                entry.start,
                f"duplicate key '{entry.key}': also used by the entry at {ctx.where(other.start)}"
                + (f" (as '{other.key}'; BibTeX ignores case)" if other.key != entry.key else ""),
                entry.key,
            )
        else:
            first[folded] = entry


_BLANKS = " \t\r\n\f\v"
_BLANKS_SHOWN = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _key_characters(ctx: Context) -> None:
    for entry in ctx.bib.entries:
        key = entry.key or ""
        if key.isascii() and key.isprintable() and " " not in key:
            continue  # the usual key, in one test
        if any(c in _BLANKS for c in key):  # BibTeX's white space; a no-break space is E405's
            shown = key.translate(_BLANKS_SHOWN)
            ctx.report("E207", entry.start, f"the key '{shown}' has blanks in it", shown)
        elif any(not c.isascii() and c not in INVISIBLE and c not in LOOKALIKES for c in key):
            # (the invisible and look-alike characters are E405's)
            ctx.report("W208", entry.start, f"the key '{key}' has characters outside ASCII", key)


# ---------------------------------------------------------------------- identifiers


def _conflicts_inside(ctx: Context, item: Item) -> None:
    kinds = {i.kind for i in item.idents}
    if len(kinds) == len(item.idents) or len(kinds) == len({(i.kind, i.value) for i in item.idents}):
        return  # one value per kind: the usual entry, decided without the loop below
    for kind in _KIND_NAMES:
        found = [i for i in item.idents if i.kind == kind]
        distinct = {i.value for i in found}
        if len(distinct) > 1:
            first = found[0]
            other = next(i for i in found if i.value != first.value)
            ctx.report(
                "E502",
                other.offset,
                f"{other.field} names {other.describe()} but {first.field} names {first.value}",
                item.paper.key,
            )


def _shared_identifiers(ctx: Context, items: list[Item]) -> set[tuple[int, int]]:
    """Report entries that share an identifier; returns the pairs reported."""
    owner: dict[tuple[str, str], tuple[Item, Ident]] = {}
    reported: set[tuple[int, int]] = set()
    for item in items:
        seen: set[tuple[str, str]] = set()
        for ident in item.idents:
            slot = (ident.kind, ident.value)
            if slot in seen:
                continue
            seen.add(slot)
            if slot not in owner:
                owner[slot] = (item, ident)
                continue
            first, first_ident = owner[slot]
            pair = (first.position, item.position)
            if first.position == item.position or pair in reported:
                continue
            reported.add(pair)
            _report_shared(ctx, first, first_ident, item, ident)
    return reported


def _report_shared(ctx: Context, first: Item, first_ident: Ident, item: Item, ident: Ident) -> None:
    other = f"'{first.paper.key}' ({ctx.where(first.entry.start)})"
    if same_paper(first.title, item.title):
        ctx.report(
            _DUPLICATE_CODES[ident.kind],
            item.entry.start,
            f"same {ident.describe()} as {other}: the paper is listed twice",
            item.paper.key,
        )
        return
    ctx.report(
        "E501",
        ident.offset,
        f"{ident.field} names {ident.describe()}, which {other} also names ({first_ident.field}) for a "
        f"paper with another title: the link belongs to one paper only",
        item.paper.key,
    )


def same_paper(title_a: str, title_b: str) -> bool:
    """Normalised titles that belong to one paper: equal, one cut short, or a few typos apart."""
    if not title_a or not title_b:
        return True  # nothing says they differ
    return (
        title_a == title_b
        or _is_truncation(title_a, title_b)
        or bool(fuzz.ratio(title_a, title_b, score_cutoff=SAME_PAPER_RATIO))
    )


def _is_truncation(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and len(short.split()) >= _MIN_PREFIX_WORDS


# ---------------------------------------------------------------------- titles


def _same_titles(ctx: Context, items: list[Item], reported: set[tuple[int, int]]) -> None:
    first: dict[str, Item] = {}
    for item in items:
        if not item.title:
            continue
        if item.title in first:
            other = first[item.title]
            pair = (other.position, item.position)
            if pair not in reported:
                reported.add(pair)
                ctx.report(
                    "E205",
                    item.entry.start,
                    f"same title as '{other.paper.key}' ({ctx.where(other.entry.start)}): "
                    "the paper is listed twice",
                    item.paper.key,
                )
        else:
            first[item.title] = item


def _similar_titles(ctx: Context, items: list[Item], reported: set[tuple[int, int]]) -> None:
    """Near-identical titles, found among sorted neighbours (forwards and reversed) in O(n log n).

    Sorting puts a truncated title next to its full form and titles differing late next to each
    other; sorting the reversed strings does the same for titles differing early.
    """
    titled = [item for item in items if item.title]
    forwards = sorted(titled, key=attrgetter("title"))
    backwards = sorted(titled, key=lambda i: i.title[::-1])
    for order in (forwards, backwards):
        titles = [item.title for item in order]
        for distance in range(1, _NEIGHBOURS + 1):
            for k in _nearly_same_at(titles, distance):
                one, other = order[k], order[k + distance]
                a, b = (one, other) if one.position < other.position else (other, one)
                if (a.position, b.position) not in reported:
                    reported.add((a.position, b.position))
                    ctx.report(
                        "W206",
                        b.entry.start,
                        f"title nearly identical to '{a.paper.key}' ({ctx.where(a.entry.start)}): "
                        "listed twice?",
                        b.paper.key,
                    )


def _nearly_same_at(titles: list[str], distance: int) -> list[int]:
    """The indexes k where `titles[k]` and `titles[k + distance]` are nearly the same.

    The titles alone decide, so this tight loop (six per file, one turn per title each, kept
    flat) runs before any bookkeeping of which pairs were already reported.
    """
    ratio = fuzz.ratio
    found = []
    for k, (a, b) in enumerate(zip(titles, titles[distance:], strict=False)):
        if a == b:
            continue  # E205's business
        if len(a) > len(b):
            a, b = b, a
        if b.startswith(a) and len(a.split()) >= _MIN_PREFIX_WORDS:
            found.append(k)  # `a` cut short (`_is_truncation`, with `a` the shorter)
        # A ratio of 90 needs lengths within about 20% of each other: skip the rest cheaply.
        elif len(a) >= 0.8 * len(b) and ratio(a, b, score_cutoff=SIMILAR_TITLE_RATIO):
            found.append(k)
    return found
