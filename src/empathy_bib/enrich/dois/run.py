"""Running: every lookup resolved with bounded concurrency; Ctrl-C stops within a second."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import requests

from ...errors import NetworkError
from .. import arxiv
from ..parallel import Interrupted, run_parallel
from ..services import ServiceConfig
from .plan import Lookup, Strategy
from .resolve import Services, resolve
from .results import EntryResult


class LookupsInterrupted(KeyboardInterrupt):
    """Ctrl-C during the lookups; carries the results that had finished."""

    def __init__(self, results: list[EntryResult]) -> None:
        super().__init__()
        self.results = results


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
    remote = [i for i, lk in enumerate(lookups) if lk.makes_requests]
    tasks = [partial(resolve, lookups[i], services) for i in remote]
    try:
        for i, lk in enumerate(lookups):
            if not lk.makes_requests:
                results[i] = resolve(lk, services)
                if on_result is not None:
                    on_result(results[i])
        answers = run_parallel(session, tasks, threads=jobs, on_result=on_result, name="fetch-dois")
    except KeyboardInterrupt as exc:
        if isinstance(exc, Interrupted):
            results.update((remote[n], result) for n, result in exc.finished.items())
        raise LookupsInterrupted([results[i] for i in sorted(results)]) from None
    results.update(zip(remote, answers, strict=True))
    return [results[i] for i in range(len(lookups))]
