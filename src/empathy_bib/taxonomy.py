"""The list's taxonomy (`styles/categories.toml`): groups, sections and subsections, in order.

The renderer, the validator and `add` all read it from here; nothing else names a category.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import TaxonomyError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # use with fullmatch: `$` accepts a final newline
_LEVEL_KEYS = ("group", "section", "subsection")


@dataclass(frozen=True)
class Category:
    slug: str
    title: str
    emoji: str
    description: str
    level: int  # 1 group, 2 section, 3 subsection
    parent: str | None
    children: tuple[Category, ...] = field(default=())

    @property
    def takes_papers(self) -> bool:
        """Papers belong to sections and subsections that have no subsections of their own."""
        return self.level > 1 and not self.children

    @property
    def heading(self) -> str:
        return f"{self.emoji} {self.title}".strip()

    def descendants(self) -> list[Category]:
        """Every category below this one, depth first, in the file's order."""
        found: list[Category] = []
        for child in self.children:
            found.append(child)
            found.extend(child.descendants())
        return found


@dataclass(frozen=True)
class Taxonomy:
    groups: tuple[Category, ...]
    path: Path | None = None

    def __iter__(self) -> Iterator[Category]:
        """Every category, depth first, in the file's order."""

        def walk(cats: tuple[Category, ...]) -> Iterator[Category]:
            for c in cats:
                yield c
                yield from walk(c.children)

        return walk(self.groups)

    @property
    def by_slug(self) -> dict[str, Category]:
        return {c.slug: c for c in self}

    @property
    def paper_categories(self) -> list[Category]:
        """The categories a paper can be filed under, in order."""
        return [c for c in self if c.takes_papers]

    @property
    def paper_slugs(self) -> list[str]:
        return [c.slug for c in self.paper_categories]

    def get(self, slug: str) -> Category | None:
        return self.by_slug.get(slug)

    def by_title(self, title: str) -> Category | None:
        folded = title.strip().casefold()
        for c in self:
            if c.title.casefold() == folded:
                return c
        return None

    def order(self, slug: str) -> int:
        """Position of a category in reading order, for sorting."""
        for i, c in enumerate(self):
            if c.slug == slug:
                return i
        return len(self.by_slug)


def load_taxonomy(path: str | Path) -> Taxonomy:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaxonomyError("taxonomy file not found", path=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"cannot read taxonomy: {exc}", path=p) from None
    return taxonomy_from_text(text, p)


def taxonomy_from_text(text: str, p: Path) -> Taxonomy:
    """The taxonomy `text` (the contents of `p`) describes; `TaxonomyError` naming `p` otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"invalid TOML: {exc}", path=p) from None
    groups = tuple(_categories(data.get("group"), level=1, parent=None, where=_Where(p, text)))
    if not groups:
        raise TaxonomyError("no [[group]] tables", path=p)
    taxonomy = Taxonomy(groups=groups, path=p)
    _check_unique(taxonomy, p)
    return taxonomy


@dataclass(frozen=True)
class _Where:
    """Says where in the file a category is, for errors: its path in the tree, and its line."""

    path: Path
    text: str
    trail: str = ""

    def inside(self, table: str, index: int, slug: object) -> _Where:
        name = f"{table} {index + 1}" + (f" ({_show(slug)})" if isinstance(slug, str) else "")
        return _Where(self.path, self.text, f"{self.trail} > {name}" if self.trail else name)

    def error(self, message: str, slug: object = None) -> TaxonomyError:
        line = None
        if isinstance(slug, str) and slug:
            # the slug as written up to its first character TOML writes escaped, then a quote or `\`
            written = re.escape(re.split(r"[\x00-\x1f\"'\\]", slug)[0]) + r"(?=[\"'\\])"
            found = re.search(r"^[ \t]*slug[ \t]*=[ \t]*[\"']" + written, self.text, re.MULTILINE)
            line = self.text.count("\n", 0, found.start()) + 1 if found else None
        where = f"{self.trail}: " if self.trail else ""
        return TaxonomyError(where + message, path=self.path, line=line)


_TOML_TYPES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array"}


def _kind(value: object) -> str:
    """A value's type as TOML names it (never a Python repr of the value)."""
    if isinstance(value, dict):
        return "a table"
    return _TOML_TYPES.get(type(value), "a date or time")


def _show(text: str) -> str:
    """A string as a TOML basic string, control characters escaped (a trailing newline shows)."""
    return json.dumps(text, ensure_ascii=False)


def _text(item: dict[str, Any], name: str, where: _Where, slug: object) -> str:
    value = item.get(name, "")
    if not isinstance(value, str):
        raise where.error(f"'{name}' must be a string, not {_kind(value)}", slug)
    return value.strip()


def _categories(items: Any, level: int, parent: str | None, where: _Where) -> Iterator[Category]:
    table = _LEVEL_KEYS[level - 1]
    if items is None:
        return
    if not isinstance(items, list):
        raise where.error(f"'{table}' must be an array of tables ([[{table}]]), not {_kind(items)}")
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise where.error(f"'{table}' entries must be tables, not {_kind(item)}")
        slug = item.get("slug", "")
        here = where.inside(table, index, slug)
        if not isinstance(slug, str):
            raise here.error(f"'slug' must be a string, not {_kind(slug)}")
        if not SLUG_RE.fullmatch(slug):
            raise here.error(f"invalid slug {_show(slug)} (lower-case words joined by '-')", slug)
        title = _text(item, "title", here, slug)
        if not title:
            raise here.error(f"category '{slug}' has no title", slug)
        emoji, description = _text(item, "emoji", here, slug), _text(item, "description", here, slug)
        children: tuple[Category, ...] = ()
        if level < len(_LEVEL_KEYS):
            children = tuple(_categories(item.get(_LEVEL_KEYS[level]), level + 1, slug, here))
        yield Category(
            slug=slug,
            title=title,
            emoji=emoji,
            description=description,
            level=level,
            parent=parent,
            children=children,
        )


def _check_unique(taxonomy: Taxonomy, path: Path) -> None:
    seen: set[str] = set()
    for c in taxonomy:
        if c.slug in seen:
            raise TaxonomyError(f"slug '{c.slug}' is used twice", path=path)
        seen.add(c.slug)
