"""The workflows that run `verify` (issue 11) and tell a contributor to `import` (issue 12).

Loaded with PyYAML (skipped without it); the pull request's README check is run for real, in a
temporary git repository whose `origin/main` is the base.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"


def load(name: str) -> dict[Any, Any]:
    yaml = pytest.importorskip("yaml")
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    on = workflow["on"] if "on" in workflow else workflow[True]  # YAML 1.1 reads a bare `on` as true
    assert isinstance(on, dict)
    return on


def step_running(workflow: dict[Any, Any], text: str) -> dict[str, Any]:
    found = [s for s in steps(workflow) if text in s.get("run", "")]
    assert len(found) == 1, f"{len(found)} steps run {text!r}"
    return found[0]


def test_the_pull_request_verifies_only_what_it_changes_with_the_full_history() -> None:
    pr = load("pr.yml")
    checkout = next(s for s in steps(pr) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    step = step_running(pr, "empathy-bib verify")
    assert '--changed-since "origin/$BASE_REF"' in step["run"] and "--format github" in step["run"]
    assert step["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert step["env"]["EMPATHY_BIB_MAILTO"] == "${{ vars.EMPATHY_BIB_MAILTO }}"


def test_the_weekly_workflow_verifies_the_whole_list_with_a_weekly_cache() -> None:
    weekly = load("verify.yml")
    on = triggers(weekly)
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    cache = next(s for s in steps(weekly) if s.get("uses", "").startswith("actions/cache"))
    assert "week" in cache["with"]["key"]
    step = step_running(weekly, "empathy-bib verify")
    assert "--format github" in step["run"] and "--changed-since" not in step["run"]
    assert f"--cache-dir {cache['with']['path']}" in step["run"]
    assert step["env"]["EMPATHY_BIB_MAILTO"] == "${{ vars.EMPATHY_BIB_MAILTO }}"


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize(
    ("files", "fails"), [(["README.md"], True), (["README.md", "references.bib"], False)]
)
def test_a_readme_edited_by_hand_is_told_to_import(tmp_path: Path, files: list[str], fails: bool) -> None:
    if shutil.which("git") is None or shutil.which("bash") is None:
        pytest.skip("git and bash are needed")
    script = step_running(load("pr.yml"), "empathy-bib import README.md")["run"]
    for name in ("README.md", "references.bib"):
        (tmp_path / name).write_text("base\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "topic")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "base")
    git(tmp_path, "update-ref", "refs/remotes/origin/main", "HEAD")
    for name in files:
        (tmp_path / name).write_text("changed\n", encoding="utf-8")
    git(tmp_path, "commit", "-qam", "change")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "BASE_REF": "main", "GITHUB_STEP_SUMMARY": str(summary)}
    result = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert (result.returncode != 0) == fails, result.stdout + result.stderr
    if fails:
        assert result.stdout.startswith("::error file=README.md")
        assert "empathy-bib import README.md" in result.stdout and "python3 tasks.py render" in result.stdout
    else:
        assert "::error" not in result.stdout
