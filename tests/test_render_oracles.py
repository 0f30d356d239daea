"""render's outputs, read back by independent tools, say what the list says.

Each test renders a small generated list through the command line and compares an output with
an independent reading of the same .bib: pybtex for names (CSL-JSON authors), pandoc's BibTeX
reader for sentence-cased titles with protected words, markupsafe and the standard HTML parser
for the page, bibtexparser for the entries shown in the README, pandoc's Markdown reader for
README text. No test imports a private function or keeps a copy of retired code.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import bibtexparser
import markupsafe
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pybtex.database import Person, parse_string
from pylatexenc.latex2text import LatexNodes2Text

from .conftest import render_list, require_tool

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def misc(key: str, title: str, author: str = "Lee, Ann", **fields: str) -> str:
    extra = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return (
        f"@misc{{{key},\n  title = {{{title}}},\n  author = {{{author}}},\n  year = {{2021}},\n"
        f"{extra}  keywords = {{datasets}},\n}}\n"
    )


def csl_items(outputs: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in json.loads(outputs["bib/references.json"])}


# ---------------------------------------------------------------------- names, against pybtex

NAME_WORDS = [
    "van",
    "der",
    "de",
    "La",
    "Berg",
    "Jan",
    "Jr.",
    "III",
    "Anne-Marie",
    "d'Arc",
    "Smith",
    "{von Neumann}",
]
LATEX_WORDS = ['M{\\"u}ller', "Jos{\\'e}", "{\\AA}se", "Garc{\\'\\i}a"]
one_name = st.lists(st.sampled_from([*NAME_WORDS, *LATEX_WORDS]), min_size=1, max_size=4).flatmap(
    lambda words: st.sampled_from(
        [" ".join(words), f"{words[-1]}, {' '.join(words[:-1])}", f"{words[0]}, Jr., {' '.join(words[1:])}"]
    )
)
decode = LatexNodes2Text().latex_to_text


def pybtex_csl_name(person: Person) -> dict[str, str]:
    """The CSL name pybtex's split gives, each part decoded from LaTeX by pylatexenc."""
    parts = {
        "given": " ".join(person.first_names + person.middle_names),
        "non-dropping-particle": " ".join(person.prelast_names),
        "family": " ".join(person.last_names),
        "suffix": " ".join(person.lineage_names),
    }
    return {role: decode(text) for role, text in parts.items() if text}


@FAST
@given(names=st.lists(one_name, min_size=1, max_size=6))
@example(names=["van der Berg, Jan", "de la Fontaine, Jr., Jean", "Daum{\\'e}, III, Hal", "Jan van der Berg"])
def test_authors_are_split_as_pybtex_splits_them(names: list[str], tmp_path: Path) -> None:
    author = " and ".join(names)
    text = misc("a2021", "Empathy", author=author)
    persons = parse_string(text, "bibtex").entries["a2021"].persons["author"]
    ours = csl_items(render_list(text, tmp_path))["a2021"]["author"]
    theirs = [pybtex_csl_name(p) for p in persons]
    for name in ours:  # literal names ({OpenAI}) are pybtex's one-word last names
        if "literal" in name:
            name["family"] = name.pop("literal")
    for name in theirs:
        name["family"] = name.get("family") or name.pop("non-dropping-particle", "")
    assert ours == theirs


def test_a_braced_name_is_one_literal_name(tmp_path: Path) -> None:
    text = misc("a2021", "Empathy", author="{OpenAI} and {Armand and Anderssen} and Peterson, Ann")
    names = csl_items(render_list(text, tmp_path))["a2021"]["author"]
    assert names == [
        {"literal": "OpenAI"},
        {"literal": "Armand and Anderssen"},
        {"family": "Peterson", "given": "Ann"},
    ]


# ---------------------------------------------------------------------- titles, against pandoc

# Subtitles (after ":", "?" or ".") are left to the real-list test below: pandoc's rule for them is its own.
TITLE_WORDS = ["Empathy", "LLMs", "Cause-Aware", "a", "{BERT}", "{Emp}athy", "\u00c9-b", "of"]
# A title starts with a capital (pandoc capitalises a lower-case first word; the list never has one).
title_text = st.lists(st.sampled_from(TITLE_WORDS), min_size=1, max_size=8).map(
    lambda w: " ".join(["Empathy", *w])
)


def pandoc_titles(pandoc: str, bib_text: str) -> dict[str, str]:
    result = subprocess.run(
        [pandoc, "-f", "bibtex", "-t", "csljson"], input=bib_text, capture_output=True, text=True, check=True
    )
    return {item["id"]: item.get("title", "") for item in json.loads(result.stdout)}


def without_nocase(title: str) -> str:
    """pandoc writes protected words as plain text in CSL-JSON; compare the words, not the markup."""
    return re.sub(r'<span class="nocase">(.*?)</span>', r"\1", title)


@FAST
@given(title=title_text)
@example(title="Empathy and the Right to Be an Exception {LLMs} Can Do Cause-Aware {M}imicking")
def test_titles_are_sentence_cased_as_pandoc_does(title: str, tmp_path: Path) -> None:
    pandoc = require_tool("pandoc")
    text = misc("k2021", title)
    ours = {
        key: without_nocase(item["title"]) for key, item in csl_items(render_list(text, tmp_path)).items()
    }
    assert ours == pandoc_titles(pandoc, text)


def test_the_real_list_titles_match_pandoc(root: Path) -> None:
    pandoc = require_tool("pandoc")
    text = (root / "references.bib").read_text(encoding="utf-8")
    ours = json.loads((root / "bib" / "references.json").read_text(encoding="utf-8"))
    theirs = pandoc_titles(pandoc, text)
    assert len(ours) == len(theirs)
    for item in ours:  # pandoc makes straight apostrophes typographic; citeproc does that later
        assert without_nocase(item["title"]) == theirs[item["id"]].replace("\u2019", "'"), item["id"]


# ---------------------------------------------------------------------- the page, against markupsafe


class TitleText(HTMLParser):
    """The decoded text of each `<li class="paper">`, and every attribute value, as a browser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag == "li" and ("class", "paper") in attrs:
            self.depth = 1
            self.items.append("")
        elif tag == "li" and self.depth:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.items[-1] += data


def no_latex_quotes(text: str) -> bool:
    """`''` and ``` `` ``` are LaTeX's typographic quotes (printed as ” and “), not markup to escape."""
    return "''" not in text and "``" not in text


RISKY = st.text(alphabet=st.sampled_from(list("<>\"'ab ;#/")), min_size=1, max_size=12).filter(
    no_latex_quotes
)  # `&` is LaTeX


@FAST
@given(front=RISKY, back=RISKY)
def test_page_text_is_escaped_as_markupsafe_escapes_it(front: str, back: str, tmp_path: Path) -> None:
    title = " ".join(f"Word {front} and {back} end".split())  # as the page shows it: blanks collapsed
    page = render_list(misc("a2021", title), tmp_path)["site/index.html"]
    assert str(markupsafe.escape(title)) in page
    parsed = TitleText()
    parsed.feed(page)
    (item,) = parsed.items
    assert " ".join(item.split()).startswith(title)  # the browser shows the title as written
    assert ("data-text", title.lower()) in parsed.attributes or any(
        title.lower() in value for name, value in parsed.attributes if name == "data-text"
    )


def test_quotes_in_bib_text_cannot_leave_an_attribute(tmp_path: Path) -> None:
    title = "Say \"hi\" onmouseover='x' </pre><script>alert(1)</script>"
    page = render_list(misc("q2024", title, author="O'Neil, Ann"), tmp_path)["site/index.html"]
    item = page[page.index('<li class="paper"') : page.index("</li>")]
    assert "<script>" not in item and "</pre><" not in item.replace("</pre></details>", "")
    assert 'data-text="say &#34;hi&#34; onmouseover=&#39;x&#39;' in item
    assert "O&#39;Neil" in item
    assert html.unescape(str(markupsafe.escape(title))) == title


# ---------------------------------------------------------------------- the README


def readme_entries(readme: str) -> list[str]:
    """The BibTeX shown under each paper of the README, de-indented."""
    blocks = re.findall(r"^( +)```bibtex\n(.*?)^\1```", readme, flags=re.M | re.S)
    return [textwrap.dedent(body) for _, body in blocks]


def test_readme_shows_each_entry_as_bibtexparser_reads_the_list(tmp_path: Path) -> None:
    text = misc("a2021", "Empathy\tin  {BERT}", pages="1--2") + misc("b2021", "Second", note="two\n  lines")
    readme = render_list(text, tmp_path)["README.md"]
    shown = readme_entries(readme)
    assert len(shown) == 2
    listed = {e.key: {f.key: f.value for f in e.fields} for e in bibtexparser.parse_string(text).entries}
    for block in shown:
        (entry,) = bibtexparser.parse_string(block).entries
        fields = {f.key: f.value for f in entry.fields}
        assert {k: " ".join(v.split()) for k, v in fields.items()} == {
            k: " ".join(v.split()) for k, v in listed[entry.key].items()
        }


# Markdown's specials, without LaTeX's in a .bib title: `~` (tie), `$` (math), `&`, `!`` (ligature).
MARKDOWN_RISKY = st.text(alphabet=st.sampled_from(list("ab `*_[]|<>\"'#()")), min_size=1, max_size=14).filter(
    no_latex_quotes
)


@FAST
@given(words=MARKDOWN_RISKY)
@example(words="a*b*_c_ [x](y) `z` | <b> ![i](j)")
def test_readme_titles_read_back_by_pandoc_as_written(words: str, tmp_path: Path) -> None:
    pandoc = require_tool("pandoc")
    title = f"Start {words} end"
    readme = render_list(misc("a2021", title), tmp_path)["README.md"]
    line = next(line for line in readme.splitlines() if line.startswith("1. **"))
    plain = subprocess.run(
        [pandoc, "-f", "gfm", "-t", "plain", "--wrap=none"],
        input=line,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert " ".join(title.split()) in " ".join(plain.split())


def test_the_documents_are_tidy(tmp_path: Path) -> None:
    text = misc("a2021", "Empathy \u2003 end  ", note="trailing \t ") + misc("b2021", "Other\t\t")
    outputs = render_list(text, tmp_path)
    # Every output, the category files of empty categories included.
    for name, output in outputs.items():
        assert output.endswith("\n") and not output.endswith("\n\n"), name
        assert not output.startswith("\n"), name
        assert all(line == line.rstrip() for line in output.split("\n")), name
