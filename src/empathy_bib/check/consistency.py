"""Consistency with the data (E5xx, beyond identity.py's shared links): what an identifier implies.

An ACL Anthology id names its venue and year (`2021.findings-acl.130`: Findings of ACL, 2021;
`P19-1534`: ACL 2019), and an arXiv id its submission year and month (`2409.10289`: September
2024). The hand-made list had venue typos and mislabelled venues ("ACL 2021" for a Findings
paper, "NAACL 2024" for an arXiv preprint); these checks catch the ones the identifiers refute.
"""

from __future__ import annotations

import re

from .. import ids
from ..bib import FieldSpan
from ..record import Paper
from .context import Context

# Anthology venue codes -> phrases one of which the venue field must contain (case-insensitive).
VENUE_PHRASES: dict[str, tuple[str, ...]] = {
    "acl": ("association for computational linguistics", "acl"),
    "emnlp": ("empirical methods", "emnlp"),
    "naacl": ("north american", "nations of the americas", "naacl"),
    "eacl": ("european chapter", "eacl"),
    "aacl": ("asia-pacific", "aacl"),
    "coling": ("computational linguistics", "coling"),
    "lrec": ("language resources", "lrec"),
    "wassa": ("subjectivity, sentiment", "wassa"),
    "tacl": ("transactions of the association for computational linguistics", "tacl"),
    "cl": ("computational linguistics",),
    "conll": ("natural language learning", "conll"),
    "semeval": ("semantic evaluation", "semeval"),
}
# Old-style ids: the letter names the venue.
OLD_STYLE_VENUES = {
    "P": "acl",
    "D": "emnlp",
    "N": "naacl",
    "E": "eacl",
    "C": "coling",
    "Q": "tacl",
    "J": "cl",
}
_PREPRINT_TYPES = ("misc", "online", "unpublished", "preprint")
_WORDS = re.compile(r"[a-z]+")


def check(ctx: Context) -> None:
    for paper in ctx.papers:
        found = paper.identifiers  # parsed once, for every check
        if found.anthology_id:
            _check_anthology(ctx, paper, found.anthology_id)
        if paper.entry_type in _PREPRINT_TYPES and found.arxiv_id:
            _check_preprint_year(ctx, paper, found.arxiv_id)


def anthology_venue(anthology_id: str) -> tuple[int, str | None, bool]:
    """(year, venue code or None when unknown, is a Findings volume) of an Anthology id."""
    new = ids.ANTHOLOGY_NEW_RE.match(anthology_id)
    if new:
        year, collection, volume = int(new.group(1)), new.group(2), new.group(3)
        if collection == "findings":
            return year, volume if volume in VENUE_PHRASES else None, True
        return year, collection if collection in VENUE_PHRASES else None, False
    old = ids.ANTHOLOGY_OLD_RE.match(anthology_id)
    assert old is not None  # anthology_id passed is_valid_anthology_id
    two_digits = int(old.group(2))
    year = (1900 if two_digits > 60 else 2000) + two_digits
    return year, OLD_STYLE_VENUES.get(old.group(1)), False


def _check_anthology(ctx: Context, paper: Paper, anthology_id: str) -> None:
    year, venue, findings = anthology_venue(anthology_id)
    year_span = paper.spans.get("year")
    written = paper.fields.get("year")
    if year_span is not None and (written or "").strip() != str(year):
        message = f"year {written} disagrees with Anthology id {anthology_id} (published {year})"
        ctx.report("E503", year_span.value_start, message, paper.key)
    venue_name, venue_span = _venue(paper)
    if venue_name is None or venue_span is None:
        return
    lowered = venue_name.lower()
    if findings != ("findings" in lowered):
        wanted = "a Findings volume" if findings else "a main-conference volume, not Findings"
        message = f"venue '{_short(venue_name)}' disagrees with Anthology id {anthology_id}: it is {wanted}"
        ctx.report("E504", venue_span.value_start, message, paper.key)
    elif venue is not None and not any(_mentions(lowered, phrase) for phrase in VENUE_PHRASES[venue]):
        message = (
            f"venue '{_short(venue_name)}' does not name {venue.upper()}, "
            f"the venue of Anthology id {anthology_id}"
        )
        ctx.report("E504", venue_span.value_start, message, paper.key)


def _venue(paper: Paper) -> tuple[str | None, FieldSpan | None]:
    for name in ("booktitle", "journal", "journaltitle"):
        value = paper.text(name)
        if value:
            return value, paper.spans.get(name)
    return None, None


def _mentions(text: str, phrase: str) -> bool:
    """`phrase` in `text`; a one-word acronym must be a whole word (`acl` is not in `eacl`)."""
    if " " in phrase or "-" in phrase or "," in phrase:
        return phrase in text
    return phrase in _WORDS.findall(text)


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_preprint_year(ctx: Context, paper: Paper, arxiv_id: str) -> None:
    m = ids.ARXIV_NEW_RE.match(arxiv_id)
    year_span = paper.spans.get("year")
    if m is None or year_span is None or paper.year is None:
        return
    submitted = 2000 + int(m.group(1)[:2])
    if paper.year != submitted:
        message = (
            f"year {paper.year} of an arXiv preprint differs from its id {arxiv_id} (submitted {submitted})"
        )
        ctx.report("W505", year_span.value_start, message, paper.key)
