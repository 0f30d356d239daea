"""The state one validation run shares between checks: the file, its papers, and the findings.

Values are resolved once here, for every check. Most values are one `{...}` group, a number
or a macro: those take a fast path; anything else goes through `bibfile.resolve_value`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from .. import bibscan
from ..bibfile import BibFile, Block, resolve_value
from ..bibscan import FieldSpan
from ..model import Paper
from ..taxonomy import Taxonomy
from .diagnostics import CHECKS, Diagnostic

# One brace group (up to bibscan's nesting depth) or one quoted string: no `#` to evaluate.
ONE_GROUP = re.compile(f"(?:{bibscan._BRACED})|(?:{bibscan._QUOTED})")


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


def _lower(name: str) -> str:
    lowered = _LOWER[name] = name.lower()
    return lowered


class EntryView(NamedTuple):
    """An entry with its fields by lower-case name (the first of duplicates, as BibTeX keeps)."""

    block: Block
    paper: Paper
    spans: dict[str, FieldSpan]


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
        return [self._view(entry) for entry in self.bib.entries]

    def _view(self, entry: Block) -> EntryView:
        spans: dict[str, FieldSpan] = {}
        values: dict[str, str] = {}
        for f in entry.fields:
            name = _LOWER.get(f.name) or _lower(f.name)
            if name not in spans:
                spans[name] = f
                if name in READ_FIELDS:
                    values[name] = resolve_fast(f.raw_value, self.macros)
        paper = Paper(
            key=entry.key or "",
            entry_type=entry.entry_type or "",
            fields=values,
            line=0,  # not read by any check; findings are located through `report`
            raw=entry.raw,
        )
        return EntryView(entry, paper, spans)

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


def resolve_fast(raw: str, macros: dict[str, str]) -> str:
    """`resolve_value(raw, macros).text`, without its character loop for the common shapes."""
    if raw[:1] in ("{", '"') and ONE_GROUP.fullmatch(raw):
        return raw[1:-1]
    if raw.isdigit():
        return raw
    macro = macros.get(raw.lower())
    if macro is not None:
        return macro
    return resolve_value(raw, macros).text
