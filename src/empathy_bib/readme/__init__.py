"""Reading an awesome-list README into paper items (the first stage of `import`)."""

from __future__ import annotations

from empathy_bib.readme.items import Heading, Link, ReadmeDocument, ReadmePaper, Skipped
from empathy_bib.readme.parse import read_readme

__all__ = ["Heading", "Link", "ReadmeDocument", "ReadmePaper", "Skipped", "read_readme"]
