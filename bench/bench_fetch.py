#!/usr/bin/env python3
"""fetch-dois throughput against a loopback fake Crossref: 100 ms latency, 3 concurrent requests.

    .venv/bin/python bench/bench_fetch.py [N]   (default N = 300)
    .venv/bin/python bench/bench_fetch.py --edits [FILLS ...]   (default 1000 4000 16000)

Prints, for N lookups (Anthology-id entries, one `/works/{doi}` request each):
- our pipeline (`enrich.dois.run_lookups`, --jobs 3) with a cold cache: wall time against the
  target 1.3 x N x 0.1 s / 3, requests received, requests refused for exceeding the limit;
- the same run again with the cache: wall time (target < 1 s) and requests received (target 0);
- a serial client (plain requests, one at a time) in the same run, for comparison;
- then (and alone with --edits) writing the answers back: `dois.apply_results` (plan one
  `doi` insertion per filled entry, apply them all, re-split) at 1,000 / 4,000 / 16,000 fills,
  which must grow linearly with the number of fills.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from empathy_bib.bib import BibFile  # noqa: E402
from empathy_bib.enrich import dois, http  # noqa: E402
from empathy_bib.enrich.services import ServiceConfig  # noqa: E402

LATENCY = 0.1
LIMIT = 3


class Counters:
    lock = threading.Lock()
    in_flight = 0
    peak = 0
    received = 0
    refused = 0


class FakeCrossref(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def do_GET(self) -> None:
        with Counters.lock:
            Counters.received += 1
            Counters.in_flight += 1
            Counters.peak = max(Counters.peak, Counters.in_flight)
            over = Counters.in_flight > LIMIT
            if over:
                Counters.refused += 1
        try:
            if over:
                self._send(429, b"too many concurrent requests", {"Retry-After": "1"})
                return
            time.sleep(LATENCY)
            index = self.path.rsplit(".", 1)[-1]
            doi = self.path.split("/works/", 1)[-1]
            item = {
                "DOI": doi,
                "type": "proceedings-article",
                "title": [f"Benchmark Paper {index} on Empathetic Dialogue"],
                "author": [{"given": "Ada", "family": "Lovelace", "sequence": "first"}],
                "issued": {"date-parts": [[2024]]},
            }
            body = json.dumps({"status": "ok", "message-type": "work", "message": item}).encode()
            self._send(200, body, {"Content-Type": "application/json"})
        finally:
            with Counters.lock:
                Counters.in_flight -= 1

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def synthetic_bib(n: int) -> BibFile:
    entries = [
        f"@inproceedings{{bench{i},\n  title = {{Benchmark Paper {i} on Empathetic Dialogue}},\n"
        f"  author = {{Lovelace, Ada}},\n  year = {{2024}},\n"
        f"  url = {{https://aclanthology.org/2024.bench-main.{i}/}},\n}}\n"
        for i in range(1, n + 1)
    ]
    return BibFile.from_text("\n".join(entries))


def reset() -> None:
    with Counters.lock:
        Counters.received = Counters.refused = Counters.peak = 0


def run_pipeline(bib: BibFile, config: ServiceConfig) -> tuple[float, int, int]:
    http.close_sessions()
    session = http.make_session(config, per_host=LIMIT)
    lookups = dois.plan_lookups(bib)
    reset()
    start = time.perf_counter()
    results = dois.run_lookups(lookups, session, config, jobs=LIMIT)
    elapsed = time.perf_counter() - start
    filled = sum(r.outcome is dois.Outcome.FILLED for r in results)
    return elapsed, Counters.received, filled


def run_serial(base: str, n: int) -> float:
    reset()
    start = time.perf_counter()
    with requests.Session() as session:
        for i in range(1, n + 1):
            session.get(f"{base}/works/10.18653/v1/2024.bench-main.{i}", timeout=10).json()
    return time.perf_counter() - start


def filled_results(bib: BibFile) -> list[dois.EntryResult]:
    """A FILLED answer for every entry, as the lookups would return for Anthology papers."""
    return [
        dois.EntryResult(
            entry,
            dois.Outcome.FILLED,
            dois.Strategy.ANTHOLOGY,
            doi=f"10.18653/v1/2024.bench-main.{i}",
        )
        for i, entry in enumerate(bib.entries, 1)
    ]


def bench_edits(sizes: list[int]) -> None:
    print("fetch-dois write-back (plan_edits + apply, one batch):")
    for fills in sizes:
        bib = synthetic_bib(fills)
        results = filled_results(bib)
        start = time.perf_counter()
        written = dois.apply_results(bib, results)
        elapsed = time.perf_counter() - start
        assert written == fills and bib.text.count("doi = {") == fills
        print(f"  {fills:6d} fills : {elapsed:6.2f} s ({elapsed / fills * 1e6:5.1f} us per fill)")


def main() -> None:
    if sys.argv[1:2] == ["--edits"]:
        bench_edits([int(a) for a in sys.argv[2:]] or [1000, 4000, 16000])
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeCrossref)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    bib = synthetic_bib(n)
    ideal = n * LATENCY / LIMIT
    with tempfile.TemporaryDirectory() as cache:
        config = ServiceConfig(crossref_url=base, cache_dir=Path(cache), timeout=10)
        cold, received, filled = run_pipeline(bib, config)
        peak, refused = Counters.peak, Counters.refused
        warm, warm_received, warm_filled = run_pipeline(bib, config)
    serial = run_serial(base, n)
    print(
        f"fetch-dois bench: N = {n} lookups, fake latency {LATENCY * 1000:.0f} ms, limit {LIMIT} concurrent"
    )
    print(f"  ideal N x {LATENCY:g} s / {LIMIT}      : {ideal:6.2f} s (target <= {1.3 * ideal:.2f} s)")
    print(
        f"  empathy-bib, cold cache : {cold:6.2f} s = {cold / ideal:.2f} x ideal; {received} requests, "
        f"peak {peak} in flight, {refused} refused; {filled}/{n} filled"
    )
    print(f"  empathy-bib, cached run : {warm:6.2f} s; {warm_received} requests; {warm_filled}/{n} filled")
    print(f"  serial client           : {serial:6.2f} s = {serial / ideal:.2f} x ideal")
    server.shutdown()
    bench_edits([1000, 4000, 16000])


if __name__ == "__main__":
    main()
