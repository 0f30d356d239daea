"""enrich.preprint: a published record's arXiv version, found by one title search and judged.

Oracle: hand-written arXiv candidates (the Atom feed the fake serves for arXiv's search), and the
request log of a loopback server.
"""

from __future__ import annotations

import dataclasses

from pytest_httpserver import HTTPServer

from empathy_bib.enrich import http
from empathy_bib.enrich.preprint import preprint_id, with_preprint
from empathy_bib.enrich.records import Name, Work
from empathy_bib.enrich.services import ServiceConfig

TITLE = "EmotionQueen: A Benchmark for Evaluating Empathy of Large Language Models"
AUTHORS = (Name("Yuyan", "Chen"), Name("Songzhou", "Yan"), Name("Sijia", "Liu"), Name("Yanghua", "Xiao"))


def published(title: str = TITLE, authors: tuple[Name, ...] = AUTHORS) -> Work:
    return Work(
        source="anthology", title=title, authors=authors, year=2024, type="inproceedings", container="F"
    )


def preprint(
    arxiv_id: str, title: str = TITLE, authors: tuple[Name, ...] = AUTHORS, year: int = 2024
) -> Work:
    return Work(source="arxiv", title=title, authors=authors, year=year, type="Preprint", arxiv_id=arxiv_id)


def test_the_same_title_and_authors_give_the_preprint() -> None:
    assert (
        preprint_id(published(), [preprint("2401.00001", "Another Paper"), preprint("2409.13359")])
        == "2409.13359"
    )


def test_an_author_added_on_the_preprint_is_judged_the_same_paper() -> None:
    more = (*AUTHORS[:3], Name("Hao", "Wang"), Name("Yi", "Zhao"), AUTHORS[3])
    assert preprint_id(published(), [preprint("2409.13359", authors=more)]) == "2409.13359"


def test_it_abstains_on_a_near_title_other_authors_or_two_candidates() -> None:
    assert preprint_id(published(), [preprint("2409.13359", title=TITLE + " 2")]) is None
    others = (Name("Ann", "Other"), Name("Bo", "Else"), Name("Cy", "Third"))
    assert preprint_id(published(), [preprint("2409.13359", authors=others)]) is None
    assert preprint_id(published(), [preprint("2409.13359"), preprint("2409.99999")]) is None
    assert preprint_id(published(), []) is None


def test_one_search_is_made_and_none_when_the_record_has_its_arxiv_id(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/query").respond_with_data(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>',
        content_type="application/atom+xml",
    )
    config = ServiceConfig(arxiv_url=httpserver.url_for("").rstrip("/"), use_cache=False)
    session = http.make_session(config)
    try:
        assert with_preprint(session, config, published()).arxiv_id is None
        assert len(httpserver.log) == 1 and "search_query" in httpserver.log[0][0].args
        known = dataclasses.replace(published(), arxiv_id="2409.13359")
        assert with_preprint(session, config, known) is known
        assert len(httpserver.log) == 1
    finally:
        http.close_sessions()
