"""LaTeX safety (E6xx/W6xx): values that BibTeX or biber pass on to LaTeX, which then fails.

Each text field's raw value is read as LaTeX reads it once a style has copied it into the .bbl:
`& % #` are special everywhere, `_ ^` outside math, `$` switches to math, `~` is a tie. Verbatim
fields (url, doi, eprint, file: `_TEXT_FIELDS` leaves them out) and the arguments of `\\url`-like
commands are not text. `problems` finds each pitfall with its repair when one is mechanical;
`check` reports them and `fix.plan_fixes` applies the repairs (one encoder for letters:
`enrich.latexvalue.escape_latex`, the one `add` writes with).

Raw non-ASCII letters are warned about only where the file's convention is ASCII with escapes
(`ascii_convention`); characters that no T1 escape reaches are warned about everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..bib import BibFile, BlockKind
from ..text import group_end
from .context import Context

# Fields BibTeX styles or biblatex print (or biber writes into the .bbl): the ones read as text.
_TEXT_FIELDS = frozenset(
    {
        "title", "subtitle", "titleaddon", "booktitle", "booksubtitle", "booktitleaddon",
        "maintitle", "mainsubtitle", "journal", "journaltitle", "journalsubtitle", "series",
        "author", "editor", "translator", "bookauthor", "publisher", "organization",
        "institution", "school", "address", "location", "note", "addendum", "howpublished",
        "edition", "chapter", "type", "volume", "number", "pages", "eventtitle", "venue",
        "version", "language", "month",
    }
)  # fmt: skip
# Fields biber writes into the .bbl that no standard style prints: only what breaks reading the
# .bbl matters there (`%` comments out the rest of the line, `#` is a macro parameter).
_STORED_FIELDS = frozenset({"abstract", "annote", "annotation"})
_BREAKS_STORED = frozenset({"E601"})
_CHECKED_FIELDS = _TEXT_FIELDS | _STORED_FIELDS
_TITLE_FIELDS = frozenset({"title", "subtitle", "booktitle", "maintitle", "journal", "journaltitle"})
# Commands whose braced argument is verbatim (a URL, a path): not text.
_VERBATIM_COMMANDS = frozenset({"url", "path", "nolinkurl", "href", "doi"})
_ACCENT_SYMBOLS = "`'^\"~=."
_ACCENT_LETTERS = "uvHckbdrt"
# Commands the standard classes, natbib + url and biblatex define, fine in any title.
_KNOWN_COMMANDS = frozenset(
    {
        "textsc", "textbf", "textit", "textsl", "texttt", "textrm", "textsf", "textup", "textmd",
        "textnormal", "emph", "em", "bf", "it", "sl", "sc", "tt", "rm", "sf", "up", "md",
        "normalfont", "mbox", "hbox", "makebox", "ensuremath", "textsuperscript", "textsubscript",
        "TeX", "LaTeX", "LaTeXe", "ss", "SS", "ae", "AE", "oe", "OE", "aa", "AA", "o", "O", "l",
        "L", "i", "j", "dh", "DH", "th", "TH", "ng", "NG", "dj", "DJ", "P", "S", "dag", "ddag",
        "copyright", "pounds", "textendash", "textemdash", "textquoteleft", "textquoteright",
        "textquotedblleft", "textquotedblright", "textbackslash", "textbraceleft",
        "textbraceright", "textasciitilde", "textasciicircum", "textunderscore", "textbar",
        "textless", "textgreater", "textdollar", "textsterling", "texteuro", "textregistered",
        "texttrademark", "textcopyright", "textdegree", "textellipsis", "textbullet",
        "textperiodcentered", "textvisiblespace", "guillemotleft", "guillemotright",
        "guilsinglleft", "guilsinglright", "quotedblbase", "quotesinglbase", "dots", "ldots",
        "slash", "relax", "protect", "space", "nobreakspace", "allowbreak", "linebreak",
        "nolinebreak", "newline", "hspace", "url", "small", "footnotesize", "scriptsize", "tiny",
        "normalsize", "large", "Large", "LARGE", "huge", "Huge", "upshape", "itshape", "slshape",
        "scshape", "bfseries", "mdseries", "rmfamily", "sffamily", "ttfamily", "lowercase",
        "uppercase", "MakeUppercase", "MakeLowercase", "noopsort", "natexlab", "textmu",
        "textonehalf", "textonequarter", "textthreequarters", "texttimes", "textdiv", "textpm",
        "textminus", "textrightarrow", "textleftarrow", "textordfeminine", "textordmasculine",
        "textexclamdown", "textquestiondown", "vphantom", "hphantom", "phantom", "smash",
        "raisebox", "char", "symbol", "kern", "hskip", "thinspace", "negthinspace", "enspace",
        "enskip", "quad", "qquad", "nobreak", "penalty", "unskip", "ignorespaces",
        "textasciimacron", "textasciiacute", "textasciidieresis", "textasciigrave",
    }
    | set(_ACCENT_LETTERS)
)  # fmt: skip
# Commands that break or misbehave inside a bibliography entry, whatever the document defines.
_BREAKS_IN_BIBLIOGRAPHY = frozenset(
    {
        "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "nocite",
        "parencite", "textcite", "autocite", "ref", "eqref", "pageref", "autoref", "cref",
        "Cref", "label", "footnote", "footnotetext", "index", "input", "include", "caption",
    }
)  # fmt: skip
# A backslash and a control word or symbol, a brace, or a character LaTeX reads specially.
_TOKEN = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z]?)|[{}$&%#_^~]|[^\x00-\x7f]")
# What only the full token scan handles: math, special characters, non-ASCII, verbatim arguments
# (`_needs_scan`). Searching for these with one pattern (a lookbehind for the escapes) cost more
# than the rest of the family.
_SPECIAL_CHAR = re.compile(r"[$&%#_^~]")
_VERBATIM = re.compile(r"\\(?:" + "|".join(sorted(_VERBATIM_COMMANDS)) + r")(?![A-Za-z])")
_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|[^A-Za-z]?)")
# What any finding in an ASCII value needs: braces alone never make one (every braced value has them).
_SPECIAL = re.compile(r"[\\$&%#_^~]")
_ACCENT = r"(?:\\[`'^\"~=.]|\\[uvHckbdr](?![A-Za-z]))"
_DOTLESS_ACCENT = re.compile(_ACCENT + r"\s*(\{\s*)?\\([ij])(?![A-Za-z])( (?=[A-Za-z]))?")
_STACKED_ACCENT = re.compile(_ACCENT + r"\s*\{?\s*" + _ACCENT)
_PREAMBLE_DEFINITION = re.compile(
    r"\\(?:(?:re|provide)?newcommand\*?\s*\{?\s*|[egx]?def\s*|let\s*)\\([A-Za-z]+)"
)
_ESCAPE_MARK = re.compile(r"\\[`'^\"~=.]|\\(?:[uvHckbdrt]|ss|ae|oe|aa|o|l)(?![A-Za-z])", re.I)
_MATH_ESCAPE = re.compile(r"\{\\ensuremath\{(.*)\}\}")
_UNICODE_ENGINES = "XeLaTeX or LuaLaTeX (fontspec, with a font that has the character)"


@dataclass(frozen=True)
class Problem:
    """One pitfall in a raw value: `offset` and `length` within it, and the repair if mechanical."""

    code: str
    offset: int
    length: int
    message: str
    replacement: str | None = None


@dataclass(frozen=True)
class Conventions:
    """What the whole file decides: its writing convention and the commands its @preamble defines."""

    ascii_escapes: bool
    defined: frozenset[str]


def conventions(bib: BibFile) -> Conventions:
    """Whether raw non-ASCII letters break the file's convention, and the @preamble's commands.

    The convention is ASCII with escapes when raw non-ASCII text is rare: in at most a tenth of
    the entries, or in fewer entries than those with LaTeX accent escapes.
    """
    defined: set[str] = set()
    for block in bib.blocks:
        if block.kind is BlockKind.PREAMBLE:
            defined.update(_PREAMBLE_DEFINITION.findall(block.raw))
    if bib.text.isascii():
        return Conventions(True, frozenset(defined))
    entries = bib.entries
    raw = sum(1 for e in entries if not e.raw.isascii())
    escaped = sum(1 for e in entries if "\\" in e.raw and _ESCAPE_MARK.search(e.raw))
    return Conventions(raw <= max(escaped - 1, len(entries) // 10), frozenset(defined))


# Reported once per field (the first, with a count of the others); `--fix` repairs them all.
_ONCE_PER_FIELD = frozenset({"W608", "W609"})


def check(ctx: Context) -> None:
    conv = conventions(ctx.bib)
    for paper in ctx.papers:
        spans = paper.spans
        for name in _CHECKED_FIELDS.intersection(spans):  # findings are sorted by position later
            f = spans[name]
            if not _may_have_problems(f.raw_value, name):
                continue
            found = problems(f.raw_value, name, conv)
            for p in found:
                message = f"{name}: {p.message}"
                if p.code in _ONCE_PER_FIELD:
                    same = [q for q in found if q.code == p.code]
                    if same[0] is not p:
                        continue
                    if len(same) > 1:
                        message += f" ({len(same) - 1} more such character(s) in this field)"
                ctx.report(p.code, f.value_start + p.offset, message, paper.key)


def _may_have_problems(raw: str, field: str) -> bool:
    """A cheap test that `problems` would find nothing when false (most values)."""
    if field in _STORED_FIELDS:
        return "%" in raw or "#" in raw
    return not raw.isascii() or _SPECIAL.search(raw) is not None


def is_checked(field: str) -> bool:
    """Whether field `field` (lower case) is read as LaTeX text by these checks."""
    return field in _CHECKED_FIELDS


def problems(raw: str, field: str, conv: Conventions) -> list[Problem]:
    """Every pitfall in the raw value of text field `field`, in order (in an abstract, only what
    breaks reading the .bbl)."""
    found: list[Problem] = []
    for start, end in _strings(raw):
        if _needs_scan(raw, start, end):
            found += _scan(raw, start, end, field, conv)
        elif field in _TITLE_FIELDS:  # no math, special character or verbatim argument: commands only
            found += _command_problems(raw, start, end, conv)
        found += _accent_problems(raw, start, end)
    if field in _STORED_FIELDS:
        found = [p for p in found if p.code in _BREAKS_STORED and raw[p.offset] in "%#"]
    return sorted(found, key=lambda p: p.offset)


def _needs_scan(raw: str, start: int, end: int) -> bool:
    """Whether `raw[start:end]` holds non-ASCII text, a special character no backslash escapes
    (`\\&` is escaped, `\\\\&` is a line break and then `&`), or a verbatim command."""
    if not raw.isascii():
        return True
    for m in _SPECIAL_CHAR.finditer(raw, start, end):
        i = m.start()
        backslashes = 0
        while i - backslashes > start and raw[i - backslashes - 1] == "\\":
            backslashes += 1
        if backslashes % 2 == 0:
            return True
    return "\\" in raw and _VERBATIM.search(raw, start, end) is not None


def repaired(raw: str, found: list[Problem]) -> str | None:
    """`raw` with every mechanical repair of `found` applied, or None when there is none."""
    pieces: list[str] = []
    last = 0
    for p in found:
        if p.replacement is None or p.offset < last:
            continue
        pieces += [raw[last : p.offset], p.replacement]
        last = p.offset + p.length
    return "".join(pieces) + raw[last:] if pieces else None


def _strings(raw: str) -> Iterator[tuple[int, int]]:
    """The (start, end) of the text inside each braced or quoted piece of a raw value."""
    if "#" not in raw and raw[:1] + raw[-1:] in ("{}", '""'):
        yield 1, len(raw) - 1  # one delimited string, the usual value: no concatenation to split
        return
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch in '{"':
            end = group_end(raw, i, ch)
            if end is None:
                return  # unbalanced: the syntax checks report it
            yield i + 1, end - 1
            i = end
        else:
            i += 1


def _scan(raw: str, start: int, end: int, field: str, conv: Conventions) -> list[Problem]:
    found: list[Problem] = []
    math_open: int | None = None  # where the open `$` is
    math_depth = 0
    depth = 0
    dollars = 0
    skip_to = start
    for m in _TOKEN.finditer(raw, start, end):
        i, tok = m.start(), m.group()
        if i < skip_to:
            continue
        if tok[0] == "\\":
            name = tok[1:]
            if name in _VERBATIM_COMMANDS and raw[m.end() : m.end() + 1] == "{":
                skip_to = group_end(raw, m.end(), limit=end) or end
                found += _verbatim_problems(raw, m.end(), skip_to, name)
            elif math_open is None and name.isalpha() and field in _TITLE_FIELDS:
                found += _command_problem(name, i, len(tok), conv)
        elif tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if math_open is not None and depth < math_depth:
                found.append(Problem("E603", math_open, 1, "math opened by `$` closes outside its braces"))
                math_open = None
        elif tok == "$":
            dollars += 1
            math_open, math_depth = (i, depth) if math_open is None else (None, 0)
        elif tok in "&%#":
            found.append(Problem("E601", i, 1, _special_message(tok), "\\" + tok))
        elif tok == "_" and math_open is None:
            found.append(Problem("E601", i, 1, _special_message(tok), "\\_"))
        elif tok == "^" and math_open is None:
            message = (
                "`^` outside math stops LaTeX (Missing $ inserted): write `$^{...}$` or `\\textasciicircum{}`"
            )
            found.append(Problem("E604", i, 1, message))
        elif tok == "~":
            if math_open is None and (i == start or raw[i - 1].isspace()):
                message = (
                    "`~` is a non-breaking space in LaTeX, not a tilde: "
                    "write `\\textasciitilde{}` or `$\\sim$`"
                )
                found.append(Problem("W605", i, 1, message))
        elif math_open is None:
            found += _character_problem(tok, i, raw, start, end, conv)
    if math_open is not None:
        if dollars == 1:
            # A dollar sign, not math: what follows it is text, checked as such (else a `_` there
            # is found only once `--fix` has escaped the `$`, and a second `--fix` changes more).
            message = "a lone `$` starts math that never closes: write `\\$` for a dollar sign"
            before = [p for p in found if p.offset < math_open]
            found = [*before, Problem("E602", math_open, 1, message, "\\$")]
            found += _scan(raw, math_open + 1, end, field, conv)
        else:
            found.append(Problem("E603", math_open, 1, "math opened by `$` never closes"))
    return found


def _command_problems(raw: str, start: int, end: int, conv: Conventions) -> list[Problem]:
    """What `_scan` finds in a string with no math, special character, non-ASCII letter or
    verbatim command: the control words, tokenized as `_TOKEN` does."""
    found: list[Problem] = []
    for m in _CONTROL.finditer(raw, start, end):
        if m.group(1):
            found += _command_problem(m.group(1), m.start(), m.end() - m.start(), conv)
    return found


def _verbatim_problems(raw: str, start: int, end: int, command: str) -> list[Problem]:
    """`%` and `#` inside `\\url{...}` in a text field: biber copies the value into the .bbl,
    where they still comment out the line or stop LaTeX; a backslash would change the URL."""
    where = f"inside `\\{command}{{...}}` in a text field breaks biblatex's .bbl: "
    advice = "put the address in the `url` field, which is verbatim"
    return [Problem("E601", i, 1, f"`{raw[i]}` {where}{advice}") for i in range(start, end) if raw[i] in "%#"]


def _special_message(char: str) -> str:
    effect = {
        "&": "is an alignment tab (Misplaced alignment tab character &)",
        "%": "starts a comment: LaTeX drops the rest of the line",
        "#": "is a macro parameter (You can't use `macro parameter character #')",
        "_": "outside math stops LaTeX (Missing $ inserted)",
    }[char]
    return f"unescaped `{char}` {effect}: write `\\{char}`"


def _command_problem(name: str, offset: int, length: int, conv: Conventions) -> list[Problem]:
    if name in _BREAKS_IN_BIBLIOGRAPHY:
        message = f"`\\{name}` in a bibliography entry refers to the citing document: write the text itself"
        return [Problem("W610", offset, length, message)]
    if name in _KNOWN_COMMANDS or name in conv.defined:
        return []
    message = (
        f"`\\{name}` is no command LaTeX or the BibTeX styles define (Undefined control sequence "
        "wherever the citing paper does not define it): write the text, or define it in @preamble"
    )
    return [Problem("W610", offset, length, message)]


def _accent_problems(raw: str, start: int, end: int) -> list[Problem]:
    found: list[Problem] = []
    if raw.count("\\", start, end) < 2:  # each needs an accent command and a second one
        return found
    for m in _DOTLESS_ACCENT.finditer(raw, start, end):
        letter = m.group(2)
        i = m.start(2) - 1  # the backslash of `\i`
        length = m.end() - i
        message = (
            f"an accent on `\\{letter}`: biber makes it a dotless {letter} and a combining accent that "
            f"pdflatex cannot set; write the plain letter (`{{\\'{letter}}}`), right in BibTeX and biber"
        )
        found.append(Problem("W606", i, length, message, letter))
    for m in _STACKED_ACCENT.finditer(raw, start, end):
        message = (
            "stacked accents: biber decodes them halfway (pdflatex then reads an invalid UTF-8 byte); "
            f"they print with BibTeX, with {_UNICODE_ENGINES} and the UTF-8 letter, "
            "or with biber --output-safechars"
        )
        found.append(Problem("W607", m.start(), m.end() - m.start(), message))
    return found


def _character_problem(char: str, i: int, raw: str, start: int, end: int, conv: Conventions) -> list[Problem]:
    kind, escape = _classify(char)
    if kind == "ok" or (kind == "latin" and not conv.ascii_escapes):
        return []
    if kind == "latin":
        word = _word_at(raw, i, start, end)
        written = "".join(_classify(c)[1] if not c.isascii() else c for c in word)
        message = f"raw {char!r} in a file written in ASCII with LaTeX escapes: write `{written}`"
        return [Problem("W608", i, 1, message, escape)]
    math = _MATH_ESCAPE.fullmatch(escape)
    hint = f"; in pdflatex, as math: `${math.group(1)}$`" if math else ""
    message = (
        f"{char!r} (U+{ord(char):04X}) has no escape pdflatex prints with T1 fonts: "
        f"{_UNICODE_ENGINES} print it"
    )
    return [Problem("W609", i, 1, message + hint)]


@lru_cache(maxsize=4096)
def _classify(char: str) -> tuple[str, str]:
    """(kind, escape): `latin` a letter with a T1 escape, `math` a symbol only math writes,
    `ok` what pdflatex's UTF-8 input prints as is (dashes, quotes), `beyond` the rest."""
    from ..enrich.latexvalue import escape_latex

    if unicodedata.category(char)[0] in "ZC":
        return "ok", char  # blanks and invisible characters: W406's concern
    escape = escape_latex(char)
    if not escape.isascii() or "\\CYR" in escape or len(_ESCAPE_MARK.findall(escape)) > 1:
        return "beyond", escape
    if "ensuremath" in escape:
        return "math", escape
    if char.isalpha() and unicodedata.name(char, "").startswith("LATIN"):
        return "latin", escape
    return ("ok", escape) if escape else ("beyond", escape)


def _word_at(raw: str, i: int, start: int, end: int) -> str:
    """The word around position `i`, for a message that shows the escaped spelling."""
    left = i
    while left > start and (raw[left - 1].isalpha()):
        left -= 1
    right = i + 1
    while right < end and raw[right].isalpha():
        right += 1
    return raw[left:right]
