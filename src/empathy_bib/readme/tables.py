"""Which column of a paper table holds what: title, authors, venue, date, code, links.

Found by the header's words first ("Title", "Venue", "Conference", "Date", "Code"...), and for the
title, when no header names it, by content: the column whose cells link with the longest text.
"""

from __future__ import annotations

import re

from empathy_bib.readme.inline import Runs

_ROLE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("title", re.compile(r"\b(?:title|paper|papers|name|work|article|publication title)\b")),
    ("authors", re.compile(r"\bauthors?\b|\bby\b")),
    (
        "venue",
        re.compile(r"\b(?:venue|conference|conf|journal|publication|published|proceedings|source|pub)\b"),
    ),
    ("date", re.compile(r"\b(?:date|year|time|month|published on|release)\b")),
    ("code", re.compile(r"\b(?:code|github|repo|repository|implementation)\b")),
    ("link", re.compile(r"\b(?:link|links|pdf|url|arxiv|resources?)\b")),
)


def column_roles(names: list[str]) -> dict[int, str]:
    """Each column's role by its header text, first match wins; one column per role."""
    roles: dict[int, str] = {}
    taken: set[str] = set()
    for index, name in enumerate(names):
        words = " ".join(name.lower().replace("&", " ").split())
        for role, pattern in _ROLE_WORDS:
            if role not in taken and pattern.search(words):
                roles[index] = role
                taken.add(role)
                break
    return roles


def _title_by_content(cells: list[Runs], roles: dict[int, str]) -> int | None:
    """The column whose linked text is longest: a table without a "Title" header."""
    best, best_length = None, 0
    for index, cell in enumerate(cells):
        if roles.get(index) in ("venue", "date", "code", "authors"):
            continue
        linked = sum(len(run.text) for run in cell.runs if run.link is not None and run.image is None)
        if linked > best_length:
            best, best_length = index, linked
    return best


def row_cells(names: list[str], cells: list[Runs]) -> dict[str, Runs]:
    """A body row's cells by role (`title`, `authors`, `venue`, `date`, `code`, `link`)."""
    roles = column_roles(names)
    if "title" not in roles.values():
        title = _title_by_content(cells, roles)
        if title is not None:
            roles[title] = "title"
    return {role: cells[index] for index, role in roles.items() if index < len(cells)}
