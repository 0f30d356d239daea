"""`verify --fix`: the registry's value for author lists, titles, years, pages and DOIs, as surgical edits.

Each value is written as `add` writes it (`newentry.title_value`, `match.authors_bibtex`,
`newentry.format_pages`: escaped, acronyms brace-protected, the file's ASCII-with-escapes
convention), spliced over the old value only (`bib.edits.plan_set_field`), and saved atomically
by `BibFile.save`, which refuses a file changed meanwhile. A file that did not parse completely
is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import ids
from ...bib import BibFile, Splice
from ...bib.edits import plan_set_field
from ...errors import BibParseError, EditError
from ..match import authors_bibtex
from ..newentry import format_pages, title_value
from ..records import Work
from .run import EntryVerdict

FIXABLE = ("E701", "E702", "E704", "E705", "E708", "E709")


@dataclass(frozen=True)
class Change:
    key: str
    field: str
    line: int
    old: str  # the field as written: `author = {...}`
    new: str
    splice: Splice

    def diff_lines(self) -> list[str]:
        return [f"-  {self.old}", f"+  {self.new}"]


def new_value(code: str, work: Work) -> str | None:
    """The registry's value for the field a finding is about, as the list writes it."""
    if code == "E702":
        return title_value(work) or None
    if code == "E704":
        return authors_bibtex(work) or None
    if code == "E705":
        return str(work.year) if work.year else None
    if code == "E708":
        return format_pages(work.pages) or None
    if code in ("E701", "E709"):  # only on the `doi` field: another record gave this paper's DOI
        return ids.parse_doi(work.doi or "")
    return None


def plan_changes(
    bib: BibFile, verdicts: list[EntryVerdict], codes: tuple[str, ...] = FIXABLE
) -> list[Change]:
    """One change per fixable finding whose field is in the entry; values that cannot be written
    safely (an `EditError`: unbalanced braces, a line break) are left alone."""
    changes: list[Change] = []
    for verdict in verdicts:
        paper = verdict.paper
        for finding in verdict.findings:
            if finding.code not in codes or finding.work is None or finding.field is None:
                continue
            if finding.code in ("E701", "E709") and finding.field != "doi":
                continue
            span = paper.spans.get(finding.field)
            value = new_value(finding.code, finding.work)
            if span is None or value is None:
                continue
            try:
                splice = plan_set_field(bib.text, paper.block, span.name, value, bib.newline, bib.path)
            except EditError:
                continue
            line = bib.line_of(span.name_start)
            old = f"{span.name} = {span.raw_value}"
            changes.append(Change(paper.key, span.name, line, old, f"{span.name} = {splice.text}", splice))
    return changes


def apply_changes(bib: BibFile, changes: list[Change]) -> None:
    """All changes in one batch, one atomic save (refused when the file is incomplete)."""
    if not bib.is_complete:
        raise BibParseError("the file did not parse completely; refusing to rewrite it", path=bib.path)
    if not changes:
        return
    bib.apply([c.splice for c in changes])
    bib.save()
