#!/usr/bin/env python3
"""`empathy-bib import` on a generated README of N papers.

    python bench/bench_import.py [N]      (default 2000)

Part 1, parsing: `read_readme` on a README of N papers in the shapes awesome lists use (numbered
items with bold titles and badge rows, titles as link text with star badges, tables, HTML `<li>`
with shields.io venue badges, nested sub-bullets, `<details>` blocks), under nested headings
with emoji, with a News section whose links are no papers. Target: under 1 s for 2000 papers.
Best of 3 runs in this process (the parser's own time; start-up is not part of it).

Part 2, resolution (`bench_resolve`): the same README's papers looked up by `import`'s resolver
against the loopback fake of the four registries (tests/registry.py) with 0.1 s per answer, at
most 3 in flight (one host): wall time against requests x 0.1 s / 3, the politeness limit as
bench_fetch.py and bench_verify.py compute it (goal: within 1.3x).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from empathy_bib.readme import read_readme

_VENUES = ("ACL 2024", "Findings of EMNLP 2023", "NeurIPS 2022", "ICLR 2025", "COLING 2025", "Arxiv 2024.08")
_EMOJI = ("💡", "🗣️", "🧪", "📚", "🎛️", "🧠", "📊", "⚖️")


def _arxiv(n: int) -> str:
    return f"2{n % 5}{1 + n % 9:02d}.{10000 + n:05d}"


def _title(rng: random.Random, n: int) -> str:
    words = ("Empathetic", "Dialogue", "Large", "Language", "Models", "Emotion", "Reasoning", "Support")
    return f"Paper{n}: " + " ".join(rng.choice(words) for _ in range(rng.randint(4, 9)))


def _authors(rng: random.Random) -> str:
    given = ("Ann", "Bo", "Chen", "Dana", "Eli", "Fei", "Gus", "Hana")
    family = ("Lee", "Wang", "Smith", "Garcia", "Zhang", "Müller", "Ito", "Khan")
    return ", ".join(f"{rng.choice(given)} {rng.choice(family)}" for _ in range(rng.randint(2, 7)))


def _numbered(rng: random.Random, n: int, k: int) -> str:
    return (
        f"{k}. **{_title(rng, n)}.**  \n   *{_authors(rng)}.* [[abs](https://arxiv.org/abs/{_arxiv(n)})], "
        f"[[code](https://github.com/lab{n}/repo)], {rng.choice(_VENUES)}\n"
    )


def _linked(rng: random.Random, n: int, k: int) -> str:
    return (
        f"{k}. [**{_title(rng, n)}.**](https://aclanthology.org/2024.acl-long.{n}/) _{_authors(rng)}._ "
        f"{rng.choice(_VENUES)}. [![GitHub Repo stars](https://img.shields.io/github/stars/l{n}/r)]"
        f"(https://github.com/l{n}/r)\n"
    )


def _html(rng: random.Random, n: int, k: int) -> str:
    return (
        f'<li><i><b>{_title(rng, n)}</b></i>, {_authors(rng)}, <a href="https://doi.org/10.1145/{n}.{k}">'
        f'<img src="https://img.shields.io/badge/CHI-2025-blue" alt="DOI Badge"></a></li>\n'
    )


def _nested(rng: random.Random, n: int, k: int) -> str:
    return (
        f"- [{_title(rng, n)}](https://openreview.net/forum?id=id{n}x)\n  - {_authors(rng)}\n"
        f"  - [code](https://huggingface.co/spaces/l{n}/demo) {rng.choice(_VENUES)}\n"
    )


def _table(rng: random.Random, start: int, count: int) -> str:
    rows = "".join(
        f"| [{_title(rng, n)}](https://arxiv.org/pdf/{_arxiv(n)}v2) | {rng.choice(_VENUES)} "
        f"| 2024-0{1 + n % 9} | [GitHub](https://github.com/t{n}/x) |\n"
        for n in range(start, start + count)
    )
    return "| Title | Venue | Date | Code |\n|-------|-------|------|------|\n" + rows


def generate_readme(papers: int, seed: int = 7) -> str:
    """A README of exactly `papers` paper items, 20 a section, in mixed shapes."""
    rng = random.Random(seed)
    parts = ["# Awesome Generated Papers\n\n## 🔥 News\n"]
    parts += [f"- 2025-0{m}: [news](https://arxiv.org/abs/2501.0000{m}) was accepted\n" for m in range(1, 6)]
    shapes = (_numbered, _linked, _nested)
    n = 0
    section = 0
    while n < papers:
        count = min(20, papers - n)
        emoji = _EMOJI[section % len(_EMOJI)]
        level = "##" if section % 4 == 0 else "###"
        parts.append(f"\n{level} {emoji} Section {section} & Friends\n\n")
        kind = section % 5
        if kind == 3:
            parts.append(_table(rng, n, count))
        elif kind == 4:
            body = "".join(_html(rng, n + k, k) for k in range(count))
            parts.append(f"<details><summary>more</summary>\n\n<ul>\n{body}</ul>\n\n</details>\n")
        else:
            shape = shapes[kind]
            parts.append("\n".join(shape(rng, n + k, k + 1) for k in range(count)))
        n += count
        section += 1
    parts.append("\n## Contributing\n\nOpen a pull request.\n")
    return "".join(parts)


def bench_parse(papers: int, repeat: int = 3) -> tuple[float, int]:
    """(best seconds of `read_readme`, papers it found) on a generated README."""
    source = generate_readme(papers)
    best = float("inf")
    found = 0
    for _ in range(repeat):
        before = time.perf_counter()
        document = read_readme(source)
        best = min(best, time.perf_counter() - before)
        found = len(document.papers)
    return best, found


# ---------------------------------------------------------------------- part 2, resolution


def bench_resolve(
    papers: int, latency: float = 0.1, jobs: int = 3
) -> tuple[float, int, float, int, int, float, int]:
    """`import`'s resolution of the generated README against the loopback fake of the four
    registries (tests/registry.py, which knows none of these papers: each is looked up in full
    and then written from the README's text), every answer delayed by `latency`. All four
    fakes share one host, so at most `jobs` requests are in flight: the politeness limit is
    requests x latency / jobs, as bench_fetch.py and bench_verify.py compute it.
    Then the same README again into the result, as a second `import` runs: it must find every
    paper in the list and ask nothing.
    Returns (seconds, requests, ideal seconds, most in flight, entries added, rerun seconds,
    rerun requests)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from empathy_bib.bib import BibFile
    from empathy_bib.enrich import http, readme_import
    from empathy_bib.enrich.services import ServiceConfig
    from empathy_bib.taxonomy import Taxonomy, taxonomy_from_text
    from tests.registry import Registry

    document = read_readme(generate_readme(papers))
    bib, path = BibFile.from_text(""), Path("categories.toml")
    plan = readme_import.plan_import(document, bib, Taxonomy(groups=(), path=path), "", path)
    with Registry(truth=None, latency=latency) as registry:
        config = ServiceConfig(use_cache=False, timeout=30, **registry.urls())
        http.close_sessions()
        session = http.make_session(config, per_host=jobs)
        before = time.perf_counter()
        resolutions = readme_import.resolve_all(plan, session, config, jobs=jobs)
        seconds = time.perf_counter() - before
        asked, peak = len(registry.log), registry.max_in_flight
        outcome = readme_import.apply_import(plan, resolutions, bib)
        registry.clear_log()
        before = time.perf_counter()
        taxonomy = taxonomy_from_text(plan.taxonomy.text, path)
        again = readme_import.plan_import(document, bib, taxonomy, plan.taxonomy.text, path)
        if again.new:
            readme_import.resolve_all(again, http.make_session(config, per_host=jobs), config, jobs=jobs)
        rerun, rerun_asked = time.perf_counter() - before, len(registry.log)
    return seconds, asked, asked * latency / jobs, peak, len(outcome.added), rerun, rerun_asked


def main() -> int:
    papers = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    seconds, found = bench_parse(papers)
    print(f"{'stage':<28}  {'papers':>7}  {'wall s':>8}")
    print(f"{'parse (read_readme)':<28}  {found:>7}  {seconds:8.3f}")
    if found != papers:
        print(f"error: {found} papers read, {papers} generated", file=sys.stderr)
        return 1
    seconds, asked, ideal, peak, added, rerun, rerun_asked = bench_resolve(papers)
    print(f"{'resolve (import, 0.1 s/req)':<28}  {added:>7}  {seconds:8.3f}")
    print(
        f"  {asked} requests, at most {peak} in flight; ideal requests x 0.1 s / 3 = {ideal:.2f} s; "
        f"ratio {seconds / ideal if ideal else float('nan'):.2f} (goal <= 1.3)"
    )
    print(f"{'import again (same README)':<28}  {'':>7}  {rerun:8.3f}")
    print(f"  {rerun_asked} requests (goal 0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
