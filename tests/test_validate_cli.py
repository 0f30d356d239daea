"""`empathy-bib validate` end to end: exit codes, formats, options, never a write, never a traceback."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from empathy_bib.cli import main

BROKEN = """@misc{a2024x,
  title = {A}
  author = {Doe, Jane},
  year = {2024},
  doi = {https://doi.org/10.1145/3411764.3445099},
  keywords = {datasets},
}
"""
WARNS_ONLY = """@misc{a2024x,
  title = {Evaluating LLMs},
  author = {Doe, Jane},
  year = {2024},
  url = {https://example.org/x},
  keywords = {datasets},
}
"""


@pytest.fixture
def project(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (taxonomy copied) as the current directory, outside any CI environment."""
    (tmp_path / "styles").mkdir()
    shutil.copy(root / "styles" / "categories.toml", tmp_path / "styles" / "categories.toml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path


def write(project: Path, text: str, name: str = "references.bib") -> Path:
    path = project / name
    path.write_text(text, encoding="utf-8")
    return path


def test_default_file_clean_exit_0(project: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(root / "references.bib", project / "references.bib")
    assert main(["validate"]) == 0
    assert capsys.readouterr().out == "1 file checked: no problems found\n"
    (project / "references.bib").write_text(BROKEN, encoding="utf-8")
    (project / "sub").mkdir()
    assert main(["validate"]) == 1
    assert capsys.readouterr().out.startswith("references.bib:1:1: error E301 ")  # relative: as CI needs


def test_errors_exit_1_and_the_file_is_not_written(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, BROKEN)
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3:3: error E102 " in out
    assert path.read_text(encoding="utf-8") == BROKEN


def test_warnings_exit_0_unless_strict(project: Path) -> None:
    path = write(project, WARNS_ONLY)
    assert main(["validate", str(path)]) == 0
    assert main(["validate", "--strict", str(path)]) == 1


def test_select_and_ignore_take_prefixes(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, BROKEN)
    assert main(["validate", "--select", "W3", str(path)]) == 0
    assert " W306 " in capsys.readouterr().out
    assert main(["validate", "--ignore", "E1,E301", str(path)]) == 0  # E301: the swallowed author


def test_unknown_code_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--select", "X1"]) == 2
    assert "X1" in capsys.readouterr().err


def test_missing_file_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "nope.bib"]) == 2
    assert "nope.bib: no such file" in capsys.readouterr().err


def test_json_format(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(project, BROKEN)
    main(["validate", "--format", "json", str(path)])
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["errors"] == 2
    assert [d["code"] for d in data["diagnostics"]] == ["E301", "E102", "W306"]


def test_github_format_by_default_in_actions(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    path = write(project, BROKEN)
    main(["validate", str(path)])
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(f"::error file={path},line=3,col=3,title=E102::missing comma")


def test_fix_repairs_and_reports(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(
        project, WARNS_ONLY.replace("https://example.org/x", "https://example.org/x},\n  pages = {1-2")
    )
    assert main(["validate", "--fix", str(path)]) == 0
    captured = capsys.readouterr()
    assert "fixed W304 pages: {1-2} -> {1--2}" in captured.err
    assert "pages = {1--2}" in path.read_text(encoding="utf-8")


def test_fix_refuses_a_broken_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = WARNS_ONLY + "\n@misc{b,\n  title = {A {B},\n  author = {C},\n}\n\n@misc{c, title={x}}\n"
    path = write(project, text)
    assert main(["validate", "--fix", str(path)]) == 2
    assert "refusing to rewrite" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text


def test_real_process_no_traceback_on_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.bib"
    path.write_bytes(b"@misc{\xff\xfe, title = {{{, }\n@@@{\n\x00 = }}}\n")
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.run(
        [sys.executable, "-m", "empathy_bib", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr  # not UTF-8: a file that cannot be read
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{path}:1: invalid UTF-8 at byte offset 6" in proc.stderr
    assert f"{path}:1:7: error E109 " in proc.stdout  # located, and the rest still checked
    assert " E10" in proc.stdout.replace("E109", "")


def test_collector_paused_while_checking_and_restored_after(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate runs without the cyclic GC (for speed) but hands it back, even on an error."""
    from empathy_bib import check

    seen: list[bool] = []
    real = check.check_path

    def spy(path: Path, taxonomy: object, **options: object) -> list[check.Diagnostic]:
        seen.append(gc.isenabled())
        return real(path, taxonomy, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(check, "check_path", spy)
    assert gc.isenabled()
    assert main(["validate", str(write(project, BROKEN))]) == 1
    assert main(["validate", "missing.bib"]) == 2
    assert seen == [False, False] and gc.isenabled()
    gc.disable()
    try:  # a caller that had paused it finds it paused still
        main(["validate", str(project / "references.bib")])
        assert not gc.isenabled()
    finally:
        gc.enable()
    capsys.readouterr()


def test_select_and_ignore_defaults_come_from_pyproject(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "pyproject.toml").write_text('[tool.empathy-bib]\nbib = "refs.bib"\nignore = ["E302"]\n')
    (tmp_path / "refs.bib").write_text("@misc{a2999x, title = {A}, year = {2999}}\n")

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "empathy_bib", "validate", *extra],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    assert "E302" not in run().stdout
    assert "E302" in run("--ignore", "W").stdout  # the command line wins
