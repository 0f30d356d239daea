"""Helpers for the benchmark scripts: run a command in a child process, report wall time and peak RSS.

Each measurement runs in its own process so that peak memory (ru_maxrss of the child) is the
measured tool's alone and start-up is included, as a user would see it.
"""

from __future__ import annotations

import os
import resource
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
    seconds: float  # best wall time
    peak_mb: float
    returncode: int
    cpu_seconds: float = 0.0  # user + system time of the best run (the command and its children)


def measure(label: str, cmd: list[str], repeat: int = 3) -> Measurement:
    """Best wall time of `repeat` runs and the peak RSS of the child process."""
    return measure_interleaved([(label, cmd, repeat)])[0]


def measure_interleaved(commands: list[tuple[str, list[str], int]]) -> list[Measurement]:
    """Each `(label, command, repeat)` run `repeat` times, the commands taking turns (one run of
    each per round), and measured as `measure` does: on a shared, noisy CPU, a burst of load
    then falls on every command alike instead of on the one measured at that moment."""
    runs: list[list[tuple[float, float, float, int]]] = [[] for _ in commands]
    for round_ in range(max((repeat for _, _, repeat in commands), default=0)):
        for (_, cmd, repeat), done in zip(commands, runs, strict=True):
            if round_ < repeat:
                done.append(_run_once(cmd))
    rows = []
    for (label, _, _), done in zip(commands, runs, strict=True):
        best = min(done)
        failed = next((r[3] for r in done if r[3]), 0)  # a run that failed is reported
        rows.append(Measurement(label, best[0], max(r[2] for r in done), failed, best[1]))
    return rows


def _run_once(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak MB, exit code) of one run, in a child process."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/env", "python3", str(ROOT / "bench" / "_rss.py"), *cmd],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - before
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # grandchildren included once waited for
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    peak = 0.0
    for line in proc.stderr.splitlines():
        if line.startswith("PEAK_RSS_KB="):
            peak = int(line.split("=", 1)[1]) / 1024
    return elapsed, cpu, peak, proc.returncode


def python_snippet(code: str) -> list[str]:
    return [PYTHON, "-c", code]


def print_table(rows: list[Measurement]) -> None:
    width = max(len(r.label) for r in rows)
    print(f"{'tool':<{width}}  {'wall s':>8}  {'cpu s':>8}  {'peak MB':>8}  exit")
    for r in rows:
        print(f"{r.label:<{width}}  {r.seconds:8.2f}  {r.cpu_seconds:8.2f}  {r.peak_mb:8.0f}  {r.returncode}")


def keep_bytecode(folder: Path) -> None:
    """Let the measured child processes keep compiled bytecode (in `folder`), even where
    PYTHONDONTWRITEBYTECODE is set, as an installed package and the peers' site-packages have it:
    otherwise every run of ours would recompile our sources and theirs would not."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
