# ruff: noqa: E501  (the Markdown in these tests has README-length lines, as real lists do)
"""The README reader (`empathy_bib.readme.read_readme`): the seed list, real awesome-list READMEs
of different shapes, and one focused test per construct people use.

Oracles: ../shared/data/papers.tsv (verified facts on the seed's papers), and for every real
fixture an independent scan of its links: markdown-it renders the README to HTML and lxml lists
every `<a href>` in it (raw HTML blocks included), classified by ids.is_paper_url.
"""

from __future__ import annotations

import csv
import sys
import textwrap
from collections import Counter
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from rapidfuzz import fuzz

from empathy_bib import ids, text
from empathy_bib.readme import ReadmeDocument, ReadmePaper, read_readme
from empathy_bib.readme.blocks import markdown_parser

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "readmes"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "awesome-llm-empathy-README.md"
PAPERS_TSV = SHARED / "data" / "papers.tsv"
CONFLICT = "names another paper than the item's first link of its kind"


def read(source: str) -> ReadmeDocument:
    return read_readme(textwrap.dedent(source))


def only(doc: ReadmeDocument) -> ReadmePaper:
    assert len(doc.papers) == 1, doc.papers
    return doc.papers[0]


# ---------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed() -> ReadmeDocument:
    if not SEED.is_file() or not PAPERS_TSV.is_file():
        pytest.skip("the shared seed README (../shared/seed) is not next to this clone")
    return read_readme(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    if not PAPERS_TSV.is_file():
        pytest.skip("../shared/data/papers.tsv is not next to this clone")
    with PAPERS_TSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _row_of(paper: ReadmePaper, rows: list[dict[str, str]]) -> dict[str, str]:
    """The verified row whose official title the README's (sometimes shortened) title matches."""
    key = text.title_key(paper.title)
    best = max(rows, key=lambda row: fuzz.partial_ratio(key, text.title_key(row["title"])))
    assert fuzz.partial_ratio(key, text.title_key(best["title"])) >= 85, paper.title
    return best


def _row_ids(row: dict[str, str]) -> set[str]:
    values = {row["arxiv_id"], row["acl_anthology_id"], row["doi"].lower(), row["url"]}
    return {v for v in values if v}


def _paper_ids(paper: ReadmePaper) -> set[str]:
    values = {paper.arxiv_id, paper.anthology_id, paper.doi.lower() if paper.doi else None}
    return {v for v in values if v} | set(paper.other_ids.values())


def test_the_seed_gives_54_items_of_46_papers_under_their_sections(seed, rows) -> None:
    assert len(seed.papers) == 54
    matched = [_row_of(paper, rows) for paper in seed.papers]
    assert len({row["key_hint"] for row in matched}) == 46
    for paper, row in zip(seed.papers, matched, strict=True):
        assert paper.heading is not None
        assert paper.heading.title in row["sections"].split(";"), (paper.title, paper.heading.title)
        assert paper.authors and paper.venue and paper.year
        assert _paper_ids(paper), paper.title


def test_the_seed_identifiers_are_the_verified_ones_or_a_documented_seed_error(seed, rows) -> None:
    wrong = []
    for paper in seed.papers:
        row = _row_of(paper, rows)
        found = _paper_ids(paper)
        # A NeurIPS hash and an AAAI OJS article id are in the verified landing page's URL.
        agree = found & _row_ids(row) or any(v.split("/")[-1] in row["url"] for v in found)
        if not agree:
            wrong.append(row["key_hint"])
            assert row["seed_errors"].strip(), (paper.title, found)
    # The seed's wrong links (papers.tsv's seed_errors): EmpHi's item links CARE's arXiv id; MIME,
    # MoEL and DialogueLLM link other papers' Anthology pages; StickerConv links OpenReview only.
    assert sorted(wrong) == [
        "chen2022emphi",
        "lin2019moel",
        "majumder2020mime",
        "zhang2023dialoguellm",
        "zhang2024stickerconv",
    ]


def test_the_seed_headings_nest_with_their_emoji(seed) -> None:
    titles = [h.title for h in seed.headings]
    assert titles[:3] == ["Papers", "Theory & Frameworks", "Empathetic Dialogue Systems"]
    generative = next(h for h in seed.headings if h.title.startswith("Generative"))
    assert generative.path == ("Papers", "Empathetic Dialogue Systems", generative.title)
    assert generative.emoji == "🧪" and generative.level == 4
    ethics = next(h for h in seed.headings if h.title == "Ethics & Societal Impact")
    assert ethics.emoji == "⚖️"  # the variation selector is kept, as written
    assert not any(h.title in ("News", "Contributing", "Citation", "Introduction") for h in seed.headings)
    assert [s.url for s in seed.skipped] == ["https://arxiv.org/abs/2409.10289"]  # the News item


def test_the_seed_publisher_links_give_their_identifiers(seed) -> None:
    by_title = {p.title.split(":")[0]: p for p in seed.papers}
    assert by_title["InsideOut"].doi == "10.3233/FAIA241039"
    assert by_title["Customizing Emotional Support"].doi == "10.1145/3706598.3713453"
    assert by_title["Customizing Emotional Support"].other_ids["acm"] == "10.1145/3706598.3713453"
    assert (
        by_title["Apathetic or Empathetic? Evaluating LLMs' Emotional Alignments with Humans"]
        .other_ids["neurips"]
        .startswith("2024/b0049c3f")
    )
    assert by_title["STICKERCONV"].other_ids == {"openreview": "F6h0v1CTpC"}
    assert by_title["MoEL"].anthology_id == "D19-1083"  # an old-style id, as (wrongly) written
    assert by_title["CuLEmo"].arxiv_id == "2503.10688"  # the v1 suffix dropped
    assert by_title["EmpathicStories++"].code == "https://mitmedialab.github.io/empathic-stories-multimodal/"


# ---------------------------------------------------------------------- real fixtures


def _oracle_paper_links(source: str) -> Counter[str]:
    """Every paper link of a README by an independent route: rendered HTML read by lxml."""
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(source)
    tree = lxml.html.fromstring(f"<div>{html}</div>")
    return Counter(href.strip() for href in tree.xpath("//a/@href") if ids.is_paper_url(href.strip()))


def _accounted(doc: ReadmeDocument) -> Counter[str]:
    taken = Counter(link.url for paper in doc.papers for link in paper.links if link.kind == "paper")
    return taken + Counter(s.url for s in doc.skipped if s.reason != CONFLICT)


FIXTURE_EXPECTATIONS = {
    # file: (papers, skipped paper links, headings that hold papers, with their ancestors)
    "long-context-position-encoding.md": (
        32,
        0,
        [
            "6.1 Positional Encoding Variants",
            "6.2 YaRN / NTK / Position Interpolation",
            "6.3 Length Extrapolation & Inference-Time Context Extension",
        ],
    ),
    "long-context-readme-news.md": (0, 14, []),
    "llm-reasoning-html.md": (
        17,
        0,
        [
            "Language Reasoning",
            "Survey",
            "Analysis",
            "Technique",
            "Reasoning in Large Language Models - An Emergent Ability",
        ],
    ),
    "multi-agent-brackets.md": (19, 0, ["Awesome Multi-Agent Papers", "Papers"]),
    "multimodal-table.md": (15, 0, ["Multimodal Papers", "Large Multimodal Model"]),
}


@pytest.mark.parametrize("name", sorted(FIXTURE_EXPECTATIONS))
def test_every_paper_link_of_a_real_readme_is_accounted_for(name: str) -> None:
    source = (FIXTURES / name).read_text(encoding="utf-8")
    doc = read_readme(source)
    papers, skipped, headings = FIXTURE_EXPECTATIONS[name]
    assert _accounted(doc) == _oracle_paper_links(source)
    assert len(doc.papers) == papers
    assert len(doc.skipped) == skipped
    assert [h.title for h in doc.headings] == headings
    for paper in doc.papers:
        assert paper.title and (paper.arxiv_id or paper.doi or paper.anthology_id or paper.other_ids)
        assert paper.heading in doc.headings


def test_every_fixture_is_named_in_sources() -> None:
    sources = (FIXTURES / "SOURCES.md").read_text(encoding="utf-8")
    for path in FIXTURES.glob("*.md"):
        if path.name != "SOURCES.md":
            assert path.name in sources


def test_the_numbered_list_with_titles_as_links_reads_authors_and_venue() -> None:
    doc = read_readme((FIXTURES / "long-context-position-encoding.md").read_text(encoding="utf-8"))
    first = doc.papers[0]
    assert first.title == "RoFormer: Enhanced Transformer with Rotary Position Embedding"
    assert first.authors[0] == "Jianlin Su" and len(first.authors) == 6
    assert (first.venue, first.year, first.arxiv_id) == ("Arxiv 2021", 2021, "2104.09864")
    assert first.code == "https://github.com/ZhuiyiTechnology/roformer"
    coupling = next(p for p in doc.papers if p.title.startswith("Position Coupling"))
    assert coupling.other_ids == {"openreview": "5cIRdGM1uG"} and coupling.year == 2024


def test_html_headings_and_code_span_venues() -> None:
    doc = read_readme((FIXTURES / "llm-reasoning-html.md").read_text(encoding="utf-8"))
    first = doc.papers[0]
    assert first.title == "Reasoning with Language Model Prompting: A Survey"
    assert first.venue == "ACL 2023" and first.heading is not None
    assert first.heading.path == ("Language Reasoning", "Survey")
    assert doc.headings[0].emoji == "🔤"
    preprint = next(p for p in doc.papers if p.venue == "Preprint")
    assert preprint.year == 2024  # from its arXiv id 2402.11291


# ---------------------------------------------------------------------- constructs


def test_bullet_and_numbered_items() -> None:
    doc = read(
        """
        ## Papers
        - **A Bullet Paper.** *Ann Lee, Bo Chen.* [[pdf](https://arxiv.org/pdf/2401.00001v2)], ACL 2024
        1. **A Numbered Paper.** *Cy Dee and Ed Fox.* [[abs](https://aclanthology.org/2024.acl-long.1/)]
        """
    )
    bullet, numbered = doc.papers
    assert (bullet.title, bullet.authors, bullet.venue, bullet.year) == (
        "A Bullet Paper",
        ("Ann Lee", "Bo Chen"),
        "ACL 2024",
        2024,
    )
    assert bullet.arxiv_id == "2401.00001" and bullet.line == 3
    assert numbered.anthology_id == "2024.acl-long.1" and numbered.authors == ("Cy Dee", "Ed Fox")


def test_a_nested_item_belongs_to_its_parent_paper() -> None:
    paper = only(
        read(
            """
            ## Papers
            - [Training Verifiers to Solve Math Word Problems](https://arxiv.org/abs/2110.14168)
              - Karl Cobbe, Vineet Kosaraju, Mohammad Bavarian
              - [code](https://github.com/openai/grade-school-math) NeurIPS 2021
            """
        )
    )
    assert paper.authors == ("Karl Cobbe", "Vineet Kosaraju", "Mohammad Bavarian")
    assert paper.code == "https://github.com/openai/grade-school-math"
    assert paper.venue == "NeurIPS 2021"


def test_nested_titled_papers_under_a_category_bullet_are_papers_of_their_own() -> None:
    doc = read(
        """
        - Surveys
          - [A Survey of Things](https://arxiv.org/abs/2301.00001)
          - [Another Survey](https://arxiv.org/abs/2301.00002)
        """
    )
    assert [p.arxiv_id for p in doc.papers] == ["2301.00001", "2301.00002"]


def test_a_table_row_is_a_paper_with_columns_found_by_header() -> None:
    doc = read(
        """
        ### Agents
        | Title | Venue | Date | Code |
        |-------|-------|------|------|
        | [**Reflexion: Language Agents**](https://arxiv.org/abs/2303.11366) | NeurIPS 2023 | 2023-03 | [GitHub](https://github.com/noahshinn/reflexion) |
        | [Some Blog Model](https://example.org/blog) | arXiv | 2024-05 | - |
        """
    )
    first, second = doc.papers
    assert (first.title, first.venue, first.year, first.arxiv_id) == (
        "Reflexion: Language Agents",
        "NeurIPS 2023",
        2023,
        "2303.11366",
    )
    assert first.code == "https://github.com/noahshinn/reflexion"
    assert (second.title, second.venue, second.year) == ("Some Blog Model", "arXiv", 2024)  # title + venue
    assert doc.headings[0].title == "Agents"


def test_a_table_without_a_title_header_finds_the_title_column_by_content() -> None:
    paper = only(
        read(
            """
            | Date | Institute | Paper |
            |:----:|:---------:|-------|
            | 2022-06 | Google | [Emergent Abilities of Large Language Models](https://openreview.net/pdf?id=yzkSU5zdwD) |
            """
        )
    )
    assert paper.title == "Emergent Abilities of Large Language Models"
    assert paper.other_ids == {"openreview": "yzkSU5zdwD"} and paper.year == 2022


def test_badge_rows_are_links_not_titles() -> None:
    paper = only(
        read(
            """
            - *Mixture of Experts, Revisited* [[paper](https://arxiv.org/abs/2402.00001)] [[code](https://gitlab.com/x/moe)] [[project](https://moe.example.org)]
            """
        )
    )
    assert paper.title == "Mixture of Experts, Revisited"
    assert [link.kind for link in paper.links] == ["paper", "code", "other"]
    assert [link.text for link in paper.links] == ["paper", "code", "project"]


def test_shields_badges_give_the_venue_by_url_or_alt_text() -> None:
    doc = read(
        """
        - [Beyond Factuality](https://arxiv.org/abs/2310.07289) ![](https://img.shields.io/badge/EMNLP-2023-blue) ![](https://img.shields.io/github/stars/a/b)
        - __UniChart.__ <img src='https://img.shields.io/badge/Year-2023-yellow'> <a href='https://aclanthology.org/2023.emnlp-main.906/'><img src='https://img.shields.io/badge/PDF-blue'></a>
        - [GQA](https://aclanthology.org/2023.emnlp-main.298/) ![](https://img.shields.io/badge/Findings--ACL-2024.05-red) ![l](https://img.shields.io/badge/License-MIT-green)
        """
    )
    assert [(p.venue, p.year) for p in doc.papers] == [
        ("EMNLP 2023", 2023),
        ("", 2023),
        ("Findings-ACL 2024.05", 2024),
    ]
    assert doc.papers[1].title == "UniChart"


def test_details_blocks_are_read_through() -> None:
    paper = only(
        read(
            """
            ## Milestones
            <details>
            <summary>milestone papers</summary>

            - [Attention Is All You Need](https://arxiv.org/pdf/1706.03762.pdf) NeurIPS 2017

            </details>
            """
        )
    )
    assert paper.arxiv_id == "1706.03762" and paper.year == 2017 and paper.heading is not None


def test_html_lists_links_and_emphasis_inside_markdown() -> None:
    doc = read(
        """
        <h2>📚 Retrieval</h2>
        <ul>
        <li><i><b>Query Rewriting for Retrieval-Augmented Large Language Models</b></i>, Xinbei Ma et al., <a href="https://doi.org/10.18653/v1/2023.emnlp-main.323" target="_blank"><img src="https://img.shields.io/badge/EMNLP-2023.00-blue" alt="DOI Badge"></a>
            <a href="https://github.com/xbmxb/RAG-query-rewriting"><img src="https://img.shields.io/github/stars/x/y.svg" alt="GitHub stars"></a>
        </li>
        </ul>
        """
    )
    paper = only(doc)
    assert paper.title == "Query Rewriting for Retrieval-Augmented Large Language Models"
    assert paper.authors == ("Xinbei Ma",)
    assert (paper.doi, paper.anthology_id, paper.venue) == (
        "10.18653/v1/2023.emnlp-main.323",
        "2023.emnlp-main.323",
        "EMNLP 2023.00",
    )
    assert paper.code == "https://github.com/xbmxb/RAG-query-rewriting"
    assert doc.headings[0].emoji == "📚" and doc.headings[0].title == "Retrieval"


def test_sections_that_hold_no_papers_are_skipped_with_their_links() -> None:
    doc = read(
        """
        # 🔥 News
        - 2025-05: our paper [X](https://arxiv.org/abs/2409.10289) was accepted at ACL 2025
        ## Contents
        - [Papers](#papers)
        # Papers
        > A quote with [a paper](https://arxiv.org/abs/2401.00005).

        - **Real Paper.** [[pdf](https://arxiv.org/abs/2401.00006)] ACL 2024
        # Citation
        - [Our own](https://arxiv.org/abs/2401.00007)
        # ⭐ Star History
        [![Star History](https://api.star-history.com/svg?repos=a/b)](https://star-history.com/#a/b)
        """
    )
    assert [p.arxiv_id for p in doc.papers] == ["2401.00006"]
    reasons = {s.url.rsplit("/", 1)[-1]: s.reason for s in doc.skipped}
    assert "News" in reasons["2409.10289"] and "Citation" in reasons["2401.00007"]
    assert "outside" in reasons["2401.00005"]
    assert [h.title for h in doc.headings] == ["Papers"]


def test_a_second_identifier_of_another_paper_is_reported() -> None:
    doc = read(
        "- **One Paper.** [[v1](https://arxiv.org/abs/2401.00001)] [[other](https://arxiv.org/abs/2402.00002)]\n"
    )
    assert only(doc).arxiv_id == "2401.00001"
    assert [(s.url, s.reason) for s in doc.skipped] == [("https://arxiv.org/abs/2402.00002", CONFLICT)]


def test_an_item_without_a_paper_link_is_a_paper_only_with_a_title_and_a_venue() -> None:
    doc = read(
        """
        - **Deep Residual Learning for Image Recognition.** *Kaiming He, Xiangyu Zhang.* CVPR 2016
        - [Some Tool](https://example.org/tool) - a handy tool
        - **A Title Alone.**
        """
    )
    assert [(p.title, p.venue, p.year, p.links) for p in doc.papers] == [
        ("Deep Residual Learning for Image Recognition", "CVPR 2016", 2016, ())
    ]


def test_titles_lose_labels_emoji_and_trailing_punctuation() -> None:
    doc = read(
        """
        - 🔥 **Attention Sinks Explained.** [pdf] [[paper](https://arxiv.org/abs/2309.17453)]
        - [ K-Level Reasoning with Large Language Models ] [ [ PDF LINK ](https://browse.arxiv.org/pdf/2402.01521.pdf) ]
        - [ICLR23] Language Models as Agents [paper](https://arxiv.org/abs/2210.03629)
        """
    )
    assert [p.title for p in doc.papers] == [
        "Attention Sinks Explained",
        "K-Level Reasoning with Large Language Models",
        "Language Models as Agents",
    ]
    assert doc.papers[2].venue == "ICLR23" and doc.papers[2].year == 2023


def test_paper_link_kinds_cover_registries_and_proceedings() -> None:
    urls = [
        "https://arxiv.org/abs/hep-th/9901001v2",
        "https://export.arxiv.org/abs/2401.00001",
        "https://www.aclweb.org/anthology/P19-1534.pdf",
        "https://openreview.net/forum?id=abc123",
        "https://www.semanticscholar.org/paper/x/2f3efe44083af91cef562c1a3451eee2f8601d22",
        "https://proceedings.mlr.press/v139/radford21a.html",
        "https://papers.nips.cc/paper/2020/hash/1457c0d6bfcb4967418bfb8ac142f64a-Abstract.html",
        "https://huggingface.co/papers/2402.11550",
        "https://ieeexplore.ieee.org/document/9413906",
        "https://www.sciencedirect.com/science/article/pii/S0893608022001234",
        "https://link.springer.com/article/10.1007/s11704-024-40231-1",
        "https://onlinelibrary.wiley.com/doi/full/10.1002/asi.24750",
    ]
    source = "\n".join(f"- **Paper {n}.** [[link]({url})]" for n, url in enumerate(urls))
    doc = read_readme(source)
    assert len(doc.papers) == len(urls)
    assert all(p.links[0].kind == "paper" for p in doc.papers)
    assert doc.papers[7].arxiv_id == "2402.11550"
    assert doc.papers[10].doi == "10.1007/s11704-024-40231-1"


# ---------------------------------------------------------------------- robustness

_MARKDOWN_BITS = st.sampled_from(
    [
        "# ",
        "## 📜 ",
        "- ",
        "1. ",
        "  - ",
        "**",
        "*",
        "_",
        "`",
        "[",
        "]",
        "(",
        ")",
        "|",
        "---",
        "\n",
        "\n\n",
        "<details>",
        "</details>",
        "<a href='https://arxiv.org/abs/2401.00001'>",
        "</a>",
        "<img src=x>",
        "<li>",
        "</li>",
        "<h2>",
        "</h2>",
        "https://arxiv.org/abs/2401.00001",
        "![](https://img.shields.io/badge/A-",
        "ACL 2024",
        "Ann Lee, Bo Chen",
        "News",
        "> ",
        "| a | b |\n|---|---|\n",
        "🔥",
        "\ufe0f",
        " ",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(source: str) -> None:
    doc = read_readme(source)
    assert isinstance(doc.papers, list)


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKDOWN_BITS | st.text(max_size=5), max_size=60).map("".join))
def test_markdown_like_text_never_raises_and_accounts_for_its_paper_links(source: str) -> None:
    doc = read_readme(source)
    for paper in doc.papers:
        assert paper.line >= 1
    assert sum(_accounted(doc).values()) >= 0


def test_the_bench_readme_reads_back_every_generated_paper() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench_import  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    doc = read_readme(bench_import.generate_readme(120))
    assert len(doc.papers) == 120
    assert len(doc.skipped) == 5  # the News section's links
    assert {h.emoji for h in doc.headings} >= {"💡", "🗣️"}


def test_quoted_titles_venue_year_pairs_and_years_from_identifiers() -> None:
    doc = read(
        """
        * **3DETR**: "An End-to-End Transformer Model for 3D Object Detection", ICCV, 2021 (*Facebook*). [[Paper](https://arxiv.org/abs/2109.08141)]
        * "GlobalPointer: Large-Scale Plane Adjustment", *ECCV, 2024*. [[Paper](https://arxiv.org/pdf/2407.13537)] [[Code](https://github.com/WU-CVGL/GlobalPointer)]
        - `ArXiv-2023` **Advancing Transformer Architecture: A Survey** [[paper](https://arxiv.org/abs/2311.12351)][Y Huang, J Xu, Z Jiang]
        - Chinchunmei at WASSA 2024: Boosting Prediction [paper](https://aclanthology.org/2024.wassa-1.32/)
        - MoEL: Mixture of Empathetic Listeners [paper](https://aclanthology.org/D19-1012/)
        """
    )
    assert [(p.title, p.venue, p.year) for p in doc.papers] == [
        ("An End-to-End Transformer Model for 3D Object Detection", "ICCV, 2021", 2021),
        ("GlobalPointer: Large-Scale Plane Adjustment", "ECCV, 2024", 2024),
        ("Advancing Transformer Architecture: A Survey", "ArXiv-2023", 2023),
        ("Chinchunmei at WASSA 2024: Boosting Prediction", "", 2024),
        ("MoEL: Mixture of Empathetic Listeners", "", 2019),
    ]
    assert doc.papers[2].authors == ("Y Huang", "J Xu", "Z Jiang")


@pytest.mark.parametrize(
    ("heading", "skipped"),
    [
        ("📢 News", True),
        ("News & Updates", True),
        ("Latest News", True),
        ("🤝 Contributing", True),
        ("Citation", True),
        ("⭐ Star History", True),
        ("Table of Contents", True),
        ("News Recommendation", False),
        ("Updates in Continual Learning", False),
        ("Citation Recommendation", False),
    ],
)
def test_only_headings_that_name_a_non_paper_section_are_skipped(heading: str, skipped: bool) -> None:
    doc = read_readme(f"## {heading}\n\n- **A Paper.** [[pdf](https://arxiv.org/abs/2401.00001)]\n")
    assert (not doc.papers) is skipped
    assert bool(doc.skipped) is skipped


def test_a_real_table_reads_title_venue_date_and_code_columns() -> None:
    doc = read_readme((FIXTURES / "multimodal-table.md").read_text(encoding="utf-8"))
    wiki = next(p for p in doc.papers if p.title.startswith("Wiki-LLaVA"))
    assert (wiki.venue, wiki.year, wiki.arxiv_id, wiki.code) == (
        "CVPR 2024 Workshop",
        2024,
        "2404.15406",
        None,
    )
    lumina = next(p for p in doc.papers if p.title.startswith("Lumina-T2X"))
    assert lumina.title.endswith("Large Diffusion Transformers")  # the notes after the link are not the title
    assert lumina.code == "https://github.com/Alpha-VLLM/Lumina-T2X"
    assert not any(p.title.startswith("VITRON") for p in doc.papers)  # a short link and no venue: no paper


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60) | st.from_regex(r"https?://[a-z.]{1,12}/[\w%./?=&#-]{0,30}", fullmatch=True))
def test_the_readers_link_normalisation_is_markdown_its(url: str) -> None:
    assert markdown_parser().normalizeLink(url) == MarkdownIt().normalizeLink(url)


def test_an_old_nips_proceedings_link_named_by_paper_number_is_a_paper_link() -> None:
    # pliang279/awesome-multimodal-ml links pre-2020 NeurIPS papers as papers.nips.cc/paper/<number>-<slug>.
    doc = read_readme(
        "## Core\n\n[DeViSE: A Deep Visual-Semantic Embedding Model]"
        "(https://papers.nips.cc/paper/5204-devise-a-deep-visual-semantic-embedding-model)\n\n"
        "[Visual Concept-Metaconcept Learning](https://papers.nips.cc/paper/8745-visual-concept-metaconcept-learning.pdf)\n"
    )
    assert [(p.title, p.other_ids) for p in doc.papers] == [
        ("DeViSE: A Deep Visual-Semantic Embedding Model", {"neurips": "paper/5204"}),
        ("Visual Concept-Metaconcept Learning", {"neurips": "paper/8745"}),
    ]


def test_a_paragraph_opening_with_emoji_then_a_bold_title_is_a_paper() -> None:
    # jackchen69/Awesome-Emotion-Models lists its own papers as paragraphs, not list items.
    doc = read_readme(
        "## Our works\n\n🔥🔥🔥 **Recent Trends of Multimodal Affective Computing**  \n"
        "**[Paper](https://arxiv.org/pdf/2409.07388)** | **[GitHub](https://github.com/LeMei/MAC-Survey)**\n"
    )
    assert [(p.title, p.arxiv_id, p.code) for p in doc.papers] == [
        (
            "Recent Trends of Multimodal Affective Computing",
            "2409.07388",
            "https://github.com/LeMei/MAC-Survey",
        )
    ]
    assert not doc.skipped


def test_a_bare_url_left_by_a_broken_table_row_is_no_title() -> None:
    # jackchen69/Awesome-Emotion-Models breaks a bold link across two lines, so two rows: the
    # second's title cell is the plain text `**](https://github.com/...)`.
    doc = read_readme(
        "## Multi-modal\n\n| Title | Venue | Date | Code |\n|:--|:--|:--|:--|\n"
        "| [**Multimodal Sentiment Analysis\n**](https://github.com/CMU-MultiComp-Lab/CMU-MultimodalSDK)"
        " | ACL | 2017-07-01 | [GitHub](https://github.com/CMU-MultiComp-Lab/CMU-MultimodalSDK) |\n"
    )
    assert not [p.title for p in doc.papers if "://" in p.title]


def test_names_then_a_parenthesis_with_year_and_venue_before_a_description() -> None:
    # bettyguo/awesome-llm-reasoning-foundations: `**Title** — Names (Year, Venue). [paper](...). _Why..._`
    doc = read_readme(
        "## Expressivity\n\n"
        "- **Attention is Turing-Complete** — Jorge Pérez, Pablo Barceló, Javier Marinkovic (2021, JMLR"
        " 22(75):1-35, 2021). [paper](https://jmlr.org/papers/v22/20-302.html). _Why it matters:_ Refines"
        " the earlier ICLR 2019 result.\n"
        "- **Memory Augmented Large Language Models are Computationally Universal** — Dale Schuurmans"
        " (2023). [paper](https://arxiv.org/abs/2301.04589). _Why it matters:_ Shows a result.\n"
    )
    assert [(p.authors, p.venue, p.year) for p in doc.papers] == [
        (("Jorge Pérez", "Pablo Barceló", "Javier Marinkovic"), "JMLR 22(75):1-35, 2021", 2021),
        (("Dale Schuurmans",), "", 2023),
    ]


def test_a_frontiers_article_page_gives_its_doi_without_the_view_suffix() -> None:
    # FrederickPi1969/awesome-llm-for-strategies links Frontiers articles as .../articles/<DOI>/full.
    doc = read_readme(
        "## Politics\n\n- [Large language models and political science](https://www.frontiersin.org/"
        "journals/political-science/articles/10.3389/fpos.2023.1257092/full) (2023) - Important.\n"
    )
    assert [(p.title, p.doi) for p in doc.papers] == [
        ("Large language models and political science", "10.3389/fpos.2023.1257092")
    ]


def test_a_parenthesised_year_right_after_a_title_link_is_the_year() -> None:
    # FrederickPi1969/awesome-llm-for-strategies: `- [Title](url) (2024) - Core.`, no venue.
    doc = read_readme(
        "## Simulation\n\n- [Out of One, Many](https://doi.org/10.1017/pan.2023.2) (2023) - Important.\n"
        "- [Generative Agents](https://arxiv.org/abs/2304.03442) (2023) - Core. Cited at ICLR 2021.\n"
    )
    assert [(p.venue, p.year) for p in doc.papers] == [("", 2023), ("", 2023)]


def test_a_year_note_with_an_alternative_year_names_no_venue() -> None:
    doc = read_readme(
        "## Simulation\n\n- [LLM-based wargame scenario generation with domain ontology]"
        "(https://journals.sagepub.com/doi/10.1177/00375497251415245) (2025 or 2026) - Optional.\n"
        "- [Geoeconomic Pressure](https://www.nber.org/papers/w34020) (2026 or current working paper) - Core.\n"
    )
    assert [(p.title, p.venue, p.year) for p in doc.papers] == [
        ("LLM-based wargame scenario generation with domain ontology", "", 2025)
    ]
