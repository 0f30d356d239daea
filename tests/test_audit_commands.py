"""Real inputs and faults through `render`, `cite`, `add` and `fetch-dois`, as users meet them."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from empathy_bib.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project (taxonomy and list) to write into."""
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    monkeypatch.chdir(tmp_path)
    return tmp_path


ACCENTED = (
    "@misc{mueller2020,\n"
    "  title = {M\\\"{u}ller and Caf\\'{e} \\c{c}a, {NLP}},\n"
    '  author = {M\\"{u}ller, J\\"{o}rg},\n'
    "  year = {2020},\n"
    "  keywords = {datasets},\n"
    "}\n"
)


def test_cite_decodes_an_accent_whose_letter_is_in_braces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `M\"{u}ller` is how Google Scholar writes umlauts; its braces are the accent's argument.
    bib = tmp_path / "accents.bib"
    bib.write_text(ACCENTED, encoding="utf-8")
    assert main(["cite", "mueller2020", "--bib", str(bib), "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Müller and café ça, NLP" in text
    assert main(["cite", "mueller2020", "--bib", str(bib), "--format", "csl-json"]) == 0
    title = json.loads(capsys.readouterr().out)[0]["title"]
    assert title == 'Müller and café ça, <span class="nocase">NLP</span>'
    assert not any(unicodedata.combining(ch) for ch in text + title)


PASTED_TWICE = """\
@article{first, title={A Study of Empathy in Chatbots}, author={Doe, Jane}, year={2021}, journal={J}}
@article{second, title={A Study of Empathy in Chatbots}, author={Doe, Jane}, year={2021}, journal={J}}
@article{third, title={Another Study}, author={Roe, Rick}, year={2022}, journal={J}}
"""


def test_from_bibtex_with_an_entry_pasted_twice(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Real pastes repeat entries (biber's and bibtex-tidy's test files do). The repeat is named
    # with its own line, not as "already in the list (line 0)", and --skip-duplicates skips it.
    paste = project / "paste.bib"
    paste.write_text(PASTED_TWICE, encoding="utf-8")
    before = (project / "references.bib").read_bytes()
    assert main(["add", "--from-bibtex", str(paste), "--category", "datasets"]) == 1
    err = capsys.readouterr().err
    assert "paste.bib:2: 'second' is a repeat of 'first' (line 1): same title" in err
    assert "line 0" not in err and (project / "references.bib").read_bytes() == before
    assert main(["add", "--from-bibtex", str(paste), "--category", "datasets", "--skip-duplicates"]) == 0
    assert "skipped: " in capsys.readouterr().err
    after = (project / "references.bib").read_text(encoding="utf-8")
    assert after.count("A Study of Empathy in Chatbots") == 1 and "Another Study" in after


def test_fetch_dois_reads_a_null_answer_as_a_failure_not_as_no_doi(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # A 200 whose JSON is `null` is no answer: "none exists" would be a claim the service never made.
    httpserver.expect_request("/crossref/works").respond_with_data("null", content_type="application/json")
    bib = tmp_path / "one.bib"
    bib.write_text(
        "@article{doe2021study,\n  title = {A Study of Empathy in Chatbots},\n"
        "  author = {Doe, Jane},\n  journal = {Journal of Tests},\n  year = {2021},\n}\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    base = httpserver.url_for("")
    code = main(
        [
            "fetch-dois", str(bib), "--report", str(report), "--cache-dir", str(tmp_path / "cache"),
            "--crossref-url", f"{base}crossref", "--datacite-url", f"{base}datacite",
            "--arxiv-url", f"{base}arxiv",
        ]
    )  # fmt: skip
    assert code == 1, capsys.readouterr().err
    entry = json.loads(report.read_text(encoding="utf-8"))["entries"][0]
    assert entry["outcome"] == "failed" and "malformed JSON" in entry["message"]


@pytest.mark.parametrize("url", ["notaurl", "ftp://example.org", "http://", "api.crossref.org"])
def test_a_service_url_that_is_no_web_url_is_a_usage_error(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # It failed deep inside the first lookup: "internal error: InvalidSchema", exit 3.
    bib = tmp_path / "one.bib"
    bib.write_text("@article{doe2021study,\n  title = {A Study},\n  year = {2021},\n}\n", encoding="utf-8")
    assert main(["fetch-dois", str(bib), "--no-cache", "--crossref-url", url]) == 2
    assert "--crossref-url (or EMPATHY_BIB_CROSSREF_URL) must be an http(s) URL" in capsys.readouterr().err


def test_fetch_dois_refuses_a_report_path_that_is_a_folder_before_any_lookup(
    tmp_path: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # Found only at the end, the list was already rewritten and the error said "nothing was replaced".
    bib = tmp_path / "one.bib"
    bib.write_text("@article{doe2021study,\n  title = {A Study},\n  year = {2021},\n}\n", encoding="utf-8")
    base = httpserver.url_for("")
    args = ["fetch-dois", str(bib), "--no-cache", "--report", str(tmp_path)]
    assert main([*args, "--crossref-url", base, "--datacite-url", base, "--arxiv-url", base]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert httpserver.log == []
