"""Real awesome-list READMEs of different shapes (tests/fixtures/readmes/, sources and licences in
SOURCES.md there): `init`, then `import` with registries that know none of their papers, then
`validate` and `render`. Every paper link is accounted for (in an entry, in the report, or
skipped with a reason), the result validates, and the README shows every section.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from empathy_bib.enrich import http
from empathy_bib.readme import read_readme
from empathy_bib.taxonomy import load_taxonomy

from .conftest import ROOT, run_cli
from .importfakes import FakeRegistry

READMES = sorted((ROOT / "tests" / "fixtures" / "readmes").glob("*.md"))
READMES = [p for p in READMES if p.name != "SOURCES.md"]


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(http, "DEFAULT_RETRY", http.RetryPolicy(total=1, backoff_factor=0))
    for name in ("CROSSREF", "DATACITE", "ARXIV", "ANTHOLOGY"):
        monkeypatch.delenv(f"EMPATHY_BIB_{name}_URL", raising=False)
    yield
    http.close_sessions()


@pytest.mark.parametrize("source", READMES, ids=[p.stem for p in READMES])
def test_real_readme_imports_validates_and_renders(
    source: Path, tmp_path: Path, httpserver: HTTPServer
) -> None:
    document = read_readme(source.read_text(encoding="utf-8"))
    FakeRegistry([]).install(httpserver)
    assert run_cli(["init", str(tmp_path)])[0] == 0
    base = httpserver.url_for("").rstrip("/")
    services = [f"--{s}-url={base}/{s}" for s in ("arxiv", "crossref", "datacite", "anthology")]
    if not document.papers:  # a README of news only: its links are reported as skipped, nothing is added
        empty = (tmp_path / "references.bib").read_bytes()
        code, _, err = run_cli(["import", str(source), "--report", "r.json", *services], cwd=tmp_path)
        report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        assert code == 0 and report["papers"] == [] and len(report["skipped"]) == len(document.skipped) > 0, (
            err
        )
        assert (tmp_path / "references.bib").read_bytes() == empty and not httpserver.log
        return
    code, _, err = run_cli(
        ["import", str(source), "--no-cache", "--report", "r.json", *services], cwd=tmp_path
    )
    assert code == 1, err  # nothing could be resolved: every paper is written from the README, or reported
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    reported = {url for row in report["papers"] for url in row["links"]}
    skipped = {s["url"] for s in report["skipped"]}
    for paper in document.papers:
        for link in paper.links:
            if link.kind == "paper":
                assert link.url in reported or link.url in skipped, (paper.line, link.url)
    for row in report["papers"]:
        assert row.get("key") or row.get("not_written"), row
    code, _, err = run_cli(["validate"], cwd=tmp_path)
    assert code == 0, err
    code, _, err = run_cli(["render"], cwd=tmp_path)
    assert code == 0, err
    page = (tmp_path / "README.md").read_text(encoding="utf-8")
    headings = {re.sub(r"^#+\s*", "", line).strip() for line in page.splitlines() if line.startswith("#")}
    for category in load_taxonomy(tmp_path / "styles" / "categories.toml"):
        assert any(category.title.replace("&", "&amp;") in h or category.title in h for h in headings), (
            category
        )
    # Again: nothing changes, nothing is asked.
    before = (tmp_path / "references.bib").read_bytes()
    code, _, _ = run_cli(["import", str(source), "--no-cache", *services], cwd=tmp_path)
    assert (tmp_path / "references.bib").read_bytes() == before


def test_an_untitled_item_reports_each_of_its_paper_links(tmp_path: Path, httpserver: HTTPServer) -> None:
    # Daily-paper lists put the title in a `<details>` summary the reader does not take for the
    # item's: the item below has links and no title. Its links are reported, not lost.
    readme = tmp_path / "list.md"
    readme.write_text(
        "## Papers\n\n<details>\n<summary><b>20. A Title</b></summary>\n\n"
        "**🔗 Links:** [🤗 HuggingFace](https://huggingface.co/papers/2601.22642) •"
        " [📄 arXiv](https://arxiv.org/abs/2601.22642)\n\n</details>\n",
        encoding="utf-8",
    )
    FakeRegistry([]).install(httpserver)
    assert run_cli(["init", str(tmp_path)])[0] == 0
    base = httpserver.url_for("").rstrip("/")
    services = [f"--{s}-url={base}/{s}" for s in ("arxiv", "crossref", "datacite", "anthology")]
    run_cli(["import", str(readme), "--no-cache", "--report", "r.json", *services], cwd=tmp_path)
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    reported = {u for row in report["papers"] for u in row["links"]} | {s["url"] for s in report["skipped"]}
    assert {"https://huggingface.co/papers/2601.22642", "https://arxiv.org/abs/2601.22642"} <= reported
