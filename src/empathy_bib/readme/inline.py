"""Inline content as runs: text with its emphasis, the link it sits in, images (badges).

Markdown inline tokens (markdown-it) and inline HTML (`<a href>`, `<img>`, `<b>`, `<i>`...,
read with html.parser) drive the same builder, so a paper item reads the same whichever way its
author wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it.token import Token

_BOLD_TAGS = frozenset({"b", "strong"})
_ITALIC_TAGS = frozenset({"i", "em", "cite"})
_CODE_TAGS = frozenset({"code", "kbd", "tt"})
_BREAK_TAGS = frozenset({"br", "hr"})
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


@dataclass(frozen=True)
class Run:
    """A piece of inline text with what surrounds it; an image's text is its alt text."""

    text: str
    line: int
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: int | None = None  # which link (an index into the builder's links) it sits in
    image: str | None = None  # the image's src, when this run is an image


@dataclass(frozen=True)
class LinkTarget:
    url: str
    line: int


@dataclass
class Runs:
    """Runs of one block (an item's paragraphs, a table cell, a heading) and their links."""

    runs: list[Run] = field(default_factory=list)
    links: list[LinkTarget] = field(default_factory=list)

    def extend(self, other: Runs) -> None:
        offset = len(self.links)
        self.links.extend(other.links)
        for run in other.runs:
            link = None if run.link is None else run.link + offset
            self.runs.append(Run(run.text, run.line, run.bold, run.italic, run.code, link, run.image))

    def plain(self) -> str:
        return "".join(r.text for r in self.runs if r.image is None)


class RunBuilder:
    """Collects runs while markdown tokens or HTML tags open and close emphasis and links."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.out = Runs()
        self._bold = 0
        self._italic = 0
        self._code = 0
        self._link_stack: list[int | None] = []

    @property
    def _link(self) -> int | None:
        return self._link_stack[-1] if self._link_stack else None

    def text(self, text: str, code: bool = False) -> None:
        if text:
            self.out.runs.append(
                Run(text, self.line, self._bold > 0, self._italic > 0, code or self._code > 0, self._link)
            )

    def image(self, src: str, alt: str) -> None:
        self.out.runs.append(Run(alt, self.line, self._bold > 0, self._italic > 0, False, self._link, src))

    def newline(self, count: int = 1) -> None:
        self.text(" ")
        self.line += count

    def open_link(self, href: str | None) -> None:
        if href is None:
            self._link_stack.append(self._link)  # an anchor without href: no new link
            return
        self.out.links.append(LinkTarget(href.strip(), self.line))
        self._link_stack.append(len(self.out.links) - 1)

    def close_link(self) -> None:
        if self._link_stack:
            self._link_stack.pop()

    def emphasis(self, kind: str, opening: bool) -> None:
        step = 1 if opening else -1
        if kind == "bold":
            self._bold = max(0, self._bold + step)
        elif kind == "italic":
            self._italic = max(0, self._italic + step)
        else:
            self._code = max(0, self._code + step)

    def tag(self, tag: str, attrs: dict[str, str | None], opening: bool, closing: bool) -> None:
        """One HTML tag: `<a href>`, `<img>`, emphasis and breaks; other tags only separate text."""
        if tag == "a":
            if opening:
                self.open_link(attrs.get("href"))
            if closing:
                self.close_link()
        elif tag == "img" and opening:
            self.image((attrs.get("src") or "").strip(), attrs.get("alt") or attrs.get("title") or "")
        elif tag in _BOLD_TAGS or tag in _ITALIC_TAGS or tag in _CODE_TAGS:
            kind = "bold" if tag in _BOLD_TAGS else "italic" if tag in _ITALIC_TAGS else "code"
            if opening:
                self.emphasis(kind, True)
            if closing:
                self.emphasis(kind, False)
        elif tag in _BREAK_TAGS or (opening and tag not in ("span", "sup", "sub", "font", "u", "s")):
            self.text(" ")


class InlineHtml(HTMLParser):
    """Feeds the tags and text of inline HTML into a RunBuilder."""

    def __init__(self, builder: RunBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        self.builder.tag(tag, dict(attrs), True, tag == "img" or tag in _BREAK_TAGS)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.builder.tag(tag, dict(attrs), True, True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        self.builder.tag(tag, {}, False, True)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.builder.text(data)


def inline_runs(token: Token, line: int, builder: RunBuilder | None = None) -> Runs:
    """The runs of a markdown-it `inline` token whose block starts at 1-based `line`."""
    builder = builder or RunBuilder(line)
    builder.line = line
    html = InlineHtml(builder)
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            builder.text(child.content)
        elif kind == "code_inline":
            builder.text(child.content, code=True)
        elif kind in ("softbreak", "hardbreak"):
            builder.newline()
        elif kind == "link_open":
            builder.open_link(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            builder.close_link()
        elif kind == "image":
            builder.image(str(child.attrs.get("src", "")), child.content)
        elif kind in ("strong_open", "strong_close"):
            builder.emphasis("bold", kind == "strong_open")
        elif kind in ("em_open", "em_close"):
            builder.emphasis("italic", kind == "em_open")
        elif kind in ("s_open", "s_close"):
            continue
        elif kind == "html_inline":
            html.feed(child.content)  # each html_inline token is a whole tag: nothing stays buffered
        else:
            builder.text(child.content)
    return builder.out
