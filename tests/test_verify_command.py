"""The verify command: could-not-check, hostile answers, --fix, --keys, --changed-since, --report,
the cache, and exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from pybtex.database import parse_string
from werkzeug.wrappers import Request, Response

from tests.conftest import run_cli
from tests.test_fetch_fakes import FakeServices, crossref_item, fake, fake_server
from tests.verify_support import LIST, codes, line_of, service_options, truth, verify

__all__ = ["fake", "fake_server"]


# ---------------------------------------------------------------------- could not check


@pytest.mark.parametrize(
    ("status", "reason"),
    [(403, "HTTP 403"), (429, "HTTP 429"), (503, "HTTP 503")],
)
def test_a_registry_that_refuses_is_could_not_check_never_not_found(
    fake: FakeServices, tmp_path: Path, status: int, reason: str
) -> None:
    truth(fake)
    anthology = fake.override

    def refuse(request: Request) -> Response | None:
        if request.path.startswith("/crossref"):
            return Response("go away", status, headers={"Retry-After": "0"})
        return anthology(request) if anthology else None

    fake.override = refuse
    code, findings, err = verify(fake, tmp_path, LIST, "--keys", "chen2022emphi")
    assert code == 1, err
    (finding,) = [f for f in findings if f["code"] == "E714"]
    assert finding["message"].startswith("could not check Crossref: ")
    assert reason in finding["message"] and "not found" not in finding["message"]
    assert finding["line"] == line_of(LIST, "doi = {10.18653")
    assert not [f for f in findings if f["code"] in ("E709", "E716")]


def test_a_timeout_is_could_not_check(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.latency = 1.5
    bib = tmp_path / "list.bib"
    bib.write_text(LIST, encoding="utf-8")
    options = [o if o != "3" else "0.5" for o in service_options(fake, tmp_path)]
    code, out, err = run_cli(
        ["verify", str(bib), "--format", "json", "--keys", "kidder2024empathy", *options]
    )
    assert code == 1, err
    messages = [f["message"] for f in json.loads(out)["diagnostics"]]
    assert messages and all(m.startswith("could not check ") for m in messages)
    assert any("no answer within 0.5 s" in m for m in messages)


def test_arxiv_down_is_could_not_check_for_every_arxiv_id(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    anthology = fake.override

    def arxiv_down(request: Request) -> Response | None:
        if request.path.startswith("/arxiv"):
            return Response("<html>maintenance</html>", 200, content_type="text/html")
        return anthology(request) if anthology else None

    fake.override = arxiv_down
    code, findings, _ = verify(fake, tmp_path, LIST)
    assert code == 1
    assert codes(findings) == [
        ("E714", line_of(LIST, "eprint = {2204")),
        ("E714", line_of(LIST, "eprint = {2401")),
    ]
    assert all(f["message"].startswith("could not check arXiv: ") for f in findings)


# ---------------------------------------------------------------------- hostile answers


HOSTILE_TITLES = [
    "<jats:italic>EmpHi</jats:italic>: Generating Empathetic Responses with Human-like Intents",
    "EmpHi: 100% {Generating & Empathetic Responses with Human-like Intents",
    "x" * 5000,
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_titles_give_findings_and_fix_keeps_the_file_parseable(
    fake: FakeServices, tmp_path: Path, title: str
) -> None:
    truth(fake)
    fake.works["10.18653/v1/2022.naacl-main.78"]["title"] = [title]
    fake.override = None  # no Anthology: Crossref is the published record
    code, _findings, err = verify(fake, tmp_path, LIST, "--fix")
    assert code in (0, 1), err
    assert "Traceback" not in err
    text = (tmp_path / "list.bib").read_text(encoding="utf-8")
    assert len(parse_string(text, "bibtex").entries) == 2
    assert len(bibtexparser.parse_string(text).entries) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"message": {"title": 5, "author": "nobody", "issued": {"date-parts": "soon"}, "page": ["1"]}},
        {"message": []},
        [1, 2, 3],
        {"message-type": "work", "message": {"title": [None], "author": [None, {"family": 7}]}},
    ],
)
def test_wrong_json_types_never_give_a_traceback(fake: FakeServices, tmp_path: Path, body: object) -> None:
    truth(fake)
    anthology = fake.override

    def wrong(request: Request) -> Response | None:
        if request.path.startswith("/crossref"):
            return Response(json.dumps(body), 200, content_type="application/json")
        return anthology(request) if anthology else None

    fake.override = wrong
    code, findings, err = verify(fake, tmp_path, LIST, "--keys", "chen2022emphi")
    assert code in (0, 1) and "Traceback" not in err and "internal error" not in err, err
    # a malformed answer is "could not check" or nothing, never "another paper" or "not registered"
    assert {f["code"] for f in findings} <= {"E714"}, findings


def test_a_5_mb_body_is_answered_or_refused_but_never_hangs(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.works["10.18653/v1/2022.naacl-main.78"]["abstract"] = "a" * (5 * 2**20)
    code, findings, err = verify(fake, tmp_path, LIST, "--keys", "chen2022emphi")
    assert (code, findings) == (0, []), err


# ---------------------------------------------------------------------- --fix


def test_fix_changes_only_the_fixed_fields_bytes(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    wrong = (
        LIST.replace("Kidder, William and D'Cruz", "Doody, Ryan M. and D'Cruz")
        .replace("year = {2022}", "year = {2021}")
        .replace("pages = {1063--1074}", "pages = {1063--1075}")
        .replace("Generating Empathetic Responses with Human-like Intents}", "Generating Responses}")
    )
    code, findings, err = verify(fake, tmp_path, wrong, "--fix")
    after = (tmp_path / "list.bib").read_text(encoding="utf-8")
    assert after == LIST.replace("{{EmpHi}: Generating", "{{EmpHi}: Generating"), (after, err)
    assert (code, findings) == (0, []), err
    assert "-  author = {Doody, Ryan M." in err and "+  author = {Kidder, William" in err
    assert "-  year = {2021}" in err and "+  year = {2022}" in err
    assert len(parse_string(after, "bibtex").entries) == 2
    code, findings, _ = verify(fake, tmp_path, None)
    assert (code, findings) == (0, [])


@pytest.mark.parametrize(
    ("wrong_doi", "code"),
    [("10.18653/v1/2022.naacl-main.79", "E709"), ("10.18653/v1/2022.naacl-main.80", "E701")],
)
def test_fix_writes_the_doi_the_anthology_gives(
    fake: FakeServices, tmp_path: Path, wrong_doi: str, code: str
) -> None:
    truth(fake)
    if code == "E701":  # the wrong DOI is another paper's
        fake.works[wrong_doi] = crossref_item(wrong_doi, "Another Paper Entirely", [("Ann", "Other")], 2022)
    wrong = LIST.replace("doi = {10.18653/v1/2022.naacl-main.78}", f"doi = {{{wrong_doi}}}")
    exit_code, findings, err = verify(fake, tmp_path, wrong)
    assert codes(findings) == [(code, line_of(wrong, "doi = {10.18653"))], err
    assert exit_code == 1
    exit_code, findings, err = verify(fake, tmp_path, None, "--fix")
    assert (exit_code, findings) == (0, []), err
    assert (tmp_path / "list.bib").read_text(encoding="utf-8") == LIST
    assert f"-  doi = {{{wrong_doi}}}" in err and "+  doi = {10.18653/v1/2022.naacl-main.78}" in err


def test_fix_writes_latex_escapes_and_protects_acronyms(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    fake.datacite["10.48550/arxiv.2401.14523"]["data"]["attributes"]["creators"][0]["familyName"] = "Kîdder"
    fake.arxiv["2401.14523"].authors[0] = "William Kîdder"
    _code, _, err = verify(fake, tmp_path, LIST.replace("Kidder, William", "Doody, William"), "--fix")
    after = (tmp_path / "list.bib").read_text(encoding="utf-8")
    assert "author = {K{\\^i}dder, William and D'Cruz, Jason and Varshney, Kush R.}" in after, err
    assert after.isascii()
    assert after.replace("K{\\^i}dder", "Kidder") == LIST
    assert "{LLMs}" in after


def test_fix_never_writes_a_file_that_did_not_parse(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    broken = LIST + "\n@misc{broken, title = {unclosed\n"
    code, _findings, err = verify(fake, tmp_path, broken, "--fix")
    assert code == 2 and "did not parse completely" in err
    assert (tmp_path / "list.bib").read_text(encoding="utf-8") == broken
    assert fake.received == []  # nothing requested


# ---------------------------------------------------------------------- selection


def test_keys_limit_the_run(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    wrong = LIST.replace("year = {2022}", "year = {2021}").replace("year = {2024}", "year = {2023}")
    _, findings, _ = verify(fake, tmp_path, wrong, "--keys", "KIDDER2024empathy")
    assert [f["key"] for f in findings] == ["kidder2024empathy"]
    assert not [r for r in fake.received if "naacl-main.78" in r.path]  # nothing asked about the other
    code, _, err = verify(fake, tmp_path, wrong, "--keys", "nosuchkey")
    assert code == 2 and "nosuchkey" in err


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_changed_since_checks_only_new_and_changed_entries(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    repo = tmp_path
    bib = repo / "list.bib"
    first_entry_only = LIST.split("@misc{kidder")[0]
    bib.write_text(first_entry_only.replace("year = {2022}", "year = {2021}"), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "0")
    _git(repo, "add", "list.bib")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "1")
    changed = LIST.replace("year = {2022}", "year = {2021}").replace("year = {2024}", "year = {2023}")
    code, findings, err = verify(fake, tmp_path, changed, "--changed-since", "HEAD")
    assert [f["key"] for f in findings] == ["kidder2024empathy"], err  # chen2022emphi is unchanged
    _, findings, _ = verify(fake, tmp_path, None, "--changed-since", "HEAD~1")  # the file was not there
    assert sorted(f["key"] for f in findings) == ["chen2022emphi", "kidder2024empathy"]
    code, _, err = verify(fake, tmp_path, None, "--changed-since", "no-such-rev")
    assert code == 2 and "unknown git revision" in err


def test_changed_since_outside_git_is_a_usage_error(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    code, _, err = verify(fake, tmp_path, LIST, "--changed-since", "HEAD")
    assert code == 2 and "not in a git repository" in err
    assert fake.received == []


# ---------------------------------------------------------------------- report, cache, formats


def test_report_lists_each_registry_consulted_and_the_verdict(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    report = tmp_path / "report.json"
    wrong = LIST.replace("year = {2024}", "year = {2023}")
    verify(fake, tmp_path, wrong, "--report", str(report))
    data = json.loads(report.read_text(encoding="utf-8"))
    entries = {e["key"]: e for e in data["entries"]}
    assert entries["chen2022emphi"]["verdict"] == "ok"
    assert {c["registry"] for c in entries["chen2022emphi"]["consulted"]} == {
        "Crossref",
        "arXiv",
        "ACL Anthology",
    }
    assert entries["kidder2024empathy"]["verdict"] == "error"
    assert entries["kidder2024empathy"]["findings"][0]["code"] == "E705"


def test_a_rerun_makes_no_request_and_max_age_zero_asks_again(fake: FakeServices, tmp_path: Path) -> None:
    truth(fake)
    verify(fake, tmp_path, LIST, cache=True)
    first = len(fake.received)
    assert first > 0
    code, findings, _ = verify(fake, tmp_path, None, cache=True)
    assert (code, findings, len(fake.received)) == (0, [], first)
    verify(fake, tmp_path, None, "--max-age", "0", cache=True)
    assert len(fake.received) - first >= first  # every cached answer asked again


@pytest.mark.parametrize("fmt", ["text", "sarif", "github"])
def test_the_formats_are_validates(fake: FakeServices, tmp_path: Path, fmt: str) -> None:
    truth(fake)
    bib = tmp_path / "list.bib"
    bib.write_text(LIST.replace("year = {2022}", "year = {2021}"), encoding="utf-8")
    code, out, _ = run_cli(
        ["verify", str(bib), "--format", fmt, *service_options(fake, tmp_path)], cwd=tmp_path
    )
    assert code == 1
    line = line_of(LIST, "year = {2022}")
    if fmt == "text":
        assert f"{bib}:{line}:3: error E705 " in out
    elif fmt == "github":
        assert f"::error file={bib},line={line},col=3,title=E705::" in out
    else:
        result = json.loads(out)["runs"][0]["results"][0]
        assert result["ruleId"] == "E705"


def test_unreadable_file_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run_cli(["verify", str(tmp_path / "missing.bib"), "--no-cache"], cwd=tmp_path)
    assert code == 2 and "missing.bib" in err


# ---------------------------------------------------------------------- Ctrl-C


def test_ctrl_c_exits_130_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    import os
    import signal
    import sys
    import time

    from tests.conftest import ROOT
    from tests.faultserver import HANG, FaultServer, bench_bib

    target = tmp_path / "r.bib"
    text = bench_bib(6).replace("url = {https://aclanthology.org/", "doi = {10.18653/v1/").replace("/}", "}")
    target.write_text(text, encoding="utf-8")
    with FaultServer(lambda path: HANG) as server:
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), EMPATHY_BIB_CROSSREF_URL=server.url)
        cmd = [
            sys.executable,
            "-m",
            "empathy_bib",
            "verify",
            str(target),
            "--no-cache",
            "--fix",
            "--timeout",
            "20",
        ]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while len(server.paths) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == text


@pytest.mark.parametrize(
    ("option", "value"),
    [("--max-age", "-1"), ("--jobs", "0"), ("--timeout", "0"), ("--anthology-url", "ftp://x")],
)
def test_bad_options_are_usage_errors_before_any_request(
    fake: FakeServices, tmp_path: Path, option: str, value: str
) -> None:
    truth(fake)
    code, _, err = verify(fake, tmp_path, LIST, option, value)
    assert code == 2 and option.lstrip("-").split("-")[0] in err, err
    assert fake.received == []
