"""bib.atomic: whole files or nothing, the umask's permissions, and failures that say what happened.

The faults are real (a folder where a file goes, a file where a folder goes, a read-only
folder), not simulated; every case also checks that no temporary file is left behind.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from empathy_bib.bib import StagedFiles, WriteError, atomic_write_bytes, atomic_write_text
from empathy_bib.bib.atomic import locked


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _all_files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_a_write_replaces_the_whole_file_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old contents, longer than the new ones\n")
    atomic_write_text(target, "néw\n")
    assert target.read_bytes() == "néw\n".encode()
    assert _all_files(tmp_path) == ["out.txt"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_a_new_file_gets_0666_minus_the_umask(tmp_path: Path, mask: int) -> None:
    old = os.umask(mask)  # this test process only, restored below
    try:
        atomic_write_bytes(tmp_path / "new.txt", b"x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.txt") == 0o666 & ~mask


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "kept.txt"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    atomic_write_bytes(target, b"new")
    assert _mode(target) == 0o640
    assert target.read_bytes() == b"new"


def test_a_single_write_into_a_missing_folder_fails_and_names_the_target(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "out.txt"
    with pytest.raises(WriteError) as caught:
        atomic_write_bytes(target, b"x")
    assert str(target) in str(caught.value)
    assert caught.value.exit_code == 2
    assert _all_files(tmp_path) == []


def test_a_folder_where_a_file_goes_fails_before_anything_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "b.txt").mkdir()
    with pytest.raises(WriteError) as caught, StagedFiles() as commit:
        commit.stage(tmp_path / "a.txt", b"new a")
        commit.stage(tmp_path / "sub" / "c.txt", b"new c")
        commit.stage(tmp_path / "b.txt", b"new b")
        commit.replace_all()
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'b.txt'}: ")
    assert "is a directory" in message and "nothing was replaced" in message
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert _all_files(tmp_path) == ["a.txt", "b.txt"]  # no temporary file, no folder `sub`


def test_a_file_where_a_folder_goes_fails_and_removes_the_folders_it_made(tmp_path: Path) -> None:
    (tmp_path / "bib").write_bytes(b"a file, not a folder")
    with pytest.raises(WriteError) as caught, StagedFiles() as commit:
        commit.stage(tmp_path / "new" / "deep" / "x.txt", b"x")
        commit.stage(tmp_path / "bib" / "cat.bib", b"y")
        commit.replace_all()
    message = str(caught.value)
    assert str(tmp_path / "bib" / "cat.bib") in message and "nothing was replaced" in message
    assert _all_files(tmp_path) == ["bib"]
    assert (tmp_path / "bib").read_bytes() == b"a file, not a folder"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_fails_and_names_the_target(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "out.txt").write_bytes(b"old")
    (tmp_path / "a.txt").write_bytes(b"old a")
    os.chmod(locked, 0o555)
    try:
        with pytest.raises(WriteError) as caught, StagedFiles() as commit:
            commit.stage(tmp_path / "a.txt", b"new a")
            commit.stage(locked / "out.txt", b"new")
            commit.replace_all()
    finally:
        os.chmod(locked, 0o755)
    assert str(locked / "out.txt") in str(caught.value) and "nothing was replaced" in str(caught.value)
    assert (locked / "out.txt").read_bytes() == b"old"
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert _all_files(tmp_path) == ["a.txt", "locked", "locked/out.txt"]


def test_a_rename_that_fails_part_way_puts_back_what_was_replaced(tmp_path: Path) -> None:
    # The target turns into a folder between staging and renaming: the second rename fails for
    # real (for root too) after the first has happened.
    (tmp_path / "a.txt").write_bytes(b"old a")
    with pytest.raises(WriteError) as caught, StagedFiles() as commit:
        commit.stage(tmp_path / "a.txt", b"new a")
        commit.stage(tmp_path / "new" / "n.txt", b"new n")
        commit.stage(tmp_path / "b.txt", b"new b")
        commit.stage(tmp_path / "c.txt", b"new c")
        (tmp_path / "b.txt").mkdir()
        commit.replace_all()
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'b.txt'}: cannot replace the file")
    assert "nothing was replaced" in message
    assert caught.value.exit_code == 2
    assert (tmp_path / "a.txt").read_bytes() == b"old a"
    assert _all_files(tmp_path) == ["a.txt", "b.txt"]  # no temporary file, no folder `new`


@pytest.mark.parametrize("failing_call", [1, 2, 3])
def test_a_rename_failing_at_the_nth_call_leaves_every_target_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing_call: int
) -> None:
    old = {"a.txt": b"old a", "b.txt": b"old b"}  # c.txt is new
    for name, data in old.items():
        (tmp_path / name).write_bytes(data)
    os.chmod(tmp_path / "b.txt", 0o640)
    inode = (tmp_path / "a.txt").stat().st_ino
    real_replace, calls = os.replace, []

    def flaky_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(dst)
        if len(calls) == failing_call:
            raise OSError(5, "Input/output error", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(WriteError) as caught, StagedFiles() as commit:
        for name in ("a.txt", "b.txt", "c.txt"):
            commit.stage(tmp_path / name, b"new " + name.encode())
        commit.replace_all()
    failed = ("a.txt", "b.txt", "c.txt")[failing_call - 1]
    assert str(caught.value) == (
        f"{tmp_path / failed}: cannot replace the file: Input/output error; nothing was replaced"
    )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == old
    assert (tmp_path / "a.txt").stat().st_ino == inode  # the very file, not a copy
    assert _mode(tmp_path / "b.txt") == 0o640


def test_a_target_that_cannot_be_put_back_is_named_with_where_its_old_content_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_bytes(b"old a")
    (tmp_path / "b.txt").write_bytes(b"old b")
    real_replace, calls = os.replace, []

    def failing_from_the_second(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append(dst)
        if len(calls) >= 2:
            raise OSError(28, "No space left on device", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_from_the_second)
    with pytest.raises(WriteError) as caught, StagedFiles() as commit:
        commit.stage(tmp_path / "a.txt", b"new a")
        commit.stage(tmp_path / "b.txt", b"new b")
        commit.replace_all()
    message = str(caught.value)
    assert f"could not put back: {tmp_path / 'a.txt'} (its old content is in {tmp_path}" in message
    kept = [p for p in tmp_path.iterdir() if p.name.startswith(".a.txt.")]
    assert len(kept) == 1 and kept[0].read_bytes() == b"old a"  # the one temporary file kept, named


def test_a_commit_keeps_nothing_beside_its_targets(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"old a")
    with StagedFiles() as commit:
        commit.stage(tmp_path / "a.txt", b"new a")
        commit.stage(tmp_path / "b.txt", b"new b")
        commit.replace_all()
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a.txt": b"new a", "b.txt": b"new b"}


def test_leaving_without_replacing_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError), StagedFiles() as commit:
        commit.stage(tmp_path / "sub" / "a.txt", b"a")
        raise RuntimeError("a template failed")
    assert _all_files(tmp_path) == []


def test_a_symlinked_target_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real" / "out.txt"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "out.txt"
    link.symlink_to(Path("real") / "out.txt")
    with StagedFiles() as commit:
        commit.stage(link, b"new\n")
        commit.replace_all()
    assert link.is_symlink() and real.read_text() == "new\n"
    assert _all_files(tmp_path) == ["out.txt", "real", "real/out.txt"]


def test_a_read_only_target_is_refused_before_anything_is_replaced(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("a\n")
    second.write_text("b\n")
    second.chmod(0o444)  # refused even for root, who could write it: as editors and git do
    with pytest.raises(WriteError) as caught, StagedFiles() as commit:
        commit.stage(first, b"A\n")
        commit.stage(second, b"B\n")
        commit.replace_all()
    assert "read-only" in str(caught.value) and str(second) in str(caught.value)
    assert first.read_text() == "a\n" and second.read_text() == "b\n"
    assert _all_files(tmp_path) == ["a.txt", "b.txt"]


def test_the_write_lock_excludes_a_second_holder_and_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "references.bib"
    target.write_text("x\n")
    with locked(target) as real:
        assert real == target
        with (
            pytest.raises(WriteError, match="another program holds the write lock"),
            locked(target, wait=0.2),
        ):
            pass
    assert _all_files(tmp_path) == ["references.bib"]


def test_a_lock_file_left_by_a_crashed_writer_does_not_block(tmp_path: Path) -> None:
    target = tmp_path / "references.bib"
    target.write_text("x\n")
    (tmp_path / ".references.bib.lock").write_text("")
    with locked(target, wait=0.2):
        pass
    assert _all_files(tmp_path) == ["references.bib"]


def test_the_lock_of_a_symlink_is_its_files(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "real.bib").write_text("x\n")
    (tmp_path / "references.bib").symlink_to(Path("data") / "real.bib")
    with locked(tmp_path / "references.bib") as real:
        assert real == (tmp_path / "data" / "real.bib").resolve()
        assert (tmp_path / "data" / ".real.bib.lock").exists()
        with pytest.raises(WriteError), locked(tmp_path / "data" / "real.bib", wait=0.2):
            pass
