"""Writing back: `doi = {...}` insertions, each into the block its lookup was planned for."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from ... import ids
from ...bib import BibFile, Splice
from ...bib.edits import plan_set_field
from .results import EntryResult, Outcome


def writable_doi(result: EntryResult) -> str | None:
    """The DOI to write for a result, only if it is FILLED and a syntactically safe DOI."""
    if result.outcome is not Outcome.FILLED or not result.doi:
        return None
    return ids.parse_doi(result.doi)


def plan_edits(bib: BibFile, results: Iterable[EntryResult]) -> list[Splice]:
    """`doi = {...}` insertions for filled entries that still lack a doi (never an overwrite).

    Each goes into `result.entry`, the block the lookup was planned for, not into whichever
    entry has its key: with two entries whose keys differ only in case, a lookup by key would
    find the first for both. Results planned on another version of the text are refused.
    """
    current = {id(block) for block in bib.entries}
    splices: list[Splice] = []
    for result in results:
        doi = writable_doi(result)
        if doi is None:
            continue
        entry = result.entry
        if id(entry) not in current:
            raise ValueError(f"the result for '{result.key}' was looked up on another version of the file")
        if (bib.value(entry, "doi") or "").strip():
            continue
        splices.append(plan_set_field(bib.text, entry, "doi", doi, bib.newline, bib.path))
    return splices


def apply_results(bib: BibFile, results: Iterable[EntryResult]) -> int:
    """Apply every planned insertion in one batch; the number of DOIs written."""
    splices = plan_edits(bib, results)
    if splices:
        bib.apply(splices)
    return len(splices)


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )
