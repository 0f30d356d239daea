"""The arXiv preprint of a published record that names none: one arXiv title search, judged.

A README often links a published paper only by its publisher (Anthology page, DOI) while the list
also records its arXiv version (`eprint`, `archiveprefix`). The search abstains unless exactly one
candidate has the record's title (`match.work_title_key`, the one "same title" rule) AND its
authors: the same list (`match.same_author_list`), or `match.judge`'s own test when the lists
differ (an author added on publication, a name the Anthology mangled). A near title is another
paper as often as it is this one, and a missing `eprint` costs less than a wrong one.
"""

from __future__ import annotations

import dataclasses

import requests

from ..bib import BibFile
from ..record import Paper, papers_of
from . import arxiv
from .match import judge, same_author_list, work_title_key
from .newentry import NewEntry, entry_from_work, work_title_plain
from .records import Work
from .services import ServiceConfig

SEARCH_ROWS = 5


def with_preprint(session: requests.Session, config: ServiceConfig, work: Work) -> Work:
    """`work` with the arXiv id of its preprint when one is found for certain; else `work`."""
    if work.arxiv_id or work.source == "arxiv" or not work.title.strip() or not work.authors:
        return work
    arxiv_id = preprint_id(work, arxiv.search(session, config, work_title_plain(work), SEARCH_ROWS))
    return dataclasses.replace(work, arxiv_id=arxiv_id) if arxiv_id else work


def preprint_id(work: Work, candidates: list[Work]) -> str | None:
    """The one candidate's arXiv id that has `work`'s title and authors; None when none or several."""
    wanted = work_title_key(work)
    same_title = [c for c in candidates if c.arxiv_id and work_title_key(c) == wanted]
    if not same_title:
        return None
    record = _as_preprint_entry(work)
    found = {
        c.arxiv_id
        for c in same_title
        if same_author_list(work.authors, c.authors) or judge(record, c).accepted
    }
    return found.pop() if len(found) == 1 else None


def _as_preprint_entry(work: Work) -> Paper:
    """`work`'s title, authors and year as the @misc entry `judge` compares a preprint with."""
    entry = entry_from_work(work, categories=(), key="published")
    kept = tuple((name, value) for name, value in entry.fields if name in ("title", "author", "year"))
    return next(iter(papers_of(BibFile.from_text(NewEntry("misc", entry.key, kept).text))))
