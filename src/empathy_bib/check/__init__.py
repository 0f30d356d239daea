"""Stage 2, validate: every check on a loaded file, as located `Diagnostic`s.

    check_bib(bib, taxonomy, path=...)   all checks on an already loaded BibFile
    check_path(path, taxonomy)           read a file first; undecodable bytes become E109 findings

Checks never write; `fix.py` applies the safe fixes separately. The registry of codes is in
`codes.CHECKS` (docs/checks.md is generated from it).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..bib import BOM, BibFile, read_bib_bytes
from ..taxonomy import Taxonomy
from . import consistency, fields, identity, latex, listrules, syntax
from .codes import CHECKS
from .context import Context
from .diagnostics import ERROR, WARNING, Check, Diagnostic

__all__ = [
    "CHECKS",
    "ERROR",
    "FAMILIES",
    "WARNING",
    "Check",
    "Diagnostic",
    "check_bib",
    "check_path",
    "filter_codes",
]

# The check families by name, in the order they run.
FAMILIES: dict[str, Callable[[Context], None]] = {
    "syntax": syntax.check,
    "identity": identity.check,
    "fields": fields.check,
    "listrules": listrules.check,
    "consistency": consistency.check,
    "latex": latex.check,
}
MAX_ENCODING_FINDINGS = 20


def check_bib(
    bib: BibFile,
    taxonomy: Taxonomy | None,
    *,
    path: str | os.PathLike[str] | None = None,
    families: Iterable[str] = FAMILIES,
    today: datetime.date | None = None,
) -> list[Diagnostic]:
    """The checks of `families` (all by default) on `bib`, sorted by position. `path` names the
    file in the findings; `today` is the date the caller read from the clock (None: the checks
    that compare with it are skipped)."""
    shown = str(path if path is not None else bib.path if bib.path is not None else "<string>")
    ctx = Context(bib, taxonomy, shown, today=today)
    for name in families:
        FAMILIES[name](ctx)
    return sorted(ctx.diagnostics, key=lambda d: d.sort_key)


def check_path(
    path: str | os.PathLike[str], taxonomy: Taxonomy | None, *, today: datetime.date | None = None
) -> list[Diagnostic]:
    """Read and check a file (`today` as in `check_bib`). Raises `BibReadError` only when the
    file cannot be read at all."""
    p = Path(path)
    data = read_bib_bytes(p)
    encoding: list[Diagnostic] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Undecodable bytes are reported, then replaced so that the rest of the file is still checked.
        encoding = list(encoding_findings(data, str(path)))
        text = data.decode("utf-8", errors="replace")
    del data  # the bytes are no longer needed: halve the peak on a large file
    bib = BibFile.from_text(text, path=p)
    found = check_bib(bib, taxonomy, path=str(path), today=today)
    return sorted([*encoding, *found], key=lambda d: d.sort_key)


def encoding_findings(data: bytes, path: str) -> Iterable[Diagnostic]:
    """One E109 per run of bytes that is not UTF-8, located by line, column and byte offset."""
    check = CHECKS["E109"]
    offset = 0
    count = 0
    while count < MAX_ENCODING_FINDINGS:
        try:
            data[offset:].decode("utf-8")
            return
        except UnicodeDecodeError as exc:
            bad = offset + exc.start
            # A lone CR ends a line too, as everywhere else in the bib layer.
            line_start = max(data.rfind(b"\n", 0, bad), data.rfind(b"\r", 0, bad)) + 1
            line = data.count(b"\n", 0, bad) + data.count(b"\r", 0, bad) - data.count(b"\r\n", 0, bad) + 1
            prefix = data[line_start:bad].decode("utf-8", errors="replace")
            column = len(prefix.removeprefix(BOM) if line_start == 0 else prefix) + 1
            message = (
                f"invalid UTF-8 at byte offset {bad} (byte 0x{data[bad]:02x}); re-save the file as UTF-8"
            )
            yield Diagnostic(path, line, column, check.severity, "E109", message, None, check.fix_hint)
            offset = offset + exc.end
            count += 1


def filter_codes(
    diagnostics: Iterable[Diagnostic], select: Sequence[str] = (), ignore: Sequence[str] = ()
) -> list[Diagnostic]:
    """Keep findings whose code starts with a selected prefix (all when none) and no ignored one."""
    return [
        d
        for d in diagnostics
        if (not select or d.code.startswith(tuple(select))) and not d.code.startswith(tuple(ignore))
    ]
