"""The retry loop of `http.fetch`: Retry-After's cap, the circuit breaker, the budget, cancellation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from empathy_bib.enrich import http
from empathy_bib.enrich.services import ServiceConfig
from empathy_bib.enrich.transport import Cancelled
from empathy_bib.errors import NetworkError, UsageError
from tests.faultserver import HANG, FaultServer


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    yield
    http.close_sessions()


def config_for(server: HTTPServer, tmp_path: Path, timeout: float = 2.0) -> ServiceConfig:
    return ServiceConfig(
        crossref_url=server.url_for("").rstrip("/"), use_cache=False, cache_dir=tmp_path, timeout=timeout
    )


def test_long_retry_after_fails_at_once_and_is_not_waited_for(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/works/10.1/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    config = config_for(httpserver, tmp_path)
    session = http.make_session(config)
    started = time.monotonic()
    with pytest.raises(NetworkError, match="Crossref asks to wait 3600 s; try later") as info:
        http.fetch(session, config, "Crossref", httpserver.url_for("/works/10.1/x"))
    assert info.value.exit_code == 1
    assert time.monotonic() - started < 1 and len(httpserver.log) == 1


def test_retry_after_as_an_http_date() -> None:
    soon = datetime.now(timezone.utc) + timedelta(seconds=30)
    assert 25 <= (http.parse_retry_after(format_datetime(soon, usegmt=True)) or 0) <= 31
    assert http.parse_retry_after("7") == 7.0
    assert http.parse_retry_after("whenever") is None and http.parse_retry_after(None) is None


def test_breaker_opens_after_consecutive_failures_and_a_success_resets_it(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    httpserver.expect_request("/ok").respond_with_data("{}", content_type="application/json")
    httpserver.expect_request("/bad").respond_with_data("oops", status=500)
    config = config_for(httpserver, tmp_path)
    policy = http.RetryPolicy(total=0, breaker_after=3, backoff_factor=0)
    session = http.make_session(config, retry=policy)
    for path in ("/bad", "/bad", "/ok", "/bad", "/bad"):  # never 3 in a row
        try:
            http.fetch(session, config, "Crossref", httpserver.url_for(path))
        except NetworkError as exc:
            assert "HTTP 500" in str(exc)
    with pytest.raises(NetworkError, match="HTTP 500"):
        http.fetch(session, config, "Crossref", httpserver.url_for("/bad"))  # the third in a row
    asked = len(httpserver.log)
    with pytest.raises(NetworkError, match=r"^could not check: Crossref is not answering$"):
        http.fetch(session, config, "Crossref", httpserver.url_for("/ok"))
    assert len(httpserver.log) == asked  # reported without asking


def test_a_client_error_does_not_open_the_breaker(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/gone").respond_with_data("no", status=410)
    config = config_for(httpserver, tmp_path)
    session = http.make_session(config, retry=http.RetryPolicy(breaker_after=2))
    for _ in range(4):
        with pytest.raises(NetworkError, match="HTTP 410"):
            http.fetch(session, config, "Crossref", httpserver.url_for("/gone"))
    assert len(httpserver.log) == 4  # not retried, and never given up on


def test_cancel_stops_a_hung_attempt_within_a_slice(tmp_path: Path) -> None:
    with FaultServer(lambda path: HANG) as server:
        config = ServiceConfig(crossref_url=server.url, use_cache=False, timeout=30.0)
        session = http.make_session(config)
        caught: list[BaseException] = []

        def lookup() -> None:
            try:
                http.fetch(session, config, "Crossref", f"{server.url}/works/10.1/x")
            except BaseException as exc:
                caught.append(exc)

        worker = threading.Thread(target=lookup)
        worker.start()
        while not server.paths:
            time.sleep(0.01)
        cancelled = time.monotonic()
        http.cancel(session)
        worker.join(timeout=5)
        assert not worker.is_alive() and time.monotonic() - cancelled < 0.5
    assert len(caught) == 1 and isinstance(caught[0], Cancelled)
    assert http.make_session(config) is not session  # a cancelled session is not handed out again


def test_timeout_is_checked_by_the_config() -> None:
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(UsageError, match="--timeout"):
            ServiceConfig(timeout=bad)
    assert ServiceConfig(timeout=0.5).timeout == 0.5
