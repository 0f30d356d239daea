"""`add --from-bibtex`: entries pasted from Google Scholar, DBLP or a publisher, made ours.

Pasted entries are read with the project's bib layer (a block that does not parse is reported
with its line, not dropped), then rewritten through `newentry` exactly as `add` writes a fetched
paper: our key, field order, escapes, name format, the DOI rule. What the paste got right is
kept: its brace-protected title pieces and its name parts. Google Scholar's arXiv preprints
(`@article{..., journal={arXiv preprint arXiv:2409.10289}}`) and DBLP's CoRR entries become
`@misc` with `eprint`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .. import ids
from ..bib import BibFile
from ..errors import BibParseError, UsageError
from ..record import CODE_FIELD, Author, Paper, papers_of
from .latexvalue import latex_title_from_spans
from .newentry import NewEntry, entry_from_work
from .people import PersonName, person_from_name
from .records import Name, Work

_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv[:\s]*|abs/)(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.I
)
_PREPRINT_VENUES = re.compile(r"^\s*(arxiv|corr|arxiv\.org)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Imported:
    source_key: str  # the key the paste used, for messages
    source_line: int  # line in the pasted text
    entry: NewEntry
    categories: tuple[str, ...]


def read_pasted(text: str, origin: str) -> list[Paper]:
    """The entries of pasted BibTeX; anything that does not parse is an error naming its line."""
    bib = BibFile.from_text(text)
    if bib.failed_blocks:
        first = bib.failed_blocks[0]
        line = bib.line_of(first.error_offset if first.error_offset is not None else first.start)
        raise BibParseError(f"cannot read this entry: {first.error}", path=origin, line=line)
    papers = list(papers_of(bib))
    if not papers:
        raise UsageError(f"{origin}: no BibTeX entry found")
    return papers


def pasted_arxiv_id(paper: Paper) -> str | None:
    """The arXiv id of a pasted entry: `eprint`, an arXiv URL or DOI, or Scholar's `journal` text."""
    if paper.arxiv_id:
        return paper.arxiv_id
    if paper.doi and ids.parse_arxiv(paper.doi):
        return ids.parse_arxiv(paper.doi)
    for name in ("journal", "volume", "howpublished", "note", "booktitle"):
        value = paper.get(name) or ""
        m = _ARXIV_IN_TEXT.search(value)
        if m:
            found = ids.parse_arxiv(m.group(1))
            if found:
                return found
    return None


def _is_preprint_only(paper: Paper) -> bool:
    venue = paper.get("journal") or paper.get("booktitle") or paper.get("howpublished") or ""
    return not venue.strip() or bool(_PREPRINT_VENUES.match(venue)) or paper.entry_type in ("misc", "online")


def _person(author: Author) -> PersonName:
    if author.literal:
        return PersonName("", author.family, literal=True)
    return person_from_name(Name(given=author.given, family=author.family, suffix=author.suffix))


def work_from_pasted(paper: Paper) -> Work:
    """The pasted entry as a `Work`; preprints lose the venue Scholar invents for them."""
    arxiv_id = pasted_arxiv_id(paper)
    preprint = bool(arxiv_id) and _is_preprint_only(paper)
    text = paper.text
    container = "" if preprint else (text("booktitle") or text("journal") or "")
    doi = paper.doi
    if preprint and doi and not ids.parse_arxiv(doi):
        doi = None  # a published DOI on an entry that describes the preprint: not this version's
    url = paper.get("url") or ""
    return Work(
        source="bibtex",
        title=paper.get("title") or "",
        year=paper.year,
        month=paper.month,
        type="misc" if preprint else paper.entry_type,
        container=container,
        publisher="" if preprint else text("publisher") or "",
        pages=paper.get("pages") or "",
        volume=text("volume") or "" if not preprint else "",
        number=text("number") or "" if not preprint else "",
        address=text("address") or "",
        doi=doi,
        arxiv_id=arxiv_id,
        anthology_id=paper.anthology_id,
        url=_landing_url(url),
        extra={"primaryclass": paper.get("primaryclass") or ""},
    )


def _landing_url(url: str) -> str | None:
    """A pasted URL as a landing page: arXiv and Anthology PDFs become their abstract pages."""
    if not url or not ids.is_web_url(url):
        return None
    anthology_id = ids.anthology_from_url(url)
    if anthology_id:
        return ids.anthology_url(anthology_id)
    arxiv_id = ids.arxiv_from_url(url)
    if arxiv_id:
        return ids.arxiv_url(arxiv_id)
    return url.strip() if ids.classify_url(url) == "abs" else None


def categories_for(paper: Paper, given: Sequence[str]) -> tuple[str, ...]:
    """`--category` wins; else the paste's own `keywords`, when they are all our slugs."""
    return tuple(given) if given else paper.categories


def normalise_pasted(
    papers: Iterable[Paper], *, categories: Sequence[str], taken_keys: Iterable[str], key: str | None = None
) -> list[Imported]:
    """Each pasted entry rewritten to our conventions, with keys unique against `taken_keys`."""
    taken = set(taken_keys)
    result: list[Imported] = []
    for paper in papers:
        work = work_from_pasted(paper)
        cats = categories_for(paper, categories)
        code = paper.get(CODE_FIELD)
        entry = entry_from_work(
            work,
            categories=cats,
            taken_keys=taken,
            key=key,
            title_latex=latex_title_from_spans(paper.title_spans),
            people=[_person(a) for a in paper.authors],
            extra_fields={CODE_FIELD: code.strip()} if code and ids.is_web_url(code) else None,
        )
        taken.add(entry.key)
        result.append(Imported(paper.key, paper.line, entry, cats))
    return result
