"""references.bib holds every verified paper of ../shared/data/papers.tsv once, with its facts.

The tests follow the list: what they expect of references.bib is computed from the file itself
(bibtexparser's reading of it, and warnings derived from its values), so adding a paper needs
no change here, and a mutated copy of the list shows that the expectations can fail.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import bibtexparser
import pytest

from empathy_bib import ids
from empathy_bib.bib import BibFile
from empathy_bib.record import Paper, papers_of
from empathy_bib.taxonomy import load_taxonomy
from empathy_bib.text import title_key

from .conftest import ROOT, tools_required, validate_json

FACTS = ROOT.parent / "shared" / "data" / "papers.tsv"


def papers() -> dict[str, Paper]:
    return {p.key: p for p in papers_of(BibFile.load(ROOT / "references.bib"))}


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
    assert len(keys) >= 46  # the verified papers; `add` appends more
    assert len({k.lower() for k in keys}) == len(keys)
    assert all(k.isascii() and k.isalnum() for k in keys)
    assert bib.text.isascii(), "accents are written as LaTeX escapes (see README)"
    titles = [title_key(p.get("title") or "") for p in papers().values()]
    assert len(set(titles)) == len(keys)


def test_keywords_are_taxonomy_slugs_and_places_add_up() -> None:
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    allowed = set(taxonomy.paper_slugs)
    for paper in papers().values():
        assert paper.categories, paper.key
        assert set(paper.categories) <= allowed, paper.key
        assert len(set(paper.categories)) == len(paper.categories), paper.key


def test_matches_the_verified_facts(facts: list[dict[str, str]]) -> None:
    by_key = papers()
    assert {row["key_hint"] for row in facts} <= set(by_key)  # none lost; `add` may append others
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


# ---------------------------------------------------------------------- the list as it is today


def bibtexparser_fields(text: str) -> dict[str, dict[str, str]]:
    """bibtexparser 2's reading of the file: key -> {field name: value}, macros resolved."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return {e.key: {f.key.lower(): f.value for f in e.fields} for e in library.entries}


def test_every_entry_and_field_is_read_as_bibtexparser_reads_it() -> None:
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    expected = bibtexparser_fields(text)
    bib = BibFile.from_text(text)
    assert [e.key for e in bib.entries] == list(expected)
    for entry in bib.entries:
        assert entry.key is not None
        read = {f.key: bib.value(entry, f.key) for f in entry.fields}
        assert read == expected[entry.key], entry.key


MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}


def expected_warnings(text: str) -> Counter[tuple[str, str]]:
    """(code, key) of the warnings validate must give, derived from bibtexparser's values by plain rules."""
    found: Counter[tuple[str, str]] = Counter()
    for key, fields in bibtexparser_fields(text).items():
        month = fields.get("month")
        if month is not None and month not in MONTHS and month not in {str(n) for n in range(1, 13)}:
            found["W303", key] += 1
        pages = fields.get("pages", "")
        if re.search(r"\d-\d", pages) and "--" not in pages:
            found["W304", key] += 1
        if re.match(r"(?i)(https?://|doi:)", fields.get("doi", "")):
            found["W306", key] += 1
        found["W312", key] += sum(1 for value in fields.values() if value == "")
        arxiv = fields.get("archiveprefix", "").lower() == "arxiv" and fields.get("eprint")
        if arxiv and "url" not in fields:
            found["W403", key] += 1
        slugs = [s.strip() for s in fields.get("keywords", "").split(",")]
        found["W407", key] += len(slugs) - len(set(slugs))
    return +found  # zero counts dropped


def reported(path: Path) -> tuple[int, Counter[tuple[str, str]]]:
    result = validate_json(path)
    warnings = Counter((d["code"], d["key"]) for d in result["diagnostics"] if d["severity"] == "warning")
    return result["summary"]["errors"], warnings


def test_validate_reports_exactly_the_warnings_the_list_calls_for() -> None:
    path = ROOT / "references.bib"
    errors, warnings = reported(path)
    assert errors == 0
    assert warnings == expected_warnings(path.read_text(encoding="utf-8"))


def mutate_the_list(text: str) -> str:
    """references.bib with one instance of each mistake the expectations above compute."""
    edits = [
        (r"(pages = \{\d+)--(\d+\})", r"\1-\2"),
        (r"month = \w+", "month = {March}"),
        (r"doi = \{", "doi = {https://doi.org/"),
        (r"keywords = \{([^,}]+)", r"keywords = {\1, \1"),
        (r"  year = ", "  note = {},\n  year = "),
    ]
    for pattern, replacement in edits:
        text = re.sub(pattern, replacement, text, count=1)
    # an arXiv entry without its url
    return re.sub(r"  url = \{https://arxiv\.org/abs/[^}]*\},\n", "", text, count=1)


def test_the_expected_warnings_follow_a_changed_list(tmp_path: Path) -> None:
    changed = tmp_path / "references.bib"
    text = mutate_the_list((ROOT / "references.bib").read_text(encoding="utf-8"))
    changed.write_text(text, encoding="utf-8")
    expected = expected_warnings(text)
    assert {code for code, _ in expected} == {"W303", "W304", "W306", "W312", "W403", "W407"}
    errors, warnings = reported(changed)
    assert errors == 0
    assert warnings == expected
