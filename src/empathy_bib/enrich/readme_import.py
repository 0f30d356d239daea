"""`import`'s work: a README's papers -> new entries and keywords in the list, and categories.

Stages, each a function the command calls in turn:
- `plan_import`: the README's distinct papers (`readme_papers.group_items`), the categories its
  headings map to (`taxonomy_edit.plan_categories`), and which papers the list already holds,
  all decided before any request (a second import of the same README asks nothing);
- `resolve_all`: every new paper resolved once (`readme_resolve.resolve_paper`), in parallel
  through the one HTTP session (at most `jobs` at once);
- `apply_import`: the entries (`addpaper.build_entry`, keys `familyYEARword`; unresolved papers
  as `@misc` from the README's own text), keyword edits on known entries (`plan_set_field`), all
  applied to the `BibFile` in one batch; and the JSON report.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import requests

from .. import ids
from ..bib import BibFile
from ..errors import NetworkError
from ..readme import Heading, ReadmeDocument, ReadmePaper, Skipped
from ..record import CODE_FIELD, papers_of
from ..taxonomy import Taxonomy
from ..taxonomy_edit import HeadingPath, TaxonomyPlan, plan_categories
from . import arxiv
from .addpaper import build_entry
from .duplicates import DuplicateIndex, identity_of_text
from .latexvalue import escape_latex
from .newentry import NewEntry
from .parallel import run_parallel
from .readme_papers import DistinctPaper, Known, ListIndex, group_items, readme_work
from .readme_resolve import Resolution, resolve_paper
from .records import Name, Work
from .services import ServiceConfig

UNKNOWN_AUTHOR = "Unknown"  # the @misc of a README item that names no author


@dataclass
class ImportPlan:
    papers: list[DistinctPaper]
    slugs: list[list[str]]  # per paper: its categories, in README order
    known: dict[int, Known]  # paper index -> the list's entry
    taxonomy: TaxonomyPlan
    document: ReadmeDocument

    @property
    def new(self) -> list[int]:
        return [i for i in range(len(self.papers)) if i not in self.known]


def heading_paths(document: ReadmeDocument) -> dict[tuple[str, ...], HeadingPath]:
    """Every paper heading's path, with the emoji of each heading on it (when the reader saw it)."""
    emoji = {h.path: h.emoji for h in document.headings}
    for paper in document.papers:
        if paper.heading is not None:
            emoji.setdefault(paper.heading.path, paper.heading.emoji)
    paths: dict[tuple[str, ...], HeadingPath] = {}
    for paper in document.papers:
        titles = paper.heading.path if paper.heading is not None else ()
        marks = tuple(emoji.get(titles[: n + 1], "") for n in range(len(titles)))
        paths.setdefault(titles, HeadingPath(titles, marks))
    return paths


def plan_import(
    document: ReadmeDocument, bib: BibFile, taxonomy: Taxonomy, taxonomy_text: str, taxonomy_path: Path
) -> ImportPlan:
    taken = [p for p in document.papers if is_paper(p)]
    dropped = [
        Skipped(p.line, _why_not_a_paper(p), url)
        for p in document.papers
        if not is_paper(p)
        for url in ([link.url for link in p.links if link.kind == "paper"] or [""])  # each link reported
    ]
    document = dataclasses.replace(document, papers=taken, skipped=[*document.skipped, *dropped])
    paths = heading_paths(document)
    categories = plan_categories(list(paths.values()), taxonomy, taxonomy_text, taxonomy_path)
    papers = group_items(document.papers)
    slugs = [
        _slugs_of(p.headings, categories, has_unfiled=any(i.heading is None for i in p.items)) for p in papers
    ]
    index = ListIndex(bib)
    known = {i: k for i, p in enumerate(papers) if (k := index.find(p)) is not None}
    return ImportPlan(papers, slugs, known, categories, document)


def is_paper(item: ReadmePaper) -> bool:
    """An item worth a lookup: a paper link or identifier, or a title with a year (a venue
    without a year is too little: prose bullets give code spans that read as venues, and an entry
    needs a year to be written). Looking up what is none would ask again on every import."""
    has_link = any(link.kind == "paper" for link in item.links)
    identified = bool(item.doi or item.arxiv_id or item.anthology_id or item.other_ids)
    return bool(item.title.strip()) and (has_link or identified or bool(item.year))


def _why_not_a_paper(item: ReadmePaper) -> str:
    if not item.title.strip():
        return "no title the README gives: not taken for a paper"
    return "no paper link, identifier or year: not taken for a paper"


def _slugs_of(headings: Sequence[Heading], categories: TaxonomyPlan, has_unfiled: bool) -> list[str]:
    paths = [h.path for h in headings] + ([()] if has_unfiled else [])
    return list(dict.fromkeys(categories.slugs[p] for p in paths))


# ---------------------------------------------------------------------- resolving


def resolve_all(
    plan: ImportPlan,
    session: requests.Session,
    config: ServiceConfig,
    *,
    jobs: int = 3,
    on_result: Callable[[Resolution], None] | None = None,
) -> dict[int, Resolution]:
    """Resolve every paper the list does not hold; arXiv records fetched in batches first."""
    todo = plan.new
    feed: dict[str, Work | None] = {}
    arxiv_ids = [v for i in todo for k, v in plan.papers[i].identifiers() if k == "arXiv id"]
    if arxiv_ids:
        try:
            found = arxiv.get_many(session, config, list(dict.fromkeys(arxiv_ids)))
            feed = {i: found.get(i) for i in arxiv_ids}  # None: asked, and arXiv does not know it
        except NetworkError:
            feed = {}  # each paper asks again on its own, and reports its own failure
    tasks = [partial(resolve_paper, plan.papers[i], session, config, feed) for i in todo]
    answers = run_parallel(session, tasks, threads=jobs, on_result=on_result, name="import")
    return dict(zip(todo, answers, strict=True))


# ---------------------------------------------------------------------- writing


@dataclass
class Outcome:
    added: list[NewEntry] = field(default_factory=list)
    gained: dict[str, list[str]] = field(default_factory=dict)  # existing key -> slugs added
    report: dict[str, object] = field(default_factory=dict)
    unresolved: int = 0  # papers written from the README's text (no record, or no answer)
    rows: list[dict[str, object]] = field(default_factory=list)  # the report's papers


def apply_import(
    plan: ImportPlan, resolutions: dict[int, Resolution], bib: BibFile, *, added: datetime.date | None = None
) -> Outcome:
    """Append the new entries (`added`: the day they join the list, if given) and extend the known
    entries' keywords, in one batch on `bib`."""
    merge = _Merge(bib, added)
    for i, paper in enumerate(plan.papers):
        row = _row(paper, plan.slugs[i])
        known = plan.known.get(i)
        if known is not None:
            row.update(status="already-in-list", key=known.key, matched_by=f"{known.how} {known.value}")
            merge.gain(known.key, plan.slugs[i])
        else:
            merge.place(paper, resolutions[i], plan.slugs[i], row)
        merge.outcome.rows.append(row)
    outcome = merge.finish()
    outcome.report = {
        "papers": outcome.rows,
        "skipped": [dataclasses.asdict(s) for s in plan.document.skipped],
        "categories_added": plan.taxonomy.added,
        "taxonomy_notes": plan.taxonomy.notes,
        "added": [e.key for e in outcome.added],
        "keywords_gained": outcome.gained,
    }
    return outcome


class _Merge:
    """New entries and keyword gains, checked against the list and each other as they come."""

    def __init__(self, bib: BibFile, added: datetime.date | None) -> None:
        self.bib = bib
        self.added = added
        self.outcome = Outcome()
        self.existing = {p.key: p for p in papers_of(bib)}
        self.index = DuplicateIndex(self.existing.values())
        self.taken = [e.key for e in bib.entries if e.key]
        self.pending: dict[str, tuple[NewEntry, list[str]]] = {}

    def gain(self, key: str, slugs: Sequence[str]) -> None:
        have = self.existing[key].categories
        gained = self.outcome.gained.get(key, [])
        new = [s for s in slugs if s not in have and s not in gained]
        if new:
            self.outcome.gained.setdefault(key, []).extend(new)

    def place(
        self, paper: DistinctPaper, resolution: Resolution, slugs: list[str], row: dict[str, object]
    ) -> None:
        """A paper the list did not hold: a new entry, or merged into one its record turns out to be."""
        row.update(
            status=resolution.status, resolved_by=resolution.resolved_by, disagreements=resolution.notes
        )
        if resolution.failure:
            row["error"] = resolution.failure
        if resolution.work is None:
            self.outcome.unresolved += 1
            if not any(item.year for item in paper.items):  # an entry needs a year to validate
                row["not_written"] = "the README gives no year and no registry knows it"
                return
        entry = _entry(paper, resolution, self.bib, slugs, self.taken, self.added)
        identity = identity_of_text(entry.text)
        match = self.index.find(identity)
        if match is None:
            self.taken.append(entry.key)
            self.index.add(identity, entry.key, 0)
            self.pending[entry.key] = (entry, list(slugs))
            row["key"] = entry.key
            return
        row.update(key=match.key, matched_by=f"{match.kind} {match.value}")
        if match.key in self.pending:
            known_slugs = self.pending[match.key][1]
            known_slugs.extend(s for s in slugs if s not in known_slugs)
            row["status"] = "merged"
        else:
            self.gain(match.key, slugs)
            row["status"] = "already-in-list"

    def finish(self) -> Outcome:
        """Every edit applied to the list at once: keyword edits in place, new entries at the end."""
        self.outcome.added = [_with_keywords(entry, slugs) for entry, slugs in self.pending.values()]
        splices = [
            self.bib.plan_set_field(key, "keywords", _keywords(self.existing[key].get("keywords"), new))
            for key, new in self.outcome.gained.items()
        ]
        if self.outcome.added:
            splices.append(self.bib.plan_append("\n".join(e.text for e in self.outcome.added)))
        if splices:
            self.bib.apply(splices)
        return self.outcome


def _row(paper: DistinctPaper, slugs: list[str]) -> dict[str, object]:
    return {
        "title": paper.title,
        "lines": paper.lines,
        "sections": slugs,
        "identifiers": {kind: value for kind, value in paper.identifiers()},
        "other_ids": {k: v for item in paper.items for k, v in item.other_ids.items()},
        "links": sorted({link.url for item in paper.items for link in item.links}),
        "conflicts": paper.conflicts,
    }


def _keywords(current: str | None, new: Sequence[str]) -> str:
    kept = current.strip() if current else ""
    return (kept + ", " if kept else "") + ", ".join(new)


def _with_keywords(entry: NewEntry, slugs: Sequence[str]) -> NewEntry:
    fields = tuple((n, ", ".join(slugs) if n == "keywords" else v) for n, v in entry.fields)
    return dataclasses.replace(entry, fields=fields)


def _entry(
    paper: DistinctPaper,
    resolution: Resolution,
    bib: BibFile,
    slugs: list[str],
    taken: list[str],
    added: datetime.date | None,
) -> NewEntry:
    """The registry's record as an entry; without one, the README's own text as `@misc`."""
    code = next((safe for i in paper.items if i.code and (safe := _safe_url(i.code))), None)
    extra = {CODE_FIELD: code} if code else {}
    if resolution.work is not None:
        return build_entry(
            resolution.work, bib, categories=slugs, taken_keys=taken, extra_fields=extra, added=added
        )
    item = max(paper.items, key=lambda i: len(i.title))
    url = next(
        (u for i in paper.items for link in i.links if link.kind == "paper" and (u := _safe_url(link.url))),
        None,
    )
    if url:
        extra["url"] = url
    notes = [escape_latex(item.venue)] if item.venue.strip() else []
    work = dataclasses.replace(readme_work(item), arxiv_id=resolution.renamed_preprint)
    if not work.authors:  # validate (and so render) needs a name: say plainly that none is known
        work = dataclasses.replace(work, authors=(Name(given="", family=UNKNOWN_AUTHOR, literal=True),))
        notes.append("authors not given in the README")
    if notes:
        extra["note"] = "; ".join(notes)
    return build_entry(work, bib, categories=slugs, taken_keys=taken, extra_fields=extra, added=added)


def _safe_url(url: str) -> str | None:
    """An http(s) URL as a BibTeX value: characters that could end the value percent-encoded."""
    from ..render.markdown import safe_url  # the one URL sanitiser (Markdown targets need the same)

    return safe_url(url.strip()) if ids.is_web_url(url.strip()) else None
