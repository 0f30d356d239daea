"""List rules (E4xx/W4xx) against the project's real taxonomy, and the real list validating clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import Diagnostic, check_bib, check_path
from empathy_bib.taxonomy import Taxonomy, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy(root: Path) -> Taxonomy:
    return load_taxonomy(root / "styles" / "categories.toml")


def misc(key: str = "doe2024good", **fields: str) -> str:
    values = {
        "title": "A Good Entry",
        "author": "Doe, Jane",
        "year": "2024",
        "keywords": "datasets",
        **fields,
    }
    lines = "".join(f"  {name} = {{{value}}},\n" for name, value in values.items() if value != "-")
    return f"@misc{{{key},\n{lines}}}\n"


def run(text: str, taxonomy: Taxonomy | None) -> list[Diagnostic]:
    return check_bib(BibFile.from_text(text), taxonomy, path="t.bib")


def codes(text: str, taxonomy: Taxonomy | None) -> list[str]:
    return [d.code for d in run(text, taxonomy)]


def test_the_real_list_validates_clean(root: Path, taxonomy: Taxonomy) -> None:
    assert check_path(root / "references.bib", taxonomy) == []


def test_keywords_required(taxonomy: Taxonomy) -> None:
    assert codes(misc(keywords="-"), taxonomy) == ["E401"]
    assert codes(misc(keywords=" , "), taxonomy) == ["E401"]


def test_without_a_taxonomy_category_rules_are_skipped() -> None:
    assert codes(misc(keywords="-"), None) == []


def test_unknown_slug_and_slug_with_subsections(taxonomy: Taxonomy) -> None:
    diags = run(misc(keywords="datasets, nonsense, empathetic-dialogue-systems"), taxonomy)
    assert [d.code for d in diags] == ["E402", "E402"]
    assert "nonsense" in diags[0].message or "nonsense" in diags[1].message
    assert any("generative-approaches" in d.message for d in diags)  # names the subsections


def test_duplicate_keyword(taxonomy: Taxonomy) -> None:
    assert codes(misc(keywords="datasets, datasets"), taxonomy) == ["W407"]


def test_arxiv_id_without_url(taxonomy: Taxonomy) -> None:
    diags = run(misc(eprint="2409.10289", archiveprefix="arXiv"), taxonomy)
    assert [d.code for d in diags] == ["W403"] and "https://arxiv.org/abs/2409.10289" in diags[0].message


def test_mixed_unicode_and_latex_escapes(taxonomy: Taxonomy) -> None:
    text = misc("a", author="Sedoc, Jo{\\~a}o") + "\n" + misc("b", title="Other", author="Daumé, Hal")
    diags = run(text, taxonomy)
    assert [d.code for d in diags] == ["W404"] and diags[0].key == "b"


def test_only_unicode_or_only_escapes_is_consistent(taxonomy: Taxonomy) -> None:
    escapes = misc("a", author="Daum{\\'e}, Hal") + misc("b", title="Other", author="Jo{\\~a}o, X")
    assert codes(escapes, taxonomy) == []
    assert codes(misc("a", author="Daumé, Hal") + misc("b", title="Other", author="João, X"), taxonomy) == []


@pytest.mark.parametrize("char", ["\u00a0", "\u200b", "\u2019"])
def test_invisible_or_lookalike_characters_in_keys(char: str, taxonomy: Taxonomy) -> None:
    diags = run(misc(f"doe{char}2024"), taxonomy)
    assert [d.code for d in diags] == ["E405"]
    assert (diags[0].line, diags[0].column) == (1, 10)


def test_invisible_characters_in_values(taxonomy: Taxonomy) -> None:
    diags = run(misc(title="A\u200bGood Entry"), taxonomy)
    assert [d.code for d in diags] == ["W406"] and "U+200B" in diags[0].message
