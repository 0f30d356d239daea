from __future__ import annotations

from empathy_bib.bib import BibFile
from empathy_bib.record import Author, papers_of, parse_names

ENTRY = r"""
@inproceedings{hou2025language,
  title = {{MIME}: {MIMicking} Emotions for Nguy{\~{\^e}}n's {LLM}s},
  author = {Hou, Yu and Daum{\'e}, III, Hal and {van der} Berg, Jan and {OpenAI}},
  booktitle = {Proceedings of {NAACL}},
  year = {2025},
  month = apr,
  doi = {https://doi.org/10.18653/v1/2025.naacl-long.611},
  url = {https://aclanthology.org/2025.naacl-long.611/},
  eprint = {2503.01030v2},
  archiveprefix = {arXiv},
  code = {https://github.com/x/y},
  keywords = {theory-frameworks, ethics-societal-impact},
}
"""


def paper():
    return papers_of(BibFile.from_text(ENTRY))[0]


def test_text_is_decoded_and_protected_spans_kept() -> None:
    p = paper()
    assert p.title == "MIME: MIMicking Emotions for Nguyễn's LLMs"
    assert [(s.text, s.protected) for s in p.title_spans][:3] == [
        ("MIME", True),
        (": ", False),
        ("MIMicking", True),
    ]
    assert p.venue == "Proceedings of NAACL"


def test_names_are_split_before_decoding() -> None:
    p = paper()
    assert [a.display for a in p.authors] == ["Yu Hou", "Hal Daumé III", "Jan van der Berg", "OpenAI"]
    assert p.authors[1].family == "Daumé" and p.authors[1].suffix == "III"
    assert p.authors[2].family == "van der Berg"
    assert p.authors[3].literal
    assert parse_names("") == ()
    assert Author.parse("Li, Tian").given == "Tian"


def test_identifiers_and_links() -> None:
    p = paper()
    assert (p.year, p.month) == (2025, 4)
    assert p.doi == "10.18653/v1/2025.naacl-long.611"
    assert p.arxiv_id == "2503.01030"
    assert p.anthology_id == "2025.naacl-long.611"
    assert p.categories == ("theory-frameworks", "ethics-societal-impact")
    assert p.links.landing == "https://aclanthology.org/2025.naacl-long.611/"
    assert p.links.pdf == "https://aclanthology.org/2025.naacl-long.611.pdf"
    assert p.links.code == "https://github.com/x/y"
    assert p.links.arxiv == "https://arxiv.org/abs/2503.01030"
    assert p.links.doi == "https://doi.org/10.18653/v1/2025.naacl-long.611"


def test_hostile_urls_never_become_links() -> None:
    bib = BibFile.from_text("@misc{x, title={T}, url={javascript:alert(1)}, code={file:///etc/passwd}}")
    p = papers_of(bib)[0]
    assert p.links.landing is None and p.links.code is None
