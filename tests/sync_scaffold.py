"""The scaffold's page template (src/empathy_bib/scaffold/styles/site.html.j2) is this repository's,
with the list's own words replaced by the settings `init` writes (`settings.title`,
`settings.description`). The partials (section, CSS, script) have one copy only, in the scaffold:
`render` reads a file the list's styles/ does not have from there.

    python -m tests.sync_scaffold      # rewrite the scaffold's copies from styles/

tests/test_init.py checks that the copy is current, so a change to this list's page reaches new
lists too.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from empathy_bib.config import list_settings

ROOT = Path(__file__).resolve().parent.parent
STYLES = ROOT / "styles"
SCAFFOLD = ROOT / "src" / "empathy_bib" / "scaffold" / "styles"
# (pattern in this list's site.html.j2, what a new list's says)
SITE_WORDS = (
    (r"<title>[^<{]*:", "<title>{{ settings.title }}:"),
    (r"<h1>[^<{]*</h1>", "<h1>{{ settings.title }}</h1>"),
    (r"papers on empathy in large language models\.", "papers. {{ settings.description }}"),
    (r'placeholder="e\.g\. [^"]*"', 'placeholder="e.g. a word of a title, an author, a venue"'),
)


def expected() -> dict[str, str]:
    """The scaffold's copies as they should be, by path under styles/."""
    files: dict[str, str] = {}
    site = (STYLES / "site.html.j2").read_text(encoding="utf-8")
    for pattern, replacement in SITE_WORDS:
        site = re.sub(pattern, replacement, site)
    site = site.replace(list_settings(STYLES)["title"], "{{ settings.title }}")  # wherever else it is
    files["site.html.j2"] = site
    return files


def stale() -> list[str]:
    return [
        name
        for name, text in expected().items()
        if not (SCAFFOLD / name).is_file() or (SCAFFOLD / name).read_text(encoding="utf-8") != text
    ]


def main() -> int:
    for name, text in expected().items():
        (SCAFFOLD / name).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {SCAFFOLD / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
