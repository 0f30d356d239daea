"""Every real-world file of ../shared/corpus that parses: byte-identical round trip, one-line inserts."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.errors import BibParseError, BibReadError

from .conftest import corpus_files

pytestmark = pytest.mark.corpus


def load(path: Path) -> BibFile | None:
    """The file, or None when it is not UTF-8 (then the error must say where)."""
    try:
        return BibFile.load(path)
    except BibReadError as error:
        assert error.line is not None and "byte offset" in str(error)
        return None


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_roundtrip_is_byte_identical(path: Path, corpus_dir: Path) -> None:
    bib = load(path)
    assert bib is None or bib.to_bytes() == path.read_bytes()


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_fast_scanner_agrees_with_bibtexparser(path: Path, corpus_dir: Path) -> None:
    bib = load(path)
    if bib is not None:
        text = path.read_bytes().decode("utf-8")
        assert bib.blocks == BibFile.from_text(text, fast=False).blocks


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_insert_into_first_entry_changes_only_that_line(path: Path, corpus_dir: Path) -> None:
    bib = load(path)
    if bib is None or not bib.entries:
        return  # nothing to insert into
    before = bib.text
    if not bib.is_complete:  # a file that did not parse completely is never rewritten
        with pytest.raises(BibParseError):
            bib.set_field(bib.entries[0].key or "", "zzinserted", "10.1234/x")
        assert bib.text == before
        return
    entry = bib.entries[0]
    if entry.field("zzinserted") is not None:
        pytest.skip("field already present")
    assert entry.key is not None
    bib.set_field(entry.key, "zzinserted", "10.1234/x")
    diff = [
        line
        for line in difflib.unified_diff(before.splitlines(), bib.text.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    added = [d for d in diff if d.startswith("+")]
    removed = [d for d in diff if d.startswith("-")]
    assert len(added) == 1 and "zzinserted" in added[0].lower()
    # entries written on one line have that line rewritten; otherwise nothing is removed
    assert len(removed) <= 1
    if removed:
        assert added[0].lower().replace("zzinserted", "").count(",") >= 1
    edited = bib.entry(entry.key)
    assert edited is not None and bib.value(edited, "zzinserted") == "10.1234/x"
    assert len(bib.entries) == len(BibFile.from_text(before).entries)
