"""Surgical edits: each edit is a `Splice` of the few characters it must change.

Plans are computed on the current text and applied all at once by `splice_text`, so any number of
edits costs one pass over the text (the caller re-splits once afterwards).

A splice also says what it means (`intent`: set, remove or append), so that `rebase` can plan it
again on a text someone else changed meanwhile, by entry key and field, or refuse when that
entry or field changed too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import EditError
from .scan import FieldSpan
from .split import Block, BlockKind, skip_blanks


@dataclass(frozen=True)
class SetField:
    key: str
    name: str
    value: str
    bare: bool = False  # written without braces: a macro (`month = jul`) or a number


@dataclass(frozen=True)
class RemoveField:
    key: str
    name: str


@dataclass(frozen=True)
class Append:
    entry_text: str


@dataclass(frozen=True)
class Splice:
    """Replace text[start:end] with `text`. An insertion has start == end."""

    start: int
    end: int
    text: str
    intent: SetField | RemoveField | Append | None = None  # None: a value replaced in place, or raw


class ConflictError(EditError):
    """An edit cannot be planned again on a text that changed: the same entry or field changed."""


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
    text: str,
    entry: Block,
    name: str,
    value: str,
    newline: str,
    path: Path | None = None,
    *,
    after: str | None = None,
    bare: bool = False,
) -> Splice:
    """The splice that sets `name = {value}` in `entry`, inserting the field if absent: after
    field `after` when the entry has it (keeping the list's field order), else after the last.
    `bare`: `name = value`, for a month macro or a number (nothing else is accepted)."""
    check_value(value)
    if bare and not _BARE_VALUE.fullmatch(value):
        raise EditError(f"{value!r} cannot be written without braces", path=path)
    existing = [f for f in entry.fields if f.key == name.lower()]
    if len(existing) > 1:
        raise EditError(f"entry '{entry.key}' has field '{name}' more than once", path=path)
    intent = SetField(entry.key or "", name, value, bare)
    written = value if bare else "{" + value + "}"
    if existing:
        f = existing[0]
        return Splice(f.value_start, f.value_end, written, intent)
    anchor = entry.field(after) if after else None
    splice = _plan_insert(text, entry, name, written, newline, anchor)
    return Splice(splice.start, splice.end, splice.text, intent)


def plan_remove_field(text: str, entry: Block, name: str, path: Path | None = None) -> Splice:
    """The splice that removes field `name` from `entry`, with its line when it has one alone."""
    f = entry.field(name)
    if f is None:
        raise EditError(f"entry '{entry.key}' has no field '{name}'", path=path)
    splice = _plan_remove(text, entry, f)
    return Splice(splice.start, splice.end, splice.text, RemoveField(entry.key or "", name))


def plan_append(text: str, entry_text: str, newline: str) -> Splice:
    """The splice that appends an entry at the end, separated like a blank line."""
    body = entry_text.strip("\n").replace("\r\n", "\n").replace("\n", newline) + newline
    end = len(text)
    intent = Append(entry_text)
    if not text:
        return Splice(end, end, body, intent)
    before_last_break = _without_final_line_break(text)
    if before_last_break is None:
        sep = newline + newline
    elif _without_final_line_break(before_last_break) is None:
        sep = newline
    else:  # it ends with a blank line already
        sep = ""
    return Splice(end, end, sep + body, intent)


def _without_final_line_break(text: str) -> str | None:
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith(("\n", "\r")):
        return text[:-1]
    return None


# BibTeX's global-string-size: a longer value is cut short with a warning (no registry's title,
# author list or venue comes near it; a 5 MB "title" is a broken answer, not a value to write).
LONGEST_VALUE = 200_000


def check_value(value: str) -> None:
    """A value we write must keep the file parseable: balanced braces, one line."""
    if "\n" in value or "\r" in value:
        raise EditError("a field value must not contain line breaks")
    if len(value) > LONGEST_VALUE:
        raise EditError(f"a field value of {len(value)} characters (BibTeX keeps {LONGEST_VALUE})")
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
    """Where the line holding `offset` starts; `\r\n`, `\n` and a lone `\r` end lines."""
    lf = text.rfind("\n", 0, offset)
    return max(lf, text.rfind("\r", lf + 1, offset)) + 1  # the `\r` search stays within the line


_EOL = re.compile(r"\r\n?|\n")
_BARE_VALUE = re.compile(r"[A-Za-z][A-Za-z0-9_.:-]*|[0-9]+")


def _line_end(text: str, offset: int) -> tuple[int, int] | None:
    """Where the line ending at or after `offset` starts and ends; None on the last line."""
    m = _EOL.search(text, offset)
    return (m.start(), m.end()) if m else None


def _only_blanks_before(text: str, offset: int) -> bool:
    return text[_line_start(text, offset) : offset].strip() == ""


def _plan_insert(
    text: str, entry: Block, name: str, written: str, nl: str, anchor: FieldSpan | None = None
) -> Splice:
    """Insert `name = <written>` after `anchor` (default: the last field), laid out like it."""
    name = name.upper() if all(f.name.isupper() for f in entry.fields) and entry.fields else name.lower()
    if not entry.fields:
        return _plan_insert_into_empty(text, entry, name, written)
    last = anchor or entry.fields[-1]
    equals = text[last.name_end : last.value_start]
    if "\n" in equals or "=" not in equals:
        equals = " = "
    assignment = f"{name}{equals}{written}"
    after_value = skip_blanks(text, last.value_end)
    has_comma = after_value < len(text) and text[after_value] == ","
    if _only_blanks_before(text, last.name_start):
        indent = text[_line_start(text, last.name_start) : last.name_start]
        if has_comma:
            eol = _line_end(text, after_value)
            if eol is not None and not text[after_value + 1 : eol[0]].strip():
                return Splice(eol[1], eol[1], f"{indent}{assignment},{nl}")
            return Splice(after_value + 1, after_value + 1, f" {assignment},")
        start = _line_start(text, last.name_start)
        return Splice(start, start, f"{indent}{assignment},{nl}")
    if has_comma:
        return Splice(after_value + 1, after_value + 1, f" {assignment},")
    return Splice(last.value_end, last.value_end, f", {assignment}")


def _plan_insert_into_empty(text: str, entry: Block, name: str, written: str) -> Splice:
    close = entry.end - 1  # the closing delimiter
    head = text[entry.start : close]
    sep = " " if head.rstrip().endswith(",") else ", "
    at = entry.start + len(head.rstrip())
    return Splice(at, at, f"{sep}{name} = {written}")


def _plan_remove(text: str, entry: Block, f: FieldSpan) -> Splice:
    after_value = skip_blanks(text, f.value_end)
    has_comma = after_value < len(text) and text[after_value] == ","
    end = after_value + 1 if has_comma else f.value_end
    eol = _line_end(text, end)
    if eol is not None and _only_blanks_before(text, f.name_start) and not text[end : eol[0]].strip():
        return Splice(_line_start(text, f.name_start), eol[1], "")
    if has_comma:
        return Splice(f.name_start, skip_blanks(text, end), "")
    index = entry.fields.index(f)
    if index > 0:  # last field without comma: drop the comma before it instead
        prev = entry.fields[index - 1]
        return Splice(prev.value_end, f.value_end, "")
    return Splice(f.name_start, f.value_end, "")


# ---------------------------------------------------------------------- rebasing


def rebase(
    splices: Sequence[Splice],
    base_blocks: Sequence[Block],
    text: str,
    entry: Callable[[str], Block | None],
    newline: str,
) -> list[Splice]:
    """`splices`, planned on a text whose blocks were `base_blocks`, planned again on `text`.

    `entry` finds an entry of `text` by key. An edit of an entry that is unchanged moves with it;
    otherwise it is planned again by key and field when that field is as it was. `ConflictError`
    says which entry or field changed under it.
    """
    starts = [b.start for b in base_blocks]
    return [_rebase_one(s, base_blocks, starts, text, entry, newline) for s in splices]


def _rebase_one(
    splice: Splice,
    base_blocks: Sequence[Block],
    starts: list[int],
    text: str,
    entry: Callable[[str], Block | None],
    newline: str,
) -> Splice:
    intent = splice.intent
    if isinstance(intent, Append):
        return plan_append(text, intent.entry_text, newline)
    old = _entry_around(base_blocks, starts, splice)
    if old is None or not old.key:
        raise ConflictError("an edit outside any entry cannot be placed again")
    new = entry(old.key)
    if new is None:
        raise ConflictError(f"entry '{old.key}' is gone")
    if new.raw == old.raw:
        shift = new.start - old.start
        return Splice(splice.start + shift, splice.end + shift, splice.text, intent)
    name = intent.name if intent is not None else _field_replaced(old, splice)
    if name is None or _values(old, name) != _values(new, name):
        raise ConflictError(f"entry '{old.key}' was changed" + (f" (its field '{name}')" if name else ""))
    if isinstance(intent, SetField):
        return plan_set_field(text, new, intent.name, intent.value, newline, bare=intent.bare)
    if isinstance(intent, RemoveField):
        return plan_remove_field(text, new, intent.name)
    f = new.field(name)
    assert f is not None  # same values as before, where the splice replaced one
    return Splice(f.value_start, f.value_end, splice.text)


def _entry_around(blocks: Sequence[Block], starts: list[int], splice: Splice) -> Block | None:
    i = bisect.bisect_right(starts, splice.start) - 1
    if i < 0:
        return None
    b = blocks[i]
    inside = b.start < splice.start and splice.end < b.end  # never the `@` nor the closing brace
    return b if inside and b.kind is BlockKind.ENTRY else None


def _field_replaced(entry: Block, splice: Splice) -> str | None:
    """The field whose whole value `splice` replaces, if that is what it does."""
    for f in entry.fields:
        if (f.value_start, f.value_end) == (splice.start, splice.end):
            return f.name
    return None


def _values(entry: Block, name: str) -> list[str]:
    return [f.raw_value for f in entry.fields if f.key == name.lower()]
