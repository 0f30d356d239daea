"""Faults found by auditing `validate` (all formats, --fix, --latex --keys) on real and hostile files."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import empathy_bib.check.compile as compile_module
from empathy_bib.bib import BibFile
from empathy_bib.check import check_path
from empathy_bib.check.compile import SETUPS, compile_failures

from .conftest import run_cli


def test_a_bom_is_not_a_column_and_every_finding_agrees(tmp_path: Path) -> None:
    """With a BOM, `@misc` is column 1 (as editors show it), and an E109 in the same line is
    located on the same scale as the other findings."""
    path = tmp_path / "bom.bib"
    path.write_bytes(b"\xef\xbb\xbf@misc{k\xe9, title = {x}}\n")
    found = {d.code: (d.line, d.column) for d in check_path(path, None)}
    assert found["E301"] == (1, 1)  # the entry starts at `@`
    assert found["E109"] == (1, len("@misc{k") + 1)


def test_a_bom_changes_no_finding(tmp_path: Path) -> None:
    text = b"@article{k,\n  title = {50% off}, year = {2020}}\n@misc{m, title = {x}}\n"
    plain, bom = tmp_path / "plain.bib", tmp_path / "bom.bib"
    plain.write_bytes(text)
    bom.write_bytes(b"\xef\xbb\xbf" + text)
    located = [[(d.line, d.column, d.code) for d in check_path(p, None)] for p in (plain, bom)]
    assert located[0] == located[1]


def test_latex_keys_naming_no_entry_is_a_usage_error(tmp_path: Path) -> None:
    """`--latex --keys typo` compiled nothing and exited 0, as if the entry had passed."""
    bib = tmp_path / "list.bib"
    bib.write_text("@misc{Real2020, title = {T}, author = {A}, year = {2020}}\n", encoding="utf-8")
    code, out, err = run_cli(["validate", "--latex", "--keys", "Real2020,Typo2020", str(bib)], tmp_path)
    assert code == 2 and out == ""
    assert "--keys: no entry 'Typo2020'" in err and "Real2020" not in err


def test_latex_keys_match_whatever_the_case_as_in_bibtex(monkeypatch: pytest.MonkeyPatch) -> None:
    bib = BibFile.from_text("@misc{Real2020, title = {T}, author = {A}, year = {2020}}\n")
    compiled: list[list[str]] = []

    def fake_compile(self: object, entries: list[str]) -> str | None:
        compiled.append(entries)
        return None

    monkeypatch.setattr(compile_module._Runner, "compile", fake_compile)
    compile_failures(bib, ["real2020"], [SETUPS[0]])
    assert compiled == [[bib.entries[0].raw]]


def test_text_after_a_lone_dollar_is_checked_and_one_fix_is_enough(tmp_path: Path) -> None:
    """A lone `$` is a dollar sign: the `_` after it stops LaTeX too, and was found only after a
    first `--fix` had escaped the `$` (so a second `--fix` changed the file again)."""
    bib = tmp_path / "list.bib"
    bib.write_text(
        "@misc{k, title = {Costs $5 per_unit & more}, author = {A}, year = {2020}}\n", encoding="utf-8"
    )
    codes = [(d.code, d.column) for d in check_path(bib, None) if d.code.startswith("E60")]
    assert codes == [("E602", 25), ("E601", 31), ("E601", 37)]
    assert run_cli(["validate", "--fix", str(bib)], tmp_path)[0] == 0
    fixed = bib.read_bytes()
    assert b"{Costs \\$5 per\\_unit \\& more}" in fixed
    assert run_cli(["validate", "--fix", str(bib)], tmp_path)[0] == 0
    assert bib.read_bytes() == fixed


def test_sarif_uri_is_a_valid_reference_for_any_file_name(tmp_path: Path) -> None:
    """`my refs #2 100%.bib` went into SARIF's `uri` as is: not an RFC 3986 reference (a space,
    and `#` starting a fragment), so code scanning misplaces or rejects the result."""
    name = "my refs #2 100%é.bib"
    (tmp_path / name).write_text("@misc{k, title = {x}}\n", encoding="utf-8")
    code, out, _ = run_cli(["validate", "--format", "sarif", name], tmp_path)
    assert code == 1
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert len(uris) == 1
    uri = uris.pop()
    assert re.fullmatch(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-F]{2})+", uri), uri
    assert unquote(uri) == name and urlsplit(uri).path == uri


def test_an_undefined_macro_in_a_string_is_found_where_it_is(tmp_path: Path) -> None:
    """`@string{jn = "J. " # jnl}` with no `jnl` gave no finding (BibTeX warns and expands it to
    nothing); a macro is defined only by an @string above it."""
    path = tmp_path / "list.bib"
    path.write_text(
        '@string{jn = "J. " # jnl}\n@string{early = late}\n@string{late = {L}}\n@string(ok = jan # late)\n'
        "@article{k, title = {T}, author = {A}, journal = jn, year = {2020}}\n",
        encoding="utf-8",
    )
    found = [(d.code, d.line, d.column, d.message) for d in check_path(path, None)]
    assert found == [
        ("E107", 1, 22, "undefined macro 'jnl' in @string jn (no @string defines it; did you mean {jnl}?)"),
        (
            "E107",
            2,
            17,
            "undefined macro 'late' in @string early (no @string defines it; did you mean {late}?)",
        ),
    ]
