"""Retry-After is honoured but capped: a server asking for an hour never hangs the run."""

from __future__ import annotations

import time
from pathlib import Path

from pytest_httpserver import HTTPServer

from empathy_bib.enrich import http
from empathy_bib.enrich.services import ServiceConfig


def test_long_retry_after_is_capped(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_ordered_request("/works/10.1/x").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "3600"}
    )
    httpserver.expect_ordered_request("/works/10.1/x").respond_with_json({"status": "ok", "message": {}})
    base = httpserver.url_for("").rstrip("/")
    config = ServiceConfig(crossref_url=base, use_cache=False, cache_dir=tmp_path)
    policy = http.RetryPolicy(total=2, backoff_factor=0.0, retry_after_max=1)
    session = http.make_session(config, retry=policy)
    started = time.monotonic()
    response = http.fetch(session, config, "Crossref", httpserver.url_for("/works/10.1/x"))
    assert response is not None and response.status_code == 200
    assert time.monotonic() - started < 5
