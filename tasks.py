#!/usr/bin/env python3
"""Set up and run the project's jobs on any machine that has Python 3.10+, nothing else.

    python3 tasks.py render   # create .venv, install empathy-bib, validate and regenerate the list
    python3 tasks.py test     # create .venv, install with test extras, run ruff, mypy and pytest

Extra arguments after `test` go to pytest. The virtual environment is reused; it is
reinstalled when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".installed"


def ensure_venv() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == wanted and PYTHON.exists():
        return
    if not PYTHON.exists():
        print("creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)


def run(cmd: list[str]) -> int:
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def render() -> int:
    ensure_venv()
    cli = [str(PYTHON), "-m", "empathy_bib"]
    return run([*cli, "validate"]) or run([*cli, "render"])


def test(pytest_args: list[str]) -> int:
    ensure_venv()
    failures = 0
    failures += run([str(PYTHON), "-m", "ruff", "check", "src", "tests", "bench"]) != 0
    failures += run([str(PYTHON), "-m", "mypy"]) != 0
    failures += run([str(PYTHON), "-m", "pytest", *pytest_args]) != 0
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("render", "test"):
        print(__doc__)
        return 2
    return render() if argv[0] == "render" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
