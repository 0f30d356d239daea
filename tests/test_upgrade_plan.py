"""`enrich.upgrade` (pure planning) and the two `bib.edits` abilities it needs: inserting a field
after a named one, and writing a bare month macro. Oracle: bibtexparser reading the result."""

from __future__ import annotations

import bibtexparser
import pytest

from empathy_bib.bib import BibFile
from empathy_bib.bib.edits import plan_set_field
from empathy_bib.enrich.published import Published
from empathy_bib.enrich.records import Name, Work
from empathy_bib.enrich.upgrade import TYPE, NotUpgradable, plan_splices, plan_upgrade
from empathy_bib.errors import EditError
from empathy_bib.record import papers_of

PREPRINT = """% a comment that stays
@MISC{rashkin2018know,
  TITLE = {I Know the Feeling: Learning to Converse with Empathy},
  AUTHOR = {Rashkin, Hannah and Smith, Eric Michael and Li, Margaret and Boureau, Y-Lan},
  YEAR = {2018},
  MONTH = nov,
  DOI = {10.48550/arXiv.1811.00207},
  EPRINT = {1811.00207},
  ARCHIVEPREFIX = {arXiv},
  PRIMARYCLASS = {cs.CL},
  CODE = {https://github.com/facebookresearch/EmpatheticDialogues},
  X-PRIVATE = {kept},
  KEYWORDS = {datasets}
}
"""
AUTHORS = (
    Name("Hannah", "Rashkin"),
    Name("Eric Michael", "Smith"),
    Name("Margaret", "Li"),
    Name("Y-Lan", "Boureau"),
)


def acl_2019(**changes: object) -> Work:
    settings: dict[str, object] = {
        "source": "crossref",
        "title": "Towards Empathetic Open-domain Conversation Models: A New Benchmark and Dataset",
        "authors": AUTHORS,
        "year": 2019,
        "month": 7,
        "type": "proceedings-article",
        "container": "Proceedings of the 57th Annual Meeting of the ACL",
        "publisher": "Association for Computational Linguistics",
        "pages": "5370-5381",
        "doi": "10.18653/v1/P19-1534",
    }
    settings.update(changes)
    return Work(**settings)  # type: ignore[arg-type]


def upgraded(text: str, work: Work) -> tuple[str, list[str]]:
    bib = BibFile.from_text(text)
    (paper,) = papers_of(bib)
    plan = plan_upgrade(paper, Published(work, "arXiv DOI"))
    bib.apply(plan_splices(bib, plan))
    return bib.text, [c.field for c in plan.changes]


def read(text: str) -> dict[str, str]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    return {f.key.lower(): str(f.value) for f in entry.fields} | {"@": entry.entry_type}


def test_renamed_paper_gets_its_published_title_and_keeps_the_rest() -> None:
    text, changed = upgraded(PREPRINT, acl_2019())
    got = read(text)
    assert got["@"].lower() == "inproceedings" and text.startswith("% a comment that stays\n@INPROCEEDINGS{")
    assert got["title"].startswith("Towards Empathetic Open-domain")
    assert got["booktitle"].startswith("Proceedings of the 57th") and got["pages"] == "5370--5381"
    assert got["doi"] == "10.18653/v1/P19-1534" and got["url"] == "https://aclanthology.org/P19-1534/"
    assert "MONTH = jul," in text  # a bare macro, as the list writes months
    for kept in ("eprint", "archiveprefix", "primaryclass", "code", "x-private", "keywords"):
        assert got[kept] == read(PREPRINT)[kept]
    assert "author" not in changed  # the same people: the entry's own spelling stays
    # new fields in the list's order, in the entry's upper-case style
    names = [line.split("=")[0].strip() for line in text.splitlines() if "=" in line]
    assert names[:9] == ["TITLE", "AUTHOR", "BOOKTITLE", "PUBLISHER", "YEAR", "MONTH", "PAGES", "DOI", "URL"]


def test_another_author_list_is_written_as_add_writes_it() -> None:
    work = acl_2019(authors=(*AUTHORS, Name("Jo\u00e3o", "Sedoc")))
    text, changed = upgraded(PREPRINT, work)
    assert "author" in changed and TYPE in changed
    assert read(text)["author"].endswith("Boureau, Y-Lan and Sedoc, Jo{\\~a}o")


def test_no_month_in_the_record_removes_the_preprint_month() -> None:
    text, _ = upgraded(PREPRINT, acl_2019(month=None))
    assert "month" not in read(text)


def test_a_record_without_a_venue_is_not_upgradable() -> None:
    bib = BibFile.from_text(PREPRINT)
    (paper,) = papers_of(bib)
    with pytest.raises(NotUpgradable):
        plan_upgrade(paper, Published(acl_2019(container="", type="other"), "arXiv DOI"))


@pytest.mark.parametrize(
    "container",
    ["100% {Empathy", "A & B } C", "<i>Em</i>pathy \\relax #1 $x$ ~ ^", "Caf\u00e9 \ud83d\ude00 \u2013 2019"],
)
def test_hostile_venues_always_parse(container: str) -> None:
    text, _ = upgraded(PREPRINT, acl_2019(container=container, publisher=container, pages="1\u20132 }"))
    got = read(text)
    assert "<i>" not in got["booktitle"]
    assert len(papers_of(BibFile.from_text(text))) == 1


def test_plan_set_field_after_a_named_field() -> None:
    text = "@misc{k,\n  title = {T},\n  year = {2020},\n  note = {n}\n}\n"
    bib = BibFile.from_text(text)
    entry = bib.entry("k")
    assert entry is not None
    splice = plan_set_field(bib.text, entry, "author", "A, B", bib.newline, after="title")
    bib.apply([splice])
    assert bib.text == "@misc{k,\n  title = {T},\n  author = {A, B},\n  year = {2020},\n  note = {n}\n}\n"


def test_bare_values_are_only_macros_or_numbers() -> None:
    bib = BibFile.from_text("@misc{k, year = {2020}}\n")
    entry = bib.entry("k")
    assert entry is not None
    bib.apply([plan_set_field(bib.text, entry, "month", "jul", bib.newline, bare=True)])
    assert bib.text == "@misc{k, year = {2020}, month = jul}\n"
    entry = bib.entry("k")
    assert entry is not None
    for hostile in ("jul}", "a b", "{x}", "1,2"):
        with pytest.raises(EditError):
            plan_set_field(bib.text, entry, "month", hostile, bib.newline, bare=True)


def test_bare_edit_survives_a_rebase(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "l.bib"
    path.write_text("@misc{a, year = {2020}}\n\n@misc{b, year = {2021}}\n")
    bib = BibFile.load(path)
    bib.set_field("a", "year", "2019")
    entry = bib.entry("a")
    assert entry is not None
    bib.apply([plan_set_field(bib.text, entry, "month", "jul", bib.newline, bare=True)])
    path.write_text("@misc{a, year = {2020}, note = {x}}\n\n@misc{b, year = {2021}}\n")  # someone else
    assert bib.save() is True
    assert path.read_text() == "@misc{a, year = {2019}, note = {x}, month = jul}\n\n@misc{b, year = {2021}}\n"
