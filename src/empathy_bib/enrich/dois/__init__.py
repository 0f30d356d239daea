"""The fetch-dois pipeline, as functions over a `BibFile`: plan, look up, judge, write back.

plan.py     `plan_lookups`: per entry what to ask (or that nothing must be asked: an entry with a
            `doi` is never touched, a venue that registers no DOIs gets none)
run.py      `run_lookups`: the lookups with bounded concurrency (the session bounds requests per
            host), each turned into an `EntryResult`; network failures are results too
resolve.py  `resolve`: one lookup's requests and the judgement of the answers
results.py  what a lookup found (`EntryResult`, tied to the entry block it was planned for), and
            the report
write.py    `plan_edits` / `apply_results`: only `doi = {...}` insertions, through the bib layer,
            each into the block its lookup was planned for (never re-found by key)

The DOI rule (`../shared/data/README.md`): `doi` is the DOI of the version the entry describes.
Identifiers come first (an Anthology id's `10.18653/v1/<id>` confirmed by Crossref; an arXiv-only
entry's `10.48550/arXiv.<id>` confirmed by DataCite; a doi.org `url` confirmed by its registry);
otherwise a Crossref search whose candidates `match` validates. A published version of an
arXiv-only entry is only suggested, never applied.
"""

from __future__ import annotations

from .plan import Lookup, Strategy, doi_in_url, is_arxiv_only, plan_lookup, plan_lookups, venue_has_no_dois
from .resolve import Services, resolve
from .results import Candidate, EntryResult, Outcome, Suggestion, report, summarize
from .run import LookupsInterrupted, run_lookups
from .write import apply_results, plan_edits, unified_diff, writable_doi

__all__ = [
    "Candidate",
    "EntryResult",
    "Lookup",
    "LookupsInterrupted",
    "Outcome",
    "Services",
    "Strategy",
    "Suggestion",
    "apply_results",
    "doi_in_url",
    "is_arxiv_only",
    "plan_edits",
    "plan_lookup",
    "plan_lookups",
    "report",
    "resolve",
    "run_lookups",
    "summarize",
    "unified_diff",
    "venue_has_no_dois",
    "writable_doi",
]
