"""A fast scanner for well-formed BibTeX, exact to bibtexparser 2.x's splitter on what it accepts.

Why this exists: on 10,000 entries bibtexparser's splitter alone takes about 0.8 s (it steps
through every brace, quote, comma and newline in Python), longer than `bibtool -d` needs for the
whole job, so `validate` could never beat it on top of the splitter. Here whole field values are
matched by compiled regular expressions, which is several times faster.

It is deliberately partial: the moment a block is unusual (a `(`-delimited block, a brace depth
beyond the pattern's, a syntax error, an `@` at a line start outside braces) it stops there
and says where, and the caller hands that block to bibtexparser's splitter (`split.py`), then
goes on with this scanner after it. Tests check both agree on the whole corpus.

Where the two differ, this scanner reads as BibTeX and biber do: a value whose braces balance is
one value, whatever it holds, so an abstract that quotes `@inproceedings{...}` at the start of a
line, inside its braces, is text. bibtexparser's splitter instead stops a block at any `@type{`
that starts a line, which recovers from an unclosed quote but splits such a value into a failed
block and a phantom entry. An `@` at a line start in a quoted value outside any braces is such
an unclosed quote far more often than text: that block goes to bibtexparser.

Semantics mirrored from bibtexparser's splitter: a block starts at any `@word{` outside a block;
a brace, quote, comma or `=` right after a backslash is an ordinary character; inside a quoted
value braces do not count and `{"}` is a literal quote; inside braces quotes do not count.
"""

from __future__ import annotations

import re
import sys
from typing import NamedTuple


class FieldSpan(NamedTuple):
    """One `name = value` pair of an entry, located in the file's text."""

    name: str  # as written in the file
    name_start: int
    name_end: int
    value_start: int  # the raw value, delimiters included, surrounding blanks excluded
    value_end: int
    raw_value: str

    @property
    def key(self) -> str:
        """The field name as BibTeX sees it: case-insensitive."""
        return self.name.lower()


class ScannedBlock(NamedTuple):
    kind: str  # "entry", "string", "preamble", "comment", "text"
    start: int
    end: int
    key: str | None
    entry_type: str | None
    fields: tuple[FieldSpan, ...]


_new_tuple = tuple.__new__
_BLOCK_START = re.compile(r"@(\w*)[ \t]*(?=[{(])")
_AT_LINE_START = re.compile(r"\n\s*@")


# Runs of ordinary characters are matched possessively where Python supports it (3.11+), so a
# failing match cannot backtrack through every way of splitting a run; on 3.10 one character
# per step keeps the same language at lower speed.
_RUN = "++" if sys.version_info >= (3, 11) else ""


def _plain(marks: str) -> str:
    """Ordinary characters: anything but `marks` and backslash, or backslash + a mark (escaped)."""
    return f"[^{marks}\\\\]{_RUN}|\\\\[{marks}]?"


def _braced(depth: int) -> str:
    """A balanced `{...}` group nested up to `depth` levels; escaped braces are plain characters."""
    pattern = r"\{(?:" + _plain("{}") + r")*\}"
    for _ in range(depth - 1):
        pattern = r"\{(?:" + _plain("{}") + "|" + pattern + r")*\}"
    return pattern


_BRACED = _braced(8)
# In quotes braces do not count; a quote ends the string unless escaped or written `{"}`.
_QUOTED = '"(?:' + _plain('"{') + r'|\{"(?=\})|\{)*"'
# A field value: ordinary characters, brace groups and quoted strings, up to a top-level comma
# or closing brace.
_VALUE = re.compile("(?:" + _plain('{}",') + "|" + _BRACED + "|" + _QUOTED + ")*")
_NAME = re.compile("(?:" + _plain('{}",=') + ")*")
# The usual field, `name = value,` with a one-word name, in one match: a fast path through the
# general loop below, which handles whatever this does not match (names with blanks or escapes).
_FIELD = re.compile(r'\s*(?P<name>[^\s{}",=\\@]+)\s*=\s*(?P<value>' + _VALUE.pattern + r")(?P<mark>[,}])")
_CLOSING = re.compile("(?:" + _plain("{}") + "|" + _BRACED + r")*\}")
_BLANKS = re.compile(r"\s*")


def scan(text: str, start: int = 0) -> tuple[list[ScannedBlock], int | None]:
    """The blocks of `text` from `start` on, up to the first block this scanner cannot read.

    Returns the blocks and where that block starts (None when it read to the end); the text
    before that block is among the blocks, as free text.
    """
    blocks: list[ScannedBlock] = []
    cursor = for_text_from = start
    while True:
        m = _BLOCK_START.search(text, cursor)
        if m is None:
            break
        _add_text(blocks, text, for_text_from, m.start())
        # `(`-delimited blocks are rare: left to bibtexparser
        block = _scan_block(text, m) if text[m.end()] == "{" else None
        if block is None:
            return blocks, m.start()
        blocks.append(block)
        cursor = for_text_from = block.end
    _add_text(blocks, text, for_text_from, len(text))
    return blocks, None


def _add_text(blocks: list[ScannedBlock], text: str, start: int, end: int) -> None:
    """Free text between blocks, trimmed as bibtexparser trims it; nothing if blank."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    begin = start + len(chunk) - len(chunk.lstrip())
    blocks.append(ScannedBlock("text", begin, begin + len(stripped), None, None, ()))


def _scan_block(text: str, m: re.Match[str]) -> ScannedBlock | None:
    kind = m.group(1).lower()
    body_start = m.end() + 1  # after `{`
    if kind in ("comment", "preamble", "string"):
        close = _CLOSING.match(text, body_start)
        if close is None:
            return None
        end = close.end()
        if _AT_LINE_START.search(text, m.start(), end - 1):
            return None
        if kind == "string":
            equals = text.find("=", body_start, end)
            if equals < 0 or _NAME.match(text, body_start).end() != equals:  # type: ignore[union-attr]
                return None
            return ScannedBlock("string", m.start(), end, text[body_start:equals].strip(), None, ())
        return ScannedBlock(kind, m.start(), end, None, None, ())
    return _scan_entry(text, m, body_start)


def _scan_entry(text: str, m: re.Match[str], body_start: int) -> ScannedBlock | None:
    key_end = _NAME.match(text, body_start).end()  # type: ignore[union-attr]
    if key_end >= len(text):
        return None
    key = text[body_start:key_end].strip()
    if "@" in key:
        return None  # bibtexparser may see a block start there
    mark = text[key_end]
    if mark == "}":
        return _entry(text, m, key, (), key_end + 1)
    if mark != ",":
        return None
    fields: list[FieldSpan] = []
    pos = key_end + 1
    match_field = _FIELD.match
    while True:
        quick = match_field(text, pos)
        if quick is not None:
            # The hot loop of every command: one group() call, no NamedTuple.__new__ frame.
            name, raw_value, mark = quick.group(1, 2, 3)
            value = raw_value.rstrip()
            name_start = quick.start(1)
            value_start = quick.start(2)
            span = (name, name_start, name_start + len(name), value_start, value_start + len(value), value)
            fields.append(_new_tuple(FieldSpan, span))
            pos = quick.end()
            if mark == "}":
                return _entry(text, m, key, tuple(fields), pos)
            continue
        name_end = _NAME.match(text, pos).end()  # type: ignore[union-attr]
        if name_end >= len(text):
            return None
        mark = text[name_end]
        if mark == "}":
            if text[pos:name_end].strip():
                return None  # a name without `=`: a syntax error
            return _entry(text, m, key, tuple(fields), name_end + 1)
        if mark != "=":
            return None
        raw_name = text[pos:name_end]
        name = raw_name.strip()
        if "@" in name:
            return None
        name_start = pos + (len(raw_name) - len(raw_name.lstrip()))
        value_end = _VALUE.match(text, name_end + 1).end()  # type: ignore[union-attr]
        if value_end >= len(text):
            return None
        raw_value = text[name_end + 1 : value_end]
        value_start = name_end + 1 + (len(raw_value) - len(raw_value.lstrip()))
        value = raw_value.strip()
        fields.append(
            FieldSpan(name, name_start, name_start + len(name), value_start, value_start + len(value), value)
        )
        if text[value_end] == "}":
            return _entry(text, m, key, tuple(fields), value_end + 1)
        pos = value_end + 1  # after the comma


def _entry(
    text: str, m: re.Match[str], key: str, fields: tuple[FieldSpan, ...], end: int
) -> ScannedBlock | None:
    for at in _AT_LINE_START.finditer(text, m.start(), end):
        if not _inside_braces(fields, at.end() - 1):
            return None  # most likely an unclosed quote ran into the next entry: let bibtexparser say so
    return ScannedBlock("entry", m.start(), end, key, m.group(1).lower(), fields)


_BRACE = re.compile(r"(?<!\\)[{}]")


def _inside_braces(fields: tuple[FieldSpan, ...], offset: int) -> bool:
    """Whether `offset` lies inside a brace group of a field's value: text, as BibTeX reads it.

    (An `@` outside the values, in the key or a field name, made the scan stop already.)
    """
    for f in fields:
        if f.value_start < offset < f.value_end:
            braces = _BRACE.findall(f.raw_value, 0, offset - f.value_start)
            return braces.count("{") > braces.count("}")
    return False
