"""Issue 10, the file classes: no lost update, symlinks, read-only files, duplicate keys, odd keys,
mixed line endings and `@` inside values, each tried with real processes and real files."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug import Request, Response

from empathy_bib.bib import BibFile
from empathy_bib.bib.atomic import locked
from empathy_bib.errors import EditError
from tests.conftest import ROOT, require_tool
from tests.test_fetch_fakes import FakeServices, crossref_item, fake, fake_server  # noqa: F401

PASTE = ROOT / "tests" / "fixtures" / "add" / "scholar_paste.bib"

LIST = """@inproceedings{zeller2020empathy,
  title = {Empathy in Dialogue Systems},
  author = {Zeller, Anna},
  booktitle = {Proceedings of the Workshop on Tests},
  year = {2020},
  pages = {1-10},
  url = {https://doi.org/10.1000/xyz},
  keywords = {datasets},
}

@inproceedings{other2019kind,
  title = {Kindness Elsewhere},
  author = {Other, Olga},
  booktitle = {Proceedings of the Workshop on Tests},
  year = {2019},
  doi = {10.1000/other},
  keywords = {datasets},
}
"""


def run(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "empathy_bib", *args], cwd=cwd, env=_env(), capture_output=True, text=True,
        input=stdin, timeout=120,
    )  # fmt: skip


def start(cwd: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "empathy_bib", *args], cwd=cwd, env=_env(), text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_BIB_")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    env["NO_COLOR"] = "1"
    return env


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    (tmp_path / "references.bib").write_text(LIST, encoding="utf-8")
    return tmp_path


# ---------------------------------------------------------------------- 1. lost updates


class Gate:
    """Holds the first Crossref request until the test has done what it must meanwhile."""

    def __init__(self, services: FakeServices) -> None:
        self.arrived, self.release = threading.Event(), threading.Event()
        services.works["10.1000/xyz"] = crossref_item(
            "10.1000/xyz", "Empathy in Dialogue Systems", [("Anna", "Zeller")], 2020
        )
        services.override = self._hold

    def _hold(self, request: Request) -> Response | None:
        self.arrived.set()
        self.release.wait(60)
        return None  # then the usual answer


def fetch_dois(project: Path, services: FakeServices) -> subprocess.Popen[str]:
    return start(project, *fetch_dois_args(project, services))


def fetch_dois_args(project: Path, services: FakeServices) -> list[str]:
    return [
        "fetch-dois", "--cache-dir", str(project / "cache"), "--crossref-url", services.base("crossref"),
        "--datacite-url", services.base("datacite"), "--arxiv-url", services.base("arxiv"),
    ]  # fmt: skip


@pytest.fixture
def gate(fake: FakeServices) -> Iterator[Gate]:  # noqa: F811
    g = Gate(fake)
    yield g
    g.release.set()


def test_an_add_while_fetch_dois_waits_is_kept_and_the_doi_still_lands(
    project: Path,
    fake: FakeServices,  # noqa: F811
    gate: Gate,
) -> None:
    fetching = fetch_dois(project, fake)
    assert gate.arrived.wait(60), fetching.communicate()
    added = run(project, "add", "--from-bibtex", str(PASTE), "--category", "datasets")
    assert added.returncode == 0, added.stderr
    gate.release.set()
    _, err = fetching.communicate(timeout=60)
    assert fetching.returncode == 0, err
    assert "wrote 1 DOIs" in err
    bib = BibFile.load(project / "references.bib")
    assert [e.key for e in bib.entries] == ["zeller2020empathy", "other2019kind", "okafor2025empathy",
                                             "smith2019empathy"]  # fmt: skip
    zeller = bib.entry("zeller2020empathy")
    assert zeller is not None and bib.value(zeller, "doi") == "10.1000/xyz"


def test_a_hand_edit_elsewhere_in_the_entry_is_kept(project: Path, fake: FakeServices, gate: Gate) -> None:  # noqa: F811
    fetching = fetch_dois(project, fake)
    assert gate.arrived.wait(60)
    target = project / "references.bib"
    target.write_text(LIST.replace("pages = {1-10}", "pages = {1--10}"), encoding="utf-8")
    gate.release.set()
    _, err = fetching.communicate(timeout=60)
    assert fetching.returncode == 0, err
    text = target.read_text(encoding="utf-8")
    assert "pages = {1--10}" in text and "doi = {10.1000/xyz}" in text


def test_a_hand_edit_of_the_same_field_is_refused_and_kept(
    project: Path,
    fake: FakeServices,  # noqa: F811
    gate: Gate,
) -> None:
    fetching = fetch_dois(project, fake)
    assert gate.arrived.wait(60)
    target = project / "references.bib"
    edited = LIST.replace("  keywords = {datasets},\n}\n\n@inproceedings{other", "  doi = {10.1000/mine},\n"
                          "  keywords = {datasets},\n}\n\n@inproceedings{other", 1)  # fmt: skip
    target.write_text(edited, encoding="utf-8")
    gate.release.set()
    _, err = fetching.communicate(timeout=60)
    assert fetching.returncode == 2, err
    assert "changed while this command ran" in err and "nothing was written; run again" in err
    assert "wrote" not in err
    assert target.read_text(encoding="utf-8") == edited


def loaded_list(folder: Path) -> tuple[Path, BibFile]:
    """LIST written to `folder`/references.bib and loaded, as a writer holds it."""
    target = folder / "references.bib"
    target.write_text(LIST, encoding="utf-8")
    return target, BibFile.load(target)


def test_a_save_merges_a_hand_edit_made_after_load(tmp_path: Path) -> None:
    target, bib = loaded_list(tmp_path)
    bib.set_field("zeller2020empathy", "doi", "10.1000/xyz")
    bib.remove_field("other2019kind", "doi")
    hand = LIST.replace("Kindness Elsewhere", "Kindness Everywhere") + "\n@misc{new2024, title={New}}\n"
    target.write_text(hand, encoding="utf-8")
    assert bib.save() is True
    on_disk = target.read_text(encoding="utf-8")
    assert bib.text == on_disk
    assert "Kindness Everywhere" in on_disk and "@misc{new2024" in on_disk
    assert "doi = {10.1000/xyz}" in on_disk and "10.1000/other" not in on_disk


@pytest.mark.parametrize(
    ("hand_edit", "why"),
    [
        (lambda t: t.replace("Kindness Elsewhere", "Kindness Everywhere"), "its field 'title'"),
        (lambda t: t.replace("zeller2020empathy", "zeller2020kind"), "entry 'zeller2020empathy' is gone"),
        (lambda t: t + "@misc{Zeller2020Empathy, title={X}}\n", "two entries have the key"),
        (lambda t: t.replace("@inproceedings{other", "@inproceedings{{other"), "no longer parses"),
    ],
)
def test_a_save_refuses_when_the_hand_edit_touches_its_edits(
    tmp_path: Path, hand_edit: object, why: str
) -> None:
    target, bib = loaded_list(tmp_path)
    bib.set_field("zeller2020empathy", "doi", "10.1000/xyz")
    bib.set_field("other2019kind", "title", "Kindness, Revised")
    edited = hand_edit(LIST)  # type: ignore[operator]
    target.write_text(edited, encoding="utf-8")
    with pytest.raises(EditError, match="changed while this command ran") as caught:
        bib.save()
    assert why in str(caught.value)
    assert target.read_text(encoding="utf-8") == edited


def test_a_file_removed_meanwhile_is_not_written_again(tmp_path: Path) -> None:
    target, bib = loaded_list(tmp_path)
    bib.set_field("zeller2020empathy", "doi", "10.1000/xyz")
    target.unlink()
    with pytest.raises(EditError, match="it was removed"):
        bib.save()
    assert not target.exists()


def test_a_writer_waits_for_the_lock_another_writer_holds(project: Path) -> None:
    target = project / "references.bib"
    with locked(target):
        fixing = start(project, "validate", "--fix", "--select", "W304")
        time.sleep(1.0)
        assert fixing.poll() is None  # waiting for the lock
        assert target.read_text(encoding="utf-8") == LIST
    _, err = fixing.communicate(timeout=60)
    assert "fixed W304" in err
    assert "pages = {1--10}" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in project.iterdir()) == ["references.bib", "styles"]  # no lock file left


def test_two_adds_at_once_both_land(project: Path, tmp_path: Path) -> None:
    first = PASTE.read_text(encoding="utf-8")
    one, two = tmp_path / "one.bib", tmp_path / "two.bib"
    head, _, tail = first.partition("\n@")
    one.write_text(head + "\n", encoding="utf-8")
    two.write_text("@" + tail, encoding="utf-8")
    procs = [start(project, "add", "--from-bibtex", str(p), "--category", "datasets") for p in (one, two)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    keys = [e.key or "" for e in BibFile.load(project / "references.bib").entries]
    assert sorted(keys[2:]) == ["okafor2025empathy", "smith2019empathy"]


# ---------------------------------------------------------------------- 2. symlinks, 3. read-only


def test_a_symlinked_list_is_written_through_and_stays_a_link(project: Path) -> None:
    real = project / "data" / "real.bib"
    real.parent.mkdir()
    (project / "references.bib").replace(real)
    (project / "references.bib").symlink_to(Path("data") / "real.bib")
    result = run(project, "validate", "--fix", "--select", "W304", "references.bib")
    assert "fixed W304" in result.stderr
    assert (project / "references.bib").is_symlink()
    assert "pages = {1--10}" in real.read_text(encoding="utf-8")
    added = run(project, "add", "--from-bibtex", str(PASTE), "--category", "datasets")
    assert added.returncode == 0, added.stderr
    assert (project / "references.bib").is_symlink()
    assert "@misc{okafor2025empathy," in real.read_text(encoding="utf-8")
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.bib"]


def test_a_read_only_list_is_refused(project: Path) -> None:
    target = project / "references.bib"
    target.chmod(0o444)  # even root, who may write it anyway, is refused: editors and git do so
    result = run(project, "validate", "--fix", "--select", "W304")
    assert result.returncode == 2
    assert "read-only" in result.stderr and "fixed" not in result.stderr
    assert target.read_text(encoding="utf-8") == LIST
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    added = run(project, "add", "--from-bibtex", str(PASTE), "--category", "datasets")
    assert added.returncode == 2 and "read-only" in added.stderr and "added to" not in added.stderr
    assert target.read_text(encoding="utf-8") == LIST


# ---------------------------------------------------------------------- 4. duplicate keys


def test_fetch_dois_refuses_keys_that_differ_only_in_case_before_any_request(
    project: Path,
    fake: FakeServices,  # noqa: F811
) -> None:
    target = project / "references.bib"
    text = LIST.replace("other2019kind", "Zeller2020Empathy").replace("  doi = {10.1000/other},\n", "")
    target.write_text(text, encoding="utf-8")
    fake.works["10.1000/xyz"] = crossref_item(
        "10.1000/xyz", "Empathy in Dialogue Systems", [("Anna", "Zeller")], 2020
    )
    result = run(project, *fetch_dois_args(project, fake))
    assert result.returncode == 2
    assert "at lines 1 and 11" in result.stderr and "differ only in case" in result.stderr
    assert fake.received == []
    assert target.read_text(encoding="utf-8") == text


def test_no_save_of_a_file_with_duplicate_keys(tmp_path: Path) -> None:
    bib = BibFile.from_text("@misc{a, title={A}}\n@misc{A, title={B}}\n")
    with pytest.raises(EditError, match="at lines 1 and 2"):
        bib.save(tmp_path / "x.bib")
    assert not (tmp_path / "x.bib").exists()


# ---------------------------------------------------------------------- 5. keys


def test_keys_with_blanks_are_errors_and_non_ascii_keys_warnings(project: Path) -> None:
    target = project / "references.bib"
    target.write_text(
        LIST.replace("zeller2020empathy", "zeller 2020empathy").replace("other2019kind", "other2019kïnd"),
        encoding="utf-8",
    )
    result = run(project, "validate", "--select", "E207,W208")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(":1:1: error E207 the key 'zeller 2020empathy' has blanks in it" in line for line in lines)
    assert any(":11:1: warning W208 the key 'other2019kïnd'" in line for line in lines)


def test_bibtex_loses_an_entry_whose_key_has_a_blank(tmp_path: Path) -> None:
    """The oracle for E207: BibTeX stops reading such an entry at the blank (an error, no fields)."""
    bibtex = require_tool("bibtex")
    (tmp_path / "refs.bib").write_text("@misc{a b, title={Ay}}\n@misc{c, title={Cee}}\n", encoding="ascii")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="ascii")
    subprocess.run([bibtex, "doc"], cwd=tmp_path, capture_output=True, timeout=60)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="latin-1")
    assert "Cee" in bbl and "Ay" not in bbl
    assert "error message" in (tmp_path / "doc.blg").read_text(encoding="latin-1")


# ---------------------------------------------------------------------- 8. line endings


def test_an_inserted_line_takes_the_majority_line_ending() -> None:
    # LF file with one CRLF line, where the insertion goes
    text = (
        "@misc{a,\n  title = {A},\r\n  year = {2020},\r\n}\n\n"
        "@misc{b,\n  title = {B},\n}\n\n@misc{c,\n  year={1},\n}\n"
    )
    bib = BibFile.from_text(text)
    assert bib.newline == "\n"
    bib.set_field("a", "doi", "10.1/x")
    assert "  doi = {10.1/x},\n" in bib.text and "doi = {10.1/x},\r\n" not in bib.text
    crlf = BibFile.from_text(
        text.replace("\r\n", "\n").replace("\n", "\r\n").replace("@misc{c,\r\n", "@misc{c,\n")
    )
    assert crlf.newline == "\r\n"


def test_a_lone_cr_ends_a_line_for_positions_and_inserts(tmp_path: Path) -> None:
    text = "% list\r@misc{a,\r  title = {A},\r  year = {2020},\r}\r\r@misc{b,\r  year = {2021},\r}\r"
    bib = BibFile.from_text(text)
    b = bib.entry("b")
    assert b is not None and bib.line_col(b.start) == (7, 1)
    assert bib.newline == "\r"
    bib.set_field("a", "doi", "10.1/x")
    assert "  year = {2020},\r  doi = {10.1/x},\r}" in bib.text
    bib.append_entry("@misc{c, title={C}}")
    assert bib.text.endswith("}\r\r@misc{c, title={C}}\r")
    (tmp_path / "cr.bib").write_bytes(text.encode())
    findings = run(tmp_path, "validate", "--select", "E301", "cr.bib").stdout
    assert "cr.bib:7:1: error E301 @misc requires 'title'" in findings


# ---------------------------------------------------------------------- 9. `@` inside a value

QUOTING = """@article{quoting2024,
  title = {How Lists Cite},
  author = {Doe, Jane},
  journal = {Journal of Tests},
  year = {2024},
  abstract = {We cite papers as
@inproceedings{example,
  title = {An Example}}
and so on.},
}

@misc{after2024,
  title = {After},
  author = {Roe, Rita},
  year = {2024},
}
"""


def test_an_entry_quoted_in_a_value_is_text() -> None:
    bib = BibFile.from_text(QUOTING)
    assert [b.kind.value for b in bib.blocks] == ["entry", "entry"]
    assert [e.key for e in bib.entries] == ["quoting2024", "after2024"]
    quoting = bib.entry("quoting2024")
    assert quoting is not None and "@inproceedings{example," in (bib.value(quoting, "abstract") or "")


def test_validate_reports_no_syntax_error_for_it(tmp_path: Path) -> None:
    (tmp_path / "q.bib").write_text(QUOTING, encoding="utf-8")
    result = run(tmp_path, "validate", "--select", "E1", "q.bib")
    assert result.returncode == 0, result.stdout


def test_an_unusual_block_elsewhere_does_not_split_it() -> None:
    """A `(`-delimited entry goes to bibtexparser's splitter; the quoting entry is still one."""
    bib = BibFile.from_text("@misc(paren, title={P})\n\n" + QUOTING)
    assert [e.key for e in bib.entries] == ["paren", "quoting2024", "after2024"]
    assert bib.is_complete


def test_an_unclosed_quote_is_still_reported_where_it_is(tmp_path: Path) -> None:
    text = '@misc{a,\n  title = "Open,\n  year = {2020},\n}\n\n@misc{b,\n  title = "B",\n}\n'
    (tmp_path / "u.bib").write_text(text, encoding="utf-8")
    result = run(tmp_path, "validate", "--select", "E1", "u.bib")
    assert result.returncode == 1 and "E104" in result.stdout
    assert [e.key for e in BibFile.from_text(text).entries] == ["b"]


def test_bibtex_and_biber_read_the_quoting_entry_as_one(tmp_path: Path) -> None:
    bibtex = require_tool("bibtex")
    (tmp_path / "refs.bib").write_text(QUOTING, encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="ascii")
    subprocess.run([bibtex, "doc"], cwd=tmp_path, capture_output=True, timeout=60)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    assert "\\bibitem{after2024}" in bbl and "\\bibitem{quoting2024}" in bbl
    assert "\\bibitem{example}" not in bbl
    blg = (tmp_path / "doc.blg").read_text(encoding="utf-8")
    assert "error message" not in blg
    biber = require_tool("biber")
    out = tmp_path / "out.bib"
    subprocess.run(
        [biber, "--tool", "--output-file", str(out), str(tmp_path / "refs.bib")],
        cwd=tmp_path, capture_output=True, timeout=120,
    )  # fmt: skip
    read = out.read_text(encoding="utf-8").lower()
    assert read.count("@article{") + read.count("@misc{") + read.count("@inproceedings{") == 2 + 1
    assert "@inproceedings{example" in read  # the quoted one, still inside the abstract


# ---------------------------------------------------------------------- 7. taxonomy types


def test_a_badly_typed_taxonomy_is_exit_2_at_its_line(project: Path) -> None:
    toml = project / "styles" / "categories.toml"
    text = toml.read_text(encoding="utf-8")
    emoji_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("emoji"))
    lines = text.splitlines()
    lines[emoji_line - 1] = 'emoji = ["a", "b"]'
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(project, "validate")
    assert result.returncode == 2
    assert "categories.toml:" in result.stderr and "'emoji' must be a string, not an array" in result.stderr
    assert "['a', 'b']" not in result.stderr and "Traceback" not in result.stderr
