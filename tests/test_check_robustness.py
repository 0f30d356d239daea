"""Bad input: the shared corpus and generated garbage never crash validate; every error is located."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from empathy_bib.bib import BibFile, BlockKind
from empathy_bib.check import Diagnostic, check_bib, check_path
from empathy_bib.taxonomy import Taxonomy, load_taxonomy

from .conftest import ROOT, corpus_files


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "styles" / "categories.toml")


def assert_located(diags: list[Diagnostic], text: str) -> None:
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1  # a lone \r ends a line too
    for d in diags:
        assert 1 <= d.line <= lines, d
        assert d.column >= 1, d
        assert d.severity in ("error", "warning") and d.code and d.message


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_corpus_file(path: Path, corpus_dir: Path, taxonomy: Taxonomy) -> None:
    data = path.read_bytes()
    diags = check_path(path, taxonomy)
    text = data.decode("utf-8", errors="replace")
    assert_located(diags, text)
    bib = BibFile.from_text(text)
    for block in bib.failed_blocks:
        first_line = bib.line_of(block.start)
        assert any(d.code.startswith("E1") and d.line >= first_line for d in diags), block.raw[:80]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        assert any(d.code == "E109" for d in diags)


def test_the_four_non_utf8_files_are_reported(corpus_dir: Path) -> None:
    reported = [p for p in corpus_files() if any(d.code == "E109" for d in check_path(p, None))]
    assert len(reported) == 4


BIBTEXISH = st.lists(
    st.sampled_from(
        [
            "@",
            "@misc",
            "@string",
            "@comment",
            "{",
            "}",
            "(",
            ")",
            ",",
            "=",
            '"',
            "#",
            "\\",
            "%",
            "\n",
            " ",
            "title",
            "author",
            "key1",
            "jan",
            "2024",
            "{A}",
            "https://x.org",
            "\u00a0",
            "é",
            "\r\n",
            "{\\'e}",
        ]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BIBTEXISH)
def test_bibtex_shaped_garbage(text: str) -> None:
    bib = BibFile.from_text(text)
    diags = check_bib(bib, None, path="g.bib")
    assert_located(diags, text)
    for block in bib.blocks:
        if block.kind is BlockKind.FAILED:
            assert any(d.code.startswith("E1") for d in diags)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("garbage") / "g.bib"
    path.write_bytes(data)
    diags = check_path(path, None)
    assert_located(diags, data.decode("utf-8", errors="replace"))
