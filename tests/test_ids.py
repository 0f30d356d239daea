from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from empathy_bib import ids

# Crossref's published pattern for modern DOIs (an independent oracle for what a bare DOI is).
CROSSREF_DOI = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Z0-9]+$", re.IGNORECASE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.18653/v1/2020.emnlp-main.721", "10.18653/v1/2020.emnlp-main.721"),
        ("  10.1000/ABC \n", "10.1000/ABC"),  # blanks stripped, case kept
        ("https://doi.org/10.1145/3706598.3713453", "10.1145/3706598.3713453"),
        ("HTTPS://DOI.ORG/10.1000/x", "10.1000/x"),
        ("http://dx.doi.org/10.1000/ABC", "10.1000/ABC"),
        ("doi:10.48550/arXiv.2409.10289", "10.48550/arXiv.2409.10289"),
        ("DOI: 10.1000/x", "10.1000/x"),
        ("https://doi.org/10.1000/a%2Fb", "10.1000/a/b"),  # percent-encoding decoded
        ("10.1000/a\\_b", "10.1000/a_b"),  # a LaTeX escape
        ("{10.1000/ab}", "10.1000/ab"),
        ("https://doi.org/https://doi.org/10.1000/x", None),  # one prefix only
        ("https://example.org/10.1000/x", None),
        ("10.1000/a,b", None),
        ("10.1000/{AB}c", "10.1000/ABc"),  # braces are LaTeX grouping
        ("10.1000/a\nb", None),
        ('10.1000/a"b', None),
        ("10.1000/a b", None),
        ("10.1000/a#b", None),
        ("10.1000/", None),
        ("not a doi", None),
        ("", None),
        ("10.12/short-registrant", None),
    ],
)
def test_parse_doi(value: str, expected: str | None) -> None:
    assert ids.parse_doi(value) == expected


@given(st.from_regex(CROSSREF_DOI, fullmatch=True))
def test_every_crossref_doi_parses_to_itself_bare_or_as_a_url(doi: str) -> None:
    assert ids.parse_doi(doi) == doi
    assert ids.parse_doi(f"https://doi.org/{doi}") == doi
    assert ids.parse_doi(f"doi:{doi}") == doi


@given(st.text(max_size=40))
def test_a_parsed_doi_is_safe_in_a_bib_value_and_parses_again_to_itself(value: str) -> None:
    doi = ids.parse_doi(value)
    if doi is not None:
        assert not any(c in doi for c in ' ,{}"\\\n\r\t%#')
        assert ids.parse_doi(doi) == doi
        assert ids.normalize_doi(value) == doi.lower()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10.18653/v1/2020.emnlp-main.721", "10.18653/v1/2020.emnlp-main.721"),
        ("https://doi.org/10.1145/3706598.3713453", "10.1145/3706598.3713453"),
        ("http://dx.doi.org/10.1000/ABC", "10.1000/abc"),
        ("doi:10.48550/arXiv.2409.10289", "10.48550/arxiv.2409.10289"),
        ("10.1000/a\\_b", "10.1000/a_b"),
        ("{10.1000/ab}", "10.1000/ab"),
        ("10.1000/a,b", None),
        ("not a doi", None),
        ("10.12/short-registrant", None),
    ],
)
def test_normalize_doi(value: str, expected: str | None) -> None:
    assert ids.normalize_doi(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2409.10289", "2409.10289"),
        ("arXiv:2409.10289v2", "2409.10289"),
        ("https://arxiv.org/abs/2503.10688v1", "2503.10688"),
        ("https://arxiv.org/pdf/2409.10289.pdf", "2409.10289"),
        ("https://arxiv.org/pdf/2409.10289v3", "2409.10289"),
        ("10.48550/arXiv.2409.10289", "2409.10289"),
        ("cs/0112017", "cs/0112017"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("1501.0001", None),  # five digits after the dot from 2015 on
        ("1412.0001", "1412.0001"),
        ("2413.00001", None),  # month 13
        ("javascript:alert(1)", None),
    ],
)
def test_parse_arxiv(value: str, expected: str | None) -> None:
    assert ids.parse_arxiv(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://aclanthology.org/2025.coling-main.66/", "2025.coling-main.66"),
        ("https://aclanthology.org/2025.coling-main.66.pdf", "2025.coling-main.66"),
        ("2020.emnlp-main.721", "2020.emnlp-main.721"),
        ("https://aclanthology.org/P19-1534/", "P19-1534"),
        ("https://www.aclweb.org/anthology/D19-1012", "D19-1012"),
        ("https://aclanthology.org/people/x/", None),
        ("P19-15", None),
    ],
)
def test_parse_anthology(value: str, expected: str | None) -> None:
    assert ids.parse_anthology(value) == expected


def test_derived_dois() -> None:
    assert ids.arxiv_doi("2409.10289v2") == "10.48550/arXiv.2409.10289"
    assert ids.anthology_doi("P19-1534") == "10.18653/v1/P19-1534"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://a.org/x", True),
        ("http://a.org", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https:///nohost", False),
        ("ftp://a.org", False),
        ("https://a.org/has space", False),
    ],
)
def test_only_http_urls_are_web_urls(url: str, ok: bool) -> None:
    assert ids.is_web_url(url) is ok


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://aclanthology.org/2025.naacl-long.611/", "abs"),
        ("https://aclanthology.org/2025.coling-main.66.pdf", "pdf"),
        ("https://arxiv.org/abs/2409.10289", "abs"),
        ("https://arxiv.org/pdf/2409.10289", "pdf"),
        ("https://doi.org/10.1145/3706598.3713453", "doi"),
        ("https://ebooks.iospress.nl/pdf/doi/10.3233/FAIA241039", "pdf"),
    ],
)
def test_classify_url(url: str, kind: str) -> None:
    assert ids.classify_url(url) == kind
