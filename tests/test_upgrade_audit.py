"""Audit of `empathy-bib upgrade` (issue 11): byte-exactness with CRLF, hostile published records,
a record no file should hold. Oracles: references.bib (the true published entry), `validate`,
bibtexparser, and the file's bytes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import bibtexparser
import pytest

from empathy_bib.enrich import http
from tests.conftest import run_cli
from tests.registry import Registry
from tests.test_upgrade import seeded_personas

ANTHOLOGY_ID = "2025.emnlp-main.277"


def upgrade(reg: Registry, folder: Path, *args: str) -> tuple[int, str, str]:
    try:
        code, out, err = run_cli(["upgrade", *args, *reg.cli_args(), "--no-cache"], cwd=folder)
    finally:
        http.close_sessions()
    assert "Traceback" not in err, err
    return code, out, err


def validate_codes(bib: Path) -> list[str]:
    code, out, err = run_cli(["validate", "--format", "json", str(bib)])
    assert code in (0, 1), err
    return sorted(d["code"] for d in json.loads(out)["diagnostics"])


def test_a_crlf_list_is_upgraded_byte_for_byte_and_stays_crlf(tmp_path: Path) -> None:
    truth, seeded = seeded_personas()
    bib = tmp_path / "references.bib"
    bib.write_bytes(seeded.replace("\n", "\r\n").encode("utf-8"))
    with Registry() as reg:
        code, _, err = upgrade(reg, tmp_path, "wu2025personas")
    assert code == 0, err
    assert bib.read_bytes() == truth.replace("\n", "\r\n").encode("utf-8")


def test_control_characters_in_the_published_record_are_never_written(tmp_path: Path) -> None:
    """The Anthology's title and booktitle with BEL, NUL and ESC: they were written as they came."""
    _, seeded = seeded_personas()
    bib = tmp_path / "references.bib"
    bib.write_text(seeded, encoding="utf-8")
    before = validate_codes(bib)
    with Registry() as reg:
        record = reg.records.anthology[ANTHOLOGY_ID]
        record = re.sub(r'booktitle = "[^"]*"', 'booktitle = "Proceedings \x07\x00 of EMNLP & #1"', record)
        record = re.sub(r'title = "[^"]*"', 'title = "From Personas \x1b to Talks"', record, count=1)
        reg.put_anthology(ANTHOLOGY_ID, record)
        code, _, err = upgrade(reg, tmp_path, "wu2025personas")
    assert code == 0, err
    after = bib.read_bytes()
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", after)
    assert b"booktitle = {Proceedings of {EMNLP} \\& \\#1}" in after or b"Proceedings of EMNLP" in after
    assert validate_codes(bib) == before
    assert not bibtexparser.parse_string(after.decode("utf-8")).failed_blocks


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_5_mb_venue_refuses_that_entry_only(tmp_path: Path, dry_run: bool) -> None:
    """A 5 MB booktitle raised out of the run (exit 2, as for a usage error, every other upgrade
    lost); now the entry is "not upgraded" (exit 1) and the file is untouched."""
    _, seeded = seeded_personas()
    bib = tmp_path / "references.bib"
    bib.write_text(seeded, encoding="utf-8")
    with Registry() as reg:
        record = reg.records.anthology[ANTHOLOGY_ID]
        huge = 'booktitle = "Proceedings ' + "y" * 5_000_000 + '"'
        reg.put_anthology(ANTHOLOGY_ID, re.sub(r'booktitle = "[^"]*"', huge, record))
        code, out, err = upgrade(reg, tmp_path, "--all", *(["--dry-run"] if dry_run else []))
    assert code == 1, err
    assert "wu2025personas: the published record cannot be written" in err
    assert re.search(r"^not upgraded: .*\bwu2025personas\b", err, re.MULTILINE)
    assert bib.read_text(encoding="utf-8") == seeded
    assert "yyyy" not in out
