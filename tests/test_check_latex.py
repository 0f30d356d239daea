"""LaTeX safety (E6xx/W6xx): each pitfall reported at its field's line, nothing on correct forms;
`--fix` makes the mechanical ones compile in pdflatex + BibTeX and pdflatex + biber with the same
text; `validate --latex` names the entry and field of a failure the checks did not predict."""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import check_path, filter_codes
from empathy_bib.check.compile import SETUPS, compile_failures, compiles
from empathy_bib.check.fix import plan_fixes
from empathy_bib.record import papers_of
from empathy_bib.text import to_unicode

from .conftest import ROOT, corpus_files, require_tool, run_cli

PITFALLS = ROOT / "tests" / "fixtures" / "latex_pitfalls.bib"
EXPECTED = {
    "mueller2024qa": {("title", "E601"), ("note", "E601")},
    "muller2023raw": {("author", "W608"), ("title", "W608")},
    "price2022dollar": {("title", "E602")},
    "open2022math": {("title", "E603")},
    "caret2021power": {("title", "E604")},
    "tilde2021about": {("title", "W605")},
    "garcia2020dotless": {("author", "W606")},
    "nguyen2020stacked": {("author", "W607")},
    "tran2019script": {("title", "W608"), ("title", "W609")},
    "cite2019title": {("title", "W610")},
    "link2019note": {("note", "E601")},
    "durand2018correct": set(),
}
MECHANICAL = ["mueller2024qa", "muller2023raw", "price2022dollar", "garcia2020dotless", "durand2018correct"]
PLAINNAT, BIBER = SETUPS[0], SETUPS[2]


def _latex_findings(path: Path) -> list[tuple[str, str, int]]:
    found = filter_codes(check_path(path, None), ("E6", "W6"))
    return [(d.key or "", d.code, d.line) for d in found]


def test_each_pitfall_reported_at_its_fields_line() -> None:
    bib = BibFile.load(PITFALLS)
    lines = {p.key: {name: bib.line_of(f.value_start) for name, f in p.spans.items()} for p in papers_of(bib)}
    found = _latex_findings(PITFALLS)
    assert {k for k, _, _ in found} | {"durand2018correct"} == set(EXPECTED)
    for key, expected in EXPECTED.items():
        by_line = {
            (name, code)
            for k, code, line in found
            if k == key
            for name in lines[key]
            if lines[key][name] == line
        }
        assert by_line == expected, key


def test_correct_forms_are_quiet(tmp_path: Path) -> None:
    text = PITFALLS.read_text(encoding="utf-8")
    correct = text[text.index("@article{durand2018correct") :]
    (tmp_path / "ok.bib").write_text(correct, encoding="utf-8")
    assert _latex_findings(tmp_path / "ok.bib") == []


def _fixed_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "list.bib"
    shutil.copy(PITFALLS, copy)
    code, _, err = run_cli(["validate", "--fix", "--select", "E6,W6", str(copy)])
    assert code == 1  # the pitfalls that are not mechanical remain
    for key in ("mueller2024qa", "price2022dollar", "garcia2020dotless", "muller2023raw"):
        assert f"[{key}]" in err and "fixed" in err
    return copy


def test_fix_keeps_what_each_value_reads(tmp_path: Path) -> None:
    before = {p.key: p for p in papers_of(BibFile.load(PITFALLS))}
    after = {p.key: p for p in papers_of(BibFile.load(_fixed_copy(tmp_path)))}
    assert after["mueller2024qa"].get("title") == r"Q\&A and 100\% of snake\_case"
    assert after["mueller2024qa"].text("title") == "Q&A and 100% of snake_case"
    assert after["garcia2020dotless"].get("author") == r"Garc{\'i}a, Mar{\'i}a"
    assert after["muller2023raw"].get("author") == r"M{\"u}ller, J{\"o}rg"
    for key in ("muller2023raw", "durand2018correct"):
        for name, value in before[key].fields.items():
            assert to_unicode(after[key].fields[name]) == to_unicode(value), (key, name)
    assert after["mueller2024qa"].text("note") == "Issue #5"
    assert after["price2022dollar"].text("title") == "Empathy for $5 a Day"
    assert after["garcia2020dotless"].text("author") == "García, María"
    assert after["muller2023raw"].text("title") == "Empathy in García's Dialogues"


@pytest.mark.latex
@pytest.mark.parametrize("setup", [PLAINNAT, BIBER], ids=lambda s: s.name)
def test_fixed_entries_compile_where_the_originals_did_not(tmp_path: Path, setup: object) -> None:
    require_tool("pdflatex"), require_tool("bibtex"), require_tool("biber")
    fixed = BibFile.load(_fixed_copy(tmp_path))
    assert compile_failures(fixed, MECHANICAL, [setup]) == []  # type: ignore[list-item]
    original = BibFile.load(PITFALLS)
    expected = ["mueller2024qa", "price2022dollar"] + (["garcia2020dotless"] if setup is BIBER else [])
    for key in expected:
        entry = original.entry(key)
        assert entry is not None
        assert compiles(setup, [entry.raw]) is not None, key  # type: ignore[arg-type]


@pytest.mark.latex
def test_validate_latex_names_entry_and_field_it_did_not_predict(tmp_path: Path) -> None:
    require_tool("pdflatex"), require_tool("bibtex")
    bib = tmp_path / "list.bib"
    bib.write_text(
        "@article{good2020entry,\n  author = {Good, Ann},\n  title = {Fine},\n  journal = {J},\n"
        "  year = {2020}\n}\n\n"
        "@article{bad2021note,\n  author = {Bad, Ann},\n  title = {Fine Too},\n  journal = {J},\n"
        "  note = {See \\undefinedthing{} here},\n  year = {2021}\n}\n",
        encoding="utf-8",
    )
    assert _latex_findings(bib) == []  # no check predicts it
    code, out, err = run_cli(["validate", "--latex", "--select", "E611", str(bib)])
    assert code == 1, err
    where = f"{bib}:12:10: error E611 pdflatex + BibTeX (plainnat) fails (field 'note'): "
    assert where + "Undefined control sequence" in out
    assert "[bad2021note]" in out and "good2020entry" not in out


@pytest.mark.latex
def test_the_list_compiles_in_every_setup_installed() -> None:
    """What CI asks of references.bib: `validate --latex` compiles it in each setup and finds nothing."""
    require_tool("pdflatex"), require_tool("bibtex"), require_tool("biber")
    code, out, err = run_cli(["validate", "--latex", "--select", "E611", str(ROOT / "references.bib")])
    assert code == 0, out + err
    assert "E611" not in out


@pytest.mark.latex
def test_xelatex_is_one_of_the_setups_when_installed() -> None:
    require_tool("xelatex"), require_tool("biber")
    assert any(setup.engine == "xelatex" and setup.available() for setup in SETUPS)


def test_validate_latex_without_tex_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    code, _, err = run_cli(["validate", "--latex", str(PITFALLS)])
    assert code == 2
    assert "no working TeX" in err


def test_keys_needs_latex() -> None:
    code, _, err = run_cli(["validate", "--keys", "x", str(PITFALLS)])
    assert code == 2 and "--latex" in err


@pytest.mark.latex
@pytest.mark.corpus
def test_corpus_entries_fixed_compile(corpus_dir: Path, tmp_path: Path) -> None:
    """A sample of the corpus entries `--fix` changed, whose only LaTeX findings it repairs,
    compile in pdflatex + BibTeX (plainnat) once fixed."""
    require_tool("pdflatex"), require_tool("bibtex")
    candidates: list[str] = []
    for path in corpus_files():
        try:
            bib = BibFile.load(path)
        except Exception:
            continue
        if not bib.is_complete:
            continue
        fixes = plan_fixes(bib, ("E601", "E602", "W606", "W608"))
        for key in sorted({fx.key for fx in fixes}):
            entry = bib.entry(key)
            assert entry is not None
            single = BibFile.from_text(entry.raw)
            left = filter_codes(check_path_text(single), ("E6", "W6"))
            if {d.code for d in left} <= {"E601", "E602", "W606", "W608"}:
                single.apply([fx.splice for fx in plan_fixes(single, ("E601", "E602", "W606", "W608"))])
                candidates.append(single.text)
    assert len(candidates) >= 20
    sample = random.Random(14).sample(candidates, 12)
    started = time.monotonic()
    assert compile_failures(BibFile.from_text("\n".join(sample)), None, [PLAINNAT]) == []
    assert time.monotonic() - started < 60


def check_path_text(bib: BibFile) -> list:  # type: ignore[type-arg]
    from empathy_bib.check import check_bib

    return check_bib(bib, None)
