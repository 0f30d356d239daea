"""Field values as BibTeX evaluates them: delimiters, numbers, @string macros, `#` concatenation."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..text import MONTHS
from . import scan
from .split import Block, BlockKind

# Month macros every BibTeX style and biber predefine.
MONTH_MACROS = {m: m for m in MONTHS}


@dataclass(frozen=True)
class Resolved:
    """A field value evaluated as BibTeX does: delimiters removed, macros expanded, `#` joined."""

    text: str
    undefined_macros: tuple[str, ...] = ()


def defined_macros(blocks: Iterable[Block]) -> dict[str, str]:
    """@string definitions (lower-cased names) resolved in file order, month names included."""
    defined: dict[str, str] = dict(MONTH_MACROS)
    for b in blocks:
        if b.kind is BlockKind.STRING and b.key:
            defined[b.key.strip().lower()] = resolve_value(string_value(b.raw), defined).text
    return defined


def string_value(raw: str) -> str:
    """The raw value of an @string block (`@string{name = value}`)."""
    inner = raw[raw.find("=") + 1 :]
    inner = inner.rstrip()
    if inner.endswith("}") or inner.endswith(")"):
        inner = inner[:-1]
    return inner.strip()


_NUMBER = re.compile(r"\d+")


def split_concatenation(raw: str) -> list[str]:
    """Split a raw value on top-level `#` (BibTeX string concatenation)."""
    if "#" not in raw:  # the common case, without a character-by-character scan
        return [raw.strip()]
    parts: list[str] = []
    depth = 0
    in_quotes = False
    current = 0
    for i, ch in enumerate(raw):
        if ch == "{" and (i == 0 or raw[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or raw[i - 1] != "\\") and depth > 0:
            depth -= 1
        elif ch == '"' and depth == 0:
            in_quotes = not in_quotes
        elif ch == "#" and depth == 0 and not in_quotes:
            parts.append(raw[current:i].strip())
            current = i + 1
    parts.append(raw[current:].strip())
    return parts


# One brace group (the scanner's nesting) or one quoted string: no `#` to evaluate.
_ONE_GROUP = re.compile(f"(?:{scan._BRACED})|(?:{scan._QUOTED})")


def plain_value(raw: str, macros: dict[str, str]) -> str | None:
    """The value of a raw value of the common shapes (one group, a number, a defined macro), else None.

    None means the value needs `resolve_value`'s general path (and the syntax checks' closer look).
    """
    first = raw[:1]
    if first == "{":
        inner = raw[1:-1]
        if raw[-1] == "}" and "{" not in inner and "}" not in inner and "\\" not in inner:
            return inner  # the usual value, text in braces with no brace or escape inside
    # An escaped brace (`\{`) can be read as one group or as text beside a group: the general
    # path decides, so both paths always agree.
    if first in ("{", '"') and "\\{" not in raw and "\\}" not in raw and _ONE_GROUP.fullmatch(raw):
        return raw[1:-1]
    if raw.isdigit():
        return raw
    return macros.get(raw.lower())


def resolve_value(raw: str, macros: dict[str, str]) -> Resolved:
    """Evaluate a raw field value: `{...}`, `"..."`, numbers, macros, and `#` concatenation."""
    plain = plain_value(raw, macros)
    if plain is not None:  # most values: no character loop
        return Resolved(plain)
    out: list[str] = []
    undefined: list[str] = []
    for part in split_concatenation(raw):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif _NUMBER.fullmatch(part):
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        else:
            undefined.append(part)
            out.append(part)
    return Resolved("".join(out), tuple(undefined))
