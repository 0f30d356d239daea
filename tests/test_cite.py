"""`empathy-bib cite`: styles, formats, unknown keys and styles, escaping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.cli import main
from empathy_bib.render.cite import format_references, papers_for_keys, style_path

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "references.bib"


def cite(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["cite", "--bib", str(BIB), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_apa_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cite(capsys, "hou2025language")
    assert code == 0
    assert out.startswith(
        "Hou, Y., Daumé, H., III, & Rudinger, R. (2025). Language models predict empathy gaps"
    )
    assert "https://doi.org/10.18653/v1/2025.naacl-long.611" in out


def test_ieee_numbers_keys_in_the_order_given(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cite(capsys, "zhang2024affective", "hou2025language", "--style", "ieee")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines) == 2
    assert lines[0].startswith("[1]Y. Zhang et al.") and "arXiv: 2408.04638" in lines[0]
    assert lines[1].startswith("[2]Y. Hou, H. Daumé III, and R. Rudinger")


def test_acl_alias_and_style_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert style_path("acl").name == "association-for-computational-linguistics.csl"
    assert style_path("chicago").name == "chicago-author-date.csl"
    code, out, _ = cite(capsys, "hou2025language", "--style", "acl")
    assert code == 0 and out.startswith("Yu Hou, Hal Daumé III, and Rachel Rudinger. 2025.")
    code, out, _ = cite(capsys, "hou2025language", "--style", "harvard-cite-them-right")
    assert code == 0 and "Hou" in out


def test_a_csl_file_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cite(capsys, "hou2025language", "--style", str(style_path("ieee")))
    assert code == 0 and out.startswith("[1]Y. Hou")


def test_unknown_key_and_style_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = cite(capsys, "hou2025language", "nobody2099x")
    assert code == 2 and "unknown citation key 'nobody2099x'" in err and "Traceback" not in err
    code, _, err = cite(capsys, "hou2025languag")
    assert code == 2 and "did you mean hou2025language" in err
    code, _, err = cite(capsys, "hou2025language", "--style", "no-such-style")
    assert code == 2 and "unknown style 'no-such-style'" in err
    code, _, err = cite(capsys, "hou2025language", "--style", "missing.csl")
    assert code == 2 and "style file not found" in err


def test_bibtex_and_csl_json_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cite(capsys, "hou2025language", "--format", "bibtex")
    assert code == 0 and out.strip() == BibFile.load(BIB).entry("hou2025language").raw.strip()  # type: ignore[union-attr]
    code, out, _ = cite(capsys, "hou2025language", "zhang2024affective", "--format", "csl-json")
    items = json.loads(out)
    assert [i["id"] for i in items] == ["hou2025language", "zhang2024affective"]


def test_html_escapes_text_from_the_bib() -> None:
    bib = BibFile.from_text(
        "@misc{x2024, title = {A <script>alert(1)</script> \\& {NLP} Study},"
        " author = {Doe, Jane}, year = {2024}}"
    )
    papers = papers_for_keys(bib, ["x2024"])
    (html_out,) = format_references(papers, "apa", "html")
    assert "<script>" not in html_out and "&lt;script&gt;" in html_out and "&amp;" in html_out
    (text_out,) = format_references(papers, "apa", "text")
    assert "A <script>alert(1)</script> & NLP study" in text_out


CITATIONS_ONLY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Citations only</title><id>c</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""


def test_a_style_without_a_bibliography_is_exit_2_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    style = tmp_path / "citations-only.csl"
    style.write_text(CITATIONS_ONLY, encoding="utf-8")
    for fmt in ("text", "html"):
        code, out, err = cite(capsys, "hou2025language", "--style", str(style), "--format", fmt)
        assert code == 2 and out == ""
        assert err.startswith(f"empathy-bib cite: {style}: the style has no <bibliography>")
        assert "internal error" not in err
