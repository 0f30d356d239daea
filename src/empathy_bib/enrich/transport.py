"""One HTTP attempt: gated per host, bounded as a whole in time and size, cancellable. Never retried.

`LimitedAdapter` (mounted by `http.make_session`) runs each attempt: it waits for a slot among the
requests in flight to the host and for the host's rate spacing (`HostGate`), then sends under a
deadline and reads the whole body, refusing more than `MAX_BODY` decompressed bytes. It also
keeps, for `http.fetch`, the run's retry budget and a circuit `Breaker` per service.

requests' `timeout` bounds each socket operation, so an answer trickled a byte at a time never
times out. Here every attempt carries an `Attempt` (a deadline and the run's cancel event) in a
context variable; the connection classes mounted by `LimitedAdapter` read it and

- connect in slices of at most `SLICE` seconds until the deadline (a new SYN each slice), and
- read the status line, headers and body through `_DeadlineReader`, which gives each `recv` at
  most `SLICE` seconds and the deadline overall.

So an attempt ends by its deadline whatever the server does, and a cancelled run (Ctrl-C, SIGTERM:
the CLI catches those and `http.cancel` sets the event) stops every attempt within a slice. A TLS
handshake is bounded by the deadline but not sliced.
"""

from __future__ import annotations

import http.client
import io
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.poolmanager import ProxyManager

from ..errors import NetworkError

SLICE = 0.2  # seconds: how soon a blocked attempt notices a cancellation
MAX_BODY = 20 * 1024 * 1024  # bytes, decompressed: no service answer comes near it
_CHUNK = 64 * 1024
# Hosts that publish a politeness rule instead of rate headers: seconds between request starts.
KNOWN_MIN_INTERVALS = {"export.arxiv.org": 3.0}
_INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


class Cancelled(NetworkError):
    """The run was stopped (Ctrl-C, SIGTERM) while this attempt was waiting."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class DeadlineExceeded(Exception):
    """The attempt's whole-request deadline passed (connect and reads together)."""


@dataclass(frozen=True)
class Attempt:
    deadline: float  # time.monotonic() by which the answer must be complete
    cancelled: threading.Event

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def slice(self) -> float:
        """The next blocking step's timeout; raises once cancelled or past the deadline."""
        if self.cancelled.is_set():
            raise Cancelled
        remaining = self.remaining()
        if remaining <= 0:
            raise DeadlineExceeded
        return min(remaining, SLICE)


_ATTEMPT: ContextVar[Attempt | None] = ContextVar("empathy_bib_attempt", default=None)


@contextmanager
def attempt_scope(attempt: Attempt) -> Iterator[Attempt]:
    """Requests made in this block (in this thread) are bounded by `attempt`."""
    token = _ATTEMPT.set(attempt)
    try:
        yield attempt
    finally:
        _ATTEMPT.reset(token)


class _DeadlineReader(io.RawIOBase):
    """The response's byte stream, each `recv` bounded by a slice and the whole by the deadline."""

    def __init__(self, sock: socket.socket, file: io.BufferedReader, attempt: Attempt) -> None:
        super().__init__()
        self._sock = sock
        self._file = file  # the socket's own file: holds its reference count until we close
        self._attempt = attempt

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            self._sock.settimeout(self._attempt.slice())
            try:
                return self._sock.recv_into(buffer)
            except TimeoutError:
                continue  # a quiet slice: check the deadline and the cancel switch, then wait on

    def close(self) -> None:
        if not self.closed:
            self._file.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        attempt = _ATTEMPT.get()
        if attempt is not None:
            self.fp = io.BufferedReader(_DeadlineReader(sock, self.fp, attempt))


def _connect_in_slices(conn: HTTPConnection, connect: Callable[[], socket.socket]) -> socket.socket:
    attempt = _ATTEMPT.get()
    if attempt is None:
        return connect()
    while True:
        conn.timeout = attempt.slice()
        try:
            sock = connect()
        except NewConnectionError:
            raise  # refused, unreachable (a subclass of the timeout below, but final)
        except ConnectTimeoutError:
            continue  # the next slice raises once the deadline passed or the run was cancelled
        sock.settimeout(max(attempt.remaining(), 0.001))  # the TLS handshake, if any
        return sock


class BoundedHTTPConnection(HTTPConnection):
    response_class = _DeadlineResponse

    def _new_conn(self) -> socket.socket:
        return _connect_in_slices(self, super()._new_conn)


class BoundedHTTPSConnection(HTTPSConnection):
    response_class = _DeadlineResponse

    def _new_conn(self) -> socket.socket:
        return _connect_in_slices(self, super()._new_conn)


class BoundedHTTPPool(HTTPConnectionPool):
    ConnectionCls = BoundedHTTPConnection


class BoundedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = BoundedHTTPSConnection


POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {"http": BoundedHTTPPool, "https": BoundedHTTPSPool}


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry. Tests shrink `backoff_factor` so faults cost milliseconds."""

    total: int = 2  # retries per request: at most 3 attempts
    backoff_factor: float = 0.5
    backoff_max: float = 4.0
    # Retry-After is honoured up to this many seconds; a server asking for longer is not waited
    # for: that request, and every later one to the host in this run, fails at once.
    retry_after_max: int = 60
    budget: int = 20  # retries per run, all hosts together
    breaker_after: int = 5  # consecutive failed attempts that open a host's circuit breaker


class AnswerTooLarge(Exception):
    pass


def parse_interval(value: str) -> float | None:
    """`X-Rate-Limit-Interval` such as `1s` or `500ms`, in seconds."""
    m = _INTERVAL_RE.match(value or "")
    if not m:
        return None
    return float(m.group(1)) * _UNIT_SECONDS[m.group(2)]


@dataclass
class HostGate:
    """Per host: requests in flight, and spacing between starts."""

    slots: threading.BoundedSemaphore
    min_interval: float = 0.0
    next_start: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def enter(self, cancelled: threading.Event) -> None:
        while not self.slots.acquire(timeout=SLICE):
            if cancelled.is_set():
                raise Cancelled

    def wait_turn(self, cancelled: threading.Event) -> None:
        with self.lock:
            now = time.monotonic()
            start = max(now, self.next_start)
            self.next_start = start + self.min_interval
        delay = start - now
        if delay > 0 and cancelled.wait(delay):
            raise Cancelled

    def defer(self, seconds: float) -> None:
        """The server asked everyone to wait: no request to this host starts before then."""
        with self.lock:
            self.next_start = max(self.next_start, time.monotonic() + seconds)

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


@dataclass
class Breaker:
    """Per service at a host: consecutive failed attempts, and whether it is given up for the run."""

    service: str
    failures: int = 0
    refusal: str | None = None  # why every further request fails at once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def succeeded(self) -> None:
        with self.lock:
            self.failures = 0

    def failed(self, threshold: int) -> None:
        with self.lock:
            self.failures += 1
            if self.failures >= threshold and self.refusal is None:
                self.refusal = f"could not check: {self.service} is not answering"

    def refuse(self, refusal: str) -> None:
        with self.lock:
            self.refusal = refusal


class LimitedAdapter(HTTPAdapter):
    """One attempt per `send`: gated per host, bounded by a deadline and a body cap, never retried."""

    def __init__(self, *, timeout: float, per_host: int, policy: RetryPolicy) -> None:
        super().__init__(max_retries=0, pool_maxsize=max(per_host, 10))  # retries: `fetch`
        self.timeout = timeout
        self.per_host = per_host
        self.policy = policy
        self.cancelled = threading.Event()
        self._gates: dict[str, HostGate] = {}
        self._breakers: dict[tuple[str, str], Breaker] = {}
        self._gates_lock = threading.Lock()
        self.sent = 0  # real requests (cache misses), for reports and benchmarks
        self.retries_left = policy.budget

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(POOL_CLASSES)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, ProxyManager):  # SOCKS managers keep their own pools
            manager.pool_classes_by_scheme = dict(POOL_CLASSES)
        return manager

    def gate(self, url: str) -> HostGate:
        host = urlsplit(url).netloc.lower()
        with self._gates_lock:
            gate = self._gates.get(host)
            if gate is None:
                interval = KNOWN_MIN_INTERVALS.get(host.split(":")[0], 0.0)
                gate = HostGate(threading.BoundedSemaphore(self.per_host), min_interval=interval)
                self._gates[host] = gate
            return gate

    def breaker(self, url: str, service: str) -> Breaker:
        """Keyed by host and service: two services behind one host fail apart."""
        key = (urlsplit(url).netloc.lower(), service)
        with self._gates_lock:
            return self._breakers.setdefault(key, Breaker(service))

    def take_retry(self) -> bool:
        with self._gates_lock:
            if self.retries_left <= 0:
                return False
            self.retries_left -= 1
            return True

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        timeout = kwargs.get("timeout")
        seconds = float(timeout) if isinstance(timeout, int | float) else self.timeout
        kwargs["timeout"] = seconds
        gate = self.gate(request.url or "")
        gate.enter(self.cancelled)
        try:
            gate.wait_turn(self.cancelled)
            with self._gates_lock:
                self.sent += 1
            with attempt_scope(Attempt(time.monotonic() + seconds, self.cancelled)):
                response = super().send(request, **kwargs)
                _read_body(response, MAX_BODY)
        finally:
            gate.slots.release()
        gate.learn(response.headers)
        return response


def _read_body(response: requests.Response, limit: int) -> None:
    """Read the whole (decompressed) body now, inside the deadline, refusing more than `limit`."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        response.close()
        raise AnswerTooLarge
    parts: list[bytes] = []
    size = 0
    for chunk in response.iter_content(_CHUNK):
        size += len(chunk)
        if size > limit:
            response.close()
            raise AnswerTooLarge
        parts.append(chunk)
    response._content = b"".join(parts)
