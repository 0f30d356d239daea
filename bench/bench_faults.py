#!/usr/bin/env python3
"""What a dead or hostile service costs `fetch-dois --timeout 3`: wall time per case, real processes.

    .venv/bin/python bench/bench_faults.py [--before SRC] [--limit SECONDS]

Each case runs `python -m empathy_bib fetch-dois` (this tree's src, and with `--before SRC`
another tree's too, e.g. /work/main/src) against a loopback Crossref that fails one way:

- one entry against a service that accepts and never answers (hung);
- one entry against `429` with `Retry-After: 3600`;
- one entry against an answer trickled a byte a second;
- 50 entries against a service that is down: connection refused, and accept-but-never-answer;
- Ctrl-C: 50 entries against the hung service, SIGINT after 2 s; the time from the signal to exit.

A case still running after `--limit` seconds (default 60) is killed and shown as `>limit`.
Goals: every case under 15 s, the 50-entry cases under 20 s.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faultserver import (  # noqa: E402
    HANG,
    THROTTLED,
    Behaviour,
    FaultServer,
    Trickle,
    bench_bib,
    closed_port,
    crossref_work,
)

TIMEOUT = "3"
SIGNAL_AFTER = 2.0


@dataclass(frozen=True)
class Case:
    label: str
    entries: int
    behave: Callable[[str], Behaviour] | None  # None: nothing listens (connection refused)
    interrupt: bool = False


CASES = [
    Case("1 entry, hung service", 1, lambda path: HANG),
    Case("1 entry, Retry-After: 3600", 1, lambda path: THROTTLED),
    Case("1 entry, trickled 1 byte/s", 1, lambda path: Trickle(crossref_work(path), every=1.0)),
    Case("50 entries, down (refused)", 50, None),
    Case("50 entries, down (accept, no answer)", 50, lambda path: HANG),
    Case("Ctrl-C to exit (50 hung)", 50, lambda path: HANG, interrupt=True),
]


@dataclass(frozen=True)
class Figure:
    seconds: float
    code: int | None  # None: killed at the limit
    requests: int


def run_case(case: Case, src: Path, limit: float) -> Figure:
    server: AbstractContextManager[FaultServer | None] = (
        FaultServer(case.behave) if case.behave else nullcontext(None)
    )
    with tempfile.TemporaryDirectory() as tmp, server as running:
        bib = Path(tmp) / "references.bib"
        bib.write_text(bench_bib(case.entries), encoding="utf-8")
        env = dict(os.environ, PYTHONPATH=str(src), EMPATHY_BIB_CACHE_DIR=str(Path(tmp) / "cache"))
        env["EMPATHY_BIB_CROSSREF_URL"] = running.url if running else closed_port()
        cmd = [sys.executable, "-m", "empathy_bib", "fetch-dois", str(bib), "--timeout", TIMEOUT]
        cmd.append("--no-cache")
        started = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if case.interrupt:
            time.sleep(SIGNAL_AFTER)
            proc.send_signal(signal.SIGINT)
            started = time.monotonic()
        try:
            code: int | None = proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = None
        elapsed = time.monotonic() - started
        return Figure(elapsed, code, len(running.paths) if running else 0)


def show(figure: Figure, limit: float) -> str:
    if figure.code is None:
        return f"{'>' + format(limit, 'g'):>7} s  killed {figure.requests:4d} req"
    return f"{figure.seconds:7.1f} s  exit {figure.code:3d} {figure.requests:4d} req"


def main() -> None:
    # Started in the background by a shell without job control, this process ignores SIGINT, and
    # so would the commands it starts (an ignored signal stays ignored across exec): Python would
    # then never raise KeyboardInterrupt in them, and the Ctrl-C case would measure nothing.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, metavar="SRC", help="also measure this src tree (e.g. main's)")
    parser.add_argument("--limit", type=float, default=60.0, metavar="SECONDS", help="kill a case after this")
    args = parser.parse_args()
    trees = [("after", ROOT / "src")]
    if args.before:
        trees.insert(0, ("before", args.before))
    width = max(len(c.label) for c in CASES)
    print(f"fetch-dois --timeout {TIMEOUT}; goal: < 15 s each, < 20 s for 50 entries")
    print(f"{'case':<{width}}  " + "  ".join(f"{name:<25}" for name, _ in trees))
    for case in CASES:
        figures = [show(run_case(case, src, args.limit), args.limit) for _, src in trees]
        print(f"{case.label:<{width}}  " + "  ".join(f"{f:<25}" for f in figures), flush=True)


if __name__ == "__main__":
    main()
