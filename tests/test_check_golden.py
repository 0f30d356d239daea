"""validate's findings on the corpus and on a synthetic file full of mistakes are as recorded.

The diagnostics of every corpus file (../shared/corpus) and of a synthetic file (bench/gen.py's
entries, mutated here) are digested and compared with tests/fixtures/check_golden.json: a record
of findings, reviewed when it was made. When an input or a finding changed, the test fails
and says how to re-record: `EMPATHY_BIB_UPDATE_GOLDEN=1 pytest tests/test_check_golden.py`,
then review the diff of the record. references.bib has no record here: it changes with every
`add`, so tests/test_references.py checks it against expectations computed from the file.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import importlib.util
import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import Diagnostic, check_bib, check_path
from empathy_bib.taxonomy import Taxonomy, load_taxonomy

from .conftest import ROOT, corpus_files

GOLDEN = ROOT / "tests" / "fixtures" / "check_golden.json"
UPDATE = os.environ.get("EMPATHY_BIB_UPDATE_GOLDEN", "") not in ("", "0")
SYNTHETIC_ENTRIES = 1500
RERECORD = (
    "re-record with `EMPATHY_BIB_UPDATE_GOLDEN=1 pytest tests/test_check_golden.py` "
    "and review the diff of tests/fixtures/check_golden.json"
)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "styles" / "categories.toml")


# ---------------------------------------------------------------------- the synthetic file


def bench_gen() -> ModuleType:
    """bench/gen.py, the generator of synthetic lists (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("bench_gen", ROOT / "bench" / "gen.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sub(pattern: str, repl: str | Callable[[re.Match[str]], str], text: str) -> str:
    return re.sub(pattern, repl, text, count=1, flags=re.M)


def _copy(pattern: str, source: str, entry: str) -> str:
    """Replace `pattern`'s first match in `entry` with its first match in `source` (another entry)."""
    found = re.search(pattern, source, flags=re.M)
    if found is None:
        return entry
    replacement = found.group()
    return _sub(pattern, lambda _: replacement, entry)


# Each turns a clean entry (and the one before it) into one with a mistake some check reports.
MUTATIONS: list[Callable[[str, str], str]] = [
    lambda e, p: e.replace("--", "-", 1),
    lambda e, p: _sub(r"doi = \{", "doi = {https://doi.org/", e),
    lambda e, p: _sub(r"doi = \{[^}]*\}", "doi = {10.abc/x y}", e),
    lambda e, p: _sub(r"doi = \{[^}]*\}", "doi = {10.48550/arXiv.2101.00001}", e),
    lambda e, p: _sub(r"doi = \{[^}]*\}", "doi = {10.18653/v1/P19-1534}", e),
    lambda e, p: _sub(r"eprint = \{[^}]*\}", "eprint = {2413.12345}", e),
    lambda e, p: _sub(r"eprint = \{[^}]*\}", "eprint = {1501.00001v2}", e),
    lambda e, p: _sub(r"eprint = \{[^}]*\}", "eprint = {2101.00001}", e),
    lambda e, p: _sub(r"archiveprefix = \{arXiv\}", "archiveprefix = {HAL}", e),
    lambda e, p: _copy(r"url = \{[^}]*\}", p, e),
    lambda e, p: _copy(r"title = \{.*\}", p, e),
    lambda e, p: _copy(r"title = \{.*\}", p.replace("a", "e", 2), e),
    lambda e, p: e + "\n\n" + _sub(r"^@(\w+)\{(\w+),", r"@\1{\2dup,", e),
    lambda e, p: e + "\n\n" + _sub(r"^@(\w+)\{(\w+),", lambda m: f"@{m[1]}{{{m[2].upper()},", e),
    lambda e, p: _sub(r"year = \{\d+\}", "year = {2099}", e),
    lambda e, p: _sub(r"year = \{\d+\}", "year = {20x1}", e),
    lambda e, p: _sub(r"year = \{\d+\}", "year = {}", e),
    lambda e, p: _sub(r"  year = \{\d+\},\n", "", e),
    lambda e, p: _sub(r"month = \w+", "month = {March}", e),
    lambda e, p: _sub(r"month = \w+", "month = {13}", e),
    lambda e, p: _sub(r"title = \{", "title = {Using BERT and GPT-4 for ", e),
    lambda e, p: _sub(r"title = \{", 'title = {\\"{O}ber Caf\u00e9 ', e),
    lambda e, p: _sub(r"  title = .*\n", "", e),
    lambda e, p: _sub(r"title = \{", 'title = "unterminated ', e),
    lambda e, p: _sub(r"  keywords = .*\n", "", e),
    lambda e, p: _sub(r"keywords = \{", "keywords = {no-such-slug, ", e),
    lambda e, p: _sub(r"keywords = \{([^,}]*)", r"keywords = {\1, \1", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {javascript:alert(1)}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {ftp://example.org/x}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {https://arxiv.org/abs/9999.99999}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {https://aclanthology.org/2020.foo}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {HTTPS://ArXiv.org/pdf/2101.00001v3.pdf}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {https://www.aclweb.org/anthology/P19-1534.pdf}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {https://dx.doi.org/10.1000/ABC}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = {https://doi.org/doi:10.1000/x}", e),
    lambda e, p: _sub(r"url = \{[^}]*\}", "url = { https://example.org/a b }", e),
    lambda e, p: _sub(
        r"  year = ", "  code = {file:///etc/passwd},\n  pdf = {https://arxiv.org/pdf/x},\n  year = ", e
    ),
    lambda e, p: _sub(r"\},\n  author", "}\n  author", e),
    lambda e, p: _sub(r"publisher = acl", "publisher = aclx", e),
    lambda e, p: _sub(r"  year = ", "  Title = {Second},\n  year = ", e),
    lambda e, p: _sub(r"  year = ", "  note = {},\n  year = ", e),
    lambda e, p: _sub(r"address = \{Online\}", "address = {On\u00a0line}", e),
    lambda e, p: _sub(r"author = \{", "author = {M\u00fcller, J. and ", e),
    lambda e, p: _sub(r"^@(\w+)\{\w+", "@\\1{key\u200bzw", e),
    lambda e, p: _sub(r"pages = \{[^}]*\}", "pages = {12\u201320}", e),
    lambda e, p: _sub(r"^@\w+", "@foo", e),
    lambda e, p: _sub(r"booktitle = \{Findings of", "booktitle = {Proceedings of", e),
    lambda e, p: _sub(r"booktitle = \{Proceedings of", "booktitle = {Findings of", e),
    lambda e, p: _sub(r"booktitle = \{[^}]*\}", "booktitle = {Some Workshop}", e),
    lambda e, p: "title = {stray}\n\n" + e,
    lambda e, p: _sub(r"\}\s*$", "", e),
]


def mutated(text: str, seed: int, rate: float = 0.35) -> str:
    """`text` (bench/gen.py's output) with a mistake or three in about a third of its entries."""
    rng = random.Random(seed)
    head, *entries = text.split("\n\n@")
    out = [head]
    previous = ""
    for body in entries:
        entry = original = "@" + body
        if rng.random() < rate:
            for _ in range(rng.choice([1, 1, 2, 3])):
                entry = rng.choice(MUTATIONS)(entry, previous)
        out.append(entry)
        previous = original
    return "\n\n".join(out)


@pytest.fixture(scope="module")
def synthetic_text() -> str:
    return mutated(bench_gen().generate(SYNTHETIC_ENTRIES, seed=7), seed=3)


# ---------------------------------------------------------------------- golden


def _record(diagnostics: list[Diagnostic], source: bytes) -> dict[str, object]:
    rows = [dataclasses.astuple(d)[1:] for d in diagnostics]  # the path is the caller's
    return {
        "input": hashlib.sha256(source).hexdigest(),
        "codes": dict(sorted(collections.Counter(d.code for d in diagnostics).items())),
        "digest": hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest(),
    }


def _golden() -> dict[str, dict[str, object]]:
    return json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.is_file() else {}


def _compare(name: str, actual: dict[str, object]) -> None:
    if UPDATE:
        golden = _golden()
        golden[name] = actual
        GOLDEN.write_text(json.dumps(dict(sorted(golden.items())), indent=1) + "\n", encoding="utf-8")
        return
    expected = _golden().get(name)
    if expected is None:
        pytest.fail(f"no record for {name}: {RERECORD}")
    if expected["input"] != actual["input"]:
        pytest.fail(f"{name} changed since its findings were recorded: {RERECORD}")
    assert actual["codes"] == expected["codes"], f"the findings changed; if intended, {RERECORD}"
    assert actual["digest"] == expected["digest"], (
        f"same codes, but a message, key or position changed; if intended, {RERECORD}"
    )


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_corpus_findings_unchanged(path: Path, corpus_dir: Path, taxonomy: Taxonomy) -> None:
    found = check_path(path, taxonomy)
    _compare(f"corpus/{path.parent.name}/{path.name}", _record(found, path.read_bytes()))


def test_synthetic_findings_unchanged(synthetic_text: str, taxonomy: Taxonomy) -> None:
    found = check_bib(BibFile.from_text(synthetic_text), taxonomy, path="synthetic.bib")
    assert len({d.code for d in found}) >= 30  # the mutations exercise most checks
    _compare("synthetic", _record(found, synthetic_text.encode()))
