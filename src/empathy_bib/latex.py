"""LaTeX in BibTeX values: to Unicode text, to protected spans, and back to ASCII escapes.

pylatexenc decodes stacked accents (`Nguy{\\~{\\^e}}n`) correctly where latexcodec leaves them
half-decoded. It is slower, so values without any LaTeX take a fast path and results are cached.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

_PLAIN = re.compile(r"[^\\{}$~%&#_^]*")
# Braces but no command, math, tie or quote ligature: the braces only group, so dropping them is
# what pylatexenc returns (checked on the shared corpus), at a hundredth of the cost.
_BRACES_ONLY = re.compile(r"[^\\$~%&#_^]*")
_SPACES = re.compile(r"\s+")
_DECODER = LatexNodes2Text(math_mode="text", keep_comments=False, strict_latex_spaces=False)
_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)


@lru_cache(maxsize=65536)
def to_unicode(value: str) -> str:
    """Plain Unicode text of a LaTeX value: accents decoded, braces and commands removed."""
    # `" ".join(text.split())` is `_SPACES.sub(" ", text).strip()`, faster (same blanks).
    if _PLAIN.fullmatch(value) and "--" not in value:
        return " ".join(value.split())
    if _BRACES_ONLY.fullmatch(value) and "--" not in value and "``" not in value and "''" not in value:
        return " ".join(value.replace("{", "").replace("}", "").split())
    try:
        text = _DECODER.latex_to_text(value)
    except Exception:  # pylatexenc on malformed input: fall back to dropping braces
        text = value.replace("{", "").replace("}", "")
    text = text.replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def to_latex_ascii(text: str) -> str:
    """Unicode to ASCII with brace-protected LaTeX accents (`é` → `{\\'e}`), for 8-bit BibTeX."""
    if text.isascii():
        return text
    return str(_ENCODER.unicode_to_latex(unicodedata.normalize("NFC", text)))


@dataclass(frozen=True)
class Span:
    """A piece of a title: `protected` pieces were in braces and keep their case."""

    text: str
    protected: bool


# What `protected_spans` looks at: a backslash and the character it escapes, or a brace.
_SPAN_TOKEN = re.compile(r"\\[\s\S]?|[{}]")


def protected_spans(value: str) -> list[Span]:
    """Split a LaTeX title into top-level brace-protected and free pieces, each decoded.

    A brace group that starts with a command (`{\\'e}`) is an accent, not case protection,
    as in BibTeX's own rules. Only backslash pairs and braces are visited (a regex finds them),
    not every character.
    """
    spans: list[tuple[str, bool]] = []  # made `Span`s once decoded (a frozen dataclass is slow to build)
    depth = 0
    start = 0
    buf_start = 0
    skip_until = 0  # the end of a top-level accent group, which stays in the free text
    for token in _SPAN_TOKEN.finditer(value):
        i = token.start()
        ch = token.group()
        if i < skip_until or ch[0] == "\\":
            continue
        if ch == "{":
            if depth == 0:
                if value[i + 1 : i + 2] == "\\":
                    skip_until = _matching_brace(value, i) + 1
                    continue
                if i > buf_start:
                    spans.append((value[buf_start:i], False))
                start = i
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                spans.append((value[start + 1 : i], True))
                buf_start = i + 1
    if buf_start < len(value) and depth == 0:
        spans.append((value[buf_start:], False))
    elif depth > 0:
        spans.append((value[start:], False))
    return [Span(to_unicode_keep_spaces(text), protected) for text, protected in spans if text]


def to_unicode_keep_spaces(value: str) -> str:
    """Like `to_unicode`, but keeps the leading and trailing blank of a fragment."""
    decoded = to_unicode(value)
    lead = " " if value[:1].isspace() else ""
    trail = " " if value[-1:].isspace() else ""
    return f"{lead}{decoded}{trail}" if decoded else (" " if value.strip() == "" and value else "")


def _matching_brace(value: str, open_index: int) -> int:
    depth = 0
    i = open_index
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(value) - 1


_NON_WORD = re.compile(r"\W+")


@lru_cache(maxsize=65536)
def normalize_title(value: str) -> str:
    """The comparison key of a LaTeX title: decoded, then folded by `fold_text`.

    add's duplicate check and fetch-dois's matching compare titles through it. (validate keeps a
    faster regex fold of its own, `check.identity.title_key`, which differs on titles with LaTeX
    commands.) Digits are kept, so "Qwen2" and "Qwen2.5" stay different.
    """
    return fold_text(to_unicode(value))


def fold_text(text: str) -> str:
    """Accents, case and punctuation folded: `Café -- the 2.5 {LLM}s` → `cafe the 2 5 llms`."""
    if not text.isascii():  # most titles are ASCII: no decomposition to do
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", text.casefold()).strip()
