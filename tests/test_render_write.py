"""Writing the outputs: only changed files, all or nothing, usual permissions."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from empathy_bib.render import stale_outputs, write_outputs


def test_only_changed_outputs_are_written(tmp_path: Path) -> None:
    (tmp_path / "same.txt").write_bytes(b"same\n")
    outputs: dict[str, str | bytes] = {"same.txt": b"same\n", "sub/new.txt": "néw\n"}
    assert stale_outputs(outputs, tmp_path) == ["sub/new.txt"]
    assert write_outputs(outputs, tmp_path) == ["sub/new.txt"]
    assert (tmp_path / "sub/new.txt").read_text(encoding="utf-8") == "néw\n"
    assert stale_outputs(outputs, tmp_path) == []


def test_an_error_part_way_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old\n")

    def outputs() -> Iterator[tuple[str, bytes]]:
        yield "a.txt", b"new\n"
        yield "b.txt", b"new\n"
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        write_outputs(outputs(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]  # no temporary file left
    assert (tmp_path / "a.txt").read_text() == "old\n"


def test_new_files_get_the_usual_permissions_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("old\n")
    os.chmod(tmp_path / "kept.txt", 0o640)
    write_outputs({"kept.txt": b"new\n", "fresh.txt": b"new\n"}, tmp_path)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((tmp_path / "kept.txt").stat().st_mode) == 0o640
