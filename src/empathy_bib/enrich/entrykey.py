"""A new entry's key, as references.bib writes them: `familyYEARword`, unique in the file."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..text import fold

# Words skipped when picking the key's title word (references.bib: "The Illusion" -> illusion,
# "From Personas to Talks" -> personas; "Towards", "Beyond" count).
KEY_STOP_WORDS = frozenset(
    {"a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "and", "or", "with", "by", "via"}
    | {"is", "are", "as", "into"}
)
_ASCII_KEPT = re.compile(r"[^a-z0-9]")


def key_word(title: str) -> str:
    """The first significant word of a title, lower-case ASCII letters and digits."""
    # Letters outside a-z are dropped inside a word (`Søren` gives `sren`), not split on.
    words = [w for w in (_ASCII_KEPT.sub("", word) for word in fold(title).split()) if w]
    for word in words:
        if word not in KEY_STOP_WORDS:
            return word
    return words[0] if words else "untitled"


def make_key(family: str, year: int | None, title: str, taken: Iterable[str] = ()) -> str:
    """`familyYEARword`, unique against `taken` (case-insensitively, as BibTeX compares keys)."""
    family_part = re.sub(r"[^a-z]", "", fold(family)) or "anon"
    base = f"{family_part}{year or ''}{key_word(title)}"
    used = {k.casefold() for k in taken}
    if base not in used:
        return base
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if base + letter not in used:
            return base + letter
    n = 2
    while f"{base}{n}" in used:
        n += 1
    return f"{base}{n}"
