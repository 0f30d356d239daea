"""`empathy-bib fetch-dois`: fill missing DOIs from Crossref, DataCite and arXiv, never a wrong one.

Exit 0 when every entry got an answer, 1 when some lookups failed for network reasons (the
others are still written), 2 on usage errors or a file that does not parse completely.
The work is in `enrich.dois`; this module only wires options, progress and output.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..bib import BibFile, atomic_write_text
from ..config import find_project
from ..enrich import dois
from ..enrich.http import make_session, requests_sent
from ..errors import Interrupted, UsageError
from ..terminal import printable
from ._services import add_jobs_argument, add_service_arguments, config_from_args

DEFAULT_JOBS = 3


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bib", nargs="?", metavar="BIB", help="the .bib file (default: the project's references.bib)"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the unified diff; write nothing")
    add_jobs_argument(parser, DEFAULT_JOBS)
    parser.add_argument("--report", metavar="PATH.json", type=Path, help="write per-entry evidence as JSON")
    add_service_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    config = config_from_args(args)  # checks --timeout
    if args.report and not args.report.resolve().parent.is_dir():
        raise UsageError(f"--report {args.report}: the folder {args.report.parent} does not exist")
    if args.report and args.report.is_dir():  # found after the lookups, the DOIs would be written, not it
        raise UsageError(f"--report {args.report}: is a folder; name the .json file to write")
    path = Path(args.bib) if args.bib else find_project().bib
    bib = BibFile.load_complete(path)
    bib.require_unique_keys()  # each DOI goes to the entry it was looked up for: keys must say which
    session = make_session(config, per_host=args.jobs)
    sent_before = requests_sent(session)
    lookups = dois.plan_lookups(bib)
    err = Console(stderr=True)
    try:
        with _progress(err, sum(1 for lk in lookups if lk.makes_requests)) as advance:
            results = dois.run_lookups(lookups, session, config, jobs=args.jobs, on_result=advance)
    except dois.LookupsInterrupted as interrupted:
        written = 0 if args.dry_run else _write(bib, path, interrupted.results)
        raise Interrupted(f"wrote the {written} DOIs already found") from None
    before = bib.text
    written = dois.apply_results(bib, results) if args.dry_run else _write(bib, path, results)
    if args.dry_run:
        sys.stdout.write(printable(dois.unified_diff(before, bib.text, path.name)))
    sent = requests_sent(session) - sent_before
    _print_summary(err, results, written, sent, args.dry_run)
    if args.report:
        data = dois.report(results, path=str(path), written=written, requests_sent=sent)
        atomic_write_text(args.report, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return 1 if any(r.outcome is dois.Outcome.FAILED for r in results) else 0


def _write(bib: BibFile, path: Path, results: list[dois.EntryResult]) -> int:
    """One batch of insertions, one atomic save: the file is either old or new, never half."""
    written = dois.apply_results(bib, results)
    if written:
        bib.save(path)
    return written


@contextmanager
def _progress(console: Console, total: int) -> Iterator[Callable[[dois.EntryResult], None]]:
    """A progress bar with counts on a terminal; silent otherwise."""
    if not console.is_terminal or total == 0:
        yield lambda result: None
        return
    columns = (TextColumn("looking up DOIs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("lookups", total=total)

        def advance(result: dois.EntryResult) -> None:
            if result.strategy.value not in ("has-doi", "no-title", "no-doi-venue"):
                progress.advance(task)

        yield advance


def _print_summary(
    console: Console, results: list[dois.EntryResult], written: int, sent: int, dry_run: bool
) -> None:
    table = Table(title="fetch-dois", show_header=True, header_style="bold")
    table.add_column("result")
    table.add_column("entries", justify="right")
    for outcome, count in dois.summarize(results).items():
        table.add_row(outcome, str(count))
    console.print(table)
    for r in results:
        if r.outcome in (dois.Outcome.FAILED, dois.Outcome.ABSTAINED):
            line = printable(f"  {r.key}: {r.outcome.value}: {r.message}")
            console.print(line, markup=False, highlight=False)
        for s in r.suggestions:
            if r.strategy is dois.Strategy.ARXIV:
                line = printable(f"  {r.key}: suggestion: {s.doi or ''} {s.why}")
                console.print(line, markup=False, highlight=False)
    verb = "would write" if dry_run else "wrote"
    console.print(f"{verb} {written} DOIs; {sent} requests sent", highlight=False)
