"""Is this candidate the paper the entry describes? Validation, never trust in rank.

A candidate is accepted only when every test passes:
- titles agree after `text.title_key` (a service's: markup stripped, then `text.fold`), by
  rapidfuzz ratio, and carry the same numbers ("Qwen2" is not "Qwen2.5");
- authors overlap, where a shared short common family name ("Li", "Wang") counts only with the
  same initial, and at least half of the shorter list is shared;
- years differ by at most one (preprint versus proceedings);
- the service's type fits the entry's type (a thesis, a book review or a journal extension is
  not the proceedings paper).
Among accepted candidates with different DOIs, the one whose type is the entry's preferred type
wins; if that does not settle it, `choose` abstains.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from rapidfuzz import fuzz

from .. import ids
from ..record import Author, Paper
from ..text import fold, strip_markup, title_key
from .newentry import work_title_plain
from .people import PersonName, format_names, person_of_work
from .records import Work

TITLE_THRESHOLD = 92.0  # rapidfuzz ratio (0-100) on normalised titles
TITLE_THRESHOLD_NO_AUTHORS = 97.0  # without authors to compare, the title must carry it alone
MAX_YEAR_DIFFERENCE = 1
# Prefixes that look like DOIs but never resolve (ACM's placeholder records use 10.5555).
PSEUDO_DOI_PREFIXES = ("10.5555/",)
# The most frequent family names: sharing one says little about two author lists.
_COMMON_FAMILY_NAMES_LISTED = (
    "li wang zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng liang "
    "xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei "
    "su lu ding ren shen yao jin kim lee park choi jung kang cho yoon jang lim nguyen tran le pham "
    "hoang phan vu smith johnson williams brown jones miller davis garcia rodriguez wilson martin "
    "singh kumar sharma patel khan ali ahmed shah gupta das"
)
COMMON_FAMILY_NAMES = frozenset(_COMMON_FAMILY_NAMES_LISTED.split())
_NUMBER_TOKEN = re.compile(r"\d+")

# Entry type -> (preferred service types, also compatible). Types are Crossref's, DataCite's
# resourceTypeGeneral (lower-cased) and arXiv's "preprint".
_PROCEEDINGS = ({"proceedings-article"}, {"book-chapter", "book-part", "conferencepaper"})
_TYPE_RULES: dict[str, tuple[set[str], set[str]]] = {
    "inproceedings": _PROCEEDINGS,
    "conference": _PROCEEDINGS,
    "article": ({"journal-article"}, {"journalarticle"}),
    "book": ({"book", "monograph", "edited-book", "reference-book"}, set()),
    "incollection": ({"book-chapter"}, {"book-part", "book-section", "reference-entry"}),
    "inbook": ({"book-chapter"}, {"book-part", "book-section"}),
    "phdthesis": ({"dissertation"}, set()),
    "mastersthesis": ({"dissertation"}, set()),
    "techreport": ({"report"}, {"report-series", "posted-content", "preprint"}),
    "misc": (
        {"posted-content", "preprint"},
        {"proceedings-article", "journal-article", "book-chapter", "report", "dataset", "text"},
    ),
    "unpublished": ({"posted-content", "preprint"}, set()),
}


@dataclass(frozen=True)
class Evidence:
    title_similarity: float
    numbers_agree: bool
    authors_matched: int
    authors_compared: int
    strong_author_match: bool
    year_difference: int | None
    type: str
    type_fit: str  # "preferred", "compatible", "incompatible"

    def as_dict(self) -> dict[str, object]:
        return {
            "title_similarity": round(self.title_similarity, 1),
            "numbers_agree": self.numbers_agree,
            "authors_matched": self.authors_matched,
            "authors_compared": self.authors_compared,
            "year_difference": self.year_difference,
            "type": self.type,
            "type_fit": self.type_fit,
        }


@dataclass(frozen=True)
class Verdict:
    work: Work
    evidence: Evidence
    reasons: tuple[str, ...] = field(default=())  # why it was rejected; empty when accepted

    @property
    def accepted(self) -> bool:
        return not self.reasons


# ---------------------------------------------------------------------- titles


def numbers(key: str) -> Counter[str]:
    """The numbers in a normalised title, as a multiset: versions and years are significant."""
    return Counter(m.group(0).lstrip("0") or "0" for m in _NUMBER_TOKEN.finditer(key))


def title_similarity(entry_title: str, work: Work) -> tuple[float, bool]:
    """Best ratio of the entry title against the work's title (with and without its subtitle)."""
    mine = title_key(entry_title)
    best, agree = 0.0, False
    subtitle = work.extra.get("subtitle", "")
    variants = [work.title] + ([f"{work.title}: {subtitle}"] if subtitle else [])
    for variant in variants:
        # A service's title is no LaTeX (a `%` or `&` in it is text) but may carry JATS/HTML.
        theirs = fold(strip_markup(variant))
        if not theirs or not mine:
            continue
        score = float(fuzz.ratio(mine, theirs))
        if score > best or (score == best and numbers(mine) == numbers(theirs)):
            best, agree = score, numbers(mine) == numbers(theirs)
    return best, agree


# ---------------------------------------------------------------------- authors


def _name_key(name: str) -> str:
    """`text.fold` without the blanks: `De Grandi` is `degrandi`."""
    return fold(name).replace(" ", "")


def _initial(given: str) -> str:
    folded = _name_key(given)
    return folded[:1]


def author_overlap(paper: Paper, work: Work) -> tuple[int, int, bool]:
    """(names shared, size of the shorter list, whether one shared name is strong evidence)."""
    theirs = [(_name_key(n.family), _initial(n.given)) for n in work.authors if not n.literal]
    mine = [(_name_key(a.family), _initial(a.given)) for a in paper.authors if not a.literal]
    if not theirs or not mine:
        return 0, 0, False
    matched, strong = 0, False
    remaining = list(theirs)
    for family, initial in mine:
        hit = _find_author(remaining, family, initial)
        if hit is None:
            continue
        remaining.remove(hit)
        matched += 1
        common = family in COMMON_FAMILY_NAMES or len(family) <= 3
        same_initial = bool(initial) and initial == hit[1]
        if not common or same_initial:
            strong = True
    return matched, min(len(mine), len(theirs)), strong


def _find_author(candidates: list[tuple[str, str]], family: str, initial: str) -> tuple[str, str] | None:
    exact = [c for c in candidates if c[0] == family]
    for c in exact:  # prefer the same initial among namesakes
        if c[1] == initial:
            return c
    if exact:
        return exact[0]
    # compound family names split differently ("Daumé III" vs "Daumé", "De Grandi" vs "Grandi")
    for c in candidates:
        if len(family) > 3 and len(c[0]) > 3 and (c[0].endswith(family) or family.endswith(c[0])):
            return c
    return None


# ---------------------------------------------------------------------- types and years


def type_fit(entry_type: str, work: Work) -> str:
    kind = work.type.lower()
    preferred, compatible = _TYPE_RULES.get(entry_type.lower(), (set(), set()))
    if not preferred and not compatible:
        return "compatible" if kind not in ("dissertation", "peer-review") else "incompatible"
    if kind in preferred:
        return "preferred"
    if kind in compatible:
        return "compatible"
    # AAAI and similar proceedings are registered as journal articles of a "Proceedings" title.
    if entry_type.lower() in ("inproceedings", "conference") and kind == "journal-article":
        container = work.container.lower()
        if "proceedings" in container or "conference" in container:
            return "compatible"
    return "incompatible"


# ---------------------------------------------------------------------- verdicts


def judge(paper: Paper, work: Work) -> Verdict:
    """Validate one candidate against an entry; the verdict lists every reason to reject it."""
    similarity, numbers_agree = title_similarity(paper.get("title") or "", work)
    matched, compared, strong = author_overlap(paper, work)
    year_diff = abs(paper.year - work.year) if paper.year and work.year else None
    fit = type_fit(paper.entry_type, work)
    evidence = Evidence(similarity, numbers_agree, matched, compared, strong, year_diff, work.type, fit)
    return Verdict(work, evidence, tuple(_reasons(paper, work, evidence)))


def _reasons(paper: Paper, work: Work, ev: Evidence) -> list[str]:
    reasons: list[str] = []
    doi = ids.parse_doi(work.doi or "")
    if work.doi is not None and doi is None:
        reasons.append(f"not a valid DOI: {work.doi!r}")
    elif doi and doi.lower().startswith(PSEUDO_DOI_PREFIXES):
        reasons.append(f"pseudo-DOI that does not resolve: {doi}")
    threshold = TITLE_THRESHOLD if ev.authors_compared else TITLE_THRESHOLD_NO_AUTHORS
    if ev.title_similarity < threshold:
        reasons.append(f"title differs (similarity {ev.title_similarity:.0f} < {threshold:.0f})")
    elif not ev.numbers_agree:
        reasons.append("title numbers differ (another version or edition)")
    if ev.authors_compared:
        if not ev.strong_author_match:
            reasons.append("no shared author beyond common family names")
        elif ev.authors_matched * 2 < ev.authors_compared:
            reasons.append(f"only {ev.authors_matched} of {ev.authors_compared} authors shared")
    if ev.year_difference is not None and ev.year_difference > MAX_YEAR_DIFFERENCE:
        reasons.append(f"year differs by {ev.year_difference}")
    if ev.type_fit == "incompatible":
        reasons.append(f"type {work.type or 'unknown'!r} does not fit @{paper.entry_type}")
    return reasons


@dataclass(frozen=True)
class Choice:
    chosen: Verdict | None
    verdicts: tuple[Verdict, ...]
    ambiguous: bool = False

    @property
    def rejected(self) -> list[Verdict]:
        return [v for v in self.verdicts if v is not self.chosen]


def choose(paper: Paper, works: list[Work]) -> Choice:
    """Judge every candidate; pick one only when exactly one DOI survives."""
    verdicts = tuple(judge(paper, w) for w in works)
    accepted = [v for v in verdicts if v.accepted]
    if not accepted:
        return Choice(None, verdicts)
    for narrowed in (accepted, _preferred(accepted), _same_year(paper, _preferred(accepted))):
        distinct = {ids.normalize_doi(v.work.doi or "") for v in narrowed}
        if len(distinct) == 1 and narrowed:
            return Choice(narrowed[0], verdicts)
    return Choice(None, verdicts, ambiguous=True)


def _preferred(verdicts: list[Verdict]) -> list[Verdict]:
    best = [v for v in verdicts if v.evidence.type_fit == "preferred"]
    return best or verdicts


def _same_year(paper: Paper, verdicts: list[Verdict]) -> list[Verdict]:
    exact = [v for v in verdicts if v.evidence.year_difference == 0]
    return exact or verdicts


# ---------------------------------------------------------------------- same author list
# (published versions: `enrich.published` accepts a search hit only with the preprint's authors)


class _Person(Protocol):
    @property
    def given(self) -> str: ...
    @property
    def family(self) -> str: ...
    @property
    def suffix(self) -> str: ...
    @property
    def literal(self) -> bool: ...


def _same_person(mine: _Person, theirs: _Person, *, full: bool) -> bool:
    """Same family (or the same whole name split elsewhere) and, when both have one, same initial.

    `full`: both must have given names, so an initial is always compared (a renamed paper has
    no title to lean on).
    """
    if mine.literal or theirs.literal:
        return _name_key(mine.family) == _name_key(theirs.family)
    family, other = _name_key(mine.family), _name_key(theirs.family)
    whole = _name_key(mine.given + mine.family + mine.suffix) == _name_key(
        theirs.given + theirs.family + theirs.suffix
    )
    compound = len(family) > 3 and len(other) > 3 and (family.endswith(other) or other.endswith(family))
    if not (family == other or whole or compound):
        return False
    mine_initial, their_initial = _initial(mine.given), _initial(theirs.given)
    if full and not (mine_initial and their_initial):
        return False
    return not (mine_initial and their_initial) or mine_initial == their_initial


def same_author_list(mine: Sequence[_Person], theirs: Sequence[_Person], *, full: bool = False) -> bool:
    """The same people in the same order: same count, same families, initials agreeing.

    A shared "Li" or "Wang" means nothing alone, so every name is compared, in order; a list
    truncated with `and others` is never the same list. `full` (see `_same_person`) is for a
    candidate whose title changed.
    """
    if not mine or len(mine) != len(theirs):
        return False
    if any(_name_key(p.family) == "others" for p in (*mine, *theirs)):
        return False
    return all(_same_person(a, b, full=full) for a, b in zip(mine, theirs, strict=True))


# ---------------------------------------------------------------------- strict comparisons (verify)
# `judge` asks "the same paper?"; verify then asks "the same facts?", field by field, with these.


def names_another_paper(paper: Paper, work: Work) -> bool:
    """The record is another paper: its title AND its authors fail `judge`'s tests.

    A title alone may have changed on publication (about one preprint in nine), an author list
    alone may be the entry's error: either is reported by its own field check, not as a wrong id.
    """
    if not work_title_key(work) and not work.authors:
        return False  # a record without a title or authors (a malformed answer) names no paper
    ev = judge(paper, work).evidence
    title_fails = ev.title_similarity < TITLE_THRESHOLD or not ev.numbers_agree
    if not ev.authors_compared:
        return title_fails and ev.title_similarity < 60.0  # nothing else to go by: only a clear miss
    authors_fail = not ev.strong_author_match or ev.authors_matched * 2 < ev.authors_compared
    return title_fails and authors_fail


# Publishers mark a retracted paper's title (`RETRACTED: Title`, `RETRACTED ARTICLE: Title`); the
# retraction is reported from the notice (E710), the title is still the paper's.
_RETRACTION_MARK = re.compile(r"^\s*(?:retracted|withdrawn)(?:\s+article)?\s*:\s*", re.IGNORECASE)


def work_title_key(work: Work) -> str:
    """The comparison key of a registry's title (with its subtitle, when Crossref gives one apart)."""
    title = _RETRACTION_MARK.sub("", work_title_plain(work))
    subtitle = strip_markup(work.extra.get("subtitle", ""))
    return fold(f"{title}: {subtitle}" if subtitle else title)


def title_relation(entry_title: str, work: Work) -> str:
    """`same`, `truncated` (the entry's title is a proper start of the registry's) or `different`."""
    mine, theirs = title_key(entry_title), work_title_key(work)
    if not mine or not theirs:
        return "same"  # nothing to compare: abstain
    if mine == theirs or mine == fold(work_title_plain(work)):
        return "same"
    if theirs.startswith(mine + " "):
        return "truncated"
    return "different"


def registry_people(work: Work) -> list[PersonName]:
    """The registry's authors as names ready to write (`Iii, Hal Daumé` is Hal Daumé III)."""
    return [person_of_work(work, n) for n in work.authors]


def authors_bibtex(work: Work) -> str:
    """The registry's author list in BibTeX form, as `add` writes it."""
    return format_names(registry_people(work))


def _is_others(author: Author) -> bool:
    return not author.given and author.family.strip().lower() == "others"


def author_difference(paper: Paper, work: Work) -> str | None:
    """How the entry's author list differs from the registry's (None: the same list), in words.

    Same number, same order, same people; `and others` stands for the rest of the list.
    """
    mine = list(paper.authors)
    theirs = registry_people(work)
    if not theirs or not mine:
        return None  # nothing to compare: abstain
    if _is_others(mine[-1]):
        mine = mine[:-1]
        if len(theirs) < len(mine):
            return f"{len(mine)} authors before 'and others', the registry lists {len(theirs)}"
        theirs = theirs[: len(mine)]
    unmatched_mine = [a for a in mine if not any(_same_person(a, p, full=False) for p in theirs)]
    unmatched_theirs = [p for p in theirs if not any(_same_person(a, p, full=False) for a in mine)]
    if len(mine) != len(theirs):
        detail = f"{len(mine)} authors, the registry lists {len(theirs)}"
        if unmatched_theirs:
            detail += "; missing: " + "; ".join(_shown(p) for p in unmatched_theirs)
        if unmatched_mine:
            detail += "; not in the registry's list: " + "; ".join(a.display for a in unmatched_mine)
        return detail
    if len(unmatched_mine) > 1:
        listed = "; ".join(a.display for a in unmatched_mine)
        return f"{len(unmatched_mine)} of {len(mine)} authors are not in the registry's list: {listed}"
    for i, (a, p) in enumerate(zip(mine, theirs, strict=True), start=1):
        if not _same_person(a, p, full=False):
            if not unmatched_mine and not unmatched_theirs:
                return (
                    f"the same authors in another order (author {i}: {a.display!r}, registry {_shown(p)!r})"
                )
            return f"author {i} is {a.display!r}, the registry has {_shown(p)!r}"
    return None


def _shown(person: PersonName) -> str:
    return " ".join(x for x in (person.given, person.family, person.suffix) if x)


# ---------------------------------------------------------------------- venue tracks

_FINDINGS = re.compile(r"\bfindings?\b")
_WORKSHOP = re.compile(r"\bworkshops?\b|\bshared tasks?\b")


def venue_track(venue: str) -> str:
    """ "Findings", "workshop" or "main": the track a venue's name says. The same venue in another
    track is another publication (verify's E707, a preprint's workshop version is not its
    published one, a README's "ACL" is not the Findings paper)."""
    key = fold(venue)
    if _FINDINGS.search(key):
        return "Findings"
    if _WORKSHOP.search(key):
        return "workshop"
    return "main"
