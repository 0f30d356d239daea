"""The state one validation run shares between checks: the file, its papers, and the findings.

The checks read the file's `record.Paper`s (built once per load, shared with render): their
values, located fields (`Paper.spans`), raw values that are not plain (`Paper.irregular`, the
only ones the syntax checks re-read) and identifiers, each parsed once for every check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from .. import record
from ..bib import BibFile
from ..record import Paper
from ..taxonomy import Taxonomy
from .codes import CHECKS
from .diagnostics import Diagnostic


@dataclass
class Context:
    bib: BibFile
    taxonomy: Taxonomy | None
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Today's date as the command read it (checks never read the clock); None skips the checks
    # that need it (an `added` date in the future, E314).
    today: datetime.date | None = None

    @cached_property
    def macros(self) -> dict[str, str]:
        return self.bib.macros

    @cached_property
    def papers(self) -> tuple[Paper, ...]:
        """One paper per entry, in file order."""
        return record.papers_of(self.bib)

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
