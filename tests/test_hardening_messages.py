"""Messages and exit codes, through real processes of `python -m empathy_bib`.

Problems the user can fix are exit 2 with the path and what to do, never "internal error"
(exit 3): a CSL style without a bibliography, a template that raises, an --out folder that is a
file or read-only. Text output never carries control characters from the file: an escape
sequence in a value is shown as `\\x1b`, and validate reports it (E111).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from empathy_bib.render.outputs import DEFAULT_STYLES
from empathy_bib.terminal import printable
from tests.conftest import ROOT

ESC = "\x1b"
# Retitles the terminal, clears it, moves the cursor, and a C1 CSI and DEL for good measure.
HOSTILE = f"{ESC}]0;pwned\x07{ESC}[2J{ESC}[H\x9b31m\x7f"
LIST = """@inproceedings{good2024paper,
  title = {A Good Paper},
  author = {Nguyen, Anh},
  booktitle = {Proceedings of ACL},
  year = {2024},
  keywords = {datasets},
}
"""


def run(cwd: Path, *args: str, user: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_BIB_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "empathy_bib", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        user=user,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    (tmp_path / "references.bib").write_text(LIST, encoding="utf-8")
    return tmp_path


def assert_no_controls(*texts: str) -> None:
    for text in texts:
        assert printable(text) == text, text


# ---------------------------------------------------------------------- the terminal


def test_printable_escapes_controls_and_keeps_tabs_and_line_breaks() -> None:
    assert printable("a\tb\nc\r\nd") == "a\tb\nc\r\nd"
    assert printable(HOSTILE) == "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[H\\x9b31m\\x7f"
    assert printable("over\rwrite") == "over\\x0dwrite"  # a lone CR would overwrite the line
    assert printable("Müller — “ok” 🙂") == "Müller — “ok” 🙂"


def test_validate_shows_escape_sequences_escaped_and_flags_them(project: Path) -> None:
    (project / "references.bib").write_text(
        LIST.replace("A Good Paper", f"A Good{HOSTILE} Paper").replace("{datasets}", f"{{data{ESC}[2Jsets}}"),
        encoding="utf-8",
    )
    for fmt in ("text", "github"):
        done = run(project, "validate", "--format", fmt)
        assert done.returncode == 1
        assert_no_controls(done.stdout, done.stderr)
        assert "E111" in done.stdout
    done = run(project, "validate")
    assert (
        "references.bib:2:18: error E111 field 'title' contains the control character \\x1b (ESC)"
        in done.stdout
    )
    assert "'data\\x1b[2Jsets' is not a category slug" in done.stdout  # E402 echoes the value, escaped


def test_render_refuses_a_list_with_control_characters_and_prints_them_escaped(project: Path) -> None:
    (project / "references.bib").write_text(
        LIST.replace("{datasets}", f"{{data{HOSTILE}sets}}"), encoding="utf-8"
    )
    done = run(project, "render")
    assert done.returncode == 2
    assert_no_controls(done.stdout, done.stderr)
    assert "E111" in done.stderr and "\\x1b]0;pwned" in done.stderr
    assert not (project / "README.md").exists()


def test_a_key_with_a_control_character_is_refused_by_validate_and_render(project: Path) -> None:
    first_key = LIST.split("{", 1)[1].split(",", 1)[0]
    (project / "references.bib").write_text(LIST.replace(first_key, f"zh{ESC}[31mang\a", 1), encoding="utf-8")
    done = run(project, "validate")
    assert done.returncode == 1
    assert_no_controls(done.stdout, done.stderr)
    assert "E111 the key contains the control character \\x1b (ESC)" in done.stdout
    done = run(project, "render")
    assert done.returncode == 2 and "E111" in done.stderr
    assert not (project / "README.md").exists()


def test_add_prints_pasted_entries_escaped(project: Path) -> None:
    pasted = project / "pasted.bib"
    pasted.write_text(
        f"@article{{x, title = {{Pasted{HOSTILE}}}, author = {{Lee, Kim}},\n"
        "  journal = {J}, year = {2023}}\n",
        encoding="utf-8",
    )
    done = run(project, "add", "--from-bibtex", str(pasted), "--category", "datasets", "--dry-run")
    assert_no_controls(done.stdout, done.stderr)
    assert "{{Pasted]0;pwned[2J[H31m}}" in done.stdout  # the entry is written without the controls (E111)
    assert "internal error" not in done.stderr


def test_an_error_message_echoing_user_text_is_escaped(project: Path) -> None:
    done = run(project, "cite", f"nobody{HOSTILE}")
    assert done.returncode == 2
    assert_no_controls(done.stderr)
    assert "unknown citation key 'nobody\\x1b]0;pwned" in done.stderr


# ---------------------------------------------------------------------- exit 2, not 3


CITATIONS_ONLY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Citations only</title><id>c</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""


def test_a_csl_style_without_a_bibliography_is_exit_2(project: Path) -> None:
    style = project / "citations.csl"
    style.write_text(CITATIONS_ONLY, encoding="utf-8")
    done = run(project, "cite", "good2024paper", "--style", str(style))
    assert done.returncode == 2, done.stderr
    assert str(style) in done.stderr and "no <bibliography>" in done.stderr
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("{{ no_such_variable.x }}", "'no_such_variable' is undefined"),
        ("{{ (s.papers | length) // 0 }}", "ZeroDivisionError"),
        ("{{ 3 | md }}", "AttributeError"),
        ("{% if %}", "Expected an expression"),
    ],
)
def test_a_template_that_raises_is_exit_2_naming_the_template_and_line(
    project: Path, line: str, says: str
) -> None:
    partial = project / "styles" / "partials" / "section.md.j2"  # the list's own copy overrides the default
    partial.parent.mkdir(exist_ok=True)
    lines = (DEFAULT_STYLES / "partials" / "section.md.j2").read_text(encoding="utf-8").splitlines()
    partial.write_text("\n".join([*lines[:6], line, *lines[6:]]) + "\n", encoding="utf-8")
    done = run(project, "render")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"empathy-bib render: {partial}:7: template error: "), done.stderr
    assert says in done.stderr and "internal error" not in done.stderr
    assert not (project / "README.md").exists()


def test_an_out_folder_that_is_a_file_is_exit_2_naming_it(project: Path) -> None:
    (project / "out").write_text("a file\n")
    done = run(project, "render", "--out", "out")
    assert done.returncode == 2
    assert done.stderr.startswith(
        "empathy-bib render: out/README.md: cannot write: is a file, not a folder: out;"
    )
    assert (project / "out").read_text() == "a file\n"


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user may read (pytest's tmp_path is private to this one)."""
    folder = Path(tempfile.mkdtemp(prefix="empathy-bib-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in (folder, *folder.rglob("*")):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_a_read_only_out_folder_is_exit_2_naming_it(shared_folder: Path) -> None:
    # root may write anywhere: as root, the render runs as `nobody`, for whom the folder is read-only
    user = 65534 if os.geteuid() == 0 else None
    shutil.copytree(ROOT / "styles", shared_folder / "styles")
    (shared_folder / "references.bib").write_text(LIST, encoding="utf-8")
    out = shared_folder / "out"
    (out / "bib").mkdir(parents=True)
    (out / "README.md").write_text("old\n")
    for path in (shared_folder, *shared_folder.rglob("*")):
        path.chmod(0o755 if path.is_dir() else 0o644)
        if user is not None:
            os.chown(path, user, -1)  # the project is the user's own; only out/bib is read-only
    (out / "bib").chmod(0o555)
    done = run(shared_folder, "render", "--out", str(out), user=user)
    if user is not None and "Permission denied" in done.stderr and "python" in done.stderr.lower():
        pytest.skip("nobody cannot run this Python")
    assert done.returncode == 2, done.stderr
    assert f"{out / 'bib'}" in done.stderr and "Permission denied" in done.stderr
    assert "internal error" not in done.stderr
    assert (out / "README.md").read_text() == "old\n"
    assert sorted(p.name for p in out.rglob("*")) == ["README.md", "bib"]  # no temporary file
