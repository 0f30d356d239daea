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
