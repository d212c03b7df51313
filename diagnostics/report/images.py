"""Static images of figures, many per browser session (kaleido 1.x driving chromium).

Starting chromium takes seconds, so every image of a report is written in one session,
a few figures at a time so that a progress bar can move. MathJax is switched off: kaleido
would otherwise fetch it from a CDN.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import OutputError

__all__ = ["ImageJob", "write_images", "DEFAULT_WIDTH", "DEFAULT_HEIGHT"]

DEFAULT_WIDTH = 960
DEFAULT_HEIGHT = 480
_CHUNK = 4


@dataclass(frozen=True)
class ImageJob:
    """One image: a figure (or its dict), its file, format (``jpeg``, ``png``, ``svg``), size."""

    figure: Any
    path: Path
    format: str = "svg"
    width: int = DEFAULT_WIDTH
    height: int | None = None
    scale: float = 1.0


def _opaque(colour: Any) -> bool:
    text = str(colour or "").replace(" ", "").lower()
    return bool(text) and text != "transparent" and not (
        text.startswith("rgba(") and text.rstrip(")").split(",")[-1] in ("0", "0.0"))


def _spec(job: ImageJob) -> dict[str, Any]:
    fig = job.figure if isinstance(job.figure, dict) else job.figure.to_dict()
    layout = fig.get("layout") or {}
    if job.format in ("jpeg", "jpg") and not _opaque(layout.get("paper_bgcolor", "white")):
        # JPEG has no transparency: a see-through background would turn black
        layout = {**layout, "paper_bgcolor": "white"}
        fig = {**fig, "layout": layout}
    width = int(layout.get("width") or job.width)
    height = int(job.height or layout.get("height") or DEFAULT_HEIGHT)
    return {"fig": fig, "path": str(job.path),
            "opts": {"format": job.format, "width": width, "height": height, "scale": job.scale}}


async def _render(jobs: Sequence[ImageJob], step: Callable[[int], None]) -> None:
    import kaleido

    async with kaleido.Kaleido(mathjax=False, timeout=120) as k:
        for start in range(0, len(jobs), _CHUNK):
            chunk = jobs[start:start + _CHUNK]
            await k.write_fig_from_object([_spec(j) for j in chunk], cancel_on_error=True)
            step(len(chunk))


def write_images(jobs: Sequence[ImageJob], *, on_done: Callable[[int], None] | None = None) -> None:
    """Write every job's image in one chromium session.

    Runs in its own thread with its own event loop, so that it works inside Jupyter (whose
    loop is already running) as well as from the command line.

    Raises
    ------
    OutputError
        When chromium cannot be started or a figure cannot be drawn (with what to do).
    """
    if not jobs:
        return
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(_render(jobs, on_done or (lambda _n: None)))
        except BaseException as err:  # reported in the caller's thread
            errors.append(err)

    thread = threading.Thread(target=run, name="report-images", daemon=True)
    thread.start()
    thread.join()
    if errors:
        err = errors[0]
        name = type(err).__name__
        if "Chrome" in name or "Browser" in name or "chrom" in str(err).lower():
            raise OutputError("The PDF and PowerPoint images need chromium, which could not be "
                              f"started ({name}: {err}). Install it with `make system` (Debian: "
                              "apt-get install chromium), or leave out pdf and pptx.") from err
        raise OutputError(f"A figure could not be drawn as an image ({name}: {err}).") from err
