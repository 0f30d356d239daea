"""What reading an awesome-list README yields: its papers, the headings that hold them, and
every paper-looking link that was not taken, with why.

These are the README's own words, as written; resolving them against registries is the
importer's job (`enrich`), not this package's.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    level: int
    title: str  # without emoji and markup, e.g. "Theory & Frameworks"
    emoji: str  # leading emoji as written ("" if none), e.g. "💡"
    line: int  # 1-based README line
    path: tuple[str, ...]  # titles of the enclosing headings, outermost first, this one last


@dataclass(frozen=True)
class Link:
    url: str
    text: str  # link text / badge alt text
    line: int
    kind: str  # "paper" | "code" | "other"


@dataclass(frozen=True)
class ReadmePaper:
    line: int  # where the item starts
    title: str  # plain text (markup stripped)
    authors: tuple[str, ...]  # as written, split into names (() if none)
    venue: str  # as written ("ACL 2024", from text or a shields.io badge), "" if none
    year: int | None
    links: tuple[Link, ...]
    doi: str | None
    arxiv_id: str | None
    anthology_id: str | None
    other_ids: dict[str, str]  # {"openreview": ..., "semanticscholar": ..., "pmlr": ..., ...}
    code: str | None  # GitHub/GitLab/Hugging Face code link
    heading: Heading | None  # the section it sits under


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str
    url: str


@dataclass
class ReadmeDocument:
    papers: list[ReadmePaper] = field(default_factory=list)
    # every heading that (directly) holds papers, in order, with its ancestors
    headings: list[Heading] = field(default_factory=list)
    # every link that looked like a paper link but is not taken, with why
    skipped: list[Skipped] = field(default_factory=list)
