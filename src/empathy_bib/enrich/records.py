"""What a metadata service says about a work, in one shape for every service.

Remote metadata is untrusted: clients fill these from JSON/XML without interpreting it;
`match` decides whether a `Work` is the paper an entry describes, `newentry` cleans it for
writing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Name:
    given: str
    family: str  # for a corporate author, the whole name, with `literal=True`
    suffix: str = ""  # the Jr part ("III", "Jr."), when the source names it apart (BibTeX sources)
    literal: bool = False


@dataclass(frozen=True)
class Update:
    """A notice Crossref records against a work (`updated-by`): a retraction, a correction, ..."""

    type: str  # "retraction", "withdrawal", "correction", "erratum", "expression_of_concern", ...
    doi: str  # the notice's DOI, as given
    source: str = ""  # "publisher", "retraction-watch"


@dataclass(frozen=True)
class Work:
    source: str  # "crossref", "datacite", "arxiv", "anthology"
    title: str
    authors: tuple[Name, ...] = ()
    year: int | None = None
    month: int | None = None
    type: str = ""  # the service's own type: "proceedings-article", "journal-article", "Preprint", ...
    container: str = ""  # journal or proceedings title
    publisher: str = ""
    pages: str = ""
    volume: str = ""
    number: str = ""
    address: str = ""
    doi: str | None = None  # as the service gave it; read it with ids.parse_doi before use
    arxiv_id: str | None = None
    anthology_id: str | None = None
    url: str | None = None
    abstract: str = ""
    journal_ref: str = ""  # arXiv: where the authors say it was published
    related_dois: tuple[str, ...] = ()  # arXiv/DataCite: the published version's DOI, if given
    updates: tuple[Update, ...] = ()  # Crossref `updated-by`: notices about this work
    extra: dict[str, str] = field(default_factory=dict)
