"""The taxonomy's titles, emoji and descriptions reach README.md escaped, as paper titles do.

The README is read back by pandoc as GitHub-flavoured Markdown: what a reader sees must be the
text of the taxonomy file, with no element, emphasis, link or extra table column made from it.
"""

from __future__ import annotations

import re
import subprocess

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.render import render_all
from empathy_bib.taxonomy import load_taxonomy
from tests.conftest import ROOT, require_tool

STYLES = ROOT / "styles"
HOSTILE_TITLE = "Evil <script>alert(1)</script> a|b *bold* [x](y) & _it_"
HOSTILE_EMOJI = "<b>!</b>"
HOSTILE_DESCRIPTION = "Described <img src=x onerror=alert(1)> | *not bold* [link](javascript:alert(1))"

TAXONOMY = f"""
[[group]]
slug = "papers"
title = "Papers"
emoji = "📜"
description = "All of them."

[[group.section]]
slug = "evil"
title = {repr(HOSTILE_TITLE).replace("'", '"')}
emoji = {repr(HOSTILE_EMOJI).replace("'", '"')}
description = {repr(HOSTILE_DESCRIPTION).replace("'", '"')}
"""

BIB = """@misc{good2023paper,
  title = {A Fine Paper},
  author = {Nguyen, Anh},
  year = {2023},
  keywords = {evil},
}
"""


@pytest.fixture(scope="module")
def readme(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("taxonomy")
    (folder / "categories.toml").write_text(TAXONOMY, encoding="utf-8")
    taxonomy = load_taxonomy(folder / "categories.toml")
    evil = taxonomy.get("evil")
    assert evil is not None and evil.title == HOSTILE_TITLE and evil.emoji == HOSTILE_EMOJI
    return render_all(BibFile.from_text(BIB), taxonomy, STYLES, validate=False)["README.md"]


def pandoc(markdown: str, to: str) -> str:
    tool = require_tool("pandoc")
    done = subprocess.run(
        [tool, "-f", "gfm", "-t", to, "--wrap=none"],
        input=markdown,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_no_markup_is_made_from_the_taxonomy(readme: str) -> None:
    html = pandoc(readme, "html")
    assert "<script" not in html and "<img src=x" not in html and "<b>!" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # heading, contents, table
    assert "<em>bold" not in html and "<em>it" not in html and "<em>not bold" not in html
    assert 'href="y"' not in html and 'href="javascript:' not in html


def test_what_a_reader_sees_is_the_taxonomy_text(readme: str) -> None:
    plain = pandoc(readme, "plain")
    heading = f"{HOSTILE_EMOJI} {HOSTILE_TITLE}"
    # the heading, its entry in the contents and its row in the summary table
    assert plain.count(heading) >= 3, [line for line in plain.splitlines() if "Evil" in line]
    assert HOSTILE_DESCRIPTION in plain


def test_the_summary_table_keeps_its_columns(readme: str) -> None:
    html = pandoc(readme, "html")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.DOTALL)
    widths = {len(re.findall(r"<t[hd]\b", row)) for row in rows}
    assert len(rows) >= 2 and widths == {3}, rows  # swatch, section, the one year 2023
    evil_row = next(row for row in rows if "Evil" in row)
    assert "a|b" in evil_row


def test_the_heading_anchor_is_githubs_for_the_text_shown(readme: str) -> None:
    link = re.search(r"\]\(#([^)]*evil[^)]*)\)", readme)
    assert link is not None
    assert link.group(1) == "bb-evil-scriptalert1script-ab-bold-xy--_it_"
