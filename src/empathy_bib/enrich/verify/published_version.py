"""The published-version warning (W715) for an arXiv-only entry, through `enrich.published`.

`enrich.published.find_published` (the `upgrade` command's discovery) decides what the published
version is; verify only reports it. Until that module is present, the check is skipped.
"""

from __future__ import annotations

import importlib
from typing import Any

import requests

from ...errors import NetworkError
from ...record import Paper
from ..dois import is_arxiv_only
from ..services import ServiceConfig
from .compare import Finding, describe
from .gather import Gathered


def _finder() -> Any:
    try:
        module = importlib.import_module("empathy_bib.enrich.published")
    except ImportError:
        return None
    return getattr(module, "find_published", None)


def published_findings(session: requests.Session, config: ServiceConfig, gathered: Gathered) -> list[Finding]:
    """W715 naming the published version of an arXiv-only entry; E714 when it could not be asked."""
    paper = gathered.paper
    preprint = _preprint(gathered)
    finder = _finder()
    if finder is None or preprint is None or not is_arxiv_only(paper):
        return []
    try:
        found = finder(session, config, paper, preprint)
    except NetworkError as exc:
        return [Finding("E714", None, f"could not check for a published version: {exc.message}")]
    if found is None:
        return []
    work = found.work
    where = f"DOI {work.doi}" if work.doi else work.url or work.container or "no identifier"
    return [
        Finding(
            "W715",
            None,
            f"published as {describe(work)} in {work.container or work.publisher or 'a venue'} ({where}); "
            f"evidence: {found.evidence}",
        )
    ]


def _preprint(gathered: Gathered) -> Any:
    """The arXiv record of the entry (the feed's), when it is this paper."""
    paper: Paper = gathered.paper
    for answer in gathered.answers:
        if answer.registry == "arXiv" and answer.work is not None:
            from ..match import names_another_paper

            if not names_another_paper(paper, answer.work):
                return answer.work
    return None
