"""text.py: LaTeX decoding and the title key against pylatexenc, escaping against markupsafe."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import markupsafe
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of
from empathy_bib.text import (
    MONTHS,
    escape_html,
    escape_md,
    fold,
    group_end,
    month_macro,
    strip_markup,
    title_key,
    to_latex_ascii,
    to_unicode,
)

from .conftest import corpus_files

# The oracle: pylatexenc as it comes, with the options text.py gives it.
PYLATEXENC = LatexNodes2Text(math_mode="text", keep_comments=False, strict_latex_spaces=False)
# The macros text.py teaches pylatexenc (which drops them, or glues the words around them):
# titles using them are the documented cases where the key differs from the plain oracle.
TAUGHT = re.compile(r"\\(?:Dash|mbox|hbox|slash|TeX|LaTeX|LaTeXe|BibTeX)(?![A-Za-z])")


def oracle_text(value: str) -> str:
    return " ".join(PYLATEXENC.latex_to_text(value).replace("\u00a0", " ").split())


def oracle_key(value: str) -> str:
    return fold(oracle_text(value))


# ---------------------------------------------------------------------- LaTeX -> Unicode

LATEX_PIECES = [
    "a",
    "B",
    " ",
    "{",
    "}",
    "\\'e",
    "{\\'E}",
    '\\"{u}',
    "\\~{\\^e}",
    "\\c{c}",
    "\\c c",
    "\\v{r}",
    "\\'\\i",
    "\\ss{}",
    "\\o ",
    "\\&",
    "\\_",
    "\\$",
    "\\{",
    "$x^2$",
    "$\\alpha$",
    "~",
    "--",
    "``",
    "''",
    "\\textbf{b}",
    "\\emph{c}",
    "\\t{oo}",
    "\\,",
    "\\/",
    "2.5",
    "!`",
    "?`",
    "{\\tt x}",
    "\\alpha ",
    "\\log n",
    "\\LaTeX ",
    "\\textendash{}",
    "\\\\",
    "%",
    "`",
    "'",
]
LATEX_VALUES = st.lists(st.sampled_from(LATEX_PIECES), max_size=10).map("".join)


@settings(max_examples=300, deadline=None)
@given(LATEX_VALUES)
@example("Nguy{\\~{\\^e}}n and Garc{\\'\\i}a")
def test_to_unicode_is_pylatexenc(value: str) -> None:
    if not TAUGHT.search(value):
        assert to_unicode(value) == oracle_text(value)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("A group\\Dash a report", "A group — a report"),
        ("Biber\\Dash{}the backend", "Biber — the backend"),
        ("Partial \\mbox{$k$-trees}", "Partial k-trees"),
        ("{\\TeX} and {\\LaTeX} and \\BibTeX", "TeX and LaTeX and BibTeX"),
        ("input\\slash output", "input/output"),
    ],
)
def test_to_unicode_knows_the_macros_pylatexenc_drops(value: str, text: str) -> None:
    assert to_unicode(value) == text


def test_to_unicode_keeps_edge_spaces_of_a_fragment_when_asked() -> None:
    assert to_unicode(" Caf{\\'e} ", True) == " Café "
    assert to_unicode("  ", True) == " "
    assert to_unicode(" x ") == "x"


def test_loose_text_is_decoded_only_when_it_has_tex() -> None:
    """arXiv titles: `%` and `&` are text, `--` and `~` stay as written unless TeX is present."""
    assert to_unicode("100% of A & B -- C", loose=True) == "100% of A & B -- C"
    assert to_unicode("Caf\\'e: 100% & $\\alpha$", loose=True) == "Café: 100% & α"
    assert to_unicode("{BERT} is 50% off", loose=True) == "BERT is 50% off"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aeiouAEIOU çéèêëñøåüßłžíễịǎǖ")), max_size=20))
def test_latex_escapes_decode_back_to_the_text(text: str) -> None:
    encoded = to_latex_ascii(text)
    assert encoded.isascii()
    assert to_unicode(encoded) == " ".join(unicodedata.normalize("NFC", text).split())


def test_group_end_skips_escaped_braces_and_knows_quotes() -> None:
    assert group_end("{a{b}\\}c}d", 0) == 9
    assert group_end("{a{b}", 0) is None
    assert group_end('"a{"}b"c', 0, '"') == 7
    assert group_end('"a', 0, '"') is None


# ---------------------------------------------------------------------- title key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Caf{\\'e} au lait", "Café au lait"),
        ("Nguy{\\~{\\^e}}n", "Nguyễn"),
        ("{\\c{C}}a va", "Ça va"),
        ("Stra{\\ss}e", "Straße"),
        ("{BERT}: Pre-training", "BERT -- pre-training"),
        ("A~B", "A B"),
        ("Fish \\& Chips", "Fish & Chips"),
        ("The {$\\alpha$}-test", "The α-test"),
    ],
)
def test_spellings_of_one_title_have_one_key(a: str, b: str) -> None:
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        # validate's old regex fold read `\textbf` as the tie accent `\t` on `e`.
        ("\\textbf{Hello} world", "hello world"),
        # and dropped math commands.
        ("$\\alpha$-Divergences", "α divergences"),
        # pylatexenc alone glued the words around `\Dash` and dropped `\mbox`'s text.
        ("Groups\\Dash a report", "groups a report"),
        ("Partial \\mbox{$k$-trees}", "partial k trees"),
        ("{\\TeX} in practice", "tex in practice"),
        ("Qwen2.5 Technical Report", "qwen2 5 technical report"),
        ("\\t{oo}", "oo"),
        ("50\\% off", "50 off"),
        ("a % comment\nb", "a b"),
        ("{\\tt makematch}: Ars\\TeX nica", "makematch arstexnica"),
    ],
)
def test_title_key_pitfalls(raw: str, key: str) -> None:
    assert title_key(raw) == key


def test_titles_differing_in_a_version_number_have_different_keys() -> None:
    assert title_key("Qwen2 Technical Report") != title_key("Qwen2.5 Technical Report")


@settings(max_examples=300, deadline=None)
@given(LATEX_VALUES)
@example("\\\\'e \\'\\\\")
@example("{\\'e} \\o x \\ss y")
@example("\\\\~a")  # a line break before a letter: not an accent on it
def test_title_key_is_the_folded_decoded_text(raw: str) -> None:
    """The fast paths inside `title_key` give what decoding everything gives."""
    assert title_key(raw) == fold(to_unicode(raw))
    if not TAUGHT.search(raw):
        assert title_key(raw) == oracle_key(raw)


@pytest.mark.corpus
def test_title_key_agrees_with_pylatexenc_on_the_corpus(corpus_dir: Path) -> None:
    titles: set[str] = set()
    for path in corpus_files():
        bib = BibFile.from_text(path.read_bytes().decode("utf-8", errors="replace"))
        titles.update(p.fields["title"] for p in papers_of(bib) if "title" in p.fields)
    assert len(titles) > 10_000
    differ = [t for t in titles if not TAUGHT.search(t) and title_key(t) != oracle_key(t)]
    assert differ == []
    taught = [t for t in titles if TAUGHT.search(t)]
    assert taught and all(title_key(t) == fold(to_unicode(t)) for t in taught)


# ---------------------------------------------------------------------- fold, markup, escaping


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Café -- the 2.5 LLMs", "cafe the 2 5 llms"),
        ("Daumé III", "daume iii"),
        ("Straße", "strasse"),
        ("  Ünïcödé\t", "unicode"),
        ("snake_case", "snake_case"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
@example("\x1c a\x1fb\x0bc ~ d")
@example("Éa--b")  # non-ASCII that decomposes to ASCII
def test_fold_is_accents_dropped_then_each_non_word_run_one_blank(text: str) -> None:
    # The definition, written with the standard library alone (ASCII text takes a faster road).
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    assert fold(text) == re.sub(r"\W+", " ", plain.casefold()).strip()


@pytest.mark.parametrize(
    ("value", "plain"),
    [
        ("<jats:title>Empathy in <i>LLMs</i> &amp; CO<sub>2</sub></jats:title>", "Empathy in LLMs & CO2"),
        ("<scp>Bert</scp>:\n  a  model", "Bert: a model"),
        ("Tom &amp; Jerry &#233;t&eacute;", "Tom & Jerry été"),
        ("a < b and c > d", "a < b and c > d"),
        ("plain  text", "plain text"),
    ],
)
def test_strip_markup(value: str, plain: str) -> None:
    assert strip_markup(value) == plain


@given(st.one_of(st.text(alphabet=st.sampled_from(list("&<>\"'a é;#")), max_size=20), st.integers()))
def test_escape_html_is_markupsafe(value: str | int) -> None:
    escaped = escape_html(value)
    assert isinstance(escaped, markupsafe.Markup)
    assert escaped == markupsafe.escape(value)
    assert html.unescape(escaped) == str(value)


def test_escape_md_makes_html_and_markdown_inert() -> None:
    out = escape_md('<b>x</b> *y* "q" & [l](u)\n next')
    assert out == "&lt;b&gt;x&lt;/b&gt; \\*y\\* &#34;q&#34; &amp; \\[l\\](u) next"
    assert escape_md("Don't panic") == "Don't panic"


# ---------------------------------------------------------------------- months


@pytest.mark.parametrize(
    ("value", "macro"),
    [
        (1, "jan"),
        (12, "dec"),
        (13, None),
        (0, None),
        (None, None),
        ("3", "mar"),
        (" 09 ", "sep"),
        ("Sept.", "sep"),
        ("june", "jun"),
        ("May", "may"),
        ("Mayday", None),
        ("ja", None),
        ("13", None),
        ("spring", None),
    ],
)
def test_month_macro(value: str | int | None, macro: str | None) -> None:
    assert month_macro(value) == macro


def test_month_table_is_every_month_once() -> None:
    assert len(set(MONTHS)) == 12
    assert [month_macro(m) for m in MONTHS] == list(MONTHS)
    assert [month_macro(n) for n in range(1, 13)] == list(MONTHS)
