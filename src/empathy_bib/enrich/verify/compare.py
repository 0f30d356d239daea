"""Comparing: one entry's fields against the records gathered for it -> findings (pure, no I/O).

Roles: the *published* records (a publisher DOI's Crossref/DataCite record, the Anthology's) are
the truth for a published paper; the *preprint* records (arXiv, its DataCite DOI) are the truth
for an arXiv-only entry and a second opinion otherwise. A record whose title and authors are both
another paper's is reported (E701) and then ignored. Where the registries disagree with each other
and the entry agrees with one, verify says nothing or warns: it never errs on a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from ... import ids
from ...record import Paper
from ..dois import is_arxiv_only
from ..match import (
    author_difference,
    author_overlap,
    authors_bibtex,
    names_another_paper,
    title_relation,
    type_fit,
)
from ..newentry import work_title_plain
from ..records import Work
from .gather import ARXIV, CROSSREF, DATACITE, Answer, Gathered
from .venue import venue_difference

COULD_NOT_CHECK = "E714"  # a registry did not answer: never read as "not found", never passed silently

RETRACTIONS = frozenset({"retraction", "withdrawal", "removal"})
CORRECTIONS = frozenset({"correction", "erratum", "corrigendum", "expression_of_concern", "addendum"})
_WITHDRAWN = re.compile(r"\bwithdrawn\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    code: str
    field: str | None  # the field that disagrees; None: the entry itself
    message: str
    work: Work | None = dataclass_field(default=None, compare=False, repr=False)  # the registry's record


@dataclass(frozen=True)
class Roles:
    published: list[Answer]
    preprint: list[Answer]
    another_paper: list[Answer]

    @property
    def primary(self) -> list[Answer]:
        return self.published or self.preprint

    @property
    def secondary(self) -> list[Answer]:
        return self.preprint if self.published else []


def roles(gathered: Gathered) -> Roles:
    paper = gathered.paper
    published: list[Answer] = []
    preprint: list[Answer] = []
    another: list[Answer] = []
    for answer in gathered.answers:
        if answer.work is None:
            continue
        if names_another_paper(paper, answer.work):
            another.append(answer)
        elif answer.registry == ARXIV or (answer.registry == DATACITE and answer.work.arxiv_id):
            preprint.append(answer)
        else:
            published.append(answer)
    return Roles(published, preprint, another)


def compare(gathered: Gathered) -> list[Finding]:
    """Every finding for one entry, could-not-check ones included."""
    paper = gathered.paper
    found: list[Finding] = []
    for answer in gathered.answers:
        if answer.failure is not None:
            found.append(
                Finding(
                    COULD_NOT_CHECK,
                    answer.identifier.field,
                    f"could not check {answer.registry}: {answer.failure}",
                )
            )
    for answer in gathered.answers:
        # An Anthology id read from a DOI is not the entry's claim: a DOI no registry knows is E709.
        if answer.work is None and answer.failure is None and not answer.identifier.derived:
            ident = answer.identifier
            what = "arXiv id" if ident.kind == "arxiv" else "Anthology id"
            found.append(
                Finding("E716", ident.field, f"{answer.registry} has no paper with the {what} {ident.value}")
            )
    r = roles(gathered)
    for ident in gathered.doi_unknown:
        message = f"{ident.value} is registered neither at {CROSSREF} nor at {DATACITE}"
        found.append(Finding("E709", ident.field, message, _doi_source(r, ident.value)))
    for answer in r.another_paper:
        found.append(_another_paper(answer, r))
    found += _notices(r.published)
    found += _withdrawn(r.preprint)
    found += _title(paper, r)
    found += _authors(paper, r)
    found += _year(paper, r)
    found += _venue(paper, r.published)
    found += _pages(paper, r.published)
    return found


def describe(work: Work) -> str:
    """A record in a few words: “Title” by First Author et al. (year)."""
    first = work.authors[0] if work.authors else None
    by = ""
    if first is not None:
        name = " ".join(p for p in (first.given, first.family) if p)
        by = f" by {name}" + (" et al." if len(work.authors) > 1 else "")
    year = f" ({work.year})" if work.year else ""
    return f"“{_short(work_title_plain(work))}”{by}{year}"


def _short(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _another_paper(answer: Answer, r: Roles) -> Finding:
    ident, work = answer.identifier, answer.work
    assert work is not None
    kind = {"doi": "DOI", "arxiv": "arXiv id", "anthology": "Anthology id"}[ident.kind]
    message = f"{kind} {ident.value} is another paper at {answer.registry}: {describe(work)}"
    source = _doi_source(r, ident.value) if ident.kind == "doi" and ident.field == "doi" else None
    if source is not None:
        assert source.doi is not None
        message += f"; {source.source} gives this paper's DOI {source.doi}"
    return Finding("E701", ident.field, message, source)


def _doi_source(r: Roles, wrong: str) -> Work | None:
    """A published record of this paper that gives another DOI than the entry's (the one `--fix` writes)."""
    for answer in r.published:
        work = answer.work
        doi = ids.parse_doi(work.doi or "") if work is not None else None
        if work is not None and doi and doi.lower() != wrong.lower() and not ids.parse_arxiv(doi):
            return work
    return None


def _notices(published: list[Answer]) -> list[Finding]:
    found: list[Finding] = []
    for answer in published:
        assert answer.work is not None
        for notice in answer.work.updates:
            if notice.type in RETRACTIONS:
                found.append(
                    Finding(
                        "E710",
                        answer.identifier.field,
                        f"{answer.registry}: {answer.identifier.value} was retracted ({notice.type} notice "
                        f"{notice.doi or 'without a DOI'}{', ' + notice.source if notice.source else ''})",
                    )
                )
            elif notice.type in CORRECTIONS:
                kind = notice.type.replace("_", " ")
                article = "an" if kind[0] in "aeiou" else "a"  # an erratum, an expression of concern
                found.append(
                    Finding(
                        "W711",
                        answer.identifier.field,
                        f"{answer.registry}: {answer.identifier.value} has {article} {kind} "
                        f"(notice {notice.doi or 'without a DOI'})",
                    )
                )
    return found


def _withdrawn(preprint: list[Answer]) -> list[Finding]:
    found: list[Finding] = []
    for answer in preprint:
        work = answer.work
        assert work is not None
        comment = work.extra.get("comment", "")
        if answer.registry != ARXIV or not _WITHDRAWN.search(comment):
            continue
        latest = int(work.extra.get("version", "1"))
        cited = answer.identifier.version
        where = f"arXiv: v{latest} of {answer.identifier.value} was withdrawn ({_short(comment, 120)})"
        if cited == latest or (cited is None and latest == 1):
            found.append(Finding("E712", answer.identifier.field, where))
        else:
            stands = f"v{cited}" if cited else f"v{latest - 1} and earlier"
            found.append(Finding("W713", answer.identifier.field, f"{where}; {stands} still stands"))
    return found


def _title(paper: Paper, r: Roles) -> list[Finding]:
    title = paper.get("title")
    records = [a for a in r.primary if a.work is not None and a.work.title]
    if not title or not records or _only_a_preprint_of_a_published_paper(paper, r):
        return []  # a published paper's title may have changed since its preprint: abstain
    relations = [(a, title_relation(title, a.work)) for a in records if a.work is not None]
    agreeing = next((a for a, rel in relations if rel == "same"), None)
    if agreeing is not None:
        other = next((a for a, rel in relations if rel != "same"), None)
        if other is None or other.work is None:
            return []
        title_there = _short(work_title_plain(other.work), 300)
        return [_disagree("title", agreeing, other, f"has “{title_there}”")]
    for other in r.secondary:
        if other.work is not None and title_relation(title, other.work) == "same":
            answer = relations[0][0]
            assert answer.work is not None
            return [
                Finding(
                    "W703",
                    "title",
                    f"the title is the {other.registry} version's; {answer.registry} has "
                    f"“{_short(work_title_plain(answer.work), 300)}”",
                )
            ]
    answer, relation = next(((a, rel) for a, rel in relations if rel == "truncated"), relations[0])
    assert answer.work is not None
    what = "truncated" if relation == "truncated" else "differs"
    message = f"title {what}: {answer.registry} has “{_short(work_title_plain(answer.work), 300)}”"
    return [Finding("E702", "title", message, answer.work)]


def _authors(paper: Paper, r: Roles) -> list[Finding]:
    if not paper.authors:
        return []
    records = [a for a in r.primary if a.work is not None and a.work.authors]
    if _only_a_preprint_of_a_published_paper(paper, r):
        # Authors join and leave between versions: only another list altogether is an error.
        records = [a for a in records if a.work is not None and _mostly_others(paper, a.work)]
    diffs = [(a, author_difference(paper, a.work)) for a in records if a.work is not None]
    if not diffs:
        return []
    answer, diff = next(((a, d) for a, d in diffs if d is not None), diffs[0])
    assert answer.work is not None
    agreeing = next((a for a, d in diffs if d is None), None) or next(
        (a for a in r.secondary if a.work is not None and author_difference(paper, a.work) is None), None
    )
    if diff is None:
        return []
    if agreeing is not None:  # the registries disagree and the entry follows one of them: warn only
        listed = f"lists {authors_bibtex(answer.work)} ({diff})"
        return [_disagree("author", agreeing, answer, listed)]
    message = f"{diff}; {answer.registry} lists: {authors_bibtex(answer.work)}"
    return [Finding("E704", "author", message, answer.work)]


def _disagree(name: str, agreeing: Answer, other: Answer, theirs: str) -> Finding:
    return Finding(
        "W717",
        name,
        f"the registries disagree: {agreeing.registry} agrees with the entry, {other.registry} {theirs}",
    )


def _only_a_preprint_of_a_published_paper(paper: Paper, r: Roles) -> bool:
    """A published entry (NeurIPS, a volume without DOIs) whose only record is its arXiv preprint."""
    return not r.published and not is_arxiv_only(paper)


def _mostly_others(paper: Paper, work: Work) -> bool:
    """Fewer than half the entry's authors are on the record: another author list, not a version's."""
    matched, compared, _ = author_overlap(paper, work)
    return compared > 0 and matched * 2 < compared


def _year(paper: Paper, r: Roles) -> list[Finding]:
    if paper.year is None:
        return []
    records = r.published or (r.preprint if is_arxiv_only(paper) else [])
    years = [(a, a.work.year) for a in records if a.work is not None and a.work.year]
    if not years or any(y == paper.year for _, y in years):
        return []
    answer, year = years[0]
    which = "the published year" if r.published else "the first arXiv version's year"
    message = f"year {paper.year}, but {answer.registry} gives {year} ({which})"
    return [Finding("E705", "year", message, answer.work)]


def _venue(paper: Paper, published: list[Answer]) -> list[Finding]:
    name = "booktitle" if paper.get("booktitle") else "journal" if paper.get("journal") else None
    other_kind = _other_kind(paper, published)
    if other_kind:
        return [Finding("E707", name, other_kind)]
    venue = paper.text(name) if name else None
    records = [a for a in published if a.work is not None and a.work.container]
    if not venue or not name or not records:
        return []
    diffs = []
    for answer in records:
        assert answer.work is not None
        work = answer.work
        names = work.extra.get("container_titles", "").split("\n") if "container_titles" in work.extra else []
        for container in [work.container, *names]:
            diff = venue_difference(venue, container, work.year)
            if diff is None:
                return []
            diffs.append((answer, diff))
    answer, diff = next(((a, d) for a, d in diffs if d.kind == "track"), diffs[0])
    assert answer.work is not None
    code = "E707" if diff.kind == "track" else "E706"
    return [
        Finding(code, name, f"{diff.detail}: {answer.registry} has “{_short(answer.work.container, 300)}”")
    ]


def _other_kind(paper: Paper, published: list[Answer]) -> str | None:
    """A journal paper cited as a conference paper, or the other way round (Crossref's types)."""
    if paper.entry_type not in ("article", "inproceedings"):
        return None
    typed = [a for a in published if a.work is not None and a.work.source == "crossref" and a.work.type]
    if not typed or any(
        a.work is not None and type_fit(paper.entry_type, a.work) != "incompatible" for a in typed
    ):
        return None
    answer = typed[0]
    assert answer.work is not None
    kind = "a journal article" if answer.work.type == "journal-article" else f"a {answer.work.type}"
    where = f" in “{_short(answer.work.container, 300)}”" if answer.work.container else ""
    return f"the entry is @{paper.entry_type}, but {answer.registry} has {kind}{where}"


def _pages_key(pages: str) -> str:
    return "-".join(re.findall(r"[0-9A-Za-z]+", pages)).lower()


def _pages(paper: Paper, published: list[Answer]) -> list[Finding]:
    pages = paper.text("pages")
    records = [a for a in published if a.work is not None and a.work.pages]
    if not pages or not records:
        return []
    if any(a.work is not None and _pages_key(a.work.pages) == _pages_key(pages) for a in records):
        return []
    answer = records[0]
    assert answer.work is not None
    message = f"pages {pages}, but {answer.registry} has {answer.work.pages}"
    return [Finding("E708", "pages", message, answer.work)]
