from __future__ import annotations

from pathlib import Path

import pytest

from empathy_bib.errors import TaxonomyError
from empathy_bib.taxonomy import load_taxonomy

from .conftest import ROOT


def test_the_seed_tree_in_order() -> None:
    taxonomy = load_taxonomy(ROOT / "styles" / "categories.toml")
    assert [g.title for g in taxonomy.groups] == ["Papers", "Resources"]
    assert taxonomy.paper_slugs == [
        "theory-frameworks",
        "generative-approaches",
        "knowledge-enhanced",
        "controllable-personalized",
        "emotion-recognition",
        "cognitive-affective",
        "evaluation-benchmarking",
        "applications",
        "ethics-societal-impact",
        "datasets",
        "surveys-overviews",
    ]
    dialogue = taxonomy.by_slug["empathetic-dialogue-systems"]
    assert not dialogue.takes_papers and len(dialogue.children) == 3
    assert all(c.emoji and c.description for c in taxonomy)
    assert taxonomy.by_title("Emotion Recognition in Conversations (ERC)") is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[group]]\nslug = 'Bad Slug'\ntitle = 'x'\n", "invalid slug"),
        ("[[group]]\nslug = 'a'\ntitle = 'x'\n[[group]]\nslug = 'a'\ntitle = 'y'\n", "used twice"),
        ("[[group]\n", "invalid TOML"),
        ("", "no \\[\\[group\\]\\]"),
    ],
)
def test_bad_taxonomies_are_reported(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "categories.toml"
    path.write_text(text)
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(path)


GROUP = "[[group]]\nslug = 'g'\ntitle = 'G'\n"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('[[group]]\nslug = "a\\n"\ntitle = "x"\n', 'group 1 \\("a\\\\n"\\): invalid slug "a\\\\n"', 2),
        (GROUP + "[[group.section]]\nslug = 's'\ntitle = 'S'\nemoji = ['a', 'b']\n",
         "group 1 \\(\"g\"\\) > section 1 \\(\"s\"\\): 'emoji' must be a string, not an array", 5),
        (GROUP + "description = {a = 1}\n", "'description' must be a string, not a table", 2),
        ("[[group]]\nslug = 'g'\ntitle = 3\n", "'title' must be a string, not an integer", 2),
        ("[[group]]\nslug = 5\ntitle = 'x'\n", "group 1: 'slug' must be a string, not an integer", None),
        ("group = 3\n", "'group' must be an array of tables \\(\\[\\[group\\]\\]\\), not an integer", None),
        (GROUP + "section = [1]\n", "group 1 \\(\"g\"\\): 'section' entries must be tables, not an integer",
         None),
    ],
)  # fmt: skip
def test_wrong_types_are_located_and_never_python_reprs(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    path = tmp_path / "categories.toml"
    path.write_text(text)
    with pytest.raises(TaxonomyError, match=message) as caught:
        load_taxonomy(path)
    assert caught.value.line == line
    assert "['a', 'b']" not in str(caught.value) and "{'a': 1}" not in str(caught.value)
