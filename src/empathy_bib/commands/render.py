"""`empathy-bib render [--bib BIB] [--out DIR] [--check]`: regenerate every output, or check them.

Exit codes: 0 written or up to date; 1 `--check` found stale outputs; 2 the list has errors
(each printed, nothing written) or the files cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..bib import BibFile
from ..config import find_project
from ..taxonomy import load_taxonomy


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


def run(args: argparse.Namespace) -> int:
    from ..gcpause import paused_gc
    from ..render import RenderRefused, render_outputs, stale_outputs, write_outputs

    project = find_project()
    bib_path: Path = args.bib or project.bib
    out_dir: Path = args.out or project.root
    with paused_gc():  # loading builds a million small objects: see `paused_gc`
        bib = BibFile.load(bib_path)
    taxonomy = load_taxonomy(project.taxonomy)
    try:
        outputs = render_outputs(bib, taxonomy, project.styles, path=str(bib_path))
        counted = _Counted(outputs)  # outputs are rendered one at a time, as they are compared
        if args.check:
            stale = stale_outputs(counted, out_dir)
        else:
            written = write_outputs(counted, out_dir)
    except RenderRefused as refused:  # raised before any output is written
        for problem in refused.problems:
            print(problem, file=sys.stderr)
        raise
    if args.check:
        for name in stale:
            print(f"stale: {out_dir / name} (run 'empathy-bib render')", file=sys.stderr)
        if not stale:
            print(f"all {counted.count} outputs are up to date")
        return 1 if stale else 0
    for name in written:
        print(f"wrote {out_dir / name}")
    print(f"{len(written)} of {counted.count} outputs changed")
    return 0


class _Counted:
    """Passes the outputs through, counting them."""

    def __init__(self, outputs: Iterable[tuple[str, bytes]]):
        self._outputs = outputs
        self.count = 0

    def __iter__(self) -> Iterator[tuple[str, bytes]]:
        for output in self._outputs:
            self.count += 1
            yield output
