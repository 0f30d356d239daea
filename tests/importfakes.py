"""Loopback fakes of arXiv, the ACL Anthology, Crossref and DataCite, built from a table of papers,
and hand-made README documents (`readme.ReadmeDocument`) for `import`'s tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote
from xml.sax.saxutils import escape

from pytest_httpserver import HTTPServer
from rapidfuzz import fuzz
from werkzeug import Request, Response

from empathy_bib.readme import Heading, Link, ReadmeDocument, ReadmePaper


@dataclass(frozen=True)
class FakePaper:
    title: str
    authors: tuple[str, ...]  # "Given Family"
    year: int
    arxiv_id: str | None = None
    anthology_id: str | None = None
    doi: str | None = None  # the published DOI (Crossref), when there is one
    container: str = ""


@dataclass
class FakeRegistry:
    papers: list[FakePaper]
    down: bool = False  # every request answers 503
    paths: list[str] = field(default_factory=list)

    def install(self, server: HTTPServer) -> None:
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    def handle(self, request: Request) -> Response:
        self.paths.append(request.full_path)
        if self.down:
            return Response("down", status=503)
        path = unquote(request.path)
        if path == "/arxiv/api/query" and "search_query" in request.args:
            query = request.args["search_query"].lower()
            ranked = sorted(
                (p for p in self.papers if p.arxiv_id),
                key=lambda p: -fuzz.partial_ratio(p.title.lower(), query),
            )
            return self._feed([p.arxiv_id or "" for p in ranked[:5]])
        if path == "/arxiv/api/query":
            return self._feed(request.args.get("id_list", "").split(","))
        if path.startswith("/anthology/") and path.endswith(".bib"):
            return self._anthology(path[len("/anthology/") : -4])
        if path == "/crossref/works":
            return self._search(request.args.get("query.bibliographic", ""))
        if path.startswith("/crossref/works/"):
            return self._crossref(path[len("/crossref/works/") :])
        if path.startswith("/datacite/dois/"):
            return self._datacite(path[len("/datacite/dois/") :])
        return Response("not found", status=404)

    def _by(self, attribute: str, value: str) -> FakePaper | None:
        return next((p for p in self.papers if (getattr(p, attribute) or "").lower() == value.lower()), None)

    def _feed(self, wanted: list[str]) -> Response:
        entries = []
        for arxiv_id in wanted:
            p = self._by("arxiv_id", arxiv_id)
            if p is None:
                continue
            authors = "".join(f"<author><name>{escape(a)}</name></author>" for a in p.authors)
            doi = f"<arxiv:doi>{p.doi}</arxiv:doi>" if p.doi else ""
            entries.append(
                f"<entry><id>http://arxiv.org/abs/{arxiv_id}v1</id><title>{escape(p.title)}</title>"
                f"<published>{p.year}-01-15T00:00:00Z</published>{authors}{doi}</entry>"
            )
        feed = (
            '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
            + "".join(entries)
            + "</feed>"
        )
        return Response(feed, content_type="application/atom+xml")

    def _anthology(self, anthology_id: str) -> Response:
        p = self._by("anthology_id", anthology_id)
        if p is None:
            return Response("Not Found", status=404)
        authors = " and ".join(f"{a.split()[-1]}, {' '.join(a.split()[:-1])}" for a in p.authors)
        doi = f'    doi = "{p.doi}",\n' if p.doi else ""
        bib = (
            f'@inproceedings{{x-{anthology_id},\n    title = "{p.title}",\n    author = "{authors}",\n'
            f'    booktitle = "{p.container}",\n    year = "{p.year}",\n{doi}'
            f'    url = "https://aclanthology.org/{anthology_id}/",\n}}\n'
        )
        return Response(bib, content_type="text/plain")

    def _item(self, p: FakePaper) -> dict[str, object]:
        return {
            "DOI": p.doi,
            "type": "proceedings-article",
            "title": [p.title],
            "author": [{"given": " ".join(a.split()[:-1]), "family": a.split()[-1]} for a in p.authors],
            "container-title": [p.container],
            "issued": {"date-parts": [[p.year]]},
        }

    def _crossref(self, doi: str) -> Response:
        p = self._by("doi", doi)
        if p is None:
            return Response("Resource not found.", status=404)
        body = {"status": "ok", "message-type": "work", "message": self._item(p)}
        return Response(json.dumps(body), content_type="application/json")

    def _search(self, query: str) -> Response:
        ranked = sorted(
            (p for p in self.papers if p.doi),
            key=lambda p: -fuzz.partial_ratio(p.title.lower(), query.lower()),
        )[:5]
        message = {"total-results": len(ranked), "items": [self._item(p) for p in ranked]}
        body = {"status": "ok", "message-type": "work-list", "message": message}
        return Response(json.dumps(body), content_type="application/json")

    def _datacite(self, doi: str) -> Response:
        arxiv_id = doi.lower().removeprefix("10.48550/arxiv.")
        p = self._by("arxiv_id", arxiv_id)
        if p is None:
            return Response("not found", status=404)
        creators = [
            {"name": a, "givenName": " ".join(a.split()[:-1]), "familyName": a.split()[-1]} for a in p.authors
        ]
        attributes = {
            "doi": doi.lower(),
            "titles": [{"title": p.title}],
            "creators": creators,
            "publicationYear": p.year,
            "publisher": "arXiv",
            "types": {"resourceTypeGeneral": "Preprint"},
        }
        body = {"data": {"id": doi.lower(), "type": "dois", "attributes": attributes}}
        return Response(json.dumps(body), content_type="application/vnd.api+json")


# ---------------------------------------------------------------------- README documents


def heading(*titles: str, emoji: str = "") -> Heading:
    return Heading(level=len(titles) + 1, title=titles[-1], emoji=emoji, line=1, path=titles)


def item(
    title: str,
    *,
    under: Heading | None,
    line: int = 10,
    authors: tuple[str, ...] = (),
    venue: str = "",
    year: int | None = None,
    url: str = "",
    code: str | None = None,
) -> ReadmePaper:
    """An item as the reader gives it: identifiers parsed from its paper link."""
    from empathy_bib import ids

    arxiv_id = ids.arxiv_from_url(url) if url else None
    anthology_id = ids.anthology_from_url(url) if url else None
    doi = ids.parse_doi(url) if url and ids.is_doi_url(url) else None
    links = (Link(url, "paper", line, "paper"),) if url else ()
    return ReadmePaper(
        line=line,
        title=title,
        authors=authors,
        venue=venue,
        year=year,
        links=links,
        doi=doi,
        arxiv_id=arxiv_id,
        anthology_id=anthology_id,
        other_ids={},
        code=code,
        heading=under,
    )


def document(*papers: ReadmePaper) -> ReadmeDocument:
    headings: dict[tuple[str, ...], Heading] = {}
    for p in papers:
        if p.heading is not None:
            headings.setdefault(p.heading.path, p.heading)
    return ReadmeDocument(papers=list(papers), headings=list(headings.values()), skipped=[])
