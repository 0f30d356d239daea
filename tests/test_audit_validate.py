"""Faults found by auditing `validate` (all formats, --fix, --latex --keys) on real and hostile files."""

from __future__ import annotations

from pathlib import Path

from empathy_bib.check import check_path


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
