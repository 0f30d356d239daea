"""Streamed template output: tidying a batch at a time gives what tidying the whole text gives."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from empathy_bib.render import chunks

# Pieces rich in what the tidy step cares about: line breaks, trailing blanks, empty lines.
PIECES = st.lists(st.text(alphabet=st.sampled_from("ab \t\n\r\u00e9\U0001f600"), max_size=12), max_size=40)


def tidy_whole(text: str) -> bytes:
    """The tidy rule stated on the whole text, independent of batching."""
    return ("\n".join(line.rstrip() for line in text.split("\n")).strip("\n") + "\n").encode("utf-8")


@pytest.mark.parametrize("batch", [1, 2, 3, 4096])
@given(pieces=PIECES)
def test_tidy_is_independent_of_batch_boundaries(batch: int, pieces: list[str]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "_BATCH", batch)
        assert chunks.tidy_to_bytes(pieces) == tidy_whole("".join(pieces))
        assert chunks.to_bytes(pieces) == "".join(pieces).encode("utf-8")
