"""Planning: what to ask about each entry, or that nothing must be asked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from ... import ids
from ...bib import BibFile
from ...record import Paper, papers_of

# Venues that mint no DOIs: a Crossref "match" for their papers is wrong by construction.
NO_DOI_VENUES = re.compile(
    r"neurips|\bnips\b|neural information processing systems|\biclr\b|"
    r"international conference on learning representations|\bicml\b|"
    r"international conference on machine learning(?!\s+and)|proceedings of machine learning research|"
    r"\bpmlr\b|openreview",
    re.IGNORECASE,
)
NO_DOI_HOSTS = ("openreview.net", "proceedings.neurips.cc", "papers.nips.cc", "proceedings.mlr.press")


class Strategy(str, Enum):
    HAS_DOI = "has-doi"
    NO_TITLE = "no-title"
    ANTHOLOGY = "anthology"
    DOI_URL = "doi-url"
    ARXIV = "arxiv"
    NO_DOI_VENUE = "no-doi-venue"
    SEARCH = "crossref-search"


@dataclass(frozen=True)
class Lookup:
    """What to ask about one entry; `paper.block` is the entry its answer is written into."""

    paper: Paper
    strategy: Strategy
    candidate: str | None = None  # the DOI an identifier gives, to be confirmed

    @property
    def makes_requests(self) -> bool:
        return self.strategy not in (Strategy.HAS_DOI, Strategy.NO_TITLE, Strategy.NO_DOI_VENUE)


def plan_lookups(bib: BibFile) -> list[Lookup]:
    """One lookup per entry, in file order."""
    return [plan_lookup(paper) for paper in papers_of(bib)]


def plan_lookup(paper: Paper) -> Lookup:
    if paper.get("doi") is not None:
        return Lookup(paper, Strategy.HAS_DOI)
    if not paper.title:
        return Lookup(paper, Strategy.NO_TITLE)
    if paper.anthology_id:
        return Lookup(paper, Strategy.ANTHOLOGY, ids.anthology_doi(paper.anthology_id))
    url_doi = doi_in_url(paper.get("url"))
    if url_doi:
        return Lookup(paper, Strategy.DOI_URL, url_doi)
    if paper.arxiv_id and is_arxiv_only(paper):
        return Lookup(paper, Strategy.ARXIV, ids.arxiv_doi(paper.arxiv_id))
    if venue_has_no_dois(paper):
        return Lookup(paper, Strategy.NO_DOI_VENUE)
    return Lookup(paper, Strategy.SEARCH)


def doi_in_url(url: str | None) -> str | None:
    if not url or ids.classify_url(url) != "doi":
        return None
    return ids.parse_doi(url)


def is_arxiv_only(paper: Paper) -> bool:
    """A preprint: @misc-like, or an @article whose "journal" is arXiv / CoRR."""
    if paper.is_preprint:
        return True
    venue = (paper.venue or "").strip().lower()
    return venue in ("", "arxiv", "corr") or venue.startswith(("arxiv", "corr"))


def venue_has_no_dois(paper: Paper) -> bool:
    venue = " ".join(filter(None, (paper.text("booktitle"), paper.text("journal"), paper.text("series"))))
    url = (paper.get("url") or "").lower()
    return bool(NO_DOI_VENUES.search(venue)) or any(host in url for host in NO_DOI_HOSTS)
