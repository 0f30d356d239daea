"""Audit of `empathy-bib verify` (issue 11) as a demanding user and CI maintainer would run it.

Oracles are independent of verify's code: the registry fake's truth (tests/registry.py) and its
request log, `--help` against the contract's option list, `validate`'s own output, bibtexparser and
pybtex reading the files, real bibtex and biber compiling them, a pseudo-terminal for the bar.
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
from pybtex.database import parse_string

from empathy_bib.enrich import http
from tests.conftest import ROOT, corpus_files, require_tool, run_cli
from tests.registry import ANY, Fault, Registry
from tests.test_verify_registry import PERSONAS

REFERENCES = (ROOT / "references.bib").read_text(encoding="utf-8")
CONTRACT = {
    "--keys", "--changed-since", "--format", "--strict", "--select", "--ignore", "--fix",
    "--crossref-url", "--datacite-url", "--arxiv-url", "--anthology-url", "--mailto", "--cache-dir",
    "--no-cache", "--timeout", "--jobs", "--report", "--max-age",
}  # fmt: skip


@pytest.fixture(scope="module")
def registry() -> Iterator[Registry]:
    with Registry() as reg:
        yield reg


def verify(reg: Registry, bib: Path, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    """One run, as its own process would be (no session carried over); JSON findings."""
    try:
        args = ("--no-cache", "--format", "json", *reg.cli_args(), *args)
        code, out, err = run_cli(["verify", str(bib), *args])
    finally:
        http.close_sessions()
    assert "Traceback" not in err, err
    return code, json.loads(out)["diagnostics"] if out.strip() else [], err


def errors(findings: list[dict[str, Any]]) -> list[str]:
    return [f["code"] for f in findings if f["severity"] == "error"]


def entry_of(key: str, text: str = REFERENCES) -> str:
    start = text.index(f"{{{key},")
    start = text.rindex("@", 0, start)
    return text[start : text.index("\n}\n", start) + 3]


def write_variant(tmp_path: Path, key: str, old: str, new: str) -> Path:
    entry = entry_of(key)
    assert old in entry, old
    bib = tmp_path / "list.bib"
    bib.write_text(entry.replace(old, new, 1), encoding="utf-8")
    return bib


def validate_codes(bib: Path) -> list[str]:
    code, out, err = run_cli(["validate", "--format", "json", str(bib)])
    assert code in (0, 1), err
    return sorted(d["code"] for d in json.loads(out)["diagnostics"])


# ---------------------------------------------------------------------- 1. the contract


def test_the_options_are_the_contracts() -> None:
    code, out, _ = run_cli(["verify", "--help"])
    assert code == 0
    given = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", out)) - {"--help"}
    assert given == CONTRACT


@pytest.mark.parametrize(
    "args",
    [
        ("--keys", "nosuchkey"),
        ("--format", "xml"),
        ("--changed-since", "no-such-revision"),
        ("--select", "Q9"),
        ("--report", "/no/such/folder/r.json"),
    ],
)
def test_usage_errors_are_exit_2_with_nothing_requested(
    registry: Registry, tmp_path: Path, args: tuple[str, ...]
) -> None:
    bib = tmp_path / "list.bib"
    bib.write_text(REFERENCES, encoding="utf-8")
    registry.clear_log()
    code, findings, err = verify(registry, bib, *args)
    assert (code, findings) == (2, []), err
    assert registry.count() == 0


def test_a_file_that_does_not_parse_completely_is_exit_2_with_nothing_requested(
    registry: Registry, tmp_path: Path
) -> None:
    bib = tmp_path / "list.bib"
    bib.write_text(REFERENCES + "@misc{broken, title = {unclosed\n", encoding="utf-8")
    registry.clear_log()
    code, findings, err = verify(registry, bib)
    assert (code, findings) == (2, []) and "list.bib" in err
    assert registry.count() == 0


def test_strict_makes_the_known_warnings_fail(registry: Registry, tmp_path: Path) -> None:
    bib = tmp_path / "list.bib"
    bib.write_text(PERSONAS, encoding="utf-8")  # W715: published since
    code, findings, _ = verify(registry, bib)
    assert code == 0 and findings and not errors(findings)
    assert verify(registry, bib, "--strict")[0] == 1


def _shape(value: Any) -> Any:
    """The structure of a JSON value: keys and types, not the values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items() if k != "rules"}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_every_format_is_shaped_as_validates(registry: Registry, tmp_path: Path, fmt: str) -> None:
    """The same file, one validate finding and one verify finding: the same shape in each format."""
    bib = write_variant(tmp_path, "kidder2024empathy", "year = {2024}", "year = {2023}")
    bib.write_text(bib.read_text(encoding="utf-8").replace("keywords", "keywordz"), encoding="utf-8")
    _, mine, err = run_cli(["verify", str(bib), "--no-cache", "--format", fmt, *registry.cli_args()])
    http.close_sessions()
    _, theirs, _ = run_cli(["validate", str(bib), "--format", fmt])
    assert "E705" in mine and "E401" in theirs and "E401" not in mine.replace('"id": "E401"', ""), err
    if fmt == "text":
        line = re.compile(r"^\S+:\d+:\d+: (error|warning) [EW]\d{3} .+ \[[^\]]+\]$")
        for out in (mine, theirs):
            *findings, summary = out.strip().splitlines()
            assert findings and all(line.match(f) for f in findings), out
            assert re.fullmatch(r"1 file checked: \d+ errors?, \d+ warnings?", summary), summary
    elif fmt == "github":
        line = re.compile(r"^::(error|warning) file=\S+,line=\d+,col=\d+,title=[EW]\d{3}::.+$")
        for out in (mine, theirs):
            *findings, summary = out.strip().splitlines()
            assert findings and all(line.match(f) for f in findings), out
            assert summary.startswith("1 file checked: "), summary
    else:
        assert _shape(json.loads(mine)) == _shape(json.loads(theirs))
    if fmt == "sarif":
        run = json.loads(mine)["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        assert json.loads(mine)["version"] == "2.1.0"
        for result in run["results"]:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
            region = result["locations"][0]["physicalLocation"]["region"]
            assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_the_progress_bar_is_drawn_on_a_terminal_only(registry: Registry) -> None:
    import pty

    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), **registry.env())
    cmd = [sys.executable, "-m", "empathy_bib", "verify", "references.bib", "--no-cache"]
    cmd += ["--keys", "kidder2024empathy,zhang2024affective"]
    main, child = pty.openpty()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=child)
    os.close(child)
    out = proc.communicate(timeout=60)[0]
    drawn = b""
    while select.select([main], [], [], 0.5)[0]:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    assert proc.returncode == 0 and b"verifying" in drawn and b"0/2" in drawn
    assert b"verifying" not in out
    piped = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=60, check=False)
    assert piped.returncode == 0 and b"verifying" not in piped.stderr + piped.stdout


# ---------------------------------------------------------------------- 2. real files, broken registries

SMALL_CORPUS = [p for p in corpus_files() if p.stat().st_size < 150_000]
GARBAGE = {
    "crossref": Fault.raw("<html><body>Welcome to the portal</body></html>", "text/html"),
    "datacite": Fault.raw('{"data": [1, "two", null]}'),
    "arxiv": Fault.raw('<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>cut', "application/atom+xml"),
    "anthology": Fault.raw("@inproceedings{x, title = {never closed", "text/plain"),
}


def _parses_completely(path: Path) -> bool:
    from empathy_bib.bib import BibFile
    from empathy_bib.errors import EmpathyBibError

    try:
        return BibFile.load(path).is_complete
    except EmpathyBibError:
        return False


@pytest.mark.parametrize("answers", ["empty", "garbage"])
def test_the_corpus_gives_located_findings_and_bounded_requests(
    corpus_dir: Path, tmp_path: Path, answers: str
) -> None:
    """Every real file of the corpus (but the few over 150 KB, for speed): no traceback, findings at
    lines of the file, exit 0/1 (2 only for a file that does not parse), a bounded request count."""
    assert SMALL_CORPUS
    with Registry(truth=None) as reg:
        if answers == "garbage":
            for service, fault in GARBAGE.items():
                reg.fault(service, ANY, fault)
        for path in SMALL_CORPUS:
            reg.clear_log()
            code, out, err = run_cli(
                ["verify", str(path), "--no-cache", "--format", "json", "--timeout", "5", *reg.cli_args()]
            )
            http.close_sessions()
            assert "Traceback" not in err and "internal error" not in err, (path, err)
            if code == 2:
                assert not _parses_completely(path), (path, err)
                assert reg.count() == 0
                continue
            assert code in (0, 1), (path, err)
            lines = len(path.read_bytes().splitlines())
            for finding in json.loads(out)["diagnostics"]:
                assert 1 <= finding["line"] <= lines and finding["column"] >= 1, (path, finding)
                # an empty registry is "not known", but for arXiv's empty feed for several ids
                empty_feed = finding["message"].startswith("could not check arXiv: answered an empty feed")
                assert answers == "garbage" or finding["code"] != "E714" or empty_feed, (path, finding)
            entries = len(bibtexparser.parse_string(path.read_text(encoding="utf-8")).entries)
            # per entry: a DOI at two registries and a published-version search; one arXiv batch
            assert reg.count() <= 3 * entries + 1, (path, reg.count(), entries)


# ---------------------------------------------------------------------- 3. no false alarms


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("liu2025illusion", "Sedoc, Jo{\\~a}o", "Sedoc, Joao"),
        ("liu2025illusion", "Sedoc, Jo{\\~a}o", "Sedoc, João"),
        ("hou2025language", "Daum{\\'e}, III, Hal", "Daumé, III, Hal"),
        ("hou2025language", "Daum{\\'e}, III, Hal", "Daum{\\'e} III, Hal"),
        ("hou2025language", "Daum{\\'e}, III, Hal", "Hal Daumé III"),
        ("zhang2024affective", "Wang, Daling and Zhang, Yifei and Song, Kaisong and Yu, Ge}", "others}"),
        (
            "kidder2024empathy",
            "Kidder, William and D'Cruz, Jason and Varshney, Kush R.",
            "W. Kidder and J. D'Cruz and K. R. Varshney",
        ),
        (
            "kidder2024empathy",
            "Empathy and the Right to Be an Exception: What {LLMs} Can and Cannot Do",
            "EMPATHY AND THE RIGHT TO BE AN EXCEPTION: WHAT LLMS CAN AND CANNOT DO",
        ),
        (
            "kidder2024empathy",
            "{Empathy and the Right to Be an Exception: What {LLMs} Can and Cannot Do}",
            "{{Empathy and the right to be an exception -- what LLMs can and cannot do.}}",
        ),
        ("kidder2024empathy", "Exception: What", "Exception---What"),
        ("liu2025illusion", "pages = {14327--14335}", "pages = {14327-14335}"),
        ("liu2025illusion", "pages = {14327--14335}", "pages = {14327–14335}"),
    ],
)
def test_forms_that_say_the_same_are_no_error(
    registry: Registry, tmp_path: Path, key: str, old: str, new: str
) -> None:
    code, findings, err = verify(registry, write_variant(tmp_path, key, old, new))
    assert (code, errors(findings)) == (0, []), (findings, err)


@pytest.mark.parametrize(
    ("key", "old", "new", "code", "field"),
    [
        ("liu2025illusion", "Giorgi, Salvatore and Aich, Ankit", "Aich, Ankit and Giorgi, Salvatore",
         "E704", "author"),
        ("kidder2024empathy", "William and D'Cruz, Jason and", "William and", "E704", "author"),
        ("liu2025illusion", "Curtis, Brenda", "Kurtis, Brenda", "E704", "author"),
        ("kidder2024empathy", "Varshney, Kush R.", "Varshney, Kush R. and Smith, John", "E704", "author"),
        ("kidder2024empathy", ": What {LLMs} Can and Cannot Do}", "}", "E702", "title"),
        ("kidder2024empathy", "year = {2024}", "year = {2023}", "E705", "year"),
    ],
)  # fmt: skip
def test_real_differences_are_errors_on_their_line(
    registry: Registry, tmp_path: Path, key: str, old: str, new: str, code: str, field: str
) -> None:
    bib = write_variant(tmp_path, key, old, new)
    exit_code, findings, err = verify(registry, bib)
    assert exit_code == 1 and errors(findings) == [code], (findings, err)
    lines = bib.read_text(encoding="utf-8").splitlines()
    assert lines[findings[0]["line"] - 1].lstrip().startswith(f"{field} =")


def _preprint(title: str, author: str, year: int, arxiv_id: str = "2407.10671") -> str:
    return f"@misc{{k,\n  title = {{{title}}},\n  author = {{{author}}},\n  year = {{{year}}},\n" + (
        f"  eprint = {{{arxiv_id}}},\n  archiveprefix = {{arXiv}},\n}}\n"
    )


QWEN = {
    "title": "Qwen2 Technical Report",
    "authors": ["An Yang", "Baosong Yang", "Binyuan Hui"],
    "published": "2023-07-15T16:00:00Z",  # v1
    "updated": "2024-09-10T16:00:00Z",  # v4
    "version": 4,
    "summary": "An abstract.",
    "category": "cs.CL",
}
QWEN_AUTHORS = "Yang, An and Yang, Baosong and Hui, Binyuan"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_preprint("Qwen2 Technical Report", QWEN_AUTHORS, 2023), []),  # the first version's year
        (_preprint("Qwen2 Technical Report", "Yang, An and others", 2023), []),
        (_preprint("Qwen2 Technical Report", QWEN_AUTHORS, 2024), ["E705"]),  # the latest version's
        (_preprint("Qwen2.5 Technical Report", QWEN_AUTHORS, 2023), ["E702"]),
        (_preprint("GPT-4 Technical Report", "{OpenAI}", 2023, "2303.08774"), []),
        (_preprint("GPT-4 Technical Report", "{OpenAI Team}", 2023, "2303.08774"), ["E704"]),
    ],
)
def test_arxiv_only_years_numbers_in_titles_and_corporate_authors(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    with Registry(truth=None) as reg:
        reg.put_arxiv("2407.10671", QWEN)
        gpt4 = {**QWEN, "title": "GPT-4 Technical Report", "authors": ["OpenAI"], "version": 1}
        reg.put_arxiv("2303.08774", {**gpt4, "published": "2023-03-15T16:00:00Z"})
        bib = tmp_path / "list.bib"
        bib.write_text(text, encoding="utf-8")
        code, findings, err = verify(reg, bib)
    assert (code, errors(findings)) == (1 if expected else 0, expected), (findings, err)


# ---------------------------------------------------------------------- 4. --fix

ILLUSION = entry_of("liu2025illusion")
ILLUSION_DOI = "10.1609/aaai.v39i13.33569"
WRONG_ILLUSION = (
    ILLUSION.replace("Conversation Perception}", "Perception}")
    .replace(" and Sedoc, Jo{\\~a}o}", "}")
    .replace("year = {2025}", "year = {2024}")
    .replace("14327--14335", "14327--14336")
)
NEIGHBOUR = entry_of("kidder2024empathy")


def fix(
    tmp_path: Path, text: str, change: Callable[[dict[str, Any]], None] | None = None, newline: str = "\n"
) -> tuple[int, bytes, str]:
    """`verify --fix` on `text` (written with `newline`), the Crossref record of the AAAI paper
    changed by `change`: (exit code, the file's bytes after, stderr)."""
    bib = tmp_path / "list.bib"
    bib.write_bytes(text.replace("\n", newline).encode("utf-8"))
    with Registry() as reg:
        if change is not None:
            change(reg.records.crossref[ILLUSION_DOI])
        try:
            code, _, err = run_cli(["verify", str(bib), "--fix", "--no-cache", *reg.cli_args()])
        finally:
            http.close_sessions()
    assert "Traceback" not in err, err
    return code, bib.read_bytes(), err


def _outside_fields(text: str, names: tuple[str, ...]) -> str:
    """The text with the values of the named fields cut out (one line each)."""
    return re.sub(rf"(?m)^(\s*(?:{'|'.join(names)}) = ).*$", r"\1…", text)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_fix_writes_the_registrys_values_and_no_other_byte(tmp_path: Path, newline: str) -> None:
    text = f"% a comment line\n{NEIGHBOUR}\n{WRONG_ILLUSION}"
    code, after, err = fix(tmp_path, text, newline=newline)
    assert code == 0, err
    assert after.count(b"\r\n") == (after.count(b"\n") if newline == "\r\n" else 0)
    fixed = after.decode("utf-8").replace("\r\n", "\n")
    assert fixed == f"% a comment line\n{NEIGHBOUR}\n{ILLUSION}"
    fields = ("title", "author", "year", "pages")
    assert _outside_fields(fixed, fields) == _outside_fields(text, fields)
    for name in fields:
        assert f"fixed {name} [liu2025illusion]" in err
    assert "+  year = {2025}" in err and "-  year = {2024}" in err


def test_fix_replaces_a_macro_concatenation_whole_and_keeps_the_string(tmp_path: Path) -> None:
    """A `#` concatenation with a @string macro in a field to fix: the value is replaced whole by the
    registry's braced value; the @string definition stays; the file parses and validates."""
    text = '@string{illusion = "The Illusion"}\n' + WRONG_ILLUSION.replace(
        "title = {The Illusion of Empathy:", "title = illusion # { of Empathy:"
    )
    code, after, err = fix(tmp_path, text)
    assert code == 0, err
    fixed = after.decode("utf-8")
    assert fixed == '@string{illusion = "The Illusion"}\n' + ILLUSION
    assert parse_string(fixed, "bibtex").entries["liu2025illusion"].fields["title"].startswith("The Illusion")


def _hostile(item: dict[str, Any]) -> None:
    item["title"] = ["<jats:italic>100%</jats:italic> & #1 {of \x07 Empathy\x00: How AI} \x1b Chatbots\\"]
    item["author"][0]["family"] = "Li}u%"
    item["author"][1]["given"] = "#Salv&tore{\x7f"
    item["page"] = "14327-14335%}"


def test_fix_with_hostile_registry_values_validates_and_compiles(tmp_path: Path) -> None:
    """Control characters in a registry's title or names were written as they came (E111)."""
    pdflatex, bibtex, biber = require_tool("pdflatex"), require_tool("bibtex"), require_tool("biber")
    before = tmp_path / "before.bib"
    before.write_text(WRONG_ILLUSION, encoding="utf-8")
    code, after, err = fix(tmp_path, WRONG_ILLUSION, _hostile)
    assert code in (0, 1), err
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", after)
    bib = tmp_path / "list.bib"
    assert validate_codes(bib) == validate_codes(before)  # no new finding
    assert len(bibtexparser.parse_string(after.decode()).failed_blocks) == 0
    _compile(tmp_path, bib, pdflatex, bibtex, biber)


def _compile(tmp_path: Path, bib: Path, pdflatex: str, bibtex: str, biber: str) -> None:
    work = tmp_path / "latex"
    work.mkdir()
    (work / "one.bib").write_bytes(bib.read_bytes())

    def latex(cmd: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=180, check=False)

    natbib = r"\documentclass{article}\usepackage{natbib}\usepackage{url}\begin{document}\nocite{*}"
    (work / "n.tex").write_text(natbib + r"\bibliographystyle{plainnat}\bibliography{one}\end{document}")
    assert latex([pdflatex, "-interaction=nonstopmode", "n.tex"]).returncode == 0
    result = latex([bibtex, "n"])
    assert result.returncode == 0 and "error message" not in result.stdout, result.stdout
    assert latex([pdflatex, "-interaction=nonstopmode", "n.tex"]).returncode == 0
    biblatex = (r"\documentclass{article}\usepackage[backend=biber]{biblatex}\addbibresource{one.bib}"
                r"\begin{document}\nocite{*}\printbibliography\end{document}")  # fmt: skip
    (work / "b.tex").write_text(biblatex)
    assert latex([pdflatex, "-interaction=nonstopmode", "b.tex"]).returncode == 0
    result = latex([biber, "b"])
    assert result.returncode == 0 and "ERROR" not in result.stdout, result.stdout
    assert latex([pdflatex, "-interaction=nonstopmode", "b.tex"]).returncode == 0


def test_fix_compiles_with_bibtex_and_biber(tmp_path: Path) -> None:
    pdflatex, bibtex, biber = require_tool("pdflatex"), require_tool("bibtex"), require_tool("biber")
    code, _, err = fix(tmp_path, WRONG_ILLUSION)
    assert code == 0, err
    _compile(tmp_path, tmp_path / "list.bib", pdflatex, bibtex, biber)


def test_fix_never_writes_a_5_mb_title(tmp_path: Path) -> None:
    """A 5 MB "title" was written into the list (BibTeX cuts it at its global-string-size): the
    title is left alone and stays an error; the other fields are fixed."""

    def huge(item: dict[str, Any]) -> None:
        item["title"] = ["The Illusion of Empathy " + "x" * 5_000_000]

    code, after, err = fix(tmp_path, WRONG_ILLUSION, huge)
    assert code == 1, err
    assert len(after) < 10_000
    fixed = after.decode("utf-8")
    assert "title = {The Illusion of Empathy: How {AI} Chatbots Shape Perception}" in fixed
    assert "year = {2025}" in fixed and "Sedoc" in fixed


def test_a_change_to_the_same_field_while_verify_runs_is_refused_and_kept(tmp_path: Path) -> None:
    import threading

    bib = tmp_path / "list.bib"
    bib.write_text(WRONG_ILLUSION, encoding="utf-8")
    theirs = WRONG_ILLUSION.replace("Liu, Tingting", "Liu, T.")
    with Registry(latency=0.3) as reg:

        def edit_meanwhile() -> None:
            while reg.count() == 0:
                time.sleep(0.01)
            bib.write_text(theirs, encoding="utf-8")

        editor = threading.Thread(target=edit_meanwhile)
        editor.start()
        try:
            code, _, err = run_cli(["verify", str(bib), "--fix", "--no-cache", *reg.cli_args()])
        finally:
            http.close_sessions()
            editor.join()
    assert code == 2 and "changed while this command ran" in err, err
    assert bib.read_text(encoding="utf-8") == theirs


# ---------------------------------------------------------------------- 6. cache age


def test_max_age_asks_again_only_answers_older_than_it(registry: Registry, tmp_path: Path) -> None:
    bib = tmp_path / "list.bib"
    bib.write_text(entry_of("kidder2024empathy") + entry_of("liu2025illusion"), encoding="utf-8")
    cache = ("--cache-dir", str(tmp_path / "cache"))

    def requests(*args: str) -> int:
        registry.clear_log()
        code, out, err = run_cli(["verify", str(bib), *cache, *registry.cli_args(), *args])
        http.close_sessions()
        assert code == 0, out + err
        return registry.count()

    first = requests()
    assert first > 0
    assert requests() == 0  # warm cache
    time.sleep(1.0)
    assert requests("--max-age", "1") == 0  # a day: the answers are younger
    assert requests("--max-age", str(0.5 / 86400)) == first  # half a second: every one is older


# ---------------------------------------------------------------------- 6. retractions


@pytest.mark.parametrize("mark", ["RETRACTED: ", "Retracted: ", "RETRACTED ARTICLE: ", "WITHDRAWN: "])
@pytest.mark.parametrize("arxiv", [True, False])
def test_a_retracted_papers_marked_title_is_only_the_retraction(
    tmp_path: Path, mark: str, arxiv: bool
) -> None:
    """Publishers prefix a retracted paper's title (`RETRACTED: ...`): that gave a title error (E702,
    and --fix would write the mark) or a warning that the title was the arXiv version's (W703)."""
    entry = ILLUSION if arxiv else re.sub(r"  (eprint|archiveprefix) = .*\n", "", ILLUSION)
    bib = tmp_path / "list.bib"
    bib.write_text(entry, encoding="utf-8")
    with Registry() as reg:
        reg.retract(ILLUSION_DOI, "10.1609/notice.1")
        work = reg.records.crossref[ILLUSION_DOI]
        work["title"] = [mark + work["title"][0]]
        code, findings, err = verify(reg, bib)
    assert code == 1, err
    assert [f["code"] for f in findings] == ["E710"]
    assert "10.1609/notice.1" in findings[0]["message"] and "retraction-watch" in findings[0]["message"]


@pytest.mark.parametrize(
    ("kind", "words"),
    [("expression_of_concern", "has an expression of concern"), ("correction", "has a correction")],
)
def test_a_notice_reads_as_english(tmp_path: Path, kind: str, words: str) -> None:
    bib = tmp_path / "list.bib"
    bib.write_text(ILLUSION, encoding="utf-8")
    with Registry() as reg:
        reg.retract(ILLUSION_DOI, "10.1609/notice.2", kind=kind)
        code, findings, err = verify(reg, bib)
    assert code == 0, err
    assert [f["code"] for f in findings] == ["W711"] and words in findings[0]["message"]


# ---------------------------------------------------------------------- arXiv's empty feed


def test_an_empty_arxiv_feed_for_several_ids_is_could_not_check(registry: Registry, tmp_path: Path) -> None:
    """arXiv's API now and then answers an empty feed (the `arxiv` library retries on it): every
    arXiv id of the list was reported unknown (E716), an error a weekly run would raise at random."""
    bib = tmp_path / "list.bib"
    bib.write_text(entry_of("kidder2024empathy") + entry_of("zhang2024affective"), encoding="utf-8")
    empty = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>'
    registry.fault("arxiv", ANY, Fault.raw(empty, "application/atom+xml"))
    try:
        code, findings, err = verify(registry, bib)
    finally:
        registry.clear_faults()
    assert code == 1, err
    arxiv_findings = [f for f in findings if "arXiv" in f["message"]]
    assert arxiv_findings and {f["code"] for f in arxiv_findings} == {"E714"}, findings
    assert "E716" not in {f["code"] for f in findings}


def test_an_unknown_id_among_known_ones_is_still_not_known(registry: Registry, tmp_path: Path) -> None:
    bib = tmp_path / "list.bib"
    unknown = entry_of("zhang2024affective").replace("2408.04638", "2408.99999")
    bib.write_text(entry_of("kidder2024empathy") + unknown, encoding="utf-8")
    code, findings, err = verify(registry, bib, "--select", "E716,E714")
    assert code == 1, err
    assert [(f["code"], f["key"]) for f in findings if f["code"] in ("E714", "E716")] == [
        ("E716", "zhang2024affective")
    ], findings


def test_select_never_hides_a_lookup_that_failed(registry: Registry, tmp_path: Path) -> None:
    """`--select E704` with Crossref failing: the entries could not be checked, so exit 1 and E714;
    only an --ignore that names E714 drops it."""
    bib = tmp_path / "list.bib"
    bib.write_text(entry_of("lin2019moel"), encoding="utf-8")
    for service in ("crossref", "anthology", "arxiv", "datacite"):
        registry.fault(service, ANY, Fault.error(503, times=100))
    code, findings, err = verify(registry, bib, "--select", "E704", "--timeout", "2")
    assert code == 1, err
    assert findings and {f["code"] for f in findings} == {"E714"}, findings
    code, findings, err = verify(registry, bib, "--select", "E704", "--ignore", "E714", "--timeout", "2")
    assert (code, findings) == (0, []), err


def test_a_record_of_wrong_json_types_is_could_not_check(registry: Registry, tmp_path: Path) -> None:
    """Crossref answers the DOI with a record whose title and authors are of the wrong types: it
    neither confirms nor refutes the entry, so the entry is reported as not checked."""
    bib = tmp_path / "list.bib"
    bib.write_text(entry_of("lin2019moel"), encoding="utf-8")
    shell = '{"status": "ok", "message-type": "work", "message": {"title": 5, "author": "nobody"}}'
    registry.fault("crossref", ANY, Fault.raw(shell, "application/json"))
    registry.fault("anthology", ANY, Fault.error(404, times=100))
    code, findings, err = verify(registry, bib)
    assert code == 1, err
    unchecked = [f for f in findings if f["code"] == "E714"]
    assert unchecked and "no readable title or authors" in unchecked[0]["message"], findings
