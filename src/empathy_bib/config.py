"""Where things are: the project root, `references.bib`, `styles/`, from `[tool.empathy-bib]`.

The root is the nearest folder, from the current directory upwards, that holds
`styles/categories.toml` or a `pyproject.toml` with a `[tool.empathy-bib]` table.
Paths in the table are relative to the root.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from . import ids
from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

DEFAULT_BIB = "references.bib"
DEFAULT_STYLES = "styles"
DEFAULT_TAXONOMY = "styles/categories.toml"
# Where the page (site/) is published: the feed's links and ids are made from it. Each list sets
# its own `site_url` ([tool.empathy-bib], or styles/settings.toml's [list]); this is a placeholder.
DEFAULT_SITE_URL = "https://example.org/"


@dataclass(frozen=True)
class Project:
    root: Path
    bib: Path
    styles: Path
    taxonomy: Path
    select: str = ""  # validate's default --select / --ignore (comma-separated codes or prefixes)
    ignore: str = ""
    site_url: str = DEFAULT_SITE_URL  # an absolute http(s) URL ending in `/`


def find_project(start: Path | None = None) -> Project:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        settings = _tool_settings(folder / "pyproject.toml")
        if settings is not None or (folder / DEFAULT_TAXONOMY).is_file():
            return _project(folder, settings or {})
    # No project found: use the current directory's defaults; commands report what is missing.
    return _project(here, {})


def _tool_settings(pyproject: Path) -> dict[str, object] | None:
    if not pyproject.is_file():
        return None
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read [tool.empathy-bib]: {exc}", path=pyproject) from None
    tool = data.get("tool", {})
    settings = tool.get("empathy-bib") if isinstance(tool, dict) else None
    return settings if isinstance(settings, dict) else None


def _project(root: Path, settings: dict[str, object]) -> Project:
    def path(name: str, default: str) -> Path:
        value = settings.get(name, default)
        if not isinstance(value, str):
            raise UsageError(f"[tool.empathy-bib] {name} must be a string", path=root / "pyproject.toml")
        return root / value

    styles = path("styles", DEFAULT_STYLES)
    taxonomy = path("taxonomy", DEFAULT_TAXONOMY) if "taxonomy" in settings else styles / "categories.toml"
    return Project(
        root=root,
        bib=path("bib", DEFAULT_BIB),
        styles=styles,
        taxonomy=taxonomy,
        select=_codes(settings, "select", root),
        ignore=_codes(settings, "ignore", root),
        site_url=_site_url({"site_url": DEFAULT_SITE_URL, **_list_table(styles), **settings}, root),
    )


def _site_url(settings: dict[str, object], root: Path) -> str:
    """`site_url`: where site/ is published, as an absolute http(s) URL ending in `/`."""
    value = settings.get("site_url", DEFAULT_SITE_URL)
    if not isinstance(value, str) or not ids.is_web_url(value.strip()):
        raise UsageError(
            "[tool.empathy-bib] site_url must be an absolute http(s) URL", path=root / "pyproject.toml"
        )
    url = value.strip()
    return url if url.endswith("/") else url + "/"


def _codes(settings: dict[str, object], name: str, root: Path) -> str:
    """`select = ["E2", "W310"]` or `select = "E2,W310"`, as the command line's comma form."""
    value = settings.get(name, "")
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(str(v) for v in value)
    raise UsageError(f"[tool.empathy-bib] {name} must be a list of check codes", path=root / "pyproject.toml")


# The list's own words, for the templates (`settings.title`, `settings.description`): from
# `styles/settings.toml` ([list] table), else `[tool.empathy-bib]`, else these defaults.
SETTINGS_FILE = "settings.toml"
DEFAULT_SETTINGS = {
    "title": "Awesome Papers",
    "description": "A curated list of papers.",
    "author": "The list's contributors",  # the feed's author
    "repository": "",
}


def list_settings(styles: Path) -> dict[str, str]:
    """`title`, `description` and `repository` of the list whose templates are in `styles`."""
    settings = dict(DEFAULT_SETTINGS)
    given = (
        _list_table(styles)
        if (styles / SETTINGS_FILE).is_file()
        else _tool_settings(styles.parent / "pyproject.toml")
    )
    for name in DEFAULT_SETTINGS:
        value = (given or {}).get(name)
        if isinstance(value, str):
            settings[name] = value
    return settings


def _list_table(styles: Path) -> dict[str, object]:
    """The `[list]` table of `styles/settings.toml` (empty when there is no such file)."""
    path = styles / SETTINGS_FILE
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read the list's settings: {exc}", path=path) from None
    table = data.get("list", {})
    return table if isinstance(table, dict) else {}
