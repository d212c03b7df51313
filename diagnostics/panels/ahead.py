"""What a panel shows for a control's values, computed once and, while the page is idle, ahead.

A panel redraws when its control changes; what it draws for a value (the analysis and its
figure) depends only on the control values. :class:`Ahead` keeps each value's result, and
after a redraw computes the values a person is likely to pick next (a slider's neighbours,
a dropdown's next and previous option) in one background thread, so that the next change
only sends the figure. A value asked for while it is being computed ahead waits for that
computation instead of starting a second one; an error of a computation ahead is raised
when (and only when) its value is asked for, and shown by the panel as any other error.

The computations ahead run in the kernel's spare time: they never touch widgets (the panel
shows the result in the kernel's main thread), and a change of the control does not wait for
them (a value not computed yet is computed at once, side by side with the background one).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

__all__ = ["Ahead", "neighbours"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def neighbours(options: Sequence[K], value: K, *, reach: int = 1) -> list[K]:
    """The options next to ``value`` (nearest first, the following one before the previous).

    Examples
    --------
    >>> neighbours(["a", "b", "c", "d"], "b")
    ['c', 'a']
    >>> neighbours([2, 3, 4], 4, reach=2)
    [3, 2]
    >>> neighbours(["a"], "z")
    []
    """
    options = list(options)
    if value not in options:
        return []
    at = options.index(value)
    found: list[K] = []
    for step in range(1, reach + 1):
        for i in (at + step, at - step):
            if 0 <= i < len(options):
                found.append(options[i])
    return found


class Ahead(Generic[K, V]):
    """``compute(key)`` kept per key, and computed ahead for keys asked with :meth:`ahead`.

    Examples
    --------
    >>> calls = []
    >>> squares = Ahead(lambda k: calls.append(k) or k * k)
    >>> squares.get(3), squares.get(3), calls
    (9, 9, [3])
    >>> squares.ahead([4, 5]); squares.wait()
    >>> squares.get(4), sorted(calls)
    (16, [3, 4, 5])
    """

    def __init__(self, compute: Callable[[K], V]) -> None:
        self._compute = compute
        self._found: dict[K, Future[V]] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def get(self, key: K) -> V:
        """The result for ``key``: kept, being computed ahead (waited for), or computed now."""
        with self._lock:
            found = self._found.get(key)
            if found is None:
                found = self._found[key] = Future()
                mine = True
            else:
                mine = False
        if mine:
            try:
                found.set_result(self._compute(key))
            except BaseException as err:
                with self._lock:  # the next ask computes again
                    del self._found[key]
                found.set_exception(err)
                raise
        return found.result()

    def ahead(self, keys: Sequence[K]) -> None:
        """Compute ``keys`` not known yet in the background, in this order."""
        with self._lock:
            todo = [k for k in dict.fromkeys(keys) if k not in self._found]
            if not todo:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdw-ahead")
            for key in todo:
                self._found[key] = self._pool.submit(self._compute_ahead, key)

    def _compute_ahead(self, key: K) -> V:
        try:
            return self._compute(key)
        except BaseException:
            with self._lock:  # asked for later: computed again, and its error shown then
                self._found.pop(key, None)
            raise

    def wait(self) -> None:
        """Wait until every computation ahead has finished (for tests and benchmarks)."""
        with self._lock:
            pending = list(self._found.values())
        for found in pending:
            try:
                found.result()
            except BaseException:  # shown when its value is asked for
                pass

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._found
