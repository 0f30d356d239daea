"""What validate reports: a `Diagnostic`, and the `Check` a code stands for (the registry of
codes is `codes.CHECKS`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..terminal import printable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Check:
    code: str
    name: str  # a short slug, for SARIF rule names
    severity: str
    summary: str  # what it finds, one sentence
    fix_hint: str  # what to do about it
    fixable: bool = False  # `--fix` can repair it safely


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    severity: str  # "error" | "warning"
    code: str
    message: str
    key: str | None = None
    fix_hint: str | None = None

    def format_text(self) -> str:
        """`PATH:LINE:COL: SEVERITY CODE message [key]`, control characters shown escaped."""
        suffix = f" [{self.key}]" if self.key else ""
        where = f"{self.path}:{self.line}:{self.column}:"
        return printable(f"{where} {self.severity} {self.code} {self.message}{suffix}")

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)
