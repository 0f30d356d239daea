"""Real inputs and faults through `render`, `cite`, `add` and `fetch-dois`, as users meet them."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from empathy_bib.cli import main

ACCENTED = (
    "@misc{mueller2020,\n"
    "  title = {M\\\"{u}ller and Caf\\'{e} \\c{c}a, {NLP}},\n"
    '  author = {M\\"{u}ller, J\\"{o}rg},\n'
    "  year = {2020},\n"
    "  keywords = {datasets},\n"
    "}\n"
)


def test_cite_decodes_an_accent_whose_letter_is_in_braces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `M\"{u}ller` is how Google Scholar writes umlauts; its braces are the accent's argument.
    bib = tmp_path / "accents.bib"
    bib.write_text(ACCENTED, encoding="utf-8")
    assert main(["cite", "mueller2020", "--bib", str(bib), "--format", "text"]) == 0
    text = capsys.readouterr().out
    assert "Müller and café ça, NLP" in text
    assert main(["cite", "mueller2020", "--bib", str(bib), "--format", "csl-json"]) == 0
    title = json.loads(capsys.readouterr().out)[0]["title"]
    assert title == 'Müller and café ça, <span class="nocase">NLP</span>'
    assert not any(unicodedata.combining(ch) for ch in text + title)
