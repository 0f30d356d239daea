"""The one place for text: LaTeX to Unicode and back, the title key and the text fold, markup
stripping, HTML and Markdown-safe escaping, and the month table.

pylatexenc decodes stacked accents (`Nguy{\\~{\\^e}}n`) correctly where latexcodec leaves them
half-decoded. It is slower, so values without any LaTeX take a fast path and results are cached.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import markupsafe
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import UnicodeToLatexEncoder
from pylatexenc.latexwalker import get_default_latex_context_db as get_default_parsing_context
from pylatexenc.macrospec import MacroStandardArgsParser

_PLAIN = re.compile(r"[^\\{}$~%&#_^]*")
# Braces but no command, math, tie or quote ligature: the braces only group, so dropping them is
# what pylatexenc returns (checked on the shared corpus), far cheaper.
_BRACES_ONLY = re.compile(r"[^\\$~%&#_^]*")
_SPACES = re.compile(r"\s+")
# Ligatures pylatexenc reads in plain text: dashes and quotes (`--`, ``` `` ```, `''`, `!``, `?``).
_LIGATURE = re.compile(r"--|``|''|[!?]`")


def _decoder() -> LatexNodes2Text:
    """pylatexenc's LaTeX-to-text, taught the macros bibliographies use that it does not know.

    Without them `\\Dash` (TUGboat's spaced em dash) glued two words together, `\\mbox{...}`
    lost its text and the TeX logos vanished.
    """
    context = get_default_latex_context_db()
    taught = [
        MacroTextSpec("Dash", " \u2014 "),
        MacroTextSpec("mbox", discard=False),
        MacroTextSpec("hbox", discard=False),
        MacroTextSpec("slash", "/"),
        MacroTextSpec("TeX", "TeX"),
        MacroTextSpec("LaTeX", "LaTeX"),
        MacroTextSpec("LaTeXe", "LaTeX2\u03b5"),
        MacroTextSpec("BibTeX", "BibTeX"),
    ]
    context.add_context_category("empathy-bib", macros=taught, prepend=True)
    return LatexNodes2Text(
        latex_context=context, math_mode="text", keep_comments=False, strict_latex_spaces=False
    )


_DECODER = _decoder()
# Which commands take arguments: the context pylatexenc parses with.
_DECODER_PARSING = get_default_parsing_context()
_ENCODER = UnicodeToLatexEncoder(
    non_ascii_only=True,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
# In text that is not BibTeX (arXiv titles), a bare `%` would start a comment for the decoder and
# swallow the rest, and a bare `&` or `#` would vanish: they are escaped before decoding.
_BARE_TEXT_SPECIAL = re.compile(r"(?<!\\)([%&#])")


# ---------------------------------------------------------------------- LaTeX -> Unicode


@lru_cache(maxsize=65536)
def to_unicode(value: str, keep_edge_spaces: bool = False, loose: bool = False) -> str:
    """Plain Unicode text of a LaTeX value: accents decoded, braces and commands removed.

    `keep_edge_spaces` keeps one leading and one trailing blank (a fragment of a title, joined
    to its neighbours again). `loose` reads text that is not BibTeX but may carry TeX (arXiv
    titles and names): it is decoded only when it has TeX, and a bare `%`, `&` or `#` is text.
    """
    if keep_edge_spaces:
        decoded = to_unicode(value, False, loose)
        lead = " " if value[:1].isspace() else ""
        trail = " " if value[-1:].isspace() else ""
        return f"{lead}{decoded}{trail}" if decoded else (" " if value.strip() == "" and value else "")
    if loose:
        flat = " ".join(value.split())
        if "\\" not in flat and "$" not in flat and not _balanced_braces(flat):
            return flat
        value = _BARE_TEXT_SPECIAL.sub(r"\\\1", flat)
    # `" ".join(text.split())` is `_SPACES.sub(" ", text).strip()`, faster (same blanks).
    if _BRACES_ONLY.fullmatch(value) and not _LIGATURE.search(value):
        if _PLAIN.fullmatch(value):
            return " ".join(value.split())
        return " ".join(value.replace("{", "").replace("}", "").split())
    try:
        text = _DECODER.latex_to_text(value)
    except Exception:  # pylatexenc on malformed input: fall back to dropping braces
        text = value.replace("{", "").replace("}", "")
    text = text.replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def _balanced_braces(text: str) -> bool:
    """At least one brace, and every brace closed in order."""
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0 and "{" in text


def group_end(text: str, pos: int, opener: str = "{", limit: int | None = None) -> int | None:
    """End (exclusive) of the `{...}` or `"..."` group opening at `pos`, or None if it never closes.

    As in BibTeX, a backslash makes the next character ordinary, and inside quotes a `"`
    within braces does not end the string.
    """
    end = len(text) if limit is None else limit
    depth = 0
    i = pos + 1
    while i < end:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i + 1 if opener == "{" else None
            depth -= 1
        elif ch == '"' and opener == '"' and depth == 0:
            return i + 1
        i += 1
    return None


@dataclass(frozen=True)
class Span:
    """A piece of a title: `protected` pieces were in braces and keep their case."""

    text: str
    protected: bool


# What `protected_spans` looks at: a backslash and the character it escapes, or a brace.
_SPAN_TOKEN = re.compile(r"\\[\s\S]?|[{}]")
# An accent command right before a brace (`M\"{u}ller`, `\c{c}`): the group is the accent's
# argument, decoded with it; split off, the accent would decode alone to a stray combining mark.
_ACCENT_BEFORE_BRACE = re.compile(r"(?<!\\)\\(?:[`'^\"~=.]|[cvuHdbkrt])\s*\Z")


def protected_spans(value: str) -> list[Span]:
    """Split a LaTeX title into top-level brace-protected and free pieces, each decoded.

    A brace group that starts with a command (`{\\'e}`) is an accent, not case protection,
    as in BibTeX's own rules; so is the group an accent command takes (`M\\"{u}ller`). Only
    backslash pairs and braces are visited (a regex finds them), not every character.
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
                if value[i + 1 : i + 2] == "\\" or _ACCENT_BEFORE_BRACE.search(value, max(0, i - 4), i):
                    skip_until = group_end(value, i) or len(value)
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
    return [Span(to_unicode(text, True), protected) for text, protected in spans if text]


# ---------------------------------------------------------------------- Unicode -> LaTeX

# Combining marks as accent commands, for the accented Latin letters pylatexenc leaves alone
# (stacked accents, dots below: Vietnamese `ễ`, `ị`; carons on vowels: pinyin `ǎ`).
_ACCENT_OF_MARK = dict(zip("\u0300\u0301\u0302\u0303\u0304\u0306\u0307\u0308", "`'^~=u.\"", strict=True))
_ACCENT_OF_MARK.update(zip("\u030a\u030b\u030c\u0323\u0327\u0328\u0331", "rHvdckb", strict=True))
_DOTLESS_I = re.compile(r"\\([`'^\"~=.uvH])\\i(?![A-Za-z])")


def to_latex_ascii(text: str) -> str:
    """Unicode to ASCII with brace-protected LaTeX accents (`é` → `{\\'e}`), for 8-bit BibTeX.

    Accented Latin letters pylatexenc does not know are written as the Anthology writes them
    (`{\\~{\\^e}}`, `{\\d{i}}`); other non-ASCII characters are kept.
    """
    if text.isascii():
        return text
    encoded = str(_ENCODER.unicode_to_latex(unicodedata.normalize("NFC", text)))
    if not encoded.isascii():
        encoded = "".join(ch if ch.isascii() else _accented(ch) for ch in encoded)
    # `{\'\i}` is classic BibTeX, but biber turns it into a dotless i plus a combining accent that
    # pdflatex cannot typeset; `{\'i}` gives both engines a plain `í`.
    return _DOTLESS_I.sub(r"\\\1i", encoded)


def _accented(ch: str) -> str:
    """One letter as nested accent commands, or itself when it is no accented Latin letter."""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not base.isascii() or not marks or any(m not in _ACCENT_OF_MARK for m in marks):
        return ch
    expr = base
    for i, mark in enumerate(marks):
        command = _ACCENT_OF_MARK[mark]
        expr = f"\\{command}{expr}" if i == 0 and not command.isalpha() else f"\\{command}{{{expr}}}"
    return "{" + expr + "}"


# ---------------------------------------------------------------------- folding and the title key

_NON_WORD = re.compile(r"\W+")
# Each ASCII byte that `\W` matches as a blank, the others as themselves.
_ASCII_WORD_OR_BLANK = bytes(
    c if c < 128 and (chr(c).isalnum() or chr(c) == "_") else 0x20 for c in range(256)
)
# Accents on one letter, folded to the letter (the fold drops accents anyway). A letter-named
# accent (`\c`, `\v`) only before a blank or a brace: `\textbf` is no `\t` on `extbf`. `\t`, the
# tie over two letters, is left to the general path.
_BASE = r"([A-Za-z]|\\[ij](?![A-Za-z]))"
# An unbraced `\\i` is a control word: the blanks after it are skipped.
_ACCENT = re.compile(
    r"\\(?:[`'^\"~=.]\s*|[uvHckbdr](?:\s+|(?=\{)))"
    r"(?:\{\s*" + _BASE + r"\s*\}|" + _BASE + r"(?:(?<=\\[ij])[ \t]*(?:\n[ \t]*)?)?)"
)
# A control word and the blanks TeX skips after it, or a control symbol (`\&`, `\,`).
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)[ \t]*(?:\n[ \t]*)?|([^A-Za-z]))")
_MATH_SWITCHES = frozenset("()[]")
# In what a command writes, the characters `title_key`'s last step reads as LaTeX: the fold makes
# each a blank.
_LATEX_MARKS = str.maketrans("\\{}$%", "     ")


def fold(text: str) -> str:
    """Accents, case and punctuation folded: `Café -- the 2.5 LLMs` → `cafe the 2 5 llms`.

    The one comparison form of text: titles (through `title_key`) and names.
    """
    if not text.isascii():  # most text is ASCII: no decomposition to do
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
        if not text.isascii():
            return _NON_WORD.sub(" ", text.casefold()).strip()
    # ASCII: the same fold through one byte table, several times faster than the pattern.
    return " ".join(text.lower().encode().translate(_ASCII_WORD_OR_BLANK).decode().split())


def title_key(raw: str) -> str:
    """The comparison key of a LaTeX title: `fold(to_unicode(raw))`, the one "same title" rule.

    validate, add and fetch-dois compare titles through it. Digits are kept, so "Qwen2" and
    "Qwen2.5" stay different. Decoding with pylatexenc is slow next to the rest of validate, so
    a title is read here directly when all its commands are accents on letters or commands without
    arguments (`\\ss`, `\\&`, `\\TeX`, `\\tt`, `\\alpha`, each replaced by the text pylatexenc
    writes for it), and it has no `%` comment: the same key (tests/test_text.py checks it on the
    corpus). Other titles are decoded whole.
    """
    if "\\\\" in raw:  # `\\` (a line break): the patterns below would read its second half as a command
        return fold(to_unicode(raw))
    text: str | None = raw
    if "\\" in raw:
        plain = raw
        for _ in range(3):  # stacked accents (`\\~{\\^e}`) lose one layer per pass
            plain = _ACCENT.sub(_accent_base, plain)
            if "\\" not in plain:
                break
        text = _without_commands(plain) if "\\" in plain else plain
    if text is None or "%" in text:  # an argument to read, or a `%` comment to the end of the line
        return fold(to_unicode(raw))
    return fold(text.replace("{", "").replace("}", "").replace("$", ""))


def _accent_base(match: re.Match[str]) -> str:
    """The letter under an accent: the fold drops the accent anyway. `\\i` under one is an `i`."""
    letter = match.group(1) or match.group(2)
    return letter[-1]


def _without_commands(text: str) -> str | None:
    """`text` with each command replaced by what it writes, or None if one takes arguments.

    In math, pylatexenc's blanks around commands follow rules of their own: titles with commands
    in math (`$\\log n$`) are left to it too.
    """
    if "$" in text:
        return None
    pieces: list[str] = []
    last = 0
    for m in _CONTROL.finditer(text):
        written = _command_text(m.group(1) or m.group(2))
        if written is None:
            return None
        pieces += [text[last : m.start()], written]
        last = m.end()
    pieces.append(text[last:])
    result = "".join(pieces)
    return None if "\\" in result else result  # a lone backslash at the end


@lru_cache(maxsize=4096)
def _command_text(name: str) -> str | None:
    """What pylatexenc writes for the command `\\name`, or None when the command takes arguments
    or switches to math (`\\(`, `\\[`)."""
    if name in _MATH_SWITCHES:
        return None
    spec = _DECODER_PARSING.get_macro_spec(name)
    if spec is not None and (
        not isinstance(spec.args_parser, MacroStandardArgsParser) or spec.args_parser.argspec
    ):
        return None
    return str(_DECODER.latex_to_text("\\" + name)).translate(_LATEX_MARKS)


# ---------------------------------------------------------------------- markup and escaping


class _TextOnly(HTMLParser):
    """Collects the text of HTML/JATS/MathML markup; tags are dropped, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def strip_markup(text: str) -> str:
    """Plain text of a registry value that may hold JATS/HTML tags and entities (`<i>`, `&amp;`),
    on one line."""
    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    parser = _TextOnly()
    parser.feed(text)
    parser.close()
    plain = html.unescape("".join(parser.parts))
    return " ".join(plain.split())


def escape_html(value: object) -> markupsafe.Markup:
    """`markupsafe.escape(value)`: safe to print in HTML text and quoted attributes, as a `Markup`
    that Jinja's autoescape prints as is."""
    return markupsafe.escape(value)


# `&<>"'` become entities; these get a backslash. `!` only matters before `[`, `#`/`+`/`-`/`>`
# only at a line start, which inline text never is (values are single lines after decoding).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$])")
_MD_OR_HTML_SPECIAL = re.compile(r"[\\`*_\[\]|~$&<>\"]")  # a value escape_md changes


def escape_md(text: str) -> str:
    """Inline Markdown (GitHub flavour, HTML allowed) that displays `text` literally, on one line.

    GitHub renders Markdown with raw HTML allowed (then sanitised) and with `$...$` math, so text
    is escaped for both languages: HTML-special characters become entities (`escape_html`), and
    the Markdown characters that could start emphasis, links, tables, code or math get a
    backslash. Letters, digits and ordinary punctuation are left alone (escaping every mark makes
    the source unreadable).
    """
    one_line = " ".join(text.split())  # str.split and the regex \s know the same blanks
    if not _MD_OR_HTML_SPECIAL.search(one_line):  # most titles and names: nothing to escape
        return one_line
    return _MD_SPECIAL.sub(r"\\\1", str(escape_html(one_line)))


# ---------------------------------------------------------------------- months

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


def month_macro(value: str | int | None) -> str | None:
    """The month macro (`jan` ... `dec`) a month means, or None when it means none.

    A number 1-12 (int or text), a macro, or an English month name or its abbreviation
    (`Sept.`, `june`).
    """
    if value is None:
        return None
    if isinstance(value, int):
        return MONTHS[value - 1] if 1 <= value <= 12 else None
    text = value.strip().lower().rstrip(".")
    if text.isdigit():
        return MONTHS[int(text) - 1] if 1 <= int(text) <= 12 else None
    if len(text) >= 3 and text[:3] in MONTHS and MONTH_NAMES[MONTHS.index(text[:3])].startswith(text):
        return text[:3]
    return None
