"""The HTTP session and the Crossref / DataCite / arXiv clients, against local fakes."""

from __future__ import annotations

import itertools
import json
import threading
import time
from pathlib import Path

import pytest
from werkzeug.wrappers import Request, Response

from empathy_bib.enrich import arxiv, crossref, datacite, http
from empathy_bib.errors import NetworkError
from tests.test_fetch_fakes import (
    FIXTURES,
    ArxivEntry,
    FakeServices,
    crossref_item,
    fake,
    fake_server,
    session_for,
)

__all__ = ["fake", "fake_server"]  # the fixtures, re-exported for pytest


def test_crossref_work_parses_the_real_shape(fake: FakeServices, tmp_path: Path) -> None:
    item = json.loads((FIXTURES / "crossref_work.json").read_text())["message"]
    fake.works["10.18653/v1/2020.emnlp-main.721"] = item
    config = fake.config(tmp_path)
    work = crossref.get_work(session_for(config), config, "10.18653/v1/2020.emnlp-main.721")
    assert work is not None
    assert work.title == "MIME: MIMicking Emotions for Empathetic Response Generation"
    assert work.authors[0].family == "Majumder" and len(work.authors) == 8
    assert (work.year, work.type, work.pages) == (2020, "proceedings-article", "8968-8979")
    assert work.doi == "10.18653/v1/2020.emnlp-main.721"


def test_crossref_404_is_none_and_is_cached(fake: FakeServices, tmp_path: Path) -> None:
    config = fake.config(tmp_path)
    session = session_for(config)
    assert crossref.get_work(session, config, "10.18653/v1/2025.coling-main.66") is None
    assert crossref.get_work(session, config, "10.18653/v1/2025.coling-main.66") is None
    assert len(fake.received) == 1  # "no DOI exists" is remembered like any answer


def test_crossref_search_sends_query_bibliographic_and_user_mailto(
    fake: FakeServices, tmp_path: Path
) -> None:
    fake.searches.append(
        ("qwen2", json.loads((FIXTURES / "crossref_search_qwen.json").read_text())["message"]["items"])
    )
    config = fake.config(tmp_path, mailto="maintainer@example.org")
    works = crossref.search(session_for(config), config, "Qwen2 Technical Report", rows=5)
    assert works[0].title == "Qwen2.5 Technical Report"
    (request,) = fake.received
    assert request.query == {"query.bibliographic": "Qwen2 Technical Report", "rows": "5"}
    agent = request.headers["User-Agent"]
    assert agent.startswith("empathy-bib/") and "mailto:maintainer@example.org" in agent


def test_no_mailto_means_no_address_at_all(fake: FakeServices, tmp_path: Path) -> None:
    config = fake.config(tmp_path)
    crossref.search(session_for(config), config, "anything")
    assert "mailto" not in fake.received[0].headers["User-Agent"]
    assert "@" not in fake.received[0].headers["User-Agent"]


def test_datacite_record_and_related_identifiers(fake: FakeServices, tmp_path: Path) -> None:
    fake.datacite["10.48550/arxiv.2409.10289"] = json.loads((FIXTURES / "datacite_arxiv.json").read_text())
    config = fake.config(tmp_path)
    work = datacite.get_doi(session_for(config), config, "10.48550/arXiv.2409.10289")
    assert work is not None and work.type == "Preprint" and work.year == 2024
    assert work.arxiv_id == "2409.10289"
    assert work.authors[0].family == "Yuan" and work.related_dois == ("10.18653/v1/2025.acl-long.1235",)
    assert datacite.get_doi(session_for(config), config, "10.48550/arXiv.2409.99999") is None


def test_arxiv_feed_batches_ids_and_reads_journal_ref(fake: FakeServices, tmp_path: Path) -> None:
    config = fake.config(tmp_path)
    fixture = (FIXTURES / "arxiv_feed.xml").read_bytes()
    fake.override = lambda request: Response(fixture, 200, content_type="application/atom+xml")
    works = arxiv.get_many(session_for(config), config, ["2409.10289v2", "2311.04915", "9999.99999"])
    assert len(fake.received) == 1  # one id_list request for the batch
    assert sorted(fake.received[0].query["id_list"].split(",")) == ["2311.04915", "2409.10289", "9999.99999"]
    assert set(works) == {"2409.10289", "2311.04915"}  # the error entry is not a paper
    reflect = works["2409.10289"]
    assert reflect.title.startswith(
        "ReflectDiffu: Reflect between Emotion-intent Contagion and Mimicry for Empathetic"
    )
    assert reflect.journal_ref == "ACL 2025, pages 25435-25449"
    assert reflect.related_dois == ("10.18653/v1/2025.acl-long.1235",)
    assert works["2311.04915"].related_dois == () and works["2311.04915"].year == 2023


def test_arxiv_get_single(fake: FakeServices, tmp_path: Path) -> None:
    fake.arxiv["2401.14523"] = ArxivEntry(
        "2401.14523", "Empathy and the Right to Be an Exception", ["William Kidder"]
    )
    config = fake.config(tmp_path)
    work = arxiv.get(session_for(config), config, "2401.14523v2")
    assert work is not None and work.authors[0].family == "Kidder"


# ---------------------------------------------------------------------- faults


def test_429_then_success_honours_retry_after(fake: FakeServices, tmp_path: Path) -> None:
    calls: list[float] = []

    def throttle_once(request: Request) -> Response | None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("slow down", 429, headers={"Retry-After": "1"})
        return None

    fake.override = throttle_once
    fake.works["10.1/x"] = crossref_item("10.1/x", "A Title", [("A", "Author")], 2020)
    config = fake.config(tmp_path)
    work = crossref.get_work(session_for(config), config, "10.1/x")
    assert work is not None and work.title == "A Title"
    assert len(calls) == 2 and calls[1] - calls[0] >= 0.9  # waited as told, not the tiny backoff


def test_persistent_500_is_a_network_error_naming_the_service(fake: FakeServices, tmp_path: Path) -> None:
    fake.override = lambda request: Response("oops", 500)
    config = fake.config(tmp_path)
    with pytest.raises(NetworkError, match="Crossref") as info:
        crossref.get_work(session_for(config), config, "10.1/x")
    assert info.value.exit_code == 1
    assert len(fake.received) == 1 + http_retry_total()  # retried, then gave up


def http_retry_total() -> int:
    from tests.test_fetch_fakes import FAST_RETRY

    return FAST_RETRY.total


def test_malformed_json_is_a_failed_lookup_and_not_cached(fake: FakeServices, tmp_path: Path) -> None:
    broken = {"n": 0}

    def maybe_broken(request: Request) -> Response | None:
        broken["n"] += 1
        return Response("{not json", 200, content_type="application/json") if broken["n"] == 1 else None

    fake.override = maybe_broken
    fake.works["10.1/x"] = crossref_item("10.1/x", "A Title", [("A", "Author")], 2020)
    config = fake.config(tmp_path)
    with pytest.raises(NetworkError, match="malformed JSON"):
        crossref.get_work(session_for(config), config, "10.1/x")
    assert crossref.get_work(session_for(config), config, "10.1/x") is not None  # asked again


def test_wrong_shape_is_a_network_error(fake: FakeServices, tmp_path: Path) -> None:
    fake.override = lambda request: Response('{"status": "ok", "message": []}', 200)
    config = fake.config(tmp_path)
    with pytest.raises(NetworkError, match="unexpected answer"):
        crossref.search(session_for(config), config, "x")


def test_malformed_atom_is_a_network_error(fake: FakeServices, tmp_path: Path) -> None:
    fake.override = lambda request: Response("<feed><entry>", 200, content_type="application/atom+xml")
    config = fake.config(tmp_path)
    with pytest.raises(NetworkError, match="arXiv: malformed"):
        arxiv.get(session_for(config), config, "2401.14523")


def test_hanging_server_times_out(fake: FakeServices, tmp_path: Path) -> None:
    fake.latency = 1.0
    config = fake.config(tmp_path, timeout=0.1)
    session = http.make_session(config, retry=http.RetryPolicy(total=1, backoff_factor=0.001))
    before = time.monotonic()
    with pytest.raises(NetworkError, match="Crossref"):
        crossref.get_work(session, config, "10.1/x")
    assert time.monotonic() - before < 1.5


def test_unreachable_server_is_a_network_error(tmp_path: Path) -> None:
    config = http.ServiceConfig(crossref_url="http://127.0.0.1:9", cache_dir=tmp_path, timeout=0.5)  # type: ignore[attr-defined]
    session = http.make_session(config, retry=http.RetryPolicy(total=1, backoff_factor=0.001))
    with pytest.raises(NetworkError, match="Crossref: "):
        crossref.get_work(session, config, "10.1/x")
    http.close_sessions()


# ---------------------------------------------------------------------- limits


def test_at_most_three_requests_in_flight_per_host(fake: FakeServices, tmp_path: Path) -> None:
    fake.latency = 0.05
    fake.rate_headers = None
    config = fake.config(tmp_path, use_cache=False)
    session = session_for(config)
    threads = [
        threading.Thread(target=crossref.get_work, args=(session, config, f"10.1/{i}")) for i in range(12)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(fake.received) == 12
    assert fake.max_in_flight == 3


def test_rate_headers_space_the_requests(fake: FakeServices, tmp_path: Path) -> None:
    fake.rate_headers = ("10", "1s")  # at most 10 a second: starts >= ~0.1 s apart once learnt
    config = fake.config(tmp_path, use_cache=False)
    session = session_for(config)
    for i in range(5):
        crossref.get_work(session, config, f"10.1/{i}")
    starts = [r.started for r in fake.received]
    gaps = [b - a for a, b in itertools.pairwise(starts[1:])]  # the first answer teaches the rate
    assert min(gaps) >= 0.095


def test_parse_interval() -> None:
    assert http.parse_interval("1s") == 1.0
    assert http.parse_interval("500ms") == 0.5
    assert http.parse_interval("2m") == 120.0
    assert http.parse_interval("soon") is None


def test_session_is_reused_per_config(tmp_path: Path) -> None:
    config = http.ServiceConfig(cache_dir=tmp_path)  # type: ignore[attr-defined]
    assert http.make_session(config) is http.make_session(config)
    assert http.make_session(
        http.ServiceConfig(cache_dir=tmp_path, use_cache=False)  # type: ignore[attr-defined]
    ) is not http.make_session(config)
    http.close_sessions()
