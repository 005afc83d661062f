"""Pausing Python's cyclic garbage collector around bulk computations."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block (nested blocks are fine).

    A report over thousands of people builds hundreds of thousands of small objects that
    all stay alive until the report is done. Every few thousand allocations the collector
    walks them all again and finds nothing to free: for the full matrix of 5,000 people
    that was about a third of the time (docs/benchmarks.md). Reference counting still
    frees everything as usual; only cycles wait until the block ends, when collection
    resumes on its normal schedule.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
