"""verify against tests/registry.py's truth of the 46 papers: the real list, the published-version
warning and a retraction notice, in the registries' real shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, run_cli
from tests.registry import Fault, Registry

SEEDED = ROOT / "tests" / "fixtures" / "seeded_errors.bib"
PERSONAS = """@misc{wu2025personas,
  title = {From Personas to Talks: Revisiting the Impact of Personas on {LLM}-Synthesized Emotional
           Support Conversations},
  author = {Wu, Shenghan and Zhu, Yimo and Hsu, Wynne and Lee, Mong-Li and Deng, Yang},
  year = {2025},
  month = feb,
  doi = {10.48550/arXiv.2502.11451},
  url = {https://arxiv.org/abs/2502.11451},
  eprint = {2502.11451},
  archiveprefix = {arXiv},
}
"""


@pytest.fixture(scope="module")
def registry() -> Iterator[Registry]:
    with Registry() as reg:
        yield reg


def run(reg: Registry, bib: Path, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    code, out, err = run_cli(["verify", str(bib), "--no-cache", "--format", "json", *reg.cli_args(), *args])
    return code, json.loads(out)["diagnostics"] if out.strip() else [], err


def test_the_real_list_has_no_error(registry: Registry) -> None:
    code, findings, err = run(registry, ROOT / "references.bib")
    assert [f for f in findings if f["severity"] == "error"] == [], err
    assert code == 0


def test_an_arxiv_only_entry_published_since_is_a_warning_naming_it(
    registry: Registry, tmp_path: Path
) -> None:
    bib = tmp_path / "one.bib"
    bib.write_text(PERSONAS, encoding="utf-8")
    code, findings, err = run(registry, bib)
    assert code == 0, err
    (finding,) = findings
    assert (finding["code"], finding["line"], finding["severity"]) == ("W715", 1, "warning")
    assert "Empirical Methods in Natural Language Processing" in finding["message"]
    assert run(registry, bib, "--strict")[0] == 1


def test_a_retraction_names_the_notice(tmp_path: Path) -> None:
    with Registry() as reg:
        reg.retract("10.18653/v1/2022.naacl-main.78", "10.18653/v1/2099.retraction.1")
        bib = tmp_path / "one.bib"
        text = (ROOT / "references.bib").read_text(encoding="utf-8")
        bib.write_text(text, encoding="utf-8")
        code, findings, err = run(reg, bib, "--keys", "chen2022emphi", "--select", "E710")
    assert code == 1, err
    (finding,) = findings
    assert "10.18653/v1/2099.retraction.1" in finding["message"]
    assert text.splitlines()[finding["line"] - 1].lstrip().startswith("doi =")


def test_a_throttled_registry_is_could_not_check(tmp_path: Path) -> None:
    with Registry() as reg:
        reg.fault("crossref", "10.18653/v1/2022.naacl-main.78", Fault.throttle(retry_after=3600))
        code, findings, err = run(reg, ROOT / "references.bib", "--keys", "chen2022emphi")
    assert code == 1, err
    assert [f["code"] for f in findings] == ["E714"]
    assert findings[0]["message"].startswith("could not check Crossref: ")


def test_a_failed_published_version_search_is_could_not_check(tmp_path: Path) -> None:
    from tests.registry import ANY

    with Registry() as reg:
        reg.fault("crossref", ANY, Fault.throttle(retry_after=3600))
        code, findings, err = run(reg, ROOT / "references.bib", "--keys", "kidder2024empathy")
    assert code == 1, err
    (finding,) = findings
    assert finding["code"] == "E714" and finding["message"].startswith("could not check Crossref: ")
    assert "published version" in finding["message"] and "not found" not in finding["message"]
