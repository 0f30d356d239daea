"""The one name model: a name split as BibTeX (and pybtex) splits it, then decoded part by part.

Names are split on the raw LaTeX before any decoding, so `{van der} Berg` stays one last name
and `Daum{\\'e}, III, Hal` keeps `III` as its Jr part. pybtex decides every split; the exact
`Family, Given` forms without braces, backslashes or ties take a fast path inside `split_name`
that follows pybtex's rules (its parser is the costly step of building a paper's authors).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .text import to_unicode


@dataclass(frozen=True)
class NameParts:
    """One name split as pybtex splits it, on the raw LaTeX: words not yet decoded."""

    first: tuple[str, ...]  # first and middle names
    von: tuple[str, ...]  # "van der"
    last: tuple[str, ...]
    jr: tuple[str, ...]  # "III", "Jr."


@dataclass(frozen=True)
class Author:
    """One name: pybtex's parts of the raw LaTeX (`parts`), and each part decoded to Unicode."""

    raw: str
    parts: NameParts
    given: str  # first and middle names
    von: str  # the particle: "van der"
    last: str
    suffix: str  # the Jr part: "III", "Jr."
    literal: bool  # a corporate name in braces: "{OpenAI}"

    @classmethod
    def parse(cls, raw: str) -> Author:
        return _parse_author(raw)

    @property
    def family(self) -> str:
        """The von and last parts: "van der Berg"."""
        return f"{self.von} {self.last}" if self.von and self.last else self.von or self.last

    @property
    def display(self) -> str:
        """`Given Family Suffix`, as lists print names."""
        return " ".join(p for p in (self.given, self.family, self.suffix) if p)


@lru_cache(maxsize=65536)
def _parse_author(raw: str) -> Author:
    # Lists repeat their authors: each spelling is split and decoded once.
    stripped = raw.strip()
    if stripped.startswith("{") and stripped.endswith("}") and _single_group(stripped):
        # pybtex's split too (one last name), named apart: renderers print it as written.
        parts = NameParts((), (), (stripped,), ())
        return _author(raw, parts, literal=True)
    return _author(raw, split_name(stripped), literal=False)


def _author(raw: str, parts: NameParts, *, literal: bool) -> Author:
    def decoded(words: tuple[str, ...]) -> str:
        return to_unicode(" ".join(words)) if words else ""

    return Author(
        raw=raw,
        parts=parts,
        given=decoded(parts.first),
        von=decoded(parts.von),
        last=decoded(parts.last),
        suffix=decoded(parts.jr),
        literal=literal,
    )


def _single_group(text: str) -> bool:
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and i != len(text) - 1:
                return False
    return True


# Characters that make pybtex's scanner do more than split on blanks and commas.
_NAME_SPECIAL = re.compile(r"[{}\\~]")


@lru_cache(maxsize=65536)
def split_name(raw: str) -> NameParts:
    """pybtex's split of one name; `Family, Given` and `Family, Jr, Given` without braces,
    backslashes or ties take an exact fast path (pybtex's parser is the costly step)."""
    stripped = raw.strip()
    fast = _split_comma_name(stripped)
    if fast is not None:
        return fast
    from pybtex.database import Person  # imported on first use: validate and most names never need it

    person = Person(stripped)
    return NameParts(
        first=tuple(person.first_names + person.middle_names),
        von=tuple(person.prelast_names),
        last=tuple(person.last_names),
        jr=tuple(person.lineage_names),
    )


def _split_comma_name(name: str) -> NameParts | None:
    """pybtex's rules for the comma forms, restricted to text its scanner sees char by char."""
    if _NAME_SPECIAL.search(name):
        return None
    parts = [part.strip() for part in name.split(",")]
    if len(parts) == 2:
        family, jr, given = parts[0], "", parts[1]
    elif len(parts) == 3:
        family, jr, given = parts
    else:
        return None
    words = family.split()
    # The last word is always a last name; before it, the von part runs up to the last von word.
    split_at = 0
    for i in range(len(words) - 2, -1, -1):
        if _is_von_word(words[i]):
            split_at = i + 1
            break
    return NameParts(
        tuple(given.split()), tuple(words[:split_at]), tuple(words[split_at:]), tuple(jr.split())
    )


def _is_von_word(word: str) -> bool:
    """pybtex's `is_von_name` for a word without braces or backslashes: its first letter is lower-case."""
    if word[0].isupper():
        return False
    if word[0].islower():
        return True
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return False


_AND = re.compile(" [Aa][Nn][Dd] ")
_BRACE = re.compile("[{}]")


def parse_names(value: str | None) -> tuple[Author, ...]:
    """The names of an `author` or `editor` value, in order."""
    if not value or not value.strip():
        return ()
    # pybtex splits on " and " only between single spaces; the Anthology writes "and\n      ".
    flat = " ".join(value.split())
    return tuple(_parse_author(name) for name in split_name_list_fast(flat) if name.strip())


def split_name_list_fast(text: str) -> list[str]:
    """pybtex's `split_name_list` (" and " outside brace groups, then strip), without its scanner.

    The brace groups are masked, so the separator can only match at depth 0; a group ends where
    pybtex's `_find_closing_brace` ends it (at its closing brace, or after the last brace when it
    is never closed, or at the end when no brace follows).
    """
    if not _AND.search(text):  # one name: masking could only remove separators
        return [text.strip()]
    masked = text
    if "{" in text:
        pieces = []
        last = 0
        for start, end in _brace_groups(text):
            pieces.append(text[last:start])
            pieces.append("\0" * (end - start))
            last = end
        pieces.append(text[last:])
        masked = "".join(pieces)
    names = []
    last = 0
    for m in _AND.finditer(masked):
        names.append(text[last : m.start()].strip())
        last = m.end()
    names.append(text[last:].strip())
    return names


def _brace_groups(text: str) -> Iterator[tuple[int, int]]:
    braces = [(m.start(), m.group()) for m in _BRACE.finditer(text)]
    i = 0
    while i < len(braces):
        start, brace = braces[i]
        i += 1
        if brace == "}":  # a stray closing brace at depth 0 is text
            continue
        if i == len(braces):  # nothing closes it: the group runs to the end
            yield start, len(text)
            return
        level = 1
        while i < len(braces) and level >= 1:
            level += 1 if braces[i][1] == "{" else -1
            i += 1
        yield start, braces[i - 1][0] + 1
