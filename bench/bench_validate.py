#!/usr/bin/env python3
"""validate on N synthetic entries beside `bibtool -d` and bibtexparser's plain parse; the real list.

    python bench/bench_validate.py [N]      (default 10000)

Each tool runs in its own process (start-up included, peak MB is that process's), best of 3.
The processes keep compiled bytecode (in a temporary PYTHONPYCACHEPREFIX, even where
PYTHONDONTWRITEBYTECODE is set), as an installed package and the peers' site-packages have it:
otherwise every run of ours would recompile our sources (about 0.02 s) and theirs would not.
Then, in-process, where validate's time goes (load vs. each check family).
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PYTHON, ROOT, Measurement, keep_bytecode, measure, print_table, python_snippet


def tool_rows(bib: Path) -> list[Measurement]:
    rows = [
        measure(
            "empathy-bib validate", [PYTHON, "-m", "empathy_bib", "validate", "--format", "json", str(bib)]
        ),
        measure(
            "bibtexparser 2 parse_string",
            python_snippet(f"import bibtexparser; bibtexparser.parse_string(open({str(bib)!r}).read())"),
        ),
    ]
    if shutil.which("bibtool"):
        rows.append(measure("bibtool -d", ["bibtool", "-d", "-q", "-o", "/dev/null", str(bib)]))
    return rows


def breakdown(bib: Path) -> list[tuple[str, float]]:
    """Seconds per stage, measured in this process as `check_path` runs them (GC paused, taxonomy)."""
    start = time.perf_counter()
    from empathy_bib.bib import BibFile
    from empathy_bib.check import FAMILIES
    from empathy_bib.check.context import Context
    from empathy_bib.taxonomy import load_taxonomy

    stages: list[tuple[str, float]] = [("imports", time.perf_counter() - start)]
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    gc.disable()  # as cli.main runs every command
    try:
        start = time.perf_counter()
        loaded = BibFile.load(bib)
        stages.append(("load (bib layer split)", time.perf_counter() - start))
        ctx = Context(loaded, taxonomy, str(bib))
        start = time.perf_counter()
        _ = ctx.papers
        stages.append(("papers (values, spans)", time.perf_counter() - start))
        for name, family in FAMILIES.items():  # every family, in the order `check_bib` runs them
            start = time.perf_counter()
            family(ctx)
            stages.append((name, time.perf_counter() - start))
    finally:
        gc.enable()
    return stages


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        keep_bytecode(Path(tmp))
        bib = Path(tmp) / "synthetic.bib"
        subprocess.run([PYTHON, str(ROOT / "bench" / "gen.py"), str(n), str(bib)], check=True)
        print(f"{n} synthetic entries ({bib.stat().st_size / 1e6:.1f} MB)")
        print_table(tool_rows(bib))
        print("\nwhere validate's time goes (in-process):")
        for label, seconds in breakdown(bib):
            print(f"  {label:<30} {seconds:6.3f} s")
        real = ROOT / "references.bib"
        print(f"\nthe real list ({real.name}, start-up included):")
        print_table(
            [measure("empathy-bib validate", [PYTHON, "-m", "empathy_bib", "validate", str(real)], repeat=5)]
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
