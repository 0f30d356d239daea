"""`empathy-bib import README [--bib BIB] [--taxonomy FILE] [--dry-run] [--report FILE] ...`.

Reads an awesome-list README (`readme.read_readme`), resolves each distinct paper once through
the registries (`enrich.readme_import`), and writes the new entries to the list and the README's
sections to the taxonomy, both or neither. Exit 0: every paper resolved (or already there);
1: some written from the README's own text (unresolved, or lookups failed); 2: usage errors,
unreadable files, a list that does not parse completely (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..bib import BibFile, atomic_write_text
from ..config import find_project
from ..errors import UsageError
from ..taxonomy import Taxonomy, taxonomy_from_text
from ..terminal import printable
from . import _clock
from ._services import add_jobs_argument, add_service_arguments, config_from_args
from .add import report_checks

if TYPE_CHECKING:
    from ..enrich.readme_import import ImportPlan, Outcome
    from ..enrich.readme_resolve import Resolution

DEFAULT_JOBS = 3
RENDER_REMINDER = "Now run 'empathy-bib render' to regenerate the README and downloads."


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("readme", metavar="README", type=Path, help="the awesome-list README (Markdown)")
    parser.add_argument(
        "--bib", metavar="BIB", type=Path, help="the list (default: the project's references.bib)"
    )
    parser.add_argument(
        "--taxonomy",
        metavar="FILE",
        type=Path,
        help="categories (default: the project's styles/categories.toml)",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the unified diffs; write nothing")
    parser.add_argument(
        "--report", metavar="FILE", type=Path, help="write every paper found, with evidence, as JSON"
    )
    add_jobs_argument(parser, DEFAULT_JOBS)
    add_service_arguments(parser, anthology=True)


def run(args: argparse.Namespace) -> int:
    from ..enrich import readme_import, readme_write
    from ..enrich.http import DEFAULT_PER_HOST, make_session, requests_sent
    from ..readme import read_readme

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    config = config_from_args(args)
    _check_report_path(args.report)
    project = find_project()
    bib_path: Path = args.bib or project.bib
    taxonomy_path: Path = args.taxonomy or project.taxonomy
    document = read_readme(_read_text(args.readme))
    bib, bib_before = _load_bib(bib_path)
    taxonomy_before = _read_bytes(taxonomy_path)
    taxonomy_text = (taxonomy_before or b"").decode("utf-8", errors="strict")
    plan = readme_import.plan_import(
        document, bib, _taxonomy(taxonomy_text, taxonomy_path), taxonomy_text, taxonomy_path
    )
    sent = 0
    resolutions: dict[int, Resolution] = {}
    if plan.new:  # everything already there: no session, no request
        # --jobs papers at once; never more than the layer's default in flight per host
        session = make_session(config, per_host=min(args.jobs, DEFAULT_PER_HOST))
        before = requests_sent(session)
        with _progress(len(plan.new)) as advance:
            resolutions = readme_import.resolve_all(plan, session, config, jobs=args.jobs, on_result=advance)
        sent = requests_sent(session) - before
    old_text = bib.text
    outcome = readme_import.apply_import(plan, resolutions, bib, added=_clock.today())
    report_checks(bib, plan.taxonomy.taxonomy, [e.key for e in outcome.added])  # errors refuse, as add
    changes = [
        readme_write.bib_change(bib, bib_path, bib_before),
        readme_write.FileChange(taxonomy_path, taxonomy_before, plan.taxonomy.text.encode("utf-8")),
    ]
    if args.dry_run:
        _print_diffs(old_text, bib.text, bib_path, taxonomy_text, plan.taxonomy.text, taxonomy_path)
        written: list[Path] = []
    else:
        written = readme_write.save_together(changes)
    _summary(outcome, plan, written, sent, args.dry_run)
    if args.report:
        report: dict[str, object] = {"readme": str(args.readme), "bib": str(bib_path)}
        report.update(taxonomy=str(taxonomy_path), **outcome.report, requests_sent=sent)
        atomic_write_text(args.report, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 1 if outcome.unresolved else 0


def _check_report_path(report: Path | None) -> None:
    if report is None:
        return
    if not report.resolve().parent.is_dir():
        raise UsageError(f"--report {report}: the folder {report.parent} does not exist")
    if report.is_dir():
        raise UsageError(f"--report {report}: is a folder; name the .json file to write")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None


def _read_bytes(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 ({exc})") from None
    return data


def _load_bib(path: Path) -> tuple[BibFile, bytes | None]:
    """The list (an empty one when the file does not exist yet), refused unless it parsed whole."""
    if not path.exists():
        return BibFile.from_text("", path=path), None
    bib = BibFile.load_complete(path, for_writing=True)
    return bib, bib.to_bytes()


def _taxonomy(text: str, path: Path) -> Taxonomy:
    """The taxonomy, or an empty one for a missing file or one without categories yet."""
    if "[[group" not in text:
        return Taxonomy(groups=(), path=path)
    return taxonomy_from_text(text, path)


def _print_diffs(
    old_bib: str, new_bib: str, bib_path: Path, old_tax: str, new_tax: str, tax_path: Path
) -> None:
    from ..enrich.dois import unified_diff

    sys.stdout.write(printable(unified_diff(old_bib, new_bib, bib_path.name)))
    sys.stdout.write(printable(unified_diff(old_tax, new_tax, tax_path.name)))


@contextmanager
def _progress(total: int) -> Iterator[Callable[[object], None]]:
    """A progress bar with counts on a terminal; silent otherwise (as fetch-dois)."""
    console = Console(stderr=True)
    if not console.is_terminal or total == 0:
        yield lambda result: None
        return
    columns = (TextColumn("resolving papers"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("papers", total=total)
        yield lambda result: progress.advance(task)


def _summary(outcome: Outcome, plan: ImportPlan, written: list[Path], sent: int, dry_run: bool) -> None:
    err = sys.stderr
    for row in outcome.rows:
        if row["status"] in ("unresolved", "could-not-check"):
            why = row.get("error") or "no identifier held and no confident match"
            if row.get("not_written"):
                why = f"{why}; not written: {row['not_written']}"
            lines = row["lines"]
            first = lines[0] if isinstance(lines, list) and lines else "?"
            print(printable(f"line {first}: {row['status']}: '{row['title']}' ({why})"), file=err)
    for note in plan.taxonomy.notes:
        print(printable(f"taxonomy: {note}"), file=err)
    verb = "would add" if dry_run else "added"
    gained = len(outcome.gained)
    print(
        f"{len(plan.papers)} distinct papers; {verb} {len(outcome.added)} entries, "
        f"{len(plan.taxonomy.added)} categories; {gained} known entries gain sections; "
        f"{outcome.unresolved} unresolved; {sent} requests sent",
        file=err,
    )
    if written:
        print(printable("wrote " + ", ".join(str(p) for p in written) + ". " + RENDER_REMINDER), file=err)
    elif dry_run:
        print("(dry run: nothing written)", file=err)
