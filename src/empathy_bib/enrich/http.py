"""The one HTTP session every service client uses: cache, retries, concurrency and rate limits.

- requests-cache (SQLite, passed as a session, never installed globally) remembers every answer,
  404 ("no such DOI") included, so a second run on the same file makes no request;
- urllib3's `Retry` retries 429 (honouring `Retry-After`), 5xx, timeouts and dropped connections
  with exponential backoff;
- an adapter bounds the requests in flight per host (default 3) and spaces their starts below
  the rate the server announces in `X-Rate-Limit-Limit` / `X-Rate-Limit-Interval`;
- the User-Agent names the tool and the user's `mailto` (never ours).

Cached answers never reach the adapter, so they cost neither a slot nor rate budget.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .. import __version__
from ..errors import NetworkError
from .services import ServiceConfig

DEFAULT_PER_HOST = 3
CACHE_EXPIRY = timedelta(days=30)
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Hosts that publish a politeness rule instead of rate headers: seconds between request starts.
KNOWN_MIN_INTERVALS = {"export.arxiv.org": 3.0}
_INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry. Tests shrink `backoff_factor` so faults cost milliseconds."""

    total: int = 5
    backoff_factor: float = 0.5
    backoff_max: float = 30.0
    # Retry-After is honoured up to this many seconds: a server asking for an hour must not hang
    # the run; past the cap the lookup is retried sooner and, if still refused, reported failed.
    retry_after_max: int = 120


DEFAULT_RETRY = RetryPolicy()


def user_agent(mailto: str | None) -> str:
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"empathy-bib/{__version__} (+https://pypi.org/project/empathy-bib/{contact})"


def parse_interval(value: str) -> float | None:
    """`X-Rate-Limit-Interval` such as `1s` or `500ms`, in seconds."""
    m = _INTERVAL_RE.match(value or "")
    if not m:
        return None
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]


@dataclass
class HostGate:
    """Per-host bound on requests in flight, and spacing between request starts."""

    slots: threading.BoundedSemaphore
    min_interval: float = 0.0
    next_start: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_turn(self) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.min_interval
        delay = start - now
        if delay > 0:
            time.sleep(delay)

    def learn(self, headers: Mapping[str, str]) -> None:
        """Stay below the announced rate: spacing a little above interval / limit."""
        try:
            limit = int(headers.get("X-Rate-Limit-Limit", ""))
        except ValueError:
            return
        interval = parse_interval(headers.get("X-Rate-Limit-Interval", ""))
        if limit > 0 and interval:
            with self.lock:
                self.min_interval = max(self.min_interval, interval / limit * 1.05)


class LimitedAdapter(HTTPAdapter):
    """An HTTPAdapter with a default timeout and per-host concurrency and rate gates."""

    def __init__(self, *, timeout: float, per_host: int, retry: Retry) -> None:
        super().__init__(max_retries=retry, pool_maxsize=max(per_host, 10))
        self.timeout = timeout
        self.per_host = per_host
        self._gates: dict[str, HostGate] = {}
        self._gates_lock = threading.Lock()
        self.sent = 0  # real requests (cache misses), for reports and benchmarks

    def gate(self, url: str) -> HostGate:
        host = urlsplit(url).netloc.lower()
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                interval = KNOWN_MIN_INTERVALS.get(host.split(":")[0], 0.0)
                gate = HostGate(threading.BoundedSemaphore(self.per_host), min_interval=interval)
                self._gates[host] = gate
            return gate

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        gate = self.gate(request.url or "")
        with gate.slots:
            gate.wait_turn()
            with self._gates_lock:
                self.sent += 1
            response = super().send(request, **kwargs)
        gate.learn(response.headers)
        return response


def make_retry(policy: RetryPolicy) -> Retry:
    return Retry(
        total=policy.total,
        connect=policy.total,
        read=policy.total,
        status=policy.total,
        backoff_factor=policy.backoff_factor,
        backoff_max=policy.backoff_max,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        retry_after_max=policy.retry_after_max,
        raise_on_status=False,  # the last answer comes back; the clients turn it into NetworkError
    )


_SESSIONS: dict[tuple[ServiceConfig, int, RetryPolicy], requests.Session] = {}
_SESSIONS_LOCK = threading.Lock()


def make_session(
    config: ServiceConfig, *, per_host: int = DEFAULT_PER_HOST, retry: RetryPolicy | None = None
) -> requests.Session:
    """The session for `config` (one per configuration, reused): cached unless `use_cache=False`."""
    policy = retry or DEFAULT_RETRY
    key = (config, per_host, policy)
    with _SESSIONS_LOCK:
        session = _SESSIONS.get(key)
        if session is None:
            session = _build_session(config, per_host, policy)
            _SESSIONS[key] = session
        return session


def close_sessions() -> None:
    """Close every session made here (tests and long-lived callers)."""
    with _SESSIONS_LOCK:
        for session in _SESSIONS.values():
            session.close()
        _SESSIONS.clear()


def _build_session(config: ServiceConfig, per_host: int, policy: RetryPolicy) -> requests.Session:
    session: requests.Session
    if config.use_cache:
        path = config.cache_path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NetworkError(
                f"cannot create the cache folder {path.parent}: {exc.strerror or exc}"
            ) from None
        session = requests_cache.CachedSession(
            str(path),
            backend="sqlite",
            expire_after=CACHE_EXPIRY,
            allowable_codes=(200, 404),  # 404 is an answer: "no such DOI"
            allowable_methods=("GET",),
            cache_control=False,
        )
    else:
        session = requests.Session()
    adapter = LimitedAdapter(timeout=config.timeout, per_host=per_host, retry=make_retry(policy))
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent(config.mailto)
    session.headers["Accept-Encoding"] = "gzip, deflate"
    return session


def requests_sent(session: requests.Session) -> int:
    """How many requests went to the network (cache hits excluded)."""
    adapter = session.get_adapter("https://")
    return adapter.sent if isinstance(adapter, LimitedAdapter) else 0


def forget(session: requests.Session, response: requests.Response) -> None:
    """Drop an answer from the cache: a malformed body must not be remembered as an answer."""
    cache = getattr(session, "cache", None)
    key = getattr(response, "cache_key", None)
    if cache is not None and key:
        cache.delete(key)


def fetch(
    session: requests.Session,
    config: ServiceConfig,
    service: str,
    url: str,
    params: Mapping[str, str] | None = None,
) -> requests.Response | None:
    """GET `url`; None on 404; NetworkError naming `service` when it cannot get an answer."""
    try:
        response = session.get(url, params=params, timeout=config.timeout)
    except requests.exceptions.RetryError as exc:
        raise NetworkError(f"{service}: gave up after retries ({_reason(exc)})") from None
    except requests.exceptions.Timeout:
        raise NetworkError(f"{service}: no answer within {config.timeout:g} s ({url})") from None
    except requests.exceptions.ConnectionError as exc:
        raise NetworkError(f"{service}: cannot connect ({_reason(exc)})") from None
    except requests.exceptions.RequestException as exc:
        raise NetworkError(f"{service}: request failed ({_reason(exc)})") from None
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        forget(session, response)
        raise NetworkError(f"{service}: HTTP {response.status_code} for {response.url}")
    return response


def fetch_json(
    session: requests.Session,
    config: ServiceConfig,
    service: str,
    url: str,
    params: Mapping[str, str] | None = None,
) -> Any:
    """The decoded JSON of a GET, None on 404; malformed JSON is a NetworkError (and not cached)."""
    response = fetch(session, config, service, url, params)
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        forget(session, response)
        raise NetworkError(f"{service}: malformed JSON from {response.url}") from None


def _reason(exc: BaseException) -> str:
    """The innermost cause, in a few words (urllib3 nests them deeply)."""
    text = str(exc.args[0] if exc.args else exc)
    m = re.search(r"\(Caused by (\w+)\((.*)\)\)", text)
    if m:
        inner = m.group(2)
        return f"{m.group(1)}: {inner[:160]}"
    return text[:200]
