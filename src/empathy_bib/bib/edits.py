"""Surgical edits: each edit is a `Splice` of the few characters it must change.

Plans are computed on the current text and applied all at once by `splice_text`, so any number of
edits costs one pass over the text (the caller re-splits once afterwards).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import EditError
from .scan import FieldSpan
from .split import Block, skip_blanks


@dataclass(frozen=True)
class Splice:
    """Replace text[start:end] with `text`. An insertion has start == end."""

    start: int
    end: int
    text: str


def splice_text(text: str, splices: Sequence[Splice], path: Path | None = None) -> str:
    """`text` with every splice applied; `EditError` when two overlap or one is out of range."""
    ordered = sorted(range(len(splices)), key=lambda i: (splices[i].start, i))
    pieces: list[str] = []
    cursor = 0
    for i in ordered:
        s = splices[i]
        if s.start < cursor or s.end < s.start or s.end > len(text):
            raise EditError("overlapping or out-of-range edits", path=path)
        pieces.append(text[cursor : s.start])
        pieces.append(s.text)
        cursor = s.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def plan_set_field(
    text: str, entry: Block, name: str, value: str, newline: str, path: Path | None = None
) -> Splice:
    """The splice that sets `name = {value}` in `entry`, inserting the field if absent."""
    check_value(value)
    existing = [f for f in entry.fields if f.key == name.lower()]
    if len(existing) > 1:
        raise EditError(f"entry '{entry.key}' has field '{name}' more than once", path=path)
    if existing:
        f = existing[0]
        return Splice(f.value_start, f.value_end, "{" + value + "}")
    return _plan_insert(text, entry, name, value, newline)


def plan_remove_field(text: str, entry: Block, name: str, path: Path | None = None) -> Splice:
    """The splice that removes field `name` from `entry`, with its line when it has one alone."""
    f = entry.field(name)
    if f is None:
        raise EditError(f"entry '{entry.key}' has no field '{name}'", path=path)
    return _plan_remove(text, entry, f)


def plan_append(text: str, entry_text: str, newline: str) -> Splice:
    """The splice that appends an entry at the end, separated like a blank line."""
    body = entry_text.strip("\n").replace("\r\n", "\n").replace("\n", newline) + newline
    end = len(text)
    if not text:
        return Splice(end, end, body)
    if text.endswith(newline + newline) or text.endswith("\n\n"):
        sep = ""
    elif text.endswith("\n"):
        sep = newline
    else:
        sep = newline + newline
    return Splice(end, end, sep + body)


def check_value(value: str) -> None:
    """A value we write must keep the file parseable: balanced braces, one line."""
    if "\n" in value or "\r" in value:
        raise EditError("a field value must not contain line breaks")
    depth = 0
    for i, ch in enumerate(value):
        if ch == "{" and (i == 0 or value[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or value[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        raise EditError(f"unbalanced braces in value {value!r}")


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _only_blanks_before(text: str, offset: int) -> bool:
    return text[_line_start(text, offset) : offset].strip() == ""


def _plan_insert(text: str, entry: Block, name: str, value: str, nl: str) -> Splice:
    name = name.upper() if all(f.name.isupper() for f in entry.fields) and entry.fields else name.lower()
    if not entry.fields:
        return _plan_insert_into_empty(text, entry, name, value)
    last = entry.fields[-1]
    equals = text[last.name_end : last.value_start]
    if "\n" in equals or "=" not in equals:
        equals = " = "
    assignment = f"{name}{equals}{{{value}}}"
    after_value = skip_blanks(text, last.value_end)
    has_comma = after_value < len(text) and text[after_value] == ","
    if _only_blanks_before(text, last.name_start):
        indent = text[_line_start(text, last.name_start) : last.name_start]
        if has_comma:
            line_end = text.find("\n", after_value)
            if line_end != -1 and text[after_value + 1 : line_end].strip() in ("", "\r"):
                return Splice(line_end + 1, line_end + 1, f"{indent}{assignment},{nl}")
            return Splice(after_value + 1, after_value + 1, f" {assignment},")
        start = _line_start(text, last.name_start)
        return Splice(start, start, f"{indent}{assignment},{nl}")
    if has_comma:
        return Splice(after_value + 1, after_value + 1, f" {assignment},")
    return Splice(last.value_end, last.value_end, f", {assignment}")


def _plan_insert_into_empty(text: str, entry: Block, name: str, value: str) -> Splice:
    close = entry.end - 1  # the closing delimiter
    head = text[entry.start : close]
    sep = " " if head.rstrip().endswith(",") else ", "
    at = entry.start + len(head.rstrip())
    return Splice(at, at, f"{sep}{name} = {{{value}}}")


def _plan_remove(text: str, entry: Block, f: FieldSpan) -> Splice:
    after_value = skip_blanks(text, f.value_end)
    has_comma = after_value < len(text) and text[after_value] == ","
    end = after_value + 1 if has_comma else f.value_end
    line_end = text.find("\n", end)
    rest_of_line = text[end:line_end] if line_end != -1 else ""
    if _only_blanks_before(text, f.name_start) and rest_of_line.strip() == "" and line_end != -1:
        return Splice(_line_start(text, f.name_start), line_end + 1, "")
    if has_comma:
        return Splice(f.name_start, skip_blanks(text, end), "")
    index = entry.fields.index(f)
    if index > 0:  # last field without comma: drop the comma before it instead
        prev = entry.fields[index - 1]
        return Splice(prev.value_end, f.value_end, "")
    return Splice(f.name_start, f.value_end, "")
