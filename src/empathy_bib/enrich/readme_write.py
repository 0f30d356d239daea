"""`import` writes two files, the list and its taxonomy: both or neither, as `BibFile.save` would.

Under both write locks, each file on disk is compared with the bytes read at the start; if
either changed meanwhile (an `add`, a hand edit), nothing is written. Otherwise both are staged
and renamed together (`bib.atomic.StagedFiles`): a failure part way leaves both as they were.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from ..bib import BibFile, StagedFiles
from ..bib.atomic import WriteError, locked
from ..errors import EditError


@dataclass(frozen=True)
class FileChange:
    path: Path
    before: bytes | None  # as read at the start (None: the file did not exist)
    after: bytes

    @property
    def changed(self) -> bool:
        return self.before != self.after


def bib_change(bib: BibFile, path: Path, before: bytes | None) -> FileChange:
    bib.require_unique_keys()  # a file with two entries of one key is never rewritten
    return FileChange(path, before, bib.to_bytes())


def save_together(changes: list[FileChange]) -> list[Path]:
    """Write every changed file, all or none, refusing when one changed on disk; the paths written."""
    todo = [c for c in changes if c.changed]
    if not todo:
        return []
    for change in todo:  # a new list's folders (styles/): the lock file goes beside the target
        try:
            change.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(
                f"cannot create the folder: {exc.strerror or exc}; nothing was written",
                path=change.path.parent,
            ) from None
    with contextlib.ExitStack() as stack:
        real = [stack.enter_context(locked(c.path)) for c in todo]
        for change, path in zip(todo, real, strict=True):
            if _read(path) != change.before:
                raise EditError(
                    "the file changed while this command ran; nothing was written; run again",
                    path=change.path,
                )
        with StagedFiles() as commit:
            for change, path in zip(todo, real, strict=True):
                commit.stage(path, change.after)
            commit.replace_all()
    return [c.path for c in todo]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
