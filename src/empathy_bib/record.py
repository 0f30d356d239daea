"""Stage 2, the record: `Paper`, the one per-entry object every later stage shares.

`papers(bib)` builds them once per load, from the bib layer's entry blocks, in one pass over
each entry's fields: the values (macros expanded, LaTeX kept), the located fields (`spans`,
for findings that point at a value), which raw values are not plain (the syntax checks re-read
only those) and the entry's line. validate, fetch-dois, add, cite and render read the same
papers: names (`names.Author`, split by pybtex's rules before decoding) and identifiers
(`doi`, `arxiv_id`, `anthology_id`, through `ids`) are parsed once, on first use.
"""

from __future__ import annotations

import datetime
import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar, overload

from . import ids
from .bib import BibFile, Block, FieldSpan, plain_value, resolve_value
from .names import Author, parse_names
from .text import MONTHS, Span, protected_spans, to_unicode

__all__ = ["ADDED_FIELD", "CODE_FIELD", "MONTHS", "Author", "Identifiers", "Links", "Paper", "papers_of"]

_T = TypeVar("_T")


class _once(Generic[_T]):  # lower case: used as a decorator, like the one it replaces
    """`functools.cached_property` without its lock.

    Python 3.11's takes a class-wide lock at every first access (3.12 dropped it): a tenth of
    the time spent building 10,000 papers' properties. Computing a property twice in a race
    would be harmless: they are pure functions of the entry.
    """

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _once[_T]: ...
    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...
    def __get__(self, instance: object, owner: type | None = None) -> _T | _once[_T]:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value  # found before this descriptor from now on
        return value


CODE_FIELD = "code"  # not in BibTeX's or biblatex's data model, so both ignore it
# The date the paper joined the list, `YYYY-MM-DD`: written by `add`, read by the README's
# "Recently added" and the feed. Not in BibTeX's or biblatex's data model either.
ADDED_FIELD = "added"
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")  # ASCII digits only


def parse_added(value: str | None) -> datetime.date | None:
    """An `added` value as a date: exactly `YYYY-MM-DD` (blanks around it allowed) naming a real
    day; None otherwise (absent, another form, or an impossible date such as 2025-02-30)."""
    if value is None:
        return None
    match = _ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class Links:
    landing: str | None  # the canonical landing page (`url`)
    pdf: str | None
    code: str | None
    doi: str | None  # https://doi.org/...
    arxiv: str | None  # the arXiv abstract page, when the landing page is elsewhere


class Identifiers(NamedTuple):
    """The paper identifiers an entry's `doi`, `eprint` and `url` name, parsed once (`Paper.identifiers`)."""

    doi: str | None  # the bare DOI of `doi` (prefixes and escapes removed, case kept), when it is one
    eprint_prefix: str  # `archiveprefix` (or `eprinttype`), lower-cased; "" when absent
    eprint_arxiv_id: str | None  # the arXiv id (no version) of `eprint`, when the prefix allows one
    url_arxiv_id: str | None  # the arXiv id an arxiv.org `url` names
    anthology_id: str | None  # the ACL Anthology id an aclanthology.org `url` names, as written

    @property
    def arxiv_id(self) -> str | None:
        """The `eprint`'s arXiv id, else the one in `url`."""
        return self.eprint_arxiv_id or self.url_arxiv_id


# Long free text no stage reads: resolved on first `get`, not for every entry of every load
# (a real file's abstracts would otherwise be held twice).
_DEFERRED = frozenset({"abstract", "annote", "annotation", "file"})
_ARXIV_PREFIXES = ("", "arxiv")


@dataclass(eq=False)
class Paper:
    """One entry, built by `papers` and never changed afterwards (derived values are cached)."""

    key: str
    entry_type: str  # lower-cased
    block: Block = field(repr=False)
    # lower-cased field name -> BibTeX value (macros expanded, LaTeX kept), the first of
    # duplicated fields (as BibTeX keeps), values with some non-blank text only
    fields: dict[str, str] = field(repr=False)
    spans: dict[str, FieldSpan] = field(repr=False)  # lower-cased name -> the first such field
    irregular: tuple[FieldSpan, ...] = field(repr=False)  # raw values that are not `plain_value`s
    line: int = 0
    macros: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def raw(self) -> str:
        """The entry as written in the file."""
        return self.block.raw

    # ------------------------------------------------------------------ text
    def get(self, name: str) -> str | None:
        """A field's BibTeX value, or None when it is absent or blank."""
        value = self.fields.get(name)
        if value is None:
            name = name.lower()
            value = self.fields.get(name)
            if value is None and name in _DEFERRED and name in self.spans:
                resolved = resolve_value(self.spans[name].raw_value, self.macros).text
                value = resolved if resolved and not resolved.isspace() else None
        return value

    def text(self, name: str) -> str | None:
        """A field as plain Unicode text."""
        value = self.get(name)
        return to_unicode(value) if value is not None else None

    @_once
    def title(self) -> str:
        return self.text("title") or ""

    @_once
    def title_spans(self) -> list[Span]:
        """The title in pieces; brace-protected pieces keep their capitals in any style."""
        return protected_spans(self.get("title") or "")

    @_once
    def authors(self) -> tuple[Author, ...]:
        return parse_names(self.get("author"))

    @_once
    def editors(self) -> tuple[Author, ...]:
        return parse_names(self.get("editor"))

    @_once
    def venue(self) -> str | None:
        """Where it appeared: the journal or proceedings, else the publisher or archive."""
        fields = self.fields
        for name in ("journal", "journaltitle", "booktitle", "howpublished", "school", "institution"):
            raw = fields.get(name)
            if raw is not None:
                value = to_unicode(raw)
                if value:
                    return value
        if self.arxiv_id:
            return "arXiv"
        return self.text("publisher")

    @property
    def is_preprint(self) -> bool:
        return self.entry_type in ("misc", "online", "unpublished", "preprint") and bool(self.arxiv_id)

    @_once
    def categories(self) -> tuple[str, ...]:
        """The comma-separated category slugs of `keywords`."""
        value = self.get("keywords")
        if value is None:
            return ()
        if "," not in value:  # the usual entry: one category
            return (value.strip(),)
        return tuple(k.strip() for k in value.split(",") if k.strip())

    # ------------------------------------------------------------------ dates
    @_once
    def year(self) -> int | None:
        value = self.get("year") or (self.get("date") or "")[:4]
        value = (value or "").strip()
        return int(value) if value.isdigit() else None

    @_once
    def month(self) -> int | None:
        value = (self.get("month") or "").strip().lower()
        if value.isdigit() and 1 <= int(value) <= 12:
            return int(value)
        if value[:3] in MONTHS:
            return MONTHS.index(value[:3]) + 1
        return None

    @_once
    def added(self) -> datetime.date | None:
        """When the paper joined the list (`added`), or None when absent or not a valid date
        (validate's E313 says which)."""
        return parse_added(self.fields.get(ADDED_FIELD))

    # ------------------------------------------------------------------ identifiers
    @_once
    def identifiers(self) -> Identifiers:
        """The identifiers `doi`, `eprint` and `url` name; every stage reads them here, in one place."""
        fields = self.fields
        doi = fields.get("doi")
        bare_doi = ids.parse_doi(doi) if doi is not None else None
        prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
        eprint = fields.get("eprint")
        eprint_arxiv = ids.parse_arxiv(eprint) if eprint and prefix in _ARXIV_PREFIXES else None
        url = fields.get("url")
        if url is None:
            return Identifiers(bare_doi, prefix, eprint_arxiv, None, None)
        return Identifiers(
            bare_doi, prefix, eprint_arxiv, ids.arxiv_from_url(url), ids.anthology_from_url(url)
        )

    @property
    def doi(self) -> str | None:
        """The bare DOI of `doi` (prefixes and escapes removed, case kept), when it is one."""
        return self.identifiers.doi

    @property
    def arxiv_id(self) -> str | None:
        """The `eprint`'s arXiv id (no version), else the one in `url`."""
        return self.identifiers.arxiv_id

    @property
    def anthology_id(self) -> str | None:
        """The ACL Anthology id an aclanthology.org `url` names, as written."""
        return self.identifiers.anthology_id

    # ------------------------------------------------------------------ links
    @_once
    def links(self) -> Links:
        url = self.get("url")
        landing = url if url and ids.is_web_url(url) else None
        pdf = None
        if self.anthology_id:
            pdf = f"https://aclanthology.org/{self.anthology_id}.pdf"
        elif self.arxiv_id:
            pdf = f"https://arxiv.org/pdf/{self.arxiv_id}"
        if landing and ids.is_pdf_url(landing):
            pdf, landing = landing, None
        code = self.get(CODE_FIELD)
        arxiv = ids.arxiv_url(self.arxiv_id) if self.arxiv_id else None
        if landing and arxiv and self.identifiers.url_arxiv_id:  # `url` is the arXiv page itself
            arxiv = None
        return Links(
            landing=landing,
            pdf=pdf,
            code=code if code and ids.is_web_url(code) else None,
            doi=f"https://doi.org/{self.doi}" if self.doi else None,
            arxiv=arxiv,
        )


# ---------------------------------------------------------------------- building

# One brace group (up to the scanner's nesting depth) or one quoted string: no `#` to evaluate.
# Field names lower-cased once per spelling, not once per field.
_LOWER: dict[str, str] = {}
# The last papers built for each live file, and the blocks they were built from (a file that is
# edited re-splits into new blocks, which makes its papers stale).
_BUILT: dict[int, tuple[list[Block], tuple[Paper, ...]]] = {}


def papers_of(bib: BibFile) -> tuple[Paper, ...]:
    """Every entry of the file as a `Paper`, in file order: built once per load of the file.

    validate and render on one loaded file share these papers (and what they cache).
    """
    key = id(bib)
    built = _BUILT.get(key)
    if built is not None and built[0] is bib.blocks:
        return built[1]
    if built is None:
        weakref.finalize(bib, _BUILT.pop, key, None)  # forgotten with the file
    blocks = bib.blocks
    made = tuple(_papers(bib))
    _BUILT[key] = (blocks, made)
    return made


def _papers(bib: BibFile) -> list[Paper]:
    macros = bib.macros
    text = bib.text
    line, counted = 1, 0
    made = []
    for entry in bib.entries:
        line += text.count("\n", counted, entry.start)  # lines counted once, in one pass
        counted = entry.start
        made.append(_paper(entry, macros, line))
    return made


def _paper(entry: Block, macros: dict[str, str], line: int) -> Paper:
    # The hottest loop of a load (one turn per field of the file): kept flat on purpose.
    spans: dict[str, FieldSpan] = {}
    values: dict[str, str] = {}
    irregular: list[FieldSpan] = []
    for f in entry.fields:
        raw = f.raw_value
        name = _LOWER.get(f.name)
        if name is None:
            name = _LOWER[f.name] = f.name.lower()
        if name in spans or name in _DEFERRED:  # a duplicate or an abstract needs no value here
            spans.setdefault(name, f)
            if plain_value(raw, macros) is None:
                irregular.append(f)
            continue
        spans[name] = f
        value = plain_value(raw, macros)
        if value is None:
            irregular.append(f)
            value = resolve_value(raw, macros).text
        if value and not value.isspace():
            values[name] = value
    return Paper(
        entry.key or "", entry.entry_type or "", entry, values, spans, tuple(irregular), line, macros
    )
