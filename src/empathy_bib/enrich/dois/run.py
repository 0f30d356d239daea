"""Running: every lookup resolved with bounded concurrency; Ctrl-C stops within a second."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

import requests

from ...errors import NetworkError
from .. import arxiv, http
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
