"""Python's cyclic garbage collector, paused around work that makes millions of small objects.

Splitting a large csv into row lists, or triaging a chunk of rows, makes hundreds of thousands of
small containers; the collector's automatic passes then run again and again over every live
object (a third of the engine's time, most of a large csv's splitting).  Such work runs under
``paused()``; a long run collects what each chunk left in reference cycles with
``collect_young()``.  Objects are still freed by reference counting as they go.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, as it was afterwards (nested blocks are fine)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect_young() -> None:
    """Collect the cycles among the objects made since the last collection (not the old ones:
    a full pass would visit every live object of the run)."""
    gc.collect(0)


def release_free_memory() -> None:
    """Give memory already freed back to the system: glibc and pyarrow's pool keep what was
    freed for reuse, so a process's RSS otherwise stays at its peak.  Before forking workers
    this matters twice: pages the parent holds but no longer uses would be inherited, and
    become each worker's own as soon as the parent reuses them (copy on write)."""
    with contextlib.suppress(Exception):
        importlib.import_module("pyarrow").default_memory_pool().release_unused()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL("libc.so.6").malloc_trim(0)
