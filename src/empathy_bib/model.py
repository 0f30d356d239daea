"""The typed view of an entry that every later stage shares: `Paper`.

Values are read from the lossless `BibFile` (macros expanded), names are split on the raw
LaTeX by pybtex before any decoding (so `{van der} Berg` stays one family name), and text is
decoded to Unicode through `latex.to_unicode`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

from . import ids
from .bib import BibFile, Block, resolve_value
from .latex import Span, protected_spans, to_unicode

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
        parts = split_name(stripped)
        given = " ".join(parts.first)
        family = " ".join(parts.von + parts.last)
        suffix = " ".join(parts.jr)
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


@dataclass(frozen=True)
class NameParts:
    """One name split as BibTeX (and pybtex) splits it, on the raw LaTeX, words not yet decoded."""

    first: tuple[str, ...]  # first and middle names
    von: tuple[str, ...]  # "van der"
    last: tuple[str, ...]
    jr: tuple[str, ...]  # "III", "Jr."


# Characters that make pybtex's scanner do more than split on blanks and commas.
_NAME_SPECIAL = re.compile(r"[{}\\~]")


@lru_cache(maxsize=65536)
def split_name(raw: str) -> NameParts:
    """pybtex's split of one name; `Family, Given` and `Family, Jr, Given` without braces,
    backslashes or ties take an exact fast path (pybtex's parser is the costly step of a Paper)."""
    stripped = raw.strip()
    fast = _split_comma_name(stripped)
    if fast is not None:
        return fast
    from pybtex.database import Person  # imported on first use: validate and most names never need it

    person = Person(stripped)
    return NameParts(
        first=tuple(person.first_names + person.middle_names),
        von=tuple(person.prelast_names),
        last=tuple(person.last_names),
        jr=tuple(person.lineage_names),
    )


def _split_comma_name(name: str) -> NameParts | None:
    """pybtex's rules for the comma forms, restricted to text its scanner sees char by char."""
    if _NAME_SPECIAL.search(name):
        return None
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2:
        family, jr, given = parts[0], "", parts[1]
    elif len(parts) == 3:
        family, jr, given = parts
    else:
        return None
    words = family.split()
    # The last word is always a last name; before it, the von part runs up to the last von word.
    split_at = 0
    for i in range(len(words) - 2, -1, -1):
        if _is_von_word(words[i]):
            split_at = i + 1
            break
    return NameParts(
        tuple(given.split()), tuple(words[:split_at]), tuple(words[split_at:]), tuple(jr.split())
    )


def _is_von_word(word: str) -> bool:
    """pybtex's `is_von_name` for a word without braces or backslashes: its first letter is lower-case."""
    if word[0].isupper():
        return False
    if word[0].islower():
        return True
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return False


_AND = re.compile(" [Aa][Nn][Dd] ")
_BRACE = re.compile("[{}]")


def parse_names(value: str | None) -> tuple[Author, ...]:
    if not value or not value.strip():
        return ()
    # pybtex splits on " and " only between single spaces; the Anthology writes "and\n      ".
    flat = " ".join(value.split())
    return tuple(_parse_author(name) for name in split_name_list_fast(flat) if name.strip())


def split_name_list_fast(text: str) -> list[str]:
    """pybtex's `split_name_list` (" and " outside brace groups, then strip), without its scanner.

    The brace groups are masked, so the separator can only match at depth 0; a group ends where
    pybtex's `_find_closing_brace` ends it (at its closing brace, or after the last brace when it
    is never closed, or at the end when no brace follows).
    """
    if not _AND.search(text):  # one name: masking could only remove separators
        return [text.strip()]
    masked = text
    if "{" in text:
        pieces = []
        last = 0
        for start, end in _brace_groups(text):
            pieces.append(text[last:start])
            pieces.append("\0" * (end - start))
            last = end
        pieces.append(text[last:])
        masked = "".join(pieces)
    names = []
    last = 0
    for m in _AND.finditer(masked):
        names.append(text[last : m.start()].strip())
        last = m.end()
    names.append(text[last:].strip())
    return names


def _brace_groups(text: str) -> Iterator[tuple[int, int]]:
    braces = [(m.start(), m.group()) for m in _BRACE.finditer(text)]
    i = 0
    while i < len(braces):
        start, brace = braces[i]
        i += 1
        if brace == "}":  # a stray closing brace at depth 0 is text
            continue
        if i == len(braces):  # nothing closes it: the group runs to the end
            yield start, len(text)
            return
        level = 1
        while i < len(braces) and level >= 1:
            level += 1 if braces[i][1] == "{" else -1
            i += 1
        yield start, braces[i - 1][0] + 1


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
        # Keys are lower-case and so are the names the code asks for: lower() only when missed.
        value = self.fields.get(name)
        if value is None:
            value = self.fields.get(name.lower())
        return value if value is None or value.strip() else None

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
        fields = self.fields  # read directly: this runs for every paper of every render
        for name in ("journal", "journaltitle", "booktitle", "howpublished", "school", "institution"):
            raw = fields.get(name)
            if raw is not None and raw.strip():
                value = to_unicode(raw)
                if value:
                    return value
        if self.arxiv_id:
            return "arXiv"
        return self.text("publisher")

    @property
    def is_preprint(self) -> bool:
        return self.entry_type in ("misc", "online", "unpublished", "preprint") and bool(self.arxiv_id)

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

    # ------------------------------------------------------------------ identifiers
    @_once
    def doi(self) -> str | None:
        value = self.get("doi")
        if value is None:
            return None
        doi = ids.strip_doi(value)
        return doi if ids.is_valid_doi(doi) else None

    @_once
    def arxiv_id(self) -> str | None:
        prefix = (self.get("archiveprefix") or self.get("eprinttype") or "").strip().lower()
        eprint = self.get("eprint")
        if eprint and prefix in ("", "arxiv"):
            parsed = ids.parse_arxiv(eprint)
            if parsed:
                return parsed
        url = self.get("url")
        return ids.arxiv_from_url(url) if url else None

    @_once
    def anthology_id(self) -> str | None:
        url = self.get("url")
        return ids.anthology_from_url(url) if url else None

    @_once
    def categories(self) -> tuple[str, ...]:
        value = self.get("keywords") or ""
        return tuple(k.strip() for k in value.split(",") if k.strip())

    # ------------------------------------------------------------------ links
    @_once
    def links(self) -> Links:
        url = self.get("url")
        landing = url if url and _is_web_url(url) else None
        pdf = None
        if self.anthology_id:
            pdf = f"https://aclanthology.org/{self.anthology_id}.pdf"
        elif self.arxiv_id:
            pdf = f"https://arxiv.org/pdf/{self.arxiv_id}"
        if landing and _is_pdf_url(landing):
            pdf, landing = landing, None
        code = self.get(CODE_FIELD)
        arxiv = f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None
        if landing and arxiv and ids.arxiv_from_url(landing):
            arxiv = None
        return Links(
            landing=landing,
            pdf=pdf,
            code=code if code and _is_web_url(code) else None,
            doi=f"https://doi.org/{self.doi}" if self.doi else None,
            arxiv=arxiv,
        )


# A URL this matches is one `ids.is_web_url` accepts (http(s), a host, no blank), checked without
# urlsplit; anything else is left to `ids.is_web_url`.
_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][!-~]*)?")


_DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/")


def _is_pdf_url(url: str) -> bool:
    """`ids.classify_url(url) == "pdf"`, without the identifier parsing its later branches do."""
    lowered = url.lower().split("?")[0].split("#")[0]
    return not _DOI_URL.match(lowered) and (lowered.endswith(".pdf") or "/pdf/" in lowered)


def _is_web_url(url: str) -> bool:
    return bool(_PLAIN_WEB_URL.fullmatch(url)) or ids.is_web_url(url)


def paper_from_entry(bib: BibFile, entry: Block, macros: dict[str, str] | None = None) -> Paper:
    macros = bib.macros if macros is None else macros
    values: dict[str, str] = {}
    for f in entry.fields:
        key = f.name.lower()
        if key in values:  # BibTeX keeps the first of duplicated fields
            continue
        raw = f.raw_value
        if len(raw) >= 2 and raw[0] == "{" and raw[-1] == "}" and "#" not in raw:  # most values
            values[key] = raw[1:-1]
        else:
            values[key] = _field_value(raw, macros)
    return Paper(
        key=entry.key or "",
        entry_type=entry.entry_type or "",
        fields=values,
        line=bib.line_of(entry.start),
        raw=entry.raw,
    )


def _field_value(raw: str, macros: dict[str, str]) -> str:
    """`BibFile.value` of a field's raw value; a braced value without `#` is most of them."""
    if len(raw) >= 2 and raw[0] == "{" and raw[-1] == "}" and "#" not in raw:
        return raw[1:-1]
    return resolve_value(raw, macros).text


def iter_papers(bib: BibFile) -> Iterator[Paper]:
    """Every entry of the file as a `Paper`, in file order."""
    macros = bib.macros
    for entry in bib.entries:
        yield paper_from_entry(bib, entry, macros)
