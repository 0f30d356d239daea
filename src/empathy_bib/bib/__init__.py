"""Stage 1, the file: a lossless, located view of a `.bib` file, its values, edits and safe writes.

scan.py    the fast scanner for well-formed BibTeX (exact to bibtexparser's splitter)
split.py   text -> located blocks and fields (the scanner, or bibtexparser's splitter)
values.py  field values as BibTeX evaluates them (macros, `#` concatenation, month names)
edits.py   surgical edits as splices of the text
atomic.py  the one way files are written (atomic, umask-respecting, all-or-nothing commits)
file.py    `BibFile`, which ties them together
"""

from __future__ import annotations

from .atomic import StagedFiles, WriteError, atomic_write_bytes, atomic_write_text
from .edits import Splice
from .file import BOM, BibFile, line_number, read_bib_bytes
from .scan import FieldSpan
from .split import Block, BlockKind
from .values import MONTH_MACROS, Resolved, plain_value, resolve_value, split_concatenation

__all__ = [
    "BOM",
    "MONTH_MACROS",
    "BibFile",
    "Block",
    "BlockKind",
    "FieldSpan",
    "Resolved",
    "Splice",
    "StagedFiles",
    "WriteError",
    "atomic_write_bytes",
    "atomic_write_text",
    "line_number",
    "plain_value",
    "read_bib_bytes",
    "resolve_value",
    "split_concatenation",
]
