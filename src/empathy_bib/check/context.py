"""The state one validation run shares between checks: the file, its entries, and the findings.

Everything several checks need about an entry is computed once here, in one pass over its
fields: the resolved values (most are one `{...}` group, a number or a macro, which take a
fast path; anything else goes through `bib.resolve_value`), which raw values are not
plain (the syntax checks re-read only those), and the identifiers it names (`Identifiers`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .. import ids
from ..bib import BibFile, Block, FieldSpan, resolve_value, scan
from ..model import Paper
from ..taxonomy import Taxonomy
from .diagnostics import CHECKS, Diagnostic

# One brace group (up to the scanner's nesting depth) or one quoted string: no `#` to evaluate.
ONE_GROUP = re.compile(f"(?:{scan._BRACED})|(?:{scan._QUOTED})")


# The fields whose values some check reads. Only these are resolved: a real file's abstracts
# and notes would otherwise double its size in memory for nothing.
READ_FIELDS = frozenset(
    {
        *("title", "author", "editor", "year", "date", "month", "journal", "journaltitle", "booktitle"),
        *("publisher", "school", "institution", "chapter", "pages", "doi", "eprint", "archiveprefix"),
        *("eprinttype", "url", "code", "pdf", "keywords"),
    }
)
# Field names lower-cased once per spelling, not once per field.
_LOWER: dict[str, str] = {}
_ARXIV_PREFIXES = ("", "arxiv")
_ARXIV_ABS = "https://arxiv.org/abs/"


class Identifiers(NamedTuple):
    """The paper identifiers an entry's fields name, each parsed once for every check."""

    eprint_prefix: str  # `archiveprefix` (or `eprinttype`), lower-cased; "" when absent
    eprint_arxiv: str | None  # `eprint`'s arXiv id (no version) when the prefix allows an arXiv id
    url: str  # `url`, stripped; "" when absent
    url_arxiv: str | None  # the arXiv id an arxiv.org `url` names (`ids.arxiv_from_url`)
    url_anthology: str | None  # the Anthology id an aclanthology.org `url` names, as written

    @property
    def arxiv_id(self) -> str | None:
        """`Paper.arxiv_id`: the `eprint`'s arXiv id, else the one in `url`."""
        return self.eprint_arxiv or self.url_arxiv


class EntryView(NamedTuple):
    """An entry with its fields by lower-case name (the first of duplicates, as BibTeX keeps)."""

    block: Block
    # Its `fields` hold only values with some non-blank text, so `values.get(name)` (the same
    # dict) is `paper.get(name)` for a lower-case name, without a method call and a strip.
    paper: Paper
    values: dict[str, str]
    spans: dict[str, FieldSpan]
    odd: tuple[FieldSpan, ...]  # fields whose raw value is not one group, a number or a defined macro
    ids: Identifiers


@dataclass
class Context:
    bib: BibFile
    taxonomy: Taxonomy | None
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @cached_property
    def macros(self) -> dict[str, str]:
        return self.bib.macros

    @cached_property
    def views(self) -> list[EntryView]:
        """One view per entry, in file order."""
        macros = self.macros
        return [_view(entry, macros) for entry in self.bib.entries]

    def report(self, code: str, offset: int, message: str, key: str | None = None) -> None:
        """Record a finding of check `code` at character `offset` of the file."""
        check = CHECKS[code]
        line, column = self.bib.line_col(offset)
        self.diagnostics.append(
            Diagnostic(self.path, line, column, check.severity, code, message, key, check.fix_hint)
        )

    def where(self, offset: int) -> str:
        """`line N`, for messages that point at a second place in the file."""
        return f"line {self.bib.line_of(offset)}"


def _view(entry: Block, macros: dict[str, str]) -> EntryView:
    # The hottest loop of validate (one turn per field of the file): kept flat on purpose.
    spans: dict[str, FieldSpan] = {}
    values: dict[str, str] = {}
    odd: list[FieldSpan] = []
    for f in entry.fields:
        raw = f.raw_value
        name = _LOWER.get(f.name)
        if name is None:
            name = _LOWER[f.name] = f.name.lower()
        if name not in spans and name in READ_FIELDS:
            spans[name] = f
            value = plain_value(raw, macros)
            if value is None:
                odd.append(f)
                value = resolve_value(raw, macros).text
            if value and not value.isspace():
                values[name] = value
            continue
        spans.setdefault(name, f)
        if not is_plain(raw, macros):  # an abstract needs no value, only this test
            odd.append(f)
    paper = Paper(key=entry.key or "", entry_type=entry.entry_type or "", fields=values, raw=entry.raw)
    return EntryView(entry, paper, values, spans, tuple(odd), identifiers(values))


def plain_value(raw: str, macros: dict[str, str]) -> str | None:
    """The value of a raw value of the common shapes (one group, a number, a defined macro), else None.

    None means the value needs `resolve_value` and the syntax checks' closer look.
    """
    if raw[:1] in ("{", '"') and ONE_GROUP.fullmatch(raw):
        return raw[1:-1]
    if raw.isdigit():
        return raw
    return macros.get(raw.lower())


def is_plain(raw: str, macros: dict[str, str]) -> bool:
    """`plain_value(raw, macros) is not None`, without slicing out the value."""
    return bool(ONE_GROUP.fullmatch(raw)) or raw.isdigit() or raw.lower() in macros


def resolve_fast(raw: str, macros: dict[str, str]) -> str:
    """`resolve_value(raw, macros).text`, without its character loop for the common shapes."""
    value = plain_value(raw, macros)
    return value if value is not None else resolve_value(raw, macros).text


# ---------------------------------------------------------------------- identifiers


def identifiers(values: dict[str, str]) -> Identifiers:
    """What `Paper.arxiv_id` and `Paper.anthology_id` compute, plus the pieces identity needs."""
    prefix = (values.get("archiveprefix") or values.get("eprinttype") or "").strip().lower()
    eprint = values.get("eprint")
    eprint_arxiv = parse_arxiv(eprint) if eprint and prefix in _ARXIV_PREFIXES else None
    url = (values.get("url") or "").strip()
    url_arxiv = url_anthology = None
    if url:
        # Cheap host tests first: each `ids` parser below matches only URLs of its host.
        host = url[:40].lower()
        if "arxiv.org" in host:
            url_arxiv = arxiv_from_url(url)
        if "aclanthology.org" in host or "aclweb.org" in host:
            url_anthology = ids.anthology_from_url(url)
    return Identifiers(prefix, eprint_arxiv, url, url_arxiv, url_anthology)


def arxiv_from_url(url: str) -> str | None:
    """`ids.arxiv_from_url` of a stripped URL; the usual `https://arxiv.org/abs/<id>` needs one test."""
    if url.startswith(_ARXIV_ABS):
        arxiv = url[len(_ARXIV_ABS) :]
        # A bare id without a version is what `ids.parse_arxiv` would return for it.
        if "v" not in arxiv and ids.is_valid_arxiv_id(arxiv):
            return arxiv
    return ids.arxiv_from_url(url)


def parse_arxiv(value: str) -> str | None:
    """`ids.parse_arxiv`, skipping its URL and DOI forms for the common bare id."""
    bare = value.strip()
    if ids.is_valid_arxiv_id(bare):
        # Only a version suffix (`v2`) has a `v` in a new-style id: nothing to strip without one.
        return bare if "v" not in bare else ids.strip_arxiv_version(bare)
    return ids.parse_arxiv(value)
