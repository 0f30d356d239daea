"""The bib layer: lossless load/save, located blocks and fields, surgical edits, atomic saves."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from empathy_bib.bib import BibFile, BlockKind, resolve_value
from empathy_bib.bib.scan import scan
from empathy_bib.errors import BibParseError, BibReadError, EditError

SAMPLE = """% a comment line kept as free text
@string{acl = "Association for Computational Linguistics"}
@preamble{"\\newcommand{\\noop}[1]{}"}

@inproceedings{majumder2020mime,
  title = {{MIME}: {MIMicking} Emotions},
  author = {Majumder, Navonil and Poria, Soujanya},
  publisher = acl # { Press},
  year = 2020,
  month = nov,
}

@article{b, title="Quoted {Title}", year={2001}}
@comment{ignored {by} BibTeX}
@MISC{C,
    TITLE = {Upper},
    YEAR  = {2002}
}
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_blocks_are_located_in_order() -> None:
    bib = BibFile.from_text(SAMPLE)
    kinds = [b.kind for b in bib.blocks]
    assert kinds == [
        BlockKind.TEXT,
        BlockKind.STRING,
        BlockKind.PREAMBLE,
        BlockKind.ENTRY,
        BlockKind.ENTRY,
        BlockKind.COMMENT,
        BlockKind.ENTRY,
    ]
    for block in bib.blocks:
        assert bib.text[block.start : block.end] == block.raw
    mime = bib.entry("MAJUMDER2020MIME")  # keys compare case-insensitively, as in BibTeX
    assert mime is not None and mime.entry_type == "inproceedings"
    assert bib.line_of(mime.start) == 5
    title = mime.field("TITLE")
    assert title is not None and bib.line_col(title.name_start) == (6, 3)
    assert title.raw_value == "{{MIME}: {MIMicking} Emotions}"


def test_values_resolve_macros_and_concatenation() -> None:
    bib = BibFile.from_text(SAMPLE)
    mime = bib.entry("majumder2020mime")
    assert mime is not None
    assert bib.value(mime, "publisher") == "Association for Computational Linguistics Press"
    assert bib.value(mime, "month") == "nov"
    assert bib.value(mime, "year") == "2020"
    assert resolve_value("undefinedmacro # {x}", {}).undefined_macros == ("undefinedmacro",)


def test_lookups_follow_the_blocks_after_every_edit() -> None:
    text = "@misc{dup, title={First}}\n@misc{DUP, title={Second}}\n@string{v = {Venue}}\n@misc{z, note=v}\n"
    bib = BibFile.from_text(text)
    first = bib.entry("Dup")  # BibTeX keeps the first of two equal keys; validate reports the second
    assert first is not None and bib.value(first, "title") == "First"
    bib.macros["v"] = "changed by a caller"  # a copy: the file's own definitions stay as they are
    z = bib.entry("z")
    assert z is not None and bib.value(z, "note") == "Venue"
    bib.set_field("z", "doi", "10.1/z")
    bib.append_entry("@misc{late, title={Late}}")
    z, late = bib.entry("z"), bib.entry("LATE")
    assert z is not None and bib.text[z.start : z.end] == z.raw and bib.value(z, "doi") == "10.1/z"
    assert late is not None and bib.text[late.start : late.end] == late.raw


def test_many_edits_apply_in_one_batch_in_any_order() -> None:
    text = "".join(f"@misc{{k{i},\n  title = {{T{i}}},\n}}\n\n" for i in range(300))
    bib = BibFile.from_text(text)
    bib.apply([bib.plan_set_field(f"k{i}", "doi", f"10.1/{i}") for i in reversed(range(300))])
    assert [bib.value(e, "doi") for e in bib.entries] == [f"10.1/{i}" for i in range(300)]


def test_load_and_save_without_edit_is_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "x.bib"
    data = ("\ufeff" + SAMPLE.replace("\n", "\r\n")).encode()
    path.write_bytes(data)
    bib = BibFile.load(path)
    bib.save()
    assert path.read_bytes() == data


def test_insert_follows_the_entry_style() -> None:
    bib = BibFile.from_text(SAMPLE)
    bib.set_field("majumder2020mime", "doi", "10.18653/v1/2020.emnlp-main.721")
    bib.set_field("b", "doi", "10.1/b")
    bib.set_field("C", "doi", "10.1/c")
    assert "  month = nov,\n  doi = {10.18653/v1/2020.emnlp-main.721},\n}" in bib.text
    assert '@article{b, title="Quoted {Title}", year={2001}, doi={10.1/b}}' in bib.text
    # no trailing comma on the last field: the new line goes before it, upper case kept
    assert "    TITLE = {Upper},\n    DOI  = {10.1/c},\n    YEAR  = {2002}\n}" in bib.text
    assert bib.is_complete


def test_insert_changes_exactly_one_line_and_keeps_crlf() -> None:
    text = SAMPLE.replace("\n", "\r\n")
    bib = BibFile.from_text(text)
    bib.set_field("majumder2020mime", "note", "x")
    diff = changed_lines(text, bib.text)
    assert diff == ["+  note = {x},"]
    assert "\r\n  note = {x},\r\n" in bib.text


def test_set_existing_field_replaces_only_its_value() -> None:
    bib = BibFile.from_text(SAMPLE)
    bib.set_field("majumder2020mime", "year", "2021")
    assert changed_lines(SAMPLE, bib.text) == ["-  year = 2020,", "+  year = {2021},"]


def test_remove_field_removes_its_line() -> None:
    bib = BibFile.from_text(SAMPLE)
    bib.remove_field("majumder2020mime", "month")
    assert changed_lines(SAMPLE, bib.text) == ["-  month = nov,"]
    bib.remove_field("b", "year")
    assert '@article{b, title="Quoted {Title}"}' in bib.text


def test_append_entry_adds_a_separated_block() -> None:
    bib = BibFile.from_text(SAMPLE)
    bib.append_entry("@misc{new2025,\n  title = {New},\n}")
    assert bib.text.startswith(SAMPLE)
    assert bib.text[len(SAMPLE) :] == "\n@misc{new2025,\n  title = {New},\n}\n"
    assert bib.entry("new2025") is not None


@pytest.mark.parametrize("value", ["a}b", "{a", "line\nbreak"])
def test_values_that_would_break_the_file_are_refused(value: str) -> None:
    bib = BibFile.from_text(SAMPLE)
    with pytest.raises(EditError):
        bib.set_field("b", "note", value)
    assert bib.text == SAMPLE


def test_unknown_key_is_an_edit_error() -> None:
    with pytest.raises(EditError, match="no entry with key 'nope'"):
        BibFile.from_text(SAMPLE).set_field("nope", "doi", "10.1/x")


def test_incomplete_file_is_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    text = "@article{ok, title = {A}}\n@article{broken, title = {B}\n@article{c, title={C}}\n"
    path.write_text(text)
    bib = BibFile.load(path)
    assert not bib.is_complete
    with pytest.raises(BibParseError):
        bib.set_field("ok", "doi", "10.1/x")
    with pytest.raises(BibParseError):
        bib.save()
    assert path.read_text() == text


def test_save_is_atomic_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "refs.bib"
    path.write_text(SAMPLE)
    os.chmod(path, 0o640)
    bib = BibFile.load(path)
    bib.set_field("b", "doi", "10.1/b")
    bib.save()
    assert (path.stat().st_mode & 0o777) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]  # no temporary file left


def test_read_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(BibReadError, match="no such file"):
        BibFile.load(tmp_path / "missing.bib")
    with pytest.raises(BibReadError, match="directory"):
        BibFile.load(tmp_path)
    bad = tmp_path / "latin1.bib"
    bad.write_bytes(b"@misc{a,\n  author = {M\xfcller}}\n")
    with pytest.raises(BibReadError) as info:
        BibFile.load(bad)
    assert info.value.line == 2 and "byte offset 22" in str(info.value)


def test_byte_offsets_count_utf8_bytes() -> None:
    bib = BibFile.from_text("\ufeff@misc{é,\n  title = {ü}}\n")
    entry = bib.entries[0]
    title = entry.field("title")
    assert title is not None
    assert bib.byte_offset(entry.start) == 3
    assert bib.byte_offset(title.value_start) == len("\ufeff@misc{é,\n  title = ".encode())


# ---------------------------------------------------------------------------- properties

names = st.sampled_from(["title", "author", "year", "note", "journal", "Pages", "URL"])
plain = st.text(
    alphabet=st.characters(blacklist_characters='{}"\\@,=%#\r', blacklist_categories=["Cs"]), max_size=20
)
braced = plain.map(lambda s: "{" + s + "}")
nested = st.tuples(plain, plain, plain).map(lambda t: "{" + t[0] + "{" + t[1] + "}" + t[2] + "}")
quoted = plain.map(lambda s: '"' + s + '"')
values = st.one_of(braced, nested, quoted, st.integers(0, 3000).map(str))
spacing = st.sampled_from([" ", "", "  ", "\t"])


@st.composite
def entries(draw: st.DrawFn, key: str) -> str:
    fields = draw(
        st.lists(st.tuples(names, values, spacing), min_size=1, max_size=5, unique_by=lambda t: t[0].lower())
    )
    indent = draw(st.sampled_from(["  ", "    ", "\t"]))
    trailing = draw(st.booleans())
    one_line = draw(st.booleans())
    sep = " " if one_line else "\n" + indent
    body = ",".join(f"{sep}{n}{s}={s}{v}" for n, v, s in fields)
    end = "," if trailing else ""
    entry_type = draw(st.sampled_from(["article", "misc", "INPROCEEDINGS"]))
    closing = "}" if one_line else "\n}"
    return f"@{entry_type}{{{key},{body}{end}{closing}"


@st.composite
def bib_files(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 4))
    blocks = [draw(entries(f"k{i}")) for i in range(count)]
    gaps = [draw(st.sampled_from(["\n", "\n\n", "\n% note\n", "\r\n"])) for _ in blocks]
    return "".join(b + g for b, g in zip(blocks, gaps, strict=True))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(bib_files())
def test_property_roundtrip_is_identity_and_fast_scanner_agrees(text: str) -> None:
    bib = BibFile.from_text(text)
    assert bib.is_complete
    assert bib.to_bytes() == text.encode()
    reference = BibFile.from_text(text, fast=False)
    assert bib.blocks == reference.blocks


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(bib_files(), st.sampled_from(["doi", "note", "keywords"]))
def test_property_insert_changes_one_line(text: str, name: str) -> None:
    bib = BibFile.from_text(text)
    if bib.entries[0].field(name) is not None:
        return
    bib.set_field("k0", name, "10.1/x")
    assert bib.is_complete
    diff = changed_lines(text, bib.text)
    added = [d for d in diff if d.startswith("+")]
    removed = [d for d in diff if d.startswith("-")]
    # a new line, or (entries written on one line) that one line rewritten
    assert len(added) == 1 and len(removed) <= 1
    entry = bib.entry("k0")
    assert entry is not None and bib.value(entry, name) == "10.1/x"


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(bib_files())
def test_property_edits_on_different_entries_commute(text: str) -> None:
    bib = BibFile.from_text(text)
    if len(bib.entries) < 2:
        return
    first = BibFile.from_text(text)
    first.set_field("k0", "doi", "10.1/a")
    first.set_field("k1", "doi", "10.1/b")
    second = BibFile.from_text(text)
    second.set_field("k1", "doi", "10.1/b")
    second.set_field("k0", "doi", "10.1/a")
    batched = BibFile.from_text(text)
    batched.apply(
        [batched.plan_set_field("k1", "doi", "10.1/b"), batched.plan_set_field("k0", "doi", "10.1/a")]
    )
    assert first.text == second.text == batched.text


@settings(max_examples=200)
@given(st.text(alphabet='@{}()"=,#%\\ \nabcmisc', max_size=80))
def test_property_garbage_never_crashes_and_fast_scanner_agrees(text: str) -> None:
    bib = BibFile.from_text(text)
    assert bib.to_bytes() == text.encode()
    assert all(a.start <= b.start for a, b in zip(bib.blocks, bib.blocks[1:], strict=False))
    _, stop = scan(text)
    # Where they differ by design: a value holding `@type{` at a line start (bibtexparser's
    # splitter cuts the block there, BibTeX and the scanner read one value).
    at_line_start = [m.start(1) for m in re.finditer(r"\n\s*(@\w*[ \t]*[{(])", text)]
    in_a_value = any(b.start < at < b.end for b in bib.entries for at in at_line_start)
    if stop is None and not in_a_value:
        assert bib.blocks == BibFile.from_text(text, fast=False).blocks


def test_a_new_file_gets_0666_minus_the_umask_and_an_old_one_keeps_its_mode(tmp_path: Path) -> None:
    bib = BibFile.from_text("@misc{a, title={A}}\n")
    old = os.umask(0o027)  # this test process only, restored below
    try:
        bib.save(tmp_path / "new.bib")
        (tmp_path / "old.bib").write_text("")
        os.chmod(tmp_path / "old.bib", 0o604)
        bib.save(tmp_path / "old.bib")
    finally:
        os.umask(old)
    assert ((tmp_path / "new.bib").stat().st_mode & 0o777) == 0o640
    assert ((tmp_path / "old.bib").stat().st_mode & 0o777) == 0o604
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.bib", "old.bib"]  # no temporary file
