"""A loopback fake of Crossref, DataCite, arXiv and the ACL Anthology: ONE real HTTP server.

Usable from tests (in-process `run_cli`), from subprocess CLI tests (through `env()`) and from
bench scripts (import it with the repository root on `sys.path`). The records are the truth of
tests/fixtures/registry/truth.json (see make_truth.py there), in each registry's own shape.

    with Registry() as reg:                       # loads truth.json; Registry(truth=None): empty
        reg.urls()      # {"crossref_url": ..., "datacite_url": ..., "arxiv_url": ..., "anthology_url": ...}
        reg.env()       # {"EMPATHY_BIB_CROSSREF_URL": ..., ...}  (for os.environ / subprocess env)
        reg.cli_args()  # ["--crossref-url", URL, "--datacite-url", URL, ... "--anthology-url", URL]
        reg.fault("crossref", "10.18653/v1/p19-1534", Fault.throttle(retry_after=1))
        reg.latency = 0.1; reg.path_latency["/arxiv"] = 0.5
        reg.log; reg.count("crossref"); reg.max_in_flight; reg.clear_log()

Served (under one port, a path prefix per service; each base URL includes its prefix):
- `{crossref}/works/{doi}` -> 200 work / 404 `Resource not found.`; `{crossref}/works?query.bibliographic=
  ...&rows=N` -> items ranked by shared title/author words; `X-Rate-Limit-Limit/-Interval` on every answer;
- `{datacite}/dois/{doi}` -> JSON:API record (id lower-cased) / 404; `{datacite}/dois?query=...`;
- `{arxiv}/api/query?id_list=a,b` (versions stripped) and `?search_query=ti:...` -> Atom;
- `{anthology}/{id}.bib` -> the BibTeX text / 404 HTML page.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from empathy_bib.enrich import http
from empathy_bib.enrich.services import ServiceConfig
from tests import registry_shapes as shapes

TRUTH = Path(__file__).parent / "fixtures" / "registry" / "truth.json"
SERVICES = ("crossref", "datacite", "arxiv", "anthology")
ENV = {
    "crossref": "EMPATHY_BIB_CROSSREF_URL",
    "datacite": "EMPATHY_BIB_DATACITE_URL",
    "arxiv": "EMPATHY_BIB_ARXIV_URL",
    "anthology": "EMPATHY_BIB_ANTHOLOGY_URL",
}
ANY = "*"  # a fault on every request to a service
SEARCH = "search"  # a fault on a service's search requests


@dataclass
class Fault:
    """What to answer instead of the record: a status (with Retry-After), a raw body, or a hang.

    `times`: how many requests the fault answers before the record answers again (None: always).
    """

    status: int = 500
    body: bytes = b""
    content_type: str = "text/plain"
    retry_after: str | None = None
    hang: bool = False
    times: int | None = None

    @classmethod
    def throttle(cls, retry_after: float = 1, times: int | None = None) -> Fault:
        return cls(429, b"Too Many Requests", retry_after=f"{retry_after:g}", times=times)

    @classmethod
    def error(cls, status: int = 500, times: int | None = None) -> Fault:
        return cls(status, f"HTTP {status}".encode(), times=times)

    @classmethod
    def forbidden(cls) -> Fault:
        return cls(403, b"Forbidden")

    @classmethod
    def hanging(cls) -> Fault:
        return cls(hang=True)

    @classmethod
    def raw(cls, body: bytes | str, content_type: str = "application/json", status: int = 200) -> Fault:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return cls(status, data, content_type)


@dataclass(frozen=True)
class Request:
    service: str  # one of SERVICES, or "" for a path no service serves
    path: str  # without the service prefix, unquoted: "/works/10.18653/v1/P19-1534"
    query: dict[str, str]
    headers: dict[str, str]
    in_flight: int  # requests being answered when this one arrived, itself included
    started: float  # time.monotonic()


@dataclass
class Records:
    """Every registry's records, keyed as the services look them up."""

    crossref: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower DOI -> Crossref item
    datacite: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower DOI -> JSON:API record
    arxiv: dict[str, dict[str, Any]] = field(default_factory=dict)  # id (no version) -> entry fields
    anthology: dict[str, str] = field(default_factory=dict)  # Anthology id -> BibTeX text

    @classmethod
    def load(cls, path: Path = TRUTH) -> Records:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            crossref={k.lower(): v for k, v in data.get("crossref", {}).items()},
            datacite={k.lower(): v for k, v in data.get("datacite", {}).items()},
            arxiv=dict(data.get("arxiv", {})),
            anthology={k: v["bib"] for k, v in data.get("anthology", {}).items()},
        )


def load_truth(path: Path = TRUTH) -> dict[str, Any]:
    """truth.json as a dict: the records plus `papers` (key -> identifiers each registry knows it by)."""
    result: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return result


class Registry:
    """The four fakes behind one loopback port. Start with `with` (or `start()` / `stop()`)."""

    def __init__(self, truth: Path | Records | None = TRUTH, latency: float = 0.0) -> None:
        if isinstance(truth, Path):
            self.records = Records.load(truth) if truth.exists() else Records()
        else:
            self.records = copy.deepcopy(truth) if truth is not None else Records()
        self.latency = latency  # seconds before every answer
        self.path_latency: dict[str, float] = {}  # path prefix ("/arxiv", "/crossref/works") -> seconds
        self.rate_limit = ("50", "1s")  # Crossref's X-Rate-Limit-Limit / -Interval headers
        self.faults: dict[tuple[str, str], Fault] = {}
        self.log: list[Request] = []
        self.max_in_flight = 0
        self.max_in_flight_by: dict[str, int] = dict.fromkeys(SERVICES, 0)
        self._in_flight: dict[str, int] = dict.fromkeys([*SERVICES, ""], 0)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    # -- lifecycle and addresses ------------------------------------------------------------
    def start(self) -> Registry:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # hanging answers end
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Registry:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def base(self, service: str) -> str:
        return f"{self.url}/{service}"

    def urls(self) -> dict[str, str]:
        """Base URLs by ServiceConfig field name (crossref_url, datacite_url, arxiv_url, anthology_url)."""
        return {f"{s}_url": self.base(s) for s in SERVICES}

    def env(self) -> dict[str, str]:
        return {ENV[s]: self.base(s) for s in SERVICES}

    def cli_args(self) -> list[str]:
        return [arg for s in SERVICES for arg in (f"--{s}-url", self.base(s))]

    def config(self, **settings: Any) -> ServiceConfig:
        """A ServiceConfig on these fakes (no cache unless `use_cache=True` and a `cache_dir`)."""
        values: dict[str, Any] = {**self.urls(), "use_cache": False, **settings}
        return ServiceConfig(**values)

    # -- records and faults -----------------------------------------------------------------
    def put_crossref(self, item: dict[str, Any]) -> None:
        self.records.crossref[str(item["DOI"]).lower()] = item

    def put_datacite(self, record: dict[str, Any]) -> None:
        self.records.datacite[str(record["id"]).lower()] = record

    def put_arxiv(self, arxiv_id: str, entry: dict[str, Any]) -> None:
        self.records.arxiv[arxiv_id] = entry

    def put_anthology(self, anthology_id: str, bibtex: str) -> None:
        self.records.anthology[anthology_id] = bibtex

    def remove(self, service: str, ident: str) -> None:
        table: dict[str, Any] = getattr(self.records, service)
        table.pop(ident.lower() if service in ("crossref", "datacite") else ident, None)

    def retract(
        self, doi: str, notice_doi: str, kind: str = "retraction", source: str = "retraction-watch"
    ) -> None:
        """Crossref's way: the work gains `updated-by` naming the notice; the notice is a work too."""
        work = self.records.crossref[doi.lower()]
        updated = {
            "date-parts": [[2025, 6, 1]],
            "date-time": "2025-06-01T00:00:00Z",
            "timestamp": 1748736000000,
        }
        work.setdefault("updated-by", []).append(
            {"DOI": notice_doi, "type": kind, "source": source, "label": kind.title(), "updated": updated}
        )
        title = f"{kind.replace('_', ' ').title()} notice: {work['title'][0]}"
        self.records.crossref[notice_doi.lower()] = {
            "DOI": notice_doi,
            "type": "journal-article" if work.get("type") == "journal-article" else "other",
            "title": [title],
            "issued": {"date-parts": [[2025, 6, 1]]},
            "update-to": [{"DOI": doi, "type": kind, "source": source, "updated": updated}],
            "publisher": work.get("publisher", ""),
            "URL": f"https://doi.org/{notice_doi}",
        }

    def fault(self, service: str, ident: str, fault: Fault) -> None:
        """Answer `fault` to requests for `ident` (a DOI, arXiv id, Anthology id; ANY; SEARCH)."""
        key = ident.lower() if service in ("crossref", "datacite") else ident
        self.faults[(service, key)] = fault

    def clear_faults(self) -> None:
        self.faults.clear()

    # -- what was asked -----------------------------------------------------------------------
    def count(self, service: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.log if service is None or r.service == service)

    def requests(self, service: str | None = None) -> list[Request]:
        with self._lock:
            return [r for r in self.log if service is None or r.service == service]

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()
            self.max_in_flight = 0
            self.max_in_flight_by = dict.fromkeys(SERVICES, 0)

    # -- the server side ------------------------------------------------------------------------
    def _enter(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)
            self.max_in_flight = max(self.max_in_flight, request.in_flight)
            if request.service:
                by = self.max_in_flight_by
                by[request.service] = max(by[request.service], self._in_flight[request.service])

    def _arrive(self, service: str, path: str, query: dict[str, str], headers: dict[str, str]) -> Request:
        with self._lock:
            self._in_flight[service] += 1
            total = sum(self._in_flight.values())
        request = Request(service, path, query, headers, total, time.monotonic())
        self._enter(request)
        return request

    def _leave(self, service: str) -> None:
        with self._lock:
            self._in_flight[service] -= 1

    def _delay(self, full_path: str) -> float:
        matches = [p for p in self.path_latency if full_path.startswith(p)]
        return self.path_latency[max(matches, key=len)] if matches else self.latency

    def _take_fault(self, service: str, idents: list[str]) -> Fault | None:
        with self._lock:
            for ident in [*idents, ANY]:
                fault = self.faults.get((service, ident))
                if fault is None:
                    continue
                if fault.times is not None:
                    if fault.times <= 0:
                        continue
                    fault.times -= 1
                return fault
        return None

    def wait_hanging(self) -> None:
        self._stopping.wait()


Answer = tuple[int, bytes, str, dict[str, str]]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body in two writes: no delayed-ACK stall
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the registry keeps its own log

    def do_GET(self) -> None:
        registry = self.server.registry
        parts = urlsplit(self.path)
        service, _, rest = unquote(parts.path).lstrip("/").partition("/")
        service = service if service in SERVICES else ""
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = registry._arrive(service, "/" + rest, query, dict(self.headers.items()))
        try:
            delay = registry._delay(unquote(parts.path))
            if delay and registry._stopping.wait(delay):
                return
            answer = _answer(registry, request)
            if answer is None:  # a hang, until the server stops
                registry.wait_hanging()
                return
            self._send(*answer)
        except OSError:
            return  # the client gave up
        finally:
            registry._leave(service)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a hanging answer must not keep stop() waiting
    allow_reuse_address = True

    def __init__(self, registry: Registry) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.registry = registry


def _answer(registry: Registry, request: Request) -> Answer | None:
    """The answer to `request` (None: hang)."""
    route = {"crossref": _crossref, "datacite": _datacite, "arxiv": _arxiv, "anthology": _anthology}
    handler = route.get(request.service)
    if handler is None:
        return 404, b"no such service", "text/plain", {}
    idents = _idents(request)
    fault = registry._take_fault(request.service, idents)
    extra = _rate_headers(registry) if request.service == "crossref" else {}
    if fault is not None:
        if fault.hang:
            return None
        headers = dict(extra)
        if fault.retry_after is not None:
            headers["Retry-After"] = fault.retry_after
        return fault.status, fault.body, fault.content_type, headers
    status, body, kind = handler(registry.records, request)
    return status, body, kind, extra


def _rate_headers(registry: Registry) -> dict[str, str]:
    limit, interval = registry.rate_limit
    return {"X-Rate-Limit-Limit": limit, "X-Rate-Limit-Interval": interval}


def _idents(request: Request) -> list[str]:
    """What a fault may be keyed on for this request."""
    path, query = request.path, request.query
    if request.service == "crossref":
        return [path.removeprefix("/works/").lower()] if path.startswith("/works/") else [SEARCH]
    if request.service == "datacite":
        return [path.removeprefix("/dois/").lower()] if path.startswith("/dois/") else [SEARCH]
    if request.service == "arxiv":
        return _arxiv_ids(query["id_list"]) if query.get("id_list") else [SEARCH]
    return [path.strip("/").removesuffix(".bib")]


def _arxiv_ids(id_list: str) -> list[str]:
    return [_unversioned(i.strip()) for i in id_list.split(",") if i.strip()]


def _unversioned(arxiv_id: str) -> str:
    head, sep, tail = arxiv_id.rpartition("v")
    return head if sep and tail.isdigit() and shapes.is_arxiv_id(head) else arxiv_id


JSON = "application/json"
DATACITE_JSON = "application/vnd.api+json; charset=utf-8"


def _crossref(records: Records, request: Request) -> tuple[int, bytes, str]:
    if request.path.startswith("/works/"):
        item = records.crossref.get(request.path.removeprefix("/works/").lower())
        if item is None:
            return 404, shapes.CROSSREF_NOT_FOUND, "text/plain"
        return 200, shapes.crossref_work(item), JSON
    if request.path.rstrip("/") == "/works":
        rows = int(request.query.get("rows", "20") or 20)
        terms = request.query.get("query.bibliographic", "") + " " + request.query.get("query.author", "")
        ranked = _rank(terms, records.crossref.values(), _crossref_text)
        items = [{**item, "score": float(score * 10)} for score, item in ranked[:rows]]
        return 200, shapes.crossref_list(items, len(ranked), rows), JSON
    return 404, shapes.CROSSREF_NOT_FOUND, "text/plain"


def _crossref_text(item: dict[str, Any]) -> str:
    names = " ".join(f"{a.get('given', '')} {a.get('family', '')}" for a in item.get("author", []))
    return " ".join(item.get("title", [])) + " " + names


def _datacite(records: Records, request: Request) -> tuple[int, bytes, str]:
    if request.path.startswith("/dois/"):
        record = records.datacite.get(request.path.removeprefix("/dois/").lower())
        if record is None:
            return 404, shapes.dumps(shapes.DATACITE_NOT_FOUND), DATACITE_JSON
        return 200, shapes.datacite_one(record), DATACITE_JSON
    if request.path.rstrip("/") == "/dois":
        ranked = _rank(request.query.get("query", ""), records.datacite.values(), _datacite_text)
        size = int(request.query.get("page[size]", "25") or 25)
        return 200, shapes.datacite_list([r for _, r in ranked[:size]]), DATACITE_JSON
    return 404, shapes.dumps(shapes.DATACITE_NOT_FOUND), DATACITE_JSON


def _datacite_text(record: dict[str, Any]) -> str:
    attrs = record.get("attributes", {})
    titles = " ".join(t.get("title", "") for t in attrs.get("titles", []))
    return titles + " " + " ".join(c.get("name", "") for c in attrs.get("creators", []))


def _arxiv(records: Records, request: Request) -> tuple[int, bytes, str]:
    query_text = "&".join(f"{k}={v}" for k, v in request.query.items())
    kind = "application/atom+xml; charset=utf-8"
    if request.path.rstrip("/") != "/api/query":
        return 404, b"not found", "text/plain"
    entries: list[str] = []
    if request.query.get("id_list"):
        for arxiv_id in _arxiv_ids(request.query["id_list"]):
            if not shapes.is_arxiv_id(arxiv_id):
                entries.append(shapes.arxiv_error_entry(arxiv_id))
            elif arxiv_id in records.arxiv:
                entries.append(shapes.arxiv_entry(arxiv_id, records.arxiv[arxiv_id]))
    elif request.query.get("search_query"):
        top = int(request.query.get("max_results", "10") or 10)
        ranked = _rank(request.query["search_query"], records.arxiv.items(), _arxiv_text)
        entries = [shapes.arxiv_entry(i, r) for _, (i, r) in ranked[:top]]
    return 200, shapes.atom_feed(entries, query_text), kind


def _arxiv_text(pair: tuple[str, dict[str, Any]]) -> str:
    return str(pair[1].get("title", "")) + " " + " ".join(pair[1].get("authors", []))


def _anthology(records: Records, request: Request) -> tuple[int, bytes, str]:
    name = request.path.strip("/")
    if name.endswith(".bib") and name.removesuffix(".bib") in records.anthology:
        return 200, records.anthology[name.removesuffix(".bib")].encode("utf-8"), "text/plain; charset=utf-8"
    return 404, shapes.ANTHOLOGY_NOT_FOUND, "text/html; charset=utf-8"


def _rank(terms: str, candidates: Any, text_of: Any) -> list[tuple[int, Any]]:
    """Candidates sharing words with `terms`, most shared first (stable: equal scores keep order)."""
    wanted = shapes.words(terms)
    scored = [(shapes.overlap(wanted, text_of(c)), c) for c in candidates]
    return sorted([(s, c) for s, c in scored if s > 0], key=lambda sc: -sc[0])


def serving(truth: Path | Records | None = TRUTH, latency: float = 0.0) -> Iterator[Registry]:
    """For pytest fixtures: `yield from serving()`."""
    with Registry(truth, latency) as registry:
        yield registry


@pytest.fixture
def registry_in_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    """The truth served, its addresses in the EMPATHY_BIB_*_URL variables (no cache folder from the
    environment); HTTP sessions closed afterwards. Import it into a test module to use it."""
    with Registry() as reg:
        for name, value in reg.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("EMPATHY_BIB_CACHE_DIR", raising=False)
        yield reg
    http.close_sessions()
