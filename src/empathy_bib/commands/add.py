"""`empathy-bib add ID --category SLUG[,SLUG] [--key KEY] [--dry-run] [--bib BIB]`.

Also `add --from-bibtex FILE|-`: entries pasted from Google Scholar or a publisher.
The work is in `enrich.addpaper` / `enrich.importbib`; this module parses options, loads the
list, and prints. Exit codes: 0 added (or would be, with --dry-run); 1 the paper is already in
the list, or a network fault (nothing written); 2 bad input (unknown category, an identifier of
no known form, a paper the services do not know, a list that does not parse).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..bib import BibFile
from ..config import Project, find_project
from ..errors import EditError, UsageError
from ..taxonomy import Taxonomy, load_taxonomy
from ..terminal import printable
from . import _clock
from ._services import add_service_arguments

if TYPE_CHECKING:
    from ..enrich.duplicates import DuplicateIndex, Identity

RENDER_REMINDER = (
    "Now run 'empathy-bib render' (or 'python3 tasks.py render') to regenerate the README and downloads."
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id",
        nargs="?",
        metavar="ID",
        help="arXiv id or URL (2409.10289, arXiv:2409.10289), DOI or doi.org URL, "
        "ACL Anthology id or URL (2020.emnlp-main.721, https://aclanthology.org/2025.coling-main.66/)",
    )
    parser.add_argument(
        "--category",
        metavar="SLUG[,SLUG]",
        help="the categories (slugs from styles/categories.toml) the paper belongs to",
    )
    parser.add_argument("--key", metavar="KEY", help="citation key (default: familyYEARword)")
    parser.add_argument("--dry-run", action="store_true", help="print the entry; write nothing")
    parser.add_argument(
        "--bib", metavar="BIB", type=Path, help="the list (default: the project's references.bib)"
    )
    parser.add_argument(
        "--from-bibtex",
        metavar="FILE",
        help="import entries pasted from Google Scholar or a publisher ('-' reads standard input)",
    )
    parser.add_argument(
        "--skip-duplicates",
        action="store_true",
        help="with --from-bibtex: leave out entries already in the list instead of refusing the import",
    )
    add_service_arguments(parser, anthology=True)


def run(args: argparse.Namespace) -> int:
    project = _project(args.bib)
    bib_path = args.bib or project.bib
    taxonomy = load_taxonomy(project.taxonomy)
    if args.from_bibtex is not None:
        if args.id:
            raise UsageError("give either an ID or --from-bibtex, not both")
        return _run_import(args, bib_path, taxonomy)
    if not args.id:
        raise UsageError("give the paper's ID (an arXiv id, a DOI or an ACL Anthology id or URL)")
    return _run_add(args, bib_path, taxonomy)


def _project(bib: Path | None) -> Project:
    """The project of `--bib`'s folder when it has a taxonomy, else the current directory's."""
    if bib is not None:
        project = find_project(bib.resolve().parent)
        if project.taxonomy.is_file():
            return project
    return find_project()


def _run_add(args: argparse.Namespace, bib_path: Path, taxonomy: Taxonomy) -> int:
    from ..enrich import addpaper
    from ..enrich.http import make_session
    from ._services import config_from_args

    ident = addpaper.parse_identifier(args.id)
    categories = addpaper.parse_categories(args.category, taxonomy)
    bib = BibFile.load_complete(bib_path, for_writing=True)
    index = addpaper.existing_index(bib)
    # Known identifiers are refused before any request: no network needed to say "already there".
    addpaper.refuse_duplicate(index, ident.identity, str(ident))
    config = config_from_args(args)
    work = addpaper.fetch_work(make_session(config), config, ident)
    entry = addpaper.build_entry(work, bib, categories=categories, key=args.key, added=_clock.today())
    addpaper.append_entries(bib, index, [entry])
    report_checks(bib, taxonomy, [entry.key])
    return _finish(bib, [entry.text], args.dry_run)


def _run_import(args: argparse.Namespace, bib_path: Path, taxonomy: Taxonomy) -> int:
    from ..enrich import addpaper, importbib
    from ..enrich.duplicates import DuplicateError, DuplicateIndex, identity_of_text

    given = addpaper.parse_categories(args.category, taxonomy) if args.category else ()
    origin, text = _read_paste(args.from_bibtex)
    pasted = importbib.read_pasted(text, origin)
    if args.key and len(pasted) > 1:
        raise UsageError(f"--key names one entry, but {origin} holds {len(pasted)}")
    bib = BibFile.load_complete(bib_path, for_writing=True)
    index = addpaper.existing_index(bib)
    taken = [e.key for e in bib.entries if e.key]
    if args.key:
        addpaper.check_key(args.key, taken)
    imported = importbib.normalise_pasted(pasted, categories=given, taken_keys=taken, key=args.key)
    keep = []
    earlier = DuplicateIndex()  # the paste's own entries: one pasted twice is kept once
    for item in imported:
        _check_categories(item, taxonomy, origin)
        identity = identity_of_text(item.entry.text)
        known = _known_as(identity, index, earlier)
        if known is None:
            earlier.add(identity, item.source_key, item.source_line)
            keep.append(item.entry)
            continue
        message = f"{origin}:{item.source_line}: '{item.source_key}' is {known}"
        if not args.skip_duplicates:
            raise DuplicateError(message + " (use --skip-duplicates to import the others)")
        print(printable(f"skipped: {message}"), file=sys.stderr)
    if not keep:
        print("nothing to add: every entry is already in the list", file=sys.stderr)
        return 0
    addpaper.append_entries(bib, index, keep)
    report_checks(bib, taxonomy, [e.key for e in keep])
    return _finish(bib, [e.text for e in keep], args.dry_run)


def _known_as(identity: Identity, listed: DuplicateIndex, pasted: DuplicateIndex) -> str | None:
    """Why a pasted entry is left out (in the list, or pasted above it), or None when it is new."""
    match = listed.find(identity)
    if match is not None:
        return match.describe()
    repeat = pasted.find(identity)
    if repeat is not None:
        return f"a repeat of '{repeat.key}' (line {repeat.line}): same {repeat.kind} {repeat.value}"
    return None


def _check_categories(item: Any, taxonomy: Taxonomy, origin: str) -> None:
    from ..enrich import addpaper

    if not item.categories:
        raise UsageError(
            f"{origin}:{item.source_line}: '{item.source_key}' names no category; give --category SLUG[,SLUG]"
        )
    addpaper.parse_categories(",".join(item.categories), taxonomy)


def _read_paste(source: str) -> tuple[str, str]:
    if source == "-":
        return "<stdin>", sys.stdin.read()
    path = Path(source)
    try:
        return str(path), path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read it ({exc})") from None


def _finish(bib: BibFile, texts: Sequence[str], dry_run: bool) -> int:
    print(printable("\n".join(texts)), end="")  # text from the registries
    if dry_run:
        print("(dry run: nothing written)", file=sys.stderr)
        return 0
    bib.save()
    print(printable(f"added to {bib.path}. {RENDER_REMINDER}"), file=sys.stderr)
    return 0


# ---------------------------------------------------------------------- validation


def report_checks(bib: BibFile, taxonomy: Taxonomy, keys: Sequence[str]) -> None:
    """Run validate on the result; findings on the new entries are printed, errors refuse the write."""
    from ..check import ERROR, check_bib  # imported here: `add --help` stays fast

    wanted = set(keys)
    today = _clock.latest_today()
    findings = [d for d in check_bib(bib, taxonomy, path=bib.path, today=today) if d.key in wanted]
    for d in findings:
        print(d.format_text(), file=sys.stderr)
    if any(d.severity == ERROR for d in findings):
        raise EditError(
            "the new entry does not pass validate (its errors are printed above); nothing was written",
            path=bib.path,
        )
