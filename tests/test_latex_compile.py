"""LaTeX is a real client: references.bib must compile cleanly with BibTeX and with biber."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.record import papers_of

from .conftest import ROOT, require_tool

pytestmark = pytest.mark.latex

NATBIB_DOC = r"""\documentclass{article}
\usepackage{natbib}
\usepackage{url}
\begin{document}
\nocite{*}
\bibliographystyle{plainnat}
\bibliography{references}
\end{document}
"""

BIBLATEX_DOC = r"""\documentclass{article}
\usepackage[backend=biber,style=numeric]{biblatex}
\addbibresource{references.bib}
\newwrite\keysout
\immediate\openout\keysout=printed-keys.txt
\AtEveryBibitem{\immediate\write\keysout{\thefield{entrykey}}}
\begin{document}
\nocite{*}
\printbibliography[%s]
\immediate\closeout\keysout
\end{document}
"""


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


def workdir(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


def test_pdflatex_bibtex_plainnat_without_warnings(tmp_path: Path) -> None:
    pdflatex, bibtex = require_tool("pdflatex"), require_tool("bibtex")
    work = workdir(tmp_path)
    (work / "doc.tex").write_text(NATBIB_DOC)
    assert run([pdflatex, "-interaction=nonstopmode", "doc.tex"], work).returncode == 0
    result = run([bibtex, "doc"], work)
    assert result.returncode == 0, result.stdout
    assert "Warning--" not in result.stdout, result.stdout
    assert "error message" not in result.stdout, result.stdout
    for _ in range(2):
        final = run([pdflatex, "-interaction=nonstopmode", "doc.tex"], work)
    assert final.returncode == 0, final.stdout[-2000:]
    assert "Citation" not in re.findall(r"LaTeX Warning: (\w+)", final.stdout)
    keys = {p.key for p in papers_of(BibFile.load(ROOT / "references.bib"))}
    bbl = (work / "doc.bbl").read_text()
    assert set(re.findall(r"\\bibitem\[[^\]]*\]\{([^}]+)\}", bbl, flags=re.S)) == keys


def compile_biblatex(work: Path, options: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    pdflatex, biber = require_tool("pdflatex"), require_tool("biber")
    (work / "doc.tex").write_text(BIBLATEX_DOC % options)
    assert run([pdflatex, "-interaction=nonstopmode", "doc.tex"], work).returncode == 0
    result = run([biber, "doc"], work)
    final = run([pdflatex, "-interaction=nonstopmode", "doc.tex"], work)
    assert final.returncode == 0, final.stdout[-2000:]
    printed = (work / "printed-keys.txt").read_text().split()
    return result, printed


def test_biblatex_biber_without_warnings(tmp_path: Path) -> None:
    result, printed = compile_biblatex(workdir(tmp_path), "")
    assert result.returncode == 0, result.stdout
    problems = [line for line in result.stdout.splitlines() if "WARN" in line or "ERROR" in line]
    assert problems == []
    keys = {p.key for p in papers_of(BibFile.load(ROOT / "references.bib"))}
    assert set(printed) == keys


def test_biblatex_prints_one_category_by_keyword(tmp_path: Path) -> None:
    _, printed = compile_biblatex(workdir(tmp_path), "keyword=datasets")
    expected = {
        p.key for p in papers_of(BibFile.load(ROOT / "references.bib")) if "datasets" in p.categories
    }
    assert len(expected) == 5
    assert set(printed) == expected
