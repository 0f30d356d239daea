"""The published version of an arXiv-only paper: the one implementation (`add`, `verify`, `upgrade`).

Sources, in order; the first that names an acceptable record wins:
1. the arXiv feed: `<arxiv:doi>` (the authors' own link), then `<arxiv:journal_ref>` (free text,
   so it only sharpens a Crossref search);
2. DataCite: the `relatedIdentifiers` of the arXiv DOI (`IsVersionOf`, `IsPreviousVersionOf`, ...);
3. Crossref: works whose `relation` names the arXiv DOI (`has-preprint`, `is-version-of`);
4. a Crossref `query.bibliographic` search on the preprint's title and authors.

A linked record (1-3) is taken when its title is the preprint's or its author list is. A search
hit proves nothing by rank: it is taken only with the preprint's author list (same people, same
order, `match.same_author_list`) and either the same title or, for a renamed paper (about one
published preprint in nine), every given name agreeing too. Never the published version: a
workshop paper, a preprint (`posted-content`), another arXiv copy or 10.48550 DOI, an OpenReview
submission, a journal-ref that says "submitted" or "under review". Two different acceptable
records are a question for the maintainer: no answer (abstain), never a guess.

Network failures propagate (`NetworkError`): the caller says "could not check".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import requests

from .. import ids
from ..record import Paper
from . import anthology, arxiv, crossref, datacite
from .latexvalue import escape_latex
from .match import same_author_list, title_similarity, venue_track
from .newentry import LATEX_TITLE_SOURCES, work_title_plain
from .records import Name, Work
from .services import ServiceConfig

# Evidence, as messages say it.
ARXIV_DOI = "arXiv DOI"
ARXIV_JOURNAL_REF = "arXiv journal-ref"
DATACITE_RELATION = "DataCite relation"
CROSSREF_RELATION = "Crossref relation"
CROSSREF_SEARCH = "Crossref search (same authors)"
CROSSREF_SEARCH_RENAMED = "Crossref search (same authors, title changed)"

# How close the published record's title must be to the preprint's to be "the same title".
SAME_TITLE_SCORE = 90.0
# A title this close, with other numbers, is another edition or version, not a renamed paper.
ANOTHER_EDITION_SCORE = 70.0
SEARCH_ROWS = 10
# Published years against the preprint's: a renamed paper gets a narrower window.
SAME_TITLE_YEARS = (-1, 3)
RENAMED_YEARS = (0, 2)
# A journal-ref that says the paper is not published (yet).
_NOT_PUBLISHED_REF = re.compile(r"submitted|under review|in review|rejected|openreview", re.I)
_ARXIV_VENUE = re.compile(r"\barxiv\b|^corr\b", re.I)
_PREPRINT_TYPES = frozenset({"posted-content", "preprint"})


@dataclass(frozen=True)
class Published:
    work: Work  # the published version's record (the Anthology's for 10.18653 DOIs, else Crossref's)
    evidence: str  # how it was found: one of the constants above


class _Abstain(Exception):
    """Two different records qualify: the maintainer decides, not us."""


def find_published(
    session: requests.Session, config: ServiceConfig, paper: Paper, preprint: Work | None = None
) -> Published | None:
    """The published version of `paper`'s arXiv preprint, or None (none found, or ambiguous).

    `preprint` is the arXiv record when the caller has it; otherwise it is fetched. When arXiv
    does not know the id, the entry's own title and authors stand for the preprint.
    """
    arxiv_id = paper.arxiv_id or (ids.parse_arxiv(paper.doi) if paper.doi else None)
    if arxiv_id is None:
        return None
    if preprint is None:
        preprint = arxiv.get(session, config, arxiv_id)
    if preprint is None:
        preprint = _reference_of(paper, arxiv_id)
    elif preprint.arxiv_id is None:
        preprint = dataclasses.replace(preprint, arxiv_id=arxiv_id)
    return published_version(session, config, preprint)


def published_version(
    session: requests.Session, config: ServiceConfig, preprint: Work, *, feed_only: bool = False
) -> Published | None:
    """The published version of `preprint` (an arXiv record); `feed_only`: the feed's own DOI only
    (`add` asks nothing beyond arXiv for an arXiv id)."""
    finder = _Finder(session, config, preprint)
    steps: list[Callable[[], Published | None]] = [finder.arxiv_doi]
    if not feed_only:
        steps += [finder.journal_ref, finder.datacite, finder.crossref_relation, finder.crossref_search]
    try:
        for step in steps:
            found = step()
            if found is not None:
                return found
    except _Abstain:
        return None
    return None


def record_for_doi(session: requests.Session, config: ServiceConfig, doi: str) -> Work | None:
    """The Anthology's record for its own DOIs (authoritative for venue and pages), else Crossref's."""
    anthology_id = ids.anthology_from_doi(doi)
    if anthology_id:
        record = anthology.get(session, config, anthology_id)
        if record is not None:
            return record
    return crossref.get_work(session, config, doi)


def not_published_reason(work: Work) -> str | None:
    """Why `work` cannot be anyone's published version (None when it can be)."""
    doi = ids.parse_doi(work.doi or "") or ""
    if doi.lower().startswith("10.48550/") or ids.parse_arxiv(doi):
        return "another arXiv copy"
    if _ARXIV_VENUE.search(work.container) or _ARXIV_VENUE.search(work.publisher):
        return "another arXiv copy"
    if work.type.casefold() in _PREPRINT_TYPES:
        return "a preprint"
    anthology_id = work.anthology_id or ids.anthology_from_doi(doi)
    if venue_track(work.container) == "workshop" or (anthology_id or "").upper().startswith("W"):
        return "a workshop version"
    if "openreview" in f"{work.url or ''} {work.publisher}".lower():
        return "an OpenReview submission"
    return None


# ---------------------------------------------------------------------- the sources


class _Finder:
    def __init__(self, session: requests.Session, config: ServiceConfig, preprint: Work) -> None:
        self.session, self.config, self.preprint = session, config, preprint
        self.arxiv_doi_of_preprint = ids.arxiv_doi(preprint.arxiv_id) if preprint.arxiv_id else None
        self.title = _latex_title(preprint)

    # 1. the arXiv feed
    def arxiv_doi(self) -> Published | None:
        if self.preprint.source != "arxiv":
            return None
        return self._linked(self.preprint.related_dois, ARXIV_DOI)

    def journal_ref(self) -> Published | None:
        ref = self.preprint.journal_ref
        if self.preprint.source != "arxiv" or not ref or _NOT_PUBLISHED_REF.search(ref):
            return None
        return self._searched(f"{self._query()} {ref}", ARXIV_JOURNAL_REF)

    # 2. DataCite
    def datacite(self) -> Published | None:
        if self.arxiv_doi_of_preprint is None:
            return None
        record = datacite.get_doi(self.session, self.config, self.arxiv_doi_of_preprint)
        return self._linked(record.related_dois, DATACITE_RELATION) if record else None

    # 3. Crossref relations
    def crossref_relation(self) -> Published | None:
        own = self.arxiv_doi_of_preprint
        if own is None:
            return None
        works = crossref.related_to(self.session, self.config, own)
        linked = [w for w in works if own.lower() in (d.lower() for d in w.related_dois)]
        accepted = [w for w in linked if self._acceptable_link(w)]
        chosen = _one(accepted)
        return Published(self._full_record(chosen), CROSSREF_RELATION) if chosen else None

    # 4. Crossref search
    def crossref_search(self) -> Published | None:
        return self._searched(self._query(), None)

    # ------------------------------------------------------------------ judging

    def _linked(self, dois: Sequence[str], evidence: str) -> Published | None:
        """The one acceptable record among DOIs a registry links to the preprint."""
        accepted: list[Work] = []
        for raw in dict.fromkeys(dois):
            doi = ids.parse_doi(raw)
            if doi is None or self._is_preprint_doi(doi):
                continue
            record = record_for_doi(self.session, self.config, doi)
            if record is not None and self._acceptable_link(record):
                accepted.append(record)
        chosen = _one(accepted)
        return Published(chosen, evidence) if chosen else None

    def _acceptable_link(self, work: Work) -> bool:
        if not_published_reason(work) is not None:
            return False
        return self._same_title(work) or same_author_list(self.preprint.authors, work.authors)

    def _searched(self, query: str, evidence: str | None) -> Published | None:
        works = crossref.search(self.session, self.config, query, SEARCH_ROWS)
        same_title: list[Work] = []
        renamed: list[Work] = []
        for work in works:
            if not ids.parse_doi(work.doi or "") or not_published_reason(work) is not None:
                continue
            if self._is_preprint_doi(ids.parse_doi(work.doi or "") or ""):
                continue
            if self._same_title(work) and self._years_fit(work, SAME_TITLE_YEARS):
                if same_author_list(self.preprint.authors, work.authors):
                    same_title.append(work)
            elif self._renamed_fit(work):
                renamed.append(work)
        chosen = _one(same_title) if same_title else _one(renamed)
        if chosen is None:
            return None
        found = evidence or (CROSSREF_SEARCH if same_title else CROSSREF_SEARCH_RENAMED)
        return Published(self._full_record(chosen), found)

    def _renamed_fit(self, work: Work) -> bool:
        """A renamed paper: two or more authors, every one the same, given names included; and not
        the same title with other numbers ("Qwen2" -> "Qwen2.5" is the next report, not a rename)."""
        authors = self.preprint.authors
        score, numbers_agree = title_similarity(self.title, work)
        return (
            len(authors) >= 2
            and (numbers_agree or score < ANOTHER_EDITION_SCORE)
            and self._years_fit(work, RENAMED_YEARS)
            and same_author_list(authors, work.authors, full=True)
        )

    def _same_title(self, work: Work) -> bool:
        score, numbers_agree = title_similarity(self.title, work)
        return score >= SAME_TITLE_SCORE and numbers_agree

    def _years_fit(self, work: Work, window: tuple[int, int]) -> bool:
        if self.preprint.year is None or work.year is None:
            return window == SAME_TITLE_YEARS  # a same-title hit without years is still the same paper
        return window[0] <= work.year - self.preprint.year <= window[1]

    def _is_preprint_doi(self, doi: str) -> bool:
        own = self.arxiv_doi_of_preprint
        return doi.lower().startswith("10.48550/") or bool(own and doi.lower() == own.lower())

    def _full_record(self, work: Work) -> Work:
        """The Anthology's record for an ACL DOI (venue, pages, address), else the work itself."""
        doi = ids.parse_doi(work.doi or "")
        anthology_id = ids.anthology_from_doi(doi) if doi else None
        if anthology_id:
            record = anthology.get(self.session, self.config, anthology_id)
            if record is not None and not_published_reason(record) is None:
                return record
        return work

    def _query(self) -> str:
        families = [a.family for a in self.preprint.authors[:5]]
        return " ".join(filter(None, [work_title_plain(self.preprint), *families]))


def _one(works: Sequence[Work]) -> Work | None:
    """The one work among `works` (the same DOI counts once); `_Abstain` when there are several."""
    distinct = {ids.normalize_doi(w.doi or "") or f"#{id(w)}": w for w in works}
    if len(distinct) > 1:
        raise _Abstain
    return next(iter(distinct.values()), None)


def _latex_title(work: Work) -> str:
    """The preprint's title as `match.title_similarity` reads an entry's: LaTeX."""
    if work.source in LATEX_TITLE_SOURCES:
        return work.title
    return escape_latex(work_title_plain(work))


def _reference_of(paper: Paper, arxiv_id: str) -> Work:
    """The entry itself standing for a preprint arXiv does not know."""
    authors = tuple(
        Name(given=a.given, family=a.family, suffix=a.suffix, literal=a.literal) for a in paper.authors
    )
    return Work(
        source="bibtex",
        title=paper.get("title") or "",
        authors=authors,
        year=paper.year,
        month=paper.month,
        type="Preprint",
        arxiv_id=arxiv_id,
        doi=ids.arxiv_doi(arxiv_id),
    )
