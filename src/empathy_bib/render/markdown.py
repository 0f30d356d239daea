"""Markdown's safe link targets, GitHub heading anchors and code fences.

(Text itself is made inert in Markdown by `text.escape_md`.)
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from .. import ids

# http(s), an ASCII host, then only characters `quote` below keeps: such a URL is a valid link
# target exactly as written (what `ids.is_web_url` plus `quote` would return), checked in one match.
_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"
_PLAIN_WEB_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?:[/?#][A-Za-z0-9/:?#\[\]@!$&'*+,;=%~._-]*)?"
)


def safe_url(url: str | None) -> str | None:
    """The URL as a Markdown/HTML link target, or None unless it is an absolute http(s) URL.

    Characters that could close the target or the attribute (`()<>"` and blanks) are
    percent-encoded; everything else is kept so the link stays readable.
    """
    if not url:
        return None
    if _PLAIN_WEB_URL.fullmatch(url):  # a web URL with nothing to encode: returned as is
        return url
    if not ids.is_web_url(url):
        return None
    return quote(url.strip(), safe=_URL_SAFE)


_JOIN_CONTROLS = "\u200c\u200d"


def github_anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower-case, drop what is not a word character, `-`
    or space, then spaces to `-` (GitHub's `[^\\p{Word}\\- ]` rule).

    Emoji (symbols) are dropped and leave their neighbouring space, hence the leading `-` of
    `#-papers`. A word character is a letter, mark, digit, connector or join control, so an
    emoji's variation selector U+FE0F (a mark) stays: `⚖️ Ethics` gives `#️-ethics`, as the
    seed's working link had it.
    """
    out = []
    for ch in heading.strip().lower():
        if ch == " ":
            out.append("-")
        elif ch == "-" or _is_word_char(ch):
            out.append(ch)
    return "".join(out)


def _is_word_char(ch: str) -> bool:
    """A letter, mark, digit, connector punctuation (`_` and its kin) or join control."""
    category = unicodedata.category(ch)
    return category[0] in "LMN" or category == "Pc" or ch in _JOIN_CONTROLS


def unique_anchors(headings: list[str]) -> list[str]:
    """GitHub's anchors for headings in document order: repeats get `-1`, `-2`, ..."""
    seen: dict[str, int] = {}
    anchors = []
    for heading in headings:
        base = github_anchor(heading)
        count = seen.get(base, 0)
        anchors.append(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return anchors


def code_fence(text: str) -> str:
    """A backtick fence longer than any run of backticks inside `text`, so it cannot be closed early."""
    if "```" not in text:  # the common case: no run of three, the shortest fence is enough
        return "```"
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
