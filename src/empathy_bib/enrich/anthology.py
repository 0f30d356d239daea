"""The ACL Anthology client: `<anthology_url>/<id>.bib`, the Anthology's own record of a paper.

For Anthology papers this record is authoritative for venue, pages, address and month, and it
is the only source for volumes that register no DOI (COLING 2025, LREC-COLING 2024, ...).
The `.bib` is read with the project's own bib layer and names are split by pybtex on the raw
LaTeX, so `{van der} Berg` and accents survive. The title stays LaTeX (`source="anthology"`):
its brace protection is the Anthology's and worth keeping.
"""

from __future__ import annotations

import requests

from .. import ids
from ..bib import BibFile
from ..errors import BibReadError, NetworkError
from ..record import Author, Paper, papers_of
from .http import fetch, forget
from .records import Name, Work
from .services import ServiceConfig

SERVICE = "ACL Anthology"


def bib_url(config: ServiceConfig, anthology_id: str) -> str:
    return f"{config.anthology_url}/{anthology_id}.bib"


def get(session: requests.Session, config: ServiceConfig, anthology_id: str) -> Work | None:
    """The Anthology's record of `anthology_id`, or None when the Anthology has no such paper."""
    if not ids.is_valid_anthology_id(anthology_id):
        return None
    response = fetch(session, config, SERVICE, bib_url(config, anthology_id))
    if response is None:
        return None
    try:
        paper = parse_record(response.content)
    except NetworkError:
        forget(session, response)
        raise
    return work_from_record(paper, anthology_id)


def parse_record(data: bytes) -> Paper:
    """The one entry of an Anthology `.bib`; a body that is not BibTeX is a NetworkError."""
    try:
        bib = BibFile.from_bytes(data)
    except BibReadError as exc:
        raise NetworkError(f"{SERVICE}: the .bib answer cannot be read ({exc.message})") from None
    papers = list(papers_of(bib))
    # An unknown paper is a 404; a 200 without exactly one entry is a page from something else
    # (a captive portal, a proxy): a network failure to retry later, not "no such paper".
    if not bib.is_complete or len(papers) != 1:
        raise NetworkError(f"{SERVICE}: the .bib answer is not one BibTeX entry; try later")
    return papers[0]


def _name(author: Author) -> Name:
    if author.literal:
        return Name(given="", family=author.family, literal=True)
    return Name(given=author.given, family=author.family, suffix=author.suffix)


def work_from_record(paper: Paper, anthology_id: str) -> Work:
    text = paper.text
    doi = paper.doi  # read with ids.parse_doi by the model; a bad one is dropped
    return Work(
        source="anthology",
        title=paper.get("title") or "",  # LaTeX, with the Anthology's brace protection
        authors=tuple(_name(a) for a in paper.authors),
        year=paper.year,
        month=paper.month,
        type=paper.entry_type,
        container=text("booktitle") or text("journal") or "",
        publisher=text("publisher") or "",
        pages=text("pages") or "",
        volume=text("volume") or "",
        number=text("number") or "",
        address=text("address") or "",
        doi=doi,
        anthology_id=anthology_id,
        url=ids.anthology_url(anthology_id),
    )
