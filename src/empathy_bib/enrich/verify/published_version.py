"""The published-version warning (W715) for an arXiv-only entry, through `enrich.published`.

`enrich.published.find_published` (the one discovery, `upgrade`'s and `add`'s) decides what the
published version is; verify only reports it, naming the version and the evidence.
"""

from __future__ import annotations

import requests

from ...errors import NetworkError
from ...record import Paper
from ..dois import is_arxiv_only
from ..match import names_another_paper
from ..published import find_published
from ..records import Work
from ..services import ServiceConfig
from .compare import COULD_NOT_CHECK, Finding, describe, roles
from .gather import ARXIV, Gathered, reason, registry_named


def published_findings(session: requests.Session, config: ServiceConfig, gathered: Gathered) -> list[Finding]:
    """W715 naming the published version of an arXiv-only entry; E714 when it could not be asked."""
    paper = gathered.paper
    preprint = _preprint(gathered)
    if preprint is None or not is_arxiv_only(paper) or roles(gathered).published:
        return []  # an entry that reaches a published record already names its published version
    try:
        found = find_published(session, config, paper, preprint)
    except NetworkError as exc:
        why = f"{reason(exc)} (looking for a published version)"
        return [Finding(COULD_NOT_CHECK, None, f"could not check {registry_named(exc)}: {why}")]
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


def _preprint(gathered: Gathered) -> Work | None:
    """The arXiv record of the entry (the feed's), when it is this paper."""
    paper: Paper = gathered.paper
    for answer in gathered.answers:
        if (
            answer.registry == ARXIV
            and answer.work is not None
            and not names_another_paper(paper, answer.work)
        ):
            return answer.work
    return None
