"""validate's verdict on the list: render refuses on its error findings, and commits nothing before it.

The refusals are validate's own `Diagnostic`s (a block that does not parse, an entry type with
no template, an entry with no category, a keyword that names no category taking papers, and
every other error validate reports), so one mistake is reported once, where validate puts it.

The checks run here, before anything is rendered, or (`render --jobs 2`) in a worker process
of a `concurrent.futures` executor while this one renders the README and the page
(`PendingVerdict`). The worker shares nothing with this process (it may be spawned): it gets the
file's bytes, its name and the taxonomy, parses and checks on its own, and sends back the error
findings and, when there are none, the CSL-JSON. A worker that raises or dies is an error
(`WorkerFailed`): the checks are never silently run again here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..bib import BibFile
from ..errors import EmpathyBibError
from ..record import papers_of
from ..taxonomy import Taxonomy
from . import csljson

if TYPE_CHECKING:  # `render --jobs 1` never loads concurrent.futures nor multiprocessing
    from concurrent.futures import Executor, Future

    from ..check import Diagnostic


class RenderRefused(EmpathyBibError):
    """The list has errors (validate's error findings); nothing was written (exit 2)."""

    def __init__(self, errors: Sequence[Diagnostic]):
        count = len(errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the list; nothing was written")
        self.errors = list(errors)


class WorkerFailed(EmpathyBibError):
    """The worker process checking the list raised or died; nothing was written (exit 3)."""

    exit_code = 3


@dataclass(frozen=True)
class Verdict:
    """What the checks found, and the CSL-JSON when they found no error."""

    errors: list[Diagnostic]
    csl_json: bytes | None  # None: not made (the list has errors, or the caller makes it)


def error_findings(bib: BibFile, taxonomy: Taxonomy, path: str) -> list[Diagnostic]:
    """validate's error-severity findings on the list, in file order, but for LaTeX safety (E6xx):
    the outputs render writes do not go through LaTeX (validate still fails on those)."""
    # Here: with `render --jobs 2`, only the worker checks; the other process never loads them.
    from ..check import ERROR, FAMILIES, check_bib

    families = [name for name in FAMILIES if name != "latex"]
    return [d for d in check_bib(bib, taxonomy, path=path, families=families) if d.severity == ERROR]


def judge_bytes(data: bytes, path: str, taxonomy: Taxonomy) -> Verdict:
    """The worker's share: parse the file's bytes, check them, and make the CSL-JSON when the
    list has no error."""
    bib = BibFile.from_bytes(data, path=Path(path))
    errors = error_findings(bib, taxonomy, path)
    return Verdict(errors, None if errors else csljson.csl_json_bytes(papers_of(bib)))


class PendingVerdict:
    """The verdict on the file's bytes `data`, worked out by a worker of `executor`.

    Started as soon as the bytes are read (before this process parses them), so the worker's
    start-up overlaps this process's own; `result()` waits for it.
    """

    def __init__(self, executor: Executor, data: bytes, path: str, taxonomy: Taxonomy) -> None:
        self._future: Future[Verdict] = executor.submit(judge_bytes, data, path, taxonomy)

    def result(self) -> Verdict:
        from concurrent.futures.process import BrokenProcessPool  # loaded with the executor

        try:
            return self._future.result()
        except BrokenProcessPool:
            raise WorkerFailed(
                "the worker process checking the list stopped abruptly (killed, or out of memory?); "
                "nothing was written (run with --jobs 1 to check in this process)"
            ) from None
        except Exception as exc:
            raise WorkerFailed(
                f"the worker process checking the list failed: {type(exc).__name__}: {exc}; "
                "nothing was written"
            ) from None

    def refuse_on_errors(self) -> None:
        """Raise `RenderRefused` when the list has errors (they explain a failure of the render)."""
        errors = self.result().errors
        if errors:
            raise RenderRefused(errors)

    def cancel(self) -> None:
        """Drop a verdict no longer wanted (a running worker still finishes its share)."""
        self._future.cancel()
