"""Stage 1, parse: a lossless view of a `.bib` file, with source positions and surgical edits.

bibtexparser 2.x's splitter cuts the text into blocks (entries, @string, @preamble, @comment,
free text, failed blocks). We keep the original text untouched and, for every block and every
field, its exact span in it. Saving an unedited file therefore gives back the same bytes, and
an edit is a splice of the few characters it must change; the file is re-split afterwards so
that every position stays true.

Offsets are character offsets into `BibFile.text` (the decoded file without its BOM);
`byte_offset()` converts to offsets in the file's bytes. Lines and columns are 1-based.
"""

from __future__ import annotations

import bisect
import contextlib
import logging
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import bibscan

if TYPE_CHECKING:
    from bibtexparser import model as bpmodel
from .bibscan import FieldSpan
from .errors import BibParseError, BibReadError, EditError

BOM = "\ufeff"

# The splitter logs every failed block as a warning; we report them ourselves, located.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

# Month macros every BibTeX style and biber predefine.
MONTH_MACROS = {
    m: m for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
}


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


@dataclass(frozen=True)
class Splice:
    """Replace text[start:end] with `text`. An insertion has start == end."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Resolved:
    """A field value evaluated as BibTeX does: delimiters removed, macros expanded, `#` joined."""

    text: str
    undefined_macros: tuple[str, ...] = ()


@dataclass
class BibFile:
    text: str
    path: Path | None = None
    bom: bool = False
    blocks: list[Block] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)
    _byte_index: list[tuple[int, int]] | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> BibFile:
        """Read and split a file. Raises `BibReadError` (missing, a directory, not UTF-8)."""
        p = Path(path)
        return cls.from_bytes(read_bib_bytes(p), path=p)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path | None = None) -> BibFile:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
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
        bib._split(fast=fast)
        return bib

    def _split(self, fast: bool = True) -> None:
        self._line_starts = []
        self._byte_index = None
        scanned = bibscan.scan(self.text) if fast else None
        if scanned is not None:
            self.blocks = [_block_from_scan(self.text, sb) for sb in scanned]
            return
        # bibtexparser is imported only here: files the fast scanner reads never pay for it.
        from bibtexparser.splitter import Splitter

        try:
            library = Splitter(self.text).split()
        except Exception as exc:  # the splitter's own bugs must not become tracebacks
            raise BibParseError(f"the BibTeX splitter failed: {exc}", path=self.path) from None
        self.blocks = list(_locate_blocks(self.text, library.blocks))

    # ------------------------------------------------------------------ queries
    @property
    def newline(self) -> str:
        """The file's line ending, so that inserted lines match it."""
        return "\r\n" if "\r\n" in self.text[:100_000] else "\n"

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
        """The entry with this citation key; BibTeX compares keys case-insensitively."""
        folded = key.lower()
        for b in self.blocks:
            if b.kind is BlockKind.ENTRY and b.key is not None and b.key.lower() == folded:
                return b
        return None

    @property
    def macros(self) -> dict[str, str]:
        """@string definitions (lower-cased names) resolved in file order, month names included."""
        defined: dict[str, str] = dict(MONTH_MACROS)
        for b in self.blocks:
            if b.kind is BlockKind.STRING and b.key:
                raw = _string_value(b.raw)
                defined[b.key.strip().lower()] = resolve_value(raw, defined).text
        return defined

    def value(self, entry: Block, name: str, macros: dict[str, str] | None = None) -> str | None:
        """The BibTeX value of a field (macros expanded, outer delimiters removed), or None."""
        f = entry.field(name)
        if f is None:
            return None
        return resolve_value(f.raw_value, self.macros if macros is None else macros).text

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        if not self._line_starts:
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        i = bisect.bisect_right(self._line_starts, offset) - 1
        col = offset - self._line_starts[i] + 1
        return i + 1, col + (1 if self.bom and i == 0 else 0)

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
        _check_value(value)
        existing = [f for f in entry.fields if f.key == name.lower()]
        if len(existing) > 1:
            raise EditError(f"entry '{entry.key}' has field '{name}' more than once", path=self.path)
        if existing:
            f = existing[0]
            return Splice(f.value_start, f.value_end, "{" + value + "}")
        return self._plan_insert(entry, name, value)

    def plan_remove_field(self, key: str, name: str) -> Splice:
        entry = self._require_entry(key)
        f = entry.field(name)
        if f is None:
            raise EditError(f"entry '{entry.key}' has no field '{name}'", path=self.path)
        return self._plan_remove(entry, f)

    def plan_append(self, entry_text: str) -> Splice:
        """The splice that appends an entry at the end, separated like a blank line."""
        nl = self.newline
        body = entry_text.strip("\n").replace("\r\n", "\n").replace("\n", nl) + nl
        end = len(self.text)
        if not self.text:
            return Splice(end, end, body)
        if self.text.endswith(nl + nl) or self.text.endswith("\n\n"):
            sep = ""
        elif self.text.endswith("\n"):
            sep = nl
        else:
            sep = nl + nl
        return Splice(end, end, sep + body)

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
        ordered = sorted(enumerate(splices), key=lambda p: (p[1].start, p[0]))
        pieces: list[str] = []
        cursor = 0
        for _, s in ordered:
            if s.start < cursor or s.end < s.start or s.end > len(self.text):
                raise EditError("overlapping or out-of-range edits", path=self.path)
            pieces.append(self.text[cursor : s.start])
            pieces.append(s.text)
            cursor = s.end
        pieces.append(self.text[cursor:])
        old_text, old_blocks, old_lines = self.text, self.blocks, self._line_starts
        self.text = "".join(pieces)
        try:
            self._split()
            self._require_complete()
        except (BibParseError, EditError):
            self.text, self.blocks, self._line_starts = old_text, old_blocks, old_lines
            self._byte_index = None
            raise EditError(
                "the edit would leave the file unparsable; nothing changed", path=self.path
            ) from None

    # ------------------------------------------------------------------ saving
    def to_bytes(self) -> bytes:
        return ((BOM if self.bom else "") + self.text).encode("utf-8")

    def save(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write atomically: a temporary file in the same folder, fsync, then os.replace."""
        self._require_complete()
        target = Path(path) if path is not None else self.path
        if target is None:
            raise EditError("no path to save to")
        atomic_write_bytes(target, self.to_bytes())

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

    def _line_start(self, offset: int) -> int:
        return self.text.rfind("\n", 0, offset) + 1

    def _only_blanks_before(self, offset: int) -> bool:
        return self.text[self._line_start(offset) : offset].strip() == ""

    def _plan_insert(self, entry: Block, name: str, value: str) -> Splice:
        nl = self.newline
        name = name.upper() if all(f.name.isupper() for f in entry.fields) and entry.fields else name.lower()
        if not entry.fields:
            return self._plan_insert_into_empty(entry, name, value)
        last = entry.fields[-1]
        equals = self.text[last.name_end : last.value_start]
        if "\n" in equals or "=" not in equals:
            equals = " = "
        assignment = f"{name}{equals}{{{value}}}"
        after_value = _skip_blanks(self.text, last.value_end)
        has_comma = after_value < len(self.text) and self.text[after_value] == ","
        if self._only_blanks_before(last.name_start):
            indent = self.text[self._line_start(last.name_start) : last.name_start]
            if has_comma:
                line_end = self.text.find("\n", after_value)
                if line_end != -1 and self.text[after_value + 1 : line_end].strip() in ("", "\r"):
                    return Splice(line_end + 1, line_end + 1, f"{indent}{assignment},{nl}")
                return Splice(after_value + 1, after_value + 1, f" {assignment},")
            start = self._line_start(last.name_start)
            return Splice(start, start, f"{indent}{assignment},{nl}")
        if has_comma:
            return Splice(after_value + 1, after_value + 1, f" {assignment},")
        return Splice(last.value_end, last.value_end, f", {assignment}")

    def _plan_insert_into_empty(self, entry: Block, name: str, value: str) -> Splice:
        close = entry.end - 1  # the closing delimiter
        head = self.text[entry.start : close]
        sep = " " if head.rstrip().endswith(",") else ", "
        at = entry.start + len(head.rstrip())
        return Splice(at, at, f"{sep}{name} = {{{value}}}")

    def _plan_remove(self, entry: Block, f: FieldSpan) -> Splice:
        after_value = _skip_blanks(self.text, f.value_end)
        has_comma = after_value < len(self.text) and self.text[after_value] == ","
        end = after_value + 1 if has_comma else f.value_end
        line_end = self.text.find("\n", end)
        rest_of_line = self.text[end:line_end] if line_end != -1 else ""
        if self._only_blanks_before(f.name_start) and rest_of_line.strip() == "" and line_end != -1:
            return Splice(self._line_start(f.name_start), line_end + 1, "")
        if has_comma:
            return Splice(f.name_start, _skip_blanks(self.text, end), "")
        index = entry.fields.index(f)
        if index > 0:  # last field without comma: drop the comma before it instead
            prev = entry.fields[index - 1]
            return Splice(prev.value_end, f.value_end, "")
        return Splice(f.name_start, f.value_end, "")


# ---------------------------------------------------------------------- module helpers

_BLANK = re.compile(r"[ \t\r\n]*")


def _skip_blanks(text: str, offset: int) -> int:
    m = _BLANK.match(text, offset)
    return m.end() if m else offset


def _check_value(value: str) -> None:
    """A value we write must keep the file parseable: balanced braces, one line."""
    if "\n" in value or "\r" in value:
        raise EditError("a field value must not contain line breaks")
    depth = 0
    for i, ch in enumerate(value):
        if ch == "{" and (i == 0 or value[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or value[i - 1] != "\\"):
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        raise EditError(f"unbalanced braces in value {value!r}")


def _byte_index(text: str, step: int = 4096) -> list[tuple[int, int]]:
    """Checkpoints (char offset, byte offset) every `step` characters, for fast conversion."""
    index = [(0, 0)]
    total = 0
    for start in range(0, len(text), step):
        total += len(text[start : start + step].encode("utf-8"))
        index.append((start + step, total))
    return index


_KINDS = {kind.value: kind for kind in BlockKind}  # a dict lookup is cheaper than BlockKind(value)


def _block_from_scan(text: str, sb: bibscan.ScannedBlock) -> Block:
    raw = text[sb.start : sb.end]
    kind = _KINDS[sb.kind]
    if kind is not BlockKind.ENTRY:
        return Block(kind, sb.start, sb.end, raw, key=sb.key)
    return Block(kind, sb.start, sb.end, raw, key=sb.key, entry_type=sb.entry_type, fields=sb.fields)


def _locate_blocks(text: str, parsed: Iterable[bpmodel.Block]) -> Iterator[Block]:
    """Turn bibtexparser's blocks (raw text, no offsets) into located `Block`s, in file order."""
    cursor = 0
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
        value_start = text.find(f.value, equals + 1, end) if f.value else _skip_blanks(text, equals + 1)
        if value_start < 0:
            value_start = _skip_blanks(text, equals + 1)
        value_end = value_start + len(f.value)
        cursor = value_end
        yield FieldSpan(f.key, name_start, name_end, value_start, value_end, text[value_start:value_end])


# ---------------------------------------------------------------------- values


def _string_value(raw: str) -> str:
    """The raw value of an @string block (`@string{name = value}`)."""
    inner = raw[raw.find("=") + 1 :]
    inner = inner.rstrip()
    if inner.endswith("}") or inner.endswith(")"):
        inner = inner[:-1]
    return inner.strip()


_NUMBER = re.compile(r"\d+")


def split_concatenation(raw: str) -> list[str]:
    """Split a raw value on top-level `#` (BibTeX string concatenation)."""
    if "#" not in raw:  # the common case, without a character-by-character scan
        return [raw.strip()]
    parts: list[str] = []
    depth = 0
    in_quotes = False
    current = 0
    for i, ch in enumerate(raw):
        if ch == "{" and (i == 0 or raw[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or raw[i - 1] != "\\") and depth > 0:
            depth -= 1
        elif ch == '"' and depth == 0:
            in_quotes = not in_quotes
        elif ch == "#" and depth == 0 and not in_quotes:
            parts.append(raw[current:i].strip())
            current = i + 1
    parts.append(raw[current:].strip())
    return parts


def resolve_value(raw: str, macros: dict[str, str]) -> Resolved:
    """Evaluate a raw field value: `{...}`, `"..."`, numbers, macros, and `#` concatenation."""
    out: list[str] = []
    undefined: list[str] = []
    for part in split_concatenation(raw):
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif _NUMBER.fullmatch(part):
            out.append(part)
        elif part.lower() in macros:
            out.append(macros[part.lower()])
        else:
            undefined.append(part)
            out.append(part)
    return Resolved("".join(out), tuple(undefined))


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Replace `target` with `data` atomically, keeping its permissions when it exists."""
    target = Path(target)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:  # a new file gets the usual permissions, not mkstemp's 0600
        mode = 0o666 & ~current_umask()
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


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


def current_umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def atomic_write_text(target: Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))
