"""Time and peak memory of each step of a run (``culture-diagnostics run --profile``)."""

from __future__ import annotations

import resource
import threading
import time
from pathlib import Path

__all__ = ["StepProfiler", "current_rss_mb"]

_STATM = Path("/proc/self/statm")


def current_rss_mb() -> float:
    """The process's resident memory now, in MB (the peak so far where /proc is missing)."""
    try:
        pages = int(_STATM.read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class StepProfiler:
    """Wall-clock seconds, CPU seconds and peak resident memory of consecutive steps.

    ``start(name)`` ends the step before (if any) and starts ``name``; ``report()`` ends the
    last one and returns a table. A background thread samples the resident memory every
    ``interval`` seconds, so a step's peak is the largest sample taken while it ran (a peak
    shorter than the interval can be missed; the process's overall peak is exact).

    Examples
    --------
    >>> profiler = StepProfiler()
    >>> profiler.start("first")
    >>> profiler.start("second")
    >>> text = profiler.report()
    >>> [row[0] for row in profiler.rows]
    ['first', 'second']
    >>> "peak" in text and "total" in text
    True
    """

    def __init__(self, interval: float = 0.02) -> None:
        self.rows: list[tuple[str, float, float, float]] = []
        self._interval = interval
        self._name: str | None = None
        self._wall = self._cpu = 0.0
        self._peak = 0.0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _sample(self) -> None:
        while not self._stop.wait(self._interval):
            rss = current_rss_mb()
            with self._lock:
                self._peak = max(self._peak, rss)

    def _end(self) -> None:
        if self._name is None:
            return
        rss = current_rss_mb()
        with self._lock:
            peak = max(self._peak, rss)
        self.rows.append((self._name, time.perf_counter() - self._wall,
                          time.process_time() - self._cpu, peak))
        self._name = None

    def start(self, name: str) -> None:
        """End the current step and start timing ``name``."""
        self._end()
        if self._thread is None:
            self._thread = threading.Thread(target=self._sample, daemon=True)
            self._thread.start()
        with self._lock:
            self._peak = current_rss_mb()
        self._name = name
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def report(self) -> str:
        """End the last step, stop sampling and return the table of steps."""
        self._end()
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        overall = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        width = max([len(r[0]) for r in self.rows] + [5])
        lines = [f"{'step':<{width}}  {'seconds':>8}  {'cpu s':>8}  {'peak MB':>8}"]
        lines += [f"{name:<{width}}  {wall:>8.2f}  {cpu:>8.2f}  {peak:>8.0f}"
                  for name, wall, cpu, peak in self.rows]
        lines.append(f"{'total':<{width}}  {sum(r[1] for r in self.rows):>8.2f}  "
                     f"{sum(r[2] for r in self.rows):>8.2f}  {overall:>8.0f}")
        return "\n".join(lines)
