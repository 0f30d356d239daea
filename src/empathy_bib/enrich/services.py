"""Service settings shared by `fetch-dois` and `add`: base URLs, mailto, cache, timeout.

Each setting can also come from the environment (`EMPATHY_BIB_*`); a value given explicitly (a
command-line option, see `commands/_services.py`) wins. The defaults point at the real services.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

from .. import ids
from ..errors import UsageError

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
    timeout: float = DEFAULT_TIMEOUT  # seconds for one whole attempt: connect and every read
    max_age: float | None = None  # days: a cached answer older than this is asked again (verify)

    def __post_init__(self) -> None:
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise UsageError(f"--timeout must be a positive number of seconds, not {self.timeout}")
        if self.max_age is not None and not (math.isfinite(self.max_age) and self.max_age >= 0):
            raise UsageError(f"--max-age must be a number of days (0 or more), not {self.max_age}")
        for name in DEFAULTS:
            url = getattr(self, name)
            if not ids.is_web_url(url):  # requests would fail on it deep inside a lookup
                option = "--" + name.replace("_", "-")
                raise UsageError(f"{option} (or {ENV[name]}) must be an http(s) URL, not {url!r}")

    @property
    def cache_path(self) -> Path:
        base = self.cache_dir or Path(user_cache_dir("empathy-bib"))
        return base / "http-cache.sqlite"


def resolve_config(given: Mapping[str, object], environ: Mapping[str, str] | None = None) -> ServiceConfig:
    """The settings: each from `given` (by field name) when set, else from the environment, else
    the default. `given` may also hold `no_cache` (true: do not use the HTTP cache)."""
    env = os.environ if environ is None else environ

    def pick(name: str) -> str | None:
        value = given.get(name)
        if value:
            return str(value).strip()
        return (env.get(ENV[name]) or "").strip() or None

    cache_dir = pick("cache_dir")
    timeout = given.get("timeout")
    max_age = given.get("max_age")
    return ServiceConfig(
        crossref_url=(pick("crossref_url") or DEFAULTS["crossref_url"]).rstrip("/"),
        datacite_url=(pick("datacite_url") or DEFAULTS["datacite_url"]).rstrip("/"),
        arxiv_url=(pick("arxiv_url") or DEFAULTS["arxiv_url"]).rstrip("/"),
        anthology_url=(pick("anthology_url") or DEFAULTS["anthology_url"]).rstrip("/"),
        mailto=pick("mailto"),
        cache_dir=Path(cache_dir) if cache_dir else None,
        use_cache=not given.get("no_cache", False),
        timeout=float(timeout) if isinstance(timeout, (int, float, str)) else DEFAULT_TIMEOUT,
        max_age=float(max_age) if isinstance(max_age, (int, float)) else None,
    )
