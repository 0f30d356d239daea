"""README's "Recently added": under News, the newest papers by `added` (ties by key), each with links
to its sections; how many is the template's setting (default 10); the seed's News items stay."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import bibtexparser
import pytest
from markdown_it import MarkdownIt
from pylatexenc.latex2text import LatexNodes2Text

from empathy_bib.bib import BibFile
from empathy_bib.render import render_all
from empathy_bib.taxonomy import Taxonomy, load_taxonomy

from .conftest import ROOT

STYLES = ROOT / "styles"
HEADING = "### 🆕 Recently added"
SETTING = "{% set recently_added_count = 10 %}"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(STYLES / "categories.toml")


def recent_section(readme: str) -> str:
    start = readme.index(HEADING)
    return readme[start : readme.index("\n---\n", start)]


def listed_keys(section: str, titles: dict[str, str]) -> list[str]:
    """The papers of the section, in order, by their bold titles."""
    by_title = {title: key for key, title in titles.items()}
    return [by_title[t] for t in re.findall(r"^- `\d{4}-\d\d-\d\d` \*\*(.+?)\.?\*\*", section, flags=re.M)]


def entry(key: str, added: str | None, keywords: str = "datasets", title: str | None = None) -> str:
    added_line = f"  added = {{{added}}},\n" if added else ""
    return (
        f"@misc{{{key},\n  title = {{{title or 'Paper ' + key}}},\n  author = {{Doe, Jane}},\n"
        f"  year = {{2024}},\n  keywords = {{{keywords}}},\n{added_line}}}\n"
    )


def readme_with(text: str, taxonomy: Taxonomy, styles: Path = STYLES) -> str:
    return render_all(BibFile.from_text(text), taxonomy, styles, validate=False)["README.md"]


def styles_with(tmp_path: Path, setting: str) -> Path:
    styles = tmp_path / "styles"
    shutil.copytree(STYLES, styles)
    template = styles / "README.md.j2"
    text = template.read_text(encoding="utf-8")
    assert SETTING in text
    template.write_text(text.replace(SETTING, setting), encoding="utf-8")
    return styles


# ---------------------------------------------------------------------- the real README


def test_the_readme_lists_the_ten_newest_under_news_and_keeps_the_seed_news() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    news = readme[readme.index("## 🔥 News") : readme.index("\n---\n", readme.index("## 🔥 News"))]
    assert "`2025-05`: **Our paper [_ReflectDiffu_](https://arxiv.org/abs/2409.10289)" in news
    assert "`2025-05`: **Repository launched" in news
    assert news.index("Repository launched") < news.index(HEADING)  # the section is part of News
    library = bibtexparser.parse_string((ROOT / "references.bib").read_text(encoding="utf-8"))
    dated = [(e.fields_dict["added"].value, e.key) for e in library.entries if "added" in e.fields_dict]
    newest = [key for _, key in sorted(dated, key=lambda p: (-int(p[0].replace("-", "")), p[1]))][:10]
    titles = {e.key: LatexNodes2Text().latex_to_text(e.fields_dict["title"].value) for e in library.entries}
    section = recent_section(readme)
    assert listed_keys(section, titles) == newest


def test_each_recent_paper_links_its_sections_headings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # The anchors the README's own table of contents links, computed by the renderer for headings.
    toc = dict(re.findall(r"^\s*- \[(.+?)\]\(#([^)]+)\)$", readme, flags=re.M))
    section = recent_section(readme)
    items = [line for line in section.splitlines() if line.startswith("- `")]
    assert len(items) == 10
    for item in items:
        links = re.findall(r"\[([^\]]+)\]\(#([^)]+)\)", item.split(" In ", 1)[1])
        assert links and all(toc.get(heading) == anchor for heading, anchor in links), item
    tokens = MarkdownIt().parse(section)
    assert not [t for t in tokens if t.type == "html_block"]


# ---------------------------------------------------------------------- rules


def test_newest_first_ties_by_key_and_undated_left_out(taxonomy: Taxonomy) -> None:
    text = "\n".join(
        [
            entry("b2024", "2025-06-01"),
            entry("a2024", "2025-06-01"),
            entry("c2024", None),
            entry("d2024", "2025-07-15", "datasets, surveys-overviews"),
            entry("e2024", "2024-01-01"),
        ]
    )
    section = recent_section(readme_with(text, taxonomy))
    titles = {k: f"Paper {k}" for k in ("a2024", "b2024", "c2024", "d2024", "e2024")}
    assert listed_keys(section, titles) == ["d2024", "a2024", "b2024", "e2024"]
    [first] = [line for line in section.splitlines() if "Paper d2024" in line]
    assert first.startswith("- `2025-07-15` ")
    assert first.endswith("In [📂 Datasets](#-datasets), [📚 Surveys &amp; Overviews](#-surveys--overviews).")


def test_the_count_is_the_templates_setting(tmp_path: Path, taxonomy: Taxonomy) -> None:
    text = "\n".join(entry(f"p{i:02d}x2024", f"2025-01-{i:02d}") for i in range(1, 16))
    titles = {f"p{i:02d}x2024": f"Paper p{i:02d}x2024" for i in range(1, 16)}
    default = listed_keys(recent_section(readme_with(text, taxonomy)), titles)
    assert default == [f"p{i:02d}x2024" for i in range(15, 5, -1)]  # 10
    three = styles_with(tmp_path / "three", "{% set recently_added_count = 3 %}")
    assert listed_keys(recent_section(readme_with(text, taxonomy, three)), titles) == default[:3]
    # A template that names no count gets the default, 10.
    unset = styles_with(tmp_path / "unset", "")
    template = unset / "README.md.j2"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "recently_added(recently_added_count)", "recently_added()"
        ),
        encoding="utf-8",
    )
    assert listed_keys(recent_section(readme_with(text, taxonomy, unset)), titles) == default


def test_no_dated_paper_says_so(taxonomy: Taxonomy) -> None:
    section = recent_section(readme_with(entry("a2024", None), taxonomy))
    assert "No paper records the date it was added yet." in section


def test_a_hostile_title_stays_inert(taxonomy: Taxonomy) -> None:
    title = "<script>alert(1)</script> [x](javascript:alert(1)) *b*"
    section = recent_section(readme_with(entry("a2024", "2025-01-01", title=title), taxonomy))
    html = MarkdownIt().render(section)
    assert "<script>" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(href.startswith(("#", "https://")) for href in hrefs)  # no javascript: link
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
