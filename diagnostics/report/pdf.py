"""The report as a paginated PDF, printed by chromium from the report's own page.

One chromium page loads the print version of the HTML report, plotly.js draws every chart
there (as SVG: the PDF's charts are vector graphics, sharp at any zoom and small), and
chromium prints it to A4. The deck's pictures of charts that PowerPoint cannot draw natively
are taken from the same page, so one browser session serves both formats.

Before, each chart was drawn to a JPEG by kaleido and the page laid out by weasyprint: a PDF
of 7 MB for the sample. ``benchmarks/bench_report.py`` times this route against plotly's own
``write_image`` per figure.
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from .content import Report
from .html import PAGE_WIDTH_PX, render_html

__all__ = ["write_pdf", "start_pdf", "PdfInfo", "PrintJob", "print_page", "start_print",
           "start_browser", "CHROMIUM", "PAGE_WIDTH_PX", "PLOTLY_FILE"]

CHROMIUM = "/usr/bin/chromium"
#: Pixel ratio of the deck's chart pictures (a 680-pixel chart becomes 1,360 pixels wide).
PICTURE_SCALE = 2
_TIMEOUT_MS = 600_000
#: plotly.js beside the printed page, so that the browser compiles it before the page is ready
PLOTLY_FILE = "plotly.js"
_START_PAGE = ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
               f'<script type="text/javascript" src="{PLOTLY_FILE}"></script></head>'
               "<body></body></html>")
#: Writes the page of each contents entry after it (the first print tells where anchors are).
_NUMBER_CONTENTS = """(where) => {
  let n = 0;
  document.querySelectorAll('nav#contents a[href^="#"], ol.figure-list a').forEach((a) => {
    const page = where[a.getAttribute('href').slice(1)];
    if (page === undefined) return;
    const span = document.createElement('span');
    span.className = 'page-number';
    span.textContent = String(page);
    a.appendChild(span);
    n += 1;
  });
  return n;
}"""


@dataclass(frozen=True)
class PdfInfo:
    """What was written: the file, its page count and the page of each figure (1-based)."""

    path: Path
    pages: int
    figure_pages: dict[str, int]


def _chromium() -> str | None:
    return CHROMIUM if Path(CHROMIUM).exists() else None


class PrintJob:
    """A browser printing a page (and taking its pictures) in a thread of its own.

    The browser starts at once and compiles plotly.js while the caller is still gathering the
    page (:func:`start_browser`); :meth:`load` hands it the page. The caller goes on with other
    work (the deck, the workbook) while chromium draws and prints: on two cores the report's
    formats are written side by side. :meth:`wait_pictures` returns once the pictures are
    taken (or the job ended), :meth:`join` once everything is done, raising what went wrong
    as :class:`OutputError`.
    """

    def __init__(self, on_step: Callable[[str], None] | None = None) -> None:
        self._errors: list[BaseException] = []
        self._pictures = threading.Event()
        self._ready = threading.Event()
        self._request: tuple[str, Path | None, dict[str, Path]] | None = None
        self._step = on_step or (lambda _s: None)
        self._thread = threading.Thread(target=self._run, name="report-print", daemon=True)

    def load(self, page_html: str, *, pdf: Path | None = None,
             pictures: Mapping[str, Path] | None = None) -> PrintJob:
        """Give the browser ``page_html`` to draw, ``pictures`` (element id to JPEG file) to
        take and ``pdf`` to print to."""
        self._request = (page_html, pdf, dict(pictures or {}))
        self._ready.set()
        return self

    def cancel(self) -> None:
        """Close the browser without drawing anything (the page will not come)."""
        self._request = None
        self._ready.set()
        self._thread.join()

    def wait_pictures(self) -> None:
        """Wait until the pictures are on disk; raises when the job failed before that."""
        self._pictures.wait()
        if self._errors:
            self.join()

    def join(self) -> None:
        """Wait for the job; raises :class:`OutputError` when it failed."""
        self._thread.join()
        if self._errors:
            _raise(self._errors[0])

    def _run(self) -> None:
        try:
            with tempfile.TemporaryDirectory(prefix="report-page-") as tmp:
                self._work(Path(tmp))
        except BaseException as err:  # reported in the caller's thread
            self._errors.append(err)
        finally:
            self._pictures.set()

    def _work(self, folder: Path) -> None:
        from playwright.sync_api import sync_playwright

        from .html import plotly_js

        (folder / PLOTLY_FILE).write_text(plotly_js(), encoding="utf-8")
        (folder / "start.html").write_text(_START_PAGE, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=_chromium(),
                                         args=["--no-sandbox", "--disable-gpu"])
            try:
                context = browser.new_context(
                    viewport={"width": PAGE_WIDTH_PX, "height": 1000},
                    device_scale_factor=PICTURE_SCALE)
                page = context.new_page()
                page.set_default_timeout(_TIMEOUT_MS)
                # plotly.js compiled while the page is being gathered; the page's own
                # <script src> then finds it compiled
                page.goto((folder / "start.html").as_uri(), wait_until="load")
                self._step("browser ready")
                self._ready.wait()
                if self._request is None:
                    return
                page_html, pdf, pictures = self._request
                target = folder / "report.html"
                target.write_text(page_html, encoding="utf-8")
                if pictures:
                    page.add_init_script(f"window.chartsFirst = {json.dumps(list(pictures))};")
                page.goto(target.as_uri(), wait_until="load")
                if pictures:
                    page.wait_for_function(
                        "document.body.getAttribute('data-first-charts-drawn') === 'true'",
                        timeout=_TIMEOUT_MS)
                    for element, path in pictures.items():
                        page.locator(f"#{element}").screenshot(path=str(path), type="jpeg",
                                                               quality=90)
                    self._pictures.set()
                    self._step("pictures taken")
                self._pictures.set()
                if pdf is None:
                    return
                page.wait_for_function(
                    "document.body.getAttribute('data-charts-drawn') === 'true'",
                    timeout=_TIMEOUT_MS)
                self._step("charts drawn")

                def print_pdf(to: Path = pdf) -> None:
                    page.pdf(path=str(to), format="A4", print_background=True,
                             prefer_css_page_size=True, outline=True)

                print_pdf()
                # the contents' page numbers: where the first print put each anchor
                _pages, where = pdf_pages(pdf)
                if page.evaluate(_NUMBER_CONTENTS, where):
                    print_pdf()
                self._step("pdf printed")
            finally:
                browser.close()


def _raise(err: BaseException) -> None:
    name = type(err).__name__
    if isinstance(err, ModuleNotFoundError) or "Executable" in str(err) or \
            "chrom" in str(err).lower() or _chromium() is None:
        raise OutputError("The PDF and the deck's pictures need chromium, which could not be "
                          f"started ({name}: {err}). Install it with `make system` (Debian: "
                          "apt-get install chromium), or leave out pdf and pptx.") from err
    raise OutputError(f"The report page could not be printed ({name}: {err}).") from err


def print_page(page_html: str, *, pdf: Path | None = None,
               pictures: Mapping[str, Path] | None = None,
               on_step: Callable[[str], None] | None = None) -> None:
    """Load ``page_html`` in chromium, wait for its charts, take ``pictures`` (element id to
    JPEG file) and print it to ``pdf``.

    Runs in a thread of its own so that it works inside Jupyter's running event loop too.

    Raises
    ------
    OutputError
        When chromium cannot be started or the page does not finish drawing.
    """
    start_print(page_html, pdf=pdf, pictures=pictures, on_step=on_step).join()


def start_browser(*, on_step: Callable[[str], None] | None = None) -> PrintJob:
    """Start chromium (and compile plotly.js) now; :meth:`PrintJob.load` gives it the page
    later, :meth:`PrintJob.cancel` closes it when no page comes."""
    job = PrintJob(on_step)
    job._thread.start()
    return job


def start_print(page_html: str, *, pdf: Path | None = None,
                pictures: Mapping[str, Path] | None = None,
                on_step: Callable[[str], None] | None = None) -> PrintJob:
    """:func:`print_page` started in the background; ``.join()`` the job to wait for it.

    A page that loads plotly.js from ``PLOTLY_FILE`` (``render_html(..., plotly_src=
    PLOTLY_FILE)``) finds it beside itself."""
    return start_browser(on_step=on_step).load(page_html, pdf=pdf, pictures=pictures)


def pdf_pages(path: Path) -> tuple[int, dict[str, int]]:
    """Pages of a PDF and the page of each named destination (chromium names one per id)."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages: dict[str, int] = {}
    try:
        for name, dest in reader.named_destinations.items():
            try:
                number = reader.get_destination_page_number(dest)
                if number is not None:
                    pages[str(name).lstrip("/")] = number + 1
            except Exception:  # noqa: BLE001 - a destination without a page is skipped
                continue
    except Exception:  # noqa: BLE001 - a PDF without destinations
        pages = {}
    return len(reader.pages), pages


def write_pdf(report: Report, path: Path, *, pictures: Mapping[str, Path] | None = None,
              on_step: Callable[[str], None] | None = None) -> PdfInfo:
    """Print the report to ``path``; ``pictures`` maps figure ids to JPEG files to write too
    (the deck's pictures)."""
    job = start_pdf(report, path, pictures=pictures, on_step=on_step)
    job.join()
    return pdf_info(path)


def start_pdf(report: Report, path: Path, *, pictures: Mapping[str, Path] | None = None,
              on_step: Callable[[str], None] | None = None,
              job: PrintJob | None = None) -> PrintJob:
    """:func:`write_pdf` started in the background: ``.wait_pictures()`` before using the
    pictures, ``.join()`` and then :func:`pdf_info` for the PDF. ``job``: a browser started
    before (:func:`start_browser`) to use."""
    job = job or start_browser(on_step=on_step)
    return job.load(render_html(report, pdf=True, plotly_src=PLOTLY_FILE), pdf=path,
                    pictures=_elements(pictures))


def _elements(pictures: Mapping[str, Path] | None) -> dict[str, Path]:
    return {f"{fid}-appendix-plot": p for fid, p in (pictures or {}).items()}


def pdf_info(path: Path) -> PdfInfo:
    """Pages of a written report PDF and the page of each figure."""
    pages, destinations = pdf_pages(path)
    figure_pages = {k: v for k, v in destinations.items() if k.startswith("fig-")}
    return PdfInfo(path=path, pages=pages, figure_pages=figure_pages)


def write_pictures(report: Report, pictures: Mapping[str, Path], *,
                   job: PrintJob | None = None) -> None:
    """Only the deck's pictures (no PDF wanted); ``job``: a browser started before."""
    if pictures:
        job = job or start_browser()
        job.load(render_html(report, pdf=True, plotly_src=PLOTLY_FILE),
                 pictures=_elements(pictures)).join()
    elif job is not None:
        job.cancel()
