"""A README's items -> its distinct papers, and which of them the list already holds.

Items are the same paper when they share a DOI, an arXiv id or an Anthology id *and* their
titles agree, or when their titles are the same (`text.title_key`). An identifier shared by two
items whose titles disagree is a link that belongs to another paper (a copy-paste error the
seed README has): the items stay apart and the report says so. Everything here is decided from
the README and the bib alone, before any request, so a second import asks nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .. import ids
from ..bib import BibFile
from ..readme import Heading, ReadmePaper
from ..record import Paper, papers_of
from ..text import title_key
from .duplicates import DuplicateIndex, Identity, identity_of
from .latexvalue import latex_title
from .match import numbers
from .people import format_names, person_from_name
from .records import Name, Work

SAME_TITLE_SCORE = 90.0  # rapidfuzz ratio on title keys (match.py's scale)
SUBSET_SCORE = 95.0  # token_set_ratio: a README title cut short, or with words left out
SUBSET_MIN_WORDS = 3


def readme_title_key(title: str) -> str:
    """The README's plain title, keyed as the entry written from it will be (`text.title_key`)."""
    return title_key(latex_title(title))


def titles_agree(readme_key: str, other_key: str) -> bool:
    """Same title: close after `title_key` with the same numbers, or a README title whose words
    all appear in the other (READMEs cut titles short), starting with the same word."""
    if not readme_key or not other_key:
        return False
    if fuzz.ratio(readme_key, other_key) >= SAME_TITLE_SCORE and numbers(readme_key) == numbers(other_key):
        return True
    words, theirs = readme_key.split(), other_key.split()
    return (
        len(words) >= SUBSET_MIN_WORDS
        and words[0] == theirs[0]
        and fuzz.token_set_ratio(readme_key, other_key) >= SUBSET_SCORE
        and numbers(readme_key) <= numbers(other_key)
    )


def item_identifiers(item: ReadmePaper) -> list[tuple[str, str]]:
    """The item's identifiers, as (`duplicates.Identity` kind, normalised value), best first."""
    found: list[tuple[str, str]] = []
    if item.anthology_id:
        found.append(("ACL Anthology id", item.anthology_id))
    if item.doi:
        doi = ids.normalize_doi(item.doi)
        if doi:
            found.append(("DOI", doi))
    if item.arxiv_id:
        found.append(("arXiv id", ids.strip_arxiv_version(item.arxiv_id)))
    return found


@dataclass
class DistinctPaper:
    """One paper of the README: every item that names it, in README order."""

    items: list[ReadmePaper]
    title_key: str
    conflicts: list[dict[str, object]] = field(default_factory=list)  # links naming another item

    @property
    def first(self) -> ReadmePaper:
        return self.items[0]

    @property
    def title(self) -> str:
        """The longest of its titles: READMEs cut titles short more often than they pad them."""
        return max((i.title for i in self.items), key=len)

    @property
    def lines(self) -> list[int]:
        return [i.line for i in self.items]

    @property
    def headings(self) -> list[Heading]:
        return [i.heading for i in self.items if i.heading is not None]

    def identifiers(self) -> list[tuple[str, str]]:
        found: dict[tuple[str, str], None] = {}
        for item in self.items:
            for pair in item_identifiers(item):
                if not self._names_other(pair):
                    found[pair] = None
        return list(found)

    def _names_other(self, pair: tuple[str, str]) -> bool:
        return any(c["kind"] == pair[0] and c["value"] == pair[1] for c in self.conflicts)

    def identity(self) -> Identity:
        """What the README says of it, for the list's duplicate index (title, trusted ids)."""
        values = dict(self.identifiers())
        return Identity(
            doi=values.get("DOI"),
            arxiv_id=values.get("arXiv id"),
            anthology_id=values.get("ACL Anthology id"),
            title=self.title_key or None,
        )


def group_items(items: Sequence[ReadmePaper]) -> list[DistinctPaper]:
    """The README's distinct papers, in order of first appearance."""
    groups: list[DistinctPaper] = []
    by_pair: dict[tuple[str, str], DistinctPaper] = {}
    for item in items:
        key = readme_title_key(item.title)
        home, conflicts = None, []
        pairs = item_identifiers(item) + ([("title", key)] if key else [])
        for pair in pairs:
            other = by_pair.get(pair)
            if other is None or other is home:
                continue
            if pair[0] == "title" or titles_agree(key, other.title_key) or not key or not other.title_key:
                home = home or other
            else:
                conflicts.append(_conflict(item, pair, other))
        if home is None:
            home = DistinctPaper([], key)
            groups.append(home)
        home.items.append(item)
        home.conflicts.extend(conflicts)
        for pair in pairs:
            if not any(c["kind"] == pair[0] and c["value"] == pair[1] for c in conflicts):
                by_pair.setdefault(pair, home)
    return groups


def _conflict(item: ReadmePaper, pair: tuple[str, str], other: DistinctPaper) -> dict[str, object]:
    return {
        "kind": pair[0],
        "value": pair[1],
        "line": item.line,
        "also_on_line": other.first.line,
        "other_title": other.title,
        "message": f"the {pair[0]} {pair[1]} on line {item.line} is also given for "
        f"'{other.title}' (line {other.first.line}): it belongs to one of them only",
    }


# ---------------------------------------------------------------------- the list


@dataclass(frozen=True)
class Known:
    """A README paper the list already holds: the entry, and what matched."""

    key: str
    line: int
    how: str  # "DOI", "arXiv id", "ACL Anthology id", "title"
    value: str


class ListIndex:
    """The list's papers by identifier and title; an identifier match counts only when the
    titles agree (a README link may name another paper)."""

    def __init__(self, bib: BibFile) -> None:
        self.papers = {p.key: p for p in papers_of(bib)}
        self.index = DuplicateIndex(self.papers.values())
        self.keys = {p.key: title_key(p.get("title") or "") for p in self.papers.values()}

    def find(self, paper: DistinctPaper) -> Known | None:
        identity = paper.identity()
        for kind, value in identity.pairs():
            match = self.index.find(_single(kind, value))
            if match is None:
                continue
            if kind == "title" or titles_agree(paper.title_key, self.keys.get(match.key, "")):
                return Known(match.key, match.line, kind, value)
            paper.conflicts.append(
                {
                    "kind": kind,
                    "value": value,
                    "line": paper.first.line,
                    "other_title": self.papers[match.key].title,
                    "message": f"the {kind} {value} on line {paper.first.line} is '{match.key}' in the "
                    f"list, titled '{self.papers[match.key].title}'",
                }
            )
        return None

    def add(self, entry_text: str, key: str) -> None:
        papers = list(papers_of(BibFile.from_text(entry_text)))
        if papers:
            self.index.add(identity_of(papers[0]), key, 0)
            self.keys[key] = title_key(papers[0].get("title") or "")


def _single(kind: str, value: str) -> Identity:
    field_name = {"DOI": "doi", "arXiv id": "arxiv_id", "ACL Anthology id": "anthology_id", "title": "title"}
    return Identity(**{field_name[kind]: value})


# ---------------------------------------------------------------------- the README's own record


def readme_names(authors: Iterable[str]) -> tuple[Name, ...]:
    """Names as READMEs write them (`Hal Daumé III`): whole names, split as pybtex splits them."""
    return tuple(Name(given="", family=" ".join(a.split())) for a in authors if a.strip())


def readme_work(item: ReadmePaper) -> Work:
    """What the README itself says of a paper, as a `Work` (written as `@misc` when unresolved)."""
    return Work(
        source="readme",
        title=" ".join(item.title.split()),
        authors=readme_names(item.authors),
        year=item.year,
    )


def readme_record(item: ReadmePaper) -> Paper:
    """The README's item as a bib record, for `match.judge` (title, authors, year)."""
    work = readme_work(item)
    authors = format_names(person_from_name(n) for n in work.authors)
    lines = [f"title = {{{latex_title(work.title)}}}"]
    if authors:
        lines.append(f"author = {{{authors}}}")
    if work.year:
        lines.append(f"year = {{{work.year}}}")
    text = "@misc{readme,\n  " + ",\n  ".join(lines) + "\n}\n"
    return next(iter(papers_of(BibFile.from_text(text))))
