"""Syntax checks (E1xx): blocks that did not parse, and the mistakes bibtexparser accepts silently.

bibtexparser's splitter, which the bib layer uses, says a block failed and where it gave up
(often at the next `@`, far below the mistake). `locate_failure` re-reads the failed block
with a small tokenizer to point at the field where things went wrong. For blocks that did
parse, `value_problems` catches what the splitter accepts silently: a missing comma (the value
swallows the next `name = ...`), undefined macros, and values that are no BibTeX value at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..bib import MONTH_MACROS, Block, BlockKind, line_number
from ..bib.values import string_value
from ..record import Paper
from ..terminal import CONTROL_CHARACTER
from ..text import group_end
from .context import Context

_HEADER = re.compile(r"@[ \t]*(\w*)[ \t]*([{(])")
_KEY = re.compile(r"[ \t\r\n]*([^,\s={}()\"#]*)[ \t\r\n]*(.?)", re.DOTALL)
_FIELD_NAME = re.compile(r"[ \t\r\n,]*([^\s=,{}\"#()]+)[ \t\r\n]*=[ \t\r\n]*")
# A line that starts a new field: what a value crossing it most likely swallowed.
_FIELD_LINE = re.compile(r"\n[ \t]*([A-Za-z][\w:.+-]*)[ \t]*=[ \t]*[{\"\w]")
_SWALLOWED = re.compile(r"\s+([A-Za-z][\w:.+-]*)\s*=")
_BARE = re.compile(r"[^\s,#{}\"=()]+")
_NUMBER = re.compile(r"\d+")
_LOOKS_LIKE_BIBTEX = re.compile(r"[={}]")
# C0 controls but tab and line breaks (`\r` ends lines in some files), DEL, C1 controls.
_CONTROLS = [chr(c) for c in range(0xA0) if CONTROL_CHARACTER.match(chr(c))]
_ASCII_CONTROLS = [c for c in _CONTROLS if c.isascii()]
_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x0c": "FF", "\x1b": "ESC", "\x7f": "DEL"}


@dataclass(frozen=True)
class Finding:
    code: str
    offset: int  # absolute character offset in the file
    message: str


def check(ctx: Context) -> None:
    papers = iter(ctx.papers)  # one per ENTRY block, in the same order
    previous_failed = False
    defined = dict(MONTH_MACROS)  # the macros an @string may use: those defined before it
    for block in ctx.bib.blocks:
        if block.kind is BlockKind.FAILED:
            finding = locate_failure(ctx.bib.text, block)
            ctx.report(finding.code, finding.offset, finding.message)
        elif block.kind is BlockKind.ENTRY:
            _check_entry(ctx, next(papers))
        elif block.kind is BlockKind.STRING and block.key:
            _check_string(ctx, block, defined)
            defined[block.key.strip().lower()] = ""
        elif block.kind is BlockKind.TEXT and not previous_failed:
            _check_text(ctx, block)
        previous_failed = block.kind is BlockKind.FAILED
    if _has_control_character(ctx.bib.text):  # rare: the fields are searched only then
        _check_control_characters(ctx)


def _has_control_character(text: str) -> bool:
    """`CONTROL_CHARACTER.search(text)`, as one fast substring search per control character (the
    character class scans the whole text much slower); an ASCII text has no C1 control."""
    return any(c in text for c in (_ASCII_CONTROLS if text.isascii() else _CONTROLS))


# ---------------------------------------------------------------------- parsed entries


def _check_entry(ctx: Context, paper: Paper) -> None:
    entry = paper.block
    if not (entry.key or "").strip():
        ctx.report("E105", entry.start, f"@{entry.entry_type} entry has no citation key")
    if len(paper.spans) != len(entry.fields):
        _duplicate_fields(ctx, entry)
    # Only values that are not plain (`bib.plain_value`) can have a problem: found while
    # building the paper, so most entries have none to re-read.
    for f in paper.irregular:
        for finding in value_problems(f.raw_value, f.value_start, ctx.macros):
            message = finding.message.replace("{field}", f"'{f.name}'")
            ctx.report(finding.code, finding.offset, message, entry.key)


def _check_control_characters(ctx: Context) -> None:
    """E111 at the first control character of each key and field value."""
    for entry in ctx.bib.entries:
        found = CONTROL_CHARACTER.search(entry.key or "")
        if found:  # render would copy it into README.md, the page and bib/ as it is
            ctx.report("E111", entry.start, f"the key contains {_control(found.group())}", entry.key)
        for f in entry.fields:
            found = CONTROL_CHARACTER.search(f.raw_value)
            if found:
                message = f"field '{f.name}' contains {_control(found.group())}"
                ctx.report("E111", f.value_start + found.start(), message, entry.key)


def _control(char: str) -> str:
    return f"the control character \\x{ord(char):02x} ({_CONTROL_NAMES.get(char, f'U+{ord(char):04X}')})"


def _check_string(ctx: Context, block: Block, defined: dict[str, str]) -> None:
    """An @string's value, as an entry's: BibTeX expands an undefined macro in it to nothing."""
    raw = string_value(block.raw)
    if not raw:
        return
    start = block.start + block.raw.index(raw, block.raw.find("=") + 1)
    for finding in value_problems(raw, start, defined):
        ctx.report(finding.code, finding.offset, finding.message.replace("{field}", f"@string {block.key}"))


def _duplicate_fields(ctx: Context, entry: Block) -> None:
    seen: dict[str, int] = {}
    for f in entry.fields:
        if f.key in seen:
            first = ctx.where(seen[f.key])
            message = f"field '{f.name}' appears twice (first at {first}); BibTeX keeps only one"
            ctx.report("E108", f.name_start, message, entry.key)
        else:
            seen[f.key] = f.name_start


def _check_text(ctx: Context, block: Block) -> None:
    """Free text between blocks is ignored by BibTeX: fine for notes, a loss for a stray field."""
    for line_start, line in _lines(block.raw, block.start):
        stripped = line.strip()
        if stripped and not stripped.startswith("%") and _LOOKS_LIKE_BIBTEX.search(stripped):
            shown = stripped if len(stripped) <= 40 else stripped[:37] + "..."
            ctx.report(
                "W106", line_start + len(line) - len(line.lstrip()), f"text outside any entry: {shown!r}"
            )
            return  # one finding per stretch of text


def _lines(raw: str, start: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    offset = start
    for line in raw.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def value_problems(raw: str, start: int, macros: dict[str, str]) -> list[Finding]:
    """What is wrong with a field's raw value (`start` is its offset in the file).

    A value is a `#`-joined sequence of `{...}`, `"..."`, numbers and macro names. Messages
    contain `{field}`, replaced by the caller with the field's name.
    """
    findings: list[Finding] = []
    pos = 0
    while True:
        pos = _skip_space(raw, pos)
        token_end = _token_end(raw, pos)
        if token_end is None:
            findings.append(Finding("E110", start + pos, "value of {field} is not a valid BibTeX value"))
            return findings
        token = raw[pos:token_end]
        if token[0] not in '{"' and not _NUMBER.fullmatch(token) and token.lower() not in macros:
            findings.append(
                Finding(
                    "E107",
                    start + pos,
                    f"undefined macro '{token}' in {{field}} (no @string defines it; "
                    f"did you mean {{{token}}}?)",
                )
            )
        pos = _skip_space(raw, token_end)
        if pos >= len(raw):
            return findings
        if raw[pos] == "#":
            pos += 1
            continue
        swallowed = _SWALLOWED.match(raw, token_end)
        if swallowed:
            findings.append(
                Finding(
                    "E102",
                    start + swallowed.start(1),
                    f"missing comma before field '{swallowed.group(1)}': the value of {{field}} swallowed it",
                )
            )
        else:
            findings.append(Finding("E110", start + pos, "unexpected text after the value of {field}"))
        return findings


def _skip_space(raw: str, pos: int) -> int:
    while pos < len(raw) and raw[pos].isspace():
        pos += 1
    return pos


def _token_end(raw: str, pos: int) -> int | None:
    """The end of the value token at `pos`: a brace group, a quoted string or a bare word."""
    if pos >= len(raw):
        return None
    if raw[pos] == "{":
        return group_end(raw, pos, "{")
    if raw[pos] == '"':
        return group_end(raw, pos, '"')
    m = _BARE.match(raw, pos)
    return m.end() if m else None


# ---------------------------------------------------------------------- failed blocks


def locate_failure(text: str, block: Block) -> Finding:
    """Where and why a block failed to parse, as precisely as a re-read can tell."""
    line_of_block = line_number(text, block.start)
    where = f"in the block starting at line {line_of_block}"
    header = _HEADER.match(text, block.start, block.end)
    if header is None:
        return Finding("E101", block.start, f"cannot parse {where}: {block.error or 'malformed block'}")
    kind = header.group(1).lower()
    if kind in ("comment", "preamble", "string"):
        return _locate_in_group(text, block, header.end() - 1, where)
    key = _KEY.match(text, header.end(), block.end)
    assert key is not None  # the pattern matches the empty string
    if key.group(2) in ("=", "") or (not key.group(1) and key.group(2) == ","):
        return Finding("E105", header.start(), f"@{kind} entry has no citation key ({where})")
    if key.group(2) != ",":
        return _generic(block, where)
    return _locate_in_fields(text, block, key.end(), where) or _generic(block, where)


def _generic(block: Block, where: str) -> Finding:
    offset = block.error_offset if block.error_offset is not None else block.start
    return Finding("E101", offset, f"cannot parse {where}: {block.error or 'malformed entry'}")


def _locate_in_group(text: str, block: Block, open_at: int, where: str) -> Finding:
    if text[open_at] == "{" and group_end(text, open_at, "{", block.end) is None:
        return Finding("E103", open_at, f"unbalanced braces: this brace never closes ({where})")
    return _generic(block, where)


def _locate_in_fields(text: str, block: Block, pos: int, where: str) -> Finding | None:
    """Walk `name = value, ...` until something breaks; None when the walk finds nothing wrong."""
    while True:
        name = _FIELD_NAME.match(text, pos, block.end)
        if name is None:
            rest = _skip_blanks_and_commas(text, pos, block.end)
            if rest >= block.end or text[rest] in "})":
                return None
            return Finding("E101", rest, f"expected a field name (`name = value`) {where}")
        field_name = name.group(1)
        pos = name.end()
        while True:
            value_end, finding = _value_end(text, pos, block.end, field_name, where)
            if finding is not None:
                return finding
            pos = _skip_blanks(text, value_end, block.end)
            if pos < block.end and text[pos] == "#":
                pos = _skip_blanks(text, pos + 1, block.end)
                continue
            break
        if pos >= block.end:
            return Finding("E101", block.end, f"the entry is not closed after field '{field_name}' ({where})")
        if text[pos] in "})":
            return None
        if text[pos] != ",":
            swallowed = _SWALLOWED.match(text, value_end, block.end)
            if swallowed:
                return Finding(
                    "E102",
                    swallowed.start(1),
                    f"missing comma before field '{swallowed.group(1)}' (after '{field_name}', {where})",
                )
            return Finding("E101", pos, f"expected ',' or the end of the entry after field '{field_name}'")
        pos += 1


def _value_end(text: str, pos: int, end: int, field_name: str, where: str) -> tuple[int, Finding | None]:
    if pos >= end:
        return pos, Finding("E101", pos, f"field '{field_name}' has no value ({where})")
    opener = text[pos]
    if opener in '{"':
        crossing = _crossed_field(text, pos, end, opener)
        if crossing is not None:
            return pos, crossing_finding(opener, pos, field_name, crossing, text, where)
        close = group_end(text, pos, opener, end)
        if close is None:
            code, what = ("E103", "brace") if opener == "{" else ("E104", "quote")
            return pos, Finding(code, pos, f"the {what} opening the value of '{field_name}' never closes")
        return close, None
    bare = _BARE.match(text, pos, end)
    if bare is None:
        return pos, Finding("E110", pos, f"field '{field_name}' has no valid value ({where})")
    return bare.end(), None


def _crossed_field(text: str, pos: int, end: int, opener: str) -> re.Match[str] | None:
    """The first `name = ...` line a still-open value runs into, if it runs into one."""
    close = group_end(text, pos, opener, end)
    stop = close if close is not None else end
    for line in _FIELD_LINE.finditer(text, pos, stop):
        if group_end(text, pos, opener, line.start()) is None:
            return line
    return None


def crossing_finding(
    opener: str, pos: int, field_name: str, crossing: re.Match[str], text: str, where: str
) -> Finding:
    line = line_number(text, crossing.start() + 1)
    if opener == "{":
        return Finding(
            "E103",
            pos,
            f"unbalanced braces: the value of '{field_name}' is still open when field "
            f"'{crossing.group(1)}' starts on line {line} ({where})",
        )
    return Finding(
        "E104",
        pos,
        f"unterminated quote: the value of '{field_name}' is still open when field "
        f"'{crossing.group(1)}' starts on line {line} ({where})",
    )


def _skip_blanks(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def _skip_blanks_and_commas(text: str, pos: int, end: int) -> int:
    while pos < end and (text[pos].isspace() or text[pos] == ","):
        pos += 1
    return pos
