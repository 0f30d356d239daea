"""`paused_gc()`: the cyclic garbage collector paused while a command builds many objects.

Loading, checking and rendering a long list allocate millions of small objects (field spans,
papers, views, output chunks) and none of them form reference cycles. Each allocation burst
still makes the collector walk every live object: on 10,000 entries that was about a third of
validate's time and a fifth of render's, for nothing freed. Reference counting frees everything
as usual; only cycle detection waits, and the collector is restored afterwards (left off if the
caller had it off).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
