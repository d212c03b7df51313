"""Progress while a panel opens: a bar and the seconds so far, in the cell's output.

Every panel function decorated with ``panels.with_help`` opens inside :func:`opening`: in a
notebook kernel it shows at once a line *Opening the network picture... 3 s* with a progress
bar (moving while the number of steps is unknown, filling as a panel reports steps with
:func:`step`), updated every second from a helper thread, and empties it when the panel is
there. Outside a kernel (tests, scripts, the benchmark) it shows nothing.
"""

from __future__ import annotations

import contextlib
import html
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["Opening", "opening", "step"]

#: The panel opening now (panels nest: only the outermost shows).
_CURRENT: list[Opening] = []


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class Opening:
    """What a panel that is opening shows: what it opens, the steps done, the seconds so far.

    Examples
    --------
    >>> now = Opening("the network picture", clock=lambda: 0.0)
    >>> "Opening the network picture" in now.html() and "<progress>" in now.html()
    True
    >>> now.step("tribes", total=4)
    >>> '<progress value="1" max="4">' in now.html() and "tribes" in now.html()
    True
    """

    def __init__(self, what: str, *, clock: Any = time.monotonic) -> None:
        self.what, self.clock = what, clock
        self.start = clock()
        self.done, self.label = 0, ""
        self.total: int | None = None

    def step(self, label: str = "", *, total: int | None = None) -> None:
        """One step done (``label``: what comes next or what was done); ``total`` when known."""
        self.done += 1
        self.total = total if total is not None else self.total
        self.label = label

    def html(self) -> str:
        """The line shown: a progress bar, what opens, the seconds so far."""
        if self.total:
            bar = f'<progress value="{min(self.done, self.total)}" max="{self.total}">'
        else:
            bar = "<progress>"  # no value: the browser shows a moving bar
        seconds = int(self.clock() - self.start)
        label = f"; {html.escape(self.label)}" if self.label else ""
        return (f"<div class='cdw-opening'>{bar}</progress> Opening {html.escape(self.what)}"
                f"... {seconds} s{label}</div>")


def step(label: str = "", *, total: int | None = None) -> None:
    """Report a step of the panel opening now (nothing when none is)."""
    if _CURRENT:
        _CURRENT[0].step(label, total=total)


@contextlib.contextmanager
def opening(what: str, *, every: float = 1.0) -> Iterator[Opening]:
    """Show progress in the cell's output while the block runs (in a kernel only)."""
    now = Opening(what)
    if _CURRENT or not _in_kernel():
        _CURRENT.append(now)
        try:
            yield now
        finally:
            _CURRENT.remove(now)
        return
    from IPython.display import HTML, display

    handle = display(HTML(now.html()), display_id=True)
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(every):
            handle.update(HTML(now.html()))

    thread = threading.Thread(target=tick, name="cdw-opening", daemon=True)
    _CURRENT.append(now)
    thread.start()
    try:
        yield now
    finally:
        stop.set()
        thread.join()
        _CURRENT.remove(now)
        handle.update(HTML(""))
