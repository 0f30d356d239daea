"""Cleaning README text: emoji off headings and titles, labels and punctuation off titles, name
lists split into names."""

from __future__ import annotations

import re
import unicodedata

# Characters that make up an emoji sequence besides the pictographs themselves (category So):
# variation selector 16, zero-width joiner, the keycap mark, skin tones and tag characters.
_EMOJI_PARTS = frozenset({"\ufe0f", "\u200d", "\u20e3"})
_LABEL_IN_BRACKETS = re.compile(
    r"\s*[\[(]\s*(?:pdf|paper|abs|arxiv|code|link|html|project|video|slides|blog|demo)\s*[\])]\s*",
    re.IGNORECASE,
)
_NAME_SEPARATORS = re.compile(r"\s*(?:,|;|\band\b|&|，|、)\s*")
_ET_AL = re.compile(r"\bet\.?\s*al\b\.?", re.IGNORECASE)
_PARTICLES = frozenset(("de", "del", "della", "der", "di", "da", "das", "do", "dos", "du", "la", "le", "van"))
_PARTICLES |= {"von", "ten", "ter", "den", "bin", "al", "el", "y", "zu"}
_TRIM = " \t\n\r.,;:*_|~`'\"“”‘’[](){}<>-–—"


def _is_emoji_char(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) == "So"
        or char in _EMOJI_PARTS
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or 0x1F1E6 <= code <= 0x1F1FF
    )


def split_emoji(text: str) -> tuple[str, str]:
    """(leading emoji as written, the rest) of a heading: `🗣️ Open Dialogue` ->
    (`🗣️`, `Open Dialogue`)."""
    text = text.strip()
    end = 0
    while end < len(text) and (_is_emoji_char(text[end]) or (text[end].isspace() and end > 0)):
        end += 1
    emoji = text[:end].strip()
    return emoji, text[end:].strip()


def strip_emoji(text: str) -> str:
    """Text without any emoji (titles and headings may carry them anywhere)."""
    if text.isascii():
        return text
    return "".join(c for c in text if not _is_emoji_char(c))


def squash(text: str) -> str:
    return " ".join(text.split())


def clean_title(text: str) -> str:
    """A title as plain text: no emoji, no `[pdf]`-style labels, no wrapping brackets or quotes,
    no trailing full stop or comma."""
    title = squash(_LABEL_IN_BRACKETS.sub(" ", strip_emoji(text)))
    previous = None
    while previous != title:
        previous = title
        title = title.strip(' \t.,;:*_|~`"“”').rstrip("[(").lstrip("])").strip()
        if title.startswith(("[", "(")) and title.endswith(("]", ")")) and _balanced_once(title):
            title = title[1:-1].strip()
        title = title.lstrip("[").rstrip("]").strip() if title.count("[") != title.count("]") else title
    return title


def _balanced_once(text: str) -> bool:
    """`[ a ]` is wrapped; `[a] b [c]` is not."""
    depth = 0
    for index, char in enumerate(text):
        depth += 1 if char in "[(" else -1 if char in "])" else 0
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _is_name(part: str) -> bool:
    words = part.split()
    if not 1 <= len(words) <= 6 or any(c.isdigit() for c in part) or ":" in part:
        return False
    capitalised = 0
    for word in words:
        head = word.lstrip("'\"(").rstrip(".")
        if not head:
            return False
        if head.lower() in _PARTICLES:
            continue
        if not head[0].isalpha() or head[0].islower():
            return False
        capitalised += 1
    return capitalised >= 1


def split_names(text: str) -> tuple[str, ...] | None:
    """The names of a name list (`A. B, C D and E F et al.`), or None when the text is not one."""
    bare = squash(text).strip(_TRIM)
    bare = re.sub(r"^by\s+", "", bare, flags=re.IGNORECASE)
    had_et_al = bool(_ET_AL.search(bare))
    bare = _ET_AL.sub("", bare).strip(_TRIM)
    if not bare or len(bare) > 2000:
        return None
    parts = [p.strip(_TRIM) for p in _NAME_SEPARATORS.split(bare)]
    names = tuple(p for p in parts if p)
    if not names or not all(_is_name(n) for n in names):
        return None
    if len(names) == 1 and not had_et_al and len(names[0].split()) > 4:
        return None
    return names
