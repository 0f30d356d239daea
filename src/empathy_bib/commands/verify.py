"""`empathy-bib verify [BIB]`: every entry's facts checked against Crossref, DataCite, arXiv and the
ACL Anthology; findings in validate's formats (E7xx/W7xx codes, docs/checks.md).

Exit 0 when no error findings (warnings too with --strict), 1 with error findings (a registry
that could not be asked is one: E714), 2 for a usage error or a file that cannot be read or does
not parse completely (nothing is requested then), 130 on Ctrl-C.
The work is in `enrich.verify`; this module wires options, git, progress and output.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..bib import BibFile, atomic_write_text
from ..check import Diagnostic, filter_codes, report
from ..config import find_project
from ..enrich import verify
from ..enrich.http import DEFAULT_PER_HOST, make_session, requests_sent
from ..enrich.verify import fix, select
from ..enrich.verify.compare import COULD_NOT_CHECK
from ..enrich.verify.report import report as verify_report
from ..errors import Interrupted, UsageError
from ..record import Paper
from ..terminal import printable
from ._services import add_service_arguments, config_from_args
from .validate import _codes, _relative, _use_color, add_finding_options

DEFAULT_JOBS = 3
DEFAULT_MAX_AGE = 7.0  # days


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bib", nargs="?", metavar="BIB", help="the .bib file (default: the project's references.bib)"
    )
    parser.add_argument("--keys", default="", metavar="KEY,KEY...", help="check only these entries")
    parser.add_argument(
        "--changed-since",
        metavar="GIT_REV",
        help="check only the entries added or changed since this git revision (the pull-request gate)",
    )
    add_finding_options(parser)
    parser.add_argument(
        "--fix",
        action="store_true",
        help="write the registry's author list, title, year and pages where they differ (surgical edits)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        metavar="N",
        help=f"requests in flight per host (default and most: {DEFAULT_PER_HOST})",
    )
    parser.add_argument("--report", metavar="FILE", type=Path, help="write per-entry evidence as JSON")
    parser.add_argument(
        "--max-age",
        type=float,
        default=DEFAULT_MAX_AGE,
        metavar="DAYS",
        help=f"cached answers older than this are asked again (default {DEFAULT_MAX_AGE:g})",
    )
    add_service_arguments(parser, anthology=True)


def run(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    config = config_from_args(args)  # checks --timeout, --max-age and the URLs
    project = find_project()
    selected = _codes(args.select or project.select, "--select")
    ignored = _codes(args.ignore or project.ignore, "--ignore")
    _check_report_path(args.report)
    path = Path(args.bib) if args.bib else _relative(project.bib)
    bib = BibFile.load_complete(path)
    papers = _papers(bib, path, args)
    jobs = min(args.jobs, DEFAULT_PER_HOST)
    session = make_session(config, per_host=jobs)
    sent_before = requests_sent(session)
    try:
        with _progress(len(papers)) as advance:
            verdicts = verify.verify_papers(papers, session, config, jobs=jobs, on_done=advance)
    except verify.VerifyInterrupted:
        raise Interrupted("nothing was written") from None
    found = _selected(verify.diagnostics(bib, str(path), verdicts), selected, ignored)
    if args.fix:
        found = _fix(bib, verdicts, found, selected, ignored)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    sys.stdout.write(report.render(found, fmt, color=_use_color()))
    if args.report:
        data = verify_report(verdicts, path=str(path), requests_sent=requests_sent(session) - sent_before)
        atomic_write_text(args.report, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    failing = {"error", "warning"} if args.strict else {"error"}
    return 1 if any(d.severity in failing for d in found) else 0


def _selected(
    found: list[Diagnostic], selected: tuple[str, ...], ignored: tuple[str, ...]
) -> list[Diagnostic]:
    """The findings --select/--ignore keep. A lookup that failed is never passed silently: --select
    does not hide "could not check", only an --ignore that names it does."""
    kept = filter_codes(found, selected, ignored)
    unchecked = [d for d in found if d.code == COULD_NOT_CHECK and not d.code.startswith(ignored)]
    return sorted(kept + [d for d in unchecked if d not in kept], key=lambda d: d.sort_key)


def _check_report_path(report_path: Path | None) -> None:
    """Refused before any request, as fetch-dois does."""
    if report_path is None:
        return
    if report_path.is_dir():
        raise UsageError(f"--report {report_path}: is a folder; name the .json file to write")
    if not report_path.resolve().parent.is_dir():
        raise UsageError(f"--report {report_path}: the folder {report_path.parent} does not exist")


def _papers(bib: BibFile, path: Path, args: argparse.Namespace) -> list[Paper]:
    from ..record import papers_of

    papers = list(papers_of(bib))
    keys = [k.strip() for k in args.keys.split(",") if k.strip()]
    if keys:
        papers = select.by_keys(bib, keys)
    if args.changed_since:
        changed = {id(p) for p in select.changed_since(bib, _file_at(path, args.changed_since))}
        papers = [p for p in papers if id(p) in changed]
    return papers


def _git(folder: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *argv], capture_output=True, text=True, encoding="utf-8", check=False
        )
    except OSError as exc:
        raise UsageError(f"--changed-since needs git: {exc.strerror or exc}") from None


def _file_at(path: Path, rev: str) -> BibFile | None:
    """The file as it was at `rev` (None: it did not exist then); exit 2 outside git or for a bad rev."""
    folder = path.resolve().parent
    top = _git(folder, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise UsageError(f"--changed-since: {folder} is not in a git repository")
    if (
        rev.startswith("-")
        or _git(folder, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode
    ):
        raise UsageError(f"--changed-since: unknown git revision '{rev}'")
    relative = path.resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    shown = _git(folder, "show", f"{rev}:{relative}")
    if shown.returncode != 0:
        return None
    return BibFile.from_text(shown.stdout)


def _fix(
    bib: BibFile,
    verdicts: list[verify.EntryVerdict],
    found: list[Diagnostic],
    selected: tuple[str, ...],
    ignored: tuple[str, ...],
) -> list[Diagnostic]:
    """Apply the fixable findings (those selected); the findings left are the ones not fixed."""
    codes = tuple(
        c for c in fix.FIXABLE if (not selected or c.startswith(selected)) and not c.startswith(ignored)
    )
    changes = fix.plan_changes(bib, verdicts, codes)
    fix.apply_changes(bib, changes)
    fixed = {(c.key, c.line) for c in changes}
    for change in changes:
        print(printable(f"{bib.path}:{change.line}: fixed {change.field} [{change.key}]"), file=sys.stderr)
        for line in change.diff_lines():
            print(printable(line), file=sys.stderr)
    return [d for d in found if not (d.code in codes and (d.key, d.line) in fixed)]


@contextmanager
def _progress(total: int) -> Iterator[Callable[[verify.EntryVerdict], None]]:
    """A progress bar with counts on a terminal; silent otherwise (and rich is then not imported)."""
    if not sys.stderr.isatty() or total == 0:
        yield lambda verdict: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("entries", total=total)
        yield lambda verdict: progress.advance(task)
