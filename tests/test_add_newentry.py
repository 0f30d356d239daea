"""newentry and importbib: a Work or a pasted entry -> an entry written as references.bib writes them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_bib.bib import BibFile
from empathy_bib.enrich.anthology import work_from_record
from empathy_bib.enrich.duplicates import DuplicateIndex, identity_of_text
from empathy_bib.enrich.entrykey import make_key
from empathy_bib.enrich.importbib import normalise_pasted, read_pasted
from empathy_bib.enrich.latexvalue import escape_latex, latex_title
from empathy_bib.enrich.newentry import entry_from_work
from empathy_bib.enrich.people import PersonName, format_person, person_from_name
from empathy_bib.enrich.records import Name, Work
from empathy_bib.record import papers_of
from empathy_bib.text import strip_markup, title_key, to_unicode

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "add"


def only_paper(text: str):
    bib = BibFile.from_text(text)
    assert bib.is_complete, bib.failed_blocks
    [paper] = list(papers_of(bib))
    return paper


def test_every_entry_of_references_bib_is_rewritten_byte_for_byte() -> None:
    """The convention test: importing our own entries gives them back unchanged (keys aside).

    Their `added` line aside too: it is the day an entry joins the list, which the command
    importing it writes (from its clock), not the entry's metadata.
    """
    papers = list(papers_of(BibFile.load(ROOT / "references.bib")))
    differing = []
    for paper in papers:
        [imported] = normalise_pasted([paper], categories=[], taken_keys=[], key=paper.key)
        written = re.sub(r"(?m)^  added = \{[^}]*\},\n", "", paper.raw)
        if imported.entry.text.strip() != written.strip():
            differing.append(paper.key)
    assert differing == []


def test_generated_keys_follow_the_file() -> None:
    papers = list(papers_of(BibFile.load(ROOT / "references.bib")))
    wrong = {}
    for paper in papers:
        key = make_key(paper.authors[0].family, paper.year, paper.title)
        if key != paper.key:
            wrong[paper.key] = key
    # One hand-chosen key: the first author is Mozikova, the file says mozikov.
    assert wrong == {"mozikov2024insideout": "mozikova2024insideout"}


def test_key_is_unique_and_ascii() -> None:
    assert make_key("Daumé", 2025, "The Illusion of Empathy") == "daume2025illusion"
    assert make_key("De Grandi", 2024, "The Emotional Spectrum") == "degrandi2024emotional"
    taken = ["daume2025illusion", "DAUME2025ILLUSIONB"]
    assert make_key("Daumé", 2025, "The Illusion", taken) == "daume2025illusionc"
    assert make_key("王", 2025, "中文") == "anon2025untitled"


@pytest.mark.parametrize(
    ("plain", "latex"),
    [
        ("SoulChat: Improving LLMs' Empathy", "{SoulChat}: Improving {LLMs}' Empathy"),
        ("TOOL-ED: RL-Diffusion and LLM-based", "{TOOL-ED}: {RL}-Diffusion and {LLM}-based"),
        ("LaERC-S: Non-Emotion-Centric", "{LaERC-S}: Non-Emotion-Centric"),
        ("EmpathicStories++ (GPT-4)", "{EmpathicStories++} ({GPT-4})"),
        ("An LLM's View", "An {LLM}'s View"),
        ("Émotion ÉLAN", "{\\'E}motion {{\\'E}LAN}"),
        ("A Multi-turn\n  Title", "A Multi-turn Title"),
    ],
)
def test_title_protection(plain: str, latex: str) -> None:
    assert latex_title(plain) == latex


def test_hostile_title_is_escaped_and_balanced() -> None:
    title = latex_title("50% & #1 a_b $5 ~x^2 C:\\dir {open")
    assert title == (
        "50\\% \\& \\#1 a\\_b \\$5 \\textasciitilde{}x\\textasciicircum{}2 C:\\textbackslash{}dir "
        "\\textbraceleft{}open"
    )
    paper = only_paper("@misc{k,\n  title = {" + title + "},\n}\n")
    assert "50% & #1 a_b $5" in paper.title


def test_jats_markup_is_stripped() -> None:
    assert strip_markup("<jats:title>Empathy in <i>LLMs</i> &amp; CO<sub>2</sub></jats:title>") == (
        "Empathy in LLMs & CO2"
    )


@pytest.mark.parametrize(
    ("name", "written"),
    [
        (Name("Hal", "Daumé III"), "Daum{\\'e}, III, Hal"),
        (Name("Hal Daumé", "Iii"), "Daum{\\'e}, III, Hal"),  # the Anthology's quirk
        (Name("Hal", "Daumé", suffix="III"), "Daum{\\'e}, III, Hal"),  # a BibTeX source's Jr part
        (Name("John", "Smith", suffix="2nd"), "Smith, 2nd, John"),  # kept apart, though no known suffix
        (Name("Martin Luther", "King Jr."), "King, Jr., Martin Luther"),
        (Name("João", "Sedoc"), "Sedoc, Jo{\\~a}o"),
        (Name("", "Jean de la Fontaine"), "de la Fontaine, Jean"),
        (Name("", "OpenAI Team", literal=True), "{OpenAI Team}"),
        (Name("Anna", "Smith and Jones"), "{Smith and Jones}, Anna"),
    ],
)
def test_names(name: Name, written: str) -> None:
    assert format_person(person_from_name(name)) == written


def test_arxiv_only_work_becomes_misc_with_the_arxiv_doi() -> None:
    work = Work(
        source="arxiv",
        title="A Study",
        authors=(Name("Ada", "Lovelace"),),
        year=2025,
        month=2,
        type="Preprint",
        publisher="arXiv",
        arxiv_id="2502.04321",
        doi="10.48550/arXiv.2502.04321",
        related_dois=("10.1000/unrelated",),
    )
    entry = entry_from_work(work, categories=["datasets"])
    assert entry.text == (
        "@misc{lovelace2025study,\n"
        "  title = {A Study},\n"
        "  author = {Lovelace, Ada},\n"
        "  year = {2025},\n"
        "  month = feb,\n"
        "  doi = {10.48550/arXiv.2502.04321},\n"
        "  url = {https://arxiv.org/abs/2502.04321},\n"
        "  eprint = {2502.04321},\n"
        "  archiveprefix = {arXiv},\n"
        "  keywords = {datasets},\n"
        "}\n"
    )


def test_an_invalid_doi_is_never_written() -> None:
    work = Work(source="crossref", title="T", type="journal-article", container="J", doi="10.1000/a b{c}")
    entry = entry_from_work(work, categories=["datasets"])
    assert entry.field("doi") is None
    assert entry.entry_type == "article"


def test_google_scholar_paste_is_normalised() -> None:
    papers = read_pasted((FIXTURES / "scholar_paste.bib").read_text(), "paste.bib")
    imported = normalise_pasted(papers, categories=["datasets"], taken_keys=["okafor2025empathy"])
    preprint, workshop = (i.entry for i in imported)
    assert preprint.entry_type == "misc"
    assert preprint.key == "okafor2025empathyb"
    assert preprint.field("eprint") == "2503.05555"
    assert preprint.field("doi") == "10.48550/arXiv.2503.05555"
    assert preprint.field("journal") is None
    assert preprint.field("author") == "Okafor, Chinedu and Lindqvist, {\\r{A}}sa"
    assert workshop.field("url") == "https://aclanthology.org/W19-3401/"
    assert workshop.field("pages") == "1--10"


def test_duplicate_index_matches_each_identifier() -> None:
    bib = BibFile.load(ROOT / "references.bib")
    index = DuplicateIndex(papers_of(bib))
    same_title = "@misc{x,\n  title = {{ReflectDiffu}: reflect between emotion-intent contagion and mimicry for empathetic response generation via a {RL}-diffusion framework},\n}\n"  # noqa: E501
    match = index.find(identity_of_text(same_title))
    assert match is not None and match.key == "yuan2025reflectdiffu" and match.kind == "title"
    via_doi = index.find(
        identity_of_text("@misc{x,\n  doi = {https://doi.org/10.18653/V1/2025.ACL-LONG.1235},\n}\n")
    )
    assert via_doi is not None and via_doi.kind == "DOI"
    assert index.find(identity_of_text("@misc{x,\n  title = {Qwen2.5 Technical Report},\n}\n")) is None


# ---------------------------------------------------------------------- property

_hostile_text = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=("L", "N", "P", "S", "Zs", "Cc"), exclude_characters="\x00"
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(title=_hostile_text, family=_hostile_text, given_name=_hostile_text)
def test_any_title_and_author_give_an_entry_that_parses(title: str, family: str, given_name: str) -> None:
    work = Work(
        source="crossref",
        title=title,
        authors=(Name(given_name, family), Name("Ada", "Lovelace")),
        year=2024,
        type="proceedings-article",
        container=title,
    )
    entry = entry_from_work(work, categories=["datasets"])
    paper = only_paper(entry.text)
    assert paper.key == entry.key and paper.key.isascii()
    assert len(paper.authors) in (1, 2)  # a name of dropped symbols only disappears
    if family.isalpha():
        assert len(paper.authors) == 2
    assert paper.authors[-1].family == "Lovelace"
    # The title text survives (markup, dropped symbols and brace characters aside).
    kept = escape_latex(strip_markup(title))
    kept = kept.replace("\\textbraceleft{}", "").replace("\\textbraceright{}", "")
    expected = title_key(kept)
    assert title_key(paper.get("title") or "") == expected
    assert to_unicode(paper.get("title") or "") == paper.title


def test_an_anthology_record_keeps_the_jr_part_apart() -> None:
    paper = only_paper("@inproceedings{x, title={T}, author={Daum{\\'e}, III, Hal and van der Berg, Jan}}")
    work = work_from_record(paper, "2020.acl-main.1")
    assert work.authors == (Name("Hal", "Daumé", suffix="III"), Name("Jan", "van der Berg"))
    entry = entry_from_work(work, categories=["datasets"])
    assert entry.field("author") == "Daum{\\'e}, III, Hal and van der Berg, Jan"


def test_format_person_literal_without_given_name() -> None:
    assert format_person(PersonName("", "Plato")) == "Plato"


@pytest.mark.parametrize(
    ("container", "entry_type", "venue_field"),
    [
        # Crossref types AAAI's (and IJCAI's, ICWSM's) papers journal-article in a proceedings title
        ("Proceedings of the AAAI Conference on Artificial Intelligence", "inproceedings", "booktitle"),
        (
            "Proceedings of the International AAAI Conference on Web and Social Media",
            "inproceedings",
            "booktitle",
        ),
        ("Proceedings of the Annual Meeting of the Cognitive Science Society", "inproceedings", "booktitle"),
        # journals whose names begin the same way
        ("Proceedings of the ACM on Human-Computer Interaction", "article", "journal"),
        ("Proceedings of the ACM on Conference Systems", "article", "journal"),  # PACM, whatever follows
        ("Proceedings of the National Academy of Sciences", "article", "journal"),
        ("Proceedings of the IEEE", "article", "journal"),
        ("Proceedings of the VLDB Endowment", "article", "journal"),
        ("Journal of Conference Studies", "article", "journal"),  # "Conference" alone is no proceedings
    ],
)
def test_a_journal_article_in_a_conferences_proceedings_is_inproceedings(
    container: str, entry_type: str, venue_field: str
) -> None:
    work = Work(
        source="crossref", title="T", type="journal-article", container=container, volume="39", year=2025
    )
    entry = entry_from_work(work, categories=[])
    assert entry.entry_type == entry_type
    assert entry.field(venue_field) == escape_latex(container)
    assert (entry.field("volume") is None) == (entry_type == "inproceedings")


def test_a_lower_cased_acl_doi_is_written_in_the_anthologys_case_with_its_page() -> None:
    work = Work(
        source="crossref", title="T", type="proceedings-article", container="C", doi="10.18653/v1/p19-1534"
    )
    entry = entry_from_work(work, categories=[])
    assert (entry.field("doi"), entry.field("url")) == (
        "10.18653/v1/P19-1534",
        "https://aclanthology.org/P19-1534/",
    )
