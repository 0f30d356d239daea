"""Two papers as the registries know them, and `verify` run against them (tests/test_verify_*.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from werkzeug.wrappers import Request, Response

from tests.conftest import run_cli
from tests.test_fetch_fakes import ArxivEntry, FakeServices, crossref_item, datacite_body

EMPHI_AUTHORS = [("Mao Yan", "Chen"), ("Siheng", "Li"), ("Yujiu", "Yang")]
EMPHI_TITLE = "EmpHi: Generating Empathetic Responses with Human-like Intents"
EMPHI_VENUE = (
    "Proceedings of the 2022 Conference of the North American Chapter of the Association for "
    "Computational Linguistics: Human Language Technologies"
)
KIDDER_AUTHORS = [("William", "Kidder"), ("Jason", "D'Cruz"), ("Kush R.", "Varshney")]
KIDDER_TITLE = "Empathy and the Right to Be an Exception: What LLMs Can and Cannot Do"

# A published paper (Crossref DOI, Anthology id, arXiv preprint) and an arXiv-only one.
LIST = """% two papers
@inproceedings{chen2022emphi,
  title = {{EmpHi}: Generating Empathetic Responses with Human-like Intents},
  author = {Chen, Mao Yan and Li, Siheng and Yang, Yujiu},
  booktitle = {Proceedings of the 2022 Conference of the North American Chapter of the %s},
  publisher = {Association for Computational Linguistics},
  year = {2022},
  pages = {1063--1074},
  doi = {10.18653/v1/2022.naacl-main.78},
  url = {https://aclanthology.org/2022.naacl-main.78/},
  eprint = {2204.12191},
  archiveprefix = {arXiv},
  keywords = {generative-approaches},
}

@misc{kidder2024empathy,
  title = {Empathy and the Right to Be an Exception: What {LLMs} Can and Cannot Do},
  author = {Kidder, William and D'Cruz, Jason and Varshney, Kush R.},
  year = {2024},
  month = jan,
  doi = {10.48550/arXiv.2401.14523},
  url = {https://arxiv.org/abs/2401.14523},
  eprint = {2401.14523},
  archiveprefix = {arXiv},
  keywords = {theory-frameworks},
}
""".replace("%s", EMPHI_VENUE.split("Chapter of the ")[1])

ANTHOLOGY_EMPHI = """@inproceedings{chen-etal-2022-emphi,
    title = "{E}mp{H}i: Generating Empathetic Responses with Human-like Intents",
    author = "Chen, Mao Yan  and
      Li, Siheng  and
      Yang, Yujiu",
    booktitle = "Proceedings of the 2022 Conference of the North American Chapter of the %s",
    year = "2022",
    publisher = "Association for Computational Linguistics",
    doi = "10.18653/v1/2022.naacl-main.78",
    pages = "1063--1074",
}
""".replace("%s", EMPHI_VENUE.split("Chapter of the ")[1])

CARE = ArxivEntry(
    "2211.00255",
    "CARE: Causality Reasoning for Empathetic Responses by Conditional Graph Generation",
    ["Jiashuo Wang", "Yi Cheng", "Wenjie Li"],
    published="2022-11-01T00:00:00Z",
)


def truth(fake: FakeServices) -> dict[str, str]:
    """The registries' records of the two papers (plus CARE on arXiv); the Anthology's `.bib`
    bodies by id, served under /anthology through `fake.override` (tests may change them)."""
    fake.works["10.18653/v1/2022.naacl-main.78"] = crossref_item(
        "10.18653/v1/2022.naacl-main.78",
        EMPHI_TITLE,
        EMPHI_AUTHORS,
        2022,
        container=EMPHI_VENUE,
        page="1063-1074",
    )
    fake.arxiv["2204.12191"] = ArxivEntry(
        "2204.12191",
        EMPHI_TITLE,
        ["Mao Yan Chen", "Siheng Li", "Yujiu Yang"],
        published="2022-04-26T00:00:00Z",
    )
    fake.arxiv["2211.00255"] = CARE
    doi = "10.48550/arxiv.2401.14523"
    fake.datacite[doi] = datacite_body(doi, KIDDER_TITLE, KIDDER_AUTHORS, 2024)
    fake.arxiv["2401.14523"] = ArxivEntry(
        "2401.14523", KIDDER_TITLE, ["William Kidder", "Jason D'Cruz", "Kush R. Varshney"]
    )
    anthology = {"2022.naacl-main.78": ANTHOLOGY_EMPHI}

    def answer(request: Request) -> Response | None:
        if not request.path.startswith("/anthology/"):
            return None
        body = anthology.get(request.path[len("/anthology/") :].removesuffix(".bib"))
        return Response(body, 200, content_type="text/plain") if body else Response("not found", 404)

    fake.override = answer
    return anthology


def service_options(fake: FakeServices, tmp_path: Path, *, cache: bool = False) -> list[str]:
    options = [
        "--crossref-url",
        fake.base("crossref"),
        "--datacite-url",
        fake.base("datacite"),
        "--arxiv-url",
        fake.base("arxiv"),
        "--anthology-url",
        fake.base("anthology"),
        "--timeout",
        "3",
    ]
    options += ["--cache-dir", str(tmp_path / "cache")] if cache else ["--no-cache"]
    return options


def verify(
    fake: FakeServices, tmp_path: Path, text: str | None, *args: str, cache: bool = False
) -> tuple[int, list[dict[str, Any]], str]:
    """`verify --format json` on `text` (None: the file already written): exit code, findings, stderr."""
    bib = tmp_path / "list.bib"
    if text is not None:
        bib.write_text(text, encoding="utf-8", newline="\n")
    code, out, err = run_cli(
        ["verify", str(bib), "--format", "json", *service_options(fake, tmp_path, cache=cache), *args],
        cwd=tmp_path,
    )
    findings: list[dict[str, Any]] = json.loads(out)["diagnostics"] if out.strip() else []
    return code, findings, err


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line holding `needle`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the text")


def codes(findings: list[dict[str, Any]]) -> list[tuple[str, int]]:
    return sorted((f["code"], f["line"]) for f in findings)
