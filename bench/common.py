"""Helpers for the benchmark scripts: run a command in a child process, report wall time and peak RSS.

Each measurement runs in its own process so that peak memory (ru_maxrss of the child) is the
measured tool's alone and start-up is included, as a user would see it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


@dataclass(frozen=True)
class Measurement:
    label: str
    seconds: float
    peak_mb: float
    returncode: int


def measure(label: str, cmd: list[str], repeat: int = 3) -> Measurement:
    """Best wall time of `repeat` runs and the peak RSS of the child process."""
    best = float("inf")
    peak = 0.0
    code = 0
    for _ in range(repeat):
        before = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/env", "python3", str(ROOT / "bench" / "_rss.py"), *cmd],
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - before
        code = proc.returncode
        best = min(best, elapsed)
        for line in proc.stderr.splitlines():
            if line.startswith("PEAK_RSS_KB="):
                peak = max(peak, int(line.split("=", 1)[1]) / 1024)
    return Measurement(label, best, peak, code)


def python_snippet(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def print_table(rows: list[Measurement]) -> None:
    width = max(len(r.label) for r in rows)
    print(f"{'tool':<{width}}  {'wall s':>8}  {'peak MB':>8}  exit")
    for r in rows:
        print(f"{r.label:<{width}}  {r.seconds:8.2f}  {r.peak_mb:8.0f}  {r.returncode}")


def keep_bytecode(folder: Path) -> None:
    """Let the measured child processes keep compiled bytecode (in `folder`), even where
    PYTHONDONTWRITEBYTECODE is set, as an installed package and the peers' site-packages have it:
    otherwise every run of ours would recompile our sources and theirs would not."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
