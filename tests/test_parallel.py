"""enrich.parallel.run_parallel: the one loop fetch-dois, verify and import run lookups through."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from empathy_bib.enrich import http
from empathy_bib.enrich.parallel import Interrupted, run_parallel
from empathy_bib.enrich.services import ServiceConfig
from empathy_bib.enrich.transport import LimitedAdapter


def test_results_come_back_in_task_order_whatever_order_they_finish() -> None:
    delays = [0.05, 0.0, 0.03, 0.01]
    seen: list[int] = []

    def task(i: int) -> int:
        time.sleep(delays[i])
        return i * 10

    tasks = [lambda i=i: task(i) for i in range(len(delays))]
    assert run_parallel(requests.Session(), tasks, threads=4, on_result=seen.append) == [0, 10, 20, 30]
    assert sorted(seen) == [0, 10, 20, 30]


def test_ctrl_c_carries_the_finished_results_and_cancels_the_session() -> None:
    session = http.make_session(ServiceConfig(use_cache=False))
    release = threading.Event()

    def slow() -> str:
        release.wait(5)
        return "slow"

    def stop(result: str) -> None:
        raise KeyboardInterrupt

    with pytest.raises(Interrupted) as info:
        run_parallel(session, [lambda: "quick", slow], threads=2, on_result=stop)
    release.set()
    assert info.value.finished == {0: "quick"}
    adapter = session.get_adapter("https://")
    assert isinstance(adapter, LimitedAdapter) and adapter.cancelled.is_set()


def test_a_failing_task_is_raised_in_the_caller() -> None:
    def boom() -> int:
        raise ValueError("bad answer")

    with pytest.raises(ValueError, match="bad answer"):
        run_parallel(requests.Session(), [boom, lambda: 1], threads=2)
