"""The typed view of an entry that every later stage shares: `Paper`.

Values are read from the lossless `BibFile` (macros expanded), names are split on the raw
LaTeX by pybtex before any decoding (so `{van der} Berg` stays one family name), and text is
decoded to Unicode through `latex.to_unicode`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from . import ids
from .bibfile import BibFile, Block
from .latex import Span, protected_spans, to_unicode

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
CODE_FIELD = "code"  # not in BibTeX's or biblatex's data model, so both ignore it


@dataclass(frozen=True)
class Author:
    """One name, parsed by pybtex from the raw LaTeX, decoded part by part."""

    raw: str
    given: str
    family: str  # von part included: "van der Berg"
    suffix: str  # "III", "Jr."
    literal: bool  # a corporate name in braces: "{OpenAI}"

    @classmethod
    def parse(cls, raw: str) -> Author:
        stripped = raw.strip()
        if stripped.startswith("{") and stripped.endswith("}") and _single_group(stripped):
            return cls(raw=raw, given="", family=to_unicode(stripped), suffix="", literal=True)
        person = Person(stripped)
        given = " ".join(person.first_names + person.middle_names)
        family = " ".join(person.prelast_names + person.last_names)
        suffix = " ".join(person.lineage_names)
        return cls(
            raw=raw,
            given=to_unicode(given),
            family=to_unicode(family),
            suffix=to_unicode(suffix),
            literal=False,
        )

    @property
    def display(self) -> str:
        """`Given Family Suffix`, as lists print names."""
        return " ".join(p for p in (self.given, self.family, self.suffix) if p)


def _single_group(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return True


def parse_names(value: str | None) -> tuple[Author, ...]:
    if not value or not value.strip():
        return ()
    # pybtex splits on " and " only between single spaces; the Anthology writes "and\n      ".
    flat = " ".join(value.split())
    return tuple(_parse_author(name) for name in split_name_list(flat) if name.strip())


@lru_cache(maxsize=65536)
def _parse_author(raw: str) -> Author:
    # Lists repeat their authors, and pybtex's name parser is the costly step of building a Paper.
    return Author.parse(raw)


@dataclass(frozen=True)
class Links:
    landing: str | None  # the canonical landing page (`url`)
    pdf: str | None
    code: str | None
    doi: str | None  # https://doi.org/...
    arxiv: str | None  # the arXiv abstract page, when the landing page is elsewhere


@dataclass(frozen=True)
class Paper:
    key: str
    entry_type: str
    fields: dict[str, str]  # lower-cased field name -> BibTeX value (macros expanded, LaTeX kept)
    line: int = 0
    raw: str = field(default="", repr=False)

    # ------------------------------------------------------------------ text
    def get(self, name: str) -> str | None:
        value = self.fields.get(name.lower())
        return value if value is None or value.strip() else None

    def text(self, name: str) -> str | None:
        """A field as plain Unicode text."""
        value = self.get(name)
        return to_unicode(value) if value is not None else None

    @cached_property
    def title(self) -> str:
        return self.text("title") or ""

    @cached_property
    def title_spans(self) -> list[Span]:
        """The title in pieces; brace-protected pieces keep their capitals in any style."""
        return protected_spans(self.get("title") or "")

    @cached_property
    def authors(self) -> tuple[Author, ...]:
        return parse_names(self.get("author"))

    @cached_property
    def editors(self) -> tuple[Author, ...]:
        return parse_names(self.get("editor"))

    @property
    def venue(self) -> str | None:
        """Where it appeared: the journal or proceedings, else the publisher or archive."""
        for name in ("journal", "journaltitle", "booktitle", "howpublished", "school", "institution"):
            value = self.text(name)
            if value:
                return value
        if self.arxiv_id:
            return "arXiv"
        return self.text("publisher")

    @property
    def is_preprint(self) -> bool:
        return self.entry_type in ("misc", "online", "unpublished", "preprint") and bool(self.arxiv_id)

    # ------------------------------------------------------------------ dates
    @cached_property
    def year(self) -> int | None:
        value = self.get("year") or (self.get("date") or "")[:4]
        value = (value or "").strip()
        return int(value) if value.isdigit() else None

    @cached_property
    def month(self) -> int | None:
        value = (self.get("month") or "").strip().lower()
        if value.isdigit() and 1 <= int(value) <= 12:
            return int(value)
        if value[:3] in MONTHS:
            return MONTHS.index(value[:3]) + 1
        return None

    # ------------------------------------------------------------------ identifiers
    @cached_property
    def doi(self) -> str | None:
        value = self.get("doi")
        if value is None:
            return None
        doi = ids.strip_doi(value)
        return doi if ids.is_valid_doi(doi) else None

    @cached_property
    def arxiv_id(self) -> str | None:
        prefix = (self.get("archiveprefix") or self.get("eprinttype") or "").strip().lower()
        eprint = self.get("eprint")
        if eprint and prefix in ("", "arxiv"):
            parsed = ids.parse_arxiv(eprint)
            if parsed:
                return parsed
        url = self.get("url")
        return ids.arxiv_from_url(url) if url else None

    @cached_property
    def anthology_id(self) -> str | None:
        url = self.get("url")
        return ids.anthology_from_url(url) if url else None

    @property
    def categories(self) -> tuple[str, ...]:
        value = self.get("keywords") or ""
        return tuple(k.strip() for k in value.split(",") if k.strip())

    # ------------------------------------------------------------------ links
    @cached_property
    def links(self) -> Links:
        url = self.get("url")
        landing = url if url and ids.is_web_url(url) else None
        pdf = None
        if self.anthology_id:
            pdf = f"https://aclanthology.org/{self.anthology_id}.pdf"
        elif self.arxiv_id:
            pdf = f"https://arxiv.org/pdf/{self.arxiv_id}"
        if landing and ids.classify_url(landing) == "pdf":
            pdf, landing = landing, None
        code = self.get(CODE_FIELD)
        arxiv = f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None
        if landing and arxiv and ids.arxiv_from_url(landing):
            arxiv = None
        return Links(
            landing=landing,
            pdf=pdf,
            code=code if code and ids.is_web_url(code) else None,
            doi=f"https://doi.org/{self.doi}" if self.doi else None,
            arxiv=arxiv,
        )


def paper_from_entry(bib: BibFile, entry: Block, macros: dict[str, str] | None = None) -> Paper:
    macros = bib.macros if macros is None else macros
    values: dict[str, str] = {}
    for f in entry.fields:
        if f.key not in values:  # BibTeX keeps the first of duplicated fields
            values[f.key] = bib.value(entry, f.name, macros) or ""
    return Paper(
        key=entry.key or "",
        entry_type=entry.entry_type or "",
        fields=values,
        line=bib.line_of(entry.start),
        raw=entry.raw,
    )


def iter_papers(bib: BibFile) -> Iterator[Paper]:
    """Every entry of the file as a `Paper`, in file order."""
    macros = bib.macros
    for entry in bib.entries:
        yield paper_from_entry(bib, entry, macros)
