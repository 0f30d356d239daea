"""The render's fast paths give exactly what the slow, general code gives (differential tests).

Each fast path (names, name lists, field values, URLs, escaping, streamed tidying) is checked
against the reference it replaces, on generated input aimed at its edges.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import markupsafe
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from empathy_bib import ids
from empathy_bib.bib import BibFile, resolve_value
from empathy_bib.latex import Span, _matching_brace, protected_spans, to_unicode, to_unicode_keep_spaces
from empathy_bib.model import (
    _field_value,
    _is_pdf_url,
    _is_web_url,
    _split_comma_name,
    split_name,
    split_name_list_fast,
)
from empathy_bib.render import render_all, tidy_to_bytes
from empathy_bib.render.csljson import _lower_if_capitalised, _sentence_case
from empathy_bib.render.markdown import escape_md, safe_url
from empathy_bib.render.readme import _indent_block
from empathy_bib.render.site import escape_html
from empathy_bib.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "styles"

WORDS = [
    "van",
    "der",
    "de",
    "La",
    "Berg",
    "Jan",
    "jr",
    "III",
    "Émile",
    "éa",
    "ß",
    "1st",
    "-x",
    "'t",
    "ǅa",
    "_y",
]
name_text = st.lists(st.sampled_from([*WORDS, " ", "  ", ",", "\t", "."]), max_size=10).map("".join)


def pybtex_parts(name: str) -> tuple[tuple[str, ...], ...]:
    p = Person(name)
    first = tuple(p.first_names + p.middle_names)
    return first, tuple(p.prelast_names), tuple(p.last_names), tuple(p.lineage_names)


@settings(max_examples=300, deadline=None)
@given(name_text)
@example("van der Berg, Jan")
@example("de la Fontaine, Jr., Jean")
@example("Daumé, III, Hal")
@example("von Last First, Given")
@example(", Given")
@example("Smith,")
def test_comma_names_split_exactly_as_pybtex(name: str) -> None:
    fast = _split_comma_name(name.strip())
    if fast is None:  # not a comma form it handles: pybtex's parser is used
        assert name.count(",") not in (1, 2)
        return
    assert (fast.first, fast.von, fast.last, fast.jr) == pybtex_parts(name.strip())


def test_von_particles_go_to_prelast() -> None:
    parts = split_name("van der Berg, Jan")
    assert parts.von == ("van", "der") and parts.last == ("Berg",) and parts.first == ("Jan",)


@pytest.mark.parametrize(
    "name",
    ["{van der} Berg, Jan", "Jan van der Berg", 'M{\\"u}ller, J{\\"o}rg', "Smith, J.~R.", "A, B, C, D"],
)
def test_other_names_fall_back_to_pybtex(name: str) -> None:
    assert _split_comma_name(name) is None
    if name.count(",") <= 2:
        parts = split_name(name)
        assert (parts.first, parts.von, parts.last, parts.jr) == pybtex_parts(name)


name_list = st.lists(
    st.sampled_from(["a", "n", "d", "A", "N", "D", " ", " and ", " AnD ", "{", "}", "x", "\\", ","]),
    max_size=30,
).map(lambda parts: " ".join("".join(parts).split()))


@settings(max_examples=400, deadline=None)
@given(name_list)
@example("{Armand and Anderssen} and Peterson")
@example("What a Strange{ }and Bizzare Name! and Peterson")
@example("{{a} and b")
@example("} and {x and")
def test_name_lists_split_exactly_as_pybtex(text: str) -> None:
    if text:
        assert split_name_list_fast(text) == split_name_list(text)


macros = {"acl": "Association for Computational Linguistics", "jan": "jan"}


@given(
    st.lists(st.sampled_from(["{", "}", '"', "#", " ", "acl", "jan", "12", "x", "\\{"]), max_size=8).map(
        "".join
    )
)
@example("{a # b}")
@example("{}")
def test_field_values_resolve_as_the_bib_layer_does(raw: str) -> None:
    raw = raw.strip()
    assert _field_value(raw, macros) == resolve_value(raw, macros).text


url_text = st.lists(
    st.sampled_from(
        [
            "http",
            "https",
            "HTTP",
            "://",
            "/",
            "a",
            ".",
            "-",
            ":8",
            "?q=1",
            "#f",
            " ",
            "(",
            ")",
            '"',
            "<",
            "%20",
            "[",
            "]",
            "é",
            "\t",
            "javascript:",
            "~",
            "'",
            "@",
            ".PDF",
            "/pdf/",
            "doi.org/",
            "dx.",
        ]
    ),
    max_size=10,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(url_text)
@example("https://aclanthology.org/2024.acl-long.1/")
@example("https://x.org/a b")
@example("http://[::1/x")
def test_web_url_fast_paths_agree_with_ids(url: str) -> None:
    assert _is_web_url(url) == ids.is_web_url(url)
    assert _is_pdf_url(url) == (ids.classify_url(url) == "pdf")
    slow = quote(url.strip(), safe="/:?#[]@!$&'*+,;=%~-._") if ids.is_web_url(url) else None
    assert safe_url(url) == (slow if url else None)


@given(st.text(alphabet=st.sampled_from(list("&<>\"'a é;#")), max_size=20))
def test_escape_html_is_what_autoescape_writes(text: str) -> None:
    assert escape_html(text) == str(markupsafe.escape(text))


@given(st.text(alphabet=st.sampled_from(list("ab \n\r\t")), max_size=30))
def test_indent_block_prefixes_lines_with_text(text: str) -> None:
    expected = "\n".join("   " + line if line else line for line in text.split("\n"))
    assert _indent_block(text, "   ") == expected


def tidy_reference(text: str) -> bytes:
    return ("\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n").encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab \n\t\u2003\r😀")), max_size=12), max_size=12))
def test_streamed_tidy_equals_the_whole_text_tidy(chunks: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("empathy_bib.render._BATCH", 2)  # batch edges fall everywhere
        assert tidy_to_bytes(chunks) == tidy_reference("".join(chunks))


def test_quotes_in_bib_text_cannot_leave_an_attribute() -> None:
    entry = (
        "@misc{q2024,\n  title = {Say \"hi\" onmouseover='x' </pre><script>alert(1)</script>},\n"
        "  author = {O'Neil, Ann},\n  year = {2024},\n  keywords = {datasets},\n}\n"
    )
    taxonomy = load_taxonomy(STYLES / "categories.toml")
    page = render_all(BibFile.from_text(entry), taxonomy, STYLES, validate=False)["site/index.html"]
    item = page[page.index('<li class="paper"') : page.index("</li>")]
    assert "<script>" not in item and "</pre><" not in item.replace("</pre></details>", "")
    assert 'data-text="say &#34;hi&#34; onmouseover=&#39;x&#39;' in item
    assert "O&#39;Neil" in item


def protected_spans_reference(value: str) -> list[Span]:
    """The character-by-character scanner `latex.protected_spans` replaced."""
    spans: list[Span] = []
    depth = start = buf_start = i = 0
    while i < len(value):
        ch = value[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            if depth == 0:
                if value[i + 1 : i + 2] == "\\":
                    i = _matching_brace(value, i) + 1
                    continue
                if i > buf_start:
                    spans.append(Span(value[buf_start:i], False))
                start = i
            depth += 1
        elif ch == "}" and depth > 0:
            depth -= 1
            if depth == 0:
                spans.append(Span(value[start + 1 : i], True))
                buf_start = i + 1
        i += 1
    if buf_start < len(value) and depth == 0:
        spans.append(Span(value[buf_start:], False))
    elif depth > 0:
        spans.append(Span(value[start:], False))
    return [Span(to_unicode_keep_spaces(s.text), s.protected) for s in spans if s.text]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["{", "}", "\\", "\\'", "a", "B", " ", "{\\", "'e", ":", "x"]), max_size=14).map(
        "".join
    )
)
@example("{MIME}: {\\'E}motions for Nguy{\\~{\\^e}}n's {LLM}s")
@example("{\\}")
@example("{{a}")
def test_title_spans_equal_the_character_scanner(value: str) -> None:
    assert protected_spans(value) == protected_spans_reference(value)


@given(st.text(alphabet=st.sampled_from(list("ab \n\t\u00a0\u2003\\`*_[]|~$&<>\"'")), max_size=20))
def test_escape_md_fast_path_equals_the_full_escape(text: str) -> None:
    one_line = re.sub(r"\s+", " ", text).strip()
    expected = re.sub(r"([\\`*_\[\]|~$])", r"\\\1", escape_html_md(one_line))
    assert escape_md(text) == expected


def escape_html_md(text: str) -> str:
    return "".join({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}.get(c, c) for c in text)


def sentence_case_reference(text: str, at_start: bool) -> tuple[str, bool]:
    """The word loop `csljson._sentence_case` replaced (no cache, no split)."""
    out, last = [], 0
    for m in re.finditer(r"\S+", text):
        word = m.group(0)
        out += [text[last : m.start()], _lower_if_capitalised(word, keep_first=at_start)]
        at_start = (word.endswith((":", "?", "!", ".")) and len(word) > 1) or word in (":", "?", "!")
        last = m.end()
    out.append(text[last:])
    return "".join(out), at_start


WORDS_IN_TITLES = ["Empathy", "LLMs", "Cause-Aware", "a", ":", "Title:", "?", "B.", " ", "  ", "\n", "É-b"]


@given(st.lists(st.sampled_from(WORDS_IN_TITLES), max_size=8).map("".join), st.booleans())
def test_sentence_case_equals_the_word_loop(text: str, at_start: bool) -> None:
    assert _sentence_case(text, at_start) == sentence_case_reference(text, at_start)
    assert _sentence_case(text, at_start) == sentence_case_reference(text, at_start)  # cached now


BLANKS = [chr(c) for c in range(0x3001) if chr(c).isspace()]


@given(st.lists(st.sampled_from([*BLANKS, "a", "{", "}", "b"]), max_size=12).map("".join))
def test_plain_values_collapse_blanks_as_the_regex_did(value: str) -> None:
    assert to_unicode(value) == re.sub(r"\s+", " ", value.replace("{", "").replace("}", "")).strip()
