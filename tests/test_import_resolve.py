"""`empathy-bib import`: resolution per identifier kind, dedup, merging, idempotence, faults.

The registries are loopback fakes (`importfakes.FakeRegistry`, which counts every request); the
README reader is replaced by hand-made documents, so these tests pin the importer alone. Results
are read back with bibtexparser (an independent parser) and `empathy-bib validate`.
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from pytest_httpserver import HTTPServer

from empathy_bib import readme
from empathy_bib.enrich import http
from empathy_bib.readme import ReadmeDocument

from .conftest import ROOT, run_cli
from .importfakes import FakePaper, FakeRegistry, document, heading, item

THEORY = heading("Papers", "Theory", emoji="💡")
DIALOGUE = heading("Papers", "Dialogue Systems", emoji="🗣️")
DATASETS = heading("Resources", "Datasets", emoji="📂")

ARXIV_ONLY = FakePaper(
    "Empathy Gaps in Chatbots", ("Ada Lovelace", "Alan Turing"), 2024, arxiv_id="2401.14523"
)
ANTHOLOGY = FakePaper(
    "Mixture of Empathetic Listeners",
    ("Zhaojiang Lin", "Andrea Madotto", "Pascale Fung"),
    2019,
    anthology_id="D19-1012",
    doi="10.18653/v1/D19-1012",
    container="Proceedings of EMNLP-IJCNLP 2019",
)
CROSSREF = FakePaper(
    "The Illusion of Empathy",
    ("Tingting Liu", "Salvatore Giorgi"),
    2025,
    doi="10.1609/aaai.v39i13.33569",
    container="Proceedings of the AAAI Conference on Artificial Intelligence",
)
TITLE_ONLY = FakePaper(
    "StickerConv: Generating Multimodal Empathetic Responses from Scratch",
    ("Yiqun Zhang", "Fanheng Kong", "Peidong Wang"),
    2024,
    doi="10.18653/v1/2024.acl-long.417",
    container="Proceedings of ACL 2024",
)
PUBLISHED_PREPRINT = FakePaper(
    "SoulChat: Improving LLMs' Empathy, Listening, and Comfort Abilities through Fine-tuning",
    ("Yirong Chen", "Xiaofen Xing"),
    2023,
    arxiv_id="2311.00273",
    doi="10.1000/soulchat",
    container="Findings of EMNLP 2023",
)
REGISTRY = [ARXIV_ONLY, ANTHOLOGY, CROSSREF, TITLE_ONLY, PUBLISHED_PREPRINT]


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(http, "DEFAULT_RETRY", http.RetryPolicy(total=1, backoff_factor=0))
    yield
    http.close_sessions()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CROSSREF", "DATACITE", "ARXIV", "ANTHOLOGY"):
        monkeypatch.delenv(f"EMPATHY_BIB_{name}_URL", raising=False)
    (tmp_path / "README.md").write_text("# a list\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def registry(httpserver: HTTPServer) -> FakeRegistry:
    fake = FakeRegistry(list(REGISTRY))
    fake.install(httpserver)
    return fake


def use_document(monkeypatch: pytest.MonkeyPatch, doc: ReadmeDocument) -> None:
    monkeypatch.setattr(readme, "read_readme", lambda text: doc)


def import_(project: Path, server: HTTPServer, *extra: str) -> tuple[int, str, str]:
    base = server.url_for("").rstrip("/")
    args = [
        "import",
        str(project / "README.md"),
        "--bib",
        str(project / "list.bib"),
        "--taxonomy",
        str(project / "styles" / "categories.toml"),
        f"--arxiv-url={base}/arxiv",
        f"--crossref-url={base}/crossref",
        f"--datacite-url={base}/datacite",
        f"--anthology-url={base}/anthology",
        "--no-cache",
        "--timeout=2",
        *extra,
    ]
    return run_cli(args, cwd=project)


def validate_errors(project: Path) -> list[dict[str, object]]:
    """`empathy-bib validate` run in the project (its taxonomy): the errors."""
    code, out, err = run_cli(["validate", "--format", "json", "list.bib"], cwd=project)
    assert code in (0, 1), err
    return [d for d in json.loads(out)["diagnostics"] if d["severity"] == "error"]


def entries(project: Path) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string((project / "list.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


def the_doc() -> ReadmeDocument:
    return document(
        item(
            "Empathy Gaps in Chatbots",
            under=THEORY,
            line=5,
            authors=("Ada Lovelace", "Alan Turing"),
            url="https://arxiv.org/abs/2401.14523",
            venue="arXiv 2024",
            year=2024,
        ),
        item(
            "MoEL: Mixture of Empathetic Listeners",
            under=DIALOGUE,
            line=9,
            authors=("Zhaojiang Lin", "Genta Winata"),
            url="https://aclanthology.org/D19-1012/",
            venue="EMNLP 2019",
            year=2019,
            code="https://github.com/x/MoEL",
        ),
        item(
            "The Illusion of Empathy",
            under=THEORY,
            line=6,
            url="https://doi.org/10.1609/aaai.v39i13.33569",
            venue="AAAI 2025",
            year=2025,
        ),
        item(
            "StickerConv: Generating Multimodal Empathetic Responses from Scratch",
            under=DATASETS,
            line=20,
            authors=("Yiqun Zhang", "Fanheng Kong"),
            url="https://openreview.net/forum?id=F6h0v1CTpC",
            venue="ACL 2024",
            year=2024,
        ),
        item("Empathy Gaps in Chatbots", under=DATASETS, line=21, url="https://arxiv.org/pdf/2401.14523v2"),
        item(
            "SoulChat: Improving LLMs' Empathy, Listening, and Comfort Abilities",
            under=DIALOGUE,
            line=10,
            url="https://arxiv.org/abs/2311.00273",
            venue="Findings of EMNLP 2023",
            year=2023,
        ),
    )


def test_each_identifier_kind_resolves_through_its_registry(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_document(monkeypatch, the_doc())
    code, _, err = import_(project, httpserver, "--report", str(project / "report.json"))
    assert code == 0, err
    found = entries(project)
    assert len(found) == 5  # the arXiv paper listed twice is one entry
    assert {v["added"] for v in found.values()} == {datetime.date.today().isoformat()}
    by_title = {v["title"].replace("{", "").replace("}", ""): (k, v) for k, v in found.items()}
    key, gaps = by_title["Empathy Gaps in Chatbots"]
    assert key == "lovelace2024empathy"
    assert gaps["eprint"] == "2401.14523" and gaps["doi"] == "10.48550/arXiv.2401.14523"
    assert [s.strip() for s in gaps["keywords"].split(",")] == ["theory", "datasets"]
    _, moel = by_title["Mixture of Empathetic Listeners"]
    assert moel["doi"] == "10.18653/v1/D19-1012" and moel["code"] == "https://github.com/x/MoEL"
    assert moel["author"] == "Lin, Zhaojiang and Madotto, Andrea and Fung, Pascale"  # the registry's
    _, illusion = by_title["The Illusion of Empathy"]
    assert illusion["doi"] == "10.1609/aaai.v39i13.33569"
    _, sticker = by_title["StickerConv: Generating Multimodal Empathetic Responses from Scratch"]
    assert sticker["doi"] == "10.18653/v1/2024.acl-long.417"  # a validated title search
    soul = next(v for t, (_, v) in by_title.items() if t.startswith("SoulChat"))
    assert soul["doi"] == "10.1000/soulchat" and soul["eprint"] == "2311.00273"  # the published version
    report = json.loads((project / "report.json").read_text(encoding="utf-8"))
    rows = {r["title"]: r for r in report["papers"]}
    assert rows["Empathy Gaps in Chatbots"]["lines"] == [5, 21]
    assert (
        rows["StickerConv: Generating Multimodal Empathetic Responses from Scratch"]["resolved_by"]
        == "Crossref title search"
    )
    moel_row = rows["MoEL: Mixture of Empathetic Listeners"]
    assert {d["field"] for d in moel_row["disagreements"]} >= {"authors", "title"}
    assert validate_errors(project) == []
    taxonomy = (project / "styles" / "categories.toml").read_text(encoding="utf-8")
    assert 'title = "Dialogue Systems"' in taxonomy and 'emoji = "🗣️"' in taxonomy


def test_second_import_changes_nothing_and_asks_nothing(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_document(monkeypatch, the_doc())
    assert import_(project, httpserver)[0] == 0
    before = {p: (project / p).read_bytes() for p in ("list.bib", "styles/categories.toml")}
    asked = len(registry.paths)
    assert asked > 0
    code, _, err = import_(project, httpserver)
    assert code == 0, err
    assert len(registry.paths) == asked  # not one request
    assert {p: (project / p).read_bytes() for p in before} == before


def test_dry_run_prints_both_diffs_and_writes_nothing(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_document(monkeypatch, the_doc())
    code, out, _ = import_(project, httpserver, "--dry-run")
    assert code == 0
    assert "+@misc{lovelace2024empathy," in out and "+++ b/categories.toml" in out
    assert not (project / "list.bib").exists() and not (project / "styles" / "categories.toml").exists()


def test_known_papers_gain_sections_and_nothing_else_changes(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(ROOT / "references.bib", project / "list.bib")
    (project / "styles").mkdir()
    shutil.copy(ROOT / "styles" / "categories.toml", project / "styles" / "categories.toml")
    old = (project / "list.bib").read_text(encoding="utf-8")
    # Two papers of the list, one under a section it is not filed under yet, one by a wrong-case title.
    doc = document(
        item(
            "The Illusion of Empathy: How AI Chatbots Shape Conversation Perception",
            under=heading("Papers", "Datasets"),
            url="https://arxiv.org/abs/2411.12877",
        ),
        item(
            "MOEL: MIXTURE OF EMPATHETIC LISTENERS",
            under=heading("Papers", "Cognitive & Affective Empathy Modeling"),
        ),
    )
    use_document(monkeypatch, doc)
    code, _, err = import_(project, httpserver)
    assert code == 0, err
    assert registry.paths == []
    new = (project / "list.bib").read_text(encoding="utf-8")
    assert (project / "styles" / "categories.toml").read_bytes() == (
        ROOT / "styles" / "categories.toml"
    ).read_bytes()
    old_entries = {e.key: e for e in bibtexparser.parse_string(old).entries}
    new_entries = {e.key: e for e in bibtexparser.parse_string(new).entries}
    assert old_entries.keys() == new_entries.keys()
    changed = {k for k in old_entries if old_entries[k].raw != new_entries[k].raw}
    assert changed == {"liu2025illusion"}
    assert new_entries["liu2025illusion"]["keywords"].endswith(", datasets")
    old_lines, new_lines = old.splitlines(), new.splitlines()
    assert len(old_lines) == len(new_lines)
    assert [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b] == [
        next(
            i
            for i, line in enumerate(old_lines)
            if "keywords" in line
            and i
            > old_lines.index(next(x for x in old_lines if x.startswith("@") and "liu2025illusion" in x))
        )
    ]


def test_unresolved_paper_is_written_as_misc_and_exit_1(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = document(
        item(
            "A Paper No Registry Knows About Empathy",
            under=THEORY,
            authors=("Jane Q. Public",),
            year=2023,
            venue="Workshop on Feelings 2023",
            url="https://example.org/paper.pdf",
        ),
    )
    use_document(monkeypatch, doc)
    code, _, err = import_(project, httpserver, "--report", str(project / "r.json"))
    assert code == 1
    assert "unresolved" in err
    ((key, fields),) = entries(project).items()
    assert key == "public2023paper"
    assert fields["title"] == "A Paper No Registry Knows About Empathy"
    assert fields["author"] == "Public, Jane Q."
    assert fields["url"] == "https://example.org/paper.pdf" and fields["note"] == "Workshop on Feelings 2023"
    assert json.loads((project / "r.json").read_text())["papers"][0]["status"] == "unresolved"


def test_network_down_reports_could_not_check_and_writes_misc(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.down = True
    use_document(monkeypatch, the_doc())
    code, _, err = import_(project, httpserver, "--report", str(project / "r.json"))
    assert code == 1, err
    rows = json.loads((project / "r.json").read_text())["papers"]
    assert {r["status"] for r in rows} == {"could-not-check"}
    assert all("503" in r["error"] or "not answering" in r["error"] for r in rows)
    library = bibtexparser.parse_string((project / "list.bib").read_text(encoding="utf-8"))
    assert {e.entry_type for e in library.entries} == {"misc"} and len(library.entries) == 5


def test_unparsable_bib_is_exit_2_and_nothing_written(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = "@misc{a, title = {Unclosed\n\n@misc{b, title = {Fine}}\n"
    (project / "list.bib").write_text(broken, encoding="utf-8")
    use_document(monkeypatch, the_doc())
    code, _, err = import_(project, httpserver)
    assert code == 2 and "did not parse completely" in err
    assert (project / "list.bib").read_text(encoding="utf-8") == broken
    assert not (project / "styles" / "categories.toml").exists()
    assert registry.paths == []


def test_a_link_that_belongs_to_another_paper_is_reported_and_not_merged(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = document(
        item("Empathy Gaps in Chatbots", under=THEORY, line=3, url="https://arxiv.org/abs/2401.14523"),
        # a copy-paste error: the arXiv link of the paper above, on another paper
        item(
            "StickerConv: Generating Multimodal Empathetic Responses from Scratch",
            under=THEORY,
            line=4,
            authors=("Yiqun Zhang",),
            url="https://arxiv.org/abs/2401.14523",
        ),
    )
    use_document(monkeypatch, doc)
    code, _, err = import_(project, httpserver, "--report", str(project / "r.json"))
    assert code == 0, err
    found = entries(project)
    assert len(found) == 2
    sticker = next(v for v in found.values() if "StickerConv" in v["title"])
    assert sticker["doi"] == "10.18653/v1/2024.acl-long.417" and "eprint" not in sticker
    rows = json.loads((project / "r.json").read_text())["papers"]
    assert rows[1]["conflicts"] and rows[1]["conflicts"][0]["value"] == "2401.14523"


@pytest.mark.parametrize(
    "hostile",
    [
        "Braces } and { unbalanced",
        "100% of % comments",
        "Back\\slash \\textbf{bold} and \\",
        "An @misc{x, title={injected}} entry",
    ],
)
def test_hostile_readme_text_gives_entries_that_validate(
    project: Path,
    httpserver: HTTPServer,
    registry: FakeRegistry,
    monkeypatch: pytest.MonkeyPatch,
    hostile: str,
) -> None:
    doc = document(
        item(
            hostile,
            under=THEORY,
            authors=("Mallory } O'Brien", "Eve % Hacker"),
            venue=hostile + " 2024",
            year=2024,
            url="javascript:alert(1)",
            code="https://github.com/a/b?x={}&y=%",
        ),
    )
    use_document(monkeypatch, doc)
    code, _, err = import_(project, httpserver)
    assert code == 1, err  # unresolved: no registry knows it
    library = bibtexparser.parse_string((project / "list.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert "url" not in entry.fields_dict  # a javascript: link is never written
    assert validate_errors(project) == []


RENAMED = FakePaper(
    "Emotionally Numb or Empathetic? Evaluating How LLMs Feel",
    ("Jen-tse Huang", "Man Ho Lam", "Eric John Li"),
    2023,
    arxiv_id="2308.03656",
)


def test_a_renamed_version_is_not_taken_for_the_paper(
    project: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same authors, another title (the arXiv copy of a NeurIPS paper): abstain, write the README's
    text with the renamed version's eprint, and recognise that entry next time without a request."""
    fake = FakeRegistry([RENAMED])
    fake.install(httpserver)
    doc = document(
        item(
            "Apathetic or Empathetic? Evaluating LLMs' Emotional Alignments with Humans",
            under=THEORY,
            authors=RENAMED.authors,
            year=2024,
            venue="NeurIPS 2024",
            url="https://proceedings.neurips.cc/paper_files/paper/2024/hash/b0049c3f-Abstract-Conference.html",
        ),
    )
    use_document(monkeypatch, doc)
    code, _, _ = import_(project, httpserver, "--report", str(project / "r.json"))
    (fields,) = entries(project).values()
    row = json.loads((project / "r.json").read_text())["papers"][0]
    assert code == 1 and row["status"] == "unresolved"
    assert fields["title"].startswith("Apathetic or Empathetic?") and fields["eprint"] == "2308.03656"
    asked = len(fake.paths)
    assert import_(project, httpserver)[0] == 0
    assert len(fake.paths) == asked


def test_a_same_titled_paper_by_the_same_authors_with_another_edition_number_is_no_rename(
    project: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a rename gives its eprint: a candidate by the same people whose title carries another
    number (the next edition), or whose author list differs, leaves the entry without one."""
    fake = FakeRegistry(
        [
            FakePaper("EmoBench 2: Harder Questions", RENAMED.authors, 2023, arxiv_id="2308.00001"),
            FakePaper(
                "Another Study of Empathy", (*RENAMED.authors[:2], "Zoe Other"), 2023, arxiv_id="2308.00002"
            ),
        ]
    )
    fake.install(httpserver)
    doc = document(
        item("EmoBench: Questions", under=THEORY, authors=RENAMED.authors, year=2024, venue="NeurIPS 2024")
    )
    use_document(monkeypatch, doc)
    code, _, _ = import_(project, httpserver)
    (fields,) = entries(project).values()
    assert code == 1 and "eprint" not in fields


@pytest.mark.parametrize(
    ("readme_venue", "container", "anthology_id", "differs"),
    [
        (
            "CIKM 2024",
            "Proceedings of the 33rd ACM International Conference on Information and Knowledge Management",
            None,
            False,
        ),
        (
            "ACL 2019",
            "Proceedings of the 57th Annual Meeting of the Association for Computational Linguistics",
            None,
            False,
        ),
        (
            "ACL 2021",
            "Findings of the Association for Computational Linguistics: ACL-IJCNLP 2021",
            None,
            True,
        ),
        (
            "ACL 2025",
            "Proceedings of the 31st International Conference on Computational Linguistics",
            "2025.coling-main.10",
            True,
        ),
        ("IREC 2024", "Proceedings of LREC-COLING 2024", None, True),
        (
            "Arxiv 2025.04",
            "Proceedings of the 2025 CHI Conference on Human Factors in Computing Systems",
            None,
            True,
        ),
    ],
)
def test_venue_disagreements(
    readme_venue: str, container: str, anthology_id: str | None, differs: bool
) -> None:
    from empathy_bib.enrich.readme_resolve import venue_disagreement
    from empathy_bib.enrich.records import Work

    work = Work(
        source="crossref",
        title="t",
        container=container,
        type="proceedings-article",
        anthology_id=anthology_id,
    )
    assert (venue_disagreement(readme_venue, work) is not None) is differs


def test_import_bench_runs_on_a_few_papers() -> None:
    import subprocess
    import sys

    script = ROOT / "bench" / "bench_import.py"
    result = subprocess.run(
        [sys.executable, str(script), "12"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "0 requests (goal 0)" in result.stdout, result.stdout


def test_arxiv_is_asked_once_for_all_papers_even_unknown_ones(
    project: Path, httpserver: HTTPServer, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = document(
        item("Empathy Gaps in Chatbots", under=THEORY, line=3, url="https://arxiv.org/abs/2401.14523"),
        item(
            "An Unknown Preprint About Listening",
            under=THEORY,
            line=4,
            year=2024,
            url="https://arxiv.org/abs/2409.99999",
        ),
    )
    use_document(monkeypatch, doc)
    import_(project, httpserver)
    by_id = [p for p in registry.paths if p.startswith("/arxiv/api/query?id_list=")]
    assert len(by_id) == 1 and "2401.14523" in by_id[0] and "2409.99999" in by_id[0]


def test_a_list_changed_during_the_lookups_is_not_overwritten(
    project: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both files or neither: someone's edit during the lookups wins, and the taxonomy waits too."""
    bib = project / "list.bib"
    bib.write_text("@misc{mine, title = {Mine}, author = {Me, I}, year = {2020}}\n", encoding="utf-8")
    fake = FakeRegistry(list(REGISTRY))
    handle = fake.handle

    def edit_then_answer(request: Any) -> Any:
        if bib.read_text(encoding="utf-8").count("@misc") == 1:
            with bib.open("a", encoding="utf-8") as f:
                f.write("@misc{theirs, title = {Theirs}, author = {You, U}, year = {2021}}\n")
        return handle(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(edit_then_answer)
    use_document(monkeypatch, the_doc())
    code, _, err = import_(project, httpserver)
    assert code == 2 and "changed while this command ran" in err
    assert bib.read_text(encoding="utf-8").count("@misc") == 2  # theirs kept, nothing of ours
    assert not (project / "styles" / "categories.toml").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--jobs", "0"], "--jobs"), (["--timeout", "-1"], "--timeout")],
)
def test_usage_errors_exit_2(
    project: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    use_document(monkeypatch, the_doc())
    code, _, err = import_(project, httpserver, *args)
    assert code == 2 and message in err


def test_missing_readme_exit_2(project: Path, httpserver: HTTPServer) -> None:
    (project / "README.md").unlink()
    code, _, err = import_(project, httpserver)
    assert code == 2 and "no such file" in err
