"""Running: every entry gathered and compared, lookups in parallel through the one HTTP layer.

The session bounds requests per host (at most 3 in flight) and carries the cache, retries and
breakers; here only entries are spread over `jobs` threads. Ctrl-C cancels the session, so
every attempt stops within a fraction of a second, and raises `VerifyInterrupted`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import requests

from ...bib import BibFile
from ...check.codes import CHECKS
from ...check.diagnostics import Diagnostic
from ...record import Paper
from .. import http
from ..parallel import run_parallel
from ..services import ServiceConfig
from .compare import Finding, compare
from .gather import Feed, Gathered, arxiv_ids, fetch_feed, gather
from .published_version import published_findings


class VerifyInterrupted(KeyboardInterrupt):
    """Ctrl-C during the lookups."""


@dataclass(frozen=True)
class EntryVerdict:
    paper: Paper
    gathered: Gathered
    findings: tuple[Finding, ...]


def verify_one(session: requests.Session, config: ServiceConfig, paper: Paper, feed: Feed) -> EntryVerdict:
    gathered = gather(session, config, paper, feed)
    findings = compare(gathered) + published_findings(session, config, gathered)
    return EntryVerdict(paper, gathered, tuple(findings))


def verify_papers(
    papers: list[Paper],
    session: requests.Session,
    config: ServiceConfig,
    *,
    jobs: int = 3,
    on_done: Callable[[EntryVerdict], None] | None = None,
) -> list[EntryVerdict]:
    """Every paper verified, in the given order; `jobs`: requests in flight per host."""
    try:
        feed = fetch_feed(session, config, arxiv_ids(papers))  # one batched id_list for every entry
        tasks = [partial(verify_one, session, config, paper, feed) for paper in papers]
        # Twice as many entries at once as requests in flight (`jobs`, which the session enforces
        # per host): one entry's parsing and cache write then overlap another's request.
        return run_parallel(session, tasks, threads=2 * max(1, jobs), on_result=on_done, name="verify")
    except KeyboardInterrupt:
        http.cancel(session)  # also when Ctrl-C came during the feed, before the threads
        raise VerifyInterrupted from None


def diagnostics(bib: BibFile, path: str, verdicts: list[EntryVerdict]) -> list[Diagnostic]:
    """The findings as located diagnostics: at the field that disagrees, else at the entry."""
    found: list[Diagnostic] = []
    for verdict in verdicts:
        paper = verdict.paper
        for finding in verdict.findings:
            span = paper.spans.get(finding.field) if finding.field else None
            offset = span.name_start if span is not None else paper.block.start
            line, column = bib.line_col(offset)
            check = CHECKS[finding.code]
            found.append(
                Diagnostic(
                    path,
                    line,
                    column,
                    check.severity,
                    finding.code,
                    finding.message,
                    paper.key,
                    check.fix_hint,
                )
            )
    return sorted(found, key=lambda d: d.sort_key)
