"""The list's 46 papers as the registries would answer for them (from ../shared/data/papers.tsv),
loaded into `test_fetch_fakes.FakeServices` plus an Anthology served through its `override`."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.test_fetch_fakes import ArxivEntry, FakeServices, crossref_item, datacite_body

PAPERS = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "papers.tsv"
_SUFFIXES = ("III", "II", "Jr.")


def rows() -> list[dict[str, str]]:
    with PAPERS.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def people(authors: str) -> list[tuple[str, str]]:
    """`Given Family` names as (given, family); a suffix stays with the family name."""
    found = []
    for name in authors.split(" and "):
        words = name.split()
        tail = 2 if len(words) > 2 and words[-1] in _SUFFIXES else 1
        found.append((" ".join(words[:-tail]), " ".join(words[-tail:])))
    return found


def anthology_bib(row: dict[str, str]) -> str:
    names = " and ".join(f"{f}, {g}" if g else f for g, f in people(row["authors"]))
    fields = {
        "title": row["title"],
        "author": names,
        "booktitle": row["booktitle_or_journal"],
        "year": row["year"],
        "pages": row["pages"],
        "doi": row["doi"],
        "publisher": row["publisher"],
    }
    body = ",\n".join(f"    {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@inproceedings{{{row['acl_anthology_id']},\n{body}\n}}\n"


def load(fake: FakeServices) -> dict[str, str]:
    """Fill `fake` with every paper; the Anthology's .bib bodies by id are returned (and served)."""
    anthology: dict[str, str] = {}
    for row in rows():
        authors = people(row["authors"])
        year = int(row["year"])
        arxiv_id, doi = row["arxiv_id"], row["doi"]
        if doi and not doi.lower().startswith("10.48550/"):
            kind = "journal-article" if row["entry_type"] == "article" else "proceedings-article"
            extra: dict[str, Any] = {"page": row["pages"].replace("--", "-")} if row["pages"] else {}
            fake.works[doi.lower()] = crossref_item(
                doi, row["title"], authors, year, kind, row["booktitle_or_journal"], **extra
            )
        if arxiv_id:
            arxiv_doi = f"10.48550/arxiv.{arxiv_id}"
            v1_year = year if row["entry_type"] == "misc" else 2000 + int(arxiv_id[:2])
            fake.datacite[arxiv_doi] = datacite_body(arxiv_doi, row["title"], authors, v1_year)
            fake.arxiv[arxiv_id] = ArxivEntry(
                arxiv_id,
                row["title"],
                [" ".join(p for p in (g, f) if p) for g, f in authors],
                published=f"{v1_year}-{arxiv_id[2:4]}-01T00:00:00Z",
            )
        if row["acl_anthology_id"]:
            anthology[row["acl_anthology_id"]] = anthology_bib(row)

    def answer(request: Request) -> Response | None:
        if not request.path.startswith("/anthology/"):
            return None
        body = anthology.get(request.path[len("/anthology/") :].removesuffix(".bib"))
        return Response(body, 200, content_type="text/plain") if body else Response("not found", 404)

    fake.override = answer
    return anthology
