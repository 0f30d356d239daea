"""A Mermaid `xychart-beta` of papers per year per section: GitHub draws it, no image file needed.

xychart-beta has no stacked bars and no legend, so the stack is drawn as overlapping bars of
running totals (the tallest first), coloured from a fixed palette, and a table below the chart
gives the legend with the same colours and the exact counts. A paper in two sections counts in
both, as it appears in both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..record import Paper
from ..taxonomy import Category, Taxonomy

# Colours matching the square emoji used as the legend's swatches, in order.
PALETTE = (
    ("#e53935", "🟥"),
    ("#fb8c00", "🟧"),
    ("#fdd835", "🟨"),
    ("#43a047", "🟩"),
    ("#1e88e5", "🟦"),
    ("#8e24aa", "🟪"),
    ("#6d4c41", "🟫"),
    ("#212121", "⬛"),
    ("#bdbdbd", "⬜"),
)


@dataclass(frozen=True)
class Series:
    category: Category
    counts: tuple[int, ...]  # per year, aligned with Chart.years
    swatch: str
    colour: str


@dataclass(frozen=True)
class Chart:
    years: tuple[int, ...]
    series: tuple[Series, ...]

    @property
    def mermaid(self) -> str:
        return mermaid_xychart(self)


def chart_sections(taxonomy: Taxonomy) -> list[Category]:
    """The sections a chart stacks: level-2 categories (subsections count towards their section)."""
    return [c for c in taxonomy if c.level == 2]


def build_chart(taxonomy: Taxonomy, by_category: Mapping[str, Sequence[Paper]]) -> Chart:
    sections = chart_sections(taxonomy)
    per_section: dict[str, dict[int, set[str]]] = {}
    for section in sections:
        slugs = [section.slug, *(c.slug for c in section.descendants())]
        years: dict[int, set[str]] = {}
        for slug in slugs:
            for paper in by_category.get(slug, ()):
                if paper.year is not None:
                    years.setdefault(paper.year, set()).add(paper.key)
        per_section[section.slug] = years
    all_years = sorted({y for years in per_section.values() for y in years})
    span = tuple(range(all_years[0], all_years[-1] + 1)) if all_years else ()
    series = []
    for i, section in enumerate(sections):
        colour, swatch = PALETTE[i % len(PALETTE)]
        counts = tuple(len(per_section[section.slug].get(y, ())) for y in span)
        series.append(Series(section, counts, swatch, colour))
    return Chart(span, tuple(series))


def mermaid_xychart(chart: Chart) -> str:
    if not chart.years:
        return ""
    # Running totals from the last section down: bar k covers sections k..n, so drawn in this
    # order each later (shorter) bar paints over the lower part of the one before.
    totals: list[tuple[int, ...]] = []
    running = [0] * len(chart.years)
    for s in reversed(chart.series):
        running = [r + c for r, c in zip(running, s.counts, strict=True)]
        totals.append(tuple(running))
    totals.reverse()
    palette = ", ".join(s.colour for s in chart.series)
    init = {"themeVariables": {"xyChart": {"plotColorPalette": palette}}}
    top = max(totals[0]) if totals else 0
    lines = [
        f"%%{{init: {json.dumps(init)}}}%%",
        "xychart-beta",
        '    title "Papers per year, by section"',
        "    x-axis [" + ", ".join(f'"{y}"' for y in chart.years) + "]",
        f'    y-axis "Papers" 0 --> {max(top, 1)}',
    ]
    lines.extend("    bar [" + ", ".join(str(n) for n in row) + "]" for row in totals)
    return "\n".join(lines)
