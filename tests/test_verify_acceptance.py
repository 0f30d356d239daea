"""Acceptance of `empathy-bib verify` (issue 11), through the command line, against the registry fake.

The oracle is independent of verify's code: the truth (tests/fixtures/registry/truth.json, from
the verified facts), the seeded errors and their expected findings (tests/fixtures/seeded_errors.*),
lines computed with bibtexparser, the fake's own request log, and pybtex/bibtexparser reading the
file after `--fix`. Findings that `validate` also reports on the same file are set aside, so each
expected finding must come from verify itself.

The whole module skips while `empathy-bib verify` does not exist (argparse: "invalid choice").
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from empathy_bib.enrich import http
from tests.conftest import ROOT, run_cli
from tests.faultserver import closed_port
from tests.registry import ANY, SERVICES, Fault, Registry, load_truth, registry_in_env

_code, _out, _err = run_cli(["verify", "--help"])
if _code == 2 and "invalid choice" in _err:
    pytest.skip("`empathy-bib verify` does not exist yet (issue 11)", allow_module_level=True)

__all__ = ["registry_in_env"]
FIXTURES = ROOT / "tests" / "fixtures"
SEEDED = json.loads((FIXTURES / "seeded_errors.json").read_text(encoding="utf-8"))
TEXT_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>\w+) (?P<code>\S+) "
    r"(?P<message>.*) \[(?P<key>[^\]]+)\]$"
)
REGISTRY_NAMES = ("crossref", "datacite", "arxiv", "anthology")
# Where the truth really differs from the correct references.bib: a warning there is allowed
# (never an error). (key, field) with field None: anywhere in the entry.
ALLOWED_WARNINGS: dict[tuple[str, str | None], str] = {
    ("huang2024apathetic", None): "arXiv's title is the preprint's ('Emotionally Numb or Empathetic? ...')",
    ("chen2024emotionqueen", "author"): "arXiv lists 7 authors, the Anthology and Crossref 5",
    ("hou2025language", "author"): "the Anthology's 'Iii, Hal Daumé' (Crossref and arXiv: Daumé III)",
    ("shen2024empathicstories", "author"): "the Anthology's 'Park, Hae' (arXiv: Hae Won Park)",
    ("zhang2024stickerconv", "author"): "the Anthology's 'SWangLing, SWangLing' (arXiv: Lingshuai Wang)",
    ("qian2023harnessing", "author"): "arXiv's 'Wei-Nan Zhang' (the Anthology: Weinan Zhang)",
    ("wu2025personas", None): "Crossref knows 10.18653/v1/2025.emnlp-main.277, which the entry leaves out",
    # Crossref's type and publisher for these (journal-article for AAAI, book-chapter for IOS Press,
    # 'ACM', 'Association for the Advancement of Artificial Intelligence (AAAI)') are not the entry's
    ("liu2025illusion", None): "Crossref: journal-article, publisher AAAI's long name",
    ("sabour2022cem", None): "Crossref: journal-article, publisher AAAI's long name",
    ("hu2024aptness", None): "Crossref: publisher 'ACM'",
    ("zheng2025customizing", None): "Crossref: publisher 'ACM'",
    ("mozikov2024insideout", None): "Crossref: book-chapter",
}


@dataclass(frozen=True)
class Finding:
    line: int
    severity: str
    code: str
    message: str
    key: str


@pytest.fixture
def registry(registry_in_env: Registry) -> Registry:
    return registry_in_env


def verify(args: list[str], cwd: Path = ROOT) -> tuple[int, str, str]:
    """One `empathy-bib verify` run, as its own process would be: no session carried over."""
    try:
        return run_cli(["verify", *args], cwd=cwd)
    finally:
        http.close_sessions()


def lines_of(path: Path) -> dict[tuple[str, str], int]:
    """(key, field) -> 1-based line of the field, by bibtexparser; (key, "@") -> the entry's line."""
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], int] = {}
    for entry in library.entries:
        found[(entry.key, "@")] = (entry.start_line or 0) + 1
        for field in entry.fields:
            found[(entry.key, field.key.lower())] = (field.start_line or 0) + 1
    return found


def entry_lines(path: Path, key: str) -> range:
    """The lines an entry spans (its first line to the line before the next entry)."""
    starts = sorted(line for (_, field), line in lines_of(path).items() if field == "@")
    first = lines_of(path)[(key, "@")]
    later = [s for s in starts if s > first]
    return range(first, later[0] if later else 10**9)


def json_findings(out: str) -> list[Finding]:
    data = json.loads(out)
    return [
        Finding(int(d["line"]), d["severity"], d["code"], d["message"], d.get("key") or "")
        for d in data["diagnostics"]
    ]


def text_findings(out: str) -> list[Finding]:
    found = []
    for line in out.splitlines():
        m = TEXT_LINE.match(line)
        if m:
            found.append(Finding(int(m["line"]), m["severity"], m["code"], m["message"], m["key"]))
    return found


def validate_pairs(path: Path) -> set[tuple[int, str]]:
    """(line, code) of what `validate` already reports on `path`: not verify's to prove."""
    code, out, err = run_cli(["validate", "--format", "json", str(path)])
    assert code in (0, 1), err
    return {(f.line, f.code) for f in json_findings(out)}


def own(findings: list[Finding], path: Path) -> list[Finding]:
    known = validate_pairs(path)
    return [f for f in findings if (f.line, f.code) not in known]


def copy_to(tmp_path: Path, source: Path, name: str = "list.bib") -> Path:
    target = tmp_path / name
    shutil.copyfile(source, target)
    return target


def allowed_warning(finding: Finding, path: Path) -> bool:
    lines = lines_of(path)
    for (key, field), _why in ALLOWED_WARNINGS.items():
        if finding.key != key:
            continue
        if field is None or lines.get((key, field)) == finding.line:
            return True
    return False


# (a) ------------------------------------------------------------------------------------------
def test_the_correct_list_has_no_error_and_only_the_known_warnings(
    registry: Registry, tmp_path: Path
) -> None:
    bib = copy_to(tmp_path, ROOT / "references.bib")
    code, out, err = verify([str(bib), "--format", "json", "--cache-dir", str(tmp_path / "cache")])
    findings = json_findings(out)
    errors = [f for f in findings if f.severity == "error"]
    assert not errors, "false errors on the correct list:\n" + "\n".join(map(str, errors)) + err
    assert code == 0, err
    stray = [f for f in findings if f.severity == "warning" and not allowed_warning(f, bib)]
    assert not stray, "warnings where the truth agrees with the list:\n" + "\n".join(map(str, stray))
    assert registry.count() > 0


# (b) ------------------------------------------------------------------------------------------
def check_expected(findings: list[Finding], bib: Path) -> None:
    lines = lines_of(bib)
    mine = own(findings, bib)
    codes_by_kind: dict[str, set[str]] = {}
    missing = []
    for expected in SEEDED["findings"]:
        key, field = expected["key"], expected["field"]
        where = [lines[(key, field)]] if field else list(entry_lines(bib, key))
        matches = [
            f
            for f in mine
            if f.key == key
            and f.line in where
            and f.severity == expected["severity"]
            and any(name.lower() in f.message.lower() for name in expected["message_names_any"])
        ]
        if not matches:
            missing.append(
                f"{key} {field or 'entry'} line {where[0]} {expected['severity']}: {expected['description']}"
            )
            continue
        if not any(any(r in f.message.lower() for r in REGISTRY_NAMES) for f in matches):
            missing.append(
                f"{key} {field}: the message does not say which registry said so: {matches[0].message}"
            )
        codes_by_kind.setdefault(expected["kind"], set()).update(f.code for f in matches)
    assert not missing, "expected findings not reported:\n" + "\n".join(missing)
    track, wrong_id = codes_by_kind.get("venue-track", set()), codes_by_kind.get("wrong-id", set())
    assert not track & wrong_id, "a different track of the same venue must have its own code"
    for clean in SEEDED["not_findings"]:
        line = lines[(clean["key"], clean["field"])]
        assert not [f for f in mine if f.line == line and f.severity == "error"], clean


def test_every_seeded_error_is_reported_on_its_line_in_json(registry: Registry, tmp_path: Path) -> None:
    bib = copy_to(tmp_path, FIXTURES / "seeded_errors.bib")
    code, out, err = verify([str(bib), "--format", "json", "--cache-dir", str(tmp_path / "cache")])
    assert code == 1, err
    check_expected(json_findings(out), bib)


def test_every_seeded_error_is_reported_in_text_by_a_separate_process(
    registry: Registry, tmp_path: Path
) -> None:
    bib = copy_to(tmp_path, FIXTURES / "seeded_errors.bib")
    env = {**_clean_environ(), **registry.env(), "PYTHONPATH": str(ROOT / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "empathy_bib", "verify", str(bib), "--cache-dir", str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    check_expected(text_findings(result.stdout), bib)


def _clean_environ() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_BIB_")}


# (c) ------------------------------------------------------------------------------------------
def test_a_rerun_with_a_warm_cache_asks_nothing(registry: Registry, tmp_path: Path) -> None:
    bib = copy_to(tmp_path, FIXTURES / "seeded_errors.bib")
    args = [str(bib), "--format", "json", "--cache-dir", str(tmp_path / "cache")]
    first = verify(args)
    assert registry.count() > 0
    registry.clear_log()
    second = verify(args)
    assert registry.count() == 0, [r.path for r in registry.requests()][:10]
    assert json_findings(second[1]) == json_findings(first[1]) and second[0] == first[0]


# (d) ------------------------------------------------------------------------------------------
SOME = "chen2022emphi,kidder2024empathy,hou2025language"


def assert_could_not_check(code: int, out: str, err: str) -> None:
    assert code == 1, (code, out, err)
    assert "Traceback" not in err
    text = (out + err).lower()
    assert "could not check" in text, out + err
    assert "not found" not in text, out + err
    findings = text_findings(out)
    for key in SOME.split(","):
        assert any(f.key == key for f in findings), f"{key}: no finding although nothing was checked"


def test_registries_refusing_connections_are_could_not_check(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dead = closed_port()
    for service in SERVICES:
        monkeypatch.setenv(f"EMPATHY_BIB_{service.upper()}_URL", f"{dead}/{service}")
    bib = copy_to(tmp_path, ROOT / "references.bib")
    assert_could_not_check(*verify([str(bib), "--keys", SOME, "--no-cache"]))


def test_registries_answering_503_are_could_not_check(registry: Registry, tmp_path: Path) -> None:
    for service in SERVICES:
        registry.fault(service, ANY, Fault.error(503))
    bib = copy_to(tmp_path, ROOT / "references.bib")
    assert_could_not_check(*verify([str(bib), "--keys", SOME, "--no-cache"]))


def test_registries_that_hang_are_could_not_check_within_the_timeout(
    registry: Registry, tmp_path: Path
) -> None:
    for service in SERVICES:
        registry.fault(service, ANY, Fault.hanging())
    bib = copy_to(tmp_path, ROOT / "references.bib")
    assert_could_not_check(*verify([str(bib), "--keys", SOME, "--no-cache", "--timeout", "2"]))


def test_throttling_and_403_are_could_not_check_not_not_found(registry: Registry, tmp_path: Path) -> None:
    registry.fault("crossref", ANY, Fault.throttle(retry_after=3600))
    registry.fault("arxiv", ANY, Fault.forbidden())
    registry.fault("anthology", ANY, Fault.forbidden())
    registry.fault("datacite", ANY, Fault.throttle(retry_after=3600))
    bib = copy_to(tmp_path, ROOT / "references.bib")
    assert_could_not_check(*verify([str(bib), "--keys", SOME, "--no-cache"]))


def test_the_command_line_wins_over_the_environment(
    registry: Registry, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dead = closed_port()
    for service in SERVICES:
        monkeypatch.setenv(f"EMPATHY_BIB_{service.upper()}_URL", dead)
    bib = copy_to(tmp_path, ROOT / "references.bib")
    code, out, err = verify([str(bib), "--keys", SOME, "--no-cache", *registry.cli_args()])
    assert code == 0, out + err
    assert "could not check" not in (out + err).lower() and registry.count() > 0


# (e) ------------------------------------------------------------------------------------------
def identifiers_of(keys: set[str], other_than: bool = False) -> set[str]:
    papers: dict[str, dict[str, Any]] = load_truth()["papers"]
    chosen = [ids for key, ids in papers.items() if (key in keys) != other_than]
    return {str(v).lower() for ids in chosen for v in ids.values() if v}


def requested_text(registry: Registry) -> list[str]:
    return [(r.path + " " + " ".join(r.query.values())).lower() for r in registry.requests()]


def assert_only_asked_about(registry: Registry, keys: set[str]) -> None:
    asked = requested_text(registry)
    assert asked, "no request at all"
    others = identifiers_of(keys, other_than=True) - identifiers_of(keys)
    strays = sorted({i for i in others for text in asked if re.search(re.escape(i) + r"(?![\d.])", text)})
    assert not strays, f"requests about entries outside {sorted(keys)}: {strays}"


def test_keys_limit_the_requests_to_those_entries(registry: Registry, tmp_path: Path) -> None:
    bib = copy_to(tmp_path, ROOT / "references.bib")
    code, out, err = verify([str(bib), "--keys", "kidder2024empathy,lin2019moel", "--no-cache"])
    assert code == 0, out + err
    assert_only_asked_about(registry, {"kidder2024empathy", "lin2019moel"})


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_changed_since_limits_the_run_to_added_and_changed_entries(
    registry: Registry, tmp_path: Path
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    text = (ROOT / "references.bib").read_text(encoding="utf-8")
    start = text.index("@inproceedings{lin2019moel,")
    end = text.index("\n}\n", start) + 3
    (repo / "references.bib").write_text(text[:start] + text[end:], encoding="utf-8", newline="\n")
    git(repo, "init", "-q")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base", "--allow-empty")
    git(repo, "add", "references.bib")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "list")
    wrong = "Doody, Ryan M. and Harris, Jesse M. S."
    changed = text.replace("Kidder, William and D'Cruz, Jason and Varshney, Kush R.", wrong)
    (repo / "references.bib").write_text(changed, encoding="utf-8", newline="\n")  # lin2019moel is back
    code, out, err = verify(
        ["references.bib", "--changed-since", "HEAD", "--no-cache", "--format", "json"], cwd=repo
    )
    assert code == 1, out + err
    assert_only_asked_about(registry, {"kidder2024empathy", "lin2019moel"})
    author_line = lines_of(repo / "references.bib")[("kidder2024empathy", "author")]
    assert any(f.line == author_line and f.severity == "error" for f in json_findings(out))
    assert {f.key for f in json_findings(out)} <= {"kidder2024empathy", "lin2019moel"}


# (f) ------------------------------------------------------------------------------------------
HOSTILE_KEYS = "majumder2020mime,chen2023soulchat,zheng2021comae,bi2023diffusemp,deng2023knowledge,kidder2024empathy,rashkin2019towards"  # noqa: E501


def make_hostile(registry: Registry) -> None:
    crossref = registry.records.crossref
    mime = crossref["10.18653/v1/2020.emnlp-main.721"]
    mime["title"] = ['<i>MIME</i>: 100% {MIMicking & <script>alert("x")</script> Emotions \\textbf{for}']
    mime["author"] = [{"given": "Navonil}", "family": "Majumder{ & %", "sequence": "first"}]
    # a record for another paper, under SoulChat's DOI
    crossref["10.18653/v1/2023.findings-emnlp.83"] = {
        **crossref["10.18653/v1/p19-1534"],
        "DOI": "10.18653/v1/2023.findings-emnlp.83",
    }
    # wrong JSON types
    registry.fault(
        "crossref",
        "10.18653/v1/2021.findings-acl.72",
        Fault.raw(
            json.dumps(
                {
                    "status": "ok",
                    "message-type": "work",
                    "message": {
                        "title": 42,
                        "author": "nobody",
                        "issued": {"date-parts": "2021"},
                        "page": 813,
                    },
                }
            )
        ),
    )
    registry.fault(
        "datacite", "10.48550/arxiv.2105.08316", Fault.raw(json.dumps({"data": ["not", "a", "record"]}))
    )
    # a 5 MB body
    huge = json.dumps({"status": "ok", "message-type": "work", "message": {"title": ["x" * 5_000_000]}})
    registry.fault("crossref", "10.18653/v1/2023.acl-long.158", Fault.raw(huge))
    # HTML where JSON belongs, and a .bib with unbalanced braces
    registry.fault(
        "crossref", "10.18653/v1/2023.acl-long.225", Fault.raw("<html><body>hi</body></html>", "text/html")
    )
    registry.fault(
        "anthology",
        "2023.acl-long.225",
        Fault.raw('@inproceedings{x,\n  title = "{Unbalanced",\n', "text/plain"),
    )
    arxiv = registry.records.arxiv
    arxiv["2401.14523"] = {
        **arxiv["2401.14523"],
        "title": "Empathy & the {Right} to Be an Exception: 50% <b>of</b> LLMs}",
    }
    arxiv["1811.00207"] = {**arxiv["1811.00207"], "authors": ["}{", "%", "& \\relax"]}


def assert_file_parses(path: Path) -> None:
    from pybtex.database import parse_string

    text = path.read_text(encoding="utf-8")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    assert len(library.entries) == len(
        bibtexparser.parse_string((ROOT / "references.bib").read_text()).entries
    )
    parse_string(text, "bibtex")


def test_hostile_answers_give_findings_never_a_traceback_and_fix_keeps_the_file_sound(
    registry: Registry, tmp_path: Path
) -> None:
    make_hostile(registry)
    bib = copy_to(tmp_path, ROOT / "references.bib")
    code, out, err = verify([str(bib), "--keys", HOSTILE_KEYS, "--no-cache", "--format", "json"])
    assert code == 1 and "Traceback" not in err, err
    findings = json_findings(out)
    assert {f.key for f in findings} >= {"majumder2020mime", "chen2023soulchat"}
    code, out, err = verify([str(bib), "--keys", HOSTILE_KEYS, "--no-cache", "--fix"])
    assert code in (0, 1) and "Traceback" not in err, err
    assert_file_parses(bib)


# (g) ------------------------------------------------------------------------------------------
FIXABLE = {"author", "title", "year", "pages", "doi"}


def norm_title(value: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    return re.sub(r"[\W_]+", "", LatexNodes2Text().latex_to_text(value).casefold())


def families(value: str) -> list[str]:
    import unicodedata

    from pybtex.database import Person
    from pylatexenc.latex2text import LatexNodes2Text

    def fold(text: str) -> str:
        plain = unicodedata.normalize("NFKD", LatexNodes2Text().latex_to_text(text))
        return "".join(c for c in plain if not unicodedata.combining(c)).casefold()

    return [fold(" ".join(Person(n).last_names)) for n in re.split(r"\s+and\s+", value)]


def test_fix_repairs_the_seeded_authors_and_titles_and_changes_no_other_byte(
    registry: Registry, tmp_path: Path
) -> None:
    bib = copy_to(tmp_path, FIXTURES / "seeded_errors.bib")
    before = bib.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = lines_of(bib)
    fixable = {
        (e["key"], e["field"]): lines[(e["key"], e["field"])]
        for e in SEEDED["findings"]
        if e["field"] in FIXABLE
    }
    code, _, err = verify([str(bib), "--fix", "--cache-dir", str(tmp_path / "cache")])
    assert code in (0, 1) and "Traceback" not in err, err
    after = bib.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(after) == len(before), "a fix added or removed lines"
    changed = {n + 1 for n, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
    assert changed <= set(fixable.values()), (
        f"lines changed that hold no seeded error: {sorted(changed - set(fixable.values()))}"
    )
    truth = {
        e.key: {f.key: str(f.value) for f in e.fields}
        for e in bibtexparser.parse_string((ROOT / "references.bib").read_text()).entries
    }
    fixed = {
        e.key: {f.key: str(f.value) for f in e.fields}
        for e in bibtexparser.parse_string("".join(after)).entries
    }
    for key, field in fixable:
        if field == "author":
            assert families(fixed[key]["author"]) == families(truth[key]["author"]), key
        else:
            assert norm_title(fixed[key][field]) == norm_title(truth[key][field]), (key, field)
    assert_file_parses(bib)
