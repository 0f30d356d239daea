"""A dead or hostile service costs a bounded time per run, against real loopback servers.

Servers that hang, trickle a byte at a time, throttle with `Retry-After: 3600`, refuse
connections, answer an HTML page with 200, or send too much; and real signals to a real
`python -m empathy_bib fetch-dois` process.
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from empathy_bib import cli
from empathy_bib.bib import BibFile
from empathy_bib.enrich import crossref, dois, http, transport
from empathy_bib.enrich.services import ServiceConfig
from empathy_bib.errors import NetworkError
from empathy_bib.record import papers_of
from tests.conftest import ROOT
from tests.faultserver import (
    CAPTIVE_PORTAL,
    HANG,
    THROTTLED,
    FaultServer,
    Trickle,
    bench_bib,
    closed_port,
    crossref_work,
    json_response,
    response,
)
from tests.test_fetch_fakes import FakeServices, datacite_body, fake, fake_server

__all__ = ["fake", "fake_server"]

QUICK = http.RetryPolicy(backoff_factor=0.01, backoff_max=0.05)  # 3 attempts, no real backoff


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    yield
    http.close_sessions()


def config_for(base: str, tmp_path: Path, timeout: float = 0.5, **kwargs: object) -> ServiceConfig:
    settings: dict[str, object] = {"crossref_url": base, "use_cache": False, "cache_dir": tmp_path}
    settings.update(kwargs)
    return ServiceConfig(timeout=timeout, **settings)  # type: ignore[arg-type]


def lookup_all(
    bib_text: str, config: ServiceConfig, policy: http.RetryPolicy = QUICK
) -> list[dois.EntryResult]:
    bib = BibFile.from_text(bib_text)
    session = http.make_session(config, retry=policy)
    return dois.run_lookups(dois.plan_lookups(bib), session, config, jobs=3)


# ---------------------------------------------------------------------- one request, bounded


@pytest.mark.parametrize("where", ["status line", "body"])
def test_timeout_bounds_a_trickled_answer(tmp_path: Path, where: str) -> None:
    answer = crossref_work("/works/10.1/x.1")
    head, _, body = answer.partition(b"\r\n\r\n")

    def behave(path: str) -> Trickle:
        if where == "status line":
            return Trickle(answer, every=0.05)
        return Trickle(body, every=0.05, head=head + b"\r\n\r\n")

    with FaultServer(behave) as server:
        config = config_for(server.url, tmp_path, timeout=0.4)
        session = http.make_session(config, retry=http.RetryPolicy(total=0))
        started = time.monotonic()
        with pytest.raises(NetworkError, match=r"no answer within 0\.4 s"):
            crossref.get_work(session, config, "10.1/x.1")
        assert time.monotonic() - started < 1.0  # each byte came within the socket timeout


def test_hung_service_costs_three_attempts_at_most(tmp_path: Path) -> None:
    with FaultServer(lambda path: HANG) as server:
        config = config_for(server.url, tmp_path, timeout=0.3)
        started = time.monotonic()
        with pytest.raises(NetworkError, match=r"Crossref: no answer within 0\.3 s"):
            crossref.get_work(http.make_session(config, retry=QUICK), config, "10.1/x")
        elapsed = time.monotonic() - started
        assert len(server.paths) == 3
    assert 0.9 <= elapsed < 1.6


def test_retry_after_beyond_the_cap_fails_at_once_for_the_whole_host(tmp_path: Path) -> None:
    with FaultServer(lambda path: THROTTLED) as server:
        config = config_for(server.url, tmp_path)
        session = http.make_session(config, retry=QUICK)
        started = time.monotonic()
        for doi in ("10.1/a", "10.1/b"):
            with pytest.raises(NetworkError, match="Crossref asks to wait 3600 s; try later"):
                crossref.get_work(session, config, doi)
        assert time.monotonic() - started < 0.5
        assert len(server.paths) == 1  # the second lookup did not even ask


def test_retry_after_within_the_cap_delays_every_request_to_the_host(tmp_path: Path) -> None:
    calls: list[float] = []

    def behave(path: str) -> bytes:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return json_response({"message": "busy"}, 503, Retry_After="1")
        return crossref_work(path)

    with FaultServer(behave) as server:
        config = config_for(server.url, tmp_path)
        work = crossref.get_work(
            http.make_session(config, retry=QUICK), config, "10.18653/v1/2024.bench-main.1"
        )
    assert work is not None and len(calls) == 2 and calls[1] - calls[0] >= 0.95


def test_refused_connection_is_a_network_error(tmp_path: Path) -> None:
    config = config_for(closed_port(), tmp_path)
    with pytest.raises(NetworkError, match="Crossref: cannot connect"):
        crossref.get_work(http.make_session(config, retry=QUICK), config, "10.1/x")


# ---------------------------------------------------------------------- a run, bounded


def test_breaker_reports_the_rest_at_once_and_the_run_goes_on_with_other_services(
    tmp_path: Path, fake: FakeServices
) -> None:
    """Crossref hangs; the arXiv-only entries (DataCite) are still answered."""
    doi = "10.48550/arXiv.2401.00001"
    fake.datacite[doi.lower()] = datacite_body(doi, "A Preprint on Empathy", [("Ada", "Lovelace")], 2024)
    preprint = "@misc{pre,\n  title = {A Preprint on Empathy},\n  author = {Lovelace, Ada},\n"
    preprint += "  year = {2024},\n  eprint = {2401.00001},\n  archiveprefix = {arXiv},\n}\n"
    with FaultServer(lambda path: HANG) as server:
        config = config_for(
            server.url,
            tmp_path,
            timeout=0.3,
            datacite_url=fake.base("datacite"),
            arxiv_url=fake.base("arxiv"),
        )
        started = time.monotonic()
        results = lookup_all(bench_bib(30) + "\n" + preprint, config)
        elapsed = time.monotonic() - started
        sent = len(server.paths)
    by_key = {r.key: r for r in results}
    assert by_key["pre"].outcome is dois.Outcome.FILLED
    failed = [r for r in results if r.key != "pre"]
    assert all(r.outcome is dois.Outcome.FAILED for r in failed)
    skipped = [r for r in failed if r.message == "could not check: Crossref is not answering"]
    assert len(skipped) >= 25
    assert sent <= 9 and elapsed < 2.5


def test_fifty_entries_against_a_refusing_service(tmp_path: Path) -> None:
    config = config_for(closed_port(), tmp_path)
    started = time.monotonic()
    results = lookup_all(bench_bib(50), config, http.RetryPolicy())  # real backoff
    assert time.monotonic() - started < 3
    assert {r.outcome for r in results} == {dois.Outcome.FAILED}
    assert sum("is not answering" in r.message for r in results) >= 40


def test_the_run_has_a_retry_budget(tmp_path: Path) -> None:
    with FaultServer(lambda path: json_response({}, 500)) as server:
        config = config_for(server.url, tmp_path)
        policy = http.RetryPolicy(backoff_factor=0.001, budget=2, breaker_after=100)
        session = http.make_session(config, retry=policy)
        for i in range(4):
            with pytest.raises(NetworkError, match="HTTP 500"):
                crossref.get_work(session, config, f"10.1/{i}")
        assert len(server.paths) == 4 + 2


def test_every_attempt_retries_included_passes_the_rate_gate(fake: FakeServices, tmp_path: Path) -> None:
    """11 requests in one second against `X-Rate-Limit-Limit: 10` was the bug: retries skipped the gate."""
    fake.rate_headers = ("10", "1s")
    fake.latency = 0.02
    fake.override = lambda request: (
        json_500() if len(fake.received) % 2 == 0 and len(fake.received) > 1 else None
    )
    config = fake.config(tmp_path, use_cache=False, timeout=2.0)
    policy = http.RetryPolicy(backoff_factor=0.001, breaker_after=100, budget=100)
    results = lookup_all(bench_bib(12), config, policy)
    assert len(results) == 12
    # The first answer teaches the rate; up to four requests were let through before it came.
    starts = sorted(r.started for r in fake.received)[4:]
    assert len(starts) > 12  # retries happened
    assert all(later - first >= 0.95 for first, later in zip(starts, starts[10:], strict=False))
    assert fake.max_in_flight <= 3


def json_500() -> Response:
    return Response('{"status": "error"}', 500, content_type="application/json")


# ---------------------------------------------------------------------- answers that are not answers


def test_html_with_200_is_a_network_failure_not_an_unknown_paper(tmp_path: Path) -> None:
    with FaultServer(lambda path: CAPTIVE_PORTAL) as server:
        config = config_for(server.url, tmp_path)
        with pytest.raises(NetworkError, match="try later") as info:
            crossref.get_work(http.make_session(config, retry=QUICK), config, "10.1/x")
    assert info.value.exit_code == 1


@pytest.mark.parametrize("ident", ["2020.emnlp-main.721", "2409.10289", "10.1016/j.csl.2024.101700"])
def test_add_behind_a_captive_portal_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], ident: str
) -> None:
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    (tmp_path / "references.bib").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    xhtml = b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>Log in</body></html>'
    with FaultServer(lambda path: xhtml_ok(xhtml) if "arxiv" in path else CAPTIVE_PORTAL) as server:
        urls = [f"--{s}-url={server.url}/{s}" for s in ("crossref", "datacite", "arxiv", "anthology")]
        code = cli.main(["add", ident, "--category", "datasets", "--no-cache", "--timeout=1", *urls])
    assert code == 1
    err = capsys.readouterr().err
    assert "try later" in err and "no metadata found" not in err
    assert (tmp_path / "references.bib").read_text() == ""


def xhtml_ok(body: bytes) -> bytes:
    return response(200, body, "application/xml")


def test_answer_over_the_size_cap_is_refused(
    httpserver: HTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "MAX_BODY", 10_000)
    bomb = gzip.compress(b'{"message": "' + b"a" * 50_000 + b'"}')  # 50 kB unpacked from a few hundred
    httpserver.expect_request("/works/10.1/bomb").respond_with_data(
        bomb, content_type="application/json", headers={"Content-Encoding": "gzip"}
    )
    httpserver.expect_request("/works/10.1/big").respond_with_data(
        b"x" * 20_000, content_type="application/json"
    )
    config = config_for(httpserver.url_for("").rstrip("/"), tmp_path)
    session = http.make_session(config, retry=QUICK)
    for doi in ("10.1/bomb", "10.1/big"):
        with pytest.raises(NetworkError, match="MB refused"):
            crossref.get_work(session, config, doi)


# ---------------------------------------------------------------------- options and files


def fetch_dois_cli(tmp_path: Path, *args: str) -> int:
    return cli.main(
        ["fetch-dois", *args, "--crossref-url", closed_port(), "--cache-dir", str(tmp_path / "c")]
    )


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "-inf"])
def test_timeout_must_be_positive_and_finite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    target = tmp_path / "r.bib"
    target.write_text(bench_bib(1), encoding="utf-8")
    assert fetch_dois_cli(tmp_path, str(target), f"--timeout={value}") == 2
    assert "--timeout must be a positive number" in capsys.readouterr().err


def test_report_folder_must_exist_before_anything_happens(tmp_path: Path) -> None:
    target = tmp_path / "r.bib"
    target.write_text(bench_bib(1), encoding="utf-8")
    with FaultServer(crossref_work) as server:
        code = cli.main(["fetch-dois", str(target), "--crossref-url", server.url, "--no-cache",
                         "--report", str(tmp_path / "missing" / "r.json")])  # fmt: skip
        assert server.paths == []
    assert code == 2 and target.read_text(encoding="utf-8") == bench_bib(1)


def test_corrupt_cache_is_exit_2_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "r.bib"
    target.write_text(bench_bib(1), encoding="utf-8")
    cache = tmp_path / "c" / "http-cache.sqlite"
    cache.parent.mkdir()
    cache.write_bytes(b"this is not SQLite" * 100)
    assert fetch_dois_cli(tmp_path, str(target)) == 2
    err = capsys.readouterr().err
    assert str(cache) in err and "delete it" in err


# ---------------------------------------------------------------------- signals, real process


def start_fetch(tmp_path: Path, base: str, n: int) -> tuple[subprocess.Popen[str], Path]:
    target = tmp_path / "r.bib"
    target.write_text(bench_bib(n), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), EMPATHY_BIB_CROSSREF_URL=base,
               EMPATHY_BIB_CACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
    cmd = [sys.executable, "-m", "empathy_bib", "fetch-dois", str(target), "--timeout", "20"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, target


@pytest.mark.parametrize(("signum", "code", "word"), [(signal.SIGINT, 130, "interrupted"),
                                                       (signal.SIGTERM, 143, "terminated")])  # fmt: skip
def test_signal_stops_within_a_second_and_keeps_finished_lookups(
    tmp_path: Path, signum: int, code: int, word: str
) -> None:
    answered = {"2024.bench-main.1", "2024.bench-main.2"}

    def behave(path: str) -> bytes | str:
        return crossref_work(path) if path.rsplit("/", 1)[-1] in answered else HANG

    with FaultServer(behave) as server:
        proc, target = start_fetch(tmp_path, server.url, 12)
        deadline = time.monotonic() + 30
        while len(server.paths) < 5 and time.monotonic() < deadline:  # 2 answered, 3 hanging
            time.sleep(0.05)
        time.sleep(0.3)
        sent = time.monotonic()
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    assert proc.returncode == code, err
    assert took < 1.5, err
    assert word in err and "Traceback" not in err
    assert err.count(word) == 1 and "wrote the 2 DOIs already found" in err  # one line says both
    keys = [p.key for p in papers_of(BibFile.load(target)) if p.doi]
    assert keys == ["bench1", "bench2"]


def test_ctrl_c_during_start_up_prints_no_traceback(tmp_path: Path) -> None:
    proc, _ = start_fetch(tmp_path, closed_port(), 1)
    time.sleep(0.15)  # importing
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert "Traceback" not in err
    assert proc.returncode in (130, -signal.SIGINT), err
