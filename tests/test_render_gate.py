"""validate's verdict computed in a forked child: same answer as inline, and nothing written on errors."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from empathy_bib.bib import BibFile
from empathy_bib.render import RenderRefused, gate, render_outputs, write_outputs
from empathy_bib.taxonomy import load_taxonomy

from .conftest import ROOT

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork on this system")


@pytest.fixture
def always_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    # also when the test process has threads (other tests' HTTP servers): the work forked here
    # takes no lock
    monkeypatch.setattr(gate, "may_fork", lambda entries: True)


def test_long_lists_fork_and_short_ones_do_not() -> None:
    assert not gate.may_fork(46)
    assert gate.may_fork(gate.FORK_FROM_ENTRIES) == (threading.active_count() == 1)


def test_forked_verdict_equals_inline(always_fork: None) -> None:
    forked = gate.Verdict(lambda: [("x", 1), ("y", 2)], entries=10)
    assert forked.forked
    assert forked.result() == [("x", 1), ("y", 2)]
    assert forked.result() == [("x", 1), ("y", 2)]  # collected once, kept


def test_a_failing_child_falls_back_to_checking_here(always_fork: None) -> None:
    parent = os.getpid()

    def compute() -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child breaks")
        return "checked in the parent"

    assert gate.Verdict(compute, entries=10).result() == "checked in the parent"


def test_close_stops_an_unwanted_child(always_fork: None) -> None:
    verdict = gate.Verdict(lambda: __import__("time").sleep(30), entries=10)
    verdict.close()  # returns at once: the child is killed and reaped
    assert verdict._pid == 0


def test_errors_found_by_the_child_refuse_the_render(always_fork: None, tmp_path: Path) -> None:
    text = (ROOT / "references.bib").read_text().replace("year = {2019}", "year = {3019}", 1)
    bib = BibFile.from_text(text, path=tmp_path / "references.bib")
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(RenderRefused) as refused:
        write_outputs(render_outputs(bib, taxonomy, ROOT / "styles"), out)
    assert any("E302" in p.message for p in refused.value.problems)
    assert list(out.iterdir()) == []  # nothing written, no temporary file left


def test_a_clean_list_renders_the_same_with_the_child(always_fork: None, tmp_path: Path) -> None:
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    bib = BibFile.load(tmp_path / "references.bib")
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    rendered = dict(render_outputs(bib, taxonomy, ROOT / "styles"))
    assert len(rendered) == 14  # README, page, 11 category files, CSL-JSON: half from the child
    for name, data in rendered.items():
        assert data == (ROOT / name).read_bytes(), name
