"""The one way files are written: whole, atomically, with the permissions a user expects.

Every file goes to a temporary file beside its target, created with `os.open(..., 0o666)` so the
OS applies the process's umask (a new file gets the usual permissions; an existing target keeps
its own), is synced to disk, and only then renamed over its target (`os.replace`, atomic on one
file system). A `StagedFiles` commit does this for several files at once: it stages them all
first, so a failure while staging leaves every target as it was; the renames come last, and if
one of them fails the error says which targets were already replaced. Either way no temporary
file and no folder the commit created is left behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from types import TracebackType

from ..errors import EmpathyBibError

_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


class WriteError(EmpathyBibError):
    """A file could not be written; says which outputs, if any, were already replaced (exit 2)."""


def atomic_write_bytes(target: str | os.PathLike[str], data: bytes) -> None:
    """Replace `target` with `data` atomically (its folder must exist); raises `WriteError`."""
    with StagedFiles(make_folders=False) as commit:
        commit.stage(Path(target), data)
        commit.replace_all()


def atomic_write_text(target: str | os.PathLike[str], text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


class StagedFiles:
    """An all-or-nothing write of several files: `stage` each, then `replace_all`.

    Used as a context manager: leaving the block without `replace_all` (an exception while the
    outputs are produced) removes every temporary file and every folder the commit created.
    """

    def __init__(self, *, make_folders: bool = True) -> None:
        self._make_folders = make_folders
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._created: list[Path] = []  # folders made for the targets, outermost first

    def __enter__(self) -> StagedFiles:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.discard()

    @property
    def targets(self) -> list[Path]:
        return [target for _, target in self._staged]

    def stage(self, target: Path, data: bytes) -> None:
        """`data` in a synced temporary file beside `target`, with the mode `target` should have."""
        try:
            mode = _mode_to_keep(target)
            if self._make_folders:
                self._created.extend(_make_folders(target.parent))
            temporary = _write_temporary(target, data, mode)
        except OSError as exc:
            self.discard()
            raise WriteError(
                f"cannot write: {_cause(exc, target)}; nothing was replaced", path=target
            ) from None
        self._staged.append((temporary, target))

    def replace_all(self) -> None:
        """Rename every staged file over its target, in staging order."""
        for done, (temporary, target) in enumerate(self._staged):
            try:
                os.replace(temporary, target)
            except OSError as exc:
                replaced = [str(t) for _, t in self._staged[:done]]
                self._staged = self._staged[done:]
                self.discard()
                raise WriteError(
                    f"cannot replace the file: {_cause(exc, target)}; "
                    f"already replaced: {', '.join(replaced) or 'nothing'}",
                    path=target,
                ) from None
        self._staged = []
        self._created = []

    def discard(self) -> None:
        """Remove the temporary files not yet renamed and the folders made for them (if empty)."""
        for temporary, _ in self._staged:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        self._staged = []
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):  # not empty: an output was already renamed into it
                folder.rmdir()
        self._created = []


def _mode_to_keep(target: Path) -> int | None:
    """The permissions of an existing target (None for a new one); refuses a folder as target."""
    try:
        st = target.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a file where a folder of the path should be: _make_folders says so
        return None
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(21, "is a directory", str(target))
    return stat.S_IMODE(st.st_mode)


def _make_folders(folder: Path) -> list[Path]:
    """Create `folder` and missing parents; returns those it created, outermost first."""
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _write_temporary(target: Path, data: bytes, mode: int | None) -> Path:
    for _ in range(100):  # a name clash means another writer is at work beside us: pick another
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(temporary, _FLAGS, 0o666)  # the OS applies the umask
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(17, "no free temporary file name", str(target.parent))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def _cause(exc: OSError, target: Path) -> str:
    """The OS's reason, naming the path it concerns when that is a folder on the way to `target`."""
    reason = exc.strerror or str(exc)
    concerns = Path(exc.filename) if exc.filename else None
    if concerns is None or concerns == target or concerns.name.endswith(".tmp"):
        return reason
    return f"{reason}: {concerns}"
