"""Field checks (E3xx/W3xx): required fields, year, month, pages, identifiers, URLs, titles, `added`.

Each check reads the entry's located fields (for positions) and the `Paper` (for resolved
values), so a finding points at the value it is about.
"""

from __future__ import annotations

import datetime
import re
from urllib.parse import urlsplit

from .. import ids
from ..bib import Block, FieldSpan, scan
from ..record import ADDED_FIELD, Paper
from ..text import MONTHS, month_macro
from .context import Context

Spans = dict[str, FieldSpan]
Values = dict[str, str]  # `Paper.fields`: non-blank resolved values by lower-case name

# Required fields per entry type; a tuple lists alternatives (BibTeX's name, biblatex's name).
# The union of what BibTeX's standard styles and biblatex's data model demand, kept to fields
# both agree a reader needs.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal", "journaltitle"), ("year", "date")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year", "date")),
    "booklet": (("title",),),
    "inbook": (("author", "editor"), ("title",), ("chapter", "pages", "booktitle"), ("year", "date")),
    "incollection": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "conference": (("author",), ("title",), ("booktitle",), ("year", "date")),
    "manual": (("title",),),
    "mastersthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "phdthesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "thesis": (("author",), ("title",), ("school", "institution"), ("year", "date")),
    "misc": (("author", "editor"), ("title",), ("year", "date")),
    "online": (("author", "editor"), ("title",), ("year", "date"), ("url", "doi", "eprint")),
    "preprint": (("author",), ("title",), ("year", "date")),
    "proceedings": (("title",), ("year", "date")),
    "techreport": (("author",), ("title",), ("institution",), ("year", "date")),
    "report": (("author",), ("title",), ("institution",), ("year", "date")),
    "unpublished": (("author",), ("title",)),
}
# The entry types the renderer has a template for (render.csljson.CSL_TYPES; a test keeps the
# two equal). Not imported from there: validate must not load the renderer's dependencies.
SUPPORTED_TYPES = frozenset(REQUIRED)

URL_FIELDS = ("url", "code", "pdf")
_PAGE_RANGE = re.compile(
    r"(?<![-\w])(\w*\d)\s*(?:-|–|—|\\textendash\s*|\{\\textendash\}\s*)\s*(\w*\d)(?![-\w])"
)
_EMPTY_VALUE = re.compile(r"=\s*(?:\{\}|\"\")")
_YEAR = re.compile(r"\d{4}")
_WORD = re.compile(r"[A-Za-z][\w'-]*")
_TOP_GROUP = re.compile(scan._BRACED)
_INNER_CAPITAL = re.compile(r"[A-Za-z0-9'][A-Z]")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")


def check(ctx: Context) -> None:
    next_year = datetime.date.today().year + 1
    # Empty values are rare: one search of the whole text decides whether to look for them.
    look_for_empty = bool(_EMPTY_VALUE.search(ctx.bib.text))
    for paper in ctx.papers:
        entry, values, spans, key = paper.block, paper.fields, paper.spans, paper.key
        _check_type_and_required(ctx, entry, values, key)
        _check_year(ctx, spans, values, key, next_year)
        _check_month(ctx, spans, values, key)
        _check_pages(ctx, spans, key)
        _check_doi(ctx, spans, values, key)
        _check_arxiv(ctx, paper)
        _check_urls(ctx, paper)
        _check_title_case(ctx, spans, values, key)
        if ADDED_FIELD in values:
            _check_added(ctx, paper)
        if look_for_empty:
            _check_empty(ctx, entry, key)


def _check_type_and_required(ctx: Context, entry: Block, values: Values, key: str) -> None:
    entry_type = entry.entry_type or ""
    if entry_type not in SUPPORTED_TYPES:
        ctx.report("E311", entry.start, f"entry type @{entry_type} is not supported by the renderer", key)
        return
    for alternatives in REQUIRED[entry_type]:
        # `values` holds non-blank values only; the first alternative is the usual one.
        if alternatives[0] not in values and not any(name in values for name in alternatives[1:]):
            wanted = " or ".join(f"'{name}'" for name in alternatives)
            ctx.report("E301", entry.start, f"@{entry_type} requires {wanted}", key)


def _check_year(ctx: Context, spans: Spans, values: Values, key: str, next_year: int) -> None:
    f = spans.get("year")
    value = values.get("year")
    if f is None or value is None:
        return
    year = value.strip()
    if not _YEAR.fullmatch(year):
        ctx.report("E302", f.value_start, f"year {year!r} is not four digits", key)
        return
    number = int(year)
    if 1000 <= number <= next_year:
        return
    if number > next_year:
        ctx.report("E302", f.value_start, f"year {year} is in the future", key)
    else:
        ctx.report("E302", f.value_start, f"year {year} is not a plausible year", key)


def _check_month(ctx: Context, spans: Spans, values: Values, key: str) -> None:
    f = spans.get("month")
    if f is None:
        return
    raw = f.raw_value.strip()
    value = (values.get("month") or "").strip()
    if raw.lower() in MONTHS or (value.isdigit() and 1 <= int(value) <= 12):
        return  # a month macro, or a number biber reads
    macro = month_macro(value)
    hint = f"; write `month = {macro}`" if macro else ""
    ctx.report("W303", f.value_start, f"month {raw} is not a month macro or number{hint}", key)


def fixed_pages(raw_value: str) -> str | None:
    """The raw `pages` value with each range written `--`, or None when it needs no change."""
    fixed = _PAGE_RANGE.sub(r"\1--\2", raw_value)
    return fixed if fixed != raw_value else None


def _check_pages(ctx: Context, spans: Spans, key: str) -> None:
    f = spans.get("pages")
    if f is None or "--" in f.raw_value:
        return
    fixed = fixed_pages(f.raw_value)
    if fixed is not None:
        ctx.report("W304", f.value_start, f"page range {f.raw_value} should use '--': {fixed}", key)


def _check_doi(ctx: Context, spans: Spans, values: Values, key: str) -> None:
    f = spans.get("doi")
    value = values.get("doi")
    if f is None or value is None or ids.DOI_RE.fullmatch(value):
        return  # absent, or a bare valid DOI (the usual value), which neither check below flags
    bare = ids.parse_doi(value)
    if bare is None:
        ctx.report("E305", f.value_start, f"'{value.strip()}' is not a DOI (expected 10.NNNN/...)", key)
    elif bare != value.strip():
        ctx.report("W306", f.value_start, f"DOI written as a URL or with a prefix: write {bare}", key)


def _check_arxiv(ctx: Context, paper: Paper) -> None:
    eprint = paper.fields.get("eprint")
    found = paper.identifiers
    if eprint and found.eprint_prefix == "arxiv" and found.eprint_arxiv_id is None:
        offset = paper.spans["eprint"].value_start
        ctx.report("E307", offset, f"'{eprint.strip()}' is not an arXiv id", paper.key)


def _check_urls(ctx: Context, paper: Paper) -> None:
    key = paper.key
    for name in URL_FIELDS:
        value = paper.fields.get(name)
        if value is None:
            continue
        f = paper.spans[name]
        url = value.strip()
        if not ids.is_web_url(url):
            ctx.report("E309", f.value_start, f"{name} '{_short(url)}' is not an absolute http(s) URL", key)
            continue
        if name == "url" and (paper.identifiers.url_arxiv_id or paper.identifiers.anthology_id):
            continue  # it names a valid arXiv or Anthology id: `_check_known_hosts` has nothing to say
        _check_known_hosts(ctx, f, url, key)


def _check_known_hosts(ctx: Context, f: FieldSpan, url: str, key: str) -> None:
    """arXiv and Anthology links must name a valid identifier: a typo there is a wrong paper."""
    if "arxiv.org/" not in url and "aclanthology.org/" not in url:
        return
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    if host in ("arxiv.org", "export.arxiv.org") and segments[:1] in (["abs"], ["pdf"]):
        if ids.arxiv_from_url(url) is None:
            ctx.report("E307", f.value_start, f"'{_short(url)}' does not name a valid arXiv id", key)
    elif (
        host == "aclanthology.org"
        and len(segments) == 1
        and any(c.isdigit() for c in segments[0])
        and ids.anthology_from_url(url) is None
    ):
        ctx.report("E308", f.value_start, f"'{_short(url)}' does not name a valid Anthology id", key)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unprotected_acronyms(raw_title: str) -> list[str]:
    """Words of a title with a capital after the first letter that no braces protect.

    Brace groups are removed first (protected words, and accents such as `{\\'e}`), then
    LaTeX commands; what is left is the text a style may lower-case.
    """
    if not _INNER_CAPITAL.search(raw_title):
        # Removing groups and commands leaves a blank where they were, which creates no
        # capital-after-letter pair: none in the raw title means none in the free text.
        return []
    free = _LATEX_COMMAND.sub(" ", _TOP_GROUP.sub(" ", raw_title))
    if not _INNER_CAPITAL.search(free):
        return []  # the common case, decided by one search
    found: list[str] = []
    for word in _WORD.findall(free):
        if any(part[1:] != part[1:].lower() for part in word.split("-")) and word not in found:
            found.append(word)
    return found


def _check_title_case(ctx: Context, spans: Spans, values: Values, key: str) -> None:
    f = spans.get("title")
    raw = values.get("title")
    if f is None or raw is None:
        return
    words = unprotected_acronyms(raw)
    if words:
        braced = ", ".join("{" + word.rstrip(".") + "}" for word in words)
        ctx.report(
            "W310",
            f.value_start,
            f"title words lose their capitals in many styles: write {braced}",
            key,
        )


def _check_added(ctx: Context, paper: Paper) -> None:
    """`added` is a real day written `YYYY-MM-DD` (`Paper.added` parses it), not after today.

    "Today" is the caller's (`ctx.today`, read by the command): without it, the future is not checked.
    """
    f = paper.spans[ADDED_FIELD]
    added = paper.added
    if added is None:
        value = paper.fields[ADDED_FIELD].strip()
        message = f"added {_short(value)!r} is not a real day written YYYY-MM-DD (e.g. 2025-05-01)"
        ctx.report("E313", f.value_start, message, paper.key)
    elif ctx.today is not None and added > ctx.today:
        ctx.report("E314", f.value_start, f"added {added.isoformat()} is in the future", paper.key)


def _check_empty(ctx: Context, entry: Block, key: str) -> None:
    for f in entry.fields:
        if len(f.raw_value) <= 2 and f.raw_value in ("{}", '""'):
            ctx.report("W312", f.value_start, f"field '{f.name}' is empty", key)
