"""Field checks (E3xx/W3xx): one mistake per test, with its code and position."""

from __future__ import annotations

import datetime

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import Diagnostic, check_bib
from empathy_bib.check.fields import REQUIRED, SUPPORTED_TYPES, unprotected_acronyms


def run(text: str) -> list[Diagnostic]:
    return check_bib(BibFile.from_text(text), None, path="t.bib")


def article(**fields: str) -> str:
    """A complete @article; `name="-"` drops a field; raw values (`{..}`, numbers, months) kept as is."""
    values = {"title": "{A} Title", "author": "Doe, Jane", "journal": "J", "year": "2024", **fields}
    lines = [f"  {name} = {_raw(name, value)},\n" for name, value in values.items() if value != "-"]
    return "@article{a2024title,\n" + "".join(lines) + "}\n"


def _raw(name: str, value: str) -> str:
    if (
        (value.startswith("{") and value.endswith("}"))
        or value.startswith('"')
        or value.isdigit()
        or name == "month"
    ):
        return value
    return "{" + value + "}"


def codes(text: str) -> list[str]:
    return [d.code for d in run(text)]


def test_a_complete_article_is_clean() -> None:
    assert codes(article()) == []


def test_required_fields_per_type() -> None:
    assert codes(article(journal="-")) == ["E301"]
    assert "journal" in run(article(journal="-"))[0].message


def test_biblatex_alternatives_are_accepted() -> None:
    assert codes(article(journal="-", journaltitle="J", year="-", date="2024-05")) == []


def test_inproceedings_needs_booktitle() -> None:
    text = "@inproceedings{a, title={T}, author={A}, year={2024}}\n"
    assert [d.message for d in run(text) if d.code == "E301"] == ["@inproceedings requires 'booktitle'"]


def test_unsupported_entry_type() -> None:
    assert codes("@software{a, title={T}, author={A}, year={2024}}\n") == ["E311"]


def test_supported_types_match_the_renderer() -> None:
    csljson = pytest.importorskip("empathy_bib.render.csljson")
    assert set(csljson.CSL_TYPES) == set(SUPPORTED_TYPES) == set(REQUIRED)


@pytest.mark.parametrize("year", ["24", "2O24", "{2024a}", str(datetime.date.today().year + 2)])
def test_bad_years(year: str) -> None:
    assert codes(article(year=year)) == ["E302"]


def test_next_year_is_fine() -> None:
    assert codes(article(year=str(datetime.date.today().year + 1))) == []


@pytest.mark.parametrize("month", ["jan", "12", "{5}"])
def test_good_months(month: str) -> None:
    assert codes(article(month=month)) == []


@pytest.mark.parametrize("month", ["{August}", "{Aug.}", "{13}", "{spring}"])
def test_bad_months(month: str) -> None:
    assert codes(article(month=month)) == ["W303"]


@pytest.mark.parametrize("pages", ["12-34", "12 - 34", "12–34", "e12-e34"])
def test_page_ranges_need_double_dash(pages: str) -> None:
    diags = run(article(pages=pages))
    assert [d.code for d in diags] == ["W304"]


@pytest.mark.parametrize("pages", ["12--34", "12", "e1234", "S1--S9"])
def test_good_pages(pages: str) -> None:
    assert codes(article(pages=pages)) == []


def test_doi_as_url_and_bad_doi() -> None:
    assert codes(article(doi="https://doi.org/10.1145/3411764.3445099")) == ["W306"]
    assert codes(article(doi="doi:10.1145/3411764.3445099")) == ["W306"]
    assert codes(article(doi="10.1145")) == ["E305"]
    assert codes(article(doi="10.1145/3411764.3445099")) == []


def test_bad_arxiv_id_in_eprint_and_url() -> None:
    assert codes(article(eprint="2409.1028", archiveprefix="arXiv")) == ["E307"]
    assert codes(article(url="https://arxiv.org/abs/2413.10289")) == ["E307"]
    url = "https://arxiv.org/abs/2409.10289"
    assert codes(article(eprint="2409.10289v2", archiveprefix="arXiv", url=url)) == []


def test_bad_anthology_id() -> None:
    assert codes(article(url="https://aclanthology.org/2020.emnlp-main/")) == ["E308"]
    good = article(journal="Proceedings of ACL 2024", url="https://aclanthology.org/2024.acl-long.417/")
    assert codes(good) == []


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "www.example.org", "https://exa mple.org", "/paper.pdf"],
)
def test_unsafe_or_relative_urls(url: str) -> None:
    assert codes(article(url=url)) == ["E309"]


def test_code_field_is_a_url_too() -> None:
    assert codes(article(code="ftp://example.org/x")) == ["E309"]


def test_unprotected_acronyms_warn_with_suggestion() -> None:
    diags = run(article(title="Evaluating LLMs and {GPT}-4 with {ChatGPT} in EmpatheticDialogues"))
    assert [d.code for d in diags] == ["W310"]
    assert "{LLMs}" in diags[0].message and "{EmpatheticDialogues}" in diags[0].message
    assert "{ChatGPT}" not in diags[0].message


def test_acronym_detection_ignores_accents_and_hyphenated_title_case() -> None:
    assert unprotected_acronyms("Multi-Turn In-Context Caf{\\'e} Learning") == []
    assert unprotected_acronyms("{BERT}-based and RoBERTa models") == ["RoBERTa"]


def test_empty_field() -> None:
    assert codes(article(note="{}")) == ["W312"]
