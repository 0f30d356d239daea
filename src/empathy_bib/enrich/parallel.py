"""Lookups spread over threads and stoppable within a second: the one loop that fetch-dois,
verify, import and upgrade run their lookups through.

The session bounds the requests in flight per host; here only the tasks are spread over threads.
The main thread waits in short slices so that Ctrl-C reaches it at once; then the session is
cancelled (running attempts give up within a fraction of a second, `http.cancel`), queued tasks
are dropped, and `Interrupted` carries the results that had arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Generic, TypeVar

import requests

from . import http

R = TypeVar("R")
SLICE = 0.2  # seconds the main thread waits at a time, so that a signal is handled promptly


class Interrupted(KeyboardInterrupt, Generic[R]):
    """Ctrl-C during the lookups; `finished` maps a task's index to its result, for those done."""

    def __init__(self, finished: dict[int, R]) -> None:
        super().__init__()
        self.finished = finished


def run_parallel(
    session: requests.Session,
    tasks: Sequence[Callable[[], R]],
    *,
    threads: int,
    on_result: Callable[[R], None] | None = None,
    name: str = "lookups",
) -> list[R]:
    """Every task's result, in the tasks' order; `on_result` is called in the main thread as each
    arrives (a progress bar). An exception in a task stops the others and is raised here."""
    results: dict[int, R] = {}
    executor = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix=name)
    try:
        pending: dict[Future[R], int] = {executor.submit(task): i for i, task in enumerate(tasks)}
        while pending:
            done, _ = wait(pending, timeout=SLICE, return_when=FIRST_COMPLETED)
            for future in done:
                index = pending.pop(future)
                results[index] = future.result()
                if on_result is not None:
                    on_result(results[index])
    except BaseException as exc:
        http.cancel(session)
        executor.shutdown(wait=False, cancel_futures=True)
        if isinstance(exc, KeyboardInterrupt) and not isinstance(exc, Interrupted):
            raise Interrupted(results) from None
        raise
    executor.shutdown(wait=True)
    return [results[i] for i in range(len(tasks))]
