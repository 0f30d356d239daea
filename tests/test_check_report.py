"""Output formats: text lines, JSON, SARIF 2.1.0, GitHub workflow commands; docs/checks.md is current."""

from __future__ import annotations

import json
from pathlib import Path

from empathy_bib.check import CHECKS, Diagnostic, report
from empathy_bib.check.docs import render as render_docs

FINDINGS = [
    Diagnostic(
        "refs.bib", 3, 5, "error", "E102", "missing comma, before field 'author'", "a2024x", "Add a comma."
    ),
    Diagnostic("refs.bib", 9, 1, "warning", "W310", "100% sure: write {LLMs}\nnext", None, "Brace it."),
]


def test_text_lines_and_summary() -> None:
    out = report.format_text(FINDINGS).splitlines()
    assert out[0] == "refs.bib:3:5: error E102 missing comma, before field 'author' [a2024x]"
    assert out[1].startswith("refs.bib:9:1: warning W310 100% sure")
    assert out[-1] == "1 file checked: 1 error, 1 warning"


def test_text_colour_only_when_asked() -> None:
    assert "\033[" not in report.format_text(FINDINGS)
    assert "\033[1;31merror" in report.format_text(FINDINGS, color=True)


def test_clean_summary() -> None:
    assert report.format_text([], files=2) == "2 files checked: no problems found\n"


def test_json_shape() -> None:
    data = json.loads(report.format_json(FINDINGS))
    first = data["diagnostics"][0]
    assert {k: first[k] for k in ("path", "line", "column", "severity", "code", "message", "key")} == {
        "path": "refs.bib",
        "line": 3,
        "column": 5,
        "severity": "error",
        "code": "E102",
        "message": "missing comma, before field 'author'",
        "key": "a2024x",
    }
    assert data["summary"] == {"files": 1, "errors": 1, "warnings": 1}


def test_sarif_2_1_0() -> None:
    sarif = json.loads(report.format_sarif(FINDINGS))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CHECKS)
    result = run["results"][0]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "E102"
    assert result["level"] == "error"
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "refs.bib"}, "region": {"startLine": 3, "startColumn": 5}}


def test_github_annotations_escape_their_data() -> None:
    lines = report.format_github(FINDINGS).splitlines()
    assert lines[0] == (
        "::error file=refs.bib,line=3,col=5,title=E102::missing comma, before field 'author' [a2024x]"
    )
    assert lines[1] == "::warning file=refs.bib,line=9,col=1,title=W310::100%25 sure: write {LLMs}%0Anext"


def test_every_code_is_stable_and_documented(root: Path) -> None:
    for code, check in CHECKS.items():
        assert code[0] in "EW" and code[1:].isdigit() and len(code) == 4
        assert (code[0] == "E") == (check.severity == "error")
        assert check.summary and check.fix_hint
    assert (root / "docs" / "checks.md").read_text(encoding="utf-8") == render_docs(), (
        "docs/checks.md is stale: run python -m empathy_bib.check.docs > docs/checks.md"
    )
