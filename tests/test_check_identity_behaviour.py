"""validate recognises one paper however its identifiers and title are written, and only then.

Plain behaviour assertions on findings (no copy of the implementation): two entries that name
the same DOI or arXiv id in different spellings are reported as one paper listed twice (or as
a link of the other paper); titles that differ only in case, accents, LaTeX, braces or
punctuation are duplicates, the independent decoding being pylatexenc's; a truncated or
misspelt title is "similar"; different papers give no such finding.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from empathy_bib.bib import BibFile
from empathy_bib.check import check_bib
from empathy_bib.taxonomy import Taxonomy, load_taxonomy

from .conftest import ROOT

TAXONOMY: Taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
SAME_PAPER = {"E202", "E203", "E501"}  # duplicate DOI / arXiv id, or a link naming the other paper


def entry(key: str, title: str, **fields: str) -> str:
    extra = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return (
        f"@misc{{{key},\n  title = {{{title}}},\n  author = {{Lee, Ann}},\n  year = {{2021}},\n"
        f"{extra}  keywords = {{datasets}},\n}}\n"
    )


def codes(*entries: str) -> set[str]:
    return {d.code for d in check_bib(BibFile.from_text("\n".join(entries)), TAXONOMY)}


# ---------------------------------------------------------------------- DOIs and arXiv ids

doi_suffix = st.from_regex(r"[a-z0-9][a-z0-9.\-_()/]{0,15}[a-z0-9]", fullmatch=True)
DOI_SPELLINGS = [
    "{}",
    "https://doi.org/{}",
    "http://dx.doi.org/{}",
    "doi:{}",
    "DOI: {}",
    "https://doi.org/{}",
]


@settings(max_examples=60, deadline=None)
@given(doi_suffix, st.sampled_from(DOI_SPELLINGS), st.sampled_from(DOI_SPELLINGS), st.booleans())
def test_one_doi_in_any_spelling_is_one_paper(suffix: str, first: str, second: str, upper: bool) -> None:
    doi = f"10.1000/{suffix}"
    other = doi.upper() if upper else doi  # DOIs compare case-insensitively
    found = codes(
        entry("a2021", "Empathy in dialogue systems", doi=first.format(doi)),
        entry("b2021", "Measuring emotional support", doi=second.format(other)),
    )
    assert found & SAME_PAPER, found
    assert ("W306" in found) == (first != "{}" or second != "{}")  # a bare DOI is the expected form
    assert "E305" not in found


@settings(max_examples=40, deadline=None)
@given(doi_suffix, doi_suffix)
def test_different_dois_are_different_papers(a: str, b: str) -> None:
    if a.lower() == b.lower():
        return
    found = codes(
        entry("a2021", "Empathy in dialogue systems", doi=f"10.1000/{a}"),
        entry("b2021", "Measuring emotional support", doi=f"https://doi.org/10.1000/{b}"),
    )
    assert not found & SAME_PAPER, found


@pytest.mark.parametrize("value", ["10.abc/x", "10.1000", "https://example.org/10.1000/x", "x 10.1000/y"])
def test_a_value_that_is_no_doi_is_refused(value: str) -> None:
    assert "E305" in codes(entry("a2021", "Empathy in dialogue systems", doi=value))


@pytest.mark.parametrize(
    ("eprint", "url"),
    [
        ("2101.00001", "https://arxiv.org/abs/2101.00001"),
        ("2101.00001v2", "https://arxiv.org/abs/2101.00001v1"),
        ("2101.00001", "HTTPS://ArXiv.org/pdf/2101.00001v3.pdf"),
        ("cs/0112017", "https://arxiv.org/abs/cs/0112017v1"),
    ],
)
def test_one_arxiv_id_in_eprint_and_url_is_one_paper(eprint: str, url: str) -> None:
    found = codes(
        entry("a2021", "Empathy in dialogue systems", eprint=eprint, archiveprefix="arXiv", url=url),
        entry("b2021", "Measuring emotional support", url=url),
    )
    assert found & SAME_PAPER, found
    assert "E502" not in found  # eprint and url of the first entry agree: versions do not count


def test_arxiv_ids_that_differ_are_different_papers() -> None:
    found = codes(
        entry("a2021", "Empathy in dialogue systems", eprint="2101.00001", archiveprefix="arXiv"),
        entry("b2021", "Measuring emotional support", url="https://arxiv.org/abs/2101.00002"),
    )
    assert not found & SAME_PAPER, found


# ---------------------------------------------------------------------- titles

WORDS = ["Empathy", "dialogue", "Caf{\\'e}", 'na{\\"i}ve', "{BERT}", "Stra{\\ss}e", "LLMs", "support", "x"]


def folded(latex: str) -> str:
    """The title as a reader compares it: decoded by pylatexenc, accents, case and punctuation gone."""
    text = unicodedata.normalize("NFKD", LatexNodes2Text().latex_to_text(latex))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def respelt(latex: str) -> str:
    """The same title written otherwise: Unicode for the escapes, no braces, other case and punctuation."""
    text = LatexNodes2Text().latex_to_text(latex)
    return text.upper().replace(" ", " - ", 1) + "."


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(" ".join))
def test_titles_equal_once_folded_are_one_paper(title: str) -> None:
    other = respelt(title)
    assert folded(other) == folded(title)  # the oracle agrees they are the same title
    assert "E205" in codes(entry("a2021", title), entry("b2021", other))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=2, max_size=8).map(" ".join), st.sampled_from(WORDS))
def test_titles_that_differ_in_a_word_are_not_duplicates(title: str, word: str) -> None:
    other = f"{title} {word} and more"
    assert folded(other) != folded(title)
    assert "E205" not in codes(entry("a2021", title), entry("b2021", other))


def test_dotless_i_under_an_accent_is_the_letter_i() -> None:
    assert folded('Na{\\"\\i}ve empathy') == folded("Naïve empathy")
    assert "E205" in codes(entry("a2021", 'Na{\\"\\i}ve empathy'), entry("b2021", "Naïve empathy"))


def test_truncated_or_misspelt_titles_are_similar_and_unrelated_ones_are_not() -> None:
    full = "Towards empathetic open-domain conversation models: a new benchmark and dataset"
    assert "W206" in codes(
        entry("a2021", full), entry("b2021", "Towards empathetic open-domain conversation")
    )
    assert "W206" in codes(entry("a2021", full), entry("b2021", full.replace("conversation", "conversaton")))
    found = codes(entry("a2021", full), entry("b2021", "Measuring the emotional support of language models"))
    assert not found & {"W206", "E205"}
    assert not codes(entry("a2021", "Empathy"), entry("b2021", "Empathy is all")) & {"W206", "E205"}


def test_a_blank_title_is_no_title() -> None:
    text = (
        "@article{k, title = { }, author = {Lee, Ann}, journal = {J}, year = {2020}, keywords = {datasets}}"
    )
    found = check_bib(BibFile.from_text(text), TAXONOMY)
    assert [(d.code, d.message) for d in found] == [("E301", "@article requires 'title'")]
