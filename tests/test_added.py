"""`added = {YYYY-MM-DD}`: the day a paper joined the list, parsed once, checked by validate
(E313 malformed, E314 in the future), written by `add`, and ignored by BibTeX and biber."""

from __future__ import annotations

import datetime
import re
import subprocess
from pathlib import Path

import bibtexparser
import pytest

from empathy_bib.bib import BibFile
from empathy_bib.check import check_bib
from empathy_bib.commands import _clock
from empathy_bib.enrich.newentry import FIELD_ORDER, entry_from_work
from empathy_bib.enrich.records import Name, Work
from empathy_bib.record import papers_of, parse_added

from .conftest import ROOT, require_tool, run_cli, validate_json
from .test_latex_compile import BIBLATEX_DOC, NATBIB_DOC  # the documents the list's own LaTeX tests compile

LAUNCH = "2025-05-01"  # the seed's News: "2025-05: Repository launched"


def entry(added: str, key: str = "doe2024title") -> str:
    return (
        f"@misc{{{key},\n"
        f"  title = {{A Title on {key}}},\n"
        "  author = {Doe, Jane},\n"
        "  year = {2024},\n"
        "  keywords = {datasets},\n"
        f"  added = {added},\n"
        "}\n"
    )


def value_position(text: str, field: str = "added") -> tuple[int, int]:
    """(line, column) of the value of `field`, found by a plain text search."""
    offset = re.search(rf"(?m)^  {field} = ", text)
    assert offset is not None
    start = offset.end()
    return text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)


# ---------------------------------------------------------------------- the record


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-05-01", datetime.date(2025, 5, 1)),
        (" 2024-02-29 ", datetime.date(2024, 2, 29)),  # a leap day; blanks around are no matter
        ("2025-02-29", None),  # no such day
        ("2025-13-01", None),
        ("0000-01-01", None),
        ("2025-5-1", None),  # not zero-padded
        ("20250501", None),  # ISO 8601's basic form: Python 3.11's fromisoformat takes it, we do not
        ("2025-W18-4", None),
        ("2025-05-01T10:00", None),
        ("May 2025", None),
        ("٢٠٢٥-٠٥-٠١", None),  # Arabic-Indic digits: int() reads them, ASCII dates only
        ("", None),
        (None, None),
    ],
)
def test_parse_added(value: str | None, expected: datetime.date | None) -> None:
    assert parse_added(value) == expected
    if expected is not None:  # the same day Python's own ISO parser reads
        assert datetime.date.fromisoformat((value or "").strip()) == expected


def test_every_paper_of_the_list_records_the_launch_month() -> None:
    """The 46 papers of the seed joined when the list was launched (its News: 2025-05)."""
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    added = {e.key: e.fields_dict["added"].value for e in library.entries if "added" in e.fields_dict}
    assert len(library.entries) >= 46
    seed = [e.key for e in library.entries][:46]
    assert {added.get(key) for key in seed} == {LAUNCH}
    papers = {p.key: p for p in papers_of(BibFile.from_text(text))}
    assert all(papers[key].added == datetime.date(2025, 5, 1) for key in seed)


def test_the_list_writes_added_last_in_every_entry() -> None:
    """Where `newentry` puts it (after `keywords`), so `add` and the seed's entries agree."""
    assert FIELD_ORDER[-2:] == ("keywords", "added")
    library = bibtexparser.parse_string((ROOT / "references.bib").read_text(encoding="utf-8"))
    for e in library.entries:
        names = [f.key.lower() for f in e.fields]
        assert names[-2:] == ["keywords", "added"], e.key


# ---------------------------------------------------------------------- validate


@pytest.mark.parametrize("value", ["{2025-02-30}", "{May 2025}", "{2025/05/01}", "{20250501}", "{2025-5-1}"])
def test_a_malformed_added_is_an_error_at_its_value(tmp_path: Path, value: str) -> None:
    text = entry(value)
    bib = tmp_path / "list.bib"
    bib.write_text(text, encoding="utf-8")
    found = [d for d in validate_json(bib)["diagnostics"] if d["code"] == "E313"]
    assert [(d["line"], d["column"], d["severity"]) for d in found] == [(*value_position(text), "error")]
    assert value.strip("{}") in found[0]["message"]


def test_added_in_the_future_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_clock, "latest_today", lambda: datetime.date(2026, 3, 4))
    text = entry("{2026-03-05}", "a2024") + "\n" + entry("{2026-03-04}", "b2024")
    bib = tmp_path / "list.bib"
    bib.write_text(text, encoding="utf-8")
    code, out, _ = run_cli(["validate", str(bib)])
    assert code == 1
    assert "E314" in out and "2026-03-05 is in the future" in out and "[a2024]" in out
    assert [line for line in out.splitlines() if "E314" in line and "[b2024]" in line] == []  # today is not
    line, column = value_position(text)
    assert f"list.bib:{line}:{column}: error E314" in out


def test_today_is_the_latest_date_on_earth() -> None:
    """A date written today anywhere (UTC+14 is the furthest ahead) is not in the future."""
    now = datetime.datetime.now(datetime.timezone.utc)
    latest = _clock.latest_today()
    assert latest in {
        (now + datetime.timedelta(hours=14)).date(),
        (now + datetime.timedelta(hours=15)).date(),
    }
    assert latest >= datetime.date.today()


def test_validate_reads_the_real_clock(tmp_path: Path) -> None:
    """Without a patched clock: a year ahead is in the future, a year ago is not."""
    ahead = datetime.date.today() + datetime.timedelta(days=366)
    behind = datetime.date.today() - datetime.timedelta(days=366)
    bib = tmp_path / "list.bib"
    bib.write_text(entry(f"{{{ahead}}}", "a2024") + entry(f"{{{behind}}}", "b2024"), encoding="utf-8")
    found = [
        (d["code"], d["key"]) for d in validate_json(bib)["diagnostics"] if d["code"] in ("E313", "E314")
    ]
    assert found == [("E314", "a2024")]


def test_checks_without_a_date_skip_the_future() -> None:
    """Library callers that pass no date (render's verdict) never compare with a clock."""
    bib = BibFile.from_text(entry("{2999-01-01}"))
    assert [d.code for d in check_bib(bib, None)] == []
    assert [d.code for d in check_bib(bib, None, today=datetime.date(2025, 1, 1))] == ["E314"]


def test_render_reads_no_clock_a_future_date_renders_the_same(tmp_path: Path) -> None:
    """render refuses a malformed `added` (validate's error), but does not judge the future."""
    good = tmp_path / "good"
    good.mkdir()
    (good / "list.bib").write_text(entry("{2999-01-01}"), encoding="utf-8")
    args = ["render", "--bib", str(good / "list.bib"), "--out", str(good / "out")]
    assert run_cli(args)[0] == 0
    assert run_cli([*args, "--check"])[0] == 0
    feed = (good / "out" / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<updated>2999-01-01T00:00:00Z</updated>" in feed
    (good / "list.bib").write_text(entry("{2025-02-30}"), encoding="utf-8")
    code, _, err = run_cli(args)
    assert code == 2 and "E313" in err


# ---------------------------------------------------------------------- add


def test_new_entries_carry_added_in_their_place() -> None:
    work = Work(
        source="crossref",
        title="Empathy in Dialogue",
        authors=(Name(given="Jane", family="Doe"),),
        year=2025,
        type="journal-article",
        container="Journal of Things",
        doi="10.1000/xyz",
    )
    plain = entry_from_work(work, categories=["datasets"])
    dated = entry_from_work(work, categories=["datasets"], added=datetime.date(2026, 3, 4))
    assert plain.field("added") is None
    assert dated.text == plain.text.replace(
        "  keywords = {datasets},\n", "  keywords = {datasets},\n  added = {2026-03-04},\n"
    )
    [paper] = papers_of(BibFile.from_text(dated.text))
    assert paper.added == datetime.date(2026, 3, 4)


# ---------------------------------------------------------------------- BibTeX and biber

BIB_ENTRY = """@inproceedings{doe2024title,
  title = {A Title},
  author = {Doe, Jane and Roe, Richard},
  booktitle = {Proceedings of Things},
  year = {2024},
  pages = {1--10},
  keywords = {datasets},
%s}
"""


def run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, check=False)


def compiled(tmp_path: Path, name: str, added_line: str, doc: str, backend: list[str]) -> tuple[str, str]:
    """The .bbl and the backend's messages of `doc` on the entry, with `added_line` in it."""
    work = tmp_path / name
    work.mkdir()
    (work / "references.bib").write_text(BIB_ENTRY % added_line, encoding="utf-8")
    (work / "doc.tex").write_text(doc, encoding="utf-8")
    pdflatex = require_tool("pdflatex")
    assert run([pdflatex, "-interaction=nonstopmode", "doc.tex"], work).returncode == 0
    result = run([*backend, "doc"], work)
    assert result.returncode == 0, result.stdout
    return (work / "doc.bbl").read_text(encoding="utf-8"), result.stdout


@pytest.mark.latex
def test_bibtex_ignores_added(tmp_path: Path) -> None:
    bibtex = require_tool("bibtex")
    without, _ = compiled(tmp_path, "without", "", NATBIB_DOC, [bibtex])
    with_added, messages = compiled(tmp_path, "with", f"  added = {{{LAUNCH}}},\n", NATBIB_DOC, [bibtex])
    assert with_added == without  # the same bibliography, byte for byte
    assert "Warning--" not in messages and "error" not in messages.lower()


@pytest.mark.latex
def test_biber_ignores_added(tmp_path: Path) -> None:
    biber = require_tool("biber")
    without, _ = compiled(tmp_path, "without", "", BIBLATEX_DOC % "", [biber])
    with_added, messages = compiled(
        tmp_path, "with", f"  added = {{{LAUNCH}}},\n", BIBLATEX_DOC % "", [biber]
    )
    assert with_added == without
    assert LAUNCH not in with_added
    assert [line for line in messages.splitlines() if "WARN" in line or "ERROR" in line] == []
