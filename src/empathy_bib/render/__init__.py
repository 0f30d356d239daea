"""Stage 4, render: every generated file (README.md, site/index.html, site/feed.xml, bib/<slug>.bib,
bib/references.json) from references.bib, the taxonomy and `styles/`; `outputs` runs it.

The names below are loaded on first use: a process that needs only part of the package (the
worker of `render --jobs 2`, which checks the list and makes the CSL-JSON; `cite`) does not
import Jinja and the page, README and feed renderers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .chunks import tidy_to_bytes
from .verdict import PendingVerdict, RenderRefused, WorkerFailed

if TYPE_CHECKING:
    from .outputs import render_all, render_outputs, stale_outputs, write_outputs

__all__ = [
    "PendingVerdict",
    "RenderRefused",
    "WorkerFailed",
    "render_all",
    "render_outputs",
    "stale_outputs",
    "tidy_to_bytes",
    "write_outputs",
]
_FROM_OUTPUTS = frozenset({"render_all", "render_outputs", "stale_outputs", "write_outputs"})


def __getattr__(name: str) -> Any:
    if name in _FROM_OUTPUTS:
        from . import outputs

        return getattr(outputs, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
