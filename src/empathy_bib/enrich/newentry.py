"""A `Work` (remote metadata) -> one BibTeX entry written exactly as `references.bib` writes them.

Remote metadata is untrusted: Crossref titles carry JATS/HTML markup, arXiv titles carry TeX.
Every value goes through one path: markup stripped to plain Unicode text, then written by
`latexvalue` (escapes; for titles, brace protection); names by `people`, the key by `entrykey`.

Conventions (styles/maintaining.md): key `familyYEARword`; field order and layout as in the file;
`@inproceedings` / `@article` / `@misc` + `eprint` for arXiv-only papers; the DOI rule (the
publisher's DOI, `10.48550/arXiv.<id>` for arXiv-only papers, never a guessed one).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .. import ids
from ..record import ADDED_FIELD, CODE_FIELD
from ..text import month_macro, protected_spans, strip_markup, to_unicode
from .entrykey import make_key
from .latexvalue import escape_latex, latex_title, latex_title_from_spans
from .people import PersonName, format_names, person_of_work
from .records import Work

INDENT = "  "
# The order fields take in references.bib; anything else goes before `keywords`, alphabetically.
# `added` (the list's own bookkeeping, not the paper's metadata) comes last, after `keywords`.
FIELD_ORDER = (
    "title",
    "author",
    "editor",
    "booktitle",
    "journal",
    "volume",
    "number",
    "publisher",
    "address",
    "year",
    "month",
    "pages",
    "doi",
    "url",
    "eprint",
    "archiveprefix",
    "primaryclass",
    CODE_FIELD,
    "keywords",
    ADDED_FIELD,
)
# Values written bare (month macros); every other value is written in braces.
BARE_FIELDS = frozenset({"month"})

# ---------------------------------------------------------------------- entry


@dataclass(frozen=True)
class NewEntry:
    entry_type: str
    key: str
    fields: tuple[tuple[str, str], ...]

    def field(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)

    @property
    def text(self) -> str:
        lines = [f"@{self.entry_type}{{{self.key},"]
        for name, value in self.fields:
            written = value if name in BARE_FIELDS else "{" + value + "}"
            lines.append(f"{INDENT}{name} = {written},")
        lines.append("}")
        return "\n".join(lines) + "\n"


def ordered_fields(values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    before_keywords = rank["keywords"] - 0.5
    present = [(n, v) for n, v in values.items() if v]
    return tuple(sorted(present, key=lambda p: (rank.get(p[0], before_keywords), p[0])))


def format_pages(pages: str) -> str:
    """`1655-1664` / `1655–1664` -> `1655--1664`."""
    cleaned = strip_markup(pages).replace("\u2013", "-").replace("\u2014", "-")
    cleaned = re.sub(r"\s*-+\s*", "--", cleaned)
    return escape_latex(cleaned)


# A container named "Proceedings of the ... Conference/Symposium/Workshop ..." holds conference
# papers even when Crossref types them journal-article (AAAI's, IJCAI's, ICWSM's); the journals
# named "Proceedings of the ..." (PACM, PNAS, Proceedings of the IEEE / of the VLDB Endowment)
# name no meeting, and the two that could are excluded by name.
_CONFERENCE_PROCEEDINGS = re.compile(
    r"^Proceedings of the (?!ACM on\b|National Academy\b)"
    r".*\b(?:Conference|Symposium|Workshop|Meeting)s?\b",
    re.IGNORECASE,
)


def is_conference_proceedings(container: str) -> bool:
    """Whether a container title names a conference's proceedings (not a journal)."""
    return bool(_CONFERENCE_PROCEEDINGS.match(" ".join(strip_markup(container).split())))


def entry_type_for(work: Work) -> str:
    """@inproceedings, @article, or @misc for preprints, from the service's own type."""
    kind = work.type.casefold()
    if kind in ("proceedings-article", "inproceedings", "conference-paper", "conferencepaper"):
        return "inproceedings"
    if kind in ("journal-article", "article", "journalarticle") and is_conference_proceedings(work.container):
        return "inproceedings"
    if kind in ("journal-article", "article", "journalarticle") and work.container:
        return "article"
    if kind in ("book-chapter", "incollection") and work.container:
        return "incollection"
    if kind in ("book", "monograph", "edited-book"):
        return "book"
    if kind in ("proceedings-article",) or (work.source == "anthology" and work.container):
        return "inproceedings"
    return "misc"


def canonical_url(work: Work, doi: str | None, arxiv_id: str | None) -> str:
    """The landing page: the Anthology's page, the arXiv abstract, the publisher's, or the DOI's."""
    anthology_id = work.anthology_id or (ids.anthology_from_doi(doi) if doi else None)
    if anthology_id and ids.is_valid_anthology_id(anthology_id):
        return ids.anthology_url(anthology_id)
    if work.url and ids.is_web_url(work.url) and ids.classify_url(work.url) == "abs":
        return work.url.strip()
    if doi and not doi.lower().startswith("10.48550/"):
        return f"https://doi.org/{doi}"
    if arxiv_id:
        return ids.arxiv_url(arxiv_id)
    return f"https://doi.org/{doi}" if doi else ""


# Services whose titles are BibTeX values already, with brace protection worth keeping.
LATEX_TITLE_SOURCES = frozenset({"anthology", "bibtex"})


def work_title_plain(work: Work) -> str:
    """arXiv titles are TeX source; the others may carry JATS/HTML markup."""
    if work.source in LATEX_TITLE_SOURCES:
        return to_unicode(work.title)
    if work.source == "arxiv":
        return to_unicode(strip_markup(work.title) if "<" in work.title else work.title, loose=True)
    return strip_markup(work.title)


def entry_from_work(
    work: Work,
    *,
    categories: Sequence[str],
    taken_keys: Iterable[str] = (),
    key: str | None = None,
    title_latex: str | None = None,
    people: Sequence[PersonName] | None = None,
    extra_fields: dict[str, str] | None = None,
    added: datetime.date | None = None,
) -> NewEntry:
    """The entry for `work`, filed under `categories`, with `added = {YYYY-MM-DD}` when `added`
    (the day it joins the list, read from the clock by the command) is given.

    `title_latex` and `people` let an importer keep what a pasted entry already got right
    (its brace protection, its name parts); `extra_fields` adds values written as given.
    """
    entry_type = entry_type_for(work)
    plain_title = work_title_plain(work)
    authors = list(people) if people is not None else [person_of_work(work, n) for n in work.authors]
    arxiv_id = ids.parse_arxiv(work.arxiv_id) if work.arxiv_id else None
    doi = ids.parse_doi(work.doi) if work.doi else None  # as given, never derived from anything else
    if doi and ids.parse_arxiv(doi):
        doi = ids.arxiv_doi(ids.parse_arxiv(doi) or "")  # DataCite lower-cases it: 10.48550/arxiv.…
    if doi and ids.anthology_from_doi(doi):
        doi = ids.anthology_doi(ids.anthology_from_doi(doi) or "")  # Crossref's 10.18653/v1/p19-1534
    if doi is None and entry_type == "misc" and arxiv_id:
        doi = ids.arxiv_doi(arxiv_id)  # not a guess: arXiv registers this DOI for every paper
    if title_latex is None:
        title_latex = title_value(work)
    values: dict[str, str] = {
        "title": title_latex,
        "author": format_names(authors),
        "year": str(work.year) if work.year else "",
        "month": month_macro(work.month) or "",
        "doi": doi or "",
        "url": canonical_url(work, doi, arxiv_id),
    }
    values.update(venue_fields(work, entry_type))
    if arxiv_id:
        values["eprint"] = arxiv_id
        values["archiveprefix"] = "arXiv"
        primary = work.extra.get("primaryclass") or work.extra.get("primary_class") or ""
        values["primaryclass"] = escape_latex(primary)
    values.update(extra_fields or {})
    values["keywords"] = ", ".join(categories)
    if added is not None:
        values[ADDED_FIELD] = added.isoformat()
    first_family = authors[0].family if authors else ""
    key_title = plain_title or to_unicode(values["title"])
    entry_key = key or make_key(first_family, work.year, key_title, taken_keys)
    return NewEntry(entry_type=entry_type, key=entry_key, fields=ordered_fields(values))


def title_value(work: Work) -> str:
    """The work's title as the list writes it: escaped, acronyms brace-protected (a BibTeX
    source's own protection kept)."""
    if work.source in LATEX_TITLE_SOURCES:
        return latex_title_from_spans(protected_spans(work.title))
    return latex_title(work_title_plain(work))


def venue_fields(work: Work, entry_type: str) -> dict[str, str]:
    """publisher, address, pages and the venue (`booktitle`, or `journal` with volume and number)."""
    container = escape_latex(strip_markup(work.container))
    values = {
        "publisher": escape_latex(strip_markup(work.publisher)),
        "address": escape_latex(strip_markup(work.address)),
        "pages": format_pages(work.pages) if work.pages else "",
    }
    if entry_type in ("inproceedings", "incollection"):
        values["booktitle"] = container
    elif entry_type == "article":
        values["journal"] = container
        values["volume"] = escape_latex(strip_markup(work.volume))
        values["number"] = escape_latex(strip_markup(work.number))
    elif entry_type == "misc":
        # A preprint's "publisher" (arXiv, DataCite) is not a publisher: styles would print it twice.
        values["publisher"] = ""
        values["address"] = ""
    return values
