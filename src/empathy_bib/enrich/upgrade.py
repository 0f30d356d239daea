"""`upgrade`'s planning, pure: an arXiv-only entry and its published version -> surgical edits.

The entry becomes the published paper as `add` would have written it (`newentry`'s values and
conventions: venue fields, pages, month macro, the DOI rule, the canonical URL), but in place:
the `@misc` word is spliced, known fields are replaced or inserted at their place in the list's
field order, and the key, `keywords`, `code`, `eprint`/`archiveprefix`/`primaryclass`, every
field this does not know and every other byte of the file stay as they are. The title and the
author list change only when the published version's differ (a renamed paper, an added author).
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ids
from ..bib import BibFile
from ..bib.edits import Splice, plan_remove_field, plan_set_field
from ..errors import EditError
from ..record import Paper
from ..text import month_macro, title_key, to_unicode
from .match import same_author_list
from .newentry import BARE_FIELDS, FIELD_ORDER, canonical_url, entry_type_for, title_value, venue_fields
from .people import format_names, person_of_work
from .published import Published
from .records import Work

TYPE = "@type"  # the entry type, in a `Change`
PREPRINT_TYPES = frozenset({"misc", "online", "unpublished", "preprint"})
# A preprint's own fields that say nothing true of the published paper once replaced.
_VENUE_FIELDS = ("booktitle", "journal", "volume", "number", "publisher", "address", "pages")
_DATED = ("year", "month")


class NotUpgradable(EditError):
    """The record found cannot be written as this entry's published form."""


@dataclass(frozen=True)
class Change:
    field: str  # a field name, or TYPE
    old: str | None  # as written in the file (None: absent)
    new: str | None  # as it will be written (None: removed)

    def describe(self) -> str:
        if self.field == TYPE:
            return f"@{self.old} -> @{self.new}"
        if self.old is None:
            return f"{self.field} = {self.new} (added)"
        if self.new is None:
            return f"{self.field} = {self.old} (removed)"
        return f"{self.field}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class Plan:
    key: str
    changes: tuple[Change, ...]
    venue: str  # plain text, for messages
    evidence: str


def is_upgradable(paper: Paper) -> bool:
    """An arXiv-only entry: a preprint type and an arXiv id."""
    return paper.entry_type in PREPRINT_TYPES and bool(paper.arxiv_id)


def plan_upgrade(paper: Paper, published: Published) -> Plan:
    """What changes in `paper` to make it `published`'s entry; NotUpgradable when the record
    names no venue to write."""
    work = published.work
    entry_type = entry_type_for(work)
    venue = venue_fields(work, entry_type)
    venue_name = venue.get("booktitle") or venue.get("journal") or ""
    if entry_type == "misc" or not venue_name:
        raise NotUpgradable(f"'{paper.key}': the published record ({work.doi or work.title}) names no venue")
    wanted = _wanted_values(paper, work, venue)
    changes = [Change(TYPE, paper.entry_type, entry_type)]
    for name in (*FIELD_ORDER, *sorted(set(wanted) - set(FIELD_ORDER))):
        if name not in wanted:
            continue
        old, new = _written(paper, name), wanted[name]
        if new != old and not (new is None and old is None):
            changes.append(Change(name, old, new))
    return Plan(paper.key, tuple(changes), to_unicode(venue_name), published.evidence)


def _wanted_values(paper: Paper, work: Work, venue: dict[str, str]) -> dict[str, str | None]:
    """Field -> the value to write (None: remove it) for every field the upgrade decides."""
    doi = ids.parse_doi(work.doi) if work.doi else None
    if doi and ids.parse_arxiv(doi):
        doi = None  # never the arXiv DOI on a published paper (find_published never returns one)
    wanted: dict[str, str | None] = {name: value or None for name, value in venue.items()}
    wanted["year"] = str(work.year) if work.year else _written(paper, "year")
    wanted["month"] = month_macro(work.month) if work.month else None  # the preprint's month is not its
    wanted["doi"] = doi
    wanted["url"] = canonical_url(work, doi, paper.arxiv_id) or None
    title = title_value(work)
    if title and title_key(title) != title_key(paper.get("title") or ""):
        wanted["title"] = title
    if work.authors and not same_author_list(paper.authors, work.authors):
        wanted["author"] = format_names([person_of_work(work, n) for n in work.authors])
    for name in _VENUE_FIELDS:  # a preprint's `publisher = {arXiv}` and the like go
        wanted.setdefault(name, None)
    return wanted


def _written(paper: Paper, name: str) -> str | None:
    """A field's value as written (braces or quotes removed; a bare macro as is)."""
    span = paper.spans.get(name)
    if span is None:
        return None
    raw = span.raw_value.strip()
    if len(raw) >= 2 and raw[0] + raw[-1] in ("{}", '""'):
        return raw[1:-1]
    return raw


# ---------------------------------------------------------------------- edits


def plan_splices(bib: BibFile, plan: Plan) -> list[Splice]:
    """The splices of `plan` on `bib`'s current text: insertions first (in field order, each
    after the nearest field that precedes it and stays), then replacements and removals."""
    entry = bib.entry(plan.key)
    if entry is None:
        raise EditError(f"no entry with key '{plan.key}'", path=bib.path)
    removed = {c.field for c in plan.changes if c.new is None}
    present = [f.key for f in entry.fields]
    inserts: list[Splice] = []
    others: list[Splice] = []
    for change in plan.changes:
        if change.field == TYPE:
            others.append(_type_splice(bib, plan.key, str(change.new)))
        elif change.new is None:
            others.append(plan_remove_field(bib.text, entry, change.field, bib.path))
        else:
            after = None if change.field in present else _anchor(change.field, present, removed)
            splice = plan_set_field(
                bib.text, entry, change.field, change.new, bib.newline, bib.path,
                after=after, bare=change.field in BARE_FIELDS,
            )  # fmt: skip
            (others if change.field in present else inserts).append(splice)
    return inserts + others


def _anchor(name: str, present: list[str], removed: set[str]) -> str | None:
    """The field a new `name` goes after: the nearest one before it in the list's order that stays."""
    order = list(FIELD_ORDER)
    if name not in order:
        order.insert(order.index("keywords"), name)  # unknown fields go before `keywords`
    earlier = order[: order.index(name)]
    for candidate in reversed(earlier):
        if candidate in present and candidate not in removed:
            return candidate
    return None


def _type_splice(bib: BibFile, key: str, new_type: str) -> Splice:
    """Replace the entry type word after `@`, in the case the file writes it."""
    entry = bib.entry(key)
    assert entry is not None
    head = bib.text[entry.start : entry.start + 64]
    start = len(head) - len(head[1:].lstrip()) if head.startswith("@") else 0
    end = start
    while end < len(head) and head[end].isalpha():
        end += 1
    old = head[start:end]
    if not old or old.lower() != (entry.entry_type or "").lower():
        raise EditError(f"cannot find the entry type of '{key}'", path=bib.path)
    written = new_type.upper() if old.isupper() else new_type.capitalize() if old[0].isupper() else new_type
    return Splice(entry.start + start, entry.start + end, written)
