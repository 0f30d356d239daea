"""`empathy-bib verify`: every fact of the list checked against the registries.

gather.py            per entry, the registry records its identifiers reach (`gather`, `Feed`)
compare.py           the records against the entry's fields -> `Finding`s (pure)
venue.py             venue and track comparison
published_version.py the published-version warning, through `enrich.published`
run.py               the entries in parallel through the one HTTP layer; `diagnostics`
fix.py               `--fix`: the registries' values as surgical edits
select.py            `--keys` and `--changed-since`: which entries to check
report.py            `--report FILE`
"""

from __future__ import annotations

from .compare import Finding, compare
from .gather import Answer, Gathered, Identifier, gather, identifiers_of
from .run import EntryVerdict, VerifyInterrupted, diagnostics, verify_one, verify_papers

__all__ = [
    "Answer",
    "EntryVerdict",
    "Finding",
    "Gathered",
    "Identifier",
    "VerifyInterrupted",
    "compare",
    "diagnostics",
    "gather",
    "identifiers_of",
    "verify_one",
    "verify_papers",
]
