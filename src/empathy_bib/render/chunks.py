"""Template output, produced in many small strings, to UTF-8 bytes a batch at a time.

Only finished outputs are held in memory: a long list's README as one Python string with a
single emoji costs 4 bytes a character, its UTF-8 bytes about one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

_BATCH = 4096  # chunks joined, tidied and encoded at a time (a few hundred kB of text)


def batches(chunks: Iterable[str], size: int = _BATCH) -> Iterator[str]:
    """The chunks joined `size` at a time (islice and join do the counting, in C)."""
    iterator = iter(chunks)
    while batch := list(islice(iterator, size)):
        yield "".join(batch)


def to_bytes(chunks: Iterable[str], batch_size: int = _BATCH) -> bytes:
    """The chunks' UTF-8 bytes, `batch_size` chunks joined and encoded at a time (large chunks,
    such as the feed's entries, want small batches: a batch is held as text before it is encoded)."""
    return b"".join(batch.encode("utf-8") for batch in batches(chunks, batch_size))


def tidy_to_bytes(chunks: Iterable[str]) -> bytes:
    """`"\\n".join(l.rstrip() for l in text.split("\\n")).strip("\\n") + "\\n"`, encoded, streamed.

    Each line loses its trailing blanks; blank lines at the start and the end go; the text ends
    with one newline. Lines are handled a batch at a time; empty lines at a batch's end are
    held back until a line with text follows (they are dropped at the very end).
    """
    out: list[bytes] = []
    partial = ""  # the unfinished last line of the text seen so far
    held = 0  # empty lines seen since the last line with text
    started = False  # a line with text has been written
    for batch in batches(chunks):
        # Split as it comes (no copy of the batch with the partial line before it, nor of its
        # finished part): the partial line joins the first piece, the last piece is unfinished.
        lines = batch.split("\n")
        lines[0] = partial + lines[0]
        partial = lines.pop()
        if lines:
            started, held = _emit_lines(lines, out, started, held)
    started, held = _emit_lines([partial], out, started, held)
    out.append(b"\n")
    return b"".join(out)


def _emit_lines(lines: list[str], out: list[bytes], started: bool, held: int) -> tuple[bool, int]:
    # Joined first: an empty line is then one "\n" more at an end of the text.
    joined = "\n".join(map(str.rstrip, lines))
    body = joined.strip("\n")
    if not body:
        return started, held + len(lines)
    leading = len(joined) - len(joined.lstrip("\n"))
    trailing = len(joined) - len(joined.rstrip("\n"))
    if started:  # the separator apart: `separator + body` would copy the body once more
        out.append(b"\n" * (held + leading + 1))
    out.append(body.encode("utf-8"))
    return True, trailing
