"""README.md from `styles/README.md.j2`: every text from the bib escaped for Markdown and HTML.

The template lays out; this module decides what is shown and escapes it. Filters the template
uses: `md` (inline text made inert), `fence` (a code fence the BibTeX cannot close). The
taxonomy's titles, emoji and descriptions are text from a file too, escaped the same way.
"Recently added" lists the newest papers by their `added` date (`recently_added(count)`, the
count set in the template), never by the clock: the README is the same at every render.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

import jinja2

from ..record import Paper
from ..taxonomy import Category, Taxonomy
from ..text import escape_md
from .chart import build_chart
from .markdown import code_fence, unique_anchors
from .view import PaperView, newest_first

TEMPLATE = "README.md.j2"
# Headings the template writes around the generated sections, in document order; the anchors
# of all headings are computed together because GitHub numbers repeated ones.
HEADINGS_BEFORE = ("🔥 News", "🆕 Recently added", "🌟 Introduction", "📈 Papers per Year")
RECENTLY_ADDED = 10  # papers "Recently added" lists when the template names no count
HEADINGS_AFTER = ("🤝 Contributing", "🛠️ Maintaining this list", "🙌 Citation", "📄 License")


class MarkdownPaper(NamedTuple):  # immutable, and cheaper to build than a frozen dataclass
    """A paper's README pieces, escaped once (a paper in two sections is shown twice)."""

    view: PaperView  # the plain text, not escaped: the template must not print it as is
    title: str  # bold title text, escaped, ending in a full stop
    byline: str  # "*Authors.* Venue, Year. [[abs](url)] ...", escaped, links checked
    fence: str  # a backtick fence the BibTeX cannot close
    bibtex: str  # the entry, indented to sit inside the list item


@dataclass(frozen=True)
class SectionView:
    category: Category
    heading: str  # emoji and title, escaped for Markdown like a paper's title
    anchor: str  # GitHub's anchor of the heading as displayed (computed from the plain text)
    depth: int  # Markdown heading level: groups ##, sections ###, subsections ####
    bib_file: str | None  # "bib/<slug>.bib" for categories that take papers
    papers: tuple[MarkdownPaper, ...]


class SectionLink(NamedTuple):
    heading: str  # escaped like SectionView.heading
    anchor: str


class RecentPaper(NamedTuple):
    """A paper of "Recently added": its date, its README pieces, the sections it is listed in."""

    added: str  # YYYY-MM-DD
    paper: MarkdownPaper
    sections: tuple[SectionLink, ...]  # in reading order


def readme_chunks(
    env: jinja2.Environment,
    taxonomy: Taxonomy,
    by_category: Mapping[str, Sequence[Paper]],
    views: Mapping[str, PaperView],
    papers: Sequence[Paper],
    *,
    feed_url: str,
) -> Iterator[str]:
    """The README's text in pieces, as the template writes it (not yet tidied)."""
    categories = list(taxonomy)
    markdown: dict[str, MarkdownPaper] = {}
    headings = [*HEADINGS_BEFORE, *(c.heading for c in categories), *HEADINGS_AFTER]
    anchor_list = unique_anchors(headings)
    anchors = dict(zip(headings, anchor_list, strict=True))
    sections = [
        SectionView(
            category=c,
            heading=escape_md(c.heading),
            anchor=anchor_list[len(HEADINGS_BEFORE) + i],
            depth=c.level + 1,
            bib_file=f"bib/{c.slug}.bib" if c.takes_papers else None,
            papers=tuple(_markdown(views[p.key], markdown) for p in by_category.get(c.slug, ())),
        )
        for i, c in enumerate(categories)
    ]
    template = env.get_template(TEMPLATE)
    return template.generate(
        sections=sections,
        anchors=anchors,
        chart=build_chart(taxonomy, by_category),
        recently_added=_recently_added(papers, views, sections, markdown),
        feed_url=feed_url,
        total_papers=len(papers),
        total_places=sum(len(s.papers) for s in sections),
        # Passed with the render, not as an environment global: the environment and its
        # templates form a reference cycle, which would keep every view alive until a
        # collection (about 0.1 s spent at exit on 10,000 entries).
        paper=views.get,
    )


def _recently_added(
    papers: Sequence[Paper],
    views: Mapping[str, PaperView],
    sections: Sequence[SectionView],
    done: dict[str, MarkdownPaper],
) -> Callable[[int], list[RecentPaper]]:
    """`recently_added(count)` for the template: the `count` papers with the newest `added` dates
    (ties by key), each with links to its sections' headings. Papers without `added` are left out."""
    links = {s.category.slug: SectionLink(s.heading, s.anchor) for s in sections}

    def recently_added(count: int = RECENTLY_ADDED) -> list[RecentPaper]:
        dated = (p for p in newest_first(papers) if p.added is not None)
        return [
            RecentPaper(
                paper.added.isoformat() if paper.added else "",
                _markdown(views[paper.key], done),
                tuple(links[slug] for slug in views[paper.key].categories if slug in links),
            )
            for paper in islice(dated, max(count, 0))
        ]

    return recently_added


def _markdown(view: PaperView, done: dict[str, MarkdownPaper]) -> MarkdownPaper:
    cached = done.get(view.key)
    if cached is None:
        cached = done[view.key] = markdown_paper(view)
    return cached


def markdown_paper(view: PaperView) -> MarkdownPaper:
    return MarkdownPaper(
        view=view,
        title=_sentence_end(escape_md(view.title)),
        byline=byline(view),
        fence=code_fence(view.bibtex),
        bibtex=_indent_block(view.bibtex, "   "),
    )


def register_filters(env: jinja2.Environment) -> None:
    env.filters["md"] = escape_md
    env.filters["fence"] = code_fence
    env.filters["indent_block"] = _indent_block
    env.filters["byline"] = byline
    env.filters["sentence_end"] = _sentence_end


def byline(paper: PaperView) -> str:
    """`*Authors.* Venue, Year. [[abs](url)] [[pdf](url)]`: every piece escaped, links checked."""
    parts = [f"*{_sentence_end(escape_md(paper.authors))}*"] if paper.authors else []
    where = _where(paper.venue, paper.year)
    if where:
        parts.append(where)
    parts.extend([f"[[{label}]({url})]" for label, url in paper.links])
    return " ".join(parts)


@lru_cache(maxsize=4096)
def _where(venue: str, year: str) -> str:
    """`Venue, Year.`, escaped ("" for neither): a long list repeats a few hundred of them."""
    where = ", ".join(x for x in (escape_md(venue), year) if x)
    return _sentence_end(where) if where else ""


def _sentence_end(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


_NONEMPTY_LINE = re.compile(r"^(?=[^\n])", re.MULTILINE)


def _indent_block(text: str, prefix: str) -> str:
    """`prefix` before every line that is not empty."""
    if text and "\n\n" not in text and text[0] != "\n" and text[-1] != "\n":  # no empty line
        return prefix + text.replace("\n", "\n" + prefix)
    return _NONEMPTY_LINE.sub(prefix.replace("\\", "\\\\"), text)
