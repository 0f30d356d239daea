"""Service settings shared by `fetch-dois` and `add`: base URLs, mailto, cache, timeout.

Each option can also come from the environment (`EMPATHY_BIB_*`); a command-line option wins.
The defaults point at the real services.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

DEFAULTS = {
    "crossref_url": "https://api.crossref.org",
    "datacite_url": "https://api.datacite.org",
    "arxiv_url": "https://export.arxiv.org",
    "anthology_url": "https://aclanthology.org",
}
ENV = {
    "crossref_url": "EMPATHY_BIB_CROSSREF_URL",
    "datacite_url": "EMPATHY_BIB_DATACITE_URL",
    "arxiv_url": "EMPATHY_BIB_ARXIV_URL",
    "anthology_url": "EMPATHY_BIB_ANTHOLOGY_URL",
    "mailto": "EMPATHY_BIB_MAILTO",
    "cache_dir": "EMPATHY_BIB_CACHE_DIR",
}
DEFAULT_TIMEOUT = 20.0


@dataclass(frozen=True)
class ServiceConfig:
    crossref_url: str = DEFAULTS["crossref_url"]
    datacite_url: str = DEFAULTS["datacite_url"]
    arxiv_url: str = DEFAULTS["arxiv_url"]
    anthology_url: str = DEFAULTS["anthology_url"]
    mailto: str | None = None
    cache_dir: Path | None = None  # None with use_cache: the user cache directory
    use_cache: bool = True
    timeout: float = DEFAULT_TIMEOUT

    @property
    def cache_path(self) -> Path:
        base = self.cache_dir or Path(user_cache_dir("empathy-bib"))
        return base / "http-cache.sqlite"


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


def config_from_args(args: argparse.Namespace, environ: dict[str, str] | None = None) -> ServiceConfig:
    env = os.environ if environ is None else environ

    def pick(name: str) -> str | None:
        value = getattr(args, name, None)
        if value:
            return str(value)
        return env.get(ENV[name]) or None

    cache_dir = pick("cache_dir")
    timeout = getattr(args, "timeout", None)
    return ServiceConfig(
        crossref_url=(pick("crossref_url") or DEFAULTS["crossref_url"]).rstrip("/"),
        datacite_url=(pick("datacite_url") or DEFAULTS["datacite_url"]).rstrip("/"),
        arxiv_url=(pick("arxiv_url") or DEFAULTS["arxiv_url"]).rstrip("/"),
        anthology_url=(pick("anthology_url") or DEFAULTS["anthology_url"]).rstrip("/"),
        mailto=pick("mailto"),
        cache_dir=Path(cache_dir) if cache_dir else None,
        use_cache=not getattr(args, "no_cache", False),
        timeout=float(timeout) if timeout else DEFAULT_TIMEOUT,
    )
