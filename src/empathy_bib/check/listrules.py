"""List rules (E4xx/W4xx): what makes an entry a well-kept item of the awesome list.

Categories come from the taxonomy (`styles/categories.toml`); without one, the category
checks are skipped (validate on a foreign file still checks everything else).
"""

from __future__ import annotations

import re

from .. import ids
from ..bib import Block
from ..record import Paper
from .context import Context

# Characters nobody sees, or that look like ASCII but are not: trouble in keys (a citation
# that "looks right" does not resolve) and noise in values.
INVISIBLE = {
    "\u00a0": "no-break space",
    "\u00ad": "soft hyphen",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u200e": "left-to-right mark",
    "\u200f": "right-to-left mark",
    "\u202f": "narrow no-break space",
    "\u2060": "word joiner",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\ufeff": "zero-width no-break space (BOM)",
}
LOOKALIKES = {
    "\u2018": "left single quotation mark",
    "\u2019": "right single quotation mark",
    "\u201c": "left double quotation mark",
    "\u201d": "right double quotation mark",
    "\u2013": "en dash",
    "\u2014": "em dash",
}
_INVISIBLE_RE = re.compile("[" + "".join(INVISIBLE) + "]")
_KEY_TROUBLE = "".join(INVISIBLE) + "".join(LOOKALIKES)
_KEY_TROUBLE_RE = re.compile("[" + _KEY_TROUBLE + "]")
# A LaTeX accent or special-letter command: `{\'e}`, `\"o`, `{\ss}`, `\c{c}`.
_LATEX_ACCENT = re.compile(
    r"\\(?:[`'^\"~=.]|[uvHckbdrt](?![a-zA-Z])|(?:ss|ae|oe|aa|o|l|i|j)(?![a-zA-Z]))", re.I
)
_NON_ASCII_LETTER = re.compile(r"[^\x00-\x7f]")


def check(ctx: Context) -> None:
    slugs = set(ctx.taxonomy.paper_slugs) if ctx.taxonomy is not None else None
    text = ctx.bib.text
    # Both file-wide checks look for non-ASCII characters: an ASCII file (`isascii` is a flag
    # lookup) has none. Otherwise one fast substring search per troublesome character decides
    # whether to look closer (a regular expression character class scans ten times slower).
    ascii_only = text.isascii()
    look_for_invisible = not ascii_only and any(char in text for char in _KEY_TROUBLE)
    for paper in ctx.papers:
        if slugs is not None:
            _check_categories(ctx, paper, slugs)
        _check_arxiv_url(ctx, paper)
        if look_for_invisible:
            _check_invisible(ctx, paper.block)
    if not ascii_only and _LATEX_ACCENT.search(text):
        _check_mixed_escapes(ctx)


def _check_categories(ctx: Context, paper: Paper, slugs: set[str]) -> None:
    categories = paper.categories
    if not categories:
        message = "no 'keywords': the paper would appear in no section"
        ctx.report("E401", paper.block.start, message, paper.key)
        return
    f = paper.spans["keywords"]
    if len(categories) == 1 and categories[0] in slugs:
        return  # the usual entry: one known category
    seen: set[str] = set()
    for slug in categories:
        if slug in seen:
            ctx.report("W407", f.value_start, f"category '{slug}' is listed twice", paper.key)
        seen.add(slug)
        if slug not in slugs:
            ctx.report("E402", f.value_start, _unknown_slug_message(ctx, slug), paper.key)


def _unknown_slug_message(ctx: Context, slug: str) -> str:
    assert ctx.taxonomy is not None
    category = ctx.taxonomy.get(slug)
    if category is not None:
        children = ", ".join(c.slug for c in category.children)
        return f"category '{slug}' has subsections; file the paper under one of them ({children})"
    by_title = ctx.taxonomy.by_title(slug)
    hint = f" (did you mean '{by_title.slug}'?)" if by_title else ""
    return f"'{slug}' is not a category slug of the taxonomy{hint}"


def _check_arxiv_url(ctx: Context, paper: Paper) -> None:
    arxiv_id = paper.identifiers.arxiv_id
    if arxiv_id and "url" not in paper.fields:
        ctx.report(
            "W403",
            paper.block.start,
            f"arXiv id {arxiv_id} but no 'url': add url = {{{ids.arxiv_url(arxiv_id)}}}",
            paper.key,
        )


def _check_invisible(ctx: Context, entry: Block) -> None:
    key = entry.key or ""
    trouble = _KEY_TROUBLE_RE.search(key)
    if trouble:
        offset = ctx.bib.text.find(key, entry.start, entry.end) + trouble.start()
        ctx.report("E405", offset, f"key {key!r} contains a {_name(trouble.group())}", key)
    for f in entry.fields:
        bad = _KEY_TROUBLE_RE.search(f.name)
        if bad:
            message = f"field name {f.name!r} contains a {_name(bad.group())}"
            ctx.report("E405", f.name_start + bad.start(), message, key)
        hidden = _INVISIBLE_RE.search(f.raw_value)
        if hidden:
            message = f"field '{f.name}' contains a {_name(hidden.group())} (U+{ord(hidden.group()):04X})"
            ctx.report("W406", f.value_start + hidden.start(), message, key)


def _name(char: str) -> str:
    return INVISIBLE.get(char) or LOOKALIKES.get(char) or f"U+{ord(char):04X}"


def _check_mixed_escapes(ctx: Context) -> None:
    """One warning for the file when it writes accents both ways."""
    first_raw: tuple[int, str] | None = None
    uses_escapes = False
    for entry in ctx.bib.entries:
        for f in entry.fields:
            if first_raw is None:
                m = _NON_ASCII_LETTER.search(f.raw_value)
                if m and m.group() not in INVISIBLE:
                    first_raw = (f.value_start + m.start(), entry.key or "")
            if not uses_escapes and "\\" in f.raw_value and _LATEX_ACCENT.search(f.raw_value):
                uses_escapes = True
        if first_raw is not None and uses_escapes:
            offset, key = first_raw
            char = ctx.bib.text[offset]
            ctx.report(
                "W404",
                offset,
                f"raw non-ASCII character {char!r} in a file that otherwise writes LaTeX escapes",
                key,
            )
            return
