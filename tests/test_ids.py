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
    ("doi", "expected"),
    [
        ("10.18653/v1/P19-1534", "P19-1534"),
        ("10.18653/v1/p19-1534", "P19-1534"),  # Crossref lower-cases DOIs; the old-style id is upper-case
        ("10.18653/V1/d19-1012", "D19-1012"),
        ("10.18653/v1/2025.naacl-long.611", "2025.naacl-long.611"),
        ("10.18653/v1/2025.NAACL-long.611", "2025.naacl-long.611"),
        ("10.18653/v1/not-an-id", None),
        ("10.1145/3706598.3713453", None),
    ],
)
def test_anthology_from_doi_gives_the_anthologys_own_case(doi: str, expected: str | None) -> None:
    assert ids.anthology_from_doi(doi) == expected


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


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2401.01325v1", {"arxiv": "2401.01325"}),
        ("https://arxiv.org/pdf/2308.16137.pdf", {"arxiv": "2308.16137"}),
        ("https://arxiv.org/html/2403.13187v1", {"arxiv": "2403.13187"}),
        ("https://browse.arxiv.org/pdf/2402.01521.pdf", {"arxiv": "2402.01521"}),
        ("https://export.arxiv.org/abs/hep-th/9901001v2", {"arxiv": "hep-th/9901001"}),
        ("https://arxiv.org/ftp/arxiv/papers/2312/2312.00752.pdf", {"arxiv": "2312.00752"}),
        ("https://arxiv.org/abs/2409.10289?context=cs", {"arxiv": "2409.10289"}),
        ("https://huggingface.co/papers/2402.11550", {"arxiv": "2402.11550"}),
        ("https://aclanthology.org/2025.coling-main.66.pdf", {"anthology": "2025.coling-main.66"}),
        ("https://www.aclweb.org/anthology/P19-1534.pdf", {"anthology": "P19-1534"}),
        (
            "https://doi.org/10.18653/v1/2023.emnlp-main.323",
            {"doi": "10.18653/v1/2023.emnlp-main.323", "anthology": "2023.emnlp-main.323"},
        ),
        (
            "https://doi.org/10.48550/arXiv.2409.10289",
            {"doi": "10.48550/arXiv.2409.10289", "arxiv": "2409.10289"},
        ),
        (
            "https://dl.acm.org/doi/full/10.1145/3706598.3713453",
            {"doi": "10.1145/3706598.3713453", "acm": "10.1145/3706598.3713453"},
        ),
        ("https://dl.acm.org/citation.cfm?id=3295222", {"acm": "3295222"}),
        ("https://ebooks.iospress.nl/pdf/doi/10.3233/FAIA241039", {"doi": "10.3233/FAIA241039"}),
        (
            "https://link.springer.com/article/10.1007/s11704-024-40231-1",
            {"doi": "10.1007/s11704-024-40231-1"},
        ),
        ("https://link.springer.com/10.1007/s11704-024-40231-1", {"doi": "10.1007/s11704-024-40231-1"}),
        ("https://onlinelibrary.wiley.com/doi/abs/10.1002/asi.24750", {"doi": "10.1002/asi.24750"}),
        ("https://www.science.org/doi/10.1126/science.ade9097", {"doi": "10.1126/science.ade9097"}),
        ("https://www.nature.com/articles/s41467-024-55390-9", {"doi": "10.1038/s41467-024-55390-9"}),
        ("https://ieeexplore.ieee.org/document/9413906", {"ieee": "9413906"}),
        ("https://ieeexplore.ieee.org/stamp/stamp.jsp?tp=&arnumber=9413906", {"ieee": "9413906"}),
        ("https://www.sciencedirect.com/science/article/pii/S0893608022001234", {"pii": "S0893608022001234"}),
        ("https://ojs.aaai.org/index.php/AAAI/article/view/33569/35724", {"ojs": "AAAI/33569"}),
        ("https://openreview.net/forum?id=F6h0v1CTpC", {"openreview": "F6h0v1CTpC"}),
        ("https://openreview.net/pdf?id=yzkSU5zdwD", {"openreview": "yzkSU5zdwD"}),
        (
            "https://www.semanticscholar.org/paper/WebGPT-Nakano/2f3efe44083af91cef562c1a3451eee2f8601d22",
            {"semanticscholar": "2f3efe44083af91cef562c1a3451eee2f8601d22"},
        ),
        ("https://api.semanticscholar.org/CorpusID:218971783", {"semanticscholar": "CorpusID:218971783"}),
        ("https://proceedings.mlr.press/v139/radford21a.html", {"pmlr": "v139/radford21a"}),
        ("http://proceedings.mlr.press/v202/shi23a/shi23a.pdf", {"pmlr": "v202/shi23a"}),
        (
            "https://papers.nips.cc/paper/2020/file/1457c0d6bfcb4967418bfb8ac142f64a-Paper.pdf",
            {"neurips": "2020/1457c0d6bfcb4967418bfb8ac142f64a"},
        ),
        (
            "https://proceedings.neurips.cc/paper_files/paper/2024/hash/b0049c3f9c53fb06f674ae66c2cf2376-Abstract-Conference.html",
            {"neurips": "2024/b0049c3f9c53fb06f674ae66c2cf2376"},
        ),
        ("https://jmlr.org/papers/v21/20-074.html", {"jmlr": "v21/20-074"}),
        ("https://github.com/declare-lab/MIME", {}),
        ("https://lmsys.org/blog/2024-07-01-routellm/", {}),
        ("https://example.org/10.1000/x", {}),
        ("not a url", {}),
    ],
)
def test_paper_ids_from_url(url: str, expected: dict[str, str]) -> None:
    assert ids.paper_ids_from_url(url) == expected
    assert ids.is_paper_url(url) is bool(expected)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://github.com/declare-lab/MIME", True),
        ("https://gitlab.com/group/project", True),
        ("https://huggingface.co/khhuang/chartve", True),
        ("https://huggingface.co/datasets/org/data", True),
        ("https://huggingface.co/spaces/org/demo", True),
        ("https://huggingface.co/papers/2402.11550", False),
        ("https://github.com", False),
        ("https://mitmedialab.github.io/empathic-stories-multimodal/", False),
        ("https://arxiv.org/abs/2409.10289", False),
    ],
)
def test_is_code_url(url: str, code: bool) -> None:
    assert ids.is_code_url(url) is code


@given(st.text(max_size=80))
def test_paper_ids_from_any_text_never_raise_and_are_bare(value: str) -> None:
    for scheme, found in ids.paper_ids_from_url(value).items():
        assert found and found == found.strip(), scheme
