"""Template output, produced in many small strings, to UTF-8 bytes a batch at a time.

Only finished outputs are held in memory: a long list's README as one Python string with a
single emoji costs 4 bytes a character, its UTF-8 bytes about one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from operator import itemgetter

_BATCH = 4096  # chunks joined, tidied and encoded at a time (a few hundred kB of text)


def batches(chunks: Iterable[str], size: int | None = None) -> Iterator[str]:
    """The chunks joined `size` (default `_BATCH`) at a time (islice and join do the counting, in C)."""
    size = size or _BATCH
    iterator = iter(chunks)
    while batch := list(islice(iterator, size)):
        yield "".join(batch)


def to_bytes(chunks: Iterable[str], batch_size: int | None = None) -> bytes:
    """The chunks' UTF-8 bytes, `batch_size` chunks joined and encoded at a time (large chunks,
    such as the feed's entries, want small batches: a batch is held as text before it is encoded)."""
    return b"".join(batch.encode("utf-8") for batch in batches(chunks, batch_size))


def tidy_to_bytes(chunks: Iterable[str]) -> bytes:
    """`"\\n".join(l.rstrip() for l in text.split("\\n")).strip("\\n") + "\\n"`, encoded, streamed.

    Each line loses its trailing blanks; blank lines at the start and the end go; the text ends
    with one newline. Lines are handled a batch at a time; empty lines at a batch's end are
    held back until a line with text follows (they are dropped at the very end).

    The lines are cut and trimmed as UTF-8 bytes, not as text: a page with one emoji per paper
    is text of 4 bytes a character, so splitting and joining its bytes moves a quarter of the
    memory (`_rstrip_lines` gives what `str.rstrip` gives).
    """
    out: list[bytes] = []
    partial = b""  # the unfinished last line of the text seen so far
    held = 0  # empty lines seen since the last line with text
    started = False  # a line with text has been written
    for batch in batches(chunks):
        # A batch's bytes split at "\n" (a byte no longer UTF-8 sequence holds): the partial
        # line joins the first piece, the last piece is unfinished.
        lines = batch.encode("utf-8").split(b"\n")
        lines[0] = partial + lines[0]
        partial = lines.pop()
        if lines:
            started, held = _emit_lines(lines, out, started, held)
    started, held = _emit_lines([partial], out, started, held)
    out.append(b"\n")
    return b"".join(out)


def _emit_lines(lines: list[bytes], out: list[bytes], started: bool, held: int) -> tuple[bool, int]:
    # Joined first: an empty line is then one "\n" more at an end of the text.
    joined = b"\n".join(_rstrip_lines(lines))
    body = joined.strip(b"\n")
    if not body:
        return started, held + len(lines)
    leading = len(joined) - len(joined.lstrip(b"\n"))
    trailing = len(joined) - len(joined.rstrip(b"\n"))
    if started:  # the separator apart: `separator + body` would copy the body once more
        out.append(b"\n" * (held + leading + 1))
    out.append(body)
    return True, trailing


# The last byte of the UTF-8 form of each character `str.isspace` calls a blank and
# `bytes.rstrip` keeps: U+001C..U+001F, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028,
# U+2029, U+202F, U+205F, U+3000.
_LAST_BYTE_OF_OTHER_BLANKS = frozenset(
    bytes([b]) for b in (0x1C, 0x1D, 0x1E, 0x1F, 0x85, 0xA0, *range(0x80, 0x8B), 0xA8, 0xA9, 0xAF, 0x9F)
)
_LAST_BYTE = itemgetter(slice(-1, None))


def _rstrip_lines(lines: list[bytes]) -> list[bytes]:
    """Each UTF-8 line as `str.rstrip` leaves it: `bytes.rstrip` (ASCII blanks) for all, then
    the text's own `rstrip` for the few lines that still end in a byte other blanks end in."""
    stripped = list(map(bytes.rstrip, lines))
    if _LAST_BYTE_OF_OTHER_BLANKS.isdisjoint(map(_LAST_BYTE, stripped)):
        return stripped
    return [
        line.decode("utf-8").rstrip().encode("utf-8") if line[-1:] in _LAST_BYTE_OF_OTHER_BLANKS else line
        for line in stripped
    ]
