"""Fake Crossref, DataCite and arXiv on 127.0.0.1, answering in the real APIs' shapes.

One threaded pytest-httpserver serves all three services (under /crossref, /datacite, /arxiv),
looks answers up in plain dicts a test fills, and records every request it received (path,
query, headers, and how many were in flight), so tests can assert on what the client did.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from empathy_bib.enrich import http
from empathy_bib.enrich.services import ServiceConfig

FIXTURES = Path(__file__).parent / "fixtures" / "api"
FAST_RETRY = http.RetryPolicy(total=3, backoff_factor=0.001, backoff_max=0.01)
Person = tuple[str, str]  # (given, family)


def crossref_item(
    doi: str,
    title: str,
    authors: list[Person],
    year: int | None,
    type_: str = "proceedings-article",
    container: str = "",
    **extra: Any,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "DOI": doi,
        "type": type_,
        "title": [title],
        "author": [
            {"given": g, "family": f, "sequence": "first" if i == 0 else "additional", "affiliation": []}
            for i, (g, f) in enumerate(authors)
        ],
        "container-title": [container] if container else [],
        "publisher": "Association for Computational Linguistics",
        "score": 42.0,
        "URL": f"http://dx.doi.org/{doi}",
        "relation": {},
    }
    if year:
        item["issued"] = {"date-parts": [[year]]}
    item.update(extra)
    return item


def work_body(item: dict[str, Any]) -> dict[str, Any]:
    return {"status": "ok", "message-type": "work", "message-version": "1.0.0", "message": item}


def search_body(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "status": "ok",
        "message-type": "work-list",
        "message-version": "1.0.0",
        "message": {"facets": {}, "total-results": len(items), "items": items, "items-per-page": 5},
    }


def datacite_body(
    doi: str, title: str, authors: list[Person], year: int, related: Sequence[str] = ()
) -> dict[str, Any]:
    return {
        "data": {
            "id": doi.lower(),
            "type": "dois",
            "attributes": {
                "doi": doi.lower(),
                "titles": [{"title": title}],
                "creators": [
                    {"name": f"{f}, {g}", "nameType": "Personal", "givenName": g, "familyName": f}
                    for g, f in authors
                ],
                "publisher": "arXiv",
                "publicationYear": year,
                "types": {"resourceTypeGeneral": "Preprint", "bibtex": "misc"},
                "relatedIdentifiers": [
                    {"relationType": "IsVersionOf", "relatedIdentifier": d, "relatedIdentifierType": "DOI"}
                    for d in related
                ],
                "url": f"https://arxiv.org/abs/{doi.split('.', 2)[-1]}",
            },
        }
    }


@dataclass
class ArxivEntry:
    arxiv_id: str
    title: str
    authors: list[str]
    published: str = "2024-01-01T00:00:00Z"
    doi: str = ""
    journal_ref: str = ""

    def xml(self) -> str:
        extra = ""
        if self.doi:
            extra += f'<arxiv:doi xmlns:arxiv="http://arxiv.org/schemas/atom">{escape(self.doi)}</arxiv:doi>'
        if self.journal_ref:
            extra += (
                '<arxiv:journal_ref xmlns:arxiv="http://arxiv.org/schemas/atom">'
                f"{escape(self.journal_ref)}</arxiv:journal_ref>"
            )
        names = "".join(f"<author><name>{escape(a)}</name></author>" for a in self.authors)
        return (
            f"<entry><id>http://arxiv.org/abs/{self.arxiv_id}v1</id><published>{self.published}</published>"
            f"<title>{escape(self.title)}</title><summary>An abstract.</summary>{names}{extra}</entry>"
        )


def atom_feed(entries: list[ArxivEntry]) -> str:
    body = "".join(e.xml() for e in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>q</title>{body}</feed>'


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    started: float
    in_flight: int


@dataclass
class FakeServices:
    """The three services; fill the dicts, point a ServiceConfig at `config()`."""

    server: HTTPServer
    works: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower DOI -> Crossref item
    searches: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)  # (substring, items)
    datacite: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower DOI -> body
    arxiv: dict[str, ArxivEntry] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    latency: float = 0.0
    override: Callable[[Request], Response | None] | None = None  # faults: answer before the lookup
    rate_headers: tuple[str, str] | None = ("50", "1s")
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _in_flight: int = 0
    max_in_flight: int = 0

    def base(self, service: str) -> str:
        return self.server.url_for(f"/{service}").rstrip("/")

    def config(self, tmp_path: Path, **kwargs: Any) -> ServiceConfig:
        settings: dict[str, Any] = {
            "crossref_url": self.base("crossref"),
            "datacite_url": self.base("datacite"),
            "arxiv_url": self.base("arxiv"),
            "cache_dir": tmp_path / "cache",
            "timeout": 5.0,
        }
        settings.update(kwargs)
        return ServiceConfig(**settings)

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.received if r.path.startswith(prefix)]

    def handle(self, request: Request) -> Response:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self.received.append(
                Received(
                    request.path, dict(request.args), dict(request.headers), time.monotonic(), self._in_flight
                )
            )
        try:
            if self.latency:
                time.sleep(self.latency)
            response = self.override(request) if self.override else None
            response = response or self.answer(request)
            if self.rate_headers and request.path.startswith("/crossref"):
                response.headers["X-Rate-Limit-Limit"] = self.rate_headers[0]
                response.headers["X-Rate-Limit-Interval"] = self.rate_headers[1]
            return response
        finally:
            with self._lock:
                self._in_flight -= 1

    def answer(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/crossref/works/"):
            item = self.works.get(path[len("/crossref/works/") :].lower())
            return _json(work_body(item)) if item else Response("Resource not found.", 404)
        if path == "/crossref/works":
            query = request.args.get("query.bibliographic", "").lower()
            for needle, items in self.searches:
                if needle.lower() in query:
                    return _json(search_body(items))
            return _json(search_body([]))
        if path.startswith("/datacite/dois/"):
            body = self.datacite.get(path[len("/datacite/dois/") :].lower())
            return _json(body) if body else _json({"errors": [{"status": "404", "title": "not found"}]}, 404)
        if path == "/arxiv/api/query":
            wanted = request.args.get("id_list", "").split(",")
            entries = [self.arxiv[i] for i in wanted if i in self.arxiv]
            return Response(atom_feed(entries), 200, content_type="application/atom+xml")
        return Response("no such path", 404)


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")


@pytest.fixture(scope="session")
def fake_server() -> Iterator[HTTPServer]:
    """One threaded server for the session (stopping one takes half a second)."""
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def fake(fake_server: HTTPServer) -> Iterator[FakeServices]:
    """Fresh fake services (empty answers, no recorded requests) on the shared server."""
    services = FakeServices(fake_server)
    fake_server.clear()
    fake_server.expect_request(re.compile(".*")).respond_with_handler(services.handle)
    try:
        yield services
    finally:
        fake_server.clear()
        http.close_sessions()


def session_for(config: ServiceConfig, per_host: int = 3) -> Any:
    return http.make_session(config, per_host=per_host, retry=FAST_RETRY)


def test_fixture_files_are_the_documented_shapes() -> None:
    work = json.loads((FIXTURES / "crossref_work.json").read_text())
    assert work["message-type"] == "work" and isinstance(work["message"]["title"], list)
    search = json.loads((FIXTURES / "crossref_search_qwen.json").read_text())
    assert search["message-type"] == "work-list" and search["message"]["items"]
    datacite = json.loads((FIXTURES / "datacite_arxiv.json").read_text())
    assert datacite["data"]["attributes"]["types"]["resourceTypeGeneral"] == "Preprint"
