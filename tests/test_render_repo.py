"""The committed outputs are current and complete: README, category files, CSL-JSON."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import bibtexparser

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of
from empathy_bib.render.markdown import unique_anchors
from empathy_bib.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent


def test_render_check_passes_on_the_repo() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "empathy_bib", "render", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_shows_every_paper_in_every_place() -> None:
    readme = _readme()
    papers = list(papers_of(BibFile.load(ROOT / "references.bib")))
    keys = Counter(re.findall(r"^   @\w+\{([^,]+),", readme, flags=re.M))
    assert len(keys) == 46 == len(papers)
    assert sum(keys.values()) == 54 == sum(len(p.categories) for p in papers)
    for p in papers:
        assert keys[p.key] == len(p.categories), p.key


def test_papers_are_numbered_from_one_in_each_section() -> None:
    sections = re.split(r"^#{2,4} ", _readme(), flags=re.M)
    for section in sections:
        numbers = [int(n) for n in re.findall(r"^(\d+)\. \*\*", section, flags=re.M)]
        assert numbers == list(range(1, len(numbers) + 1))


def test_toc_anchors_point_at_headings() -> None:
    readme = _readme()
    body = re.sub(r"```.*?```", "", readme, flags=re.S)
    written = re.findall(r"^#{2,4} (.+)$", body, flags=re.M)
    # GitHub makes the anchor from the text shown: entities decoded, backslash escapes removed
    headings = [html.unescape(re.sub(r"\\(.)", r"\1", h)) for h in written]
    anchors = set(unique_anchors(headings))
    links = re.findall(r"\]\(#([^)]+)\)", readme)
    assert len(links) > 20
    assert set(links) <= anchors, set(links) - anchors


def test_readme_includes_maintaining_verbatim() -> None:
    maintaining = (ROOT / "styles" / "maintaining.md").read_text(encoding="utf-8").strip()
    assert maintaining in _readme()
    assert "python3 tasks.py render" in _readme() and "python3 tasks.py test" in _readme()


def test_each_section_links_its_download() -> None:
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    for slug in taxonomy.paper_slugs:
        assert f"](bib/{slug}.bib)" in _readme()


def test_every_category_file_parses_and_holds_exactly_its_category() -> None:
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    papers = list(papers_of(BibFile.load(ROOT / "references.bib")))
    files = sorted((ROOT / "bib").glob("*.bib"))
    assert {f.stem for f in files} == set(taxonomy.paper_slugs)
    for f in files:
        library = bibtexparser.parse_string(f.read_text(encoding="utf-8"))
        assert not library.failed_blocks, f
        expected = [p.key for p in papers if f.stem in p.categories]
        assert [e.key for e in library.entries] == expected, f
        raw = f.read_text(encoding="utf-8")
        for p in papers:
            if f.stem in p.categories:
                assert p.raw in raw  # byte-faithful copy
