"""A loopback HTTP server that fails the way real services do: hangs, trickles, throttles, lies.

Raw sockets on purpose (a framework would buffer or time out on its own). `FaultServer(behave)`
calls `behave(path)` for each request and does what it returns:

- `HANG`: read the request, never answer (until the server stops);
- `Trickle(data, every, head)`: send `head`, then `data` one byte every `every` seconds;
- bytes: send them (a whole HTTP response) and close.

`closed_port()` is a port nobody listens on (connection refused). Used by tests/test_network_faults.py
and bench/bench_faults.py.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

HANG = "hang"


@dataclass(frozen=True)
class Trickle:
    data: bytes
    every: float = 1.0
    head: bytes = b""  # sent at once, before the trickle


Behaviour = bytes | Trickle | str
Behave = Callable[[str], Behaviour]


def response(status: int, body: bytes, content_type: str, **headers: str) -> bytes:
    reason = {200: "OK", 404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}
    lines = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}", f"Content-Type: {content_type}"]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def json_response(data: Any, status: int = 200, **headers: str) -> bytes:
    return response(status, json.dumps(data).encode(), "application/json", **headers)


THROTTLED = response(429, b"slow down", "text/plain", Retry_After="3600")
CAPTIVE_PORTAL = response(
    200, b"<!DOCTYPE html><html><body>Sign in to the hotel Wi-Fi</body></html>", "text/html"
)


def crossref_work(path: str) -> bytes:
    """`/works/10.18653/v1/2024.bench-main.N` -> the work the bench entries describe (title N)."""
    doi = path.split("/works/", 1)[-1]
    number = doi.rsplit(".", 1)[-1]
    item = {
        "DOI": doi,
        "type": "proceedings-article",
        "title": [f"Benchmark Paper {number} on Empathetic Dialogue"],
        "author": [{"given": "Ada", "family": "Lovelace", "sequence": "first"}],
        "issued": {"date-parts": [[2024]]},
    }
    return json_response({"status": "ok", "message-type": "work", "message": item})


def bench_bib(n: int) -> str:
    """`n` entries whose Anthology ids each make one Crossref request (`/works/<doi>`)."""
    return "\n".join(
        f"@inproceedings{{bench{i},\n  title = {{Benchmark Paper {i} on Empathetic Dialogue}},\n"
        f"  author = {{Lovelace, Ada}},\n  year = {{2024}},\n"
        f"  url = {{https://aclanthology.org/2024.bench-main.{i}/}},\n}}\n"
        for i in range(1, n + 1)
    )


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        sock: socket.socket = self.request
        path = _read_request_path(sock)
        if path is None:
            return
        with self.server.lock:
            self.server.paths.append(path)
        what = self.server.behave(path)
        stop = self.server.stopping
        try:
            if isinstance(what, Trickle):
                sock.sendall(what.head)
                for i in range(len(what.data)):
                    sock.sendall(what.data[i : i + 1])
                    if stop.wait(what.every):
                        return
            elif isinstance(what, bytes):
                sock.sendall(what)
            else:
                stop.wait()  # HANG
        except OSError:
            return  # the client gave up: that is what the tests are about


def _read_request_path(sock: socket.socket) -> str | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = sock.recv(4096)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    parts = data.split(b" ", 2)
    return parts[1].decode("latin-1") if len(parts) > 2 else None


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behave: Behave) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behave = behave
        self.paths: list[str] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()


class FaultServer:
    """`with FaultServer(lambda path: HANG) as server:` ... `server.url`, `server.paths`."""

    def __init__(self, behave: Behave) -> None:
        self._server = _Server(behave)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def paths(self) -> list[str]:
        with self._server.lock:
            return list(self._server.paths)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def closed_port() -> str:
    """The URL of a loopback port with nothing listening: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
