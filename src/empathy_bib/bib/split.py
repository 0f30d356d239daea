"""Text -> located blocks: the fast scanner when it can, bibtexparser 2.x's splitter otherwise.

bibtexparser's splitter cuts the text into blocks (entries, @string, @preamble, @comment, free
text, failed blocks) but says only what each block's text is, not where it is: the forward
searches below locate every block and every field in the original text. The fast scanner
(`scan.py`) gives the same blocks, already located, for the well-formed blocks it accepts; a block
it cannot read goes to bibtexparser's splitter alone, up to the next `@type{` at a line start
(where the splitter would end that block anyway), and the fast scanner goes on from there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from ..errors import BibParseError
from . import scan
from .scan import FieldSpan

if TYPE_CHECKING:
    from bibtexparser import model as bpmodel

# The splitter logs every failed block as a warning; we report them ourselves, located.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False


class BlockKind(str, Enum):
    ENTRY = "entry"
    STRING = "string"
    PREAMBLE = "preamble"
    COMMENT = "comment"  # @comment{...}
    TEXT = "text"  # free text between blocks (BibTeX ignores it)
    FAILED = "failed"  # a block the splitter could not parse


class Block(NamedTuple):
    """One block of the file, located: an entry, @string, @preamble, @comment, free text or a failure.

    A NamedTuple rather than a dataclass: a 10,000-entry file makes 10,000 of them on every load.
    """

    kind: BlockKind
    start: int
    end: int  # exclusive
    raw: str
    key: str | None = None  # citation key of an entry, name of an @string
    entry_type: str | None = None  # lower-cased, entries only
    fields: tuple[FieldSpan, ...] = ()
    error: str | None = None  # why a FAILED block failed
    error_offset: int | None = None  # where parsing broke, for FAILED blocks

    def field(self, name: str) -> FieldSpan | None:
        """The first field called `name` (case-insensitive), if any."""
        wanted = name.lower()
        for f in self.fields:
            if f.key == wanted:
                return f
        return None


def split_blocks(text: str, *, fast: bool = True, path: Path | None = None) -> list[Block]:
    """The blocks of `text` in file order; `fast=False` forces bibtexparser's splitter (for tests).

    Raises `BibParseError` when bibtexparser's splitter itself crashes.
    """
    if not fast:
        return _split_slowly(text, 0, len(text), path)
    blocks: list[Block] = []
    cursor = 0
    while True:
        scanned, stop = scan.scan(text, cursor)
        blocks.extend([_block_from_scan(text, sb) for sb in scanned])
        if stop is None:
            return blocks
        following = _BLOCK_AT_LINE_START.search(text, stop + 1)
        if following is None:
            blocks.extend(_split_slowly(text, stop, len(text), path))
            return blocks
        # The splitter sees the next block's start too, so it stops and says so as it would in the
        # whole file; of that next block, which it sees cut short, we keep nothing.
        cursor = following.start(1)
        blocks.extend(b for b in _split_slowly(text, stop, following.end(1), path) if b.start < cursor)


# Where bibtexparser's splitter ends a block it could not close: a block start after a line break.
_BLOCK_AT_LINE_START = re.compile(r"\n\s*(@\w*[ \t]*[{(])")


def _split_slowly(text: str, start: int, end: int, path: Path | None) -> list[Block]:
    """The blocks of text[start:end] as bibtexparser's splitter finds them, located in `text`."""
    # bibtexparser is imported only here: files the fast scanner reads never pay for it.
    from bibtexparser.splitter import Splitter

    try:
        library = Splitter(text[start:end]).split()
    except Exception as exc:  # the splitter's own bugs must not become tracebacks
        raise BibParseError(f"the BibTeX splitter failed: {exc}", path=path) from None
    return list(_locate_blocks(text, library.blocks, start))


_BLANK = re.compile(r"[ \t\r\n]*")


def skip_blanks(text: str, offset: int) -> int:
    """The first offset at or after `offset` that is not a blank (space, tab, newline)."""
    m = _BLANK.match(text, offset)
    return m.end() if m else offset


_KINDS = {kind.value: kind for kind in BlockKind}  # a dict lookup is cheaper than BlockKind(value)


def _block_from_scan(text: str, sb: scan.ScannedBlock) -> Block:
    raw = text[sb.start : sb.end]
    kind = _KINDS[sb.kind]
    if kind is not BlockKind.ENTRY:
        return Block(kind, sb.start, sb.end, raw, key=sb.key)
    return Block(kind, sb.start, sb.end, raw, key=sb.key, entry_type=sb.entry_type, fields=sb.fields)


def _locate_blocks(text: str, parsed: Iterable[bpmodel.Block], cursor: int = 0) -> Iterator[Block]:
    """Turn bibtexparser's blocks (raw text, no offsets) into located `Block`s, in file order."""
    for pb in parsed:
        raw = pb.raw or ""
        start = text.find(raw, cursor) if raw else cursor
        if start < 0:  # the splitter normalised something: fall back to where we are
            start = cursor
        end = start + len(raw)
        cursor = max(cursor, end)
        yield _make_block(text, pb, start, end, raw)


def _make_block(text: str, pb: bpmodel.Block, start: int, end: int, raw: str) -> Block:
    from bibtexparser import model as bpmodel

    # Duplicate keys and duplicate fields are semantic problems (validate reports them),
    # not syntax ones: the entry itself parsed.
    if isinstance(pb, (bpmodel.DuplicateBlockKeyBlock, bpmodel.DuplicateFieldKeyBlock)):
        pb = pb.ignore_error_block or pb
    if isinstance(pb, bpmodel.Entry):
        fields = tuple(_locate_fields(text, start, end, pb))
        return Block(
            BlockKind.ENTRY, start, end, raw, key=pb.key, entry_type=pb.entry_type.lower(), fields=fields
        )
    if isinstance(pb, bpmodel.String):
        return Block(BlockKind.STRING, start, end, raw, key=pb.key)
    if isinstance(pb, bpmodel.Preamble):
        return Block(BlockKind.PREAMBLE, start, end, raw)
    if isinstance(pb, bpmodel.ExplicitComment):
        return Block(BlockKind.COMMENT, start, end, raw)
    if isinstance(pb, bpmodel.ImplicitComment):
        return Block(BlockKind.TEXT, start, end, raw)
    if isinstance(pb, bpmodel.ParsingFailedBlock):
        error = getattr(pb.error, "abort_reason", None) or str(pb.error)
        return Block(BlockKind.FAILED, start, end, raw, error=error.strip(), error_offset=end)
    return Block(BlockKind.TEXT, start, end, raw)


def _locate_fields(text: str, start: int, end: int, entry: bpmodel.Entry) -> Iterator[FieldSpan]:
    """Find each field's name and value in the entry's text.

    The splitter gives each field's name and value stripped but not where they are; they
    occur in order, so a forward search from the previous value's end finds each exactly.
    """
    head_end = text.find(",", start, end)
    cursor = head_end + 1 if head_end != -1 else end
    for f in entry.fields:
        name_start = text.find(f.key, cursor, end)
        if name_start < 0:
            name_start = cursor
        name_end = name_start + len(f.key)
        equals = text.find("=", name_end, end)
        value_start = text.find(f.value, equals + 1, end) if f.value else skip_blanks(text, equals + 1)
        if value_start < 0:
            value_start = skip_blanks(text, equals + 1)
        value_end = value_start + len(f.value)
        cursor = value_end
        yield FieldSpan(f.key, name_start, name_end, value_start, value_end, text[value_start:value_end])
