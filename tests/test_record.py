from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Person

from empathy_bib.bib import BibFile, plain_value, resolve_value
from empathy_bib.names import Author, parse_names
from empathy_bib.record import papers_of
from empathy_bib.render.csljson import csl_name
from empathy_bib.text import to_unicode

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


# ---------------------------------------------------------------------- names, against pybtex

NAME_WORDS = [
    *("van", "der", "de", "La", "von", "d'Alembert", "Berg", "Jan", "Hal", "Jr.", "III"),
    *("{van der}", "{OpenAI}", "Daum{\\'e}", 'M{\\"u}ller', "{\\'E}mile", "Nguy{\\~{\\^e}}n", "J.~R."),
    *("ß", "Émile", "{de la}", "\\'Eric"),
]
name_strings = st.lists(st.sampled_from([*NAME_WORDS, ","]), min_size=1, max_size=7).map(" ".join)


def _pybtex_parts(name: str) -> tuple[tuple[str, ...], ...]:
    person = Person(name)
    first = tuple(person.first_names + person.middle_names)
    return first, tuple(person.prelast_names), tuple(person.last_names), tuple(person.lineage_names)


@settings(max_examples=300, deadline=None)
@given(name_strings)
@example("van der Berg, Jan")
@example("Daum{\\'e}, III, Hal")
@example("{van der} Berg, Jan")
@example("Jean de La Fontaine")
@example("{OpenAI}")
def test_author_parts_are_pybtex_parts_decoded_one_by_one(name: str) -> None:
    if name.count(",") > 2:
        return  # pybtex refuses the name
    author = Author.parse(name)
    first, von, last, jr = _pybtex_parts(name)
    parts = author.parts
    assert (parts.first, parts.von, parts.last, parts.jr) == (first, von, last, jr)
    assert author.given == to_unicode(" ".join(first))
    assert author.von == to_unicode(" ".join(von))
    assert author.last == to_unicode(" ".join(last))
    assert author.suffix == to_unicode(" ".join(jr))


@settings(max_examples=100, deadline=None)
@given(st.lists(name_strings.filter(lambda n: n.count(",") <= 2), min_size=1, max_size=4))
def test_name_lists_are_split_as_pybtex_splits_them(names: list[str]) -> None:
    value = " and ".join(names)
    expected = [n for n in split_name_list(" ".join(value.split())) if n.strip()]
    assert [a.raw for a in parse_names(value)] == expected


def test_csl_names_carry_the_parts() -> None:
    von, jr = Author.parse("van der Berg, Jan"), Author.parse("Daum{\\'e}, III, Hal")
    literal = Author.parse("{OpenAI}")
    assert csl_name(von) == {"given": "Jan", "non-dropping-particle": "van der", "family": "Berg"}
    assert csl_name(jr) == {"given": "Hal", "family": "Daumé", "suffix": "III"}
    assert csl_name(literal) == {"literal": "OpenAI"}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab {}\\"#,')), max_size=12))
@example("a")
@example("a{b}c")
@example("a\\}")
def test_braced_plain_values_are_what_the_general_path_reads(inner: str) -> None:
    raw = "{" + inner + "}"
    value = plain_value(raw, {})
    if value is not None:
        assert value == resolve_value(raw, {}).text == inner
    if not any(c in inner for c in "{}\\"):
        assert value == inner  # text in braces is always one plain group
