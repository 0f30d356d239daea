"""The README reader's entry point: sections, paper items, and the paper links left out.

A paper is an item (list item, table row, HTML `<li>`/`<tr>`) with a paper link, or with a title
and a venue. Nested items belong to their parent paper unless they are titled papers of their
own. Sections such as News, Contributing, Citation, Star History or a table of contents hold no
papers: their paper links are reported as skipped, like every paper link outside an item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from empathy_bib import ids
from empathy_bib.readme.blocks import Block, HeadingBlock, ItemBlock, markdown_parser, read_blocks
from empathy_bib.readme.clean import split_emoji, squash, strip_emoji
from empathy_bib.readme.fields import Fields, cell_venue, pieces, plain_names, read_fields, year_of
from empathy_bib.readme.items import Heading, Link, ReadmeDocument, ReadmePaper, Skipped
from empathy_bib.readme.links import YEAR_RE, item_links

_PARSER = markdown_parser()
_SECTION_WORDS = (
    r"(?:(?:latest|recent)\s+)?(?:news|updates?|what'?s new|change ?log|contributing|contributors?|"
    r"contributions?|how to contribute|citations?|cite|citing|how to cite|cite us|bibtex|"
    r"star history|stargazers?|stars|"
    r"table of contents?|contents|toc|licen[sc]e|acknowledge?ments?|contact|community|todo|to do|format)"
)
# A heading that is only such words ("News", "News & Updates", "Star History"), not "News Recommendation".
_NON_PAPER_SECTION = re.compile(
    rf"^{_SECTION_WORDS}(?:\s*(?:&|and|/|,)\s*{_SECTION_WORDS})*\W*$", re.IGNORECASE
)
_FIRST_IDS = ("doi", "arxiv", "anthology")


@dataclass
class _Candidate:
    block: ItemBlock
    fields: Fields
    links: list[Link]
    ids: dict[str, str] = field(default_factory=dict)
    conflicts: list[Link] = field(default_factory=list)

    @property
    def is_paper(self) -> bool:
        return bool(self.ids) or bool(self.fields.title and self.fields.venue)


def read_readme(text: str) -> ReadmeDocument:
    """The papers, headings and skipped paper links of an awesome-list README."""
    reader = _Reader()
    reader.read(read_blocks(_PARSER.parse(text)))
    return reader.document


class _Reader:
    def __init__(self) -> None:
        self.document = ReadmeDocument()
        self.stack: list[Heading] = []
        self.skip_reason = ""
        self._holding: set[Heading] = set()

    def read(self, blocks: list[Block]) -> None:
        headings = [b for b in blocks if isinstance(b, HeadingBlock)]
        title_block = headings[0] if headings and [h.level for h in headings].count(1) == 1 else None
        if title_block is not None and title_block.level != 1:
            title_block = None
        for block in blocks:
            if isinstance(block, HeadingBlock):
                self._skip_links(ItemBlock(block.runs, block.line, "loose"), "in a heading")
                if block is not title_block:
                    self._enter(block)
            elif block.kind in ("item", "row") or (block.kind == "loose" and _starts_like_an_item(block)):
                self._item(block)
            else:
                self._skip_links(block, "outside any list item or table row")
        self.document.headings = sorted(self._holding, key=lambda h: h.line)

    def _enter(self, block: HeadingBlock) -> None:
        emoji, title = split_emoji(squash(block.runs.plain()))
        title = squash(strip_emoji(title)).strip(" #:")
        while self.stack and self.stack[-1].level >= block.level:
            self.stack.pop()
        path = (*(h.title for h in self.stack), title)
        heading = Heading(block.level, title, emoji, block.line, path)
        self.stack.append(heading)
        closed = next((h.title for h in self.stack if _NON_PAPER_SECTION.match(h.title)), "")
        self.skip_reason = f"in the '{closed}' section, which lists no papers" if closed else ""

    def _item(self, block: ItemBlock) -> None:
        if self.skip_reason:
            self._skip_links(block, self.skip_reason)
            return
        candidate = _candidate(block)
        if not candidate.is_paper:  # it has no paper link of its own: its nested items may be papers
            for child in block.children:
                self._item(child)
            return
        for child in block.children:
            child_candidate = _candidate(child)
            if (
                child_candidate.is_paper
                and child_candidate.fields.title
                and _differs(child_candidate, candidate)
            ):
                self._item(child)
            else:
                _absorb(candidate, child_candidate)
        self._add(candidate)

    def _add(self, candidate: _Candidate) -> None:
        heading = self.stack[-1] if self.stack else None
        if heading is not None:
            self._holding.update(h for h in self.stack)
        found = candidate.ids
        fields = candidate.fields
        year = fields.year or year_of("", found.get("arxiv"), found.get("anthology"))
        code = next((link.url for link in candidate.links if link.kind == "code"), None)
        self.document.papers.append(
            ReadmePaper(
                line=candidate.block.line,
                title=fields.title,
                authors=fields.authors,
                venue=fields.venue,
                year=year,
                links=tuple(candidate.links),
                doi=found.get("doi"),
                arxiv_id=found.get("arxiv"),
                anthology_id=found.get("anthology"),
                other_ids={k: v for k, v in found.items() if k not in _FIRST_IDS},
                code=code,
                heading=heading,
            )
        )
        for link in candidate.conflicts:
            self.document.skipped.append(
                Skipped(link.line, "names another paper than the item's first link of its kind", link.url)
            )

    def _skip_links(self, block: ItemBlock, reason: str) -> None:
        for link in item_links(block.runs):
            if link.kind == "paper":
                self.document.skipped.append(Skipped(link.line, reason, link.url))
        for child in block.children:
            self._skip_links(child, reason)


def _starts_like_an_item(block: ItemBlock) -> bool:
    """A paragraph outside a list that opens with a bold title or a link, as some lists write papers."""
    first = next((p for p in pieces(block.runs) if strip_emoji(p.text).strip() or p.kind == "link"), None)
    return first is not None and first.kind in ("bold", "link")


def _candidate(block: ItemBlock) -> _Candidate:
    links = item_links(block.runs)
    found, conflicts = _merge_ids(links)
    paper_indexes = {i for i, target in enumerate(block.runs.links) if ids.is_paper_url(target.url)}
    if block.kind == "row":
        fields = _row_fields(block, found.get("arxiv"))
    else:
        fields = read_fields(block.runs, paper_indexes, found.get("arxiv"))
    return _Candidate(block, fields, links, found, conflicts)


def _row_fields(block: ItemBlock, arxiv_id: str | None) -> Fields:
    title_cell = block.cells.get("title", block.runs)
    indexes = {i for i, target in enumerate(title_cell.links) if ids.is_paper_url(target.url)}
    fields = read_fields(title_cell, indexes, arxiv_id)
    if "authors" in block.cells:
        fields.authors = plain_names(block.cells["authors"]) or fields.authors
    if "venue" in block.cells:
        fields.venue = cell_venue(block.cells["venue"]) or fields.venue
    date_year = YEAR_RE.search(block.cells["date"].plain()) if "date" in block.cells else None
    fields.year = (
        year_of(fields.venue, None) or (int(date_year.group(1)) if date_year else None) or fields.year
    )
    return fields


def _merge_ids(links: list[Link]) -> tuple[dict[str, str], list[Link]]:
    """The item's identifiers, the first link of each scheme winning; later links naming another
    paper under the same scheme are conflicts."""
    found: dict[str, str] = {}
    conflicts: list[Link] = []
    for link in links:
        if link.kind != "paper":
            continue
        for scheme, value in ids.paper_ids_from_url(link.url).items():
            if scheme not in found:
                found[scheme] = value
            elif found[scheme].lower() != value.lower() and link not in conflicts:
                conflicts.append(link)
    return found, conflicts


def _differs(child: _Candidate, parent: _Candidate) -> bool:
    """A nested titled paper with identifiers of its own is a paper of its own."""
    shared = set(child.ids) & set(parent.ids)
    return bool(child.ids) and (
        not shared or any(child.ids[s].lower() != parent.ids[s].lower() for s in shared)
    )


def _absorb(parent: _Candidate, child: _Candidate) -> None:
    """A nested item that belongs to its parent paper: its links, and the authors or venue the
    parent lacks."""
    parent.links.extend(child.links)
    merged, conflicts = _merge_ids(parent.links)
    parent.ids, parent.conflicts = merged, conflicts
    if not parent.fields.authors:
        parent.fields.authors = child.fields.authors or plain_names(child.block.runs)
    if not parent.fields.venue and child.fields.venue:
        parent.fields.venue = child.fields.venue
        parent.fields.year = parent.fields.year or child.fields.year
