"""`empathy-bib upgrade` end to end on a copy of references.bib, against loopback fakes.

Oracles: the file's own bytes outside the entry, bibtexparser for the fields, `validate`, and
real bibtex and biber runs on the upgraded file.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest
from werkzeug.wrappers import Request, Response

from empathy_bib.enrich import http
from tests.conftest import ROOT, require_tool, run_cli, validate_json
from tests.registry import Registry
from tests.test_fetch_fakes import (
    ArxivEntry,
    FakeServices,
    Person,
    crossref_item,
    fake,
    fake_server,
)
from tests.test_published import serve_anthology

__all__ = ["fake", "fake_server"]  # the fixtures, re-exported for pytest

KEY = "chen2024cause"
ARXIV_ID = "2408.11599"
TITLE = "Cause-Aware Empathetic Response Generation via Chain-of-Thought Fine-Tuning"
AUTHORS: list[Person] = [
    ("Xinhao", "Chen"), ("Chong", "Yang"), ("Man", "Lan"), ("Li", "Cai"),
    ("Yang", "Chen"), ("Tu", "Hu"), ("Xinlin", "Zhuang"), ("Aimin", "Zhou"),
]  # fmt: skip
AUTHOR_FIELD = " and ".join(f"{family}, {given}" for given, family in AUTHORS)
ANTHOLOGY_ID = "2025.coling-main.321"
ACL_DOI = f"10.18653/v1/{ANTHOLOGY_ID}"
ANTHOLOGY_BIB = f"""@inproceedings{{chen-etal-2025-cause,
    title = "Cause-Aware Empathetic Response Generation via Chain-of-Thought Fine-Tuning",
    author = "Chen, Xinhao  and Yang, Chong  and Lan, Man  and Cai, Li  and Chen, Yang  and
      Hu, Tu  and Zhuang, Xinlin  and Zhou, Aimin",
    booktitle = "Proceedings of the 31st International Conference on Computational Linguistics",
    month = jan,
    year = "2025",
    address = "Abu Dhabi, UAE",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/{ANTHOLOGY_ID}/",
    doi = "{ACL_DOI}",
    pages = "4800--4812",
}}
"""
UPGRADED = f"""@inproceedings{{{KEY},
  title = {{Cause-Aware Empathetic Response Generation via Chain-of-Thought Fine-Tuning}},
  author = {{{AUTHOR_FIELD}}},
  booktitle = {{Proceedings of the 31st International Conference on Computational Linguistics}},
  publisher = {{Association for Computational Linguistics}},
  address = {{Abu Dhabi, UAE}},
  year = {{2025}},
  month = jan,
  pages = {{4800--4812}},
  doi = {{{ACL_DOI}}},
  url = {{https://aclanthology.org/{ANTHOLOGY_ID}/}},
  eprint = {{{ARXIV_ID}}},
  archiveprefix = {{arXiv}},
  keywords = {{generative-approaches}},
  added = {{2025-05-01}},
}}"""  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    yield
    http.close_sessions()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


def serve(fake: FakeServices, *, arxiv_doi: str = ACL_DOI, anthology: str = ANTHOLOGY_BIB) -> None:
    names = [f"{g} {f}" for g, f in AUTHORS]
    fake.arxiv[ARXIV_ID] = ArxivEntry(ARXIV_ID, TITLE, names, published="2024-08-21T00:00:00Z", doi=arxiv_doi)
    serve_anthology(fake, {ANTHOLOGY_ID: anthology})


def upgrade(fake: FakeServices, project: Path, *args: str) -> tuple[int, str, str]:
    services = [f"--{name}-url={fake.base(name)}" for name in ("crossref", "datacite", "arxiv", "anthology")]
    return run_cli(["upgrade", *args, *services, "--no-cache", "--timeout=2"], cwd=project)


def entry_span(text: str, key: str) -> tuple[int, int]:
    start = text.index(f"@misc{{{key},")
    return start, text.index("\n}", start) + 2


def fields(path: Path, key: str) -> dict[str, str]:
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert not library.failed_blocks
    (entry,) = [e for e in library.entries if e.key == key]
    return {f.key: str(f.value) for f in entry.fields} | {"ENTRYTYPE": entry.entry_type}


# ---------------------------------------------------------------------- the upgrade


def test_upgrade_rewrites_only_the_entry(fake: FakeServices, project: Path) -> None:
    serve(fake)
    before = (project / "references.bib").read_text()
    others_before = {e.key: e for e in bibtexparser.parse_string(before).entries if e.key != KEY}
    code, out, err = upgrade(fake, project, KEY)
    assert code == 0, err
    after = (project / "references.bib").read_text()
    start, end = entry_span(before, KEY)
    # every byte outside the entry is where it was
    assert after.startswith(before[:start]) and after.endswith(before[end:])
    assert after[start : len(after) - (len(before) - end)] == UPGRADED
    # an independent reader sees the other entries unchanged
    others_after = {e.key: e for e in bibtexparser.parse_string(after).entries if e.key != KEY}
    assert {k: e.fields_dict.keys() for k, e in others_after.items()} == {
        k: e.fields_dict.keys() for k, e in others_before.items()
    }
    assert all(str(others_after[k].raw) == str(e.raw) for k, e in others_before.items())
    got = fields(project / "references.bib", KEY)
    assert got["ENTRYTYPE"] == "inproceedings" and got["keywords"] == "generative-approaches"
    assert got["eprint"] == ARXIV_ID and got["archiveprefix"] == "arXiv"
    assert "@misc -> @inproceedings" in out and "doi: 10.48550/arXiv.2408.11599 -> " + ACL_DOI in out
    assert out.rstrip().endswith(
        f"upgraded {KEY} -> Proceedings of the 31st International Conference on Computational Linguistics"
        " (arXiv DOI)"
    )


def test_the_upgraded_list_validates(fake: FakeServices, project: Path) -> None:
    serve(fake)
    assert upgrade(fake, project, KEY)[0] == 0
    report = validate_json(project / "references.bib")
    assert [d for d in report["diagnostics"] if d.get("key") == KEY and d["severity"] == "error"] == []


def test_dry_run_prints_a_diff_and_writes_nothing(fake: FakeServices, project: Path) -> None:
    serve(fake)
    before = (project / "references.bib").read_bytes()
    code, out, err = upgrade(fake, project, KEY, "--dry-run")
    assert code == 0, err
    assert (project / "references.bib").read_bytes() == before
    assert out.splitlines()[-30:].count("-@misc{chen2024cause,") == 1
    assert "+@inproceedings{chen2024cause," in out.splitlines()
    assert "+  booktitle = {Proceedings of the 31st International Conference" in out
    assert "upgraded" not in out and "nothing written" in err


def test_already_published_and_unknown_keys(fake: FakeServices, project: Path) -> None:
    before = (project / "references.bib").read_bytes()
    code, out, _ = upgrade(fake, project, "hou2025language")
    assert code == 0 and "already published (@inproceedings)" in out
    code, _, err = upgrade(fake, project, KEY, "nosuchkey2099")
    assert code == 2 and "nosuchkey2099" in err
    assert not fake.received  # decided before any request
    assert (project / "references.bib").read_bytes() == before


@pytest.mark.parametrize("args", [(), ("--all", KEY)])
def test_usage_errors(fake: FakeServices, project: Path, args: tuple[str, ...]) -> None:
    assert upgrade(fake, project, *args)[0] == 2


def test_unparsable_file_is_refused(fake: FakeServices, project: Path) -> None:
    bib = project / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{broken, title = {unclosed\n")
    before = bib.read_bytes()
    code, _, err = upgrade(fake, project, KEY)
    assert code == 2 and "did not parse" in err
    assert bib.read_bytes() == before and not fake.received


def test_not_found_and_network_failure_exit_1(fake: FakeServices, project: Path) -> None:
    serve(fake, arxiv_doi="")
    before = (project / "references.bib").read_bytes()
    code, _, err = upgrade(fake, project, KEY)
    assert code == 1 and f"{KEY}: no published version found" in err
    serve(fake)

    def datacite_down(request: Request) -> Response | None:
        return Response("busy", 503) if request.path.startswith("/arxiv") else None

    fake.override = datacite_down
    code, _, err = upgrade(fake, project, KEY)
    assert code == 1 and f"{KEY}: could not check" in err
    assert (project / "references.bib").read_bytes() == before


def test_all_upgrades_what_it_can_and_says_what_it_cannot(fake: FakeServices, project: Path) -> None:
    serve(fake)
    code, out, err = upgrade(fake, project, "--all")
    assert code == 1  # the other arXiv-only entries have no published version in the fakes
    assert f"upgraded {KEY} -> " in out
    assert "sotolar2024empo: no published version found" in err
    assert fields(project / "references.bib", KEY)["ENTRYTYPE"] == "inproceedings"
    assert fields(project / "references.bib", "sotolar2024empo")["ENTRYTYPE"] == "misc"
    first = next(r for r in fake.received if r.path.startswith("/arxiv"))
    assert len(first.query["id_list"].split(",")) == 10  # one batched feed request for all of them


# ---------------------------------------------------------------------- hostile registries


def test_hostile_registry_values_never_break_the_file(fake: FakeServices, project: Path) -> None:
    doi = "10.1000/hostile.1"
    serve(fake, arxiv_doi=doi)
    fake.works[doi] = crossref_item(
        doi, TITLE, AUTHORS, 2025, "journal-article",
        "Journal of 100% <i>Empathy</i> & {Care",
        publisher="A & B } Press #1", page="<b>12</b>\u201334", volume="3}", issue="{4",
    )  # fmt: skip
    code, _, err = upgrade(fake, project, KEY)
    assert code == 0, err
    got = fields(project / "references.bib", KEY)
    assert got["ENTRYTYPE"] == "article"
    assert got["journal"] == r"Journal of 100\% Empathy \& \textbraceleft{}Care"
    assert got["publisher"] == r"A \& B \textbraceright{} Press \#1"
    assert got["pages"] == "12--34" and got["url"] == f"https://doi.org/{doi}"
    assert validate_json(project / "references.bib")["summary"]["errors"] == 0


# ---------------------------------------------------------------------- concurrent changes


def test_a_concurrent_change_to_the_entry_is_refused(fake: FakeServices, project: Path) -> None:
    bib = project / "references.bib"

    def edit_by_hand() -> None:
        doi = "  doi = {10.48550/arXiv.2408.11599}"
        bib.write_text(bib.read_text().replace(f"month = aug,\n{doi}", f"month = sep,\n{doi}"))

    serve(fake)
    serve_anthology(fake, {ANTHOLOGY_ID: ANTHOLOGY_BIB}, then=edit_by_hand)
    code, out, err = upgrade(fake, project, KEY)
    assert code == 2 and "changed while this command ran" in err and "upgraded" not in out
    text = bib.read_text()
    assert "month = sep,\n  doi = {10.48550/arXiv.2408.11599}" in text and "@misc{chen2024cause," in text


def test_a_concurrent_change_elsewhere_is_kept(fake: FakeServices, project: Path) -> None:
    bib = project / "references.bib"

    def edit_by_hand() -> None:
        bib.write_text(
            bib.read_text().replace("{sotolar2024empo,\n", "{sotolar2024empo,\n  note = {hand},\n")
        )

    serve(fake)
    serve_anthology(fake, {ANTHOLOGY_ID: ANTHOLOGY_BIB}, then=edit_by_hand)
    code, _, err = upgrade(fake, project, KEY)
    assert code == 0, err
    assert fields(bib, "sotolar2024empo")["note"] == "hand"
    assert fields(bib, KEY)["ENTRYTYPE"] == "inproceedings"


# ---------------------------------------------------------------------- LaTeX


def latex(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


@pytest.mark.latex
def test_upgraded_entry_compiles_with_bibtex_and_biber(fake: FakeServices, project: Path) -> None:
    pdflatex, bibtex, biber = require_tool("pdflatex"), require_tool("bibtex"), require_tool("biber")
    serve(fake)
    assert upgrade(fake, project, KEY)[0] == 0
    work = project / "latex"
    work.mkdir()
    entry_text = (project / "references.bib").read_text()
    start = entry_text.index("@inproceedings{chen2024cause,")
    (work / "one.bib").write_text(entry_text[start : entry_text.index("\n}", start) + 3])
    natbib = r"\documentclass{article}\usepackage{natbib}\usepackage{url}\begin{document}\nocite{*}"
    (work / "n.tex").write_text(natbib + r"\bibliographystyle{plainnat}\bibliography{one}\end{document}")
    assert latex([pdflatex, "-interaction=nonstopmode", "n.tex"], work).returncode == 0
    result = latex([bibtex, "n"], work)
    assert result.returncode == 0 and "Warning--" not in result.stdout, result.stdout
    bbl = (work / "n.bbl").read_text()
    assert "Proceedings of the 31st International Conference" in bbl and "4800--4812" in bbl
    biblatex = (r"\documentclass{article}\usepackage[backend=biber]{biblatex}\addbibresource{one.bib}"
                r"\begin{document}\nocite{*}\printbibliography\end{document}")  # fmt: skip
    (work / "b.tex").write_text(biblatex)
    assert latex([pdflatex, "-interaction=nonstopmode", "b.tex"], work).returncode == 0
    result = latex([biber, "b"], work)
    assert result.returncode == 0 and "WARN" not in result.stdout and "ERROR" not in result.stdout, (
        result.stdout
    )
    assert latex([pdflatex, "-interaction=nonstopmode", "b.tex"], work).returncode == 0
    assert "Proceedings of the 31st International Conference" in (work / "b.bbl").read_text()


# ---------------------------------------------------------------------- the real list, the truth


def seeded_personas() -> tuple[str, str]:
    """references.bib, and the same with wu2025personas arXiv-only as the seed had it."""
    spec = importlib.util.spec_from_file_location("seeded_errors", ROOT / "tests/fixtures/seeded_errors.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    truth = (ROOT / "references.bib").read_text()
    return truth, module.PERSONAS_PUBLISHED.sub(module.PERSONAS_ARXIV, truth)


def test_the_seeds_arxiv_only_entry_becomes_the_true_entry(tmp_path: Path) -> None:
    """Served the truth (tests/registry), the upgrade gives back references.bib byte for byte."""
    truth, seeded = seeded_personas()
    (tmp_path / "references.bib").write_text(seeded)
    with Registry() as registry:
        code, out, err = run_cli(
            ["upgrade", "wu2025personas", *registry.cli_args(), "--no-cache"], cwd=tmp_path
        )
    assert code == 0, err
    assert (tmp_path / "references.bib").read_text() == truth
    assert "(Crossref search (same authors))" in out


def test_no_false_upgrade_on_the_real_list(tmp_path: Path) -> None:
    """The list's arXiv-only entries are unpublished (papers.tsv): none is upgraded."""
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    with Registry() as registry:
        code, _, err = run_cli(["upgrade", "--all", *registry.cli_args(), "--no-cache"], cwd=tmp_path)
    assert code == 1 and err.count("no published version found") == 10
    assert (tmp_path / "references.bib").read_bytes() == (ROOT / "references.bib").read_bytes()
