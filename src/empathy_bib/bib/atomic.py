"""The one way files are written: whole, atomically, with the permissions a user expects.

Every file goes to a temporary file beside its target, created with `os.open(..., 0o666)` so the
OS applies the process's umask (a new file gets the usual permissions; an existing target keeps
its own), is synced to disk, and only then renamed over its target (`os.replace`, atomic on one
file system). A target that is a symbolic link is written through: its resolved file is replaced
and the link stays a link. A target without any write permission is refused, as editors and git
refuse it (decided from its mode bits too: a process running as root may write anything).
`locked` is the advisory lock writers of a shared file (references.bib) hold while they compare
it with what they read and replace it.

A `StagedFiles` commit does this for several files at once, all or none: it stages them all
first, so a failure while staging leaves every target as it was; the renames come last, each
target's old file kept under a temporary name until all are done, so a rename that fails part
way puts the replaced targets back. Either way no temporary file and no folder the commit
created is left behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections.abc import Iterator
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
            target = writable_target(target)
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
        """Rename every staged file over its target, in staging order: all of them, or none.

        Before each rename the target's old file is kept reachable under a temporary name beside
        it (a hard link, or a copy where links are not allowed); if a rename fails part way, the
        targets already replaced get their old file back (new ones are removed), and then every
        temporary file goes. Ctrl-C part way rolls back the same way.
        """
        replaced: list[tuple[Path, Path | None]] = []  # (target, its old file; None: it was new)
        for temporary, target in self._staged:
            try:
                kept = _keep_old(target)
                try:
                    os.replace(temporary, target)
                except BaseException:
                    if kept is not None:
                        _remove(kept)
                    raise
                replaced.append((target, kept))
            except BaseException as exc:
                lost = _roll_back(replaced)
                self.discard()
                if not isinstance(exc, OSError):
                    raise
                raise WriteError(_rename_failure(exc, target, lost), path=target) from None
        for _, kept in replaced:
            if kept is not None:
                _remove(kept)
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


def writable_target(target: Path) -> Path:
    """The file a write to `target` replaces: a symlink's resolved file (so the link stays a link).

    Raises `PermissionError` for an existing file nobody may write (no write bit in its mode) or
    this process may not write; a missing file is fine (it will be created).
    """
    real = Path(os.path.realpath(target)) if target.is_symlink() else target
    try:
        mode = real.stat().st_mode
    except OSError:
        return real  # missing, or a folder on the way is not one: the write itself says why
    if stat.S_ISREG(mode) and (not mode & 0o222 or not os.access(real, os.W_OK)):
        raise PermissionError(13, "the file is read-only (make it writable first)", str(real))
    return real


@contextlib.contextmanager
def locked(target: Path, *, wait: float = 30.0) -> Iterator[Path]:
    """Hold the advisory write lock of `target` (its resolved file); yields that file.

    The lock is a file `.NAME.lock` beside it, locked with `flock` (POSIX) or `msvcrt.locking`
    (Windows) and removed on release. A lock file removed by the previous holder while we waited
    is no lock: we check we hold the one that is on disk, else take it again. `WriteError` when
    another writer holds it longer than `wait` seconds or the folder does not allow it.
    """
    try:
        real = writable_target(target)
    except PermissionError as exc:
        raise WriteError(f"cannot write: {_cause(exc, target)}; nothing was written", path=target) from None
    lock_path = real.with_name(f".{real.name}.lock")
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as exc:
            raise WriteError(f"cannot take the write lock: {_cause(exc, real)}", path=target) from None
        if _try_lock(fd) and _is_current(fd, lock_path):
            break
        os.close(fd)  # closing releases a lock we may hold on a stale lock file
        if time.monotonic() > deadline:
            raise WriteError(
                f"another program holds the write lock ({lock_path}) since {wait:.0f} s; "
                "nothing was written; try again when it is done",
                path=target,
            )
        time.sleep(0.05)
    try:
        yield real
    finally:
        with contextlib.suppress(OSError):  # while still holding it: a waiter then sees it is stale
            os.unlink(lock_path)
        os.close(fd)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


def _is_current(fd: int, lock_path: Path) -> bool:
    """Whether `fd` is the lock file now at `lock_path` (not one its holder removed meanwhile)."""
    try:
        on_disk = os.stat(lock_path)
    except OSError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


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
    on_the_way = folder.parents[len(missing) - 1] if missing else folder  # the nearest that exists
    if not on_the_way.is_dir():  # mkdir would say only "File exists"
        raise NotADirectoryError(20, "is a file, not a folder", str(on_the_way))
    folder.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def _write_temporary(target: Path, data: bytes, mode: int | None) -> Path:
    for _ in range(100):  # a name clash means another writer is at work beside us: pick another
        temporary = _temporary_name(target)
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


def _keep_old(target: Path) -> Path | None:
    """The target's current file under a temporary name beside it, so a failed commit can put it
    back; None when there is nothing to keep (no such file, or a folder, which the rename refuses)."""
    try:
        st = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return None
    for _ in range(100):
        kept = _temporary_name(target)
        try:
            os.link(target, kept, follow_symlinks=False)  # the same file: nothing copied
        except FileExistsError:
            continue
        except OSError:  # a file system without hard links: a copy, with the file's mode
            return _write_temporary(target, target.read_bytes(), stat.S_IMODE(st.st_mode))
        return kept
    raise FileExistsError(17, "no free temporary file name", str(target.parent))


def _roll_back(replaced: list[tuple[Path, Path | None]]) -> list[str]:
    """Put back the old file of every target already replaced (remove those that were new);
    describes those that could not be put back and where their old file is."""
    lost = []
    for target, kept in reversed(replaced):
        try:
            if kept is None:
                os.unlink(target)
            else:
                os.replace(kept, target)
        except OSError as exc:
            where = f"its old content is in {kept}" if kept is not None else "it is new"
            lost.append(f"{target} ({where}; {exc.strerror or exc})")
    return lost


def _rename_failure(exc: OSError, target: Path, lost: list[str]) -> str:
    if not lost:
        return f"cannot replace the file: {_cause(exc, target)}; nothing was replaced"
    return f"cannot replace the file: {_cause(exc, target)}; could not put back: {', '.join(lost)}"


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.urandom(4).hex()}.tmp")


def _cause(exc: OSError, target: Path) -> str:
    """The OS's reason, naming the path it concerns when that is a folder on the way to `target`."""
    reason = exc.strerror or str(exc)
    concerns = Path(exc.filename) if exc.filename else None
    if concerns is None or concerns == target or concerns.name.endswith(".tmp"):
        return reason
    return f"{reason}: {concerns}"
