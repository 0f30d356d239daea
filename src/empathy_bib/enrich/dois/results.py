"""What a lookup found, for one entry block, and the report of a run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ...bib import Block
from ..match import Verdict
from .plan import Strategy


class Outcome(str, Enum):
    FILLED = "filled"
    NONE = "none exists"
    ABSTAINED = "abstained"  # candidates exist but none could be trusted
    FAILED = "failed"  # network trouble: try again later
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Candidate:
    """A work a service offered, with the evidence and (when rejected) why."""

    doi: str | None
    source: str
    title: str
    type: str
    year: int | None
    evidence: dict[str, object]
    reasons: tuple[str, ...] = ()

    @classmethod
    def of(cls, verdict: Verdict, extra_reasons: Iterable[str] = ()) -> Candidate:
        w = verdict.work
        return cls(
            doi=w.doi,
            source=w.source,
            title=w.title,
            type=w.type,
            year=w.year,
            evidence=verdict.evidence.as_dict(),
            reasons=(*verdict.reasons, *extra_reasons),
        )


@dataclass(frozen=True)
class Suggestion:
    """Something for the maintainer to check by hand; never applied."""

    doi: str | None
    why: str


@dataclass(frozen=True)
class EntryResult:
    """The answer for one entry: `entry` is the block it was looked up for, and the only place
    its DOI may be written (two entries whose keys differ only in case never swap answers)."""

    entry: Block = field(repr=False, compare=False)
    outcome: Outcome
    strategy: Strategy
    message: str = ""
    doi: str | None = None
    source: str | None = None
    evidence: dict[str, object] | None = None
    rejected: tuple[Candidate, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

    @property
    def key(self) -> str:
        return self.entry.key or ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "outcome": self.outcome.value,
            "strategy": self.strategy.value,
            "doi": self.doi,
            "source": self.source,
            "message": self.message,
            "evidence": self.evidence,
            "rejected": [c.__dict__ for c in self.rejected],
            "suggestions": [s.__dict__ for s in self.suggestions],
        }


def summarize(results: Iterable[EntryResult]) -> dict[str, int]:
    counts = {o.value: 0 for o in Outcome}
    for r in results:
        counts[r.outcome.value] += 1
    return counts


def report(results: list[EntryResult], *, path: str, written: int, requests_sent: int) -> dict[str, Any]:
    return {
        "file": path,
        "summary": summarize(results),
        "written": written,
        "requests": requests_sent,
        "entries": [r.as_dict() for r in results],
    }
