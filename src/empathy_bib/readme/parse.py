"""The README reader's entry point."""

from __future__ import annotations

from empathy_bib.readme.items import ReadmeDocument


def read_readme(text: str) -> ReadmeDocument:
    """The papers, headings and skipped paper links of an awesome-list README."""
    del text
    return ReadmeDocument()
