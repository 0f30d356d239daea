"""`validate --fix`: the few repairs that cannot change what an entry means, as surgical edits.

Only the value's characters change (its delimiters are kept), through `BibFile.apply`, which
refuses a file that did not parse completely, then an atomic save. Each repair is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import ids
from ..bib import BibFile, Block, FieldSpan, Splice, plain_value
from ..errors import BibParseError
from ..text import MONTHS, month_macro
from . import latex
from .fields import fixed_pages

FIXABLE = ("W303", "W304", "W306", "E601", "E602", "W606", "W608")
_LATEX_FIXABLE = frozenset(FIXABLE[3:])


@dataclass(frozen=True)
class Fix:
    code: str
    line: int  # where the value starts
    column: int
    key: str
    field: str
    old: str  # the raw value before
    splice: Splice  # puts the raw value after in place of `old`

    @property
    def new(self) -> str:
        return self.splice.text

    def describe(self, path: str) -> str:
        where = f"{path}:{self.line}:{self.column}"
        return f"{where}: fixed {self.code} {self.field}: {self.old} -> {self.new} [{self.key}]"


def plan_fixes(bib: BibFile, codes: tuple[str, ...] = FIXABLE) -> list[Fix]:
    """The safe repairs for `bib`, for the given codes, in file order."""
    macros = bib.macros
    conv = latex.conventions(bib) if _LATEX_FIXABLE.intersection(codes) else None
    fixes: list[Fix] = []
    for entry in bib.entries:
        seen: set[str] = set()
        for f in entry.fields:
            value = plain_value(f.raw_value, macros)
            if f.key in seen or value is None:
                continue  # duplicated or malformed: a person must decide
            seen.add(f.key)
            new = _repair(f, value, codes)
            if new is None and conv is not None:
                new = _latex_repair(f, codes, conv)
            if new is not None:
                fixes.append(_fix(bib, entry, f, *new))
    return fixes


def _repair(f: FieldSpan, value: str, codes: tuple[str, ...]) -> tuple[str, str] | None:
    """(code, new raw value) for a field that has a safe repair."""
    raw = f.raw_value
    if f.key == "doi" and "W306" in codes:
        bare = ids.parse_doi(value)
        if bare is not None and bare != value.strip():
            return "W306", _keep_delimiters(raw, bare)
    if f.key == "pages" and "W304" in codes and "--" not in raw:
        fixed = fixed_pages(raw)
        if fixed is not None:
            return "W304", fixed
    if f.key == "month" and "W303" in codes:
        macro = month_macro(value)
        plain = raw.lower() in MONTHS or value.strip().isdigit()
        if macro is not None and not plain:
            return "W303", macro
    return None


def _latex_repair(f: FieldSpan, codes: tuple[str, ...], conv: latex.Conventions) -> tuple[str, str] | None:
    """(codes, new raw value) with the mechanical LaTeX repairs of the selected codes applied:
    specials escaped, `\\i` under an accent made `i`, raw letters encoded as `add` writes them."""
    if not latex.is_checked(f.key):
        return None
    found = [p for p in latex.problems(f.raw_value, f.key, conv) if p.code in codes]
    new = latex.repaired(f.raw_value, found)
    if new is None:
        return None
    return ",".join(sorted({p.code for p in found if p.replacement is not None})), new


def _keep_delimiters(raw: str, value: str) -> str:
    if raw[:1] == '"':
        return f'"{value}"'
    return "{" + value + "}"


def _fix(bib: BibFile, entry: Block, f: FieldSpan, code: str, new: str) -> Fix:
    line, column = bib.line_col(f.value_start)
    splice = Splice(f.value_start, f.value_end, new)
    return Fix(code, line, column, entry.key or "", f.name, f.raw_value, splice)


def apply_fixes(bib: BibFile, fixes: list[Fix]) -> None:
    """Apply all fixes at once and save atomically (refused when the file is incomplete)."""
    if not bib.is_complete:
        raise BibParseError(
            "the file did not parse completely; refusing to rewrite it (validate without --fix shows where)",
            path=bib.path,
            line=bib.line_of(bib.failed_blocks[0].start),
        )
    if not fixes:
        return
    bib.apply([fx.splice for fx in fixes])
    bib.save()
