"""A README's structure, from markdown-it's tokens: headings and candidate items, in order.

An item is a list item (with its nested items as children), a table row, an HTML `<li>` or
`<tr>`, or a loose paragraph. Which items are papers is decided later (`parse`); here only the
shape is read, with every construct's text and links kept as runs (`inline`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt
from markdown_it.token import Token

from empathy_bib.readme.inline import InlineHtml, RunBuilder, Runs, inline_runs
from empathy_bib.readme.tables import row_cells

_LIST_OPEN = frozenset({"bullet_list_open", "ordered_list_open"})
_ITEM_TAGS = frozenset({"li", "tr"})
_HEADING_TAGS = {f"h{n}": n for n in range(1, 7)}


@dataclass
class HeadingBlock:
    level: int
    runs: Runs
    line: int


@dataclass
class ItemBlock:
    runs: Runs
    line: int
    kind: str  # "item" (list item, <li>, <tr>), "row" (a Markdown table row), "loose", "quote"
    children: list[ItemBlock] = field(default_factory=list)
    cells: dict[str, Runs] = field(default_factory=dict)  # a table row's cells by role


Block = HeadingBlock | ItemBlock


# URLs that markdown-it's normalizeLink returns unchanged: ASCII with only the characters it keeps
# and valid percent escapes. Most README links are such; parsing them skips its URL parser.
_NORMAL_URL = re.compile(r"(?:[A-Za-z0-9\-._~:/?#@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


class _ReadmeMarkdown(MarkdownIt):
    def normalizeLink(self, url: str) -> str:  # markdown-it's method name
        return url if _NORMAL_URL.fullmatch(url) else super().normalizeLink(url)


def markdown_parser() -> MarkdownIt:
    """CommonMark with HTML, as GitHub renders READMEs, plus tables and strikethrough."""
    return _ReadmeMarkdown("commonmark", {"html": True}).enable(["table", "strikethrough"])


def read_blocks(tokens: Sequence[Token]) -> list[Block]:
    closes = _matching_closes(tokens)
    return _blocks(tokens, closes, 0, len(tokens), quoted=False)


def _matching_closes(tokens: Sequence[Token]) -> list[int]:
    """For each opening token, the index of its closing token (others: their own index)."""
    closes = list(range(len(tokens)))
    stack: list[int] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            stack.append(index)
        elif token.nesting == -1 and stack:
            closes[stack.pop()] = index
    return closes


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


def _blocks(tokens: Sequence[Token], closes: list[int], start: int, end: int, quoted: bool) -> list[Block]:
    out: list[Block] = []
    index = start
    while index < end:
        token = tokens[index]
        close = closes[index]
        if token.type == "heading_open":
            out.append(
                HeadingBlock(int(token.tag[1:]), inline_runs(tokens[index + 1], _line(token)), _line(token))
            )
        elif token.type in _LIST_OPEN:
            out.extend(_list_items(tokens, closes, index + 1, close))
        elif token.type == "table_open":
            out.extend(_table_rows(tokens, index, close))
        elif token.type == "paragraph_open":
            runs = inline_runs(tokens[index + 1], _line(token))
            out.append(ItemBlock(runs, _line(token), "quote" if quoted else "loose"))
        elif token.type == "blockquote_open":
            out.extend(_blocks(tokens, closes, index + 1, close, quoted=True))
        elif token.type == "html_block":
            out.extend(read_html(token.content, _line(token)))
        index = close + 1
    return out


def _list_items(tokens: Sequence[Token], closes: list[int], start: int, end: int) -> list[ItemBlock]:
    items: list[ItemBlock] = []
    index = start
    while index < end:
        token = tokens[index]
        if token.type == "list_item_open":
            inner = _blocks(tokens, closes, index + 1, closes[index], quoted=False)
            items.append(_fold_item(inner, _line(token)))
        index = closes[index] + 1
    return items


def _fold_item(inner: list[Block], line: int) -> ItemBlock:
    """A list item: its own paragraphs' runs, and its nested items as children."""
    item = ItemBlock(Runs(), line, "item")
    for block in inner:
        if not isinstance(block, ItemBlock):
            continue  # a heading inside a list item is not a section
        if block.kind in ("loose", "quote"):
            if item.runs.runs:
                item.runs.extend(_separator(block.line))
            item.runs.extend(block.runs)
            item.children.extend(block.children)
        else:
            item.children.append(block)
    return item


def _separator(line: int) -> Runs:
    builder = RunBuilder(line)
    builder.text("\n")
    return builder.out


def _table_rows(tokens: Sequence[Token], start: int, end: int) -> list[ItemBlock]:
    header: list[Runs] = []
    rows: list[tuple[int, list[Runs]]] = []
    row: list[Runs] = []
    row_line = _line(tokens[start])
    in_head = False
    for token in tokens[start:end]:
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row, row_line = [], _line(token)
        elif token.type == "inline":
            row.append(inline_runs(token, row_line))
        elif token.type == "tr_close":
            if in_head:
                header = row
            else:
                rows.append((row_line, row))
    names = [cell.plain() for cell in header]
    return [
        ItemBlock(_joined(cells, line), line, "row", cells=row_cells(names, cells)) for line, cells in rows
    ]


def _joined(cells: list[Runs], line: int) -> Runs:
    runs = Runs()
    for cell in cells:
        if runs.runs:
            runs.extend(_bar(line))
        runs.extend(cell)
    return runs


def _bar(line: int) -> Runs:
    builder = RunBuilder(line)
    builder.text(" | ")
    return builder.out


# ---------------------------------------------------------------------- HTML blocks


class _Frame:
    def __init__(self, line: int, heading: int = 0) -> None:
        self.builder = RunBuilder(line)
        self.line = line
        self.heading = heading
        self.children: list[ItemBlock] = []


class _HtmlBlocks(HTMLParser):
    """Headings (`<h1>`..`<h6>`), items (`<li>`, `<tr>`, nested ones as children) and loose text
    of one HTML block; everything else is inline markup inside them."""

    def __init__(self, line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = line
        self.out: list[Block] = []
        self.loose = _Frame(line)
        self.frames: list[_Frame] = []
        self._inline = InlineHtml(self.loose.builder)

    def _here(self) -> int:
        return self.first_line + self.getpos()[0] - 1

    def _current(self) -> RunBuilder:
        builder = self.frames[-1].builder if self.frames else self.loose.builder
        builder.line = self._here()
        self._inline.builder = builder
        return builder

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ITEM_TAGS or tag in _HEADING_TAGS:
            self.frames.append(_Frame(self._here(), _HEADING_TAGS.get(tag, 0)))
            return
        if tag == "td" or tag == "th":
            self._current().text(" | ")
            return
        self._current()
        self._inline.handle_starttag(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._current()
        self._inline.handle_startendtag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if (tag in _ITEM_TAGS or tag in _HEADING_TAGS) and self.frames:
            self._close_frame()
            return
        self._current()
        self._inline.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self._current()
        self._inline.handle_data(data)

    def _close_frame(self) -> None:
        frame = self.frames.pop()
        if frame.heading:
            self.out.append(HeadingBlock(frame.heading, frame.builder.out, frame.line))
            return
        item = ItemBlock(frame.builder.out, frame.line, "item", frame.children)
        if self.frames and not self.frames[-1].heading:
            self.frames[-1].children.append(item)
        else:
            self.out.append(item)

    def finish(self) -> list[Block]:
        self.close()
        while self.frames:
            self._close_frame()
        if self.loose.builder.out.runs:
            self.out.append(ItemBlock(self.loose.builder.out, self.loose.line, "loose"))
        return self.out


def read_html(content: str, line: int) -> list[Block]:
    reader = _HtmlBlocks(line)
    reader.feed(content)
    return reader.finish()
