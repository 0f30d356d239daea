"""Adding categories to `styles/categories.toml` by text: a README's headings become categories.

The file is edited, never rewritten: new `[[group]]`, `[[group.section]]` and
`[[group.section.subsection]]` blocks are inserted where TOML files them (a section at the end
of its group's tables, a group at the end of the file), in the file's own format, so its
comments and every other byte stay. The result is loaded with `taxonomy.taxonomy_from_text`
before anyone writes it.

Headings map to levels as the taxonomy allows (groups take no papers; sections and subsections
without subsections do): a README whose paper headings sit directly under the title gets one
group, "Papers"; headings nested deeper than three levels are folded into their third-level
ancestor; papers directly under a heading that also has paper-holding sub-headings go to a
"(general)" child. Each such decision is a note for the report.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UsageError
from .taxonomy import SLUG_RE, Category, Taxonomy, taxonomy_from_text
from .text import fold

MAX_DEPTH = 3  # group, section, subsection
_TABLES = ("group", "group.section", "group.section.subsection")
_HEADER = re.compile(
    r"^[ \t]*\[\[[ \t]*(group(?:\.section(?:\.subsection)?)?)[ \t]*\]\][ \t]*(?:#.*)?$", re.M
)
DEFAULT_GROUP = ("Papers", "")  # title, emoji of the group made for top-level paper headings
FILE_HEADER = (
    "# The list's taxonomy: groups, sections and subsections, in the order the README shows them.\n"
    "# A paper's `keywords` name the slugs of its categories; only categories without\n"
    "# subsections take papers. Slugs are stable: never rename one.\n"
)


def slug_of(title: str, taken: set[str] | None = None) -> str:
    """A slug `taxonomy.SLUG_RE` accepts: the folded title's letters and digits joined by `-`."""
    base = "-".join(re.findall(r"[a-z0-9]+", fold(title))) or "section"
    slug, n = base, 2
    while taken is not None and slug in taken:
        slug, n = f"{base}-{n}", n + 1
    assert SLUG_RE.fullmatch(slug)
    return slug


# ---------------------------------------------------------------------- the headings' tree


@dataclass
class _Node:
    title: str
    emoji: str
    key: tuple[str, ...]  # the casefolded titles from the top: how paper paths find it
    children: dict[str, _Node] = field(default_factory=dict)
    holds_papers: bool = False
    general: _Node | None = None  # the child that takes the papers written directly under it
    slug: str = ""

    def child(self, title: str, emoji: str) -> _Node:
        folded = title.casefold()
        return self.children.setdefault(folded, _Node(title, emoji, (*self.key, folded)))


@dataclass(frozen=True)
class HeadingPath:
    """Where a paper sits: its heading's titles (outermost first) with their emoji."""

    titles: tuple[str, ...]
    emoji: tuple[str, ...]


@dataclass
class TaxonomyPlan:
    """The categories a README's headings map to: the slug of each heading path, the new text."""

    slugs: dict[tuple[str, ...], str]
    text: str
    taxonomy: Taxonomy
    added: list[str]  # new slugs, in file order
    notes: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.added)


def plan_categories(paths: Sequence[HeadingPath], taxonomy: Taxonomy, text: str, path: Path) -> TaxonomyPlan:
    """Match every heading path to a category (by title or slug), adding the missing ones."""
    notes: list[str] = []
    root = _Node("", "", ())
    leaf_of: dict[tuple[str, ...], tuple[str, ...]] = {}
    trimmed = _trim_common_title(paths)
    groups = {t[0].casefold() for t, _ in trimmed if len(t) > 1}  # top headings with sub-headings
    for original, (titles, emoji) in zip(paths, trimmed, strict=True):
        if len(titles) == 1 and titles[0].casefold() in groups:
            pass  # a group holding papers itself: they go to its "(general)" section, below
        elif len(titles) == 1 and titles[0].casefold() == DEFAULT_GROUP[0].casefold():
            titles, emoji = (titles[0], "General"), (emoji[0], "")  # not "Papers" inside "Papers"
        elif len(titles) <= 1:  # a top-level heading holding papers is a section of a made-up group
            titles, emoji = (DEFAULT_GROUP[0], *titles), (DEFAULT_GROUP[1], *emoji)
        if len(titles) > MAX_DEPTH:
            notes.append(
                f"'{' > '.join(titles)}' is nested deeper than {MAX_DEPTH} levels: "
                f"its papers go to '{titles[MAX_DEPTH - 1]}'"
            )
            titles, emoji = titles[:MAX_DEPTH], emoji[:MAX_DEPTH]
        node = root
        for title, mark in zip(titles, emoji, strict=True):
            node = node.child(title, mark)
        node.holds_papers = True
        leaf_of[original.titles] = node.key
    for group in root.children.values():
        _add_general_children(group, notes, top=True)
    editor = _Editor(text, taxonomy, path)
    for group in root.children.values():
        editor.place(group, None, 1, notes)
    slugs = {heading: editor.keys[key] for heading, key in leaf_of.items()}
    new_text = editor.result()
    checked = taxonomy_from_text(new_text, path) if editor.added else taxonomy
    return TaxonomyPlan(slugs, new_text, checked, editor.added, notes)


def _trim_common_title(paths: Sequence[HeadingPath]) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Drop the document's title heading: the one heading every paper heading sits under."""
    pairs = [(p.titles, p.emoji) for p in paths]
    if pairs and all(len(t) > 1 for t, _ in pairs) and len({t[0].casefold() for t, _ in pairs}) == 1:
        return [(t[1:], e[1:]) for t, e in pairs]
    return pairs


def _add_general_children(node: _Node, notes: list[str], top: bool = False) -> None:
    """Papers directly under a heading with paper-holding sub-headings (or under a group): a
    "(general)" child takes them, since such categories take no papers."""
    for child in list(node.children.values()):
        _add_general_children(child, notes)
    if node.holds_papers and (node.children or top):
        title = f"{node.title} (general)"
        node.general = node.child(title, node.emoji)
        node.general.holds_papers = True
        node.holds_papers = False
        notes.append(f"papers directly under '{node.title}' go to its category '{title}'")


# ---------------------------------------------------------------------- the file's text


class _Editor:
    """Places the tree's nodes in the taxonomy: existing ones by title or slug, new ones inserted."""

    def __init__(self, text: str, taxonomy: Taxonomy, path: Path) -> None:
        self.text = text if not text or text.endswith("\n") else text + "\n"
        self.taxonomy = taxonomy
        self.path = path
        self.order = list(taxonomy)
        self.starts = self._header_starts()
        self.taken = {c.slug for c in self.order}
        self.inserts: dict[int, list[str]] = {}
        self.added: list[str] = []
        self.keys: dict[tuple[str, ...], str] = {}  # node key -> the slug its papers get

    def _header_starts(self) -> list[int]:
        headers = list(_HEADER.finditer(self.text))
        levels = [_TABLES.index(m.group(1)) + 1 for m in headers]
        if levels != [c.level for c in self.order]:
            raise UsageError(
                "cannot add categories: the file is not written as [[group]] / [[group.section]] / "
                "[[group.section.subsection]] tables, one per category",
                path=self.path,
            )
        return [m.start() for m in headers]

    def place(self, node: _Node, parent: Category | None, level: int, notes: list[str]) -> None:
        """Match `node` (under an existing `parent`, or at the top) or insert it with its subtree."""
        existing = self._existing(node, parent.slug if parent else None, parent.level if parent else 0)
        if existing is not None:
            self._assign(node, existing.slug)
            if node.holds_papers and not existing.takes_papers:
                notes.append(f"'{node.title}' matches category '{existing.slug}', which takes no papers")
            for child in node.children.values():
                self.place(child, existing, existing.level + 1, notes)
            self._to_general(node)
        elif parent is not None and parent.takes_papers:
            notes.append(f"'{node.title}' would go under '{parent.slug}', which holds papers: folded into it")
            self._assign_all(node, parent.slug)
        else:
            at = len(self.text) if parent is None else self._end_of(parent)
            self.inserts.setdefault(at, []).append(self._blocks(node, level))

    def _existing(self, node: _Node, parent: str | None, floor: int) -> Category | None:
        """The category `node` already is: same title (else same slug), deeper than its parent
        (a heading "Papers" under a group "Papers" is not that group); under the same parent first."""
        title, slug = node.title.casefold(), slug_of(node.title)
        found = [c for c in self.order if c.level > floor and (c.title.casefold() == title or c.slug == slug)]
        found.sort(key=lambda c: (c.parent != parent, c.title.casefold() != title))
        return found[0] if found else None

    def _assign(self, node: _Node, slug: str) -> None:
        node.slug = slug
        self.keys[node.key] = slug

    def _to_general(self, node: _Node) -> None:
        """Papers written directly under `node` go to its "(general)" child, once that is placed."""
        if node.general is not None:
            self.keys[node.key] = self.keys[node.general.key]

    def _assign_all(self, node: _Node, slug: str) -> None:
        self.keys[node.key] = slug
        for child in node.children.values():
            self._assign_all(child, slug)

    def _blocks(self, node: _Node, level: int) -> str:
        """The TOML tables of a new `node` and its subtree (children matched elsewhere excepted)."""
        node.slug = slug_of(node.title, self.taken)
        self.taken.add(node.slug)
        self.keys[node.key] = node.slug
        self.added.append(node.slug)
        lines = ["", f"[[{_TABLES[level - 1]}]]", f"slug = {_toml_string(node.slug)}"]
        lines.append(f"title = {_toml_string(node.title)}")
        if node.emoji:
            lines.append(f"emoji = {_toml_string(node.emoji)}")
        block = "\n".join(lines) + "\n"
        for child in node.children.values():
            existing = self._existing(child, node.slug, level)
            if existing is not None and existing.takes_papers:
                self._assign_all(child, existing.slug)  # already filed elsewhere: reuse it
            else:
                block += self._blocks(child, level + 1)
        self._to_general(node)
        return block

    def _end_of(self, category: Category) -> int:
        """Where `category`'s tables end: before the next category's header and its comments."""
        index = self.order.index(category)
        following = index + 1 + len(category.descendants())
        if following >= len(self.order):
            return len(self.text)
        at = self.starts[following]
        while at > 0:
            line_start = self.text.rfind("\n", 0, at - 1) + 1
            line = self.text[line_start : at - 1].strip()
            if line and not line.startswith("#"):
                break
            at = line_start
        return at

    def result(self) -> str:
        text = self.text
        for at in sorted(self.inserts, reverse=True):
            text = text[:at] + "".join(self.inserts[at]) + text[at:]
        if self.added and not self.order and not text.lstrip().startswith("#"):
            text = FILE_HEADER + text
        return text


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL is escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
