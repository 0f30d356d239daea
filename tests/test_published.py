"""`enrich.published.find_published`: each source, each trap, and failures, against loopback fakes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.wrappers import Request, Response

from empathy_bib.bib import BibFile
from empathy_bib.enrich import http, published
from empathy_bib.enrich.published import Published, find_published
from empathy_bib.enrich.services import ServiceConfig
from empathy_bib.errors import NetworkError
from empathy_bib.record import Paper, papers_of
from tests.test_fetch_fakes import (
    ArxivEntry,
    FakeServices,
    Person,
    crossref_item,
    datacite_body,
    fake,
    fake_server,
    search_body,
    session_for,
)

__all__ = ["fake", "fake_server"]  # the fixtures, re-exported for pytest

ARXIV_ID = "1811.00207"
OLD_TITLE = "I Know the Feeling: Learning to Converse with Empathy"
NEW_TITLE = "Towards Empathetic Open-domain Conversation Models: A New Benchmark and Dataset"
AUTHORS: list[Person] = [
    ("Hannah", "Rashkin"),
    ("Eric Michael", "Smith"),
    ("Margaret", "Li"),
    ("Y-Lan", "Boureau"),
]
ACL_DOI = "10.18653/v1/P19-1534"
P19_1534_BIB = """@inproceedings{rashkin-etal-2019-towards,
    title = "Towards Empathetic Open-domain Conversation Models: A New Benchmark and Dataset",
    author = "Rashkin, Hannah  and Smith, Eric Michael  and Li, Margaret  and Boureau, Y-Lan",
    booktitle = "Proceedings of the 57th Annual Meeting of the Association for Computational Linguistics",
    month = jul,
    year = "2019",
    address = "Florence, Italy",
    publisher = "Association for Computational Linguistics",
    url = "https://aclanthology.org/P19-1534/",
    doi = "10.18653/v1/P19-1534",
    pages = "5370--5381",
}
"""


@pytest.fixture(autouse=True)
def fresh_sessions() -> Iterator[None]:
    yield
    http.close_sessions()


AUTHOR_FIELD = "Rashkin, Hannah and Smith, Eric Michael and Li, Margaret and Boureau, Y-Lan"


def entry(
    title: str = OLD_TITLE, authors: str = AUTHOR_FIELD, arxiv_id: str = ARXIV_ID, year: int = 2018
) -> Paper:
    text = (
        f"@misc{{k,\n  title = {{{title}}},\n  author = {{{authors}}},\n  year = {{{year}}},\n"
        f"  eprint = {{{arxiv_id}}},\n  archiveprefix = {{arXiv}},\n}}\n"
    )
    (paper,) = papers_of(BibFile.from_text(text))
    return paper


def preprint(fake: FakeServices, title: str = OLD_TITLE, authors: list[Person] = AUTHORS, **kw: Any) -> None:
    names = [f"{g} {f}" for g, f in authors]
    fake.arxiv[ARXIV_ID] = ArxivEntry(ARXIV_ID, title, names, published="2018-11-01T00:00:00Z", **kw)


def serve_anthology(fake: FakeServices, bibs: dict[str, str], then: Callable[[], None] | None = None) -> None:
    """The Anthology's `.bib` answers (the FakeServices has none); `then` runs on each request."""

    def answer(request: Request) -> Response | None:
        if not request.path.startswith("/anthology/"):
            return None
        if then is not None:
            then()
        body = bibs.get(request.path[len("/anthology/") :].removesuffix(".bib"))
        return Response(body, 200, content_type="text/plain") if body else Response("Not Found", 404)

    fake.override = answer


def config(fake: FakeServices, tmp_path: Path) -> ServiceConfig:
    return fake.config(tmp_path, anthology_url=fake.base("anthology"), use_cache=False)


def find(fake: FakeServices, tmp_path: Path, paper: Paper | None = None) -> Published | None:
    cfg = config(fake, tmp_path)
    return find_published(session_for(cfg), cfg, paper or entry(), None)


def acl_item(title: str = NEW_TITLE, authors: list[Person] = AUTHORS, **kw: Any) -> dict[str, Any]:
    doi = kw.pop("doi", ACL_DOI)
    settings: dict[str, Any] = {
        "container": "Proceedings of the 57th Annual Meeting of the ACL",
        "year": 2019,
    }
    settings.update(kw)
    return crossref_item(doi, title, authors, **settings)


def searched_queries(fake: FakeServices) -> list[str]:
    return [r.query.get("query.bibliographic", "") for r in fake.received if r.path == "/crossref/works"]


# ---------------------------------------------------------------------- each source


def test_arxiv_doi_names_the_anthology_record(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake, doi=ACL_DOI)
    serve_anthology(fake, {"P19-1534": P19_1534_BIB})
    found = find(fake, tmp_path)
    assert found is not None and found.evidence == "arXiv DOI"
    assert found.work.source == "anthology" and found.work.doi == ACL_DOI
    assert found.work.pages == "5370\u20135381" and found.work.address == "Florence, Italy"
    # the feed's own link is enough: no search
    assert not fake.paths("/crossref") and not fake.paths("/datacite")


def test_arxiv_journal_ref_sharpens_a_search(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake, title=NEW_TITLE, journal_ref="ACL 2019")
    doi = "10.1145/1234.5678"
    fake.searches.append(("ACL 2019", [acl_item(doi=doi, container="Proceedings of ACL")]))
    found = find(fake, tmp_path, entry(title=NEW_TITLE))
    assert found is not None and found.evidence == "arXiv journal-ref"
    assert found.work.doi == doi
    assert searched_queries(fake)[0].endswith("ACL 2019")


def test_datacite_relation(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake)
    doi = "10.1016/j.csl.2020.101100"
    fake.datacite[f"10.48550/arxiv.{ARXIV_ID}"] = datacite_body(
        f"10.48550/arXiv.{ARXIV_ID}", OLD_TITLE, AUTHORS, 2018, related=[f"10.48550/arXiv.{ARXIV_ID}", doi]
    )
    fake.works[doi] = crossref_item(
        doi, OLD_TITLE, AUTHORS, 2020, "journal-article", "Computer Speech & Language"
    )
    found = find(fake, tmp_path)
    assert found is not None and found.evidence == "DataCite relation"
    assert found.work.doi == doi and found.work.container == "Computer Speech & Language"


def test_crossref_relation(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake)
    doi = "10.1609/aaai.v34i05.6400"
    relation = {
        "has-preprint": [{"id-type": "doi", "id": f"10.48550/arXiv.{ARXIV_ID}", "asserted-by": "subject"}]
    }
    container = "Proceedings of the AAAI Conference"
    item = crossref_item(doi, NEW_TITLE, AUTHORS, 2020, "journal-article", container, relation=relation)
    unrelated = crossref_item("10.1000/other", OLD_TITLE, AUTHORS, 2019)  # names no preprint: ignored

    def answer(request: Request) -> Response | None:
        if request.path == "/crossref/works" and request.args.get("filter"):
            assert request.args["filter"] == f"relation.object:10.48550/arXiv.{ARXIV_ID}"
            body = json.dumps(search_body([unrelated, item]))
            return Response(body, 200, content_type="application/json")
        return None

    fake.override = answer
    found = find(fake, tmp_path)
    assert found is not None and found.evidence == "Crossref relation" and found.work.doi == doi


def test_search_same_title_same_authors(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake)
    doi = "10.1000/conf.2019.12"
    fake.searches.append(("i know the feeling", [acl_item(title=OLD_TITLE, doi=doi)]))
    found = find(fake, tmp_path)
    assert found is not None and found.evidence == "Crossref search (same authors)" and found.work.doi == doi


def test_search_renamed_paper_with_the_same_authors(fake: FakeServices, tmp_path: Path) -> None:
    """arXiv 1811.00207 became ACL 2019 P19-1534 under another title."""
    preprint(fake)
    serve_anthology(fake, {"P19-1534": P19_1534_BIB})
    fake.searches.append(("i know the feeling", [acl_item()]))
    found = find(fake, tmp_path)
    assert found is not None and found.evidence == "Crossref search (same authors, title changed)"
    assert found.work.source == "anthology" and found.work.title.startswith("Towards Empathetic")


def test_arxiv_unknown_id_uses_the_entry(fake: FakeServices, tmp_path: Path) -> None:
    fake.searches.append(("i know the feeling", [acl_item(title=OLD_TITLE, doi="10.1000/x.1")]))
    found = find(fake, tmp_path)
    assert found is not None and found.work.doi == "10.1000/x.1"


def test_no_arxiv_id_asks_nothing(fake: FakeServices, tmp_path: Path) -> None:
    (paper,) = papers_of(BibFile.from_text("@article{k, title = {T}, author = {A, B}, year = {2020}}"))
    assert find(fake, tmp_path, paper) is None
    assert not fake.received


def test_given_preprint_is_not_fetched_again(fake: FakeServices, tmp_path: Path) -> None:
    from empathy_bib.enrich import arxiv

    preprint(fake, doi=ACL_DOI)
    serve_anthology(fake, {"P19-1534": P19_1534_BIB})
    cfg = config(fake, tmp_path)
    session = session_for(cfg)
    work = arxiv.get(session, cfg, ARXIV_ID)
    before = len(fake.paths("/arxiv"))
    assert find_published(session, cfg, entry(), work) is not None
    assert len(fake.paths("/arxiv")) == before


# ---------------------------------------------------------------------- traps


def test_qwen2_is_not_qwen2_5(fake: FakeServices, tmp_path: Path) -> None:
    """Same authors, the title one number apart: another report, not a renamed paper."""
    preprint(fake, title="Qwen2 Technical Report", authors=AUTHORS)
    fake.searches.append(("qwen2", [acl_item(title="Qwen2.5 Technical Report", doi="10.1000/qwen25")]))
    assert find(fake, tmp_path, entry(title="Qwen2 Technical Report")) is None


def test_workshop_version_is_not_the_published_version(fake: FakeServices, tmp_path: Path) -> None:
    workshop_bib = P19_1534_BIB.replace("P19-1534", "W19-3401").replace(
        "Proceedings of the 57th Annual Meeting", "Proceedings of the Second Workshop"
    )
    preprint(fake, doi="10.18653/v1/W19-3401")
    serve_anthology(fake, {"W19-3401": workshop_bib})
    workshop = acl_item(
        title=OLD_TITLE, doi="10.18653/v1/W19-3402", container="Proceedings of the Workshop on NLP"
    )
    fake.searches.append(("i know the feeling", [workshop]))
    assert find(fake, tmp_path) is None


def test_same_title_different_authors(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake)
    others: list[Person] = [("Ann", "Other"), ("Bo", "Body"), ("Cy", "Third"), ("Di", "Fourth")]
    fake.searches.append(("i know the feeling", [acl_item(title=OLD_TITLE, authors=others, doi="10.1000/b")]))
    assert find(fake, tmp_path) is None


def test_common_family_names_need_the_same_people(fake: FakeServices, tmp_path: Path) -> None:
    """Li and Wang, same title: different given names are different people."""
    mine: list[Person] = [("Xiang", "Li"), ("Wei", "Wang")]
    theirs: list[Person] = [("Yuan", "Li"), ("Jun", "Wang")]
    preprint(fake, title="Empathy in Dialogue", authors=mine)
    fake.searches.append(("empathy in dialogue", [acl_item(title="Empathy in Dialogue", authors=theirs)]))
    paper = entry(title="Empathy in Dialogue", authors="Li, Xiang and Wang, Wei")
    assert find(fake, tmp_path, paper) is None
    fake.searches[0] = ("empathy in dialogue", [acl_item(title="Empathy in Dialogue", authors=mine)])
    http.close_sessions()
    assert find(fake, tmp_path, paper) is not None


def test_authors_in_another_order_are_another_list(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake)
    shuffled = [AUTHORS[1], AUTHORS[0], *AUTHORS[2:]]
    fake.searches.append(("i know the feeling", [acl_item(title=OLD_TITLE, authors=shuffled)]))
    assert find(fake, tmp_path) is None


@pytest.mark.parametrize(
    "item",
    [
        crossref_item("10.1000/pc", OLD_TITLE, AUTHORS, 2019, "posted-content"),
        crossref_item("10.48550/arXiv.1811.00207", OLD_TITLE, AUTHORS, 2018, "journal-article", "J"),
        crossref_item("10.1000/corr", OLD_TITLE, AUTHORS, 2018, "journal-article", "CoRR"),
        crossref_item("10.1000/or", OLD_TITLE, AUTHORS, 2019, URL="https://openreview.net/forum?id=abc"),
    ],
    ids=["posted-content", "arxiv-doi", "corr", "openreview"],
)
def test_copies_and_submissions_are_refused(fake: FakeServices, tmp_path: Path, item: dict[str, Any]) -> None:
    preprint(fake)
    fake.searches.append(("i know the feeling", [item]))
    assert find(fake, tmp_path) is None


def test_two_candidates_abstain(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake)
    both = [acl_item(title=OLD_TITLE, doi="10.1000/a"), acl_item(title=OLD_TITLE, doi="10.1000/b")]
    fake.searches.append(("i know the feeling", both))
    assert find(fake, tmp_path) is None


def test_submitted_journal_ref_is_not_searched(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake, journal_ref="Submitted to ICLR 2024 (OpenReview)")
    assert find(fake, tmp_path) is None
    assert all("ICLR" not in q for q in searched_queries(fake))


def test_renamed_single_author_paper_is_not_enough(fake: FakeServices, tmp_path: Path) -> None:
    preprint(fake, authors=[("Hannah", "Rashkin")])
    fake.searches.append(("i know the feeling", [acl_item(authors=[("Hannah", "Rashkin")])]))
    assert find(fake, tmp_path, entry(authors="Rashkin, Hannah")) is None


# ---------------------------------------------------------------------- failures


@pytest.mark.parametrize("service", ["/arxiv", "/datacite", "/crossref"])
def test_network_failures_propagate(fake: FakeServices, tmp_path: Path, service: str) -> None:
    preprint(fake)

    def fail(request: Request) -> Response | None:
        return Response("down", 503) if request.path.startswith(service) else None

    fake.override = fail
    with pytest.raises(NetworkError):
        find(fake, tmp_path)


def test_add_uses_the_same_judge(fake: FakeServices, tmp_path: Path) -> None:
    """`add`'s feed-only lookup refuses a workshop link like the full one."""
    from empathy_bib.enrich import arxiv

    workshop_bib = P19_1534_BIB.replace("P19-1534", "W19-3401")
    preprint(fake, doi="10.18653/v1/W19-3401")
    serve_anthology(fake, {"W19-3401": workshop_bib})
    cfg = config(fake, tmp_path)
    session = session_for(cfg)
    work = arxiv.get(session, cfg, ARXIV_ID)
    assert work is not None
    assert published.published_version(session, cfg, work, feed_only=True) is None
