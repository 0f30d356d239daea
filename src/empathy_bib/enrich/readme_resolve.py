"""One README paper -> the registry's record, identifier first, through `add`'s own path.

Each identifier the README gives is tried in turn (Anthology, DOI, arXiv) with
`addpaper.fetch_work`; a record whose title does not agree with the README's is another paper
(a wrong link), reported and passed over. Without an identifier that holds, a Crossref
`query.bibliographic` search is judged by `match.choose`, which abstains when unsure. Then every
difference between the README's text and the record is listed: the entry takes the record.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import requests

from .. import ids
from ..errors import NetworkError
from ..readme import ReadmePaper
from ..text import fold
from . import arxiv, crossref
from .addpaper import Identifier, UnknownPaperError, fetch_work
from .match import author_overlap, choose, numbers, same_author_list, venue_track
from .newentry import entry_type_for, work_title_plain
from .preprint import with_preprint
from .published import published_version, record_for_doi
from .readme_papers import DistinctPaper, readme_record, readme_title_key, titles_agree
from .records import Work
from .services import ServiceConfig

SEARCH_ROWS = 5
RENAMED_YEARS = 2  # a paper renamed on publication appears within two years of its preprint
_KINDS = {"ACL Anthology id": "anthology", "DOI": "doi", "arXiv id": "arxiv"}
# Words of a README venue that say nothing about which venue it is.
_VENUE_NOISE = frozenset(
    {"of", "the", "in", "main", "long", "short", "paper", "papers", "track", "conference"}
)


@dataclass
class Resolution:
    paper: DistinctPaper
    work: Work | None = None
    resolved_by: str = ""  # "arXiv 2409.10289", "DOI 10....", "title search", "" when unresolved
    failure: str | None = None  # a lookup that could not be made (network): could not check
    notes: list[dict[str, object]] = field(default_factory=list)  # disagreements and attempts
    renamed_preprint: str | None = None  # unresolved: the arXiv id of its renamed version

    @property
    def status(self) -> str:
        if self.work is not None:
            return "resolved"
        return "could-not-check" if self.failure else "unresolved"


def work_key(work: Work) -> str:
    return fold(work_title_plain(work))


def resolve_paper(
    paper: DistinctPaper, session: requests.Session, config: ServiceConfig, feed: Mapping[str, Work | None]
) -> Resolution:
    """The record of `paper`, with every disagreement; a network failure is a result, not an error."""
    result = Resolution(paper)
    try:
        _resolve(result, session, config, feed)
    except NetworkError as exc:
        result.work, result.failure = None, str(exc)
    if result.work is not None:
        result.work = _with_preprint(result, session, config, result.work)
        result.notes.extend(disagreements(paper, result.work))
    return result


def _with_preprint(result: Resolution, session: requests.Session, config: ServiceConfig, work: Work) -> Work:
    """The published record with its arXiv version's id (the list records both); a failed search
    leaves the record as it is, noted: the paper is resolved all the same."""
    try:
        return with_preprint(session, config, work)
    except NetworkError as exc:
        result.notes.append({"field": "search", "message": f"arXiv preprint search failed: {exc}"})
        return work


def _resolve(
    result: Resolution, session: requests.Session, config: ServiceConfig, feed: Mapping[str, Work | None]
) -> None:
    paper = result.paper
    keys = {readme_title_key(i.title) for i in paper.items} - {""}
    for kind, value in paper.identifiers():
        ident = Identifier(_KINDS[kind], value)
        try:
            work = fetch_work(session, config, ident, feed)
        except UnknownPaperError:
            result.notes.append(
                {"field": "link", "value": str(ident), "message": f"no registry knows {ident}"}
            )
            continue
        if not keys or any(titles_agree(k, work_key(work)) for k in keys):
            result.work, result.resolved_by = _published(session, config, work), str(ident)
            return
        result.notes.append(
            {
                "field": "link",
                "value": str(ident),
                "registry": work_title_plain(work),
                "message": f"{ident} is '{work_title_plain(work)}', another paper",
            }
        )
    if keys:
        _search(result, session, config)


def _search(result: Resolution, session: requests.Session, config: ServiceConfig) -> None:
    """A validated title search, Crossref's then arXiv's: the README's authors and year must agree,
    or the title alone must be near-identical when the authors are the README's mistake."""
    item = max(result.paper.items, key=lambda i: len(i.title))
    searches: list[tuple[str, Callable[[], list[Work]]]] = [
        (
            "Crossref",
            lambda: crossref.search(session, config, " ".join([item.title, *item.authors[:1]]), SEARCH_ROWS),
        ),
        ("arXiv", lambda: arxiv.search(session, config, item.title, SEARCH_ROWS)),
    ]
    for service, run in searches:
        found = run()
        chosen = _judged(item, found)
        if chosen is None:
            result.notes.append({"field": "search", "message": f"{service} title search: no confident match"})
            if service == "arXiv":
                _note_renamed_preprint(result, item, found)
            continue
        if chosen.doi and service == "Crossref":
            chosen = record_for_doi(session, config, _acl_doi_case(chosen.doi)) or chosen
        elif service == "arXiv":
            chosen = _published(session, config, chosen)
        result.work, result.resolved_by = chosen, f"{service} title search"
        return


def _note_renamed_preprint(result: Resolution, item: ReadmePaper, found: list[Work]) -> None:
    """The arXiv version of a paper renamed on publication (a proceedings page the README links,
    an arXiv record under the preprint's title): not its record (the README's title stays), but
    its `eprint`, when exactly one candidate has the README's whole author list, given names
    included, in order (`match.same_author_list(full=True)`, `published`'s rename rule), a year
    that fits and no other edition number."""
    authors = readme_record(item).authors  # names split as BibTeX splits them: initials compared
    if len(authors) < 2:
        return
    renamed = {
        w.arxiv_id: w
        for w in found
        if w.arxiv_id
        and same_author_list(authors, w.authors, full=True)
        and (not item.year or not w.year or 0 <= item.year - w.year <= RENAMED_YEARS)
        and numbers(readme_title_key(item.title)) == numbers(work_key(w))
    }
    if len(renamed) != 1:
        return
    arxiv_id, work = next(iter(renamed.items()))
    result.renamed_preprint = arxiv_id
    result.notes.append(
        {
            "field": "preprint",
            "value": f"arXiv {arxiv_id}",
            "registry": work_title_plain(work),
            "message": f"arXiv {arxiv_id} has the README's authors under another title: "
            "a renamed version, written as the entry's eprint",
        }
    )


def _acl_doi_case(doi: str) -> str:
    """Search results may give an ACL DOI lower-cased (`10.18653/v1/d19-1012`); the Anthology's
    old-style ids are upper-case (`D19-1012`), and its record is only found under that id."""
    anthology_id = ids.anthology_from_doi(doi)
    return ids.anthology_doi(anthology_id) if anthology_id else doi


def _judged(item: ReadmePaper, works: list[Work]) -> Work | None:
    """`match.choose` with the README's authors; without them (title near-identical) when they
    share none: README author lists are often another paper's."""
    if not works:
        return None
    record = readme_record(item)
    choice = choose(record, works)
    if choice.chosen is None and not choice.ambiguous and record.authors:
        choice = choose(readme_record(_without_authors(item)), works)
    # A renamed version (another title, the same authors) is not taken: the entry would carry
    # another title than the README's, and the next import could not recognise it without asking.
    return choice.chosen.work if choice.chosen is not None else None


def _published(session: requests.Session, config: ServiceConfig, preprint: Work) -> Work:
    """The published version of an arXiv record when one is found (arXiv id kept), else it."""
    if preprint.source != "arxiv":
        return preprint
    found = published_version(session, config, preprint)
    return dataclasses.replace(found.work, arxiv_id=preprint.arxiv_id) if found else preprint


def _without_authors(item: ReadmePaper) -> ReadmePaper:
    return dataclasses.replace(item, authors=())


# ---------------------------------------------------------------------- disagreements


def disagreements(paper: DistinctPaper, work: Work) -> list[dict[str, object]]:
    """Where each README item says something else than the record (the record wins)."""
    found: list[dict[str, object]] = []
    theirs = work_title_plain(work)
    for item in paper.items:
        where = {"line": item.line}
        if readme_title_key(item.title) != work_key(work):
            found.append({**where, "field": "title", "readme": item.title, "registry": theirs})
        if item.authors:
            matched, _, _ = author_overlap(readme_record(item), work)
            if matched < len(item.authors) or len(item.authors) != len(work.authors):
                found.append(
                    {
                        **where,
                        "field": "authors",
                        "readme": list(item.authors),
                        "registry": [f"{n.given} {n.family}".strip() for n in work.authors],
                        "shared": matched,
                    }
                )
        if item.year and work.year and item.year != work.year:
            found.append({**where, "field": "year", "readme": item.year, "registry": work.year})
        venue = venue_disagreement(item.venue, work)
        if venue:
            found.append({**where, "field": "venue", "readme": item.venue, "registry": venue})
    return found


def venue_disagreement(readme_venue: str, work: Work) -> str | None:
    """The record's venue when the README's names another: a word of the README venue (an
    acronym: ACL, NAACL, LREC) the record's venue lacks, another track (Findings, a workshop), or a
    preprint label on a published paper. None when they agree or the README names none."""
    words = set(re.findall(r"[a-z]+", fold(readme_venue))) - _VENUE_NOISE
    if not words:
        return None
    published = entry_type_for(work) != "misc"
    shown = work.container or ("arXiv" if not published else work.publisher)
    record_text = " ".join([work.container, work.publisher, work.anthology_id or "", work.journal_ref])
    record_words = set(re.findall(r"[a-z]+", fold(record_text)))
    if "arxiv" in words:
        return shown if published else None
    if venue_track(readme_venue) != venue_track(record_text):
        return shown
    if not published:
        return None  # a README venue for a preprint-only record: nothing to compare it with
    # "CIKM" is "...ACM International Conference on Information and Knowledge Management"'s initials
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", record_text) if w[0].isupper()).casefold()
    unmatched = {w for w in words - {"findings"} - record_words if len(w) < 3 or w not in initials}
    return shown if unmatched else None
