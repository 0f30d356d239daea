"""The command line: help a newcomer understands, a version, and one-line errors with exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from empathy_bib import __version__
from empathy_bib.cli import COMMANDS, main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "empathy_bib", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    assert main([]) == 2


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([command, "--help"]) == 0
    assert "usage: empathy-bib" in capsys.readouterr().out


def test_unknown_option_is_a_usage_error() -> None:
    result = run("--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("dir", "directory"), (b"@misc{a, title={\xff}}", "invalid UTF-8")],
)
def test_bad_input_files_give_one_line_and_exit_2(
    tmp_path: Path, content: bytes | str | None, message: str
) -> None:
    target = tmp_path / "refs.bib"
    if content == "dir":
        target.mkdir()
    elif isinstance(content, bytes):
        target.write_bytes(content)
    result = run("validate", str(target), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert str(target) in result.stderr or "refs.bib" in result.stderr
    assert "Traceback" not in result.stderr
