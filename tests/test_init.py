"""`empathy-bib init [DIR]`: a new list for any topic; then `import` and `render` are all it takes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml  # type: ignore[import-untyped]
from pytest_httpserver import HTTPServer

from empathy_bib import readme
from empathy_bib.enrich import http

from .conftest import ROOT, run_cli
from .importfakes import FakePaper, FakeRegistry, document, heading, item

SCAFFOLD = ROOT / "src" / "empathy_bib" / "scaffold"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(http, "DEFAULT_RETRY", http.RetryPolicy(total=1, backoff_factor=0))
    yield
    http.close_sessions()


def written(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_init_writes_the_scaffold(tmp_path: Path) -> None:
    code, _, err = run_cli(["init", str(tmp_path / "list")])
    assert code == 0, err
    files = written(tmp_path / "list")
    assert {
        "references.bib",
        "styles/categories.toml",
        "styles/settings.toml",
        "styles/README.md.j2",
        "styles/site.html.j2",
        "styles/maintaining.md",
        "styles/partials/section.md.j2",
        ".pre-commit-config.yaml",
        ".github/workflows/ci.yml",
        ".github/workflows/pr.yml",
        ".github/workflows/pages.yml",
        ".github/workflows/verify.yml",
    } <= set(files)
    for name, data in files.items():
        text = data.decode("utf-8")
        # nothing of this list's topic: only the tool's own name
        assert not re.search(r"empath(?!y[-_]?bib)", text, re.IGNORECASE), name
        if name.endswith((".yml", ".yaml")):
            assert isinstance(yaml.safe_load(text), dict), name
    assert "empathy-bib import README.md" in files[".github/workflows/pr.yml"].decode()


def test_init_refuses_to_overwrite_a_different_file_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "categories.toml").write_text("# mine\n", encoding="utf-8")
    code, _, err = run_cli(["init", str(tmp_path)])
    assert code == 2 and "styles/categories.toml" in err
    assert written(tmp_path) == {"styles/categories.toml": b"# mine\n"}


def test_init_twice_is_fine(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path)])[0] == 0
    before = written(tmp_path)
    code, _, err = run_cli(["init", str(tmp_path)])
    assert code == 0, err
    assert written(tmp_path) == before


def test_packaged_files_name_no_topic() -> None:
    """Nothing the package ships (code, templates, scaffold) is about this list's topic."""
    for path in (ROOT / "src" / "empathy_bib").rglob("*"):
        if path.is_file() and path.suffix not in (".pyc", ".typed"):
            text = path.read_text(encoding="utf-8")
            hits = re.findall(r"empath(?!y[-_]?bib)\w*", text, re.IGNORECASE)
            assert hits == [], (path, hits)


def test_init_import_render_end_to_end(
    tmp_path: Path, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("CROSSREF", "DATACITE", "ARXIV", "ANTHOLOGY"):
        monkeypatch.delenv(f"EMPATHY_BIB_{name}_URL", raising=False)
    FakeRegistry(
        [
            FakePaper(
                "Graph Neural Networks for Molecules",
                ("Marie Curie", "Linus Pauling"),
                2023,
                arxiv_id="2301.00001",
            ),
            FakePaper(
                "Protein Folding at Scale",
                ("Rosalind Franklin",),
                2022,
                doi="10.1000/fold",
                container="Journal of Proteins",
            ),
        ]
    ).install(httpserver)
    folder = tmp_path / "chem"
    assert run_cli(["init", str(folder)])[0] == 0
    (folder / "README.md").write_text("# Awesome Chemistry ML\n", encoding="utf-8")
    doc = document(
        item(
            "Graph Neural Networks for Molecules",
            under=heading("Models", emoji="🧪"),
            url="https://arxiv.org/abs/2301.00001",
            authors=("Marie Curie",),
        ),
        item(
            "Protein Folding at Scale",
            under=heading("Models", "Proteins", "Folding", "Deep Folding"),
            url="https://doi.org/10.1000/fold",
        ),
    )
    monkeypatch.setattr(readme, "read_readme", lambda text: doc)
    base = httpserver.url_for("").rstrip("/")
    services = [f"--{s}-url={base}/{s}" for s in ("arxiv", "crossref", "datacite", "anthology")]
    code, _, err = run_cli(["import", "README.md", "--no-cache", *services], cwd=folder)
    assert code == 0, err
    assert "nested deeper" in err
    code, _, err = run_cli(["validate"], cwd=folder)
    assert code == 0, err
    code, _, err = run_cli(["render"], cwd=folder)
    assert code == 0, err
    page = (folder / "README.md").read_text(encoding="utf-8")
    assert page.startswith("<!-- Generated")
    assert "# Awesome Papers" in page
    for title in ("🧪 Models", "Proteins", "Folding"):
        assert title in page
    assert "Graph Neural Networks for Molecules" in page and "Protein Folding at Scale" in page
    recent = page.split("## 🆕 Recently added", 1)[1].split("\n## ", 1)[0]  # import wrote `added`
    assert "Graph Neural Networks for Molecules" in recent and "feed.xml" in recent
    assert (folder / "site" / "feed.xml").is_file()
    assert (folder / "bib" / "folding.bib").is_file()
    assert run_cli(["render", "--check"], cwd=folder)[0] == 0


def test_scaffold_page_templates_follow_this_repositorys() -> None:
    """A change to this list's page template (styles/site.html.j2) reaches new lists."""
    from .sync_scaffold import stale

    assert stale() == [], "run 'python -m tests.sync_scaffold'"
