#!/usr/bin/env python3
"""Generate a synthetic .bib of N realistic entries, for benchmarks.

A mix like a real list's: ACL Anthology proceedings papers, arXiv-only preprints and journal
articles; accented names as LaTeX escapes, @string macros and month macros, brace-protected
titles, long abstracts, keywords from the real taxonomy, `added` dates. Deterministic for a given N and seed.

    python bench/gen.py 10000 /tmp/synthetic.bib [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from empathy_bib.taxonomy import load_taxonomy  # noqa: E402

# Names as the list's conventions write them: accents as brace-protected escapes, `{\'i}` for
# an accented i (what `add` writes and W606 asks for; `{\'\i}` breaks biber), stacked accents
# kept as Vietnamese names need them (W607 warns about those).
GIVEN = [
    "Yiqun",
    "Jo{\\~a}o",
    "Hal",
    "Ond{\\v{r}}ej",
    "Mar{\\'i}a",
    "Wei",
    "Lucie",
    "Chujie",
    "Sahand",
    "Y-Lan",
    "Hannah",
    "Fran{\\c{c}}ois",
    'J{\\"u}rgen',
    "Minlie",
    "Tadesse Destaw",
    "Mong-Li",
    "Eric Michael",
]
FAMILY = [
    "Zhang",
    "Sedoc",
    "Daum{\\'e}, III",
    "Sotol{\\'a}{\\v{r}}",
    "Garc{\\'i}a",
    "Li",
    "Flek",
    "Zheng",
    "Sabour",
    "Boureau",
    "Rashkin",
    "{van der} Berg",
    "Schmidhuber",
    "Huang",
    "Belay",
    "Lee",
    "Smith",
    'M{\\"u}ller',
    "Nguy{\\~{\\^e}}n",
    "O'Brien",
]
WORDS = [
    "empathetic",
    "response",
    "generation",
    "dialogue",
    "emotion",
    "recognition",
    "commonsense",
    "reasoning",
    "multimodal",
    "benchmark",
    "support",
    "conversation",
    "persona",
    "affective",
    "cognitive",
    "model",
    "evaluation",
    "preference",
    "optimization",
    "diffusion",
    "knowledge",
    "strategy",
    "counseling",
]
ACRONYMS = ["{LLM}s", "{MIME}", "{ChatGPT}", "{ERC}", "{RL}", "{GPT}-4", "{BERT}", "{CoT}"]
# (booktitle before the year, Anthology volume): real volume names, so validate's venue checks pass
VENUES = [
    ("Proceedings of the Annual Meeting of the Association for Computational Linguistics (ACL)", "acl-long"),
    (
        "Proceedings of the Conference on Empirical Methods in Natural Language Processing (EMNLP)",
        "emnlp-main",
    ),
    ("Proceedings of the Conference of the North American Chapter of the ACL (NAACL)", "naacl-long"),
    ("Proceedings of the International Conference on Computational Linguistics (COLING)", "coling-main"),
    ("Findings of the Association for Computational Linguistics: ACL", "findings-acl"),
]
JOURNALS = [
    "Neural Networks",
    "IEEE Transactions on Affective Computing",
    "Computational Linguistics",
    "Journal of Artificial Intelligence Research",
]
FIRST_ADDED = datetime.date(2022, 1, 1)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def title(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(5, 12))]
    words[0] = words[0].capitalize()
    words.insert(rng.randint(1, len(words)), rng.choice(ACRONYMS))
    head = (
        "{"
        + rng.choice(["Emp", "Soul", "Care", "Mo", "Dia"])
        + rng.choice(["Chat", "EL", "DG", "Hi", "Log"])
        + "}"
    )
    return f"{head}: " + " ".join(words)


def authors(rng: random.Random) -> str:
    return " and ".join(f"{rng.choice(FAMILY)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(1, 9)))


def abstract(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 220))).capitalize() + "."


def entry(i: int, rng: random.Random, slugs: list[str]) -> str:
    year = rng.randint(2015, 2025)
    key = f"synthetic{i}{year}"
    cats = ", ".join(sorted(set(rng.sample(slugs, rng.choice([1, 1, 1, 2])))))
    kind = rng.random()
    arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(1, 99999):05d}"
    lines = []
    if kind < 0.5:
        venue, volume = rng.choice(VENUES)
        aid = f"{year}.{volume}.{i}"
        lines = [
            f"@inproceedings{{{key},",
            f"  title = {{{title(rng)}}},",
            f"  author = {{{authors(rng)}}},",
            f"  booktitle = {{{venue} {year}}},",
            "  publisher = acl,",
            "  address = {Online},",
            f"  year = {{{year}}},",
            f"  month = {rng.choice(MONTHS)},",
            f"  pages = {{{i}--{i + 12}}},",
            f"  doi = {{10.18653/v1/{aid}}},",
            f"  url = {{https://aclanthology.org/{aid}/}},",
        ]
        if rng.random() < 0.5:
            lines += [f"  eprint = {{{arxiv}}},", "  archiveprefix = {arXiv},"]
    elif kind < 0.8:
        lines = [
            f"@misc{{{key},",
            f"  title = {{{title(rng)}}},",
            f"  author = {{{authors(rng)}}},",
            f"  year = {{{year}}},",
            f"  month = {rng.choice(MONTHS)},",
            f"  doi = {{10.48550/arXiv.{arxiv}}},",
            f"  url = {{https://arxiv.org/abs/{arxiv}}},",
            f"  eprint = {{{arxiv}}},",
            "  archiveprefix = {arXiv},",
            "  primaryclass = {cs.CL},",
        ]
    else:
        lines = [
            f"@article{{{key},",
            f"  title = {{{title(rng)}}},",
            f"  author = {{{authors(rng)}}},",
            f"  journal = {{{rng.choice(JOURNALS)}}},",
            f"  volume = {{{rng.randint(1, 60)}}},",
            f"  number = {{{rng.randint(1, 12)}}},",
            f"  year = {{{year}}},",
            f"  pages = {{{i}--{i + 20}}},",
            f"  doi = {{10.1016/j.neunet.{year}.{i:06d}}},",
            f"  url = {{https://doi.org/10.1016/j.neunet.{year}.{i:06d}}},",
        ]
    if rng.random() < 0.3:
        lines.append(f"  abstract = {{{abstract(rng)}}},")
    if rng.random() < 0.2:
        lines.append(f"  code = {{https://github.com/example/repo{i}}},")
    # The day it joined the list: a few papers a day from 2022 on, in file order (no random draw,
    # so the other fields stay those of earlier versions of this generator).
    added = FIRST_ADDED + datetime.timedelta(days=i // 8)
    lines += [f"  keywords = {{{cats}}},", f"  added = {{{added.isoformat()}}},", "}"]
    return "\n".join(lines)


def generate(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    slugs = load_taxonomy(ROOT / "styles" / "categories.toml").paper_slugs
    head = [
        '@string{acl = "Association for Computational Linguistics"}',
        "",
    ]
    return "\n".join(head) + "\n\n".join(entry(i, rng, slugs) for i in range(n)) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.out.write_text(generate(args.n, args.seed), encoding="utf-8")
    print(f"wrote {args.n} entries to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
