"""A pull request that edits README.md by hand: `import README.md` absorbs exactly the new paper.

Runs on a copy of this repository (references.bib, styles/, README.md) with the real README
reader, against the counting fake registry: the 46 listed papers are recognised without a
request, the hand-added one is looked up and added under its section, and `render --check` is
green after `render`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest
from pytest_httpserver import HTTPServer

from empathy_bib.enrich import http
from empathy_bib.readme import read_readme

from .conftest import ROOT, run_cli
from .importfakes import FakePaper, FakeRegistry

NEW = FakePaper(
    "Hand-Added Paper on Listening Agents",
    ("Grace Hopper", "Barbara Liskov"),
    2025,
    arxiv_id="2501.01234",
)
NEW_ITEM = (
    "8. **Hand-Added Paper on Listening Agents.**\\\n"
    "   *Grace Hopper, Barbara Liskov.* arXiv, 2025. [[abs](https://arxiv.org/abs/2501.01234)]\n\n"
)


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(http, "DEFAULT_RETRY", http.RetryPolicy(total=1, backoff_factor=0))
    yield
    http.close_sessions()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("CROSSREF", "DATACITE", "ARXIV", "ANTHOLOGY"):
        monkeypatch.delenv(f"EMPATHY_BIB_{name}_URL", raising=False)
    for name in ("references.bib", "README.md", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("styles", "bib", "site"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


def test_a_paper_added_to_readme_by_hand_becomes_one_entry(repo: Path, httpserver: HTTPServer) -> None:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    if not read_readme(readme).papers:
        pytest.skip("the README reader is not merged yet (read_readme finds nothing)")
    registry = FakeRegistry([NEW])
    registry.install(httpserver)
    anchor = readme.index("### 🗣️ Empathetic Dialogue Systems")
    (repo / "README.md").write_text(readme[:anchor] + NEW_ITEM + readme[anchor:], encoding="utf-8")
    old_bib = (repo / "references.bib").read_text(encoding="utf-8")
    base = httpserver.url_for("").rstrip("/")
    services = [f"--{s}-url={base}/{s}" for s in ("arxiv", "crossref", "datacite", "anthology")]
    code, _, err = run_cli(["import", "README.md", "--no-cache", *services], cwd=repo)
    assert code == 0, err
    assert all("2501.01234" in path or "10.48550" in path or "crossref" in path for path in registry.paths)
    new_bib = (repo / "references.bib").read_text(encoding="utf-8")
    assert new_bib.startswith(old_bib)  # every old byte in place
    added = bibtexparser.parse_string(new_bib[len(old_bib) :]).entries
    assert [e.key for e in added] == ["hopper2025hand"]
    assert added[0]["keywords"] == "theory-frameworks" and added[0]["eprint"] == "2501.01234"
    assert (repo / "styles" / "categories.toml").read_bytes() == (
        ROOT / "styles" / "categories.toml"
    ).read_bytes()
    assert run_cli(["render"], cwd=repo)[0] == 0
    code, _, err = run_cli(["render", "--check"], cwd=repo)
    assert code == 0, err
    assert "Hand-Added Paper on Listening Agents" in (repo / "README.md").read_text(encoding="utf-8")
