"""Syntax checks (E1xx): each test feeds a small file with one mistake and expects its code, located."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import Diagnostic, check_bib, check_path

GOOD = """@misc{ok2024good,
  title = {A Good Entry},
  author = {Doe, Jane},
  year = {2024},
  url = {https://example.org/paper},
  keywords = {datasets},
}
"""


def run(text: str) -> list[Diagnostic]:
    return check_bib(BibFile.from_text(text), None, path="t.bib")


def located(diags: list[Diagnostic], code: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in diags if d.code == code]


def test_good_entry_is_clean() -> None:
    assert run(GOOD) == []


def test_missing_comma_that_bibtexparser_merges_silently() -> None:
    text = "@misc{a,\n  title = {A}\n  author = {Doe, J.},\n  year = {2024},\n}\n"
    diags = run(text)
    assert located(diags, "E102") == [(3, 3)]
    assert "author" in next(d.message for d in diags if d.code == "E102")


@pytest.mark.parametrize("value", ["2020", '"A"', "{A}"])
def test_missing_comma_after_any_kind_of_value(value: str) -> None:
    diags = run(f"@misc{{a,\n  year = {value}\n  note = {{x}},\n}}\n")
    assert located(diags, "E102") == [(3, 3)]


def test_unbalanced_brace_points_at_the_value_not_at_the_next_entry() -> None:
    text = GOOD + "\n@misc{b,\n  title = {A {B},\n  author = {C},\n}\n\n" + GOOD.replace("ok2024good", "c")
    diags = run(text)
    assert located(diags, "E103") == [(10, 11)]
    message = next(d.message for d in diags if d.code == "E103")
    assert "title" in message and "line 9" in message


def test_unterminated_quote() -> None:
    text = '@misc{b,\n  title = "A,\n  author = {C},\n}\n\n@misc{c, title={x}}\n'
    assert located(run(text), "E104") == [(2, 11)]


def test_entry_without_key() -> None:
    assert located(run("@misc{\n  title = {A},\n}\n"), "E105") == [(1, 1)]
    assert located(run("@misc{title = {A}}\n"), "E105") == [(1, 1)]


def test_failed_block_always_gets_a_located_error() -> None:
    diags = run("@misc{a, title = {A}, ,, = {x}}\n@misc{b, title={B}}\n")
    assert any(d.code.startswith("E1") and d.line == 1 for d in diags)


def test_junk_between_entries_is_a_warning_but_comments_are_fine() -> None:
    text = GOOD + "\nstray = {field},\n" + GOOD.replace("ok2024good", "b") + "\n% a comment\nplain words\n"
    assert located(run(text), "W106") == [(9, 1)]


def test_undefined_macro_and_defined_one() -> None:
    text = '@string{acl = "ACL"}\n@misc{a, title={T}, author={A}, year={2024}, publisher=acl, journal=jacm}\n'
    diags = run(text)
    assert [d.message.split("'")[1] for d in diags if d.code == "E107"] == ["jacm"]


def test_month_macros_are_predefined() -> None:
    assert not located(run("@misc{a, title={T}, author={A}, year={2024}, month = jan}\n"), "E107")


def test_duplicate_field_case_insensitive() -> None:
    diags = run("@misc{a,\n  title = {A},\n  author = {B},\n  TITLE = {C},\n  year = 2024,\n}\n")
    assert located(diags, "E108") == [(4, 3)]


def test_malformed_value() -> None:
    diags = run("@misc{a, title = {A} {B}, author={C}, year={2024}}\n")
    assert [d.code for d in diags if d.code == "E110"] == ["E110"]


def test_concatenation_is_a_valid_value() -> None:
    text = '@string{pre = "Proc. "}\n@misc{a, title = pre # {X} # "Y", author={C}, year={2024}}\n'
    assert not [d for d in run(text) if d.code.startswith("E1")]


def test_invalid_utf8_located_with_byte_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes(
        GOOD.encode() + "@misc{b, title = {Caf\xe9}, author={A}, year={2024}}\n".encode("latin-1")
    )
    diags = check_path(path, None)
    bad = [d for d in diags if d.code == "E109"]
    assert [(d.line, d.column) for d in bad] == [(8, 22)]
    assert f"byte offset {len(GOOD.encode()) + 21}" in bad[0].message


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "crlf.bib"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode())
    assert check_path(path, None) == []


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_invalid_utf8_is_located_whatever_the_line_endings(tmp_path: Path, newline: str) -> None:
    path = tmp_path / "latin1.bib"
    text = GOOD + "@misc{b, title = {Caf\xe9}, author={A}, year={2024}}\n"
    path.write_bytes(text.replace("\n", newline).encode("latin-1"))
    bad = [d for d in check_path(path, None) if d.code == "E109"]
    assert [(d.line, d.column) for d in bad] == [(8, 22)]
