"""The steps the pull-request workflow and the pre-commit hooks run, run here on the repository."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest

from .conftest import ROOT


def empathy_bib(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "empathy_bib", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def test_pull_request_workflow_steps_pass_on_main() -> None:
    workflow = (ROOT / ".github" / "workflows" / "pr.yml").read_text()
    assert "empathy-bib validate references.bib --format github" in workflow
    assert "empathy-bib render --check" in workflow
    validated = empathy_bib("validate", "references.bib", "--format", "github")
    assert validated.returncode == 0, validated.stdout
    assert "::error" not in validated.stdout
    assert empathy_bib("render", "--check").returncode == 0


@pytest.mark.parametrize(
    "entry", re.findall(r"^\s*entry:\s*(.+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(), re.M)
)
def test_pre_commit_hook_entries_pass_on_main(entry: str) -> None:
    command = shlex.split(entry)
    assert command[0] == "empathy-bib"
    result = empathy_bib(*command[1:], env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_installed_console_script_exists() -> None:
    assert shutil.which("empathy-bib", path=os.path.dirname(sys.executable)) is not None
