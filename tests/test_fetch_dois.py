"""The fetch-dois pipeline and command end to end, against fakes built from papers.tsv."""

from __future__ import annotations

import csv
import difflib
import json
import re
from pathlib import Path

import pytest

from empathy_bib import cli
from empathy_bib.bib import BibFile
from empathy_bib.commands import fetch_dois
from empathy_bib.enrich import dois, http
from empathy_bib.errors import BibParseError, BibReadError
from empathy_bib.record import papers_of
from tests.conftest import ROOT, corpus_files
from tests.test_fetch_fakes import (
    FAST_RETRY,
    ArxivEntry,
    FakeServices,
    crossref_item,
    datacite_body,
    fake,
    fake_server,
)

__all__ = ["fake", "fake_server"]

FACTS = ROOT.parent / "shared" / "data" / "papers.tsv"
DOI_LINE = re.compile(r"^\s*doi = \{10\.\d{4,9}/[^{}\s,]+\},\r?\n$")


def facts() -> list[dict[str, str]]:
    if not FACTS.is_file():
        pytest.skip("../shared/data/papers.tsv is not next to this clone")
    with FACTS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def people(authors: str) -> list[tuple[str, str]]:
    result = []
    for name in authors.split(" and "):
        words = name.split()
        cut = -2 if words[-1] in ("III", "Jr.", "II") else -1
        result.append((" ".join(words[:cut]), " ".join(words[cut:])))
    return result


def answer_like_the_real_services(fake: FakeServices) -> None:
    """Each service knows what the facts table says it knows, plus decoys from apis.md's traps."""
    for row in facts():
        authors, year, doi = people(row["authors"]), int(row["year"]), row["doi"]
        if doi.lower().startswith("10.48550/"):
            fake.datacite[doi.lower()] = datacite_body(doi, row["title"], authors, year)
            fake.arxiv[row["arxiv_id"]] = ArxivEntry(
                row["arxiv_id"], row["title"], [f"{g} {f}" for g, f in authors]
            )
            continue
        if not doi:
            if row["key_hint"] == "huang2024apathetic":  # NeurIPS: the top hit is a CVPR paper
                fake.searches.append(
                    (
                        "apathetic",
                        [
                            crossref_item(
                                "10.1109/cvpr.2024.0001", row["title"], authors[:1], year, container="CVPR"
                            )
                        ],
                    )
                )
            continue
        type_, container = "proceedings-article", row["booktitle_or_journal"]
        if doi.startswith("10.1609/"):
            type_ = "journal-article"  # AAAI registers its proceedings as a journal
        elif doi.startswith("10.3233/"):
            type_ = "book-chapter"
        item = crossref_item(doi, row["title"], authors, year, type_, container)
        fake.works[doi.lower()] = item
        preprint = crossref_item(
            f"10.31219/osf.io/{row['key_hint']}", row["title"], authors, year - 1, "posted-content"
        )
        fake.searches.append((row["title"][:30].lower(), [preprint, item]))  # the preprint ranks first


def without_dois(source: Path, target: Path) -> BibFile:
    bib = BibFile.load(source)
    bib.apply([bib.plan_remove_field(e.key or "", "doi") for e in bib.entries if e.field("doi")])
    bib.save(target)
    return BibFile.load(target)


def only_doi_lines_added(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails if anything else changed."""
    added = []
    for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)):
        assert not line.startswith("- "), f"line removed or changed: {line!r}"
        if line.startswith("+ "):
            added.append(line[2:])
    return added


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "DEFAULT_RETRY", FAST_RETRY)


def run_cli(fake: FakeServices, tmp_path: Path, *args: str) -> int:
    return cli.main(
        [
            "fetch-dois",
            *args,
            "--crossref-url",
            fake.base("crossref"),
            "--datacite-url",
            fake.base("datacite"),
            "--arxiv-url",
            fake.base("arxiv"),
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )


# ---------------------------------------------------------------------- end to end


def test_fills_exactly_the_dois_of_the_facts_table(
    fake: FakeServices, tmp_path: Path, fast_retries: None, capsys: pytest.CaptureFixture[str]
) -> None:
    answer_like_the_real_services(fake)
    target = tmp_path / "references.bib"
    stripped = without_dois(ROOT / "references.bib", target).text
    report = tmp_path / "report.json"

    assert run_cli(fake, tmp_path, str(target), "--report", str(report), "--mailto", "me@example.org") == 0

    after = target.read_text(encoding="utf-8")
    added = only_doi_lines_added(stripped, after)
    assert all(DOI_LINE.match(line) for line in added), added
    got = {p.key: p.doi for p in papers_of(BibFile.load(target))}
    expected = {row["key_hint"]: row["doi"] or None for row in facts()}
    assert got == expected
    assert len(added) == sum(1 for d in expected.values() if d)
    # NeurIPS: no request at all, so the CVPR "match" was never even seen
    assert not any("apathetic" in r.query.get("query.bibliographic", "").lower() for r in fake.received)
    data = json.loads(report.read_text())
    entries = {e["key"]: e for e in data["entries"]}
    assert entries["huang2024apathetic"]["outcome"] == "none exists"
    assert entries["huang2024apathetic"]["suggestions"][0]["doi"] == "10.48550/arXiv.2308.03656"
    assert entries["sabour2022cem"]["source"] == "Crossref (query.bibliographic)"
    assert entries["sabour2022cem"]["evidence"]["type_fit"] == "compatible"
    assert any("does not fit" in " ".join(c["reasons"]) for c in entries["sabour2022cem"]["rejected"])
    assert entries["wang2025ecc"]["outcome"] == "none exists"  # COLING 2025: 404 at Crossref
    assert data["summary"]["failed"] == 0
    assert "mailto:me@example.org" in fake.received[0].headers["User-Agent"]

    # second run: every answer comes from the cache, nothing changes
    target.write_text(stripped, encoding="utf-8")
    count = len(fake.received)
    assert run_cli(fake, tmp_path, str(target)) == 0
    assert len(fake.received) == count
    assert target.read_text(encoding="utf-8") == after
    assert "0 requests sent" in capsys.readouterr().err


def test_entries_with_a_doi_cause_no_request(fake: FakeServices, tmp_path: Path) -> None:
    target = tmp_path / "references.bib"
    target.write_bytes((ROOT / "references.bib").read_bytes())
    lookups = dois.plan_lookups(BibFile.load(target))
    with_doi = [lk for lk in lookups if lk.paper.get("doi")]
    assert with_doi and all(lk.strategy is dois.Strategy.HAS_DOI and not lk.makes_requests for lk in with_doi)
    assert run_cli(fake, tmp_path, str(target), "--no-cache") == 0
    assert target.read_bytes() == (ROOT / "references.bib").read_bytes()
    touched = {r.path for r in fake.received}
    for lk in with_doi:
        assert not any(lk.paper.doi.lower() in p.lower() for p in touched if lk.paper.doi)


def test_dry_run_prints_the_diff_and_writes_nothing(
    fake: FakeServices, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answer_like_the_real_services(fake)
    target = tmp_path / "r.bib"
    stripped = without_dois(ROOT / "references.bib", target)
    before = target.read_bytes()
    assert run_cli(fake, tmp_path, str(target), "--dry-run") == 0
    out = capsys.readouterr().out
    assert target.read_bytes() == before
    assert out.startswith("--- a/r.bib\n+++ b/r.bib\n")
    assert "+  doi = {10.18653/v1/2020.emnlp-main.721},\n" in out
    assert out.count("\n+  doi = {") == sum(1 for row in facts() if row["doi"])
    assert stripped.is_complete


def test_network_failures_exit_1_and_the_rest_is_written(
    fake: FakeServices, tmp_path: Path, fast_retries: None
) -> None:
    answer_like_the_real_services(fake)
    fake.override = lambda request: (
        __import__("werkzeug").wrappers.Response("down", 503)
        if request.path.startswith("/datacite")
        else None
    )
    target = tmp_path / "r.bib"
    without_dois(ROOT / "references.bib", target)
    report = tmp_path / "report.json"
    assert run_cli(fake, tmp_path, str(target), "--report", str(report)) == 1
    data = json.loads(report.read_text())
    failed = [e for e in data["entries"] if e["outcome"] == "failed"]
    assert failed and all("DataCite" in e["message"] for e in failed)
    papers = {p.key: p for p in papers_of(BibFile.load(target))}
    assert papers["majumder2020mime"].doi == "10.18653/v1/2020.emnlp-main.721"
    assert papers["kidder2024empathy"].doi is None


def test_unparsable_file_exits_2_and_asks_nothing(
    fake: FakeServices, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "broken.bib"
    target.write_text("@article{ok, title = {Fine}}\n\n@article{bad, title = {Unclosed\n", encoding="utf-8")
    before = target.read_bytes()
    assert run_cli(fake, tmp_path, str(target)) == 2
    assert fake.received == [] and target.read_bytes() == before
    assert "did not parse completely" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["--jobs", "0"], ["--timeout", "-1"], ["--jobs", "many"]])
def test_usage_errors_exit_2(fake: FakeServices, tmp_path: Path, args: list[str]) -> None:
    target = tmp_path / "r.bib"
    target.write_text("@misc{a, title = {T}}\n", encoding="utf-8")
    assert run_cli(fake, tmp_path, str(target), *args) == 2


def test_missing_file_exits_2(fake: FakeServices, tmp_path: Path) -> None:
    assert run_cli(fake, tmp_path, str(tmp_path / "nope.bib")) == 2


def test_interrupt_writes_only_finished_lookups(
    fake: FakeServices, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.bib"
    without_dois(ROOT / "references.bib", target)

    def interrupted(lookups: list[dois.Lookup], *args: object, **kwargs: object) -> list[dois.EntryResult]:
        mime = next(lk.paper for lk in lookups if lk.paper.key == "majumder2020mime")
        finished = dois.EntryResult(
            mime.block, dois.Outcome.FILLED, dois.Strategy.ANTHOLOGY, doi="10.18653/v1/2020.emnlp-main.721"
        )
        raise dois.LookupsInterrupted([finished])

    monkeypatch.setattr(fetch_dois.dois, "run_lookups", interrupted)  # type: ignore[attr-defined]
    assert run_cli(fake, tmp_path, str(target)) == 130
    papers = [p for p in papers_of(BibFile.load(target)) if p.doi]
    assert [p.key for p in papers] == ["majumder2020mime"]


def test_interrupt_inside_run_lookups_carries_the_finished_results(
    fake: FakeServices, tmp_path: Path
) -> None:
    bib = BibFile.from_text("@misc{a, title = {T}, doi = {10.1000/a}}\n@misc{b, title = {U}}\n")
    seen: list[str] = []

    def stop(result: dois.EntryResult) -> None:
        seen.append(result.key)
        raise KeyboardInterrupt

    config = fake.config(tmp_path)
    with pytest.raises(dois.LookupsInterrupted) as info:
        dois.run_lookups(
            dois.plan_lookups(bib), http.make_session(config, retry=FAST_RETRY), config, on_result=stop
        )
    assert [r.key for r in info.value.results] == ["a"]


# ---------------------------------------------------------------------- write-back


def test_an_unsafe_doi_is_never_written() -> None:
    bib = BibFile.from_text("@misc{a,\n  title = {T},\n}\n")
    a = bib.entries[0]
    evil = dois.EntryResult(a, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="10.1000/x}, note = {pwned")
    assert dois.plan_edits(bib, [evil]) == []
    newline = dois.EntryResult(a, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="10.1000/x\n")
    assert dois.writable_doi(newline) == "10.1000/x"  # surrounding blanks stripped, nothing else
    comma = dois.EntryResult(a, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="10.1000/x,y")
    assert dois.writable_doi(comma) is None


def test_keys_differing_only_in_case_never_swap_dois() -> None:
    # The writer refuses such a file (require_unique_keys); the planning must hold without it.
    text = "@misc{Smith2020,\n  title = {First},\n}\n\n@misc{smith2020,\n  title = {Second},\n}\n"
    bib = BibFile.from_text(text)
    lookups = dois.plan_lookups(bib)
    first, second = (lk.paper.block for lk in lookups)
    results = [
        dois.EntryResult(second, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="10.1000/second"),
        dois.EntryResult(first, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="10.1000/first"),
    ]
    splices = dois.plan_edits(bib, results)
    assert [s.start > second.start for s in splices] == [True, False]
    assert dois.apply_results(bib, results) == 2
    assert {p.title: p.doi for p in papers_of(bib)} == {"First": "10.1000/first", "Second": "10.1000/second"}


def test_results_of_another_version_of_the_file_are_refused() -> None:
    bib = BibFile.from_text("@misc{a,\n  title = {T},\n}\n")
    stale = BibFile.from_text(bib.text).entries[0]
    result = dois.EntryResult(stale, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi="10.1000/a")
    with pytest.raises(ValueError, match="another version"):
        dois.plan_edits(bib, [result])


def test_insertion_follows_each_entrys_style() -> None:
    text = '@misc{a, title = {T}, year = 2020}\n\n@MISC{b,\n\tTITLE="U",\n\tYEAR=2021\n}\n'
    bib = BibFile.from_text(text)
    results = [
        dois.EntryResult(e, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi=f"10.1000/{e.key}")
        for e in bib.entries
    ]
    assert dois.apply_results(bib, results) == 2
    assert bib.text.startswith("@misc{a, title = {T}, year = 2020, doi = {10.1000/a}}")
    assert bib.text.endswith(
        '@MISC{b,\n\tTITLE="U",\n\tDOI={10.1000/b},\n\tYEAR=2021\n}\n'
    )  # upper case, tabs


@pytest.mark.corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_bytes_preserved_except_inserted_dois(path: Path, corpus_dir: Path) -> None:
    try:
        bib = BibFile.load(path)
    except BibReadError as exc:  # not UTF-8: fetch-dois stops with exit 2 before any request
        assert "UTF-8" in str(exc)
        return
    if not bib.is_complete:  # refused: nothing may be written into a file we did not fully parse
        with pytest.raises(BibParseError):
            bib.apply([])
        return
    before = bib.text
    # Every entry without a doi, duplicate keys included: each answer goes to its own block.
    lacking = [i for i, p in enumerate(papers_of(bib)) if p.get("doi") is None]
    papers = papers_of(bib)
    results = [
        dois.EntryResult(papers[i].block, dois.Outcome.FILLED, dois.Strategy.SEARCH, doi=f"10.1000/test.{i}")
        for i in lacking
    ]
    splices = dois.plan_edits(bib, results)
    inserted = re.compile(r"^[ \t\r\n,]*doi\s*=\s*\{10\.1000/test\.\d+\},?[ \t\r\n]*$", re.IGNORECASE)
    assert all(s.start == s.end and inserted.match(s.text) for s in splices), splices
    dois.apply_results(bib, results)
    expected, cursor = [], 0
    for s in sorted(splices, key=lambda s: s.start):
        expected += [before[cursor : s.start], s.text]
        cursor = s.start
    expected.append(before[cursor:])
    assert bib.text == "".join(expected)  # every other character where it was
    after = papers_of(bib)
    assert len(after) == len(papers)
    for i in lacking:
        assert after[i].doi == f"10.1000/test.{i}"
