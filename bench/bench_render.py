#!/usr/bin/env python3
"""The whole render of N synthetic entries beside bibtexparser's parse and pandoc's conversion.

    python bench/bench_render.py [N]      (default 10000)

Measured in one run, each in its own process (start-up included, peak RSS of that process), the
commands taking turns round by round (best of three; pandoc best of two):
- bibtexparser 2 `parse_file` of the file (the target: render within 2x of it);
- pandoc `-f bibtex -t csljson` of the same file (the target: render at least 5x faster);
- `empathy-bib render` (README, bib/<slug>.bib, CSL-JSON, page, Atom feed) with validate's checks, as
  `--jobs 2` (the checks and the CSL-JSON in a worker process) and `--jobs 1` (one process),
  and the render stage alone (`render_outputs(..., validate=False)`);
- `empathy-bib render --check` on the real list (target: under 1 s).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, keep_bytecode, measure, measure_interleaved, print_table, python_snippet


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        keep_bytecode(Path(tmp))
        bib = Path(tmp) / "synthetic.bib"
        out = Path(tmp) / "out"
        render = [PYTHON, "-m", "empathy_bib", "render", "--bib", str(bib)]
        subprocess.run([PYTHON, str(ROOT / "bench" / "gen.py"), str(n), str(bib)], check=True)
        commands = [
            (
                "bibtexparser parse_file",
                python_snippet(f"import bibtexparser; bibtexparser.parse_file({str(bib)!r})"),
                3,
            ),
            *(
                (
                    f"empathy-bib render --jobs {jobs}",
                    [*render, "--jobs", str(jobs), "--out", str(out / str(jobs))],
                    3,
                )
                for jobs in (2, 1)
            ),
            (
                "render stage alone (validate=False), write all",
                python_snippet(
                    # What the command does, minus validate's checks (the GC paused as cli.main does).
                    "import gc; gc.disable();"
                    "from pathlib import Path;"
                    "from empathy_bib.bib import BibFile;"
                    "from empathy_bib.taxonomy import load_taxonomy;"
                    "from empathy_bib.render import render_outputs, write_outputs;"
                    f"t = load_taxonomy({str(ROOT / 'styles/categories.toml')!r});"
                    f"s = Path({str(ROOT / 'styles')!r});"
                    f"b = BibFile.load({str(bib)!r});"
                    f"write_outputs(render_outputs(b, t, s, validate=False), Path({str(out)!r}) / 'alone')"
                ),
                3,
            ),
        ]
        pandoc = shutil.which("pandoc")
        if pandoc:
            # Best of two, as the others are best of three: it varies by a second.
            pandoc_cmd = [pandoc, "-f", "bibtex", "-t", "csljson", str(bib), "-o", "/dev/null"]
            commands.append(("pandoc -f bibtex -t csljson", pandoc_cmd, 2))
        # Taking turns: a burst of load on the shared CPU falls on every command alike.
        rows = measure_interleaved(commands)
        rows.append(
            measure(
                "empathy-bib render --check (real list)", [PYTHON, "-m", "empathy_bib", "render", "--check"]
            )
        )
    print(f"{n} synthetic entries ({bib.name}); real list: {ROOT / 'references.bib'}")
    print("runs interleaved (one of each command per round); wall s is the best run, cpu s its CPU time")
    print_table(rows)
    base = rows[0]
    for row in rows[1:4]:
        print(
            f"{row.label}: {row.seconds / base.seconds:.1f}x bibtexparser's parse (target <= 2x); "
            f"CPU {row.cpu_seconds / base.cpu_seconds:.1f}x"
        )
    if pandoc:
        for row in rows[1:4]:
            print(
                f"pandoc / {row.label}: {rows[4].seconds / row.seconds:.1f}x (target >= 5x); "
                f"CPU {rows[4].cpu_seconds / row.cpu_seconds:.1f}x"
            )
    print("peak memory target: < 300 MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
