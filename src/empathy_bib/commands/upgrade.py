"""`empathy-bib upgrade KEY [KEY...] | --all [--dry-run] [--bib BIB]` and the service options.

Rewrites arXiv-only entries into their published form, in place (`enrich.published` finds the
published version, `enrich.upgrade` plans the surgical edits). Each change is printed; "upgraded"
only after the write. Exit codes: 0 every named entry upgraded or already published; 1 some have
no published version found, or their lookups failed ("could not check"); 2 usage errors, an
unknown key, a list that does not parse (nothing written, no request made).
"""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..bib import BibFile
from ..config import find_project
from ..errors import EditError, NetworkError, UsageError
from ..terminal import printable
from ._services import add_service_arguments

if TYPE_CHECKING:
    import requests

    from ..enrich.records import Work
    from ..enrich.services import ServiceConfig
    from ..enrich.upgrade import Plan
    from ..record import Paper


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Rewrite arXiv-only entries (@misc with an arXiv id) into their published versions: entry "
        "type, venue, pages, publisher, address, year, month, DOI and URL of the published paper, "
        "found through arXiv, DataCite and Crossref. The key, keywords, code, eprint, archiveprefix, "
        "primaryclass, field order, every other field and every other byte of the file are kept."
    )
    parser.epilog = (
        "Exit status: 0 every named entry upgraded or already published; 1 some have no published "
        "version found, or could not be checked (network); 2 usage errors, an unknown key, or a "
        "list that does not parse (nothing written)."
    )
    parser.add_argument("keys", nargs="*", metavar="KEY", help="citation keys of the entries to upgrade")
    parser.add_argument("--all", action="store_true", help="every arXiv-only entry of the list")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the changes as a unified diff; write nothing"
    )
    parser.add_argument(
        "--bib", metavar="BIB", type=Path, help="the list (default: the project's references.bib)"
    )
    add_service_arguments(parser, anthology=True)


@dataclass
class _Run:
    bib: BibFile
    original: str  # the text as read, for --dry-run's diff
    planned: list[Plan] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def run(args: argparse.Namespace) -> int:
    from ..record import papers_of

    if args.all and args.keys:
        raise UsageError("give KEYs or --all, not both")
    if not args.all and not args.keys:
        raise UsageError("give the keys of the entries to upgrade, or --all")
    bib = BibFile.load_complete(args.bib or find_project().bib, for_writing=True)
    papers = _selected(bib, list(papers_of(bib)), args.keys, every=args.all)
    state = _Run(bib, bib.text)
    lookups = [p for p in papers if _needs_lookup(p, state)]
    if lookups:
        _upgrade_all(args, state, lookups)
    return _finish(state, dry_run=args.dry_run)


def _selected(bib: BibFile, papers: list[Paper], keys: list[str], *, every: bool) -> list[Paper]:
    """The named entries (an unknown key is a usage error), or every arXiv-only one."""
    from ..enrich.upgrade import is_upgradable

    if every:
        chosen = [p for p in papers if is_upgradable(p)]
        if not chosen:
            print("no arXiv-only entries to upgrade", file=sys.stderr)
        return chosen
    by_key = {p.key.lower(): p for p in papers}
    missing = [k for k in keys if k.lower() not in by_key]
    if missing:
        raise UsageError(f"no entry with key {', '.join(repr(k) for k in missing)}", path=bib.path)
    return list({k.lower(): by_key[k.lower()] for k in keys}.values())


def _needs_lookup(paper: Paper, state: _Run) -> bool:
    from ..enrich.upgrade import PREPRINT_TYPES, is_upgradable

    if is_upgradable(paper):
        return True
    if paper.entry_type not in PREPRINT_TYPES:
        print(printable(f"{paper.key}: already published (@{paper.entry_type}); nothing to do"))
    else:
        print(
            printable(f"{paper.key}: no arXiv id (eprint or arXiv url); nothing to upgrade"), file=sys.stderr
        )
        state.failed.append(paper.key)
    return False


def _upgrade_all(args: argparse.Namespace, state: _Run, papers: list[Paper]) -> None:
    from ..enrich import arxiv
    from ..enrich.http import make_session
    from ._services import config_from_args

    config = config_from_args(args)
    session = make_session(config)
    try:  # one batched feed request for every entry
        preprints = arxiv.get_many(session, config, [p.arxiv_id or "" for p in papers])
    except NetworkError as exc:
        for paper in papers:
            _problem(state, paper, f"could not check: {exc}")
        return
    for paper in papers:
        _upgrade_one(session, config, state, paper, preprints.get(paper.arxiv_id or ""))


def _upgrade_one(
    session: requests.Session, config: ServiceConfig, state: _Run, paper: Paper, preprint: Work | None
) -> None:
    from ..enrich.published import find_published
    from ..enrich.upgrade import NotUpgradable, plan_splices, plan_upgrade

    try:
        found = find_published(session, config, paper, preprint)
    except NetworkError as exc:
        _problem(state, paper, f"could not check: {exc}")
        return
    if found is None:
        _problem(state, paper, "no published version found (arXiv, DataCite, Crossref)")
        return
    try:
        plan = plan_upgrade(paper, found)
    except NotUpgradable as exc:
        _problem(state, paper, exc.message)
        return
    try:  # planned and applied on the current text
        state.bib.apply(plan_splices(state.bib, plan))
    except EditError as exc:  # a registry value no file should hold (a 5 MB venue): this entry only
        _problem(state, paper, f"the published record cannot be written: {exc.message}")
        return
    for change in plan.changes:
        print(printable(f"{plan.key}: {change.describe()}"))
    state.planned.append(plan)


def _problem(state: _Run, paper: Paper, message: str) -> None:
    print(printable(f"{paper.key}: {message}"), file=sys.stderr)
    state.failed.append(paper.key)


def _finish(state: _Run, *, dry_run: bool) -> int:
    bib = state.bib
    if dry_run:
        name = str(bib.path)
        diff = difflib.unified_diff(
            state.original.splitlines(keepends=True), bib.text.splitlines(keepends=True), name, name
        )
        print(printable("".join(diff)), end="")
        print("(dry run: nothing written)", file=sys.stderr)
    elif state.planned:
        bib.save()
        for plan in state.planned:
            print(printable(f"upgraded {plan.key} -> {plan.venue} ({plan.evidence})"))
    if state.failed:
        print(printable(f"not upgraded: {', '.join(state.failed)}"), file=sys.stderr)
        return 1
    return 0
