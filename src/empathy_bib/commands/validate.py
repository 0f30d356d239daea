"""`empathy-bib validate [BIB...] [--format F] [--strict] [--select CODES] [--ignore CODES] [--fix]`.

Exit 0 when no errors (warnings too with --strict), 1 when errors were found, 2 for a usage
error or a file that cannot be read (missing, a directory, not UTF-8: its bad bytes are still
reported as located E109 findings, and the rest of the file is checked). Plain `validate`
never writes; `--fix` applies only the safe repairs (see docs/checks.md) and reports each.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import find_project
from ..errors import UsageError
from ..taxonomy import Taxonomy, load_taxonomy
from ..terminal import printable
from . import _clock

if TYPE_CHECKING:
    from ..check import Diagnostic
    from ..check.compile import Setup

FORMATS = ("text", "json", "sarif", "github")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bib",
        nargs="*",
        metavar="BIB",
        help="the .bib file(s) to check (default: the project's references.bib)",
    )
    add_finding_options(parser)
    parser.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes (DOI as URL, page dashes, month names, LaTeX escapes) in place",
    )
    parser.add_argument(
        "--latex",
        action="store_true",
        help="also compile the entries with pdflatex + BibTeX, pdflatex + biber and XeLaTeX + biber "
        "(those installed); each failure is an E611 finding at the field that caused it",
    )
    parser.add_argument(
        "--keys",
        default="",
        metavar="KEYS",
        help="with --latex: compile only these entries (comma-separated)",
    )


def add_finding_options(parser: argparse.ArgumentParser) -> None:
    """--format, --strict, --select, --ignore: the options of every command that reports findings."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: github when GITHUB_ACTIONS=true, else text)",
    )
    parser.add_argument("--strict", action="store_true", help="warnings count as errors for the exit code")
    parser.add_argument(
        "--select",
        default="",
        metavar="CODES",
        help="only these codes or prefixes, e.g. E2,W310 (default: [tool.empathy-bib] select)",
    )
    parser.add_argument(
        "--ignore",
        default="",
        metavar="CODES",
        help="skip these codes or prefixes (default: [tool.empathy-bib] ignore)",
    )


def run(args: argparse.Namespace) -> int:
    from ..check import check_path, filter_codes, report

    project = find_project()
    # the command line wins over [tool.empathy-bib] select / ignore in pyproject.toml
    select = _codes(args.select or project.select, "--select")
    ignore = _codes(args.ignore or project.ignore, "--ignore")
    paths = [Path(p) for p in args.bib] or [_relative(project.bib)]
    taxonomy = _taxonomy(project.taxonomy)
    fmt = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    named = _named_keys(args.keys, paths) if args.latex else None
    setups = _latex_setups(args)
    diagnostics: list[Diagnostic] = []
    today = _clock.latest_today()  # for E314, an `added` date in the future
    for path in paths:
        if args.fix:
            _fix(path, select, ignore)
        found = check_path(path, taxonomy, today=today)
        if setups:
            found += _compiled(path, named, setups)
        diagnostics.extend(filter_codes(found, select, ignore))
    sys.stdout.write(report.render(diagnostics, fmt, color=_use_color(), files=len(paths)))
    undecodable = [d for d in diagnostics if d.code == "E109"]
    if undecodable:  # a file that is not UTF-8 cannot be read as BibTeX text: exit 2, as documented
        first = undecodable[0]
        print(printable(f"empathy-bib validate: {first.path}:{first.line}: {first.message}"), file=sys.stderr)
        return 2
    failing = {"error", "warning"} if args.strict else {"error"}
    return 1 if any(d.severity in failing for d in diagnostics) else 0


def _latex_setups(args: argparse.Namespace) -> list[Setup]:
    """The compile setups `--latex` runs; a usage error without TeX (exit 2)."""
    from ..check.compile import usable_setups

    if args.keys and not args.latex:
        raise UsageError("--keys names the entries --latex compiles: add --latex")
    if not args.latex:
        return []
    setups, broken = usable_setups()
    for setup, why in broken:
        print(f"--latex: skipping {setup.name}, which fails on a plain entry: {why}", file=sys.stderr)
    if not setups:
        raise UsageError("--latex: no working TeX found (pdflatex with bibtex or biber); install TeX Live")
    print("--latex: compiling with " + "; ".join(s.name for s in setups), file=sys.stderr)
    return setups


def _named_keys(keys: str, paths: list[Path]) -> list[str] | None:
    """The keys `--keys` names (None: all entries); a usage error (exit 2) for a key no file has,
    before anything compiles: a mistyped key would otherwise compile nothing and pass."""
    from ..bib import BibFile

    named = [k.strip() for k in keys.split(",") if k.strip()]
    if not named:
        return None
    bibs = [BibFile.load(path) for path in paths]
    missing = [k for k in named if all(bib.entry(k) is None for bib in bibs)]
    if missing:
        listed = ", ".join(f"'{k}'" for k in missing)
        raise UsageError(f"--keys: no entry {listed} in {', '.join(map(str, paths))}")
    return named


def _compiled(path: Path, named: list[str] | None, setups: list[Setup]) -> list[Diagnostic]:
    from ..bib import BibFile
    from ..check.compile import latex_findings

    return latex_findings(BibFile.load(path), str(path), named, setups)


def _relative(path: Path) -> Path:
    """The default file as a path relative to the current directory when it is below it.

    Findings then name `references.bib`, as GitHub annotations and SARIF need (paths relative
    to the repository), rather than an absolute path.
    """
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def _codes(value: str, option: str) -> tuple[str, ...]:
    from ..check import CHECKS

    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    for code in codes:
        if not any(known.startswith(code) for known in CHECKS):
            raise UsageError(f"{option}: no check code starts with '{code}' (see docs/checks.md)")
    return codes


def _taxonomy(path: Path) -> Taxonomy | None:
    """The project's taxonomy; without one (a foreign file), the category checks are skipped."""

    return load_taxonomy(path) if path.is_file() else None


def _fix(path: Path, select: tuple[str, ...], ignore: tuple[str, ...]) -> None:
    from ..bib import BibFile
    from ..check.fix import FIXABLE, apply_fixes, plan_fixes

    codes = tuple(c for c in FIXABLE if (not select or c.startswith(select)) and not c.startswith(ignore))
    bib = BibFile.load(path)
    fixes = plan_fixes(bib, codes)
    apply_fixes(bib, fixes)
    for fx in fixes:
        print(printable(fx.describe(str(path))), file=sys.stderr)


def _use_color() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
