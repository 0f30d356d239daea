"""`empathy-bib add` end to end, against loopback fakes of arXiv, Crossref, DataCite and the Anthology."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from empathy_bib import cli
from empathy_bib.bib import BibFile
from empathy_bib.commands import _clock
from empathy_bib.enrich import http
from empathy_bib.record import papers_of

from .conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "add"
CATEGORY = "generative-approaches"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Faults cost milliseconds: one retry, no backoff."""
    monkeypatch.setattr(http, "DEFAULT_RETRY", http.RetryPolicy(total=1, backoff_factor=0))
    yield
    http.close_sessions()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    monkeypatch.chdir(tmp_path)
    for name in ("CROSSREF", "DATACITE", "ARXIV", "ANTHOLOGY"):
        monkeypatch.delenv(f"EMPATHY_BIB_{name}_URL", raising=False)
    return tmp_path


def services(server: HTTPServer) -> list[str]:
    base = server.url_for("").rstrip("/")
    return [
        f"--arxiv-url={base}/arxiv",
        f"--crossref-url={base}/crossref",
        f"--datacite-url={base}/datacite",
        f"--anthology-url={base}/anthology",
        "--no-cache",
        "--timeout=2",
    ]


def serve_fixture(server: HTTPServer, path: str, fixture: str, content_type: str, **query: str) -> None:
    server.expect_request(path, query_string=query or None).respond_with_data(
        (FIXTURES / fixture).read_bytes(), content_type=content_type
    )


def serve_all(server: HTTPServer) -> None:
    serve_fixture(server, "/arxiv/api/query", "arxiv_2502.04321.xml", "application/atom+xml",
                  id_list="2502.04321", max_results="1")  # fmt: skip
    serve_fixture(server, "/arxiv/api/query", "arxiv_2406.11111_published.xml", "application/atom+xml",
                  id_list="2406.11111", max_results="1")  # fmt: skip
    serve_fixture(server, "/arxiv/api/query", "arxiv_empty.xml", "application/atom+xml",
                  id_list="2501.99999", max_results="1")  # fmt: skip
    for anthology_id in ("2024.findings-acl.123", "2025.coling-main.400", "W19-3401"):
        serve_fixture(server, f"/anthology/{anthology_id}.bib", f"anthology_{anthology_id}.bib", "text/plain")
    crossref_doi, datacite_doi = "10.1016/j.csl.2024.101700", "10.48550/arXiv.2503.05555"
    serve_fixture(server, f"/crossref/works/{crossref_doi}", "crossref_10.1016_j.csl.2024.101700.json",
                  "application/json")  # fmt: skip
    serve_fixture(server, f"/datacite/dois/{datacite_doi}", "datacite_10.48550_arxiv.2503.05555.json",
                  "application/vnd.api+json")  # fmt: skip
    server.expect_request("/crossref/works/10.1000/unknown").respond_with_data(
        "Resource not found.", status=404
    )
    server.expect_request("/anthology/2020.emnlp-main.9999.bib").respond_with_data("Not Found", status=404)


def add(server: HTTPServer, *args: str) -> int:
    return cli.main(["add", *args, *services(server)])


def added_entry(project: Path) -> str:
    """The text appended to references.bib, checking every old byte is still there, in place."""
    old = (ROOT / "references.bib").read_bytes()
    new = (project / "references.bib").read_bytes()
    assert new.startswith(old)
    return new[len(old) :].decode("ascii")  # the file stays ASCII


def new_papers(project: Path) -> list[str]:
    bib = BibFile.load(project / "references.bib")
    assert bib.is_complete
    return [p.key for p in papers_of(bib)][46:]


# ---------------------------------------------------------------------- each ID form


@pytest.mark.parametrize("form", ["2502.04321", "arXiv:2502.04321v2", "https://arxiv.org/abs/2502.04321v1",
                                  "https://arxiv.org/pdf/2502.04321v2.pdf"])  # fmt: skip
def test_arxiv_forms(
    project: Path, httpserver: HTTPServer, form: str, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_all(httpserver)
    assert add(httpserver, form, "--category", CATEGORY) == 0
    text = added_entry(project)
    assert text.startswith("\n@misc{daume2025empatune,\n")
    assert "  author = {Daum{\\'e}, III, Hal and Sedoc, Jo{\\~a}o and de la Fontaine, Jean},\n" in text
    assert "  doi = {10.48550/arXiv.2502.04321},\n" in text
    assert "  url = {https://arxiv.org/abs/2502.04321},\n" in text
    assert "  eprint = {2502.04321},\n  archiveprefix = {arXiv},\n" in text
    assert "  month = feb,\n" in text
    # TeX in the arXiv title decoded, then escaped again for BibTeX.
    assert "{EmpaTune}: 100\\% of k-shot Empathy \\& the {R\\&D\\_gap} in {LLM}-based Counselling" in text
    out = capsys.readouterr()
    assert "@misc{daume2025empatune," in out.out
    assert "empathy-bib render" in out.err
    assert new_papers(project) == ["daume2025empatune"]


def test_arxiv_with_a_published_version_uses_the_anthology_record(
    project: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_clock, "today", lambda: datetime.date(2026, 3, 4))  # the day `added` says
    serve_all(httpserver)
    assert add(httpserver, "2406.11111", "--category", CATEGORY + ",datasets") == 0
    text = added_entry(project)
    assert text == (
        "\n@inproceedings{zhang2024empathetic,\n"
        "  title = {Empathetic Mixture-of-Experts for Emotional Support Conversation},\n"
        '  author = {Zhang, Wei and M{\\"u}ller, Anna},\n'
        "  booktitle = {Findings of the Association for Computational Linguistics: ACL 2024},\n"
        "  publisher = {Association for Computational Linguistics},\n"
        "  address = {Bangkok, Thailand},\n"
        "  year = {2024},\n"
        "  month = aug,\n"
        "  pages = {2001--2015},\n"
        "  doi = {10.18653/v1/2024.findings-acl.123},\n"
        "  url = {https://aclanthology.org/2024.findings-acl.123/},\n"
        "  eprint = {2406.11111},\n"
        "  archiveprefix = {arXiv},\n"
        "  keywords = {generative-approaches, datasets},\n"
        "  added = {2026-03-04},\n"
        "}\n"
    )


@pytest.mark.parametrize("form", ["2025.coling-main.400", "https://aclanthology.org/2025.coling-main.400/"])
def test_anthology_forms_without_doi(project: Path, httpserver: HTTPServer, form: str) -> None:
    serve_all(httpserver)
    assert add(httpserver, form, "--category", CATEGORY) == 0
    text = added_entry(project)
    assert "@inproceedings{nguyen2025ecobench," in text
    assert "  title = {{EcoBench}: A {Chinese} Benchmark for Empathetic Conversation with {LLMs}},\n" in text
    assert "Nguy{\\~{\\^e}}n, Th{\\d{i}} Minh and Daum{\\'e}, III, Hal and Smith, III, Peter" in text
    assert "doi = " not in text  # COLING 2025 registers no DOI: none is guessed
    assert "  url = {https://aclanthology.org/2025.coling-main.400/},\n" in text


def test_anthology_old_style_id(project: Path, httpserver: HTTPServer) -> None:
    serve_all(httpserver)
    assert add(httpserver, "W19-3401", "--category", CATEGORY, "--key", "smith2019workshop") == 0
    text = added_entry(project)
    assert "@inproceedings{smith2019workshop," in text
    assert "  doi = {10.18653/v1/W19-3401},\n" in text


@pytest.mark.parametrize("form", ["10.1016/j.csl.2024.101700", "https://doi.org/10.1016/j.csl.2024.101700"])
def test_crossref_doi_with_jats_and_hostile_title(project: Path, httpserver: HTTPServer, form: str) -> None:
    serve_all(httpserver)
    assert add(httpserver, form, "--category", CATEGORY) == 0
    text = added_entry(project)
    assert "@article{garcialopez2025measuring," in text
    assert "  journal = {Computer Speech \\& Language},\n  volume = {90},\n  number = {2},\n" in text
    assert "  publisher = {Elsevier BV},\n" in text
    assert "Garc{\\'i}a-L{\\'o}pez, Mar{\\'i}a and Varshney, Kush R. and {The EmpathyLab Consortium}" in text
    assert "  pages = {101700--101718},\n" in text
    assert "  url = {https://doi.org/10.1016/j.csl.2024.101700},\n" in text
    assert "<" not in text and "&amp;" not in text
    [paper] = list(papers_of(BibFile.from_text(text)))
    assert paper.title.startswith("Measuring empathy in LLMs: CO2, 50% & the $cost of #care_work ~ ")
    assert paper.title.endswith(": A survey")


def test_datacite_arxiv_doi(project: Path, httpserver: HTTPServer) -> None:
    serve_all(httpserver)
    assert add(httpserver, "https://doi.org/10.48550/arXiv.2503.05555", "--category", CATEGORY) == 0
    text = added_entry(project)
    assert "@misc{okafor2025empathy," in text
    assert "  author = {Okafor, Chinedu and Lindqvist, {\\r{A}}sa},\n" in text
    assert "  doi = {10.48550/arXiv.2503.05555},\n  url = {https://arxiv.org/abs/2503.05555},\n" in text
    assert "publisher" not in text


def test_dry_run_writes_nothing(
    project: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_all(httpserver)
    before = (project / "references.bib").read_bytes()
    assert add(httpserver, "2502.04321", "--category", CATEGORY, "--dry-run") == 0
    assert (project / "references.bib").read_bytes() == before
    assert "@misc{daume2025empatune," in capsys.readouterr().out


def test_other_bib_with_crlf_keeps_its_bytes(tmp_path: Path, project: Path, httpserver: HTTPServer) -> None:
    serve_all(httpserver)
    other = tmp_path / "other" / "list.bib"
    other.parent.mkdir()
    original = b"% my list\r\n@string{acl = {ACL}}\r\n\r\n@misc{a,\r\n  title = {A},\r\n}"
    other.write_bytes(original)
    assert add(httpserver, "2502.04321", "--category", CATEGORY, "--bib", str(other)) == 0
    data = other.read_bytes()
    assert data.startswith(original + b"\r\n\r\n@misc{daume2025empatune,\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")


# ---------------------------------------------------------------------- refusals


def test_duplicate_of_an_existing_entry_is_refused_without_a_request(
    project: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (project / "references.bib").read_bytes()
    for form in (
        "2409.10289",
        "https://aclanthology.org/2025.coling-main.66/",
        "10.18653/v1/2025.acl-long.1235",
    ):
        assert add(httpserver, form, "--category", CATEGORY) == 1
        err = capsys.readouterr().err
        assert "already in the list as '" in err and "(line " in err
    text = (project / "references.bib").read_text(encoding="utf-8")
    line = text[: text.index("@inproceedings{yuan2025reflectdiffu,")].count("\n") + 1
    assert f"yuan2025reflectdiffu' (line {line})" in err
    assert (project / "references.bib").read_bytes() == before
    assert httpserver.log == []


def test_duplicate_found_by_title_after_fetching(project: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/anthology/2025.acl-long.9999.bib").respond_with_data(
        '@inproceedings{x,\n  title = "{R}eflect{D}iffu: Reflect between Emotion-intent Contagion and '
        'Mimicry for Empathetic Response Generation via a {RL}-Diffusion Framework",\n'
        '  author = "Yuan, Jiahao",\n  year = "2025",\n}\n'
    )
    before = (project / "references.bib").read_bytes()
    assert add(httpserver, "2025.acl-long.9999", "--category", CATEGORY) == 1
    assert (project / "references.bib").read_bytes() == before


@pytest.mark.parametrize("category", ["no-such-slug", "papers", "empathetic-dialogue-systems", ""])
def test_unknown_or_unusable_category(project: Path, httpserver: HTTPServer, category: str) -> None:
    assert add(httpserver, "2502.04321", "--category", category) == 2
    assert httpserver.log == []


@pytest.mark.parametrize("form", ["not-an-id", "1234.5678.9", "https://example.org/paper"])
def test_unrecognised_identifier(project: Path, httpserver: HTTPServer, form: str) -> None:
    assert add(httpserver, form, "--category", CATEGORY) == 2


@pytest.mark.parametrize("form", ["10.1000/unknown", "2501.99999", "2020.emnlp-main.9999"])
def test_unknown_paper_is_exit_2(project: Path, httpserver: HTTPServer, form: str) -> None:
    serve_all(httpserver)
    before = (project / "references.bib").read_bytes()
    assert add(httpserver, form, "--category", CATEGORY) == 2
    assert (project / "references.bib").read_bytes() == before


def test_persistent_500_is_exit_1_and_nothing_written(
    project: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    httpserver.expect_request("/arxiv/api/query").respond_with_data("oops", status=500)
    before = (project / "references.bib").read_bytes()
    assert add(httpserver, "2502.04321", "--category", CATEGORY) == 1
    assert (project / "references.bib").read_bytes() == before
    assert "arXiv" in capsys.readouterr().err


def test_timeout_is_exit_1_and_nothing_written(project: Path, httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/crossref/works/10.1016/j.csl.2024.101700").respond_with_handler(slow)
    before = (project / "references.bib").read_bytes()
    code = cli.main(["add", "10.1016/j.csl.2024.101700", "--category", CATEGORY, *services(httpserver)[:-1],
                     "--timeout=0.2"])  # fmt: skip
    assert code == 1
    assert (project / "references.bib").read_bytes() == before


def test_list_that_does_not_parse_is_refused(project: Path, httpserver: HTTPServer) -> None:
    bib = project / "references.bib"
    bib.write_bytes(bib.read_bytes() + b"\n@misc{broken,\n  title = {unclosed\n")
    before = bib.read_bytes()
    assert add(httpserver, "2502.04321", "--category", CATEGORY) == 2
    assert bib.read_bytes() == before
    assert httpserver.log == []


def test_key_already_used(project: Path, httpserver: HTTPServer) -> None:
    serve_all(httpserver)
    assert add(httpserver, "2502.04321", "--category", CATEGORY, "--key", "zheng2021comae") == 2
    assert add(httpserver, "2502.04321", "--category", CATEGORY, "--key", "bad key") == 2


# ---------------------------------------------------------------------- --from-bibtex


def test_from_bibtex_file(project: Path, httpserver: HTTPServer) -> None:
    assert (
        cli.main(["add", "--from-bibtex", str(FIXTURES / "scholar_paste.bib"), "--category", "datasets"]) == 0
    )
    assert new_papers(project) == ["okafor2025empathy", "smith2019empathy"]
    text = added_entry(project)
    assert "@misc{okafor2025empathy,\n" in text and "@inproceedings{smith2019empathy,\n" in text


def test_from_bibtex_stdin_duplicate(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    pasted = (
        "@article{x, title={Language Models Predict Empathy Gaps Between Social In-groups and Out-groups},"
    )
    pasted += " author={Hou, Yu}, journal={arXiv preprint arXiv:2503.01030}, year={2025}}"
    before = (project / "references.bib").read_bytes()
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))
    assert cli.main(["add", "--from-bibtex", "-", "--category", "datasets"]) == 1
    assert (project / "references.bib").read_bytes() == before
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))
    assert cli.main(["add", "--from-bibtex", "-", "--category", "datasets", "--skip-duplicates"]) == 0
    assert (project / "references.bib").read_bytes() == before


def test_from_bibtex_needs_categories(project: Path) -> None:
    assert cli.main(["add", "--from-bibtex", str(FIXTURES / "scholar_paste.bib")]) == 2


# ---------------------------------------------------------------------- the result compiles


@pytest.mark.latex
def test_added_entries_compile_with_bibtex_and_biber(
    project: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    pdflatex, bibtex, biber = require_tool("pdflatex"), require_tool("bibtex"), require_tool("biber")
    serve_all(httpserver)
    for form in ("2502.04321", "10.1016/j.csl.2024.101700", "2025.coling-main.400", "2406.11111"):
        assert add(httpserver, form, "--category", CATEGORY) == 0
    work = tmp_path / "tex"
    work.mkdir()
    added = added_entry(project)
    (work / "new.bib").write_text(added, encoding="ascii")
    # biber mangles stacked accents (`Nguy{\\~{\\^e}}n` -> `\\~` on UTF-8 bytes), in the Anthology's
    # own .bib files too: that entry is compiled by BibTeX only.
    kept = [e for e in added.split("\n@") if "nguyen2025ecobench" not in e]
    (work / "biber.bib").write_text("\n@".join(kept), encoding="ascii")
    (work / "plain.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\begin{document}\\nocite{*}"
        "\\bibliographystyle{plain}\\bibliography{new}\\end{document}\n"
    )
    (work / "bl.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage[backend=biber]{biblatex}"
        "\\addbibresource{biber.bib}\\begin{document}\\nocite{*}\\printbibliography\\end{document}\n"
    )

    def run(*cmd: str) -> None:
        done = subprocess.run(cmd, cwd=work, capture_output=True, text=True, errors="replace", timeout=120)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]

    run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "plain.tex")
    run(bibtex, "plain")
    assert "Warning--I didn't find" not in (work / "plain.blg").read_text()
    run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "plain.tex")
    run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "bl.tex")
    run(biber, "bl")
    assert "ERROR" not in (work / "bl.blg").read_text()
    run(pdflatex, "-interaction=nonstopmode", "-halt-on-error", "bl.tex")
    assert (work / "plain.bbl").read_text().count("\\bibitem") == 4
