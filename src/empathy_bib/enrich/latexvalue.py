"""Plain Unicode text -> a BibTeX value as `references.bib` writes it: escaped, and, for titles,
with acronyms and mixed-case names brace-protected so styles keep their capitals.

Remote metadata is untrusted: any value may hold `%`, `&`, `#`, `_`, `$`, `\\`, `~`, `^`, stray
braces or newlines. Every value goes through `escape_latex`: LaTeX specials escaped, non-ASCII
turned into brace-protected LaTeX escapes (`text.to_latex_ascii`; the file stays ASCII). The
result always parses (braces balanced by construction) and compiles under BibTeX and biber.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ..text import Span, to_latex_ascii

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    # A lone `\{` would unbalance the value for BibTeX, which counts braces blindly.
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    # Dashes as TeX ligatures, as the file writes them (`Emotion -- Benchmarking`, `12--34`).
    "\u2013": "--",
    "\u2014": "---",
}
_SPACES = re.compile(r"\s+")
_LEADING_PUNCT = "([\"'“‘«"
_TRAILING_PUNCT = ".,:;!?)]\"'’”»"


def escape_latex(text: str) -> str:
    """Plain Unicode text -> an ASCII BibTeX value with balanced braces.

    ASCII specials are escaped, non-ASCII letters become brace-protected accents (`{\\'e}`);
    characters neither LaTeX engine can typeset from an 8-bit file without packages (emoji,
    control characters) are dropped, letters of other scripts kept.
    """
    flat = _SPACES.sub(" ", text).strip()
    encoded = to_latex_ascii("".join(_LATEX_SPECIALS.get(ch, ch) for ch in flat))
    # `isprintable`: the ASCII controls (NUL, BEL, ESC, DEL) go too, as validate's E111 wants.
    kept = "".join(
        ch for ch in encoded if (ch.isascii() and ch.isprintable()) or unicodedata.category(ch)[0] in "LN"
    )
    return _SPACES.sub(" ", kept).strip()


# ---------------------------------------------------------------------- titles


def latex_title(plain: str, marked: Sequence[bool] | None = None) -> str:
    """A plain-text title as a BibTeX title: escaped, acronyms and mixed-case names protected.

    `marked[i]` says that character i was protected by the source (a pasted or Anthology title).
    """
    flags = list(marked) if marked is not None else [False] * len(plain)
    words = [_protect_word(m.group(0), flags[m.start() : m.end()]) for m in re.finditer(r"\S+", plain)]
    return " ".join(w for w in words if w)


def latex_title_from_spans(spans: Sequence[Span]) -> str:
    """A title already in BibTeX (a paste, the Anthology), re-protected word by word as we write it."""
    plain = "".join(span.text for span in spans)
    marked = [span.protected for span in spans for _ in span.text]
    return latex_title(plain, marked)


def _needs_protection(segment: str) -> bool:
    """Capitals after the first letter (`LLMs`, `SoulChat`, `RL`): sentence case would lower them."""
    letters = [c for c in segment if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


def _no_lowercase(segment: str) -> bool:
    return not any(c.islower() for c in segment)


def _protect_core(core: str, marked: Sequence[bool]) -> str:
    """Brace-protect a word's acronyms: `{TOOL-ED}`, `{LaERC-S}`, `{RL}-Diffusion`, `{LLM}-based`.

    `marked` flags the characters a source had already protected (`{R}eflect{D}iffu`,
    `{C}hinese`): their segment is protected whole, as references.bib writes it.
    """
    segments = core.split("-")
    flags: list[bool] = []
    offset = 0
    for segment in segments:
        flags.append(_needs_protection(segment) or any(marked[offset : offset + len(segment)]))
        offset += len(segment) + 1
    if not any(flags):
        return escape_latex(core)
    if all(f or _no_lowercase(s) for s, f in zip(segments, flags, strict=True)):
        return _brace(core)
    return "-".join(_brace(s) if f else escape_latex(s) for s, f in zip(segments, flags, strict=True))


def _brace(piece: str) -> str:
    escaped = escape_latex(piece)
    # `{\...` at the top level is a BibTeX "special character", not case protection.
    return escaped if not escaped or escaped.startswith("\\") else "{" + escaped + "}"


def _protect_word(word: str, marked: Sequence[bool]) -> str:
    start = 0
    while start < len(word) and word[start] in _LEADING_PUNCT:
        start += 1
    end = len(word)
    while end > start and word[end - 1] in _TRAILING_PUNCT:
        end -= 1
    if end - start > 2 and word[end - 2 : end] in ("'s", "’s"):
        end -= 2  # a possessive stays outside the braces: `{LLM}'s`
    core = _protect_core(word[start:end], marked[start:end]) if end > start else ""
    return escape_latex(word[:start]) + core + escape_latex(word[end:])
