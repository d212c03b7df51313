"""Benchmarks of the workbook (not tests): ``make bench`` or ``python -m benchmarks [name ...]``.

Each ``benchmarks/bench_<area>.py`` module defines ``run(quick: bool = False) -> list[dict]``:
one row per measurement, with at least ``benchmark``, ``size`` and ``seconds``. The runner
starts every module in its own process, so that each one's peak memory is its own, and
writes all rows to ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["timed"]


def timed(fn: Callable[[], Any], *, repeat: int = 1) -> tuple[float, Any]:
    """Best wall-clock seconds of ``repeat`` calls of ``fn``, and the last call's value."""
    best, value = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value
