"""validate's speed work changed no finding: recorded diagnostics, and fast paths equal to the slow ones.

Two kinds of test:
- golden: the diagnostics of every corpus file, of references.bib and of a synthetic file full
  of mistakes (bench/gen.py's entries, mutated here) are digested and compared with
  tests/fixtures/check_golden.json, recorded with the checks as they were before they were
  made fast. An input whose bytes differ from the recorded one is skipped (the record says
  nothing about it). After an intended change of a finding, re-record with
  `EMPATHY_BIB_UPDATE_GOLDEN=1 pytest tests/test_check_differential.py` and review the diff.
- equivalence: each shortcut taken for speed returns what the general function it skips
  returns, on every value of the corpus and on generated ones.
"""

from __future__ import annotations

import collections
import dataclasses
import hashlib
import importlib.util
import itertools
import json
import os
import random
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from empathy_bib import ids
from empathy_bib.bib import BibFile, resolve_value
from empathy_bib.check import check_bib, check_path, context, identity, listrules
from empathy_bib.check.diagnostics import Diagnostic
from empathy_bib.model import Paper, paper_from_entry
from empathy_bib.taxonomy import Taxonomy, load_taxonomy

from .conftest import ROOT, corpus_files

GOLDEN = ROOT / "tests" / "fixtures" / "check_golden.json"
UPDATE = os.environ.get("EMPATHY_BIB_UPDATE_GOLDEN", "") not in ("", "0")
SYNTHETIC_ENTRIES = 1500


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(ROOT / "styles" / "categories.toml")


# ---------------------------------------------------------------------- the synthetic file


def _gen() -> ModuleType:
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
    return mutated(_gen().generate(SYNTHETIC_ENTRIES, seed=7), seed=3)


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
        pytest.skip(f"no record for {name}; record with EMPATHY_BIB_UPDATE_GOLDEN=1")
    if expected["input"] != actual["input"]:
        pytest.skip(f"{name} changed since it was recorded; re-record with EMPATHY_BIB_UPDATE_GOLDEN=1")
    assert actual["codes"] == expected["codes"]
    assert actual["digest"] == expected["digest"], "same codes, but a message, key or position changed"


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:60])
def test_corpus_findings_unchanged(path: Path, corpus_dir: Path, taxonomy: Taxonomy) -> None:
    found = check_path(path, taxonomy)
    _compare(f"corpus/{path.parent.name}/{path.name}", _record(found, path.read_bytes()))


def test_reference_list_findings_unchanged(taxonomy: Taxonomy) -> None:
    path = ROOT / "references.bib"
    _compare("references.bib", _record(check_path(path, taxonomy), path.read_bytes()))


def test_synthetic_findings_unchanged(synthetic_text: str, taxonomy: Taxonomy) -> None:
    found = check_bib(BibFile.from_text(synthetic_text), taxonomy, path="synthetic.bib")
    assert len({d.code for d in found}) >= 30  # the mutations exercise most checks
    _compare("synthetic", _record(found, synthetic_text.encode()))


# ---------------------------------------------------------------------- equivalence


def _corpus_bibs() -> Iterator[BibFile]:
    for path in corpus_files():
        yield BibFile.from_text(path.read_bytes().decode("utf-8", errors="replace"))


@pytest.fixture(scope="module")
def all_bibs(synthetic_text: str) -> list[BibFile]:
    return [*_corpus_bibs(), BibFile.load(ROOT / "references.bib"), BibFile.from_text(synthetic_text)]


def test_views_agree_with_paper(all_bibs: list[BibFile]) -> None:
    """Values, identifiers and categories computed once per entry are what `Paper` computes."""
    for bib in all_bibs:
        macros = bib.macros
        for entry, view in zip(bib.entries, context.Context(bib, None, "x").views, strict=True):
            paper = paper_from_entry(bib, entry, macros)
            for name in context.READ_FIELDS:
                assert view.values.get(name) == paper.get(name), (entry.key, name)
            assert view.ids.arxiv_id == paper.arxiv_id, entry.key
            assert view.ids.url_anthology == paper.anthology_id, entry.key
            assert listrules._categories(view.values.get("keywords")) == list(paper.categories)
            odd = [f for f in entry.fields if not _plain_by_regex(f.raw_value, macros)]
            assert list(view.odd) == odd
            for f in entry.fields:
                if f not in odd:  # plain: the shortcut gives what the general resolution gives
                    value = context.plain_value(f.raw_value, macros)
                    assert value == resolve_value(f.raw_value, macros).text


def _plain_by_regex(raw: str, macros: dict[str, str]) -> bool:
    return bool(context.ONE_GROUP.fullmatch(raw)) or raw.isdigit() or raw.lower() in macros


def _values(bibs: list[BibFile], names: tuple[str, ...]) -> set[str]:
    """The distinct values of these fields in all the files."""
    found: set[str] = set()
    for bib in bibs:
        macros = bib.macros  # computed on each access
        found.update(
            context.resolve_fast(f.raw_value, macros) for e in bib.entries for f in e.fields if f.key in names
        )
    return found


def test_identifier_shortcuts_on_real_values(all_bibs: list[BibFile]) -> None:
    for value in _values(all_bibs, ("doi", "eprint", "url", "pdf")):
        _assert_identifier_shortcuts(value)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.sampled_from(["https://doi.org/", "https://arxiv.org/abs/", "doi:", "10.48550/arXiv."]).flatmap(
            lambda prefix: st.from_regex(r"[\w./:v\- %{}\\]{0,30}", fullmatch=True).map(
                lambda rest: prefix + rest
            )
        ),
    )
)
def test_identifier_shortcuts_on_generated_values(value: str) -> None:
    _assert_identifier_shortcuts(value)


def _assert_identifier_shortcuts(value: str) -> None:
    url = value.strip()
    assert context.parse_arxiv(value) == ids.parse_arxiv(value)
    assert context.arxiv_from_url(url) == ids.arxiv_from_url(url)
    assert identity.normalize_doi(value) == ids.normalize_doi(value)
    assert identity._is_doi_url(url) == ("doi.org" in url[:40].lower() and ids.classify_url(url) == "doi")
    if identity._is_doi_url(url):
        assert identity._doi_of_url(url) == ids.normalize_doi(url)
    if ids.DOI_RE.fullmatch(value):  # fields._check_doi skips these: nothing to report
        assert ids.is_valid_doi(ids.strip_doi(value)) and not ids.doi_is_written_as_url(value)


def _title_key_before(raw: str) -> str:
    """identity.title_key as it was written before: punctuation to blanks, then blanks folded."""
    text = raw
    for _ in range(3):
        if "\\" not in text:
            break
        text = identity._ACCENT_COMMAND.sub(r"\1", text)
    if "\\" in text:
        text = identity._SPECIAL_LETTER.sub(lambda m: identity._LETTERS[m.group(1)], text)
        text = identity._COMMAND.sub(" ", identity._ESCAPED.sub(r"\1", text))
    text = text.replace("{", "").replace("}", "").replace("~", " ").replace("$", "")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace(".", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip()


def _nearly_same_before(a: str, b: str) -> bool:
    if a == b:
        return False
    short, long = sorted((a, b), key=len)
    if long.startswith(short) and len(short.split()) >= 4:
        return True
    shorter, longer = sorted((len(a), len(b)))
    return shorter >= 0.8 * longer and bool(fuzz.ratio(a, b, score_cutoff=identity.SIMILAR_TITLE_RATIO))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAbé .,:;-\t\n{}\\'\"~$_\u00a0\u2013")), max_size=30))
def test_title_key_unchanged(raw: str) -> None:
    assert identity.title_key(raw) == _title_key_before(raw)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab c", max_size=24), st.text(alphabet="ab c", max_size=24))
def test_nearly_same_unchanged(a: str, b: str) -> None:
    for x, y in ((a, b), (a, a + b), (a + b, a)):
        assert identity._nearly_same(x, y) == _nearly_same_before(x, y)


def test_real_titles_keys_and_neighbours_unchanged(all_bibs: list[BibFile]) -> None:
    titles = sorted(_values(all_bibs, ("title",)))
    for title in titles:
        assert identity.title_key(title) == _title_key_before(title)
    keys = [identity.title_key(t) for t in titles]
    for a, b in itertools.pairwise(keys):
        assert identity._nearly_same(a, b) == _nearly_same_before(a, b)


def test_paper_fields_hold_only_non_blank_values() -> None:
    bib = BibFile.from_text("@misc{k, title = { }, note = {x}, year = {2020}}")
    view = context.Context(bib, None, "x").views[0]
    assert view.values == {"year": "2020"}  # `note` is read by no check; a blank title is no title
    assert isinstance(view.paper, Paper) and view.paper.get("title") is None
