"""references.bib holds the 46 papers, once each, with the verified facts of ../shared/data/papers.tsv."""

from __future__ import annotations

import csv

import pytest

from empathy_bib import ids
from empathy_bib.bib import BibFile
from empathy_bib.latex import normalize_title
from empathy_bib.model import Paper, iter_papers
from empathy_bib.taxonomy import load_taxonomy

from .conftest import ROOT, tools_required

FACTS = ROOT.parent / "shared" / "data" / "papers.tsv"


def papers() -> dict[str, Paper]:
    return {p.key: p for p in iter_papers(BibFile.load(ROOT / "references.bib"))}


@pytest.fixture(scope="module")
def facts() -> list[dict[str, str]]:
    if not FACTS.is_file():
        if tools_required():
            pytest.fail(f"{FACTS} is missing")
        pytest.skip("../shared/data/papers.tsv is not next to this clone")
    with FACTS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_every_paper_once_with_unique_ascii_keys() -> None:
    bib = BibFile.load(ROOT / "references.bib")
    assert bib.is_complete
    keys = [e.key or "" for e in bib.entries]
    assert len(keys) == 46
    assert len({k.lower() for k in keys}) == 46
    assert all(k.isascii() and k.isalnum() for k in keys)
    assert bib.text.isascii(), "accents are written as LaTeX escapes (see README)"
    titles = [normalize_title(p.get("title") or "") for p in papers().values()]
    assert len(set(titles)) == 46


def test_keywords_are_taxonomy_slugs_and_places_add_up() -> None:
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    allowed = set(taxonomy.paper_slugs)
    places = 0
    for paper in papers().values():
        assert paper.categories, paper.key
        assert set(paper.categories) <= allowed, paper.key
        places += len(paper.categories)
    assert places == 54


def test_matches_the_verified_facts(facts: list[dict[str, str]]) -> None:
    by_key = papers()
    assert set(by_key) == {row["key_hint"] for row in facts}
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    for row in facts:
        paper = by_key[row["key_hint"]]
        assert paper.entry_type == row["entry_type"], paper.key
        assert paper.title == row["title"].replace("--", "\u2013"), paper.key
        assert [a.display for a in paper.authors] == row["authors"].split(" and "), paper.key
        assert paper.year == int(row["year"]), paper.key
        assert (paper.get("month") or "") == row["month"], paper.key
        venue = paper.text("booktitle") or paper.text("journal") or ""
        assert venue == row["booktitle_or_journal"], paper.key
        assert (paper.text("publisher") or "") == row["publisher"], paper.key
        assert (paper.text("address") or "") == row["address"], paper.key
        assert (paper.get("pages") or "") == row["pages"], paper.key
        assert (paper.doi or "") == row["doi"], paper.key
        assert paper.get("url") == row["url"], paper.key
        assert (paper.arxiv_id or "") == row["arxiv_id"], paper.key
        if row["acl_anthology_id"]:
            assert paper.anthology_id == row["acl_anthology_id"], paper.key
        assert (paper.get("code") or "") == row["code_url"], paper.key
        expected = [taxonomy.by_title(s) for s in row["sections"].split(";")]
        assert list(paper.categories) == [c.slug for c in expected if c], paper.key


def test_seed_errors_stay_fixed() -> None:
    by_key = papers()
    # EmpHi was linked to CARE's arXiv id in the seed
    assert by_key["chen2022emphi"].arxiv_id == "2204.12191"
    assert by_key["wang2022care"].arxiv_id == "2211.00255"
    # links that pointed at other papers
    assert by_key["majumder2020mime"].anthology_id == "2020.emnlp-main.721"
    assert by_key["lin2019moel"].anthology_id == "D19-1012"
    # the arXiv DOI is never given to a published paper
    for paper in by_key.values():
        if paper.doi and paper.doi.lower().startswith("10.48550/"):
            assert paper.entry_type == "misc", paper.key
            assert ids.arxiv_doi(paper.arxiv_id or "") == paper.doi, paper.key
