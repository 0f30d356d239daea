"""`empathy-bib render`: not built yet."""

from __future__ import annotations

import argparse
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    print("empathy-bib render: not built yet", file=sys.stderr)
    return 2
