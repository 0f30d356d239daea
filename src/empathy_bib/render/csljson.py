"""BibTeX to CSL-JSON, from the `Paper` model, following pandoc's BibTeX reader.

- titles in sentence case (a capitalised word is lower-cased unless it starts the title or a
  subtitle); brace-protected spans are kept as `<span class="nocase">` so no style recases them;
- other text is LaTeX decoded to Unicode; names are split on the raw LaTeX (pybtex) before
  decoding, with the von part as `non-dropping-particle`, `Jr.`/`III` as `suffix`;
- `pages` `--` becomes an en dash; dates are `issued.date-parts` with the month when known;
- arXiv preprints keep their id (`number`, `publisher` = arXiv) and their `URL`.

citeproc-py's own BibTeX reader is not used: it aborts on `\\url{}`/`\\emph{}`, drops `url` and
`eprint`, and mangles protected titles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from ..record import Author, Paper
from ..text import Span, protected_spans, to_unicode
from .chunks import to_bytes

CslItem = dict[str, Any]

# BibTeX/biblatex entry types -> CSL types. An entry type not here has no template: validate
# reports it (E311, check.fields.SUPPORTED_TYPES), so render refuses it.
CSL_TYPES: dict[str, str] = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "misc": "article",  # CSL "article": a preprint or working paper, what @misc holds in this list
    "preprint": "article",
    "online": "webpage",
    "manual": "book",
    "booklet": "pamphlet",
}

_GENRES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
_WORDS_AND_GAPS = re.compile(r"(\S+)")
_SUBTITLE_END = (":", "?", "!", ".")


def to_csl(paper: Paper) -> CslItem:
    """One CSL-JSON item; keys absent from the entry are left out."""
    item: CslItem = {"id": paper.key, "type": CSL_TYPES.get(paper.entry_type, "article")}
    if paper.get("title"):
        item["title"] = rich_text(paper.title_spans, sentence_case=True)
    _add_names(item, "author", paper.authors)
    _add_names(item, "editor", paper.editors)
    _add_date(item, paper)
    _add_container(item, paper)
    _add_plain(item, paper)
    _add_identifiers(item, paper)
    return item


def csl_json_bytes(papers: Iterable[Paper]) -> bytes:
    """The whole list as a CSL-JSON file: one item a line (diffs stay readable), sorted keys."""
    return to_bytes(csl_json_chunks(papers))


def csl_json_chunks(papers: Iterable[Paper]) -> Iterator[str]:
    """`csl_json_bytes` in pieces, one item at a time.

    Without `indent`, json uses its C encoder: several times faster on 10,000 entries. The items
    hold no reference cycles (dicts, lists and strings made for them), so none is looked for.
    """
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True, check_circular=False).encode
    separator = "[\n"
    for paper in papers:
        yield separator
        yield encode(to_csl(paper))
        separator = ",\n"
    yield "[]\n" if separator == "[\n" else "\n]\n"


# ---------------------------------------------------------------------- text


def rich_text(spans: list[Span], *, sentence_case: bool = False) -> str:
    """CSL rich text: protected spans in `<span class="nocase">`, the rest optionally sentence-cased."""
    parts: list[str] = []
    at_start = True  # the next word starts the title or a subtitle: its capital stays
    for span in spans:
        if span.protected:
            if span.text.strip():
                parts.append(f'<span class="nocase">{span.text}</span>')
                at_start = span.text.rstrip().endswith(_SUBTITLE_END)
            else:
                parts.append(span.text)
            continue
        text = span.text
        if sentence_case:
            text, at_start = _sentence_case(text, at_start)
        parts.append(text)
    return " ".join("".join(parts).split())  # blanks collapsed, ends trimmed


def _sentence_case(text: str, at_start: bool) -> tuple[str, bool]:
    pieces = _WORDS_AND_GAPS.split(text)  # blank, word, blank, ..., word, blank
    for i in range(1, len(pieces), 2):
        pieces[i], at_start = _sentence_case_word(pieces[i], at_start)
    return "".join(pieces), at_start


@lru_cache(maxsize=65536)
def _sentence_case_word(word: str, at_start: bool) -> tuple[str, bool]:
    """The word as written in sentence case, and whether the next word starts a (sub)title.

    Titles share most of their words, so each word is judged once per position.
    """
    starts_next = (word.endswith(_SUBTITLE_END) and len(word) > 1) or word in (":", "?", "!")
    return _lower_if_capitalised(word, keep_first=at_start), starts_next


def _lower_if_capitalised(word: str, *, keep_first: bool = False) -> str:
    """`Dialogue` -> `dialogue`, `Cause-Aware` -> `cause-aware`; `LLMs`, `ChatGPT`, `LLM-powered` keep theirs.

    As pandoc does, each hyphen-separated part is judged alone: only a capital followed by
    lower-case letters is lowered, since other capitals are acronyms or names.
    """
    parts = word.split("-")
    lowered = [_lower_part(part) for part in parts]
    if keep_first:  # the first word of a title or subtitle keeps its capital
        lowered[0] = parts[0]
    return "-".join(lowered)


def _lower_part(part: str) -> str:
    letters = [c for c in part if c.isalpha()]
    if not letters or not letters[0].isupper() or any(c.isupper() for c in letters[1:]):
        return part
    return part.lower()


def _plain(value: str | None) -> str | None:
    if value is None:
        return None
    text = to_unicode(value)
    return text or None


# ---------------------------------------------------------------------- names and dates


def _add_names(item: CslItem, role: str, names: tuple[Author, ...]) -> None:
    if names:
        item[role] = [csl_name(a) for a in names]


def csl_name(author: Author) -> dict[str, str]:
    if author.literal:
        return {"literal": author.family}
    name: dict[str, str] = {}
    if author.given:
        name["given"] = author.given
    if author.von:
        name["non-dropping-particle"] = author.von
    name["family"] = author.last or author.family
    if author.suffix:
        name["suffix"] = author.suffix
    return name


def _add_date(item: CslItem, paper: Paper) -> None:
    if paper.year is None:
        return
    parts = [paper.year] if paper.month is None else [paper.year, paper.month]
    item["issued"] = {"date-parts": [parts]}


# ---------------------------------------------------------------------- other fields


def _add_container(item: CslItem, paper: Paper) -> None:
    fields = paper.fields
    for name in ("journal", "journaltitle", "booktitle"):
        value = fields.get(name)
        if value:
            item["container-title"] = _container_title(value)
            return


@lru_cache(maxsize=4096)
def _container_title(value: str) -> str:
    """Journals and proceedings repeat across a list: each is converted once."""
    return rich_text(protected_spans(value))


_PLAIN_FIELDS = {
    "publisher": "publisher",
    "address": "publisher-place",
    "location": "publisher-place",
    "volume": "volume",
    "edition": "edition",
    "series": "collection-title",
    "isbn": "ISBN",
    "issn": "ISSN",
    "note": "note",
    "school": "publisher",
    "institution": "publisher",
    "organization": "publisher",
    "howpublished": "medium",
    "keywords": "keyword",
}


_PAGE_DASH = re.compile(r"\s*-{1,3}\s*")


def _add_plain(item: CslItem, paper: Paper) -> None:
    fields = paper.fields  # read directly: `paper.get` per name was most of this function's time
    for bib_name, csl_key in _PLAIN_FIELDS.items():
        raw = fields.get(bib_name)
        if raw is None or csl_key in item or not raw.strip():
            continue
        value = to_unicode(raw)
        if value:
            item[csl_key] = value
    pages = fields.get("pages")
    if pages:
        item["page"] = _PAGE_DASH.sub("–", to_unicode(pages.replace("--", "-")))
    number = _plain(fields.get("number"))
    if number:
        item["issue" if paper.entry_type == "article" else "number"] = number
    if paper.entry_type in _GENRES:
        item["genre"] = _GENRES[paper.entry_type]


def _add_identifiers(item: CslItem, paper: Paper) -> None:
    if paper.doi:
        item["DOI"] = paper.doi
    links = paper.links
    if links.landing:  # made from `url` only
        item["URL"] = links.landing
    elif links.arxiv:
        item["URL"] = links.arxiv
    if paper.arxiv_id and paper.is_preprint:
        # Zotero's shape for a preprint, bare id: APA prints "(2408.04638). arXiv.", IEEE "arXiv: 2408.04638".
        # No `archive`: IEEE would print "arXiv: arXiv:2408.04638".
        item["number"] = paper.arxiv_id
        item.setdefault("publisher", "arXiv")
