"""Identity (E2xx/W2xx) and consistency (E5xx): duplicates however written, and links of another paper."""

from __future__ import annotations

from empathy_bib.bib import BibFile
from empathy_bib.check import Diagnostic, check_bib


def entry(key: str, title: str, **fields: str) -> str:
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return (
        f"@misc{{{key},\n  title = {{{title}}},\n  author = {{Doe, Jane}},\n  year = {{2024}},\n{body}}}\n\n"
    )


def codes(text: str) -> list[str]:
    return [d.code for d in run(text)]


def run(text: str) -> list[Diagnostic]:
    return check_bib(BibFile.from_text(text), None, path="t.bib")


def test_duplicate_keys_compare_case_insensitively() -> None:
    diags = run(entry("Smith2024", "One Paper") + entry("smith2024", "Another Paper"))
    dup = [d for d in diags if d.code == "E201"]
    assert len(dup) == 1 and dup[0].line == 7 and "line 1" in dup[0].message


def test_same_doi_written_differently() -> None:
    text = entry("a", "One Paper", doi="10.18653/v1/X19-1") + entry(
        "b", "One Paper!", doi="https://doi.org/10.18653/V1/x19-1"
    )
    assert "E202" in codes(text)


def test_same_arxiv_id_in_eprint_and_url_with_version() -> None:
    text = entry("a", "One Paper", eprint="2409.10289", archiveprefix="arXiv") + entry(
        "b", "One paper", url="https://arxiv.org/pdf/2409.10289v3"
    )
    assert "E203" in codes(text)


def test_same_old_style_arxiv_id() -> None:
    text = entry("a", "One Paper", eprint="cs/0112017v1") + entry("b", "One Paper", eprint="cs/0112017")
    assert "E203" in codes(text)


def test_same_anthology_id_from_url_and_doi() -> None:
    text = entry("a", "One Paper", url="https://aclanthology.org/2020.emnlp-main.721/") + entry(
        "b", "One Paper", doi="10.18653/v1/2020.emnlp-main.721"
    )
    assert "E204" in codes(text)


def test_same_normalised_title() -> None:
    text = entry("a", "{MIME}: {MIMicking} Emotions") + entry("b", "Mime: Mimicking emotions.")
    assert "E205" in codes(text)


def test_same_title_with_latex_accents() -> None:
    text = entry("a", "Caf{\\'e} Talk") + entry("b", "Café talk")
    assert "E205" in codes(text)


def test_near_identical_and_truncated_titles_are_warnings() -> None:
    full = "CoMAE: A Multi-factor Hierarchical Framework for Empathetic Response Generation"
    text = entry("a", full) + entry("b", "CoMAE: A Multi-factor Hierarchical Framework")
    text += entry("c", "Towards Emphatetic Open-domain Conversation Models") + entry(
        "d", "Towards Empathetic Open-domain Conversation Models"
    )
    warned = [d for d in run(text) if d.code == "W206"]
    assert {d.key for d in warned} == {"b", "d"}


def test_different_titles_are_not_similar() -> None:
    assert codes(entry("a", "Empathy in Dialogue") + entry("b", "Emotion Recognition Benchmarks")) == []


def test_seed_error_emphi_linked_to_cares_arxiv_id() -> None:
    care = entry(
        "wang2022care",
        "{CARE}: Causality Reasoning for Empathetic Responses by Conditional Graph Generation",
        eprint="2211.00255",
        archiveprefix="arXiv",
        url="https://arxiv.org/abs/2211.00255",
    )
    emphi = entry(
        "liu2022emphi",
        "{EmpHi}: Generating Empathetic Responses with Human-like Intents",
        url="https://arxiv.org/abs/2211.00255",
    )
    diags = run(care + emphi)
    found = [d for d in diags if d.code == "E501"]
    assert len(found) == 1 and found[0].severity == "error"
    assert found[0].key == "liu2022emphi" and "wang2022care" in found[0].message


def test_conflicting_identifiers_inside_one_entry() -> None:
    text = entry(
        "a", "One Paper", eprint="2204.12191", archiveprefix="arXiv", url="https://arxiv.org/abs/2211.00255"
    )
    diags = [d for d in run(text) if d.code == "E502"]
    assert len(diags) == 1 and "2211.00255" in diags[0].message


def test_published_doi_and_arxiv_eprint_do_not_conflict() -> None:
    text = entry(
        "a",
        "One Paper",
        doi="10.18653/v1/2024.acl-long.417",
        url="https://aclanthology.org/2024.acl-long.417/",
        eprint="2406.01030",
        archiveprefix="arXiv",
    )
    assert codes(text) == []
