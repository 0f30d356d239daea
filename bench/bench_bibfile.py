#!/usr/bin/env python3
"""Load + save of N synthetic entries through the bib layer, beside bibtexparser's and pybtex's parse.

    python bench/bench_bibfile.py [N]      (default 10000)

Each tool runs in its own process: wall time includes start-up, peak MB is that process's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, measure, print_table, python_snippet


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "synthetic.bib"
        out = Path(tmp) / "saved.bib"
        edited = Path(tmp) / "edited.bib"
        import subprocess

        subprocess.run([PYTHON, str(ROOT / "bench" / "gen.py"), str(n), str(bib)], check=True)
        rows = [
            measure(
                "empathy-bib load + save",
                python_snippet(
                    "from empathy_bib.bib import BibFile;"
                    f"b = BibFile.load({str(bib)!r}); b.save({str(out)!r})"
                ),
            ),
            measure(
                "empathy-bib load + 1 insert + save",
                python_snippet(
                    "from empathy_bib.bib import BibFile;"
                    f"b = BibFile.load({str(bib)!r}); b.set_field(b.entries[0].key, 'note', 'x');"
                    f"b.save({str(edited)!r})"
                ),
            ),
            measure(
                "bibtexparser 2 parse_file",
                python_snippet(f"import bibtexparser; bibtexparser.parse_file({str(bib)!r})"),
            ),
            measure(
                "bibtexparser 2 splitter only",
                python_snippet(
                    "from bibtexparser.splitter import Splitter;"
                    f"Splitter(open({str(bib)!r}, encoding='utf-8').read()).split()"
                ),
            ),
            measure(
                "pybtex parse_file",
                python_snippet(f"from pybtex.database import parse_file; parse_file({str(bib)!r})"),
            ),
        ]
        identical = out.exists() and bib.read_bytes() == out.read_bytes()
        added = len(edited.read_bytes()) - len(bib.read_bytes()) if edited.exists() else -1
    print(f"{n} synthetic entries")
    print_table(rows)
    print(f"load + save byte-identical to the input: {identical}; the insert added {added} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
