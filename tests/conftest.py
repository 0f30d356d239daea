"""Shared test fixtures: the project paths, the shared corpus, and real external programs.

Tests that need a program (pdflatex, biber, pandoc, chromium) call `require_tool`: on a
user's machine without it they skip with a reason; with EMPATHY_BIB_REQUIRE_TOOLS=1 (set by
.ci/run) they fail instead, so CI never skips silently.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

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
