"""verify's checks, each shown failing: the correct entry gives nothing, the wrong one its code on
the line of the field that disagrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathy_bib.enrich.records import Update
from tests.test_fetch_fakes import ArxivEntry, FakeServices, crossref_item, fake, fake_server
from tests.verify_support import EMPHI_AUTHORS, EMPHI_TITLE, LIST, codes, line_of, truth, verify

__all__ = ["fake", "fake_server"]


def test_the_correct_list_gives_no_finding(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    code, findings, err = verify(fake, tmp_path, LIST)
    assert (code, findings) == (0, []), err


@pytest.mark.parametrize(
    ("old", "new", "code", "line_needle"),
    [
        # an arXiv id of another paper (EmpHi pointed at CARE's)
        ("eprint = {2204.12191}", "eprint = {2211.00255}", "E701", "eprint = {2211"),
        # a wrong author list
        ("Kidder, William and D'Cruz", "Doody, Ryan M. and D'Cruz", "E704", "Doody"),
        # a missing author, a swapped pair
        (
            "Chen, Mao Yan and Li, Siheng and Yang, Yujiu",
            "Chen, Mao Yan and Yang, Yujiu",
            "E704",
            "Chen, Mao",
        ),
        (
            "Chen, Mao Yan and Li, Siheng and Yang, Yujiu",
            "Li, Siheng and Chen, Mao Yan and Yang, Yujiu",
            "E704",
            "Li, S",
        ),
        # a truncated title, a different one
        (
            "Generating Empathetic Responses with Human-like Intents}",
            "Generating Empathetic Responses}",
            "E702",
            "{EmpHi}",
        ),
        ("What {LLMs} Can and Cannot Do}", "What {LLMs} Can Do}", "E702", "Right to Be"),
        # years: the published year, and the first arXiv version's for an arXiv-only entry
        ("year = {2022}", "year = {2021}", "E705", "year = {2021}"),
        ("year = {2024}", "year = {2023}", "E705", "year = {2023}"),
        # venue: a misspelt acronym, another track
        ("Human Language Technologies},", "Human Language Technologies (NAACL-HTL)},", "E706", "booktitle"),
        ("booktitle = {Proceedings of the 2022", "booktitle = {Findings of the 2022", "E707", "booktitle"),
        # pages
        ("pages = {1063--1074}", "pages = {1063--1075}", "E708", "pages"),
        # a DOI nobody knows, an Anthology id nobody knows
        ("doi = {10.18653/v1/2022.naacl-main.78}", "doi = {10.18653/v1/2022.naacl-main.79}", "E709", "doi ="),
        ("naacl-main.78/}", "naacl-main.99/}", "E716", "url = {https://aclanthology"),
    ],
)
def test_each_error_is_found_on_its_line(
    fake: FakeServices, tmp_path: Path, old: str, new: str, code: str, line_needle: str
) -> None:
    truth(fake)
    assert old in LIST
    wrong = LIST.replace(old, new, 1)
    exit_code, findings, err = verify(fake, tmp_path, wrong)
    assert exit_code == 1, err
    found = [f for f in findings if f["code"] == code]
    assert found, findings
    assert found[0]["line"] == line_of(wrong, line_needle)
    assert found[0]["column"] == 3  # the field's name
    assert found[0]["severity"] == "error"


def test_another_paper_is_named_with_its_registry(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    _, findings, _ = verify(fake, tmp_path, LIST.replace("eprint = {2204.12191}", "eprint = {2211.00255}"))
    (finding,) = [f for f in findings if f["code"] == "E701"]
    assert "CARE: Causality Reasoning" in finding["message"] and "arXiv" in finding["message"]
    assert finding["key"] == "chen2022emphi"


def test_the_author_message_gives_the_registry_list_in_bibtex(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    _, findings, _ = verify(
        fake, tmp_path, LIST.replace("Kidder, William and D'Cruz", "Doody, Ryan M. and D'Cruz")
    )
    (finding,) = [f for f in findings if f["code"] == "E704"]
    assert "Kidder, William and D'Cruz, Jason and Varshney, Kush R." in finding["message"]


@pytest.mark.parametrize(
    "authors",
    [
        "Chen, M. Y. and Li, S. and Yang, Y.",  # initials for given names
        "Chen, Mao Yan and others",  # `and others` stands for the rest
        "Ch{\\'e}n, Mao Yan and Li, Siheng and Yang, Yujiu",  # accents
    ],
)
def test_author_forms_bibtex_reads_alike_are_no_error(
    fake: FakeServices, tmp_path: Path, authors: str
) -> None:
    truth(fake)
    text = LIST.replace("Chen, Mao Yan and Li, Siheng and Yang, Yujiu", authors)
    code, findings, err = verify(fake, tmp_path, text)
    assert (code, codes(findings)) == (0, []), err


def test_family_jr_form_matches_the_anthologys_quirk(fake: FakeServices, tmp_path: Path) -> None:
    anthology = truth(fake)
    fake.works["10.18653/v1/2022.naacl-main.78"]["author"][2] = {"given": "Yujiu", "family": "Yang III"}
    anthology["2022.naacl-main.78"] = anthology["2022.naacl-main.78"].replace(
        "Yang, Yujiu", "Iii, Yujiu Yang"
    )
    text = LIST.replace("Yang, Yujiu}", "Yang, III, Yujiu}")
    code, findings, err = verify(fake, tmp_path, text)
    assert (code, findings) == (0, []), err


def test_a_preprint_title_that_changed_on_publication_is_no_error(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.arxiv["2204.12191"] = ArxivEntry(
        "2204.12191",
        "Human-like Intents for Empathetic Dialogue",
        ["Mao Yan Chen", "Siheng Li", "Yujiu Yang"],
    )
    code, findings, err = verify(fake, tmp_path, LIST)
    assert (code, findings) == (0, []), err


def test_the_arxiv_title_on_a_published_entry_is_a_warning(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.arxiv["2204.12191"] = ArxivEntry(
        "2204.12191", "EmpHi: Human-like Intents", ["Mao Yan Chen", "Siheng Li", "Yujiu Yang"]
    )
    text = LIST.replace("Generating Empathetic Responses with Human-like Intents}", "Human-like Intents}")
    code, findings, err = verify(fake, tmp_path, text)
    assert code == 0, err
    assert codes(findings) == [("W703", line_of(text, "{EmpHi}: Human"))]
    code, _, _ = verify(fake, tmp_path, text, "--strict")
    assert code == 1


def test_registries_that_disagree_on_authors_make_a_warning_not_an_error(
    fake: FakeServices, tmp_path: Path
) -> None:
    """The Anthology and Crossref misspell a name; arXiv agrees with the entry: W717 only."""
    anthology = truth(fake)
    anthology["2022.naacl-main.78"] = anthology["2022.naacl-main.78"].replace("Li, Siheng", "SLi, SLi")
    item = fake.works["10.18653/v1/2022.naacl-main.78"]
    item["author"][1] = {"given": "SLi", "family": "SLi"}
    code, findings, err = verify(fake, tmp_path, LIST)
    assert code == 0, err
    assert codes(findings) == [("W717", line_of(LIST, "Chen, Mao Yan"))]
    assert "arXiv agrees" in findings[0]["message"] and "SLi, SLi" in findings[0]["message"]


def test_registries_that_disagree_on_the_title_make_a_warning(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.works["10.18653/v1/2022.naacl-main.78"]["title"] = ["<i>EmpHi</i>: 100% {Generating & Something"]
    code, findings, err = verify(fake, tmp_path, LIST)
    assert code == 0, err
    assert codes(findings) == [("W717", line_of(LIST, "{EmpHi}: Generating"))]
    assert "ACL Anthology agrees" in findings[0]["message"]


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("retraction", "E710"),
        ("withdrawal", "E710"),
        ("correction", "W711"),
        ("expression_of_concern", "W711"),
    ],
)
def test_crossref_notices(fake: FakeServices, tmp_path: Path, kind: str, code: str) -> None:
    truth(fake)
    fake.works["10.18653/v1/2022.naacl-main.78"]["updated-by"] = [
        {"DOI": "10.18653/notice.1", "type": kind, "source": "retraction-watch", "updated": {}}
    ]
    exit_code, findings, err = verify(fake, tmp_path, LIST)
    assert codes(findings) == [(code, line_of(LIST, "doi = {10.18653"))], err
    assert "10.18653/notice.1" in findings[0]["message"]
    assert exit_code == (1 if code.startswith("E") else 0)
    assert Update(kind, "10.18653/notice.1", "retraction-watch")  # the record type the client fills


def _withdrawn(fake: FakeServices, latest: int) -> None:
    entry = fake.arxiv["2401.14523"]
    fake.arxiv["2401.14523"] = ArxivEntry(entry.arxiv_id, entry.title, entry.authors, entry.published)
    original = fake.arxiv["2401.14523"].xml

    def xml() -> str:
        return (
            original()
            .replace("2401.14523v1</id>", f"2401.14523v{latest}</id>")
            .replace(
                "</entry>",
                '<arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">This paper has been withdrawn '
                "by the authors</arxiv:comment></entry>",
            )
        )

    fake.arxiv["2401.14523"].xml = xml  # type: ignore[method-assign]


@pytest.mark.parametrize(
    ("eprint", "latest", "code"),
    [
        ("2401.14523", 1, "E712"),
        ("2401.14523v2", 2, "E712"),
        ("2401.14523v1", 2, "W713"),
        ("2401.14523", 3, "W713"),
    ],
)
def test_withdrawn_arxiv_versions(
    fake: FakeServices, tmp_path: Path, eprint: str, latest: int, code: str
) -> None:
    truth(fake)
    _withdrawn(fake, latest)
    text = LIST.replace("eprint = {2401.14523}", f"eprint = {{{eprint}}}")
    _, findings, err = verify(fake, tmp_path, text)
    assert codes(findings) == [(code, line_of(text, f"eprint = {{{eprint}"))], err


def test_validate_never_reports_verify_codes_and_select_accepts_them(tmp_path: Path) -> None:
    from empathy_bib.bib import BibFile
    from empathy_bib.check import CHECKS, FAMILIES, check_bib
    from tests.conftest import run_cli

    verify_codes = [c for c in CHECKS if c[1] == "7"]
    assert len(verify_codes) >= 15
    found = check_bib(BibFile.from_text(LIST), None)
    assert not [d for d in found if d.code[1] == "7"]
    assert "verify" not in FAMILIES
    bib = tmp_path / "list.bib"
    bib.write_text(LIST, encoding="utf-8")
    code, _, err = run_cli(["validate", str(bib), "--select", "E70", "--ignore", "W715"], cwd=tmp_path)
    assert code == 0, err


def test_select_and_ignore(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    wrong = LIST.replace("year = {2022}", "year = {2021}").replace("pages = {1063--1074}", "pages = {1--2}")
    _, findings, _ = verify(fake, tmp_path, wrong, "--select", "E705")
    assert [f["code"] for f in findings] == ["E705"]
    _, findings, _ = verify(fake, tmp_path, wrong, "--ignore", "E705")
    assert [f["code"] for f in findings] == ["E708"]
    code, _, err = verify(fake, tmp_path, wrong, "--select", "E799")
    assert code == 2 and "E799" in err


def test_journal_version_of_a_conference_paper_is_a_track(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.works["10.18653/v1/2022.naacl-main.78"] = crossref_item(
        "10.18653/v1/2022.naacl-main.78",
        EMPHI_TITLE,
        EMPHI_AUTHORS,
        2022,
        "journal-article",
        "Neural Networks",
    )
    code, findings, err = verify(fake, tmp_path, LIST)
    assert code == 1, err
    assert ("E707", line_of(LIST, "booktitle")) in codes(findings)
    assert "journal article" in next(f["message"] for f in findings if f["code"] == "E707")


def test_a_venue_named_by_any_crossref_container_title_is_no_error(
    fake: FakeServices, tmp_path: Path
) -> None:
    """IOS Press gives a series and the volume (`Frontiers in ...`, `ECAI 2024`)."""
    truth(fake)
    item = fake.works["10.18653/v1/2022.naacl-main.78"]
    item["container-title"] = ["Frontiers in Artificial Intelligence and Applications", "NAACL-HLT 2022"]
    fake.override = None  # Crossref alone (the entry's Anthology url goes too)
    text = LIST.replace("  url = {https://aclanthology.org/2022.naacl-main.78/},\n", "").replace(
        "booktitle = {Proceedings of the 2022 Conference of the North American Chapter of the "
        "Association for Computational Linguistics: Human Language Technologies}",
        "booktitle = {NAACL-HLT 2022}",
    )
    assert text != LIST
    code, findings, _ = verify(fake, tmp_path, text)
    assert (code, findings) == (0, []), [f["message"] for f in findings]
    code, findings, _ = verify(fake, tmp_path, text.replace("{NAACL-HLT 2022}", "{NAACL-HTL 2022}"))
    assert codes(findings) == [("E706", line_of(text, "booktitle"))]
