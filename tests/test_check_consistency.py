"""Consistency with the data (E503/E504/W505): what an Anthology or arXiv id says about year and venue."""

from __future__ import annotations

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import Diagnostic, check_bib
from empathy_bib.check.consistency import anthology_venue


def inproceedings(anthology_id: str, booktitle: str, year: str) -> str:
    return (
        "@inproceedings{a2021x,\n  title = {A Paper},\n  author = {Doe, Jane},\n"
        f"  booktitle = {{{booktitle}}},\n  year = {{{year}}},\n"
        f"  url = {{https://aclanthology.org/{anthology_id}/}},\n}}\n"
    )


def run(text: str) -> list[Diagnostic]:
    return check_bib(BibFile.from_text(text), None, path="t.bib")


def codes(text: str) -> list[str]:
    return [d.code for d in run(text)]


@pytest.mark.parametrize(
    ("anthology_id", "expected"),
    [
        ("2021.findings-acl.130", (2021, "acl", True)),
        ("2025.coling-main.66", (2025, "coling", False)),
        ("P19-1534", (2019, "acl", False)),
        ("W19-3401", (2019, None, False)),
        ("2024.wassa-1.32", (2024, "wassa", False)),
    ],
)
def test_anthology_venue(anthology_id: str, expected: tuple[int, str | None, bool]) -> None:
    assert anthology_venue(anthology_id) == expected


def test_matching_venue_and_year_is_clean() -> None:
    booktitle = "Findings of the Association for Computational Linguistics: ACL-IJCNLP 2021"
    assert codes(inproceedings("2021.findings-acl.130", booktitle, "2021")) == []


def test_seed_error_findings_paper_labelled_main_conference() -> None:
    text = inproceedings("2021.findings-acl.130", "Proceedings of ACL 2021", "2021")
    diags = run(text)
    assert [d.code for d in diags] == ["E504"] and "Findings" in diags[0].message
    assert (diags[0].line, diags[0].column) == (4, 15)


def test_seed_error_venue_typo_finding_of_acl() -> None:
    assert codes(inproceedings("2024.findings-acl.128", "Finding of ACL 2024", "2024")) == ["E504"]


def test_wrong_conference_for_the_id() -> None:
    text = inproceedings("2025.coling-main.10", "Proceedings of ACL 2025", "2025")
    assert codes(text) == ["E504"]
    assert codes(inproceedings("2020.emnlp-main.721", "Proceedings of EACL 2020", "2020")) == ["E504"]


def test_year_disagreeing_with_the_id() -> None:
    text = inproceedings("2025.coling-main.10", "Proceedings of COLING 2025", "2024")
    assert codes(text) == ["E503"]


def test_preprint_year_against_arxiv_id() -> None:
    entry = (
        "@misc{a2023x,\n  title = {A Paper},\n  author = {Doe, Jane},\n  year = {YEAR},\n"
        "  eprint = {2409.10289},\n  archiveprefix = {arXiv},\n  url = {https://arxiv.org/abs/2409.10289},\n}\n"
    )
    assert codes(entry.replace("YEAR", "2023")) == ["W505"]
    assert codes(entry.replace("YEAR", "2024")) == []
