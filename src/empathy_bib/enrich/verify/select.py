"""Which entries `verify` checks: `--keys`, and `--changed-since` (entries added or changed)."""

from __future__ import annotations

from ...bib import BibFile
from ...errors import UsageError
from ...record import Paper, papers_of


def by_keys(bib: BibFile, keys: list[str]) -> list[Paper]:
    """The entries named (case-insensitive, as BibTeX); a key no entry has is a usage error."""
    papers = papers_of(bib)
    wanted = {k.lower() for k in keys}
    chosen = [p for p in papers if p.key.lower() in wanted]
    missing = sorted(wanted - {p.key.lower() for p in chosen})
    if missing:
        listed = ", ".join(f"'{k}'" for k in missing)
        raise UsageError(f"--keys: no entry {listed} in {bib.path}")
    return chosen


def changed_since(bib: BibFile, before: BibFile | None) -> list[Paper]:
    """Entries whose key is new, or whose text differs from the entry of the same key before.

    `before` None: the file did not exist at that revision, so every entry is new.
    """
    if before is None:
        return list(papers_of(bib))
    old = {p.key.lower(): p.raw for p in papers_of(before)}
    return [p for p in papers_of(bib) if old.get(p.key.lower()) != p.raw]
