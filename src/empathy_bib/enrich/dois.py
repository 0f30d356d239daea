"""The fetch-dois pipeline, as functions over a `BibFile`: plan, look up, decide, edit.

1. `plan_lookups` decides per entry what to ask (or that nothing must be asked: an entry with a
   `doi` is never touched, a venue that registers no DOIs gets none);
2. `run_lookups` runs the lookups with bounded concurrency (the session bounds requests per
   host) and turns each into an `EntryResult`; network failures are results too;
3. `plan_edits` / `apply_results` insert only `doi = {...}` fields, through the bib layer.

The DOI rule (`../shared/data/README.md`): `doi` is the DOI of the version the entry describes.
Identifiers come first (an Anthology id's `10.18653/v1/<id>` confirmed by Crossref; an arXiv-only
entry's `10.48550/arXiv.<id>` confirmed by DataCite; a doi.org `url` confirmed by its registry);
otherwise a Crossref search whose candidates `match` validates. A published version of an
arXiv-only entry is only suggested, never applied.
"""

from __future__ import annotations

import difflib
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import requests

from .. import ids
from ..bib import BibFile, Splice
from ..errors import NetworkError
from ..record import Paper, papers_of
from . import arxiv, crossref, datacite, http
from .match import Verdict, choose, judge
from .records import Work
from .services import ServiceConfig

SEARCH_ROWS = 5
# Venues that mint no DOIs: a Crossref "match" for their papers is wrong by construction.
NO_DOI_VENUES = re.compile(
    r"neurips|\bnips\b|neural information processing systems|\biclr\b|"
    r"international conference on learning representations|\bicml\b|"
    r"international conference on machine learning(?!\s+and)|proceedings of machine learning research|"
    r"\bpmlr\b|openreview",
    re.IGNORECASE,
)
NO_DOI_HOSTS = ("openreview.net", "proceedings.neurips.cc", "papers.nips.cc", "proceedings.mlr.press")


class Outcome(str, Enum):
    FILLED = "filled"
    NONE = "none exists"
    ABSTAINED = "abstained"  # candidates exist but none could be trusted
    FAILED = "failed"  # network trouble: try again later
    SKIPPED = "skipped"


class Strategy(str, Enum):
    HAS_DOI = "has-doi"
    NO_TITLE = "no-title"
    ANTHOLOGY = "anthology"
    DOI_URL = "doi-url"
    ARXIV = "arxiv"
    NO_DOI_VENUE = "no-doi-venue"
    SEARCH = "crossref-search"


@dataclass(frozen=True)
class Lookup:
    paper: Paper
    strategy: Strategy
    candidate: str | None = None  # the DOI an identifier gives, to be confirmed

    @property
    def makes_requests(self) -> bool:
        return self.strategy not in (Strategy.HAS_DOI, Strategy.NO_TITLE, Strategy.NO_DOI_VENUE)


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
    key: str
    outcome: Outcome
    strategy: Strategy
    message: str = ""
    doi: str | None = None
    source: str | None = None
    evidence: dict[str, object] | None = None
    rejected: tuple[Candidate, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()

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


# ---------------------------------------------------------------------- planning


def plan_lookups(bib: BibFile) -> list[Lookup]:
    """One lookup per entry, in file order."""
    return [plan_lookup(paper) for paper in papers_of(bib)]


def plan_lookup(paper: Paper) -> Lookup:
    if paper.get("doi") is not None:
        return Lookup(paper, Strategy.HAS_DOI)
    if not paper.title:
        return Lookup(paper, Strategy.NO_TITLE)
    if paper.anthology_id:
        return Lookup(paper, Strategy.ANTHOLOGY, ids.anthology_doi(paper.anthology_id))
    url_doi = doi_in_url(paper.get("url"))
    if url_doi:
        return Lookup(paper, Strategy.DOI_URL, url_doi)
    if paper.arxiv_id and is_arxiv_only(paper):
        return Lookup(paper, Strategy.ARXIV, ids.arxiv_doi(paper.arxiv_id))
    if venue_has_no_dois(paper):
        return Lookup(paper, Strategy.NO_DOI_VENUE)
    return Lookup(paper, Strategy.SEARCH)


def doi_in_url(url: str | None) -> str | None:
    if not url or ids.classify_url(url) != "doi":
        return None
    return ids.parse_doi(url)


def is_arxiv_only(paper: Paper) -> bool:
    """A preprint: @misc-like, or an @article whose "journal" is arXiv / CoRR."""
    if paper.is_preprint:
        return True
    venue = (paper.venue or "").strip().lower()
    return venue in ("", "arxiv", "corr") or venue.startswith(("arxiv", "corr"))


def venue_has_no_dois(paper: Paper) -> bool:
    venue = " ".join(filter(None, (paper.text("booktitle"), paper.text("journal"), paper.text("series"))))
    url = (paper.get("url") or "").lower()
    return bool(NO_DOI_VENUES.search(venue)) or any(host in url for host in NO_DOI_HOSTS)


# ---------------------------------------------------------------------- running


class LookupsInterrupted(KeyboardInterrupt):
    """Ctrl-C during the lookups; carries the results that had finished."""

    def __init__(self, results: list[EntryResult]) -> None:
        super().__init__()
        self.results = results


@dataclass
class Services:
    session: requests.Session
    config: ServiceConfig
    feed: dict[str, Work] = field(default_factory=dict)  # arXiv entries fetched in one batch
    feed_error: str | None = None


def run_lookups(
    lookups: list[Lookup],
    session: requests.Session,
    config: ServiceConfig,
    *,
    jobs: int = 3,
    on_result: Callable[[EntryResult], None] | None = None,
) -> list[EntryResult]:
    """Resolve every lookup; results in the lookups' order. Ctrl-C raises `LookupsInterrupted`."""
    services = Services(session, config)
    arxiv_ids = [lk.paper.arxiv_id for lk in lookups if lk.strategy is Strategy.ARXIV and lk.paper.arxiv_id]
    if arxiv_ids:
        try:
            services.feed = arxiv.get_many(session, config, arxiv_ids)
        except NetworkError as exc:  # the feed only feeds suggestions; the DOIs do not depend on it
            services.feed_error = str(exc)
    results: dict[int, EntryResult] = {}
    lock = threading.Lock()

    def record(index: int, result: EntryResult) -> None:
        with lock:
            results[index] = result
        if on_result is not None:
            on_result(result)

    remote = [(i, lk) for i, lk in enumerate(lookups) if lk.makes_requests]
    executor = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="fetch-dois")
    try:
        for i, lk in enumerate(lookups):
            if not lk.makes_requests:
                record(i, resolve(lk, services))
        pending: dict[Future[EntryResult], int] = {
            executor.submit(resolve, lk, services): i for i, lk in remote
        }
        while pending:
            done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                record(pending.pop(future), future.result())
    except BaseException as exc:
        # Stop now: queued lookups are dropped, running ones give up within a fraction of a
        # second (`http.cancel`), so no worker thread keeps the process alive.
        http.cancel(session)
        executor.shutdown(wait=False, cancel_futures=True)
        if not isinstance(exc, KeyboardInterrupt):
            raise
        with lock:
            finished = [results[i] for i in sorted(results)]
        raise LookupsInterrupted(finished) from None
    executor.shutdown(wait=True)
    return [results[i] for i in range(len(lookups))]


def resolve(lookup: Lookup, services: Services) -> EntryResult:
    """One entry's answer; a network failure is a FAILED result, never an exception."""
    try:
        return _RESOLVERS[lookup.strategy](lookup, services)
    except NetworkError as exc:
        return _result(lookup, Outcome.FAILED, str(exc))


def _result(lookup: Lookup, outcome: Outcome, message: str, **kwargs: Any) -> EntryResult:
    return EntryResult(lookup.paper.key, outcome, lookup.strategy, message, **kwargs)


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
    return EntryResult(
        result.key,
        result.outcome,
        result.strategy,
        message,
        result.doi,
        result.source,
        result.evidence,
        result.rejected,
        suggestions,
    )


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


# ---------------------------------------------------------------------- writing back


def writable_doi(result: EntryResult) -> str | None:
    """The DOI to write for a result, only if it is FILLED and a syntactically safe DOI."""
    if result.outcome is not Outcome.FILLED or not result.doi:
        return None
    return ids.parse_doi(result.doi)


def plan_edits(bib: BibFile, results: Iterable[EntryResult]) -> list[Splice]:
    """`doi = {...}` insertions for filled entries that still lack a doi (never an overwrite)."""
    splices: list[Splice] = []
    for result in results:
        doi = writable_doi(result)
        entry = bib.entry(result.key)
        if doi is None or entry is None:
            continue
        existing = entry.field("doi")
        if existing is not None and (bib.value(entry, "doi") or "").strip():
            continue
        splices.append(bib.plan_set_field(result.key, "doi", doi))
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
