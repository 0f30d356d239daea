"""The one HTTP session every service client uses: cache, retries, concurrency, rate and time bounds.

- requests-cache (SQLite, passed as a session, never installed globally) remembers every answer,
  404 ("no such DOI") included, so a second run on the same file makes no request;
- `fetch` retries (one loop, here): timeouts, dropped connections, 429 and 5xx, at most
  `RetryPolicy.total` times per request and `RetryPolicy.budget` times per run, with exponential
  backoff or the server's `Retry-After`; a `Retry-After` beyond `retry_after_max` fails at once;
- every attempt, retries included, goes through `LimitedAdapter`: a per-host bound on requests in
  flight (default 3), spacing below the rate announced in `X-Rate-Limit-Limit` / `-Interval`, a
  deadline over the whole attempt (`transport`), and a body size cap;
- a circuit breaker per host (and service): after `breaker_after` consecutive failed attempts the
  remaining requests to it fail at once ("could not check: <service> is not answering");
- `cancel` stops a session's attempts within a fraction of a second (the CLI calls it on Ctrl-C).

The breaker, the retry budget and the cancel switch live with the session: one session is one run.
Cached answers never reach the adapter, so they cost neither a slot nor rate budget.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import requests
import requests_cache
from urllib3.exceptions import ReadTimeoutError

from .. import __version__
from ..errors import EmpathyBibError, NetworkError
from .services import ServiceConfig
from .transport import (
    MAX_BODY,
    AnswerTooLarge,
    Cancelled,
    DeadlineExceeded,
    LimitedAdapter,
)
from .transport import RetryPolicy as RetryPolicy  # part of this module's API
from .transport import parse_interval as parse_interval

DEFAULT_PER_HOST = 3
CACHE_EXPIRY = timedelta(days=30)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_RETRY = RetryPolicy()


class CacheError(EmpathyBibError):
    """The HTTP cache cannot be read (exit 2: the user deletes it)."""


def user_agent(mailto: str | None) -> str:
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"empathy-bib/{__version__} (+https://pypi.org/project/empathy-bib/{contact})"


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


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


def cancel(session: requests.Session) -> None:
    """Stop the session's attempts (in flight, waiting for a slot, backing off) within a slice.

    The session is done: it is forgotten, so the next `make_session` builds a fresh one.
    """
    adapter = session.get_adapter("https://")
    if isinstance(adapter, LimitedAdapter):
        adapter.cancelled.set()
    with _SESSIONS_LOCK:
        for key in [k for k, s in _SESSIONS.items() if s is session]:
            del _SESSIONS[key]


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
        try:
            session = requests_cache.CachedSession(
                str(path),
                backend="sqlite",
                expire_after=CACHE_EXPIRY,
                allowable_codes=(200, 404),  # 404 is an answer: "no such DOI"
                allowable_methods=("GET",),
                cache_control=False,
            )
        except sqlite3.DatabaseError as exc:
            raise _cache_error(config, exc) from None
    else:
        session = requests.Session()
    adapter = LimitedAdapter(timeout=config.timeout, per_host=per_host, policy=policy)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = user_agent(config.mailto)
    session.headers["Accept-Encoding"] = "gzip, deflate"
    return session


def _cache_error(config: ServiceConfig, exc: sqlite3.Error) -> CacheError:
    return CacheError(
        f"the HTTP cache cannot be read ({exc}); delete it and run again (or use --no-cache)",
        path=config.cache_path,
    )


def requests_sent(session: requests.Session) -> int:
    """How many requests went to the network (cache hits excluded)."""
    adapter = session.get_adapter("https://")
    return adapter.sent if isinstance(adapter, LimitedAdapter) else 0


def forget(session: requests.Session, response: requests.Response) -> None:
    """Drop an answer from the cache: a malformed body must not be remembered as an answer."""
    cache = getattr(session, "cache", None)
    key = getattr(response, "cache_key", None)
    if cache is not None and key:
        with contextlib.suppress(sqlite3.Error):  # then the next run asks again anyway
            cache.delete(key)


@dataclass(frozen=True)
class _Failure:
    """One attempt that brought no usable answer."""

    message: str
    retryable: bool = True
    host_trouble: bool = True  # counts towards the host's circuit breaker
    retry_after: float | None = None


def fetch(
    session: requests.Session,
    config: ServiceConfig,
    service: str,
    url: str,
    params: Mapping[str, str] | None = None,
) -> requests.Response | None:
    """GET `url`; None on 404; NetworkError naming `service` when it cannot get an answer."""
    adapter = session.get_adapter(url)
    if not isinstance(adapter, LimitedAdapter):
        raise TypeError("fetch needs a session from make_session")
    gate, breaker, policy = adapter.gate(url), adapter.breaker(url, service), adapter.policy
    attempts = 0
    while True:
        if breaker.refusal is not None:
            raise NetworkError(breaker.refusal)
        attempts += 1
        outcome = _attempt(session, config, service, url, params)
        if not isinstance(outcome, _Failure):
            breaker.succeeded()
            return outcome
        if outcome.host_trouble:
            breaker.failed(policy.breaker_after)
        wait = outcome.retry_after
        if wait is not None and wait > policy.retry_after_max:
            breaker.refuse(f"{service} asks to wait {wait:.0f} s; try later")
            raise NetworkError(f"{service} asks to wait {wait:.0f} s; try later")
        if (
            not outcome.retryable
            or attempts > policy.total
            or breaker.refusal is not None
            or not adapter.take_retry()
        ):
            raise NetworkError(outcome.message)
        if wait is not None:
            gate.defer(wait)  # the next attempt (anyone's) waits in the gate
        elif adapter.cancelled.wait(min(policy.backoff_max, policy.backoff_factor * 2 ** (attempts - 1))):
            raise Cancelled


def _attempt(
    session: requests.Session,
    config: ServiceConfig,
    service: str,
    url: str,
    params: Mapping[str, str] | None,
) -> requests.Response | _Failure | None:
    """One GET: the answer (None for 404) or why it is not one."""
    no_answer = f"{service}: no answer within {config.timeout:g} s ({url})"
    try:
        response = session.get(url, params=params, timeout=config.timeout)
        if isinstance(session, requests_cache.CachedSession) and _too_old(config, response):
            # verify --max-age: the one cache, with a shorter memory for this run
            response = session.get(url, params=params, timeout=config.timeout, force_refresh=True)
    except (DeadlineExceeded, requests.exceptions.Timeout):
        return _Failure(no_answer)
    except AnswerTooLarge:
        return _Failure(f"{service}: answer larger than {MAX_BODY // 2**20} MB refused ({url})", False)
    except requests.exceptions.ConnectionError as exc:
        if exc.args and isinstance(exc.args[0], ReadTimeoutError):
            return _Failure(no_answer)
        return _Failure(f"{service}: cannot connect ({_reason(exc)})")
    except requests.exceptions.RequestException as exc:
        return _Failure(f"{service}: request failed ({_reason(exc)})")
    except sqlite3.DatabaseError as exc:
        raise _cache_error(config, exc) from None
    status = response.status_code
    if status == 404:
        return None
    if status == 200:
        if "html" in response.headers.get("Content-Type", "").lower():
            forget(session, response)
            return _Failure(
                f"{service}: answered with a web page, not its API (a captive portal or a proxy?); "
                f"try later ({response.url})",
                retryable=False,
            )
        return response
    forget(session, response)
    message = f"{service}: HTTP {status} for {response.url}"
    if status in RETRY_STATUSES:
        after = parse_retry_after(response.headers.get("Retry-After"))
        return _Failure(message, host_trouble=status != 429, retry_after=after)
    return _Failure(message, retryable=False, host_trouble=False)


def _too_old(config: ServiceConfig, response: requests.Response) -> bool:
    """A cached answer older than `config.max_age` days (None: the cache's own expiry only)."""
    if config.max_age is None or not getattr(response, "from_cache", False):
        return False
    created = getattr(response, "created_at", None)
    if not isinstance(created, datetime):
        return False
    if created.tzinfo is None:
        created = created.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc) - created > timedelta(days=config.max_age)


def fetch_json(
    session: requests.Session,
    config: ServiceConfig,
    service: str,
    url: str,
    params: Mapping[str, str] | None = None,
) -> Any:
    """The decoded JSON of a GET, None on 404; malformed JSON is a NetworkError (and not cached).

    A JSON `null` is malformed too: returned, it would read as the 404 "not known".
    """
    response = fetch(session, config, service, url, params)
    if response is None:
        return None
    try:
        data = response.json()
    except ValueError:
        data = None
    if data is None:
        forget(session, response)
        raise NetworkError(f"{service}: malformed JSON from {response.url}; try later")
    return data


def _reason(exc: BaseException) -> str:
    """The innermost cause, in a few words (urllib3 nests them deeply)."""
    text = str(exc.args[0] if exc.args else exc)
    m = re.search(r"\(Caused by (\w+)\((.*)\)\)", text)
    if m:
        inner = m.group(2)
        return f"{m.group(1)}: {inner[:160]}"
    return text[:200]
