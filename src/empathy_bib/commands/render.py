"""`empathy-bib render [--bib BIB] [--out DIR] [--check] [--jobs N]`: regenerate every output, or check them.

Exit codes: 0 written or up to date; 1 `--check` found stale outputs; 2 the list has errors
(each printed as validate prints it, nothing written) or the files cannot be read; 3 the worker
process of `--jobs 2` failed (nothing written).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from ..bib import BibFile, read_bib_bytes
from ..config import find_project
from ..taxonomy import load_taxonomy
from ..terminal import printable

if TYPE_CHECKING:
    from concurrent.futures import Executor


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--bib", type=Path, help="the list (default: references.bib of the project)")
    parser.add_argument(
        "--out", type=Path, help="folder that receives README.md, bib/ and site/ (default: the project root)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 naming each output that is missing or out of date",
    )
    parser.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help=(
            "processes to use. With 2, a second process checks the list and makes the CSL-JSON "
            "while this one renders the rest: faster on a long list. The render has two shares, so "
            "more than 2 runs as 2. Default: 2 for a list of 1 MB or more on a machine with two "
            "cores or more (starting the second process costs more than it saves on a short list), "
            "else 1"
        ),
    )


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, at least 1: {value!r}")
    return jobs


def run(args: argparse.Namespace) -> int:
    from ..render import PendingVerdict, RenderRefused, render_outputs, stale_outputs, write_outputs

    project = find_project()
    bib_path: Path = args.bib or project.bib
    out_dir: Path = args.out or project.root
    taxonomy = load_taxonomy(project.taxonomy)
    data = read_bib_bytes(bib_path)
    jobs = args.jobs if args.jobs is not None else default_jobs(len(data), os.cpu_count() or 1)
    with _worker_pool(jobs) as executor:
        # The worker starts on the bytes at once; this process parses them meanwhile.
        pending = None
        if executor:
            pending = PendingVerdict(executor, data, str(bib_path), taxonomy)
            # Its only task given: the worker exits as soon as it is done (while this process
            # renders, writes and frees the list) instead of when the pool is closed.
            executor.shutdown(wait=False)
        bib = BibFile.from_bytes(data, path=bib_path)
        del data
        try:
            outputs = render_outputs(
                bib, taxonomy, project.styles, path=str(bib_path), pending=pending, site_url=project.site_url
            )
            counted = _Counted(outputs)  # outputs are rendered one at a time, as they are compared
            if args.check:
                stale = stale_outputs(counted, out_dir)
            else:
                written = write_outputs(counted, out_dir)
        except RenderRefused as refused:  # raised before any output is written
            for error in refused.errors:
                print(error.format_text(), file=sys.stderr)
            raise
    if args.check:
        for name in stale:
            print(printable(f"stale: {out_dir / name} (run 'empathy-bib render')"), file=sys.stderr)
        if not stale:
            print(f"all {counted.count} outputs are up to date")
        return 1 if stale else 0
    for name in written:
        print(printable(f"wrote {out_dir / name}"))
    print(f"{len(written)} of {counted.count} outputs changed")
    return 0


PARALLEL_FROM_BYTES = 1_000_000  # about a thousand entries: below, the worker's start-up is not won back


def default_jobs(size: int, cores: int) -> int:
    """`--jobs` when not given: a second process for a long list on a machine that has a core for it."""
    return 2 if size >= PARALLEL_FROM_BYTES and cores >= 2 else 1


def _worker_pool(jobs: int) -> AbstractContextManager[Executor | None]:
    """One worker process for `--jobs 2` and more, none for 1.

    Spawned, not forked, on every system: the worker starts from a clean interpreter and gets
    all it needs as arguments, so it behaves the same on Linux, macOS and Windows. The worker
    is a process of this command: its cyclic collector is paused as `cli.main` pauses this one's.
    """
    if jobs < 2:
        return nullcontext()
    import multiprocessing  # here: `--jobs 1` does without it
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=1, mp_context=spawn, initializer=gc.disable)


class _Counted:
    """Passes the outputs through, counting them."""

    def __init__(self, outputs: Iterable[tuple[str, bytes]]):
        self._outputs = outputs
        self.count = 0

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        for output in self._outputs:
            self.count += 1
            yield output
