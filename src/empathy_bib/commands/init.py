"""`empathy-bib init [DIR]`: start a new list (of any topic) in DIR.

Writes `references.bib` (no entries yet), `styles/` (categories, settings, templates),
`.github/workflows/` and `.pre-commit-config.yaml` from the package's `scaffold/`. A file that
exists already is left alone when it is identical, and refused otherwise (exit 2, nothing
written): init never overwrites a user's file. Then `empathy-bib import README.md` (or `add`)
fills the list, and `empathy-bib render` writes README.md, bib/ and site/.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from ..bib import StagedFiles
from ..errors import UsageError
from ..terminal import printable

# Names that packaging would drop (dot files) are stored without their dot.
_RENAMED = {"github": ".github", "pre-commit-config.yaml": ".pre-commit-config.yaml"}


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir", nargs="?", default=".", metavar="DIR", help="the new list's folder (default: .)"
    )


def scaffold_files() -> dict[str, bytes]:
    """The scaffold, by path relative to the new list's folder."""
    root = resources.files("empathy_bib") / "scaffold"
    files: dict[str, bytes] = {}

    def walk(node: Traversable, prefix: tuple[str, ...]) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name.startswith(("__", ".")):
                continue
            parts = (*prefix, _RENAMED.get(child.name, child.name) if not prefix else child.name)
            if child.is_dir():
                walk(child, parts)
            else:
                files["/".join(parts)] = child.read_bytes()

    walk(root, ())
    return files


def run(args: argparse.Namespace) -> int:
    target = Path(args.dir)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target}: not a folder")
    files = scaffold_files()
    todo, same, refused = {}, [], []
    for name, data in files.items():
        path = target / name
        if not path.exists():
            todo[path] = data
        elif path.is_file() and path.read_bytes() == data:
            same.append(name)
        else:
            refused.append(name)
    if refused:
        raise UsageError(
            "these files exist and differ from the scaffold; nothing was written (move them away first): "
            + ", ".join(refused),
            path=target,
        )
    with StagedFiles() as commit:
        for path, data in todo.items():
            commit.stage(path, data)
        commit.replace_all()
    for path in todo:
        print(printable(f"wrote {path}"), file=sys.stderr)
    if same:
        print(f"{len(same)} files already there, identical: left alone", file=sys.stderr)
    print(
        printable(
            f"Next: edit {target / 'styles' / 'settings.toml'} (the list's title), then "
            "'empathy-bib import README.md' (an awesome-list README) or "
            "'empathy-bib add ID --category SLUG', and 'empathy-bib render'."
        ),
        file=sys.stderr,
    )
    return 0
