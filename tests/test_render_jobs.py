"""`render --jobs 2`: validate's checks and the CSL-JSON in a worker process, whose failures show.

The worker is spawned (a fresh interpreter): the functions injected here to make it fail are
module-level, so the worker imports them from this module by name.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from empathy_bib.cli import main
from empathy_bib.commands import render as render_command
from empathy_bib.render import verdict
from empathy_bib.taxonomy import Taxonomy

from .conftest import ROOT


def _raising_worker(data: bytes, path: str, taxonomy: Taxonomy) -> verdict.Verdict:
    raise RuntimeError("the worker breaks")


def _dying_worker(data: bytes, path: str, taxonomy: Taxonomy) -> verdict.Verdict:
    os._exit(7)


def _render(bib: Path, out: Path, *extra: str) -> int:
    return main(["render", "--bib", str(bib), "--out", str(out), *extra])


@pytest.fixture
def real_list(tmp_path: Path) -> Path:
    bib = tmp_path / "references.bib"
    shutil.copy(ROOT / "references.bib", bib)
    return bib


def test_two_jobs_write_what_one_job_writes(real_list: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert _render(real_list, one, "--jobs", "1") == 0
    assert _render(real_list, two, "--jobs", "2") == 0
    written = sorted(p.relative_to(one) for p in one.rglob("*") if p.is_file())
    assert len(written) == 15  # README, page, feed, 11 category files, CSL-JSON (made by the worker)
    assert written == sorted(p.relative_to(two) for p in two.rglob("*") if p.is_file())
    for name in written:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    assert _render(real_list, one, "--jobs", "2", "--check") == 0


def test_errors_found_by_the_worker_refuse_the_render(
    real_list: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real_list.write_text(
        real_list.read_text(encoding="utf-8").replace("year = {2019}", "year = {3019}", 1), encoding="utf-8"
    )
    assert main(["validate", str(real_list)]) == 1
    validate_errors = [line for line in capsys.readouterr().out.splitlines() if ": error " in line]
    assert any("error E302 year 3019 is in the future" in line for line in validate_errors)
    out = tmp_path / "out"
    assert _render(real_list, out, "--jobs", "2") == 2
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if ": error " in line] == validate_errors  # each once, as validate
    assert err[-1] == f"empathy-bib render: {len(validate_errors)} errors in the list; nothing was written"
    assert not out.exists()  # nothing written, no temporary file or folder left


@pytest.mark.parametrize(
    ("worker", "message"),
    [
        (_raising_worker, "failed: RuntimeError: the worker breaks"),
        (_dying_worker, "stopped abruptly"),
    ],
)
def test_a_failing_worker_fails_the_render_visibly(
    worker: object,
    message: str,
    real_list: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(verdict, "judge_bytes", worker)
    out = tmp_path / "out"
    assert _render(real_list, out, "--jobs", "2") == 3
    err = capsys.readouterr().err
    assert err.startswith("empathy-bib render: the worker process checking the list")
    assert message in err and "nothing was written" in err
    assert not out.exists()
    (out / "README.md").parent.mkdir()
    assert _render(real_list, out, "--jobs", "2", "--check") == 3  # --check fails as visibly
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--jobs", jobs]) == 2
    assert "--jobs" in capsys.readouterr().err


@pytest.mark.parametrize(("size", "cores", "jobs"), [(900_000, 8, 1), (1_000_000, 2, 2), (5_000_000, 1, 1)])
def test_the_default_is_a_worker_for_a_long_list_on_two_cores(size: int, cores: int, jobs: int) -> None:
    assert render_command.default_jobs(size, cores) == jobs


def test_without_jobs_a_long_list_gets_the_worker_and_a_short_one_does_not(
    real_list: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verdict, "judge_bytes", _raising_worker)  # the worker, if started, fails
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert _render(real_list, tmp_path / "short") == 0  # 46 entries: no worker
    monkeypatch.setattr(render_command, "PARALLEL_FROM_BYTES", 1)  # as if the list were long
    assert _render(real_list, tmp_path / "long") == 3
