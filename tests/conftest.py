"""Shared test fixtures: the project paths, the shared corpus, and real external programs.

`run_cli`, `validate_json` and `render_list` drive the public command line in-process, so
tests written with them assert what users see and survive refactors of the modules below.

Tests that need a program (pdflatex, biber, pandoc, chromium) call `require_tool`: on a
user's machine without it they skip with a reason; with EMPATHY_BIB_REQUIRE_TOOLS=1 (set by
.ci/run) they fail instead, so CI never skips silently.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def tools_required() -> bool:
    return os.environ.get("EMPATHY_BIB_REQUIRE_TOOLS", "") not in ("", "0")


def require_tool(name: str) -> str:
    """The path of program `name`; skip (or fail, in CI) when it is not installed."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if tools_required():
            pytest.fail(f"{message}, and EMPATHY_BIB_REQUIRE_TOOLS is set")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """../shared/corpus, read in place; absent on a user's clone, where these tests skip."""
    if not CORPUS.is_dir():
        if tools_required():
            pytest.fail(f"{CORPUS} is missing, and EMPATHY_BIB_REQUIRE_TOOLS is set")
        pytest.skip("the shared corpus (../shared/corpus) is not next to this clone")
    return CORPUS


def corpus_files() -> list[Path]:
    """Every .bib of the corpus, for parametrised tests (empty when it is absent)."""
    if not CORPUS.is_dir():
        return []
    return sorted(CORPUS.glob("*/*.bib"))


def run_cli(args: Sequence[str], cwd: Path = ROOT) -> tuple[int, str, str]:
    """`empathy-bib ARGS` run in-process from `cwd`: (exit code, stdout, stderr)."""
    from empathy_bib.cli import main

    out, err = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.chdir(previous)
    return code, out.getvalue(), err.getvalue()


def validate_json(path: Path) -> dict[str, Any]:
    """`empathy-bib validate --format json PATH`, parsed: {"diagnostics": [...], "summary": {...}}."""
    code, out, err = run_cli(["validate", "--format", "json", str(path)])
    assert code in (0, 1), err
    result: dict[str, Any] = json.loads(out)
    return result


def render_list(bib_text: str, folder: Path) -> dict[str, str]:
    """`empathy-bib render` of `bib_text` with the repository's styles: every output, by relative path."""
    folder.mkdir(parents=True, exist_ok=True)
    bib = folder / "list.bib"
    bib.write_text(bib_text, encoding="utf-8", newline="\n")
    out = folder / "out"
    code, _, err = run_cli(["render", "--bib", str(bib), "--out", str(out)])
    assert code == 0, err
    return {
        p.relative_to(out).as_posix(): p.read_bytes().decode("utf-8")
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }
