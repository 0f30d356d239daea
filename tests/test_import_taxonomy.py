"""README headings -> categories in styles/categories.toml, by text (`taxonomy_edit`).

The result is read back with `tomllib` (an independent parser) and `taxonomy.load_taxonomy`;
the file's own bytes must all stay, in order.
"""

from __future__ import annotations

from pathlib import Path

import tomllib

from empathy_bib.taxonomy import SLUG_RE, Taxonomy, load_taxonomy, taxonomy_from_text
from empathy_bib.taxonomy_edit import HeadingPath, plan_categories, slug_of

from .conftest import ROOT

CATEGORIES = ROOT / "styles" / "categories.toml"


def path(*titles: str) -> HeadingPath:
    return HeadingPath(titles, tuple("🧪" if i == len(titles) - 1 else "" for i in range(len(titles))))


def is_subsequence(old: str, new: str) -> bool:
    it = iter(new)
    return all(ch in it for ch in old)


def test_existing_categories_matched_by_title_new_ones_inserted_in_place(tmp_path: Path) -> None:
    text = CATEGORIES.read_text(encoding="utf-8")
    taxonomy = load_taxonomy(CATEGORIES)
    paths = [
        path("Papers", "Theory & Frameworks"),  # exists (by title)
        path("Papers", "Empathetic Dialogue Systems", "Brand New Approaches"),  # new subsection
        path("Papers", "Evaluation & Benchmarking", "Too Deep", "Deeper"),  # under a paper category
        path("Tools", "Libraries"),  # a new group with its section
    ]
    plan = plan_categories(paths, taxonomy, text, CATEGORIES)
    assert plan.slugs[paths[0].titles] == "theory-frameworks"
    assert plan.slugs[paths[1].titles] == "brand-new-approaches"
    assert plan.slugs[paths[2].titles] == "evaluation-benchmarking"  # folded, and said so
    assert any("Evaluation & Benchmarking" in note for note in plan.notes)
    assert plan.slugs[paths[3].titles] == "libraries"
    assert is_subsequence(text, plan.text) and plan.text.startswith(text[:200])
    data = tomllib.loads(plan.text)
    dialogue = next(s for s in data["group"][0]["section"] if s["slug"] == "empathetic-dialogue-systems")
    assert [s["slug"] for s in dialogue["subsection"]][-1] == "brand-new-approaches"
    assert data["group"][-1]["slug"] == "tools" and data["group"][-1]["section"][0]["title"] == "Libraries"
    loaded = taxonomy_from_text(plan.text, CATEGORIES)
    new_sub = loaded.get("brand-new-approaches")
    assert new_sub is not None and new_sub.takes_papers
    # Planning again on the result adds nothing.
    again = plan_categories(paths, loaded, plan.text, CATEGORIES)
    assert again.added == [] and again.text == plan.text and again.slugs == plan.slugs


def test_a_new_taxonomy_from_headings_nested_as_they_nest() -> None:
    paths = [path("Models"), path("Models", "Graphs"), path("Data", "Corpora", "Speech"), path("Papers")]
    plan = plan_categories(paths, Taxonomy(groups=(), path=Path("c.toml")), "", Path("c.toml"))
    loaded = taxonomy_from_text(plan.text, Path("c.toml"))
    assert all(SLUG_RE.fullmatch(c.slug) for c in loaded)
    for heading, slug in plan.slugs.items():
        category = loaded.get(slug)
        assert category is not None and category.takes_papers, heading
    # papers directly under "Models", which also has a sub-heading with papers
    assert loaded.by_slug[plan.slugs[("Models",)]].title == "Models (general)"
    assert loaded.by_slug[plan.slugs[("Data", "Corpora", "Speech")]].level == 3
    assert plan.text.startswith("#")  # a new file says what it is


def test_slug_rule_is_the_one_taxonomy_accepts() -> None:
    for title in ("Theory & Frameworks", "Émotion (ERC)", "🧪", "LLM-as-a-Judge", "  "):
        assert SLUG_RE.fullmatch(slug_of(title)), title
    assert slug_of("Theory & Frameworks") == "theory-frameworks"
    assert slug_of("Datasets", {"datasets"}) == "datasets-2"


def test_hostile_titles_are_written_as_toml_strings() -> None:
    hostile = 'Quote " and \\ backslash\tand ]] [[group]] = "x"'
    plan = plan_categories(
        [path("Papers", hostile)], Taxonomy(groups=(), path=Path("c.toml")), "", Path("c.toml")
    )
    data = tomllib.loads(plan.text)
    assert data["group"][0]["section"][0]["title"] == hostile
