"""Part of a render worked out in a forked process: validate's verdict (and the CSL-JSON).

Render must refuse a list that validate rejects, and on a long list validate's checks cost about
a quarter of the render. Both only read the parsed file, so where `os.fork` exists a child runs
the checks (then the CSL-JSON, which needs none of the parent's views) on its copy-on-write view
of the file while the parent renders the README and the page; the outputs are committed only
once the child's verdict is in. The machine's second core does the checking.
Short lists, and systems without fork, run the checks in the same process first. Should the
child fail in any way, the parent runs the checks itself: the verdict is the same either way.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# Below this many entries a fork costs more than it saves (the real list takes 0.01 s to check).
FORK_FROM_ENTRIES = 2000


def may_fork(entries: int) -> bool:
    """Fork for a long list, where fork exists, and only from a single-threaded process: a lock
    held by another thread at fork time (an import, a log handler) stays locked in the child."""
    return entries >= FORK_FROM_ENTRIES and hasattr(os, "fork") and threading.active_count() == 1


class Verdict(Generic[T]):
    """A result computed now (inline) or in a child process; `result()` waits for it."""

    def __init__(self, compute: Callable[[], T], entries: int) -> None:
        self._compute = compute
        self._pid = 0
        self._fd = -1
        self._value: tuple[T] | None = None
        self.forked = may_fork(entries)
        if self.forked:
            self._fork()
        else:
            self._value = (compute(),)

    def _fork(self) -> None:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
            os.close(read_fd)
            try:
                payload = pickle.dumps(self._compute())
                with os.fdopen(write_fd, "wb") as out:
                    out.write(payload)
            finally:
                os._exit(0)
        os.close(write_fd)
        self._pid, self._fd = pid, read_fd

    def result(self) -> T:
        if self._value is None:
            self._value = (self._collect(),)
        return self._value[0]

    def _collect(self) -> T:
        with os.fdopen(self._fd, "rb") as pipe:
            payload = pipe.read()
        self._fd = -1
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if status == 0 and payload:
            with contextlib.suppress(Exception):
                return pickle.loads(payload)  # type: ignore[no-any-return]
        return self._compute()  # the child failed: check here instead

    def close(self) -> None:
        """Stop a child whose verdict is no longer wanted (the render failed or was abandoned)."""
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            self._pid = 0
