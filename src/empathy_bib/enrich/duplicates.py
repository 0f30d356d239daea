"""Is this paper already in the list? Same DOI, arXiv id, Anthology id or normalised title.

Identifiers are compared through `ids` and titles through `text.title_key` (digits
significant: "Qwen2" is not "Qwen2.5"), the same keys validate uses for its duplicate check.
A new entry's identity is read back from its own text, so the new and the existing entries go
through exactly the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .. import ids
from ..bib import BibFile
from ..errors import EmpathyBibError
from ..record import Paper, papers_of
from ..text import title_key


class DuplicateError(EmpathyBibError):
    """The paper is already in the list (exit 1: nothing is wrong with the input, it is just known)."""

    exit_code = 1


@dataclass(frozen=True)
class Identity:
    doi: str | None = None  # normalised (lower-case)
    arxiv_id: str | None = None
    anthology_id: str | None = None
    title: str | None = None  # text.title_key

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [
            ("DOI", self.doi),
            ("arXiv id", self.arxiv_id),
            ("ACL Anthology id", self.anthology_id),
            ("title", self.title),
        ]
        return [(kind, value) for kind, value in pairs if value]


def identity_of(paper: Paper) -> Identity:
    doi = ids.normalize_doi(paper.doi) if paper.doi else None
    arxiv_id = paper.arxiv_id or (ids.parse_arxiv(doi) if doi else None)
    anthology_id = paper.anthology_id
    if anthology_id is None and paper.doi:
        anthology_id = ids.anthology_from_doi(paper.doi)
    title = title_key(paper.get("title") or "") or None
    return Identity(doi=doi, arxiv_id=arxiv_id, anthology_id=anthology_id, title=title)


def identity_of_text(entry_text: str) -> Identity:
    papers = list(papers_of(BibFile.from_text(entry_text)))
    return identity_of(papers[0]) if papers else Identity()


@dataclass(frozen=True)
class Match:
    key: str
    line: int
    kind: str  # which identity matched: "DOI", "arXiv id", ...
    value: str

    def describe(self) -> str:
        return f"already in the list as '{self.key}' (line {self.line}): same {self.kind} {self.value}"


class DuplicateIndex:
    """The identities of the list's papers, for O(1) look-ups; grows as entries are added."""

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._seen: dict[tuple[str, str], tuple[str, int]] = {}
        for paper in papers:
            self.add(identity_of(paper), paper.key, paper.line)

    def add(self, identity: Identity, key: str, line: int) -> None:
        for pair in identity.pairs():
            self._seen.setdefault(pair, (key, line))

    def find(self, identity: Identity) -> Match | None:
        for kind, value in identity.pairs():
            hit = self._seen.get((kind, value))
            if hit is not None:
                return Match(key=hit[0], line=hit[1], kind=kind, value=value)
        return None
