"""The venue filter's short names (`render.venues.short_venue`), and the page's data attributes.

The list's names are checked against a table written by hand from each entry's venue; the
corpus (thousands of real venues) for sane output; the page through lxml's HTML parser.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import lxml.html  # type: ignore[import-untyped]
import pytest

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of
from empathy_bib.render import render_all
from empathy_bib.render.venues import short_venue
from empathy_bib.taxonomy import load_taxonomy

from .conftest import ROOT, corpus_files

STYLES = ROOT / "styles"

# Read off each entry's booktitle, journal or arXiv id by hand.
LIST_VENUES = {
    "zhang2024affective": "arXiv",
    "kidder2024empathy": "arXiv",
    "liu2025illusion": "AAAI",
    "hou2025language": "NAACL",
    "abbasian2024empathy": "arXiv",
    "chen2023soulchat": "Findings of EMNLP",
    "zheng2021comae": "Findings of ACL",
    "yuan2025reflectdiffu": "ACL",
    "huangfu2025non": "COLING",
    "wang2025ecc": "COLING",
    "chen2024cause": "arXiv",
    "sotolar2024empo": "arXiv",
    "qian2023harnessing": "Findings of EMNLP",
    "bi2023diffusemp": "ACL",
    "mozikov2024insideout": "ECAI",
    "majumder2020mime": "EMNLP",
    "li2020empdg": "COLING",
    "wang2025sibyl": "COLING",
    "cao2025tool": "COLING",
    "degrandi2024emotional": "arXiv",
    "deng2023knowledge": "ACL",
    "sabour2022cem": "AAAI",
    "cai2024empcrl": "LREC-COLING",
    "chen2022emphi": "NAACL",
    "wang2022care": "Findings of EMNLP",
    "gao2021improving": "Findings of EMNLP",
    "he2025dialoguemmt": "COLING",
    "zhang2023dialoguellm": "arXiv",
    "li2024chinchunmei": "WASSA workshop",
    "wu2025beyond": "Findings of NAACL",
    "fu2025laerc": "COLING",
    "hu2024aptness": "CIKM",
    "gao2023cab": "DASFAA",
    "lin2019moel": "EMNLP",
    "sun2023rational": "arXiv",
    "lee2023chain": "arXiv",
    "huang2024apathetic": "NeurIPS",
    "chen2024emotionqueen": "Findings of ACL",
    "belay2025culemo": "arXiv",
    "zheng2025customizing": "CHI",
    "wu2025personas": "EMNLP",
    "wu2025traits": "COLING",
    "rashkin2019towards": "ACL",
    "sun2021psyqa": "Findings of ACL",
    "shen2024empathicstories": "Findings of ACL",
    "zhang2024stickerconv": "ACL",
}


def test_every_paper_of_the_list_has_its_short_venue() -> None:
    papers = papers_of(BibFile.load(ROOT / "references.bib"))
    found = {p.key: short_venue(p) for p in papers}
    known = {key: found[key] for key in LIST_VENUES if key in found}
    assert known == {key: LIST_VENUES[key] for key in known}
    assert len(known) >= 40  # the table still covers the list
    assert all(found.values())  # papers added later have a name too


def one(entry: str) -> str:
    return short_venue(papers_of(BibFile.from_text(entry))[0])


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        # the Anthology id decides, whatever the booktitle says
        ("@inproceedings{a, booktitle={Proc.}, url={https://aclanthology.org/2023.emnlp-main.1/}}", "EMNLP"),
        ("@inproceedings{a, booktitle={x}, doi={10.18653/v1/2022.findings-naacl.9}}", "Findings of NAACL"),
        ("@inproceedings{a, booktitle={x}, url={https://aclanthology.org/2022.lrec-1.5/}}", "LREC"),
        ("@inproceedings{a, booktitle={x}, url={https://aclanthology.org/2024.lrec-main.5/}}", "LREC-COLING"),
        (
            "@inproceedings{a, booktitle={x}, url={https://aclanthology.org/2023.clpsych-1.2/}}",
            "CLPsych workshop",
        ),
        ("@inproceedings{a, booktitle={x}, url={https://aclanthology.org/N19-1001/}}", "NAACL"),
        # an old-style workshop id names no event: the booktitle does
        (
            "@inproceedings{a, booktitle={Proceedings of the ACL Workshop on Ethics},"
            " url={https://aclanthology.org/W17-1601/}}",
            "ACL workshop",
        ),
        ("@article{a, journal={CoRR}, volume={abs/2301.00001}}", "arXiv"),
        ("@article{a, journal={arXiv preprint arXiv:2301.00001}}", "arXiv"),
        ("@misc{a, eprint={2301.00001}, archiveprefix={arXiv}}", "arXiv"),
        ("@inproceedings{a, title={t}, doi={10.1609/aaai.v37i1.1}}", "AAAI"),
        ("@article{a, journal={Transactions of the Association for Computational Linguistics}}", "TACL"),
        ("@article{a, journal={IEEE Transactions on Affective Computing}}", "IEEE TAC"),
        (
            "@inproceedings{a, booktitle="
            "{Proceedings of the Seventh Conference on Natural Language Learning at HLT-NAACL 2003}}",
            "CoNLL",
        ),
        (
            "@inproceedings{a,"
            " booktitle={Proceedings of the 17th International Conference on Foo (FOOCON 2021)}}",
            "FOOCON",
        ),
        (
            "@inproceedings{a, booktitle={Proceedings of the 5th Conference on Automated Deduction}}",
            "Conference on Automated Deduction",
        ),
        ("@article{a, journal={J. Appl. Phys.}}", "J. Appl. Phys."),
        ("@inproceedings{a, title={No venue at all}}", ""),
    ],
)
def test_short_venue_of_one_entry(entry: str, expected: str) -> None:
    assert one(entry) == expected


def test_a_long_unknown_name_is_cut_at_a_word() -> None:
    name = one("@article{a, journal={Revista Digital de Biblioteconomia e Ciencia da Informacao Aplicada}}")
    assert name.endswith("…") and len(name) <= 49
    assert "Revista Digital de Biblioteconomia e Ciencia da Informacao Aplicada".startswith(name[:-1])


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_short_venues_of_the_corpus_are_sane(path: Path, corpus_dir: Path) -> None:
    try:
        bib = BibFile.load(path)
    except Exception:  # a file the loader refuses has no papers to name
        pytest.skip("not loadable")
    for paper in papers_of(bib):
        name = short_venue(paper)
        assert name == name.strip() and "\n" not in name, (paper.key, name)
        assert len(name) <= 49, (paper.key, name)
        assert "\\" not in name and "{" not in name, (paper.key, name)
        assert not name.lower().startswith("proceedings of"), (paper.key, name)
        if paper.venue:
            assert name, paper.key
        if (
            paper.venue
            and "annual meeting of the association for computational linguistics" in paper.venue.lower()
        ):
            assert name in ("ACL", "ACL workshop") or name.startswith("Findings"), (paper.key, name)


# ---------------------------------------------------------------------- the page's attributes


def page_tree(text: str) -> Any:
    return lxml.html.document_fromstring(text)


def test_venue_options_are_the_short_names_with_their_counts() -> None:
    page = page_tree((ROOT / "site" / "index.html").read_text(encoding="utf-8"))
    papers = papers_of(BibFile.load(ROOT / "references.bib"))
    counts = Counter(short_venue(p) for p in papers)
    options = {
        o.get("value"): o.text_content() for o in page.xpath("//select[@id='venue']/option") if o.get("value")
    }
    assert options == {name: f"{name} ({n})" for name, n in counts.items()}
    rows = page.xpath("//ol[@id='papers']/li")
    assert {li.get("id"): li.get("data-venue") for li in rows} == {p.key: short_venue(p) for p in papers}


HOSTILE = r"""@inproceedings{evil<i>x</i>'&%#y,
  title = {Title "><img src=x onerror=alert(1)> '&'},
  author = {Doe, Jane},
  booktitle = {Proc. of "><img src=x onerror=alert(2)> Conference},
  year = {2024},
  added = {2024-01-01"><b>x</b>},
  url = {javascript:alert(1)},
  keywords = {datasets},
}
"""


def test_hostile_values_stay_inert_in_the_page_attributes() -> None:
    taxonomy = load_taxonomy(STYLES / "categories.toml")
    page = render_all(BibFile.from_text(HOSTILE), taxonomy, STYLES, validate=False)["site/index.html"]
    tree = page_tree(page)
    assert tree.xpath("//img") == [] and tree.xpath("//b") == [] and tree.xpath("//li//i") == []
    assert tree.xpath("//@onerror") == [] and tree.xpath("//@onmouseover") == []
    assert not [href for href in tree.xpath("//a/@href") if href.strip().lower().startswith("javascript:")]
    (row,) = tree.xpath("//ol[@id='papers']/li")
    assert row.get("id") == "evil<i>x</i>'&%#y"
    assert row.get("data-venue") == short_venue(papers_of(BibFile.from_text(HOSTILE))[0])
    assert '"><img' in row.get("data-venue")
    (permalink,) = row.xpath(".//a[@class='permalink']")
    assert permalink.get("href") == "#evil%3Ci%3Ex%3C/i%3E'&%25%23y"
    title = papers_of(BibFile.from_text(HOSTILE))[0].title
    assert '"><img' in title and permalink.get("aria-label") == f"Permalink to {title}"
