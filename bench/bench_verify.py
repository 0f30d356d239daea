#!/usr/bin/env python3
"""`empathy-bib verify` throughput against the loopback registry fake (tests/registry.py).

    .venv/bin/python bench/bench_verify.py [N] [--latency SECONDS] [--jobs C]   (default 300, 0.1, 3)

1. N synthetic entries (bench/gen.py), each known to the fake with the same metadata (Crossref for
   its DOI, the Anthology for its Anthology id, arXiv and DataCite for its arXiv id), every answer
   delayed by L: prints the wall time of `verify` in its own process, the requests it made, the
   ideal requests * L / C (all four fakes share one host, so at most C are in flight), the ratio
   (goal <= 1.3) and the most requests seen in flight.
2. The real references.bib against the truth (tests/fixtures/registry/truth.json): a cold run,
   then a rerun with the warm cache: wall time (goal < 1 s) and requests (goal 0).

Prints that verify does not exist and exits 0 while `empathy-bib verify` is not there.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import bibtexparser  # noqa: E402
from pybtex.database import Person  # noqa: E402
from pylatexenc.latex2text import LatexNodes2Text  # noqa: E402

from bench.gen import generate  # noqa: E402
from tests.registry import Records, Registry  # noqa: E402

TO_TEXT = LatexNodes2Text()


def verify_exists() -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "empathy_bib", "verify", "--help"],
        capture_output=True,
        text=True,
        env=child_env({}),
        check=False,
    )
    return not (result.returncode == 2 and "invalid choice" in result.stderr)


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_BIB_")}
    return {**env, "PYTHONPATH": str(ROOT / "src"), **extra}


def text(latex: str) -> str:
    return " ".join(TO_TEXT.latex_to_text(latex).split())


def people(field: str) -> list[tuple[str, str]]:
    names = []
    for name in field.split(" and "):
        person = Person(name)
        given = text(" ".join(person.first_names + person.middle_names))
        family = text(" ".join(person.prelast_names + person.last_names + person.lineage_names))
        names.append((given, family))
    return names


def records_for(bib_text: str) -> Records:
    """What the registries would say about each synthetic entry: exactly what the entry says."""
    records = Records()
    library = bibtexparser.parse_string(bib_text)
    for entry in library.entries:
        f = {field.key.lower(): str(field.value) for field in entry.fields}
        title, authors, year = text(f["title"]), people(f["author"]), int(f["year"])
        doi = f.get("doi", "")
        if doi and not doi.lower().startswith("10.48550/"):
            records.crossref[doi.lower()] = crossref_item(doi, title, authors, year, f)
        if f.get("url", "").startswith("https://aclanthology.org/"):
            anthology_id = f["url"].rstrip("/").rsplit("/", 1)[-1]
            records.anthology[anthology_id] = anthology_bib(entry.key, f, bib_text)
        if f.get("eprint"):
            arxiv_id = f["eprint"]
            records.arxiv[arxiv_id] = {
                "title": title,
                "authors": [f"{g} {fam}".strip() for g, fam in authors],
                "published": f"20{arxiv_id[:2]}-{arxiv_id[2:4]}-10T12:00:00Z",
            }
            records.datacite[f"10.48550/arxiv.{arxiv_id}"] = datacite_record(arxiv_id, title, authors)
    return records


def crossref_item(
    doi: str, title: str, authors: list[tuple[str, str]], year: int, f: dict[str, str]
) -> dict[str, Any]:
    return {
        "DOI": doi.lower(),
        "type": "journal-article" if "journal" in f else "proceedings-article",
        "title": [title],
        "author": [{"given": g, "family": fam, "sequence": "additional"} for g, fam in authors],
        "container-title": [text(f.get("journal") or f.get("booktitle", ""))],
        "issued": {"date-parts": [[year]]},
        "page": f.get("pages", "").replace("--", "-"),
        "publisher": "Association for Computational Linguistics",
    }


def anthology_bib(key: str, f: dict[str, str], bib_text: str) -> str:
    fields = "".join(
        f"  {name} = {{{f[name]}}},\n" for name in ("title", "author", "year", "pages", "doi") if name in f
    )
    venue = text(f.get("booktitle", "Proceedings"))
    return f"@inproceedings{{{key},\n{fields}  booktitle = {{{venue}}},\n  url = {{{f['url']}}},\n}}\n"


def datacite_record(arxiv_id: str, title: str, authors: list[tuple[str, str]]) -> dict[str, Any]:
    doi = f"10.48550/arxiv.{arxiv_id}"
    creators = [{"name": f"{fam}, {g}", "givenName": g, "familyName": fam} for g, fam in authors]
    attributes = {"doi": doi, "titles": [{"title": title}], "creators": creators, "publisher": "arXiv"}
    attributes.update(publicationYear=int("20" + arxiv_id[:2]), types={"resourceTypeGeneral": "Preprint"})
    return {"id": doi, "type": "dois", "attributes": attributes}


def run_verify(registry: Registry, bib: Path, cache: Path, jobs: int) -> tuple[float, int, str]:
    cmd = [sys.executable, "-m", "empathy_bib", "verify", str(bib), "--cache-dir", str(cache)]
    cmd += ["--jobs", str(jobs), "--format", "json"]
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=child_env(registry.env()), check=False)
    seconds = time.perf_counter() - start
    if result.returncode not in (0, 1):
        print(result.stderr[-2000:], file=sys.stderr)
    return seconds, result.returncode, result.stderr


def throughput(n: int, latency: float, jobs: int, folder: Path) -> None:
    bib_text = generate(n)
    bib = folder / "synthetic.bib"
    bib.write_text(bib_text, encoding="utf-8")
    with Registry(records_for(bib_text), latency=latency) as registry:
        seconds, code, _ = run_verify(registry, bib, folder / "cache-synthetic", jobs)
        asked = registry.count()
        ideal = asked * latency / jobs
        print(
            f"{n} synthetic entries, latency {latency * 1000:.0f} ms, at most {jobs} in flight (exit {code})"
        )
        print(f"  requests              {asked}")
        print(f"  wall s                {seconds:8.2f}")
        print(f"  ideal s (req*L/C)     {ideal:8.2f}")
        print(f"  ratio                 {seconds / ideal if ideal else float('nan'):8.2f}   (goal <= 1.3)")
        print(f"  most in flight        {registry.max_in_flight}")


def warm_rerun(jobs: int, folder: Path) -> None:
    with Registry() as registry:
        cache = folder / "cache-real"
        cold, code, _ = run_verify(registry, ROOT / "references.bib", cache, jobs)
        cold_requests = registry.count()
        registry.clear_log()
        warm, code2, _ = run_verify(registry, ROOT / "references.bib", cache, jobs)
        print(f"references.bib against the truth: cold {cold:.2f} s, {cold_requests} requests (exit {code})")
        print(f"  warm rerun wall s     {warm:8.2f}   (goal < 1)")
        print(f"  warm rerun requests   {registry.count():8d}   (goal 0, exit {code2})")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int, nargs="?", default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--jobs", type=int, default=3)
    args = parser.parse_args()
    if not verify_exists():
        print("empathy-bib verify does not exist yet: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        throughput(args.n, args.latency, args.jobs, Path(tmp))
        warm_rerun(args.jobs, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
