"""The client report: from a run's results to HTML, PDF, PowerPoint and Excel.

:func:`build_report` gathers the content once (every figure and table from the results'
own ``figures()`` and ``tables()``, the executive summary from their ``findings()``);
:func:`write_report` writes the requested formats from it, whole or not at all.

=========  =========================================================================
format     what it is
=========  =========================================================================
``html``   one self-contained page: plotly.js inlined once, works offline
``pdf``    the same page printed by chromium: A4, charts as vector graphics
``pptx``   an editable 16:9 deck: native charts where PowerPoint has the type
``xlsx``   the table behind every figure, one sheet each, formulas neutralised
=========  =========================================================================
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from ..errors import ConfigError
from ..outputs import check_output, staged_directory
from .content import Report, build_report

if TYPE_CHECKING:  # pragma: no cover
    from ..runner import RunResults

__all__ = ["write_report", "build_report", "Report", "ReportOutcome", "SUPPORTED_FORMATS",
           "FILE_NAMES"]

SUPPORTED_FORMATS: tuple[str, ...] = ("html", "pdf", "pptx", "xlsx")
FILE_NAMES: dict[str, str] = {f: f"report.{f}" for f in SUPPORTED_FORMATS}

class ReportOutcome(list):  # type: ignore[type-arg]
    """The files written (a list of paths), with what was measured while writing them.

    Attributes
    ----------
    seconds
        Seconds per stage: ``content``, ``pictures`` (the deck's pictures when no PDF is
        written), and each format (wall clock). The PDF is printed by chromium while the
        other formats are written, so its seconds overlap theirs; ``waiting`` is the time
        this process spent waiting for chromium.
    wall_seconds
        Seconds for the whole report, from start to end.
    cpu_seconds
        Processor seconds of this process for the whole report (chromium, which draws the
        charts, not included): a measure that a busy machine does not inflate.
    pages
        Pages of the PDF (0 when no PDF was written).
    figure_pages
        Figure id to its PDF page.
    slides, native_charts
        Slides of the deck and how many of its charts are native PowerPoint charts.
    report
        The content every format was written from.
    """

    seconds: dict[str, float]
    wall_seconds: float
    cpu_seconds: float
    pages: int
    figure_pages: dict[str, int]
    slides: int
    native_charts: int
    report: Report | None


@dataclass
class _Clock:
    seconds: dict[str, float] = field(default_factory=dict)

    def run(self, name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        try:
            return fn()
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - start, 3)


def _write_html(report: Report, target: Path) -> int:
    from .html import render_html

    return target.write_text(render_html(report), encoding="utf-8")


def _formats(formats: Sequence[str] | str) -> list[str]:
    if isinstance(formats, str):
        formats = formats.split(",")
    wanted = [f.strip().lower().lstrip(".") for f in formats if f.strip()]
    unknown = [f for f in wanted if f not in SUPPORTED_FORMATS]
    if unknown or not wanted:
        raise ConfigError(f"--format {','.join(formats)!s}: {', '.join(unknown) or 'nothing'} "
                          f"is not a report format; expected a comma-separated list of "
                          f"{', '.join(SUPPORTED_FORMATS)}.")
    return list(dict.fromkeys(wanted))


def write_report(results: RunResults, out: str | Path, *,
                 formats: Sequence[str] | str = SUPPORTED_FORMATS, names: bool = False,
                 progress: bool = False,
                 on_progress: Callable[[str, int, int], Any] | None = None) -> ReportOutcome:
    """Write the client report for ``results`` into folder ``out``.

    Parameters
    ----------
    results
        What :func:`diagnostics.run_all` produced.
    out
        The output folder (created when missing): new, empty, or a previous report's
        (marked by a ``.culture-diagnostics`` file), never the data folder or inside one.
        Files appear there only when every requested format was written, all at once
        (the folder is swapped in by one rename); existing files are replaced, others
        left alone.
    formats
        Any of ``html``, ``pdf``, ``pptx``, ``xlsx`` (a sequence, or text separated by commas).
    names
        Show respondent ids instead of pseudonyms (analyst use only).
    progress
        Show a progress bar (tqdm: text in a terminal, a widget in a notebook).
    on_progress
        Called with (what is being done, steps done, steps in all), for the notebook panel.

    Returns
    -------
    ReportOutcome
        The paths written (``report.html``, ``report.pdf``, ``report.pptx``, ``report.xlsx``),
        with seconds per stage, PDF pages and native chart count.

    Raises
    ------
    ConfigError
        For an unknown format.
    OutputError
        When ``out`` is refused (see above), a file cannot be written, or chromium (needed
        for pdf and pptx images) cannot be started; nothing is left behind.

    Examples
    --------
    >>> import tempfile
    >>> from diagnostics import load, run_all
    >>> results = run_all(load("data/sample"), only=[])
    >>> with tempfile.TemporaryDirectory() as out:
    ...     written = write_report(results, out, formats="html,xlsx")
    ...     [p.name for p in written]
    ['report.html', 'report.xlsx']
    """
    from .pdf import pdf_info, start_browser, start_pdf, write_pictures
    from .pptx import needs_image, write_pptx
    from .xlsx import write_xlsx

    wanted = _formats(formats)
    folder = getattr(getattr(results, "workbook", None), "folder", None)
    check_output(out, data=[folder] if folder is not None else [])
    cpu_start = time.process_time()
    wall_start = time.perf_counter()
    clock = _Clock()
    outcome = ReportOutcome()
    outcome.seconds, outcome.pages, outcome.figure_pages = clock.seconds, 0, {}
    outcome.cpu_seconds = outcome.wall_seconds = 0.0
    outcome.slides = outcome.native_charts = 0
    outcome.report = None
    steps = ["content"] + (["pictures"] if "pptx" in wanted and "pdf" not in wanted else []) \
        + wanted
    done = 0
    # chromium starts now and compiles plotly.js while the content is gathered
    browser = start_browser() if "pdf" in wanted or "pptx" in wanted else None
    job = None
    try:
        with tqdm(total=len(steps), desc="report", unit="step", disable=not progress) as bar, \
                tempfile.TemporaryDirectory(prefix="report-images-") as tmp:

            def advance(label: str) -> None:
                nonlocal done
                done += 1
                bar.update(1)
                bar.set_postfix_str(label)
                if on_progress is not None:
                    on_progress(label, done, len(steps))

            bar.set_postfix_str("gathering results")
            report = clock.run("content",
                               lambda: build_report(results, names=names, progress=progress))
            outcome.report = report
            advance("content gathered")
            images_dir = Path(tmp)
            pictures: dict[str, Path] = {}
            if "pptx" in wanted:
                pictures = {fig.id: images_dir / f"{fig.id}.jpg" for fig in report.figures
                            if needs_image(fig)}
            if "pdf" not in wanted and browser is not None:
                job, browser = browser, None
                clock.run("pictures", lambda: write_pictures(report, pictures, job=job))
                job = None
                if pictures:
                    advance("pictures taken")
            # The PDF starts first, in the background: chromium draws the deck's pictures
            # first, then the rest, and prints (while this process writes the other formats);
            # the deck waits for the pictures only, the PDF is waited for last.
            order = [f for f in ("html", "xlsx", "pptx") if f in wanted]
            with staged_directory(out, marker="report") as stage:
                if "pdf" in wanted:
                    started = time.perf_counter()
                    job, browser = browser, None
                    job = start_pdf(report, stage / FILE_NAMES["pdf"], pictures=pictures, job=job)
                try:
                    for fmt in order:
                        target = stage / FILE_NAMES[fmt]
                        if fmt == "html":
                            clock.run("html", partial(_write_html, report, target))
                        elif fmt == "pptx":
                            if job is not None:
                                clock.run("waiting", job.wait_pictures)
                            deck = clock.run("pptx", partial(write_pptx, report, target, pictures))
                            outcome.slides, outcome.native_charts = deck.slides, deck.native_charts
                        else:
                            clock.run("xlsx", partial(write_xlsx, report, target))
                        advance(f"{fmt} written")
                finally:
                    if job is not None:
                        clock.run("waiting", job.join)
                if job is not None:
                    info = pdf_info(stage / FILE_NAMES["pdf"])
                    outcome.pages, outcome.figure_pages = info.pages, info.figure_pages
                    # the pdf's own time: from its start to the end of its print
                    clock.seconds["pdf"] = round(time.perf_counter() - started, 3)
                    advance("pdf written")
    finally:
        if browser is not None:  # started, never given a page (something failed before)
            browser.cancel()
    outcome.extend(Path(out) / FILE_NAMES[f] for f in wanted)
    outcome.cpu_seconds = round(time.process_time() - cpu_start, 3)
    outcome.wall_seconds = round(time.perf_counter() - wall_start, 3)
    return outcome
