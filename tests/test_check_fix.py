"""`--fix`: only safe repairs, delimiters kept, every other byte unchanged, refused on broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check.fix import apply_fixes, plan_fixes
from empathy_bib.errors import BibParseError

BEFORE = """% keep me
@article{a2024x,
  title = {A Title},
  doi = {https://doi.org/10.1145/3411764.3445099},
  pages = "12-34",
  month = {August},
  note = {pages 1-2 and https://doi.org/ stay},
}
"""
AFTER = """% keep me
@article{a2024x,
  title = {A Title},
  doi = {10.1145/3411764.3445099},
  pages = "12--34",
  month = aug,
  note = {pages 1-2 and https://doi.org/ stay},
}
"""


def test_fixes_are_planned_reported_and_applied(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(BEFORE, encoding="utf-8")
    bib = BibFile.load(path)
    fixes = plan_fixes(bib)
    assert [(f.code, f.field, f.line) for f in fixes] == [
        ("W306", "doi", 4),
        ("W304", "pages", 5),
        ("W303", "month", 6),
    ]
    assert fixes[0].describe("refs.bib") == (
        "refs.bib:4:9: fixed W306 doi: {https://doi.org/10.1145/3411764.3445099} -> "
        "{10.1145/3411764.3445099} [a2024x]"
    )
    apply_fixes(bib, fixes)
    assert path.read_text(encoding="utf-8") == AFTER


def test_only_selected_codes(tmp_path: Path) -> None:
    bib = BibFile.from_text(BEFORE)
    assert [f.code for f in plan_fixes(bib, ("W304",))] == ["W304"]


def test_nothing_to_fix_in_a_clean_file(root: Path) -> None:
    assert plan_fixes(BibFile.load(root / "references.bib")) == []


def test_refused_on_a_file_that_did_not_parse(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    text = BEFORE + "\n@misc{b,\n  title = {A {B},\n  author = {C},\n}\n\n@misc{c, title={x}}\n"
    path.write_text(text, encoding="utf-8")
    bib = BibFile.load(path)
    fixes = plan_fixes(bib)
    assert fixes  # the parsed entry has fixable problems...
    with pytest.raises(BibParseError):
        apply_fixes(bib, fixes)
    assert path.read_text(encoding="utf-8") == text  # ...but nothing is written
