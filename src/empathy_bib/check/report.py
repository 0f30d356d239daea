"""Formatting findings: text (for people), json, SARIF 2.1.0 (code scanning), GitHub annotations."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from urllib.parse import quote

from .. import __version__
from ..terminal import printable
from .codes import CHECKS
from .diagnostics import ERROR, WARNING, Diagnostic

FORMATS = ("text", "json", "sarif", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/empathy-bib/empathy-bib/blob/main/docs/checks.md"

_ANSI = {ERROR: "\033[1;31m", WARNING: "\033[1;33m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def summary(diagnostics: Sequence[Diagnostic], files: int = 1) -> dict[str, int]:
    counts = Counter(d.severity for d in diagnostics)
    return {"files": files, "errors": counts[ERROR], "warnings": counts[WARNING]}


def summary_line(diagnostics: Sequence[Diagnostic], files: int = 1) -> str:
    s = summary(diagnostics, files)
    if not diagnostics:
        return f"{_plural(files, 'file')} checked: no problems found"
    return (
        f"{_plural(files, 'file')} checked: {_plural(s['errors'], 'error')}, "
        f"{_plural(s['warnings'], 'warning')}"
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def format_text(diagnostics: Sequence[Diagnostic], *, color: bool = False, files: int = 1) -> str:
    """One line per finding, `PATH:LINE:COL: SEVERITY CODE message [key]`, then the summary line."""
    lines = [_colored(d) if color else d.format_text() for d in diagnostics]
    lines.append(summary_line(diagnostics, files))
    return "\n".join(lines) + "\n"


def _colored(d: Diagnostic) -> str:
    """`Diagnostic.format_text` with colours: only ours are escape sequences."""
    key = f" {_DIM}[{printable(d.key)}]{_RESET}" if d.key else ""
    return (
        f"{_BOLD}{printable(d.path)}:{d.line}:{d.column}:{_RESET} {_ANSI[d.severity]}{d.severity}{_RESET} "
        f"{_BOLD}{d.code}{_RESET} {printable(d.message)}{key}"
    )


def format_json(diagnostics: Sequence[Diagnostic], *, files: int = 1) -> str:
    """`{"diagnostics": [...], "summary": {...}}`, one finding a line: readable and diffable even
    with thousands of findings, and written by json's C encoder (which `indent=` would bypass)."""
    rows = ",\n    ".join(json.dumps(_json_finding(d), ensure_ascii=False) for d in diagnostics)
    listed = f"[\n    {rows}\n  ]" if rows else "[]"
    totals = json.dumps(summary(diagnostics, files), ensure_ascii=False)
    return f'{{\n  "diagnostics": {listed},\n  "summary": {totals}\n}}\n'


def _json_finding(d: Diagnostic) -> dict[str, object]:
    return {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "key": d.key,
        "fix_hint": d.fix_hint,
    }


def format_sarif(diagnostics: Sequence[Diagnostic]) -> str:
    """SARIF 2.1.0 with one rule per check in the registry, as GitHub code scanning reads it."""
    codes = list(CHECKS)
    rules = [
        {
            "id": c.code,
            "name": c.name,
            "shortDescription": {"text": c.summary},
            "help": {"text": c.fix_hint},
            "helpUri": f"{INFORMATION_URI}#{c.code.lower()}",
            "defaultConfiguration": {"level": c.severity},
        }
        for c in CHECKS.values()
    ]
    results = [
        {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": d.severity,
            "message": {"text": d.message + (f" [{d.key}]" if d.key else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(d.path)},
                        "region": {"startLine": d.line, "startColumn": d.column},
                    }
                }
            ],
        }
        for d in diagnostics
    ]
    sarif = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "empathy-bib",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _uri(path: str) -> str:
    """A path as SARIF's `uri` (an RFC 3986 reference): `/` separators, and a space, `#`, `%` or
    non-ASCII letter percent-encoded, else `my refs.bib` or `a#b.bib` is not a valid reference."""
    return quote(path.replace("\\", "/"), safe="/")


def format_github(diagnostics: Sequence[Diagnostic], *, files: int = 1) -> str:
    """Workflow commands (`::error file=...,line=...,col=...,title=...::message`), then the summary."""
    lines = [
        f"::{d.severity} file={_property(d.path)},line={d.line},col={d.column},title={_property(d.code)}::"
        f"{_data(d.message + (f' [{d.key}]' if d.key else ''))}"
        for d in diagnostics
    ]
    lines.append(summary_line(diagnostics, files))
    return "\n".join(lines) + "\n"


def _data(text: str) -> str:
    """Escape a workflow command's message, as @actions/core does (other controls as `\\xNN`)."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(diagnostics: Sequence[Diagnostic], fmt: str, *, color: bool = False, files: int = 1) -> str:
    if fmt == "json":
        return format_json(diagnostics, files=files)
    if fmt == "sarif":
        return format_sarif(diagnostics)
    if fmt == "github":
        return format_github(diagnostics, files=files)
    return format_text(diagnostics, color=color, files=files)
