"""Writing the outputs: only changed files, all or nothing, usual permissions, failures that say so."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from empathy_bib.bib import WriteError
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


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_new_files_get_the_usual_permissions_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("old\n")
    os.chmod(tmp_path / "kept.txt", 0o640)
    old = os.umask(0o027)  # this test process only, restored below
    try:
        write_outputs({"kept.txt": b"new\n", "fresh.txt": b"new\n"}, tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "kept.txt").stat().st_mode) == 0o640


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_folder_where_an_output_goes_stops_everything_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("old\n")
    (tmp_path / "site" / "index.html").mkdir(parents=True)
    outputs = {"README.md": b"new\n", "bib/a.bib": b"a\n", "site/index.html": b"<html>\n"}
    with pytest.raises(WriteError) as caught:
        write_outputs(outputs, tmp_path)
    assert caught.value.exit_code == 2
    assert str(caught.value).startswith(f"{tmp_path / 'site' / 'index.html'}: cannot write: ")
    assert "nothing was replaced" in str(caught.value)
    assert (tmp_path / "README.md").read_text() == "old\n"
    assert _files(tmp_path) == ["README.md", "site", "site/index.html"]  # no temporary file, no bib/


def test_a_file_where_an_output_folder_goes_stops_everything_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "bib").write_text("not a folder\n")
    with pytest.raises(WriteError) as caught:
        write_outputs({"README.md": b"new\n", "bib/a.bib": b"a\n"}, tmp_path)
    assert str(tmp_path / "bib" / "a.bib") in str(caught.value)
    assert _files(tmp_path) == ["bib"]


def test_a_rename_failing_part_way_puts_back_every_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "README.md").write_text("old readme\n")
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "a.bib").write_text("old a\n")
    before = {name: (tmp_path / name).read_bytes() for name in ("README.md", "bib/a.bib")}
    real_replace, calls = os.replace, []

    def second_rename_fails(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(dst)
        if len(calls) == 2:
            raise PermissionError(13, "Permission denied", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_rename_fails)
    outputs = {"README.md": b"new\n", "bib/a.bib": b"a\n", "site/index.html": b"<html>\n"}
    with pytest.raises(WriteError) as caught:
        write_outputs(outputs, tmp_path)
    assert caught.value.exit_code == 2
    assert str(caught.value) == (
        f"{tmp_path / 'bib' / 'a.bib'}: cannot replace the file: Permission denied; nothing was replaced"
    )
    assert {name: (tmp_path / name).read_bytes() for name in before} == before
    assert _files(tmp_path) == ["README.md", "bib", "bib/a.bib"]  # no temporary file, no site/
