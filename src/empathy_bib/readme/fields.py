"""An item's title, authors, venue and year, read from its runs as people write them.

Title: the paper link's text when it is a title (not `[pdf]`), else the bold (or italic) text,
else the text before the authors. Authors: the name list after the title (italic, plain, or a
nested item). Venue: a shields.io badge, a code span, a bracket `[ACL 2024]`, an emphasised
trailing venue, or trailing text with a year (`Arxiv 2024.08`). Year: the venue's, else the
arXiv id's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from empathy_bib import ids
from empathy_bib.readme.clean import clean_title, split_names, squash
from empathy_bib.readme.inline import Run, Runs
from empathy_bib.readme.links import YEAR_RE, badge, is_label

_BRACKET_VENUE = re.compile(r"\[\s*([A-Za-z][\w .&'/\-]{0,40}?'?\d{2,4}(?:\.\d{1,2})?)\s*\]")
_COMPACT_YEAR = re.compile(r"[A-Za-z]'?(\d{2})$")
_CHUNK_SPLIT = re.compile(r"[,;|\[\]()\n]+")
_DATE_ONLY = re.compile(r"^[\d\s.\-/:]+$")
_ANTHOLOGY_YEAR = re.compile(r"^(?:(\d{4})\.|[A-Z](\d{2})-)")
_QUOTED = re.compile(r"[“\"]([^”\"]{8,})[”\"]")
# `— A. Author, B. Author (2023, ICLR 2023).`: names, then a parenthesis opening with the year.
_PAREN_YEAR = re.compile(r"\(\s*((?:19|20)\d{2})\b")
_VENUE_YEAR = re.compile(r"[A-Za-z][\w&.'\- ]{0,50}?[\s,]+'?(?:19|20)\d{2}(?:\.\d{1,2})?\b")


@dataclass
class Piece:
    """Consecutive runs with the same style, or one whole link."""

    kind: str  # "link", "bold", "italic", "code", "text", "image"
    text: str
    link: int | None
    runs: list[Run]


@dataclass
class Fields:
    title: str = ""
    authors: tuple[str, ...] = ()
    venue: str = ""
    year: int | None = None


def pieces(runs: Runs) -> list[Piece]:
    out: list[Piece] = []
    for run in runs.runs:
        kind = _kind(run)
        last = out[-1] if out else None
        if last and (
            (run.link is not None and last.link == run.link) or (run.link is None and last.kind == kind)
        ):
            last.runs.append(run)
            if run.image is None:
                last.text += run.text
            continue
        out.append(Piece(kind, "" if run.image else run.text, run.link, [run]))
    for piece in out:
        if piece.kind == "link" and not piece.text.strip():
            piece.text = " ".join(r.text for r in piece.runs if r.image is not None)
    return out


def _kind(run: Run) -> str:
    if run.link is not None:
        return "link"
    if run.image is not None:
        return "image"
    return "code" if run.code else "bold" if run.bold else "italic" if run.italic else "text"


def _quoted(items: list[Piece], start: int) -> tuple[str, int] | None:
    """A title written in quotes in the plain text before the item's first link."""
    for index in range(start, len(items)):
        piece = items[index]
        if piece.kind == "link":
            return None
        if piece.kind == "text" and (m := _QUOTED.search(piece.text)):
            return clean_title(m.group(1)), index
    return None


def _has_words(piece: Piece) -> bool:
    """A link with text of its own, not only a badge image's alt text."""
    return any(run.image is None and run.text.strip() for run in piece.runs)


def _is_bold_title(piece: Piece) -> bool:
    text = clean_title(piece.text)
    return len(text) > 3 and not is_label(text) and not _DATE_ONLY.match(text)


def find_title(items: list[Piece], paper_links: set[int]) -> tuple[str, int]:
    """(title, index of the piece it came from; -1 when none)."""
    for index, piece in enumerate(items):
        if (
            piece.kind == "link"
            and piece.link in paper_links
            and _has_words(piece)
            and not is_label(piece.text)
        ):
            return clean_title(piece.text), index
    quoted = _quoted(items, 0)
    for kind in ("bold", "italic"):
        if kind == "italic" and quoted:
            return quoted
        for index, piece in enumerate(items):
            emphasised = piece.kind == kind or (
                piece.kind == "link" and all(getattr(r, kind) for r in piece.runs)
            )
            if emphasised and _is_bold_title(piece) and (kind == "bold" or split_names(piece.text) is None):
                # `**3DETR**: "An End-to-End Transformer..."`: a short bold name before the quoted title
                after = _quoted(items, index + 1)
                if after and len(piece.text.split()) <= 3:
                    return after
                return clean_title(piece.text), index
    before: list[str] = []
    last = -1
    for index, piece in enumerate(items):
        if piece.kind != "text":
            break
        before.append(piece.text)
        if len(clean_title("".join(before))) > 3:
            last = index
    text = clean_title("".join(before))
    if len(text) > 3 and split_names(text) is None and not is_label(text):  # not a bare URL either
        return text, last
    for index, piece in enumerate(items):
        if (
            piece.kind == "link"
            and _has_words(piece)
            and not is_label(piece.text)
            and len(clean_title(piece.text)) > 3
        ):
            return clean_title(piece.text), index
    return "", -1


def find_authors(items: list[Piece], after: int) -> tuple[tuple[str, ...], int]:
    """(names, index of their piece) of the first name list after the title."""
    for index in range(after + 1, len(items)):
        piece = items[index]
        if piece.kind in ("italic", "text", "bold"):
            year_note = _PAREN_YEAR.search(piece.text)
            names = split_names(piece.text[: year_note.start()] if year_note else piece.text)
            if names and (piece.kind != "text" or len(names) > 1 or "al" in piece.text or year_note):
                return names, index
    return (), -1


def _note_text(items: list[Piece], title_at: int, authors_at: int) -> str:
    """Where a `(2023, Venue)` note may stand: the name list's text, or (without names) the text
    right after the title when it opens with the parenthesis (`[Title](url) (2024) - Core.`)."""
    if authors_at >= 0:
        return items[authors_at].text
    after = items[title_at + 1].text if 0 <= title_at < len(items) - 1 else ""
    return after if re.match(r"\s*\(", after) and items[title_at + 1].kind == "text" else ""


def _year_note(text: str) -> tuple[str, int] | None:
    """(venue, year) of the `(2023, ICLR 2023)` that follows a name list (venue "" for `(2023)`)."""
    m = _PAREN_YEAR.search(text)
    if m is None:
        return None
    depth, end = 1, m.end()
    while end < len(text) and depth:  # to the matching parenthesis: `(2021, JMLR 22(75):1-35, 2021)`
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    inside = squash(text[m.end() : end - 1 if not depth else end])
    venue = inside[1:].strip() if inside.startswith((",", ";")) else ""  # not `(2025 or 2026)`
    return venue, int(m.group(1))


def find_venue(items: list[Piece], title_at: int, authors_at: int) -> tuple[str, int | None]:
    """(venue as written, year a badge gives) of an item."""
    year = None
    for piece in items:
        for run in piece.runs:
            if run.image:
                found = badge(run.image, run.text)
                if found and found.venue:
                    return found.venue, found.year
                if found and found.year:
                    year = year or found.year
    for index, piece in enumerate(items):  # a code span, before or after the title: `ACL 2023`
        words = len(piece.text.split())
        if index != title_at and piece.kind == "code" and re.search("[A-Za-z]", piece.text) and words <= 8:
            return squash(piece.text), year
    if note := _year_note(_note_text(items, title_at, authors_at)):
        return note[0], year or note[1]  # what follows (a description) names no venue of its own
    rest = [p for i, p in enumerate(items) if i > title_at and i != authors_at]
    quoted = _QUOTED.search(items[title_at].text) if 0 <= title_at < len(items) else None
    if quoted and items[title_at].kind == "text":  # `"Title", ICCV, 2021 (`: the rest of the quote's text
        rest.insert(0, Piece("text", items[title_at].text[quoted.end() :], None, items[title_at].runs))
    for piece in rest:
        if piece.kind == "text" and (m := _BRACKET_VENUE.search(piece.text)):
            return squash(m.group(1)), year
    for piece in rest:
        if piece.kind in ("bold", "italic", "text") and (venue := _venue_chunk(piece.text)):
            return venue, year
    return "", year


def _venue_chunk(text: str) -> str:
    """The first part of `text` between separators that reads as a venue with a year
    (`Arxiv 2024.08`, `Findings of EMNLP 2023`), else a `Venue, 2024` pair as written."""
    for chunk in _CHUNK_SPLIT.split(text):
        chunk = squash(chunk).strip(" .*_:-–—")
        if (
            YEAR_RE.search(chunk)
            and re.match("[A-Za-z]", chunk)
            and len(chunk) <= 60
            and len(chunk.split()) <= 8
        ):
            return chunk
    m = _VENUE_YEAR.search(text)
    return squash(m.group(0)).strip(" ,") if m and len(m.group(0).split()) <= 8 else ""


def year_of(venue: str, arxiv_id: str | None, anthology_id: str | None = None) -> int | None:
    """The year a venue names (`ACL 2024`, `ICLR23`), else the one an arXiv or Anthology id implies."""
    if m := YEAR_RE.search(venue):
        return int(m.group(1))
    if m := _COMPACT_YEAR.search(venue.strip()):
        return 2000 + int(m.group(1))
    if anthology_id and (m := _ANTHOLOGY_YEAR.match(anthology_id)):
        year = m.group(1) or m.group(2)
        return int(year) if len(year) == 4 else (1900 if year >= "60" else 2000) + int(year)
    if arxiv_id:
        yymm = arxiv_id.split("/")[-1][:2]
        if yymm.isdigit():
            return (1900 if yymm >= "91" else 2000) + int(yymm)
    return None


def read_fields(runs: Runs, paper_links: set[int], arxiv_id: str | None) -> Fields:
    """Title, authors, venue and year of one item's runs (its own text, not its children's)."""
    items = pieces(runs)
    title, title_at = find_title(items, paper_links)
    leading = _BRACKET_VENUE.match(title)  # `[ICLR23] Title`: a venue written before the title
    if leading:
        title = clean_title(title[leading.end() :])
    authors, authors_at = find_authors(items, title_at)
    venue, badge_year = find_venue(items, title_at, authors_at)
    if leading and not venue:
        venue = squash(leading.group(1))
    return Fields(title, authors, venue, year_of(venue, None) or badge_year or year_of("", arxiv_id))


def plain_names(runs: Runs) -> tuple[str, ...]:
    """A nested item or table cell that is only a name list."""
    return split_names(runs.plain()) or ()


def cell_venue(runs: Runs) -> str:
    """A table's venue cell: a badge's venue, else its text (`-` is none)."""
    for run in runs.runs:
        if run.image and (found := badge(run.image, run.text)) and found.venue:
            return found.venue
    text = squash(runs.plain()).strip(" -–—/")
    return "" if ids.is_web_url(text) else text
