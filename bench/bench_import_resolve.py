#!/usr/bin/env python3
"""import's resolution against a loopback fake ACL Anthology: 100 ms latency, 3 concurrent requests.

    .venv/bin/python bench/bench_import_resolve.py [N]   (default N = 2000)

A README of N papers (each an Anthology link, so one `<id>.bib` request each; the README is
built as the reader returns it, parsing is bench_import.py's part). Prints:
- planning, resolving (`readme_import.resolve_all`, --jobs 3, no cache) and writing
  (`apply_import`): wall time of the resolution against the politeness limit as bench_fetch.py
  computes it, target 1.3 x N x 0.1 s / 3; requests received, peak in flight, refused;
- a second import of the same README into the result: wall time and requests (target 0).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from empathy_bib.bib import BibFile  # noqa: E402
from empathy_bib.enrich import http, readme_import  # noqa: E402
from empathy_bib.enrich.services import ServiceConfig  # noqa: E402
from empathy_bib.readme import Heading, Link, ReadmeDocument, ReadmePaper  # noqa: E402
from empathy_bib.taxonomy import Taxonomy, taxonomy_from_text  # noqa: E402

LATENCY = 0.1
LIMIT = 3
SECTIONS = 12


class Counters:
    lock = threading.Lock()
    in_flight = 0
    peak = 0
    received = 0
    refused = 0


def title_of(i: int) -> str:
    return f"Benchmark Paper {i} on Reading Lists"


class FakeAnthology(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        with Counters.lock:
            Counters.received += 1
            Counters.in_flight += 1
            Counters.peak = max(Counters.peak, Counters.in_flight)
            over = Counters.in_flight > LIMIT
            Counters.refused += over
        try:
            if over:
                self._send(429, b"too many concurrent requests", {"Retry-After": "1"})
                return
            time.sleep(LATENCY)
            anthology_id = self.path.rsplit("/", 1)[-1].removesuffix(".bib")
            i = int(anthology_id.rsplit(".", 1)[-1])
            body = (
                f'@inproceedings{{lovelace-2024-bench-{i},\n    title = "{title_of(i)}",\n'
                f'    author = "Lovelace, Ada and Turing, Alan",\n'
                f'    booktitle = "Proceedings of the Benchmark Workshop",\n    year = "2024",\n'
                f'    url = "https://aclanthology.org/{anthology_id}/",\n}}\n'
            ).encode()
            self._send(200, body, {"Content-Type": "text/plain; charset=utf-8"})
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


def synthetic_document(n: int) -> ReadmeDocument:
    """N papers under SECTIONS headings, as the reader returns them."""
    headings = [Heading(3, f"Topic {s}", "", 10 + s, ("Papers", f"Topic {s}")) for s in range(SECTIONS)]
    papers = []
    for i in range(1, n + 1):
        url = f"https://aclanthology.org/2024.bench-main.{i}/"
        papers.append(
            ReadmePaper(
                line=100 + i,
                title=title_of(i),
                authors=("Ada Lovelace", "Alan Turing"),
                venue="Benchmark Workshop 2024",
                year=2024,
                links=(Link(url, "pdf", 100 + i, "paper"),),
                doi=None,
                arxiv_id=None,
                anthology_id=f"2024.bench-main.{i}",
                other_ids={},
                code=None,
                heading=headings[i % SECTIONS],
            )
        )
    return ReadmeDocument(papers=papers, headings=headings, skipped=[])


def import_once(
    document: ReadmeDocument, bib: BibFile, taxonomy_text: str, config: ServiceConfig
) -> tuple[float, float, int, str]:
    """(resolution s, whole import s, entries added, the new taxonomy) of one import into `bib`."""
    http.close_sessions()
    start = time.perf_counter()
    path = Path("categories.toml")
    taxonomy = taxonomy_from_text(taxonomy_text, path) if taxonomy_text else Taxonomy(groups=(), path=path)
    plan = readme_import.plan_import(document, bib, taxonomy, taxonomy_text, path)
    resolve_start = time.perf_counter()
    resolutions = {}
    if plan.new:
        session = http.make_session(config, per_host=LIMIT)
        resolutions = readme_import.resolve_all(plan, session, config, jobs=LIMIT)
    resolved = time.perf_counter() - resolve_start
    outcome = readme_import.apply_import(plan, resolutions, bib)
    return resolved, time.perf_counter() - start, len(outcome.added), plan.taxonomy.text


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAnthology)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    document = synthetic_document(n)
    ideal = n * LATENCY / LIMIT
    with tempfile.TemporaryDirectory() as cache:
        config = ServiceConfig(anthology_url=base, cache_dir=Path(cache), use_cache=False, timeout=10)
        bib = BibFile.from_text("")
        resolved, total, added, taxonomy_text = import_once(document, bib, "", config)
        received, peak, refused = Counters.received, Counters.peak, Counters.refused
        Counters.received = 0
        _, again_total, again_added, _ = import_once(document, bib, taxonomy_text, config)
    print(f"import resolution bench: N = {n} papers, fake latency {LATENCY * 1000:.0f} ms, limit {LIMIT}")
    print(f"  ideal N x {LATENCY:g} s / {LIMIT}      : {ideal:6.2f} s (target <= {1.3 * ideal:.2f} s)")
    print(
        f"  resolution, cold        : {resolved:6.2f} s = {resolved / ideal:.2f} x ideal; "
        f"{received} requests, peak {peak} in flight, {refused} refused; {added}/{n} added; "
        f"whole import {total:.2f} s"
    )
    print(
        f"  second import           : {again_total:6.2f} s; {Counters.received} requests; {again_added} added"
    )
    server.shutdown()


if __name__ == "__main__":
    main()
