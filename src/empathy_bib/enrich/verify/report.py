"""`verify --report FILE`: per entry checked, each registry consulted, its answer and the verdict."""

from __future__ import annotations

from typing import Any

from ...check.codes import CHECKS
from .compare import describe
from .gather import Answer
from .run import EntryVerdict


def answer_summary(answer: Answer) -> str:
    if answer.failure is not None:
        return f"could not check: {answer.failure}"
    if answer.work is None:
        return "not known"
    return describe(answer.work)


def entry_report(verdict: EntryVerdict) -> dict[str, Any]:
    gathered = verdict.gathered
    consulted = [
        {
            "registry": a.registry,
            "identifier": {
                "kind": a.identifier.kind,
                "value": a.identifier.value,
                "field": a.identifier.field,
            },
            "answer": answer_summary(a),
        }
        for a in gathered.answers
    ]
    consulted += [
        {
            "registry": "Crossref, DataCite",
            "identifier": {"kind": i.kind, "value": i.value, "field": i.field},
            "answer": "not known",
        }
        for i in gathered.doi_unknown
    ]
    severities = {CHECKS[f.code].severity for f in verdict.findings}
    outcome = "error" if "error" in severities else "warning" if severities else "ok"
    if not consulted:
        outcome = "no identifier"
    return {
        "key": verdict.paper.key,
        "line": verdict.paper.line,
        "consulted": consulted,
        "verdict": outcome,
        "findings": [{"code": f.code, "field": f.field, "message": f.message} for f in verdict.findings],
    }


def report(verdicts: list[EntryVerdict], *, path: str, requests_sent: int) -> dict[str, Any]:
    entries = [entry_report(v) for v in verdicts]
    counts: dict[str, int] = {}
    for e in entries:
        counts[e["verdict"]] = counts.get(e["verdict"], 0) + 1
    return {
        "file": path,
        "checked": len(entries),
        "summary": counts,
        "requests": requests_sent,
        "entries": entries,
    }
