"""pandoc, the reference implementation, reads our CSL-JSON and formats it as `cite` does.

Both format `bib/references.json` with the same .csl for every entry of the list. Normalised
before comparing: whitespace, IEEE's "[n]" labels, and three known citeproc-py differences:
it does not move `,`/`.` inside closing quotes (en-US `punctuation-in-quote`), it prints IEEE's
"[Online]." before "Available:", and it never adds year suffixes ("2025a") for same-author-year
entries (pandoc disambiguates across the whole list). `KNOWN_DIFFERENCES` lists entries where
citeproc-py is wrong and pandoc right.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of
from empathy_bib.render.cite import format_references, style_path

from .conftest import require_tool

ROOT = Path(__file__).resolve().parent.parent
CSL_JSON = ROOT / "bib" / "references.json"
pytestmark = pytest.mark.pandoc

# citeproc-py 0.11 initialises the lower-case hyphenated given name "Jen-tse" as "J.-. tse ."
KNOWN_DIFFERENCES = {("apa", "huang2024apathetic"), ("ieee", "huang2024apathetic")}


def normalise(text: str) -> str:
    text = re.sub(r"^\[\d+\]\s*", "", text.strip())
    text = re.sub(r"\s+", " ", text).replace("'", "’")
    text = re.sub(r"”([,.])", r"\1”", text)
    text = text.replace("[Online]. ", "")
    return re.sub(r"\b((?:19|20)\d\d)[a-z]\.", r"\1.", text)


def pandoc_bibliography(pandoc: str, csl: Path, tmp_path: Path) -> list[str]:
    doc = tmp_path / "nocite.md"
    doc.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
    result = subprocess.run(
        [
            pandoc,
            str(doc),
            "--citeproc",
            f"--csl={csl}",
            f"--bibliography={CSL_JSON}",
            "-t",
            "plain",
            "--wrap=none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return [normalise(e) for e in result.stdout.strip().split("\n\n")]


def test_pandoc_reads_the_csl_json() -> None:
    pandoc = require_tool("pandoc")
    result = subprocess.run(
        [pandoc, "-f", "csljson", "-t", "csljson", str(CSL_JSON)], capture_output=True, text=True, check=True
    )
    assert len(json.loads(result.stdout)) == len(BibFile.load(ROOT / "references.bib").entries)


@pytest.mark.parametrize("style", ["apa", "ieee", "acl"])
def test_cite_agrees_with_pandoc(style: str, tmp_path: Path) -> None:
    pandoc = require_tool("pandoc")
    expected = pandoc_bibliography(pandoc, style_path(style), tmp_path)
    papers = list(papers_of(BibFile.load(ROOT / "references.bib")))
    assert len(expected) == len(papers)
    unmatched = []
    for paper in papers:
        (ours,) = format_references([paper], style, "text")
        if normalise(ours) not in expected and (style, paper.key) not in KNOWN_DIFFERENCES:
            unmatched.append(f"{paper.key}: {normalise(ours)}")
    assert not unmatched, "\n".join(unmatched)
