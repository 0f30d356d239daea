"""Exceptions that carry what the user needs: where, what, and the exit code.

The CLI turns every `EmpathyBibError` into one line on stderr and its `exit_code`;
nothing else reaches the user as a traceback.
"""

from __future__ import annotations

from pathlib import Path

from .terminal import printable


class EmpathyBibError(Exception):
    """Base class: a problem the user can act on."""

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        return printable(f"{where}{self.message}")  # shown on a terminal: controls escaped


class UsageError(EmpathyBibError):
    """Bad options or arguments (exit 2)."""


class BibReadError(EmpathyBibError):
    """The file cannot be read or decoded (exit 2)."""


class BibParseError(EmpathyBibError):
    """The file did not parse completely, so it must not be rewritten (exit 2)."""


class EditError(EmpathyBibError):
    """A requested edit cannot be applied (unknown key, invalid value)."""


class TaxonomyError(EmpathyBibError):
    """`styles/categories.toml` is missing or malformed (exit 2)."""


class NetworkError(EmpathyBibError):
    """A remote service could not be reached or answered nonsense (exit 1)."""

    exit_code = 1


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM, raised again by a command once it has saved what it finished; `detail`
    says what that was, and the CLI prints it on its one "interrupted"/"terminated" line."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail
