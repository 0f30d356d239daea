"""Venues: does `booktitle`/`journal` name the registry's venue, and the same track of it?

Lenient by design (verify abstains rather than guess): every word the entry writes must be in
the registry's venue, or be one of its acronyms (`EMNLP`, `ACL`), or its year; the entry may
leave words out. The track (Findings, a workshop, the main conference) must be the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...text import fold
from ..match import venue_track

# Words a venue may add or leave out without naming another venue.
_FILLER = frozenset(
    "of the on in and for a an at to proceedings proc conference conf annual meeting international "  # noqa: SIM905 (a word list)
    "intl volume vol long short papers paper main track journal transactions th st nd rd".split()
)


_TRACKS = {"Findings": "the Findings track", "workshop": "a workshop", "main": "the main conference"}


@dataclass(frozen=True)
class VenueDifference:
    kind: str  # "track" (same venue, another track) or "venue"
    detail: str


def venue_difference(entry: str, registry: str, year: int | None) -> VenueDifference | None:
    """How the entry's venue differs from the registry's (None: no difference worth a finding)."""
    mine, theirs = fold(entry).split(), fold(registry).split()
    if not mine or not theirs:
        return None
    if venue_track(entry) != venue_track(registry):
        theirs_track, my_track = _TRACKS[venue_track(registry)], _TRACKS[venue_track(entry)]
        return VenueDifference("track", f"the registry's venue is {theirs_track}, not {my_track}")
    known = set(theirs)
    acronyms = _initials(theirs)
    unknown = [
        w
        for w in mine
        if w not in known
        and w not in _FILLER
        and not (w.isdigit() and year is not None and w == str(year))
        and not (w.isalpha() and len(w) >= 2 and any(w in a for a in acronyms))
    ]
    if unknown:
        words = ", ".join(f"“{w}”" for w in unknown)
        return VenueDifference("venue", f"the venue differs ({words} not in the registry's)")
    return None


def _initials(words: list[str]) -> tuple[str, str]:
    """The initials of the venue's words, with and without the filler words (`acl`, `emnlp`)."""
    every = "".join(w[0] for w in words if w.isalpha())
    content = "".join(w[0] for w in words if w.isalpha() and w not in _FILLER)
    return every, content
