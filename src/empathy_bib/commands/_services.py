"""The service options `fetch-dois` and `add` share (base URLs, mailto, cache, timeout).

Each option can also come from an `EMPATHY_BIB_*` variable; the option wins
(`enrich.services.resolve_config`).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..enrich.services import DEFAULT_TIMEOUT, DEFAULTS, ServiceConfig, resolve_config


def add_service_arguments(parser: argparse.ArgumentParser, *, anthology: bool = False) -> None:
    """The options every command that talks to the services shares."""
    group = parser.add_argument_group("services (each also from an EMPATHY_BIB_* variable)")
    group.add_argument(
        "--crossref-url", metavar="URL", help=f"Crossref API base (default {DEFAULTS['crossref_url']})"
    )
    group.add_argument(
        "--datacite-url", metavar="URL", help=f"DataCite API base (default {DEFAULTS['datacite_url']})"
    )
    group.add_argument("--arxiv-url", metavar="URL", help=f"arXiv API base (default {DEFAULTS['arxiv_url']})")
    if anthology:
        group.add_argument(
            "--anthology-url", metavar="URL", help=f"ACL Anthology base (default {DEFAULTS['anthology_url']})"
        )
    group.add_argument("--mailto", metavar="EMAIL", help="your e-mail, sent to Crossref's polite pool")
    group.add_argument(
        "--cache-dir", metavar="DIR", type=Path, help="HTTP cache folder (default: user cache)"
    )
    group.add_argument("--no-cache", action="store_true", help="do not read or write the HTTP cache")
    group.add_argument(
        "--timeout", metavar="SECONDS", type=float, help=f"per request (default {DEFAULT_TIMEOUT:g})"
    )


def add_jobs_argument(parser: argparse.ArgumentParser, default: int) -> None:
    parser.add_argument(
        "--jobs",
        type=int,
        default=default,
        metavar="N",
        help=f"lookups at once, and requests in flight per host (default {default})",
    )


def config_from_args(args: argparse.Namespace) -> ServiceConfig:
    return resolve_config(vars(args))
