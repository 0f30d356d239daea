"""The list's taxonomy (`styles/categories.toml`): groups, sections and subsections, in order.

The renderer, the validator and `add` all read it from here; nothing else names a category.
"""

from __future__ import annotations

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

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
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
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError("taxonomy file not found", path=p) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"cannot read taxonomy: {exc}", path=p) from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"invalid TOML: {exc}", path=p) from None
    groups = tuple(_categories(data.get("group"), level=1, parent=None, path=p))
    if not groups:
        raise TaxonomyError("no [[group]] tables", path=p)
    taxonomy = Taxonomy(groups=groups, path=p)
    _check_unique(taxonomy, p)
    return taxonomy


def _categories(items: Any, level: int, parent: str | None, path: Path) -> Iterator[Category]:
    if items is None:
        return
    if not isinstance(items, list):
        raise TaxonomyError(f"'{_LEVEL_KEYS[level - 1]}' must be an array of tables", path=path)
    for item in items:
        if not isinstance(item, dict):
            raise TaxonomyError(f"'{_LEVEL_KEYS[level - 1]}' entries must be tables", path=path)
        slug = str(item.get("slug", ""))
        if not SLUG_RE.match(slug):
            raise TaxonomyError(f"invalid slug {slug!r} (lower-case words joined by '-')", path=path)
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise TaxonomyError(f"category '{slug}' has no title", path=path)
        children: tuple[Category, ...] = ()
        if level < len(_LEVEL_KEYS):
            children = tuple(_categories(item.get(_LEVEL_KEYS[level]), level + 1, slug, path))
        yield Category(
            slug=slug,
            title=title.strip(),
            emoji=str(item.get("emoji", "")).strip(),
            description=str(item.get("description", "")).strip(),
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
