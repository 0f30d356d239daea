"""The renderers on small inputs: escaping, anchors, CSL-JSON, category files, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_bib.bib import BibFile
from empathy_bib.check import check_bib
from empathy_bib.cli import main
from empathy_bib.record import papers_of
from empathy_bib.render import RenderRefused, render_all
from empathy_bib.render.csljson import to_csl
from empathy_bib.render.markdown import code_fence, github_anchor, safe_url, unique_anchors
from empathy_bib.taxonomy import Taxonomy, load_taxonomy
from empathy_bib.text import escape_md

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "styles"

HOSTILE = r"""@string{acl = {Association for Computational Linguistics}}

@inproceedings{evil2024title,
  title = {A <script>alert(1)</script> [click](javascript:alert(1)) a|b *bold* _it_ $x$ `code` Title},
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Jan and Daum{\'e}, III, Hal},
  booktitle = {Proc. of <b>Evil</b>},
  publisher = acl,
  year = {2024},
  month = mar,
  pages = {10--20},
  url = {javascript:alert(1)},
  code = {https://github.com/x/y"onmouseover="alert(1)},
  keywords = {datasets},
}

@misc{good2023paper,
  title = {{MIME}: Mimicking Emotions for {E}mpathetic Response Generation},
  author = {Nguy{\~{\^e}}n, Anh},
  year = {2023},
  eprint = {2301.00001},
  archiveprefix = {arXiv},
  url = {https://arxiv.org/abs/2301.00001},
  keywords = {datasets, surveys-overviews},
}
"""


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(STYLES / "categories.toml")


@pytest.fixture(scope="module")
def hostile_outputs(taxonomy: Taxonomy) -> dict[str, str]:
    # validate rejects the javascript: url; the renderers must stay safe even without it
    return render_all(BibFile.from_text(HOSTILE), taxonomy, STYLES, validate=False)


# ---------------------------------------------------------------------- Markdown


def test_escape_md_makes_markup_inert() -> None:
    text = escape_md("<script>x</script> [a](javascript:b) a|b *c* _d_ $e$")
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert re.search(r"(?<!\\)\]\(", text) is None  # `](` only escaped: no link
    for mark in "|*_[]$":
        assert f"\\{mark}" in text


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escape_md_never_leaves_a_special_unescaped(text: str) -> None:
    out = escape_md(text)
    assert "\n" not in out and "<" not in out and ">" not in out
    # every Markdown special is preceded by an odd number of backslashes
    for m in re.finditer(r"[`*_\[\]|~$]", out):
        run = len(out[: m.start()]) - len(out[: m.start()].rstrip("\\"))
        assert run % 2 == 1, out


def test_only_http_urls_become_links() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("ftp://x.org/a") is None
    assert safe_url("https://x.org/a(b) c") is None  # blanks: not a URL
    assert safe_url("https://x.org/a(b)") == "https://x.org/a%28b%29"
    assert safe_url('https://x.org/"x') == "https://x.org/%22x"


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("🌟 Introduction", "-introduction"),
        ("💡 Theory & Frameworks", "-theory--frameworks"),
        # U+FE0F, the emoji's variation selector, is a mark: GitHub keeps it
        ("⚖️ Ethics & Societal Impact", "\ufe0f-ethics--societal-impact"),
        ("🗣️ Empathetic Dialogue Systems", "\ufe0f-empathetic-dialogue-systems"),
        ("🛠 Tools", "-tools"),
        ("🎭 Emotion Recognition in Conversations (ERC)", "-emotion-recognition-in-conversations-erc"),
        ("Knowledge-Enhanced Dialogue_x", "knowledge-enhanced-dialogue_x"),
    ],
)
def test_github_anchor(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_repeated_headings_are_numbered_like_github() -> None:
    assert unique_anchors(["A", "A", "B", "A"]) == ["a", "a-1", "b", "a-2"]


def test_code_fence_outlasts_backticks_inside() -> None:
    assert code_fence("no ticks") == "```"
    assert code_fence("a ```` b") == "`````"


# ---------------------------------------------------------------------- README of hostile input


def test_hostile_text_stays_inert_in_readme(hostile_outputs: dict[str, str]) -> None:
    readme = hostile_outputs["README.md"]
    item = next(line for line in readme.splitlines() if "alert(1)" in line and line.startswith("1."))
    assert "<script>" not in item and "&lt;script&gt;" in item
    assert re.search(r"(?<!\\)\]\(javascript", item) is None
    assert r"a\|b" in item and r"\*bold\*" in item and r"\_it\_" in item
    byline = readme.splitlines()[readme.splitlines().index(item) + 1]
    assert "javascript:" not in byline  # the url is not http(s): no link at all
    assert "onmouseover" not in byline.replace("%22onmouseover=%22", "")
    assert "&lt;b&gt;Evil&lt;/b&gt;" in byline


def test_names_and_accents_are_decoded(hostile_outputs: dict[str, str]) -> None:
    readme = hostile_outputs["README.md"]
    assert "Jörg Müller, Jan van der Berg, Hal Daumé III" in readme
    assert "Anh Nguyễn" in readme
    # the BibTeX stays raw inside its code block; outside code, no LaTeX escape reaches the README
    papers = readme[readme.index("## 📜 Papers") : readme.index("## 🤝 Contributing")]
    outside_code = re.sub(r"```bibtex.*?```", "", papers, flags=re.S)
    assert '\\"' not in outside_code and "{\\" not in outside_code


def test_hostile_text_stays_inert_in_site(hostile_outputs: dict[str, str]) -> None:
    page = hostile_outputs["site/index.html"]
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert "<b>Evil</b>" not in page


def test_render_is_deterministic(taxonomy: Taxonomy, hostile_outputs: dict[str, str]) -> None:
    again = render_all(BibFile.from_text(HOSTILE.replace("\n", "\r\n")), taxonomy, STYLES, validate=False)
    assert again == hostile_outputs
    assert all("\r" not in text for text in again.values())


# ---------------------------------------------------------------------- category files


def test_category_bib_copies_entries_verbatim(hostile_outputs: dict[str, str]) -> None:
    bib = BibFile.from_text(HOSTILE)
    datasets = hostile_outputs["bib/datasets.bib"]
    for entry in bib.entries:
        assert entry.raw in datasets
    assert "@string{acl" in datasets  # the macros it needs come along
    library = bibtexparser.parse_string(datasets)
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == ["evil2024title", "good2023paper"]
    surveys = bibtexparser.parse_string(hostile_outputs["bib/surveys-overviews.bib"])
    assert [e.key for e in surveys.entries] == ["good2023paper"]
    empty = bibtexparser.parse_string(hostile_outputs["bib/applications.bib"])
    assert empty.entries == []


# ---------------------------------------------------------------------- CSL-JSON


def test_csl_json_follows_pandoc_conventions(hostile_outputs: dict[str, str]) -> None:
    items = {i["id"]: i for i in json.loads(hostile_outputs["bib/references.json"])}
    evil, good = items["evil2024title"], items["good2023paper"]
    assert evil["type"] == "paper-conference"
    assert evil["author"][1] == {"given": "Jan", "non-dropping-particle": "van der", "family": "Berg"}
    assert evil["author"][2] == {"given": "Hal", "family": "Daumé", "suffix": "III"}
    assert evil["page"] == "10–20"
    assert evil["issued"] == {"date-parts": [[2024, 3]]}
    assert evil["publisher"] == "Association for Computational Linguistics"
    assert "URL" not in evil  # not an http(s) URL
    assert good["title"] == (
        '<span class="nocase">MIME</span>: Mimicking emotions for <span class="nocase">E</span>mpathetic '
        "response generation"
    )
    assert good["author"] == [{"given": "Anh", "family": "Nguyễn"}]
    assert good["type"] == "article" and good["number"] == "2301.00001" and good["publisher"] == "arXiv"
    assert good["URL"] == "https://arxiv.org/abs/2301.00001"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Cause-Aware Response via Chain-of-Thought Fine-Tuning",
            "Cause-aware response via chain-of-thought fine-tuning",
        ),
        (
            "Evaluating {LLMs}: What ChatGPT Can Do",
            'Evaluating <span class="nocase">LLMs</span>: What ChatGPT can do',
        ),
        ("Is It {R}eal? Yes It Is", 'Is it <span class="nocase">R</span>eal? Yes it is'),
    ],
)
def test_sentence_case(title: str, expected: str) -> None:
    bib = BibFile.from_text(f"@misc{{k, title = {{{title}}}}}")
    assert to_csl(papers_of(bib)[0])["title"] == expected


# ---------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("entry", "code", "line"),
    [
        ("@misc{nocat2024,\n  title = {T},\n  year = {2024}\n}", "E401", 1),  # no category
        ("@misc{bad2024,\n  title = {T},\n  keywords = {../../x}\n}", "E402", 3),  # not a slug
        ("@misc{grp2024,\n  title = {T},\n  keywords = {papers}\n}", "E402", 3),  # has subsections
        ("@patent{pat2024,\n  title = {T},\n  keywords = {datasets}\n}", "E311", 1),  # no template
        ("@misc{ok2024, title = {T}, keywords = {datasets}}\n\n@misc{broken,\n  title = {x\n", "E1", 4),
    ],
)
def test_render_refuses_on_validates_errors(taxonomy: Taxonomy, entry: str, code: str, line: int) -> None:
    with pytest.raises(RenderRefused) as info:
        render_all(BibFile.from_text(entry), taxonomy, STYLES)
    errors = info.value.errors
    assert (code, line) in [(e.code[: len(code)], e.line) for e in errors]
    # the very findings validate reports as errors, nothing more
    found = [d for d in check_bib(BibFile.from_text(entry), taxonomy, path="references.bib")]
    assert errors == [d for d in found if d.severity == "error"]


def test_a_wrong_keyword_is_one_error_printed_as_validate_prints_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{bad2024,\n  title = {T},\n  author = {Doe, Jane},\n"
        "  keywords = {datsets},\n  year = {2024},\n}\n"
    )
    assert main(["validate", str(bib)]) == 1
    validate_lines = [line for line in capsys.readouterr().out.splitlines() if ": error " in line]
    out = tmp_path / "out"
    assert main(["render", "--bib", str(bib), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if ": error " in line] == validate_lines
    assert len(validate_lines) == 1 and f"{bib}:4:" in validate_lines[0] and "E402" in validate_lines[0]
    assert err[-1] == "empathy-bib render: 1 error in the list; nothing was written"
    assert not out.exists()


def test_cli_writes_nothing_on_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{bad2024, title = {T}, keywords = {../../x}}\n@misc{broken, title = {x\n")
    out = tmp_path / "out"
    assert main(["render", "--bib", str(bib), "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "bad2024" in err and "../../x" in err and "refs.bib:" in err


def test_cli_check_names_stale_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(HOSTILE.replace("url = {javascript:alert(1)},", ""))
    out = tmp_path / "out"
    assert main(["render", "--bib", str(bib), "--out", str(out), "--check"]) == 1
    assert not out.exists()  # --check writes nothing
    assert "README.md" in capsys.readouterr().err
    assert main(["render", "--bib", str(bib), "--out", str(out)]) == 0
    assert main(["render", "--bib", str(bib), "--out", str(out), "--check"]) == 0
    (out / "bib" / "datasets.bib").write_text("edited by hand\n")
    capsys.readouterr()
    assert main(["render", "--bib", str(bib), "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert "datasets.bib" in err and "README.md" not in err


def test_check_ignores_crlf_line_endings_but_not_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Windows checkout (CRLF) of up-to-date outputs is up to date; a changed text is not."""
    bib = tmp_path / "refs.bib"
    bib.write_text(HOSTILE.replace("url = {javascript:alert(1)},", ""))
    out = tmp_path / "out"
    assert main(["render", "--bib", str(bib), "--out", str(out)]) == 0
    for path in (p for p in out.rglob("*") if p.is_file()):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    capsys.readouterr()
    assert main(["render", "--bib", str(bib), "--out", str(out), "--check"]) == 0, capsys.readouterr().err
    readme = out / "README.md"
    readme.write_bytes(readme.read_bytes().replace(b"Empathy", b"Sympathy", 1))
    assert main(["render", "--bib", str(bib), "--out", str(out), "--check"]) == 1
    err = capsys.readouterr().err
    assert "README.md" in err and "datasets.bib" not in err
