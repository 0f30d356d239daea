"""The registry fake (tests/registry.py) itself: every client of src/empathy_bib/enrich parses its
answers, and faults, latency, the request log and the in-flight count behave as documented.

The shapes are also checked against independent readers (feedparser for the Atom feed, pybtex for
the Anthology's BibTeX), so the fake cannot drift into a shape only our own clients accept.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from empathy_bib.enrich import anthology, arxiv, crossref, datacite, http
from empathy_bib.errors import NetworkError
from tests.registry import ANY, SEARCH, TRUTH, Fault, Records, Registry, load_truth

QUICK = http.RetryPolicy(total=1, backoff_factor=0.001, backoff_max=0.01)

ITEM: dict[str, Any] = {
    "DOI": "10.18653/v1/p19-1534",
    "type": "proceedings-article",
    "title": ["Towards Empathetic Open-domain Conversation Models: A New Benchmark and Dataset"],
    "author": [
        {"given": "Hannah", "family": "Rashkin", "sequence": "first", "affiliation": []},
        {"given": "Y-Lan", "family": "Boureau", "sequence": "additional", "affiliation": []},
    ],
    "container-title": [
        "Proceedings of the 57th Annual Meeting of the Association for Computational Linguistics"
    ],
    "page": "5370-5381",
    "issued": {"date-parts": [[2019, 7]]},
    "publisher": "Association for Computational Linguistics",
}
DATACITE: dict[str, Any] = {
    "id": "10.48550/arxiv.1811.00207",
    "type": "dois",
    "attributes": {
        "doi": "10.48550/arxiv.1811.00207",
        "titles": [
            {"title": "Towards Empathetic Open-domain Conversation Models: a New Benchmark and Dataset"}
        ],
        "creators": [
            {
                "name": "Rashkin, Hannah",
                "nameType": "Personal",
                "givenName": "Hannah",
                "familyName": "Rashkin",
            }
        ],
        "publisher": "arXiv",
        "publicationYear": 2018,
        "types": {"resourceTypeGeneral": "Preprint"},
        "relatedIdentifiers": [
            {
                "relationType": "IsVersionOf",
                "relatedIdentifier": "10.18653/v1/P19-1534",
                "relatedIdentifierType": "DOI",
            }
        ],
        "url": "https://arxiv.org/abs/1811.00207",
    },
}
ARXIV: dict[str, Any] = {
    "title": "Towards Empathetic Open-domain Conversation Models: a New Benchmark and Dataset",
    "authors": ["Hannah Rashkin", "Eric Michael Smith", "Margaret Li", "Y-Lan Boureau"],
    "published": "2018-11-01T03:38:01Z",
    "updated": "2019-08-28T22:47:14Z",
    "version": 4,
    "doi": "10.18653/v1/P19-1534",
    "journal_ref": "ACL 2019",
    "comment": "ACL 2019 long paper",
}
BIB = """@inproceedings{rashkin-etal-2019-towards,
    title = "Towards Empathetic Open-domain Conversation Models: A New Benchmark and Dataset",
    author = "Rashkin, Hannah  and
      Smith, Eric Michael  and
      Li, Margaret  and
      Boureau, Y-Lan",
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


@pytest.fixture
def reg() -> Iterator[Registry]:
    records = Records(
        crossref={ITEM["DOI"]: dict(ITEM)},
        datacite={DATACITE["id"]: DATACITE},
        arxiv={"1811.00207": ARXIV},
        anthology={"P19-1534": BIB},
    )
    with Registry(records) as registry:
        yield registry
    http.close_sessions()


def session_for(reg: Registry) -> tuple[requests.Session, Any]:
    config = reg.config(timeout=2)
    return http.make_session(config, retry=QUICK), config


def test_crossref_client_reads_a_work_and_a_404(reg: Registry) -> None:
    session, config = session_for(reg)
    work = crossref.get_work(session, config, "10.18653/v1/P19-1534")  # the DOI's case does not matter
    assert work is not None and work.title.startswith("Towards Empathetic")
    assert [a.family for a in work.authors] == ["Rashkin", "Boureau"]
    assert (work.year, work.month, work.pages) == (2019, 7, "5370-5381")
    assert crossref.get_work(session, config, "10.18653/v1/P19-9999") is None
    missing = [r for r in reg.requests("crossref") if r.path.endswith("9999")]
    assert missing and missing[0].path == "/works/10.18653/v1/P19-9999"


def test_crossref_search_ranks_by_title_words_and_sends_rate_headers(reg: Registry) -> None:
    reg.put_crossref({**ITEM, "DOI": "10.1/other", "title": ["Something Else Entirely"]})
    session, config = session_for(reg)
    found = crossref.search(session, config, "empathetic open-domain conversation Rashkin", rows=5)
    assert [w.doi for w in found] == ["10.18653/v1/p19-1534", "10.1/other"]  # the other shares an author
    answer = requests.get(f"{reg.base('crossref')}/works/10.18653/v1/p19-1534", timeout=5)
    assert answer.headers["X-Rate-Limit-Limit"] == "50" and answer.headers["X-Rate-Limit-Interval"] == "1s"
    assert answer.json()["message-type"] == "work"
    assert requests.get(f"{reg.base('crossref')}/works/10.1/none", timeout=5).text == "Resource not found."


def test_datacite_client_reads_the_json_api_record(reg: Registry) -> None:
    session, config = session_for(reg)
    work = datacite.get_doi(session, config, "10.48550/arXiv.1811.00207")
    assert work is not None and work.arxiv_id == "1811.00207" and work.year == 2018
    assert work.related_dois == ("10.18653/v1/P19-1534",)
    assert datacite.get_doi(session, config, "10.48550/arXiv.9999.99999") is None


def test_arxiv_client_reads_the_feed_and_feedparser_agrees(reg: Registry) -> None:
    feedparser = pytest.importorskip("feedparser")
    session, config = session_for(reg)
    works = arxiv.get_many(session, config, ["1811.00207v2", "2101.00001"])
    assert list(works) == ["1811.00207"]
    work = works["1811.00207"]
    assert work.title == ARXIV["title"] and work.year == 2018 and work.journal_ref == "ACL 2019"
    assert work.related_dois == ("10.18653/v1/P19-1534",)
    query = reg.requests("arxiv")[-1].query
    assert query["id_list"] == "1811.00207,2101.00001"
    body = requests.get(f"{reg.base('arxiv')}/api/query", params={"id_list": "1811.00207"}, timeout=5)
    feed = feedparser.parse(body.content)
    assert not feed.bozo and feed.entries[0].id == "http://arxiv.org/abs/1811.00207v4"
    assert [a.name for a in feed.entries[0].authors][-1] == "Y-Lan Boureau"
    assert feed.entries[0].arxiv_comment == "ACL 2019 long paper"


def test_arxiv_search_and_malformed_ids(reg: Registry) -> None:
    url = f"{reg.base('arxiv')}/api/query"
    hits = arxiv.parse_feed(
        requests.get(url, params={"search_query": 'ti:"empathetic open-domain"'}, timeout=5).content
    )
    assert [w.arxiv_id for w in hits] == ["1811.00207"]
    error = requests.get(url, params={"id_list": "not-an-id"}, timeout=5).content
    assert b"<title>Error</title>" in error and arxiv.parse_feed(error) == []


def test_anthology_client_reads_the_bib_and_pybtex_agrees(reg: Registry) -> None:
    from pybtex.database import parse_string

    session, config = session_for(reg)
    work = anthology.get(session, config, "P19-1534")
    assert work is not None and work.pages in ("5370--5381", "5370–5381") and len(work.authors) == 4
    assert anthology.get(session, config, "P19-1535") is None
    text = requests.get(f"{reg.base('anthology')}/P19-1534.bib", timeout=5).text
    entry = parse_string(text, "bibtex").entries["rashkin-etal-2019-towards"]
    assert str(entry.persons["author"][0]) == "Rashkin, Hannah"


def test_faults_throttle_error_forbidden_and_times(reg: Registry) -> None:
    session, config = session_for(reg)
    reg.fault("crossref", "10.18653/v1/P19-1534", Fault.throttle(retry_after=3600))
    with pytest.raises(NetworkError, match="wait"):
        crossref.get_work(session, config, "10.18653/v1/p19-1534")
    reg.clear_faults()
    reg.fault("datacite", ANY, Fault.forbidden())
    with pytest.raises(NetworkError, match="403"):
        datacite.get_doi(session, config, "10.48550/arXiv.1811.00207")
    reg.fault("arxiv", "1811.00207", Fault.error(500, times=1))
    answers = [
        requests.get(f"{reg.base('arxiv')}/api/query?id_list=1811.00207", timeout=5).status_code for _ in "ab"
    ]
    assert answers == [500, 200]
    reg.fault("crossref", SEARCH, Fault.raw("<html>portal</html>", "text/html"))
    assert "portal" in requests.get(f"{reg.base('crossref')}/works?query.bibliographic=x", timeout=5).text


def test_a_hang_is_a_timeout_and_ends_with_the_server() -> None:
    with Registry(None) as reg:
        reg.fault("anthology", ANY, Fault.hanging())
        with pytest.raises(requests.exceptions.ReadTimeout):
            requests.get(f"{reg.base('anthology')}/P19-1534.bib", timeout=0.3)
    # leaving the block returned: the hanging answer did not keep the server alive


def test_latency_log_and_in_flight_count(reg: Registry) -> None:
    reg.path_latency["/crossref"] = 0.2
    url = f"{reg.base('crossref')}/works/10.18653/v1/p19-1534"
    threads = [threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 5}) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reg.count("crossref") == 4 and reg.max_in_flight_by["crossref"] >= 2
    assert reg.max_in_flight >= 2
    reg.clear_log()
    assert reg.count() == 0


def test_addresses_for_options_and_environment(reg: Registry) -> None:
    assert reg.urls()["anthology_url"] == reg.base("anthology")
    assert reg.env()["EMPATHY_BIB_ARXIV_URL"] == reg.base("arxiv")
    args = reg.cli_args()
    assert args[args.index("--datacite-url") + 1] == reg.base("datacite")


def test_retraction_adds_updated_by_and_the_notice(reg: Registry) -> None:
    reg.retract("10.18653/v1/P19-1534", "10.18653/v1/notice-1")
    work = requests.get(f"{reg.base('crossref')}/works/10.18653/v1/P19-1534", timeout=5).json()["message"]
    assert work["updated-by"][0] == {
        **work["updated-by"][0],
        "DOI": "10.18653/v1/notice-1",
        "type": "retraction",
    }
    notice = requests.get(f"{reg.base('crossref')}/works/10.18653/v1/notice-1", timeout=5).json()["message"]
    assert notice["update-to"][0]["DOI"] == "10.18653/v1/P19-1534"


@pytest.mark.skipif(not TRUTH.exists(), reason="truth.json not generated yet")
def test_every_truth_record_parses_with_its_client() -> None:
    truth = load_truth()
    with Registry() as reg:
        session, config = session_for(reg)
        for doi in truth["crossref"]:
            assert crossref.get_work(session, config, doi) is not None, doi
        for doi in truth["datacite"]:
            assert datacite.get_doi(session, config, doi) is not None, doi
        found = arxiv.get_many(session, config, list(truth["arxiv"]))
        assert sorted(found) == sorted(truth["arxiv"])
        for anthology_id in truth["anthology"]:
            work = anthology.get(session, config, anthology_id)
            assert work is not None and work.authors, anthology_id
    http.close_sessions()


def test_truth_json_is_what_make_truth_writes_from_the_shared_facts() -> None:
    shared = TRUTH.parents[3].parent / "shared"
    if not (shared / "data" / "papers.tsv").exists():
        pytest.skip("../shared (papers.tsv) is not next to this clone")
    from tests.fixtures.registry import make_truth

    rebuilt = json.loads(json.dumps(make_truth.build(shared), ensure_ascii=False))
    assert rebuilt == load_truth(), "run tests/fixtures/registry/make_truth.py and commit truth.json"


def test_seeded_errors_files_are_what_their_generator_writes_from_references_bib() -> None:
    from tests.fixtures import seeded_errors

    folder = TRUTH.parents[1]
    text, expected = seeded_errors.build((folder.parents[1] / "references.bib").read_text(encoding="utf-8"))
    assert (folder / "seeded_errors.bib").read_text(encoding="utf-8") == text
    assert json.loads((folder / "seeded_errors.json").read_text(encoding="utf-8")) == expected
