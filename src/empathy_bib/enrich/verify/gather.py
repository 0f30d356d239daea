"""Gathering: per entry, the registry records its identifiers reach, each asked once.

- a DOI: Crossref, else DataCite (an arXiv DOI `10.48550/arXiv.<id>`: DataCite only); unknown to
  both is an answer ("not registered"), a failure to ask is another ("could not check");
- an arXiv id (`eprint`, or an arxiv.org `url`): the arXiv feed, every entry's ids in one batch;
- an Anthology id (an aclanthology.org `url`, or an ACL DOI `10.18653/v1/<id>`): its `.bib`;
- a doi.org `url` is a DOI too.
Identifiers are read with `ids` (through `Paper.identifiers`); nothing is parsed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import requests

from ... import ids
from ...errors import NetworkError
from ...record import Paper
from .. import anthology, arxiv, crossref, datacite
from ..records import Work
from ..services import ServiceConfig

CROSSREF, DATACITE, ARXIV, ANTHOLOGY = crossref.SERVICE, datacite.SERVICE, arxiv.SERVICE, anthology.SERVICE


@dataclass(frozen=True)
class Identifier:
    kind: str  # "doi", "arxiv", "anthology"
    value: str  # the bare id (an arXiv id without its version)
    field: str  # the entry field that names it: "doi", "eprint" or "url"
    version: int | None = None  # the arXiv version the entry cites, when it names one
    derived: bool = False  # read from another identifier (the Anthology id in an ACL DOI)


@dataclass(frozen=True)
class Answer:
    """What one registry said about one identifier."""

    registry: str
    identifier: Identifier
    work: Work | None = None  # None with no failure: the registry does not know the identifier
    failure: str | None = None  # why the registry could not be asked (network trouble)

    @property
    def known(self) -> bool:
        return self.work is not None


@dataclass
class Gathered:
    paper: Paper
    answers: list[Answer] = field(default_factory=list)
    doi_unknown: list[Identifier] = field(default_factory=list)  # DOIs no registry knows


def identifiers_of(paper: Paper) -> list[Identifier]:
    """Every identifier the entry names, each once, with the field that names it."""
    found: list[Identifier] = []
    seen: set[tuple[str, str]] = set()

    def add(
        kind: str, value: str | None, name: str, version: int | None = None, derived: bool = False
    ) -> None:
        if value and (kind, value.lower()) not in seen:
            seen.add((kind, value.lower()))
            found.append(Identifier(kind, value, name, version, derived))

    idents = paper.identifiers
    url = paper.get("url") or ""
    add("doi", idents.doi, "doi")
    if url and ids.classify_url(url) == "doi":
        add("doi", ids.parse_doi(url), "url")
    add("arxiv", idents.eprint_arxiv_id, "eprint", ids.arxiv_version(paper.get("eprint") or ""))
    add("arxiv", idents.url_arxiv_id, "url", ids.arxiv_version(url))
    add("anthology", idents.anthology_id, "url")
    for ident in list(found):
        if ident.kind == "doi":
            add("anthology", ids.anthology_from_doi(ident.value), ident.field, derived=True)
    return found


def arxiv_ids(papers: list[Paper]) -> list[str]:
    return [i.value for p in papers for i in identifiers_of(p) if i.kind == "arxiv"]


@dataclass
class Feed:
    """The arXiv records of every entry, fetched in one batch before the entries are gathered."""

    works: dict[str, Work] = field(default_factory=dict)
    failure: str | None = None


# arXiv's API now and then answers a valid query with an empty feed (the `arxiv` client library
# retries on it: UnexpectedEmptyPageError); several ids none of which it knows is that, not an answer.
EMPTY_FEED = "answered an empty feed for every id asked (arXiv does so under load); try later"
UNREADABLE_RECORD = "its record has no readable title or authors"


def fetch_feed(session: requests.Session, config: ServiceConfig, wanted: list[str]) -> Feed:
    if not wanted:
        return Feed()
    try:
        works = arxiv.get_many(session, config, wanted)
    except NetworkError as exc:
        return Feed(failure=reason(exc))
    if not works and len({ids.strip_arxiv_version(i).lower() for i in wanted}) > 1:
        return Feed(failure=EMPTY_FEED)
    return Feed(works)


def gather(session: requests.Session, config: ServiceConfig, paper: Paper, feed: Feed) -> Gathered:
    """The answers for one entry (network failures included, as answers)."""
    gathered = Gathered(paper)
    for ident in identifiers_of(paper):
        if ident.kind == "doi":
            _ask_doi(session, config, ident, gathered)
        elif ident.kind == "arxiv":
            if feed.failure is not None:
                gathered.answers.append(Answer(ARXIV, ident, failure=feed.failure))
            else:
                gathered.answers.append(Answer(ARXIV, ident, feed.works.get(ident.value)))
        else:
            ask = partial(anthology.get, session, config, ident.value)
            gathered.answers.append(_ask(ANTHOLOGY, ident, ask))
    return gathered


def _ask_doi(session: requests.Session, config: ServiceConfig, ident: Identifier, gathered: Gathered) -> None:
    registries = [DATACITE] if ids.parse_arxiv(ident.value) else [CROSSREF, DATACITE]
    for registry in registries:
        client = crossref.get_work if registry == CROSSREF else datacite.get_doi
        answer = _ask(registry, ident, partial(client, session, config, ident.value))
        if answer.known or answer.failure is not None:
            gathered.answers.append(answer)
            return
    gathered.doi_unknown.append(ident)


def _ask(registry: str, ident: Identifier, call: Callable[[], Work | None]) -> Answer:
    try:
        work = call()
    except NetworkError as exc:
        return Answer(registry, ident, failure=reason(exc))
    if work is not None and not work.title.strip() and not work.authors:
        # A record with neither a readable title nor authors (wrong JSON types, an empty shell)
        # can confirm nothing and refute nothing: the entry was not checked.
        return Answer(registry, ident, failure=UNREADABLE_RECORD)
    return Answer(registry, ident, work)


def registry_named(exc: NetworkError) -> str:
    """The registry a network failure names (the clients put it first), else "the registries"."""
    for name in (CROSSREF, DATACITE, ARXIV, ANTHOLOGY):
        if name in exc.message:
            return name
    return "the registries"


def reason(exc: NetworkError) -> str:
    """The failure in words, without the service's own name in front (the finding names it)."""
    text = exc.message
    for name in (CROSSREF, DATACITE, ARXIV, ANTHOLOGY):
        text = text.removeprefix(f"{name}: ")
    return text.removeprefix("could not check: ")
