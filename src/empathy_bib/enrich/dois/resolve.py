"""Judging answers: one lookup's requests, and whether what the services say can be trusted.

An identifier's DOI is confirmed when the registry's title matches the entry's; a Crossref search
is judged by `match.choose`. A published version of a preprint is only ever a suggestion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import requests

from ... import ids
from ...errors import NetworkError
from ...record import Paper
from .. import crossref, datacite
from ..match import Verdict, choose, judge
from ..records import Work
from ..services import ServiceConfig
from .plan import Lookup, Strategy
from .results import Candidate, EntryResult, Outcome, Suggestion

SEARCH_ROWS = 5


@dataclass
class Services:
    session: requests.Session
    config: ServiceConfig
    feed: dict[str, Work] = field(default_factory=dict)  # arXiv entries fetched in one batch
    feed_error: str | None = None


def resolve(lookup: Lookup, services: Services) -> EntryResult:
    """One entry's answer; a network failure is a FAILED result, never an exception."""
    try:
        return _RESOLVERS[lookup.strategy](lookup, services)
    except NetworkError as exc:
        return _result(lookup, Outcome.FAILED, str(exc))


def _result(lookup: Lookup, outcome: Outcome, message: str, **kwargs: Any) -> EntryResult:
    return EntryResult(lookup.paper.block, outcome, lookup.strategy, message, **kwargs)


def _skip_has_doi(lookup: Lookup, services: Services) -> EntryResult:
    return _result(lookup, Outcome.SKIPPED, "already has a doi")


def _skip_no_title(lookup: Lookup, services: Services) -> EntryResult:
    return _result(lookup, Outcome.SKIPPED, "no title to look up")


def _no_doi_venue(lookup: Lookup, services: Services) -> EntryResult:
    return _result(
        lookup,
        Outcome.NONE,
        "the venue (NeurIPS, ICLR, ICML/PMLR, OpenReview) registers no DOIs",
        suggestions=_arxiv_note(lookup.paper),
    )


def _arxiv_note(paper: Paper) -> tuple[Suggestion, ...]:
    """The arXiv DOI of a published paper is reported, never written (it is another version)."""
    if not paper.arxiv_id:
        return ()
    return (Suggestion(ids.arxiv_doi(paper.arxiv_id), "the arXiv version's DOI; not the published paper's"),)


def _confirm(lookup: Lookup, work: Work, source: str) -> EntryResult:
    """An identifier's DOI is accepted when the registry's title matches the entry's."""
    verdict = judge(lookup.paper, work)
    ev = verdict.evidence
    title_ok = ev.title_similarity >= 92.0 and ev.numbers_agree
    if not title_ok:
        reasons = [r for r in verdict.reasons if r.startswith("title")] or ["title differs"]
        rejected = Candidate.of(Verdict(work, ev, tuple(reasons)))
        return _result(
            lookup,
            Outcome.ABSTAINED,
            f"{source} knows {lookup.candidate}, but under another title: {work.title!r}",
            rejected=(rejected,),
        )
    return _result(
        lookup,
        Outcome.FILLED,
        f"{lookup.candidate} confirmed by {source}",
        doi=lookup.candidate,
        source=f"{source} ({lookup.strategy.value})",
        evidence=ev.as_dict(),
    )


def _anthology(lookup: Lookup, services: Services) -> EntryResult:
    assert lookup.candidate is not None
    work = crossref.get_work(services.session, services.config, lookup.candidate)
    if work is None:
        return _result(
            lookup,
            Outcome.NONE,
            f"Crossref does not know {lookup.candidate}: this Anthology volume registers no DOIs",
            suggestions=_arxiv_note(lookup.paper),
        )
    return _confirm(lookup, work, "Crossref")


def _doi_url(lookup: Lookup, services: Services) -> EntryResult:
    assert lookup.candidate is not None
    work = crossref.get_work(services.session, services.config, lookup.candidate)
    source = "Crossref"
    if work is None:
        work, source = datacite.get_doi(services.session, services.config, lookup.candidate), "DataCite"
    if work is None:
        return _result(lookup, Outcome.NONE, f"the DOI in url ({lookup.candidate}) is registered nowhere")
    return _confirm(lookup, work, source)


def _arxiv(lookup: Lookup, services: Services) -> EntryResult:
    assert lookup.candidate is not None and lookup.paper.arxiv_id
    work = datacite.get_doi(services.session, services.config, lookup.candidate)
    if work is None:
        return _result(lookup, Outcome.NONE, f"DataCite does not know {lookup.candidate}")
    result = _confirm(lookup, work, "DataCite")
    suggestions, notes = _published_versions(lookup, services, work)
    message = "; ".join([result.message, *notes])
    return replace(result, message=message, suggestions=suggestions)


def _published_versions(
    lookup: Lookup, services: Services, record: Work
) -> tuple[tuple[Suggestion, ...], list[str]]:
    """Has the preprint been published since? Only ever a suggestion for the maintainer."""
    paper = lookup.paper
    found: dict[str, Suggestion] = {}
    notes: list[str] = []
    feed = services.feed.get(paper.arxiv_id or "")
    if services.feed_error:
        notes.append(f"published versions not checked on arXiv ({services.feed_error})")
    sources = [("DataCite relatedIdentifiers", record.related_dois)]
    if feed is not None:
        sources.append(("arXiv feed doi", feed.related_dois))
        if feed.journal_ref:
            found["journal_ref"] = Suggestion(None, f"arXiv journal_ref: {feed.journal_ref}")
    for why, dois in sources:
        for doi in dois:
            clean = ids.parse_doi(doi)
            if clean and not ids.parse_arxiv(clean):
                found.setdefault(clean.lower(), Suggestion(clean, f"published version ({why})"))
    try:
        works = crossref.search(services.session, services.config, _query(paper), SEARCH_ROWS)
    except NetworkError as exc:
        notes.append(f"published versions not searched on Crossref ({exc})")
        works = []
    chosen = choose(paper, [w for w in works if w.type not in ("posted-content",)]).chosen
    clean = ids.parse_doi(chosen.work.doi or "") if chosen is not None else None
    if chosen is not None and clean:  # an accepted candidate's DOI is valid (`match.judge`)
        found.setdefault(
            clean.lower(),
            Suggestion(
                clean,
                f"published version (validated Crossref match: {chosen.work.container or chosen.work.type})",
            ),
        )
    return tuple(found.values()), notes


def _search(lookup: Lookup, services: Services) -> EntryResult:
    paper = lookup.paper
    works = crossref.search(services.session, services.config, _query(paper), SEARCH_ROWS)
    choice = choose(paper, works)
    rejected = tuple(
        Candidate.of(v, () if v.reasons else ["another accepted candidate"]) for v in choice.rejected
    )
    if choice.chosen is not None and choice.chosen.work.doi:
        doi = ids.parse_doi(choice.chosen.work.doi)  # valid: `match.judge` accepted it
        return _result(
            lookup,
            Outcome.FILLED,
            f"validated Crossref match ({choice.chosen.work.type})",
            doi=doi,
            source="Crossref (query.bibliographic)",
            evidence=choice.chosen.evidence.as_dict(),
            rejected=rejected,
        )
    if choice.ambiguous:
        return _result(
            lookup, Outcome.ABSTAINED, "several candidates pass; none can be preferred", rejected=rejected
        )
    return _result(
        lookup,
        Outcome.NONE,
        f"no validated Crossref match among {len(works)} candidates",
        rejected=rejected,
        suggestions=_arxiv_note(paper),
    )


def _query(paper: Paper) -> str:
    """A bibliographic string: title, the first authors' family names, year."""
    families = [a.family for a in paper.authors[:3]]
    return " ".join(filter(None, [paper.title, *families, str(paper.year or "")]))


_RESOLVERS: dict[Strategy, Callable[[Lookup, Services], EntryResult]] = {
    Strategy.HAS_DOI: _skip_has_doi,
    Strategy.NO_TITLE: _skip_no_title,
    Strategy.ANTHOLOGY: _anthology,
    Strategy.DOI_URL: _doi_url,
    Strategy.ARXIV: _arxiv,
    Strategy.NO_DOI_VENUE: _no_doi_venue,
    Strategy.SEARCH: _search,
}
