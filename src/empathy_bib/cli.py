"""The `empathy-bib` command: parses options, calls a command module, maps errors to exit codes.

Each subcommand lives in `commands/<name>.py` with `configure(parser)` and `run(args) -> int`.
Whatever goes wrong, the user sees one line and a documented exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import signal
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from . import __version__
from .errors import EmpathyBibError, Interrupted
from .terminal import printable

# Command name -> (module under empathy_bib.commands, one-line summary). Only the module of the
# command being run is imported: `validate` must not pay for requests, citeproc or rich tables.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("validate", "check references.bib: syntax, duplicates, fields, list rules"),
    "fetch-dois": ("fetch_dois", "fill missing DOIs from Crossref, DataCite and arXiv"),
    "render": ("render", "regenerate README.md, bib/<category>.bib, CSL-JSON and the HTML page"),
    "add": ("add", "add a paper from an arXiv id, a DOI or an ACL Anthology URL"),
    "cite": ("cite", "print formatted references (APA, IEEE, ACL, ...) for citation keys"),
    "upgrade": ("upgrade", "rewrite arXiv-only entries into their published versions, in place"),
    "verify": ("verify", "check every entry's facts against Crossref, DataCite, arXiv and the ACL Anthology"),
    "import": ("import_", "read an awesome-list README into references.bib and the categories"),
    "init": ("init", "start a new list: references.bib, styles/, workflows, pre-commit hook"),
}


def command_module(name: str) -> ModuleType:
    return importlib.import_module(f"empathy_bib.commands.{COMMANDS[name][0]}")


EXIT_INTERNAL = 3


def build_parser(selected: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the `selected` command's options are configured (and its module imported)."""
    parser = argparse.ArgumentParser(
        prog="empathy-bib",
        description=(
            "Keep a curated list of papers in one BibTeX file (references.bib) and generate "
            "the README, per-category .bib downloads, CSL-JSON and a searchable page from it."
        ),
        epilog=(
            "Typical use: 'empathy-bib add 2409.10289 --category generative-approaches', "
            "then 'empathy-bib validate' and 'empathy-bib render'. "
            "Run 'empathy-bib COMMAND --help' for a command's options."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, summary) in COMMANDS.items():
        description = summary[0].upper() + summary[1:] + "."
        command_parser = sub.add_parser(name, help=summary, description=description)
        if name == selected:
            module = command_module(name)
            module.configure(command_parser)
            command_parser.set_defaults(_run=module.run)
    return parser


def selected_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line: the first argument that is not an option."""
    for arg in argv:
        if not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    # A command builds millions of small objects that form no reference cycles (field spans,
    # papers, views, output chunks), and each burst of allocations makes the cyclic collector
    # walk every live object, for nothing freed. Reference counting frees as usual; only cycle
    # detection waits until the command ends (and stays off for a caller that had it off).
    args_list = sys.argv[1:] if argv is None else list(argv)
    collecting = gc.isenabled()
    gc.disable()
    signals: list[int] = []
    previous = _stop_on_sigterm(signals)
    try:
        return _main(args_list)
    except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM, start-up included: one line, no traceback
        signum = signals[-1] if signals else signal.SIGINT
        command = selected_command(args_list)
        what = "terminated" if signum == signal.SIGTERM else "interrupted"
        if isinstance(stop, Interrupted):
            what += f"; {stop.detail}"
        print(f"empathy-bib{' ' + command if command else ''}: {what}", file=sys.stderr)
        return 128 + signum
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        if collecting:
            gc.enable()


def _stop_on_sigterm(signals: list[int]) -> Any:
    """SIGTERM (CI cancelling a job) stops a command as Ctrl-C does: same clean-up, exit 143."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: object) -> None:
        signals.append(signum)
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, stop) or signal.SIG_DFL


def _main(args_list: list[str]) -> int:
    parser = build_parser(selected_command(args_list))  # imports the selected command's module
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    """The selected command, its errors mapped to one line on stderr and an exit code."""
    try:
        return int(args._run(args))
    except EmpathyBibError as exc:
        print(f"empathy-bib {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: still no traceback, but say how to report it
        print(
            f"empathy-bib {args.command}: internal error: {type(exc).__name__}: {printable(str(exc))} "
            "(please report this with the command you ran)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
