"""The bench scripts still run (on a few entries): a refactoring must not break the figures' source."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT, require_tool


@pytest.mark.parametrize("script", ["bench_bibfile.py", "bench_validate.py", "bench_page.py"])
def test_bench_script_runs_on_a_small_file(script: str) -> None:
    if script == "bench_validate.py":
        require_tool("bibtool")
    if script == "bench_page.py":
        require_tool("chromium")
        require_tool("chromedriver")
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "wall s" in result.stdout


def test_fetch_bench_runs_the_write_back_on_a_few_fills() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_fetch.py"), "--edits", "20", "40"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "20" in result.stdout and "40" in result.stdout


def test_verify_bench_runs_on_a_few_entries() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "bench_verify.py"), "20", "--latency", "0.01"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ratio" in result.stdout or "does not exist yet" in result.stdout
