"""Candidate validation: every trap of apis.md, as pure functions over Papers and Works."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from empathy_bib.bib import BibFile
from empathy_bib.enrich import dois
from empathy_bib.enrich.match import choose, judge, title_similarity
from empathy_bib.enrich.records import Name, Work
from empathy_bib.record import Paper, papers_of


def paper(entry: str) -> Paper:
    return papers_of(BibFile.from_text(entry))[0]


def work(
    title: str, authors: list[tuple[str, str]], year: int | None, type_: str, doi: str, **kw: str
) -> Work:
    return Work(
        source="crossref",
        title=title,
        authors=tuple(Name(g, f) for g, f in authors),
        year=year,
        type=type_,
        doi=doi,
        **kw,  # type: ignore[arg-type]
    )


QWEN = paper(
    "@misc{yang2024qwen2, title = {{Qwen2} Technical Report}, "
    "author = {Yang, An and Yang, Baosong and Hui, Binyuan}, year = {2024}}"
)


def test_qwen2_is_not_qwen25() -> None:
    trap = work(
        "Qwen2.5 Technical Report",
        [("An", "Yang"), ("Baosong", "Yang")],
        2024,
        "posted-content",
        "10.1000/q25",
    )
    verdict = judge(QWEN, trap)
    assert not verdict.accepted
    assert any("numbers differ" in r for r in verdict.reasons)
    right = work(
        "Qwen2 Technical Report", [("An", "Yang"), ("Baosong", "Yang")], 2024, "posted-content", "10.1000/q2"
    )
    assert choose(QWEN, [trap, right]).chosen is not None
    assert choose(QWEN, [trap, right]).chosen.work.doi == "10.1000/q2"  # type: ignore[union-attr]


def test_book_beats_its_review() -> None:
    entry = paper(
        "@book{lanzoni2018empathy, title = {Empathy: A History}, author = {Lanzoni, Susan}, "
        "publisher = {Yale University Press}, year = {2018}}"
    )
    review = work("Empathy: A History", [("Mark", "Solovey")], 2019, "journal-article", "10.1000/review")
    book = work("Empathy: A History", [("Susan", "Lanzoni")], 2018, "book", "10.1000/book")
    choice = choose(entry, [review, book])  # the review ranks first
    assert choice.chosen is not None and choice.chosen.work.doi == "10.1000/book"
    reasons = judge(entry, review).reasons
    assert any("author" in r for r in reasons) and any("type" in r for r in reasons)


def test_thesis_is_not_the_paper() -> None:
    entry = paper(
        "@inproceedings{kim2021perspective, title = {Perspective-taking and Pragmatics for Generating "
        "Empathetic Responses Focused on Emotion Causes}, author = {Kim, Hyunwoo and Kim, Byeongchang "
        "and Kim, Gunhee}, booktitle = {Proceedings of EMNLP 2021}, year = {2021}}"
    )
    thesis = work(entry.title, [("Hyunwoo", "Kim")], 2022, "dissertation", "10.1000/thesis")
    assert not judge(entry, thesis).accepted
    assert choose(entry, [thesis]).chosen is None


def test_workshop_paper_is_not_its_journal_extension() -> None:
    entry = paper(
        "@inproceedings{rashkin2018towards, title = {Towards Empathetic Open-domain Conversation Models}, "
        "author = {Rashkin, Hannah and Smith, Eric Michael and Li, Margaret and Boureau, Y-Lan}, "
        "booktitle = {Proceedings of the Workshop on Empathy}, year = {2018}}"
    )
    journal = work(
        "Towards Empathetic Open-domain Conversation Models",
        [("Hannah", "Rashkin"), ("Eric Michael", "Smith"), ("Margaret", "Li"), ("Y-Lan", "Boureau")],
        2021,
        "journal-article",
        "10.1000/journal",
        container="IEEE Transactions on Affective Computing",
    )
    reasons = judge(entry, journal).reasons
    assert any("year differs by 3" in r for r in reasons)
    assert any("does not fit @inproceedings" in r for r in reasons)


def test_preprint_year_off_by_one_is_accepted() -> None:
    entry = paper(
        "@inproceedings{majumder2020mime, title = {{MIME}: {MIM}icking Emotions for Empathetic Response "
        "Generation}, author = {Majumder, Navonil and Hong, Pengfei and Peng, Shanshan}, year = {2021}}"
    )
    published = work(
        "MIME: MIMicking Emotions for Empathetic Response Generation",
        [("Navonil", "Majumder"), ("Pengfei", "Hong"), ("Shanshan", "Peng")],
        2020,
        "proceedings-article",
        "10.18653/v1/2020.emnlp-main.721",
    )
    verdict = judge(entry, published)
    assert verdict.accepted, verdict.reasons
    assert verdict.evidence.year_difference == 1


def test_pseudo_doi_and_unsafe_doi_are_rejected() -> None:
    entry = paper("@inproceedings{a, title = {Deep Empathy}, author = {Zeller, Anna}, year = {2020}}")
    pseudo = work(
        "Deep Empathy", [("Anna", "Zeller")], 2020, "proceedings-article", "10.5555/3495724.3496173"
    )
    assert any("pseudo-DOI" in r for r in judge(entry, pseudo).reasons)
    injected = work(
        "Deep Empathy", [("Anna", "Zeller")], 2020, "proceedings-article", "10.1000/x}, title={pwned"
    )
    assert any("not a valid DOI" in r for r in judge(entry, injected).reasons)
    newline = work("Deep Empathy", [("Anna", "Zeller")], 2020, "proceedings-article", "10.1000/x\nnote = y")
    assert not judge(entry, newline).accepted


def test_doi_as_url_and_with_latex_escape_is_written_bare() -> None:
    entry = paper("@inproceedings{a, title = {Deep Empathy}, author = {Zeller, Anna}, year = {2020}}")
    as_url = work(
        "Deep Empathy", [("Anna", "Zeller")], 2020, "proceedings-article", "https://doi.org/10.1000/a_b"
    )
    assert judge(entry, as_url).accepted
    assert dois.doi_in_url("https://doi.org/10.1000/a\\_b") == "10.1000/a_b"
    result = dois.EntryResult(
        entry.block, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="https://doi.org/10.1000/a_b"
    )
    assert dois.writable_doi(result) == "10.1000/a_b"


def test_one_short_common_family_name_is_no_evidence() -> None:
    entry = paper(
        "@inproceedings{li2023emp, title = {Empathetic Dialogue Generation with Emotion Causes}, "
        "author = {Li, Wei and Wang, Hao}, year = {2023}}"
    )
    namesake = work(
        "Empathetic Dialogue Generation with Emotion Causes",
        [("Xiaoming", "Li"), ("Jun", "Zhao"), ("Tao", "Chen")],
        2023,
        "proceedings-article",
        "10.1000/other",
    )
    assert any("common family names" in r for r in judge(entry, namesake).reasons)
    same = work(
        "Empathetic Dialogue Generation with Emotion Causes",
        [("Wei", "Li"), ("Hao", "Wang")],
        2023,
        "proceedings-article",
        "10.1000/same",
    )
    assert judge(entry, same).accepted


def test_two_equally_good_candidates_abstain() -> None:
    entry = paper("@inproceedings{a, title = {Deep Empathy}, author = {Zeller, Anna}, year = {2020}}")
    one = work("Deep Empathy", [("Anna", "Zeller")], 2020, "proceedings-article", "10.1000/one")
    two = work("Deep Empathy", [("Anna", "Zeller")], 2020, "proceedings-article", "10.1000/two")
    choice = choose(entry, [one, two])
    assert choice.chosen is None and choice.ambiguous


def test_proceedings_registered_as_journal_article_fits_inproceedings() -> None:
    entry = paper(
        "@inproceedings{sabour2022cem, title = {{CEM}: Commonsense-Aware Empathetic Response Generation}, "
        "author = {Sabour, Sahand and Zheng, Chujie and Huang, Minlie}, year = {2022}}"
    )
    aaai = work(
        "CEM: Commonsense-Aware Empathetic Response Generation",
        [("Sahand", "Sabour"), ("Chujie", "Zheng"), ("Minlie", "Huang")],
        2022,
        "journal-article",
        "10.1609/aaai.v36i10.21373",
        container="Proceedings of the AAAI Conference on Artificial Intelligence",
    )
    assert judge(entry, aaai).accepted


def test_markup_in_service_titles_is_stripped_for_matching() -> None:
    marked_up = work("<i>CEM</i>: Commonsense &amp; Empathy", [], 2020, "journal-article", "10.1000/x")
    assert title_similarity("{CEM}: Commonsense \\& Empathy", marked_up) == (100.0, True)
    # A service's title is no LaTeX: its `%` is text, not a comment swallowing the rest.
    percent = work("100% of LLMs", [], 2020, "journal-article", "10.1000/x")
    assert title_similarity("100\\% of {LLMs}", percent) == (100.0, True)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="abcdefghij klmnop", min_size=5, max_size=40), st.integers(0, 99))
def test_a_different_number_never_matches(words: str, n: int) -> None:
    entry = paper(f"@misc{{k, title = {{{words} v{n}}}, author = {{Zeller, Anna}}, year = {{2020}}}}")
    other = work(f"{words} v{n + 1}", [("Anna", "Zeller")], 2020, "posted-content", "10.1000/x")
    assert not judge(entry, other).accepted
