"""`BibFile`: a lossless view of a `.bib` file, with source positions and surgical edits.

We keep the original text untouched and, for every block and every field, its exact span in it
(`split.py`). Saving an unedited file therefore gives back the same bytes, and an edit is a
splice of the few characters it must change (`edits.py`); the file is re-split afterwards so
that every position stays true, and written atomically (`atomic.py`).

Saving never loses someone else's change: under the write lock, the file on disk is compared with
the bytes read at load; if it changed meanwhile (an `add`, a hand edit), our edits are planned
again on its new text (`edits.rebase`) or, when they touch what changed, nothing is written.
A file with two entries of the same key (BibTeX ignores case) is never rewritten.

Offsets are character offsets into `BibFile.text` (the decoded file without its BOM);
`byte_offset()` converts to offsets in the file's bytes. Lines and columns are 1-based.
What is derived from the blocks (the key index, the macros, the line ending, the line starts)
is computed on first use and forgotten whenever the blocks are re-split.
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BibParseError, BibReadError, EditError
from . import atomic, edits
from .edits import Splice
from .split import Block, BlockKind, split_blocks
from .values import defined_macros, resolve_value

BOM = "\ufeff"


@dataclass
class BibFile:
    text: str
    path: Path | None = None
    bom: bool = False
    blocks: list[Block] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _byte_index: list[tuple[int, int]] | None = field(default=None, repr=False)
    _by_key: dict[str, Block] | None = field(default=None, repr=False)
    _macros: dict[str, str] | None = field(default=None, repr=False)
    _newline: str | None = field(default=None, repr=False)
    _duplicates: list[tuple[Block, Block]] = field(default_factory=list, repr=False)
    # What save() compares the disk with (None: not read from a file), and every batch of
    # splices applied since, with the blocks it was planned on, to plan them again if need be.
    _read_bytes: bytes | None = field(default=None, repr=False)
    _applied: list[tuple[list[Block], list[Splice]]] = field(default_factory=list, repr=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> BibFile:
        """Read and split a file. Raises `BibReadError` (missing, a directory, not UTF-8)."""
        p = Path(path)
        data = read_bib_bytes(p)
        bib = cls.from_bytes(data, path=p)
        bib._read_bytes = data
        return bib

    @classmethod
    def load_complete(cls, path: str | os.PathLike[str], *, for_writing: bool = False) -> BibFile:
        """Read a file a command will look things up for, refused (`BibParseError` at the first block
        that failed) unless it parsed completely: such a file is never rewritten, so nothing is
        asked for it either. `for_writing` also refuses duplicate keys, as `save` would."""
        bib = cls.load(path)
        if not bib.is_complete:
            first = bib.failed_blocks[0]
            offset = first.error_offset if first.error_offset is not None else first.start
            raise BibParseError(
                f"the file did not parse completely ({first.error}); nothing was done: fix it first "
                "(run 'empathy-bib validate')",
                path=Path(path),
                line=bib.line_of(offset),
            )
        if for_writing:
            bib.require_unique_keys()
        return bib

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | None = None) -> BibFile:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = line_number(data[: exc.start].decode("utf-8"), exc.start)
            raise BibReadError(
                f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}); "
                "save the file as UTF-8",
                path=path,
                line=line,
            ) from None
        return cls.from_text(text, path=path)

    @classmethod
    def from_text(cls, text: str, path: Path | None = None, *, fast: bool = True) -> BibFile:
        """Split `text`; `fast=False` forces bibtexparser's splitter (the reference, for tests)."""
        bom = text.startswith(BOM)
        bib = cls(text=text[1:] if bom else text, path=path, bom=bom)
        bib._set_blocks(split_blocks(bib.text, fast=fast, path=path))
        return bib

    def _set_blocks(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self._line_starts = []
        self._byte_index = None
        self._by_key = None
        self._macros = None
        self._newline = None

    # ------------------------------------------------------------------ queries
    @property
    def newline(self) -> str:
        """The file's most frequent line ending (LF when none), so that inserted lines match it."""
        if self._newline is None:
            text = self.text
            crlf = text.count("\r\n")
            counts = {"\n": text.count("\n") - crlf, "\r\n": crlf, "\r": text.count("\r") - crlf}
            self._newline = max(counts, key=lambda ending: counts[ending])  # a tie: the first
        return self._newline

    @property
    def entries(self) -> list[Block]:
        return [b for b in self.blocks if b.kind is BlockKind.ENTRY]

    @property
    def failed_blocks(self) -> list[Block]:
        return [b for b in self.blocks if b.kind is BlockKind.FAILED]

    @property
    def is_complete(self) -> bool:
        """True when every block parsed: only then may the file be rewritten."""
        return not any(b.kind is BlockKind.FAILED for b in self.blocks)

    def entry(self, key: str) -> Block | None:
        """The (first) entry with this citation key; BibTeX compares keys case-insensitively."""
        if self._by_key is None:
            self._index_keys()
        assert self._by_key is not None
        return self._by_key.get(key.lower())

    def _index_keys(self) -> None:
        index: dict[str, Block] = {}
        self._duplicates = []
        for b in self.blocks:
            if b.kind is BlockKind.ENTRY and b.key is not None:
                first = index.setdefault(b.key.lower(), b)
                if first is not b:
                    self._duplicates.append((first, b))
        self._by_key = index

    def require_unique_keys(self) -> None:
        """Refuse (`EditError`) a file where two entries share a key: an edit by key could land in
        either, and BibTeX keeps only one of them (validate reports them as E201)."""
        if self._by_key is None:
            self._index_keys()
        if not self._duplicates:
            return
        first, second = self._duplicates[0]
        case = f" ('{first.key}' and '{second.key}' differ only in case)" if first.key != second.key else ""
        raise EditError(
            f"two entries have the key '{second.key}', at lines {self.line_of(first.start)} and "
            f"{self.line_of(second.start)}{case}; rename one first (validate reports it as E201)",
            path=self.path,
            line=self.line_of(second.start),
        )

    @property
    def macros(self) -> dict[str, str]:
        """@string definitions (lower-cased names) resolved in file order, month names included."""
        return dict(self._defined_macros())

    def _defined_macros(self) -> dict[str, str]:
        if self._macros is None:
            self._macros = defined_macros(self.blocks)
        return self._macros

    def value(self, entry: Block, name: str, macros: dict[str, str] | None = None) -> str | None:
        """The BibTeX value of a field (macros expanded, outer delimiters removed), or None."""
        f = entry.field(name)
        if f is None:
            return None
        return resolve_value(f.raw_value, self._defined_macros() if macros is None else macros).text

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset. The BOM is not a column: editors do
        not show it, and E109 (located on the raw bytes) does not count it either."""
        if not self._line_starts:
            breaks = _LINE_BREAK if "\r" in self.text else _LF  # `\r\n`, `\n` or a lone `\r`
            self._line_starts = [0, *(m.end() for m in breaks.finditer(self.text))]
        i = bisect.bisect_right(self._line_starts, offset) - 1
        return i + 1, offset - self._line_starts[i] + 1

    def line_of(self, offset: int) -> int:
        return self.line_col(offset)[0]

    def byte_offset(self, offset: int) -> int:
        """Offset in the file's bytes (BOM included) of a character offset."""
        if self._byte_index is None:
            self._byte_index = _byte_index(self.text)
        starts = [c for c, _ in self._byte_index]
        i = bisect.bisect_right(starts, offset) - 1
        char_start, byte_start = self._byte_index[i]
        chunk = self.text[char_start:offset]
        return (3 if self.bom else 0) + byte_start + len(chunk.encode("utf-8"))

    # ------------------------------------------------------------------ edits
    def plan_set_field(self, key: str, name: str, value: str) -> Splice:
        """The splice that sets `name = {value}` in entry `key`, inserting the field if absent."""
        entry = self._require_entry(key)
        return edits.plan_set_field(self.text, entry, name, value, self.newline, self.path)

    def plan_remove_field(self, key: str, name: str) -> Splice:
        return edits.plan_remove_field(self.text, self._require_entry(key), name, self.path)

    def plan_append(self, entry_text: str) -> Splice:
        """The splice that appends an entry at the end, separated like a blank line."""
        return edits.plan_append(self.text, entry_text, self.newline)

    def set_field(self, key: str, name: str, value: str) -> None:
        self.apply([self.plan_set_field(key, name, value)])

    def remove_field(self, key: str, name: str) -> None:
        self.apply([self.plan_remove_field(key, name)])

    def append_entry(self, entry_text: str) -> None:
        self.apply([self.plan_append(entry_text)])

    def apply(self, splices: Sequence[Splice]) -> None:
        """Apply splices planned on the current text, all at once, then re-split.

        Refused (and nothing changes) when the file did not parse completely, when two
        splices overlap, or when the result would not parse completely.
        """
        self._require_complete()
        text = edits.splice_text(self.text, splices, self.path)
        try:
            blocks = split_blocks(text, path=self.path)
        except BibParseError:
            blocks = None
        if blocks is None or any(b.kind is BlockKind.FAILED for b in blocks):
            raise EditError("the edit would leave the file unparsable; nothing changed", path=self.path)
        self._applied.append((self.blocks, list(splices)))
        self.text = text
        self._set_blocks(blocks)

    # ------------------------------------------------------------------ saving
    def to_bytes(self) -> bytes:
        return ((BOM if self.bom else "") + self.text).encode("utf-8")

    def save(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Write atomically, under the write lock; True when the file had changed on disk since it
        was read and our edits were planned again on its new text (`self` then holds the result).

        Refused (`EditError`, nothing written) when the file did not parse, has two entries with
        one key, is read-only, or changed where our edits go.
        """
        self._require_complete()
        self.require_unique_keys()
        target = Path(path) if path is not None else self.path
        if target is None:
            raise EditError("no path to save to")
        compare = self._read_bytes is not None and (path is None or _same_path(target, self.path))
        rebased = False
        with atomic.locked(target) as real:
            if compare:
                on_disk = _read_if_present(real)
                if on_disk != self._read_bytes:
                    self._rebase_onto(on_disk)
                    rebased = True
            data = self.to_bytes()
            atomic.atomic_write_bytes(real, data)
        if compare:
            self._read_bytes = data
            self._applied = []
        return rebased

    def _rebase_onto(self, on_disk: bytes | None) -> None:
        """Plan every edit applied since load again on the file as it is now on disk."""

        def refuse(why: str) -> EditError:
            return EditError(
                f"the file changed while this command ran ({why}); nothing was written; run again",
                path=self.path,
            )

        if on_disk is None:
            raise refuse("it was removed")
        try:
            theirs = BibFile.from_bytes(on_disk, path=self.path)
        except EditError as exc:
            raise refuse(exc.message) from None
        if not theirs.is_complete:
            raise refuse("it no longer parses completely")
        try:
            theirs.require_unique_keys()
            for base_blocks, splices in self._applied:
                theirs.apply(edits.rebase(splices, base_blocks, theirs.text, theirs.entry, theirs.newline))
            theirs.require_unique_keys()
        except EditError as exc:
            raise refuse(exc.message) from None
        self.text, self.bom = theirs.text, theirs.bom
        self._set_blocks(theirs.blocks)
        self._read_bytes = on_disk
        self._applied = theirs._applied

    # ------------------------------------------------------------------ helpers
    def _require_entry(self, key: str) -> Block:
        entry = self.entry(key)
        if entry is None:
            raise EditError(f"no entry with key '{key}'", path=self.path)
        return entry

    def _require_complete(self) -> None:
        if not self.is_complete:
            first = self.failed_blocks[0]
            raise BibParseError(
                f"the file did not parse completely; refusing to rewrite it (first problem: {first.error})",
                path=self.path,
                line=self.line_of(first.start),
            )


_LF = re.compile("\n")
_LINE_BREAK = re.compile("\r\n?|\n")


def line_number(text: str, offset: int) -> int:
    """1-based line of `offset`: `\r\n`, `\n` and a lone `\r` each end a line (as in `line_col`)."""
    return 1 + text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset)


def _same_path(a: Path, b: Path | None) -> bool:
    return b is not None and os.path.abspath(a) == os.path.abspath(b)


def _read_if_present(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BibReadError(f"cannot read it again before writing: {exc.strerror or exc}", path=path) from None


def _byte_index(text: str, step: int = 4096) -> list[tuple[int, int]]:
    """Checkpoints (char offset, byte offset) every `step` characters, for fast conversion."""
    index = [(0, 0)]
    total = 0
    for start in range(0, len(text), step):
        total += len(text[start : start + step].encode("utf-8"))
        index.append((start + step, total))
    return index


def read_bib_bytes(path: Path) -> bytes:
    """A file's bytes; `BibReadError` saying why when it is missing, a folder or unreadable."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BibReadError("no such file", path=path) from None
    except IsADirectoryError:
        raise BibReadError("is a directory, not a .bib file", path=path) from None
    except OSError as exc:
        raise BibReadError(f"cannot read: {exc.strerror or exc}", path=path) from None
