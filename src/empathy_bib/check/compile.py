"""`validate --latex`: compile entries for real in the setups LaTeX users have, and locate failures.

Each setup (pdflatex + BibTeX with plainnat and abbrvnat, pdflatex + biber with biblatex, XeLaTeX
or LuaLaTeX + biber) compiles a small document that cites every chosen entry, in a temporary
folder, each program under a timeout. When a setup fails, the entries are bisected until one
failing entry remains, then each of its fields in turn is replaced by a neutral word: the field
whose replacement makes the compile pass is the one whose text caused the failure.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..bib import BibFile, Block, BlockKind, FieldSpan
from .codes import CHECKS
from .diagnostics import Diagnostic

TIMEOUT = 120  # seconds, per program run
_PLACEHOLDER = "{Placeholder}"
# Fields whose text no setup prints: never the cause of a failure.
_NOT_PRINTED = frozenset({"keywords", "file", "code", "abstract", "annote", "annotation"})

_NATBIB = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{natbib}
\usepackage{url}
\begin{document}
\nocite{*}
\bibliographystyle{%(style)s}
\bibliography{list}
\end{document}
"""
_BIBLATEX = r"""\documentclass{article}
%(fonts)s
\usepackage[backend=biber,style=numeric]{biblatex}
\addbibresource{list.bib}
\begin{document}
\nocite{*}
\printbibliography
\end{document}
"""


_T1 = r"\usepackage[T1]{fontenc}"
_FONTSPEC = r"\usepackage{fontspec}"


@dataclass(frozen=True)
class Setup:
    name: str
    engine: str  # pdflatex, xelatex, lualatex
    backend: str  # bibtex or biber
    document: str

    def available(self) -> bool:
        return shutil.which(self.engine) is not None and shutil.which(self.backend) is not None


SETUPS = (
    Setup("pdflatex + BibTeX (plainnat)", "pdflatex", "bibtex", _NATBIB % {"style": "plainnat"}),
    Setup("pdflatex + BibTeX (abbrvnat)", "pdflatex", "bibtex", _NATBIB % {"style": "abbrvnat"}),
    Setup("pdflatex + biber (biblatex)", "pdflatex", "biber", _BIBLATEX % {"fonts": _T1}),
    Setup("XeLaTeX + biber (biblatex)", "xelatex", "biber", _BIBLATEX % {"fonts": _FONTSPEC}),
)
# LuaLaTeX stands in for XeLaTeX where only it is installed: the same Unicode input and fonts.
_LUALATEX = Setup("LuaLaTeX + biber (biblatex)", "lualatex", "biber", _BIBLATEX % {"fonts": _FONTSPEC})


def available_setups() -> list[Setup]:
    """The setups whose programs are installed (XeLaTeX's, else LuaLaTeX's)."""
    found = [s for s in SETUPS if s.available()]
    if not any(s.engine == "xelatex" for s in found) and _LUALATEX.available():
        found.append(_LUALATEX)
    return found


_PROBE = "@misc{probe2000entry,\n  author = {Probe, Ann},\n  title = {A Probe},\n  year = {2000}\n}\n"


def usable_setups() -> tuple[list[Setup], list[tuple[Setup, str]]]:
    """The installed setups that compile a plain one-entry list, and those that do not (with the
    engine's message): a setup broken on its own (a missing font) would blame every entry."""
    usable: list[Setup] = []
    broken: list[tuple[Setup, str]] = []
    for setup in available_setups():
        failure = _Runner(setup, "").compile([_PROBE])
        if failure is None:
            usable.append(setup)
        else:
            broken.append((setup, failure))
    return usable, broken


@dataclass(frozen=True)
class Failure:
    """A setup failed on an entry; `field` is None when no single field's text explains it."""

    setup: str
    key: str
    field: FieldSpan | None
    message: str


def compile_failures(
    bib: BibFile, keys: Sequence[str] | None = None, setups: Sequence[Setup] | None = None
) -> list[Failure]:
    """Compile the entries named by `keys` (all when None) in each setup; one Failure per entry
    and setup that fails."""
    wanted = None if keys is None else {k.lower() for k in keys}  # BibTeX ignores the case of keys
    chosen = [e for e in bib.entries if e.key and (wanted is None or e.key.lower() in wanted)]
    context = "".join(b.raw + "\n" for b in bib.blocks if b.kind in (BlockKind.STRING, BlockKind.PREAMBLE))
    failures: list[Failure] = []
    for setup in setups if setups is not None else available_setups():
        runner = _Runner(setup, context)
        for entry in runner.failing(chosen):
            failures += runner.locate(entry)
    return failures


def compiles(setup: Setup, entry_texts: Sequence[str], context: str = "") -> str | None:
    """None when the entries (BibTeX text) compile in `setup` and all print, else the error."""
    return _Runner(setup, context).compile(list(entry_texts))


class _Runner:
    def __init__(self, setup: Setup, context: str) -> None:
        self.setup = setup
        self.context = context

    def failing(self, entries: list[Block]) -> list[Block]:
        """The entries that make the setup fail, by bisection (a passing group is never split)."""
        if not entries or self.compile([e.raw for e in entries]) is None:
            return []
        if len(entries) == 1:
            return entries
        middle = len(entries) // 2
        return self.failing(entries[:middle]) + self.failing(entries[middle:])

    def locate(self, entry: Block) -> list[Failure]:
        """The fields of a failing entry whose text makes the setup fail: with every printed field
        neutral the entry compiles; a field that fails again alone with its own text is a cause."""
        key = entry.key or ""
        message = self.compile([entry.raw]) or "failed"
        fields = [f for f in entry.fields if f.key not in _NOT_PRINTED and f.raw_value != _PLACEHOLDER]
        if self.compile([_neutral(entry, fields)]) is not None:
            return [Failure(self.setup.name, key, None, message)]
        culprits = []
        for f in fields:
            alone = self.compile([_neutral(entry, [g for g in fields if g is not f])])
            if alone is not None:
                culprits.append(Failure(self.setup.name, key, f, alone))
        return culprits or [Failure(self.setup.name, key, None, message)]

    def compile(self, entries: list[str]) -> str | None:
        """None when the entries compile and all print, else the first error message."""
        with tempfile.TemporaryDirectory(prefix="empathy-bib-latex-") as tmp:
            work = Path(tmp)
            (work / "list.bib").write_text(self.context + "\n".join(entries), encoding="utf-8")
            (work / "doc.tex").write_text(self.setup.document, encoding="utf-8")
            return _run_setup(self.setup, work, len(entries))


def _neutral(entry: Block, fields: list[FieldSpan]) -> str:
    """The entry's text with the values of `fields` replaced by a neutral word."""
    text = entry.raw
    for f in sorted(fields, key=lambda f: f.value_start, reverse=True):
        text = text[: f.value_start - entry.start] + _PLACEHOLDER + text[f.value_end - entry.start :]
    return text


def _run_setup(setup: Setup, work: Path, expected: int) -> str | None:
    latex = [setup.engine, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
    first = _run(latex, work)
    if first is not None:
        return first
    backend = _run([setup.backend, "doc"], work, _backend_error)
    if backend is not None:
        return backend
    second = _run(latex, work)
    if second is not None:
        return second
    printed = _printed(work)
    if printed < expected:
        return f"{expected - printed} of {expected} entries not printed"
    return None


def _run(cmd: list[str], work: Path, error: Callable[[str, Path], str | None] | None = None) -> str | None:
    try:
        done = subprocess.run(
            cmd, cwd=work, capture_output=True, text=True, errors="replace", timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        return f"{cmd[0]} did not finish within {TIMEOUT} s"
    found = (error or _latex_error)(done.stdout, work)
    if found is None and done.returncode != 0:
        return f"{cmd[0]} exited with status {done.returncode}"
    return found


_LATEX_ERROR = re.compile(r"^! (.*)$", re.M)
_LATEX_CONTEXT = re.compile(r"^l\.\d+ (.*)$", re.M)


def _latex_error(stdout: str, work: Path) -> str | None:
    log = work / "doc.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else stdout
    error = _LATEX_ERROR.search(text)
    if error is None:
        return None
    context = _LATEX_CONTEXT.search(text, error.end())
    where = f" (at: {context.group(1).strip()[:80]})" if context else ""
    return f"{error.group(1).strip()}{where}"


_BIBTEX_ERROR = re.compile(r"^(.*)---(?:line \d+ of file|while executing).*$", re.M)
_BIBER_ERROR = re.compile(r"^ERROR - (.*)$", re.M)


def _backend_error(stdout: str, work: Path) -> str | None:
    for pattern in (_BIBTEX_ERROR, _BIBER_ERROR):
        found = pattern.search(stdout)
        if found:
            return found.group(1).strip()
    return None


def _printed(work: Path) -> int:
    """How many entries the .bbl holds (BibTeX's `\\bibitem`s or biber's `\\entry`s)."""
    bbl = work / "doc.bbl"
    text = bbl.read_text(encoding="utf-8", errors="replace") if bbl.is_file() else ""
    return len(re.findall(r"\\bibitem\b|\\entry\{", text))


def latex_findings(
    bib: BibFile, path: str, keys: Sequence[str] | None = None, setups: Sequence[Setup] | None = None
) -> list[Diagnostic]:
    """One E611 per entry and setup that fails, at the line of the field that caused it."""
    check = CHECKS["E611"]
    found: list[Diagnostic] = []
    for failure in compile_failures(bib, keys, setups):
        entry = bib.entry(failure.key)
        offset = failure.field.value_start if failure.field else (entry.start if entry else 0)
        line, column = bib.line_col(offset)
        where = f"field '{failure.field.key}'" if failure.field else "no single field explains it"
        message = f"{failure.setup} fails ({where}): {failure.message}"
        found.append(
            Diagnostic(path, line, column, check.severity, "E611", message, failure.key, check.fix_hint)
        )
    return found
