"""`add`'s work, as pure functions: which identifier, which service, which entry, appended where.

An identifier is an arXiv id (bare, `arXiv:`, abs/pdf URL), a DOI (bare, `doi:`, doi.org URL) or
an ACL Anthology id (bare, new or old style, or URL). Metadata comes from the service that owns
the identifier: arXiv's Atom feed, Crossref for publisher DOIs, DataCite for arXiv's
`10.48550/...` DOIs, the Anthology's own `.bib` for Anthology papers. An arXiv paper whose feed
names a published version becomes an entry for that version (with `eprint` kept) when
`published.published_version` accepts it (same title or same authors, not a workshop version);
otherwise it stays an arXiv-only `@misc`.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import requests

from .. import ids
from ..bib import BibFile
from ..errors import EmpathyBibError, UsageError
from ..record import papers_of
from ..taxonomy import Taxonomy
from . import anthology, arxiv, crossref, datacite
from .duplicates import DuplicateError, DuplicateIndex, Identity, identity_of_text
from .newentry import NewEntry, entry_from_work
from .published import published_version
from .records import Work
from .services import ServiceConfig


class UnknownPaperError(EmpathyBibError):
    """The services do not know the identifier (exit 2: the input is wrong)."""


@dataclass(frozen=True)
class Identifier:
    kind: str  # "arxiv", "doi", "anthology"
    value: str  # normalised: arXiv id without version, bare DOI, Anthology id

    def __str__(self) -> str:
        labels = {"arxiv": "arXiv", "doi": "DOI", "anthology": "ACL Anthology id"}
        return f"{labels[self.kind]} {self.value}"

    @property
    def identity(self) -> Identity:
        """What the identifier alone says about the paper, to refuse a duplicate before any request."""
        if self.kind == "arxiv":
            return Identity(arxiv_id=self.value)
        if self.kind == "anthology":
            return Identity(anthology_id=self.value)
        return Identity(doi=self.value.lower(), arxiv_id=ids.parse_arxiv(self.value))


def parse_identifier(text: str) -> Identifier:
    """The identifier in `text`; a UsageError (exit 2) listing the accepted forms otherwise."""
    value = text.strip()
    anthology_id = ids.parse_anthology(value)
    if anthology_id:
        return Identifier("anthology", anthology_id)
    doi = ids.parse_doi(value)
    if doi and not ids.arxiv_from_url(value):
        return Identifier("doi", doi)
    arxiv_id = ids.parse_arxiv(value)
    if arxiv_id:
        return Identifier("arxiv", arxiv_id)
    raise UsageError(
        f"'{text}' is not an arXiv id (2409.10289, arXiv:2409.10289, an arxiv.org URL), "
        "a DOI (10.18653/v1/2020.emnlp-main.721, a doi.org URL) "
        "or an ACL Anthology id or URL (2020.emnlp-main.721, P19-1534, https://aclanthology.org/...)"
    )


def parse_categories(text: str | None, taxonomy: Taxonomy) -> tuple[str, ...]:
    """`slug,slug` -> slugs that take papers; a UsageError (exit 2) naming the valid ones otherwise."""
    slugs = tuple(dict.fromkeys(s.strip() for s in (text or "").split(",") if s.strip()))
    if not slugs:
        raise UsageError("--category is required: " + _valid_slugs(taxonomy))
    for slug in slugs:
        category = taxonomy.get(slug)
        if category is None:
            raise UsageError(f"unknown category '{slug}'; " + _valid_slugs(taxonomy), path=taxonomy.path)
        if not category.takes_papers:
            raise UsageError(
                f"category '{slug}' has subsections and takes no papers itself; " + _valid_slugs(taxonomy),
                path=taxonomy.path,
            )
    return slugs


def _valid_slugs(taxonomy: Taxonomy) -> str:
    return "valid slugs: " + ", ".join(taxonomy.paper_slugs)


# ---------------------------------------------------------------------- metadata


def fetch_work(
    session: requests.Session,
    config: ServiceConfig,
    ident: Identifier,
    feed: Mapping[str, Work | None] | None = None,
) -> Work:
    """The metadata of `ident` from the service that owns it; UnknownPaperError when none knows it.

    `feed` holds arXiv records already fetched in one batch (`arxiv.get_many`), by id; None for
    an id the batch asked for and arXiv did not know.
    """
    work: Work | None
    if ident.kind == "anthology":
        work = anthology.get(session, config, ident.value)
    elif ident.kind == "arxiv":
        work = _arxiv_work(session, config, ident.value, feed)
    elif ident.value.lower().startswith("10.48550/"):
        work = datacite.get_doi(session, config, ident.value)
    else:
        work = crossref.get_work(session, config, ident.value)
    if work is None or not work.title.strip():
        raise UnknownPaperError(f"no metadata found for {ident}: check the identifier")
    return work


def _arxiv_work(
    session: requests.Session, config: ServiceConfig, arxiv_id: str, feed: Mapping[str, Work | None] | None
) -> Work | None:
    preprint = feed[arxiv_id] if feed and arxiv_id in feed else arxiv.get(session, config, arxiv_id)
    if preprint is None:
        return None
    # Only the feed's own link: `add` of an arXiv id asks nothing beyond arXiv and the record it names.
    published = published_version(session, config, preprint, feed_only=True)
    if published is None:
        return preprint
    return dataclasses.replace(published.work, arxiv_id=preprint.arxiv_id)


def work_with_subtitle(work: Work) -> Work:
    """Crossref keeps subtitles apart; the list writes `Title: Subtitle`."""
    subtitle = work.extra.get("subtitle", "").strip()
    if not subtitle or subtitle.casefold() in work.title.casefold():
        return work
    return dataclasses.replace(work, title=f"{work.title}: {subtitle}")


# ---------------------------------------------------------------------- the list


def existing_index(bib: BibFile) -> DuplicateIndex:
    return DuplicateIndex(papers_of(bib))


def refuse_duplicate(index: DuplicateIndex, identity: Identity, what: str) -> None:
    match = index.find(identity)
    if match is not None:
        raise DuplicateError(f"{what} is {match.describe()}")


def build_entry(
    work: Work,
    bib: BibFile,
    *,
    categories: Sequence[str],
    key: str | None = None,
    taken_keys: Iterable[str] | None = None,
    extra_fields: dict[str, str] | None = None,
    added: datetime.date | None = None,
) -> NewEntry:
    """The new entry for `work`; its key unique against the list's (or `taken_keys`, when given);
    `added` is the day it joins the list (`added` field), if given."""
    taken = list(taken_keys) if taken_keys is not None else [e.key for e in bib.entries if e.key]
    if key is not None:
        check_key(key, taken)
    return entry_from_work(
        work_with_subtitle(work),
        categories=categories,
        taken_keys=taken,
        key=key,
        extra_fields=extra_fields,
        added=added,
    )


def check_key(key: str, taken: Sequence[str]) -> None:
    """A `--key` must be a BibTeX key (no blanks, commas, braces, quotes, `#`, `%`) and unused."""
    if not key or any(c.isspace() or c in ",{}()\"#%'=\\~" for c in key) or not key.isascii():
        raise UsageError(f"'{key}' cannot be a BibTeX key (ASCII, no blanks or , {{ }} ( ) \" # % ' = \\ ~)")
    if key.casefold() in {k.casefold() for k in taken}:
        raise UsageError(f"the key '{key}' is already used in the list; choose another with --key")


def append_entries(bib: BibFile, index: DuplicateIndex, entries: Sequence[NewEntry]) -> None:
    """Append `entries` in one batched edit (checked for duplicates first); the file is not saved."""
    text = ""
    for entry in entries:
        identity = identity_of_text(entry.text)
        refuse_duplicate(index, identity, f"'{entry.key}'")
        index.add(identity, entry.key, 0)
        text += ("\n" if text else "") + entry.text
    bib.apply([bib.plan_append(text)])
