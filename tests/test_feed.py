"""site/feed.xml, the Atom feed (RFC 4287): valid against the RFC's RELAX NG schema (lxml), read back
by a real feed reader (feedparser) with every paper, stable ids, the same bytes at every render,
and hostile titles, authors, venues and URLs inert.

The schema is tests/fixtures/atom/atom.rng (see the README there): RFC 4287 Appendix B's compact
grammar, converted to RELAX NG's XML syntax with trang.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import bibtexparser
import feedparser  # type: ignore[import-untyped]
import pytest
from lxml import etree  # type: ignore[import-untyped]

from empathy_bib.bib import BibFile
from empathy_bib.config import find_project
from empathy_bib.record import papers_of
from empathy_bib.render import render_outputs
from empathy_bib.taxonomy import Taxonomy, load_taxonomy

from .conftest import ROOT, run_cli

STYLES = ROOT / "styles"
SCHEMA = ROOT / "tests" / "fixtures" / "atom" / "atom.rng"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"a": ATOM}
FEED = "site/feed.xml"
HOST = "jhcircle.github.io"  # of the project's site_url (pyproject.toml)
DEFAULT_SITE_URL = find_project(ROOT).site_url  # this list's own (pyproject.toml)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(STYLES / "categories.toml")


def feed_of(
    text: str, taxonomy: Taxonomy, *, validate: bool = True, site_url: str = DEFAULT_SITE_URL
) -> bytes:
    outputs = render_outputs(BibFile.from_text(text), taxonomy, STYLES, validate=validate, site_url=site_url)
    return dict(outputs)[FEED]


@pytest.fixture(scope="module")
def list_text() -> str:
    return (ROOT / "references.bib").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_feed(list_text: str, taxonomy: Taxonomy) -> bytes:
    return feed_of(list_text, taxonomy, site_url=find_project(ROOT).site_url)


@pytest.fixture(scope="module")
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def bib_entries(text: str) -> list[Any]:
    """bibtexparser's reading of a list: the oracle for what the feed must hold."""
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    return list(library.entries)


def field(entry: Any, name: str) -> str | None:
    found = entry.fields_dict.get(name)
    return None if found is None else str(found.value)


# ---------------------------------------------------------------------- the real list


def test_the_committed_feed_is_the_rendered_one(real_feed: bytes) -> None:
    assert (ROOT / FEED).read_bytes() == real_feed


def test_valid_against_the_atom_relax_ng_schema(real_feed: bytes, schema: etree.RelaxNG) -> None:
    document = etree.fromstring(real_feed)
    assert schema.validate(document), schema.error_log
    # The schema is not vacuous: a feed without its id, or with an entry without a title, fails.
    for path in ("a:id", "a:entry/a:title"):
        broken = etree.fromstring(real_feed)
        gone = broken.find(path, NS)
        assert gone is not None
        gone.getparent().remove(gone)
        assert not schema.validate(broken), path


def schematron_rules_hold(document: Any) -> bool:
    """RFC 4287's two Schematron rules (annotations in its grammar, which RELAX NG does not check)."""
    alternate = "a:link[@rel='alternate'] or a:link[not(@rel)] or a:content"
    author = "a:author or ../a:author or a:source/a:author"
    entries = document.findall("a:entry", NS)
    return all(
        e.xpath(alternate, namespaces=NS) and e.xpath(author, namespaces=NS) for e in entries
    ) and bool(document.xpath("a:author or not(a:entry[not(a:author)])", namespaces=NS))


def test_the_rfcs_schematron_rules_hold(real_feed: bytes, hostile_feed: bytes) -> None:
    for feed in (real_feed, hostile_feed):
        assert schematron_rules_hold(etree.fromstring(feed))
    without_author = etree.fromstring(real_feed)
    without_author.remove(without_author.find("a:author", NS))
    for entry in without_author.findall("a:entry", NS)[:1]:
        for person in entry.findall("a:author", NS):
            entry.remove(person)
    assert not schematron_rules_hold(without_author)  # the check can fail


def test_feedparser_reads_back_every_paper(real_feed: bytes, list_text: str) -> None:
    entries = bib_entries(list_text)
    parsed = feedparser.parse(real_feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert len(parsed.entries) == len(entries) >= 46
    by_id = {e.id: e for e in parsed.entries}
    for entry in entries:
        item = by_id[f"tag:{HOST},2025:{entry.key}"]
        added = field(entry, "added")
        assert added is not None
        assert item.updated == item.published == f"{added}T00:00:00Z"
        assert [t.term for t in item.tags] == [s.strip() for s in (field(entry, "keywords") or "").split(",")]
        assert len(item.authors) == len((field(entry, "author") or "").split(" and "))
        assert item.link == field(entry, "url")  # the landing page is the entry's link
        assert item.title  # its text is checked against the record below


def test_titles_and_authors_are_the_papers(real_feed: bytes, list_text: str) -> None:
    document = etree.fromstring(real_feed)
    papers = {p.key: p for p in papers_of(BibFile.from_text(list_text))}
    for entry in document.iterfind("a:entry", NS):
        key = entry.findtext("a:id", namespaces=NS).rsplit(":", 1)[1]
        paper = papers[key]
        assert entry.findtext("a:title", namespaces=NS) == paper.title
        names = [n.text for n in entry.iterfind("a:author/a:name", NS)]
        assert names == [a.display for a in paper.authors]
        summary = entry.findtext("a:summary", namespaces=NS)
        assert paper.venue and paper.venue in summary
        for link in entry.iterfind("a:link", NS):
            assert link.get("href") in summary


def test_feed_updated_is_the_newest_added_not_the_clock(real_feed: bytes, list_text: str) -> None:
    newest = max(field(e, "added") or "" for e in bib_entries(list_text))
    document = etree.fromstring(real_feed)
    assert document.findtext("a:updated", namespaces=NS) == f"{newest}T00:00:00Z"
    links = {link.get("rel"): link.get("href") for link in document.iterfind("a:link", NS)}
    assert links == {"self": f"https://{HOST}/Awesome-LLM-Empathy/feed.xml", "alternate": DEFAULT_SITE_URL}


def test_ids_are_unique_and_stable_and_the_bytes_the_same(
    real_feed: bytes, list_text: str, taxonomy: Taxonomy
) -> None:
    ids = [e.findtext("a:id", namespaces=NS) for e in etree.fromstring(real_feed).iterfind("a:entry", NS)]
    assert len(set(ids)) == len(ids)
    assert feed_of(list_text, taxonomy) == real_feed  # a second render: the same bytes
    # The list in the reverse order: the same entries (ordered by date added, then key), same ids.
    header, *entries = re.split(r"\n(?=@)", list_text)
    reversed_text = "\n".join([header, *reversed([e.strip("\n") + "\n" for e in entries])])
    assert feed_of(reversed_text, taxonomy) == real_feed


def test_the_page_and_the_readme_link_the_feed(tmp_path: Path) -> None:
    page = (ROOT / "site" / "index.html").read_text(encoding="utf-8")
    head = page[: page.index("</head>")]
    assert re.search(r'<link rel="alternate" type="application/atom\+xml" href="feed\.xml"', head)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"(https://{HOST}/Awesome-LLM-Empathy/feed.xml)" in readme


def test_render_check_covers_the_feed(tmp_path: Path) -> None:
    (tmp_path / "list.bib").write_text(
        (ROOT / "references.bib").read_text(encoding="utf-8"), encoding="utf-8"
    )
    args = ["render", "--bib", str(tmp_path / "list.bib"), "--out", str(tmp_path / "out")]
    assert run_cli(args)[0] == 0
    feed = tmp_path / "out" / FEED
    assert feed.is_file()
    assert run_cli([*args, "--check"])[0] == 0
    feed.write_bytes(feed.read_bytes().replace(b"<entry>", b"<entry> ", 1))
    code, _, err = run_cli([*args, "--check"])
    assert code == 1 and f"stale: {feed}" in err
    assert run_cli([*args, "--jobs", "2"])[0] == 0  # the two-process render writes it too
    assert run_cli([*args, "--check"])[0] == 0


# ---------------------------------------------------------------------- dates and order


def test_papers_without_added_get_a_fixed_date_and_the_order_is_by_date_then_key(taxonomy: Taxonomy) -> None:
    def entry(key: str, year: str, added: str | None) -> str:
        added_line = f"  added = {{{added}}},\n" if added else ""
        return (
            f"@misc{{{key},\n  title = {{Paper {key}}},\n  author = {{Doe, Jane}},\n"
            f"{year}  keywords = {{datasets}},\n{added_line}}}\n"
        )

    text = "\n".join(
        [
            entry("b2020", "  year = {2020},\n", "2025-06-01"),
            entry("a2020", "  year = {2020},\n", "2025-06-01"),
            entry("c2026", "  year = {2026},\n", None),  # no added: January 1 of its year
            entry("d", "", None),  # no year either: 1970-01-01
            entry("e2024", "  year = {2024},\n", "2024-02-29"),
        ]
    )
    document = etree.fromstring(feed_of(text, taxonomy, validate=False))
    got = [
        (e.findtext("a:id", namespaces=NS).rsplit(":", 1)[1], e.findtext("a:updated", namespaces=NS)[:10])
        for e in document.iterfind("a:entry", NS)
    ]
    assert got == [
        ("c2026", "2026-01-01"),
        ("a2020", "2025-06-01"),
        ("b2020", "2025-06-01"),
        ("e2024", "2024-02-29"),
        ("d", "1970-01-01"),
    ]
    assert document.findtext("a:updated", namespaces=NS) == "2026-01-01T00:00:00Z"


def test_an_empty_list_is_a_valid_feed(taxonomy: Taxonomy, schema: etree.RelaxNG) -> None:
    document = etree.fromstring(feed_of("", taxonomy))
    assert schema.validate(document), schema.error_log
    assert document.findall("a:entry", NS) == []


# ---------------------------------------------------------------------- hostile input

CONTROLS = "\x01\x07\x1b\x7f\x85"
HOSTILE = (
    "@misc{evil2024script,\n"
    "  title = {Evil <script>alert(1)</script> ]]> \\& <![CDATA[x]]> \"q\" 'a' " + CONTROLS + " end},\n"
    '  author = {<b>Mallory</b>, Eve & Co and O\'Brien]]>, "Q" ' + CONTROLS + "},\n"
    "  howpublished = {Venue <img src=x onerror=alert(1)> &amp; ]]>" + CONTROLS + "},\n"
    "  year = {2024},\n"
    "  url = {javascript:alert(1)},\n"
    "  code = {data:text/html,<script>alert(1)</script>},\n"
    "  keywords = {datasets},\n"
    "  added = {2025-06-01},\n"
    "}\n\n"
    "@misc{evil2025query,\n"
    "  title = {Query},\n"
    "  author = {Doe, Jane},\n"
    "  year = {2025},\n"
    "  url = {https://example.org/a?x=1&y=<2>\"z'onclick=alert(1)},\n"
    "  code = {JAVASCRIPT:alert(1)},\n"
    "  keywords = {datasets},\n"
    "}\n"
)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile_feed(taxonomy: Taxonomy) -> bytes:
    # validate rejects the javascript: and data: URLs; the feed must stay safe even without it
    return feed_of(HOSTILE, taxonomy, validate=False)


def test_hostile_input_is_well_formed_valid_and_inert(hostile_feed: bytes, schema: etree.RelaxNG) -> None:
    document = etree.fromstring(hostile_feed)  # strict XML: any stray `<` or control would fail here
    assert schema.validate(document), schema.error_log
    tags = {element.tag for element in document.iter()}
    assert tags <= {f"{{{ATOM}}}{name}" for name in (
        "feed", "id", "title", "subtitle", "updated", "link", "author", "name", "generator",
        "entry", "published", "category", "summary",
    )}  # fmt: skip
    hrefs = [link.get("href") for link in document.iter(f"{{{ATOM}}}link")]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    lowered = hostile_feed.lower()
    assert b"javascript:" not in lowered and b"data:text" not in lowered
    assert not NOT_XML.search(hostile_feed.decode("utf-8"))


def test_hostile_text_round_trips(hostile_feed: bytes) -> None:
    papers = {p.key: p for p in papers_of(BibFile.from_text(HOSTILE))}
    evil = papers["evil2024script"]
    parsed = feedparser.parse(hostile_feed)
    assert not parsed.bozo
    by_id = {e.id: e for e in parsed.entries}
    document = etree.fromstring(hostile_feed)
    entries = {e.findtext("a:id", namespaces=NS): e for e in document.iterfind("a:entry", NS)}
    entry = entries[f"tag:{HOST},2025:evil2024script"]
    title = NOT_XML.sub("", evil.title)
    assert "<script>" in title and "]]>" in title and "&" in title  # the hostile text is there ...
    assert entry.findtext("a:title", namespaces=NS) == title  # ... and comes back as text
    assert by_id[f"tag:{HOST},2025:evil2024script"].title == title
    names = [n.text for n in entry.iterfind("a:author/a:name", NS)]
    assert names == [NOT_XML.sub("", a.display) for a in evil.authors]
    assert NOT_XML.sub("", evil.venue or "") in entry.findtext("a:summary", namespaces=NS)
    # No link survives: the entry points at its place on the page.
    assert [link.get("href") for link in entry.iterfind("a:link", NS)] == [
        DEFAULT_SITE_URL + "#evil2024script"
    ]
    query = entries[f"tag:{HOST},2025:evil2025query"]
    [link] = query.iterfind("a:link", NS)
    href = link.get("href")
    assert href.startswith("https://example.org/a?x=1&y=") and not set(href) & set('<>" ')
    assert b'href="https://example.org/a?x=1&amp;y=' in hostile_feed  # the attribute's `&` escaped


def test_site_url_sets_the_ids_host_and_links(taxonomy: Taxonomy) -> None:
    feed = feed_of(HOSTILE, taxonomy, validate=False, site_url="https://Example.ORG/list")
    document = etree.fromstring(feed)
    assert document.findtext("a:id", namespaces=NS) == "https://Example.ORG/list/feed.xml"
    ids = [e.findtext("a:id", namespaces=NS) for e in document.iterfind("a:entry", NS)]
    assert ids == ["tag:example.org,2025:evil2024script", "tag:example.org,2025:evil2025query"]


def test_a_site_url_that_is_no_web_url_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.empathy-bib]\nsite_url = "javascript:alert(1)"\n')
    code, _, err = run_cli(["render", "--check"], cwd=tmp_path)
    assert code == 2 and "site_url must be an absolute http(s) URL" in err
