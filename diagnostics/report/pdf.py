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

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from .content import Report
from .html import PAGE_WIDTH_PX, render_html

__all__ = ["write_pdf", "start_pdf", "PdfInfo", "PrintJob", "print_page", "start_print",
           "CHROMIUM", "PAGE_WIDTH_PX"]

CHROMIUM = "/usr/bin/chromium"
#: Pixel ratio of the deck's chart pictures (a 680-pixel chart becomes 1,360 pixels wide).
PICTURE_SCALE = 2
_TIMEOUT_MS = 600_000
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
    """A page being drawn and printed by chromium in a thread of its own.

    The caller goes on with other work (the deck, the workbook) while chromium draws and
    prints: on two cores the report's formats are written side by side.
    :meth:`wait_pictures` returns once the pictures are taken (or the job ended),
    :meth:`join` once everything is done, raising what went wrong as :class:`OutputError`.
    """

    def __init__(self, thread: threading.Thread, errors: list[BaseException],
                 pictures_ready: threading.Event) -> None:
        self._thread = thread
        self._errors = errors
        self._pictures = pictures_ready

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


def start_print(page_html: str, *, pdf: Path | None = None,
                pictures: Mapping[str, Path] | None = None,
                on_step: Callable[[str], None] | None = None) -> PrintJob:
    """:func:`print_page` started in the background; ``.join()`` the job to wait for it."""
    errors: list[BaseException] = []
    step = on_step or (lambda _s: None)
    pictures_ready = threading.Event()

    def run() -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=_chromium(),
                                             args=["--no-sandbox", "--disable-gpu"])
                try:
                    context = browser.new_context(
                        viewport={"width": PAGE_WIDTH_PX, "height": 1000},
                        device_scale_factor=PICTURE_SCALE)
                    page = context.new_page()
                    page.set_default_timeout(_TIMEOUT_MS)
                    page.set_content(page_html, wait_until="load")
                    page.wait_for_function(
                        "document.body.getAttribute('data-charts-drawn') === 'true'",
                        timeout=_TIMEOUT_MS)
                    step("charts drawn")
                    for element, path in (pictures or {}).items():
                        page.locator(f"#{element}").screenshot(path=str(path), type="jpeg",
                                                               quality=90)
                    pictures_ready.set()
                    if pictures:
                        step("pictures taken")
                    if pdf is not None:
                        def print_pdf(target: Path = pdf) -> None:
                            page.pdf(path=str(target), format="A4", print_background=True,
                                     prefer_css_page_size=True, outline=True)

                        print_pdf()
                        # the contents' page numbers: where the first print put each anchor
                        _pages, where = pdf_pages(pdf)
                        if page.evaluate(_NUMBER_CONTENTS, where):
                            print_pdf()
                        step("pdf printed")
                finally:
                    browser.close()
        except BaseException as err:  # reported in the caller's thread
            errors.append(err)
        finally:
            pictures_ready.set()

    thread = threading.Thread(target=run, name="report-print", daemon=True)
    thread.start()
    return PrintJob(thread, errors, pictures_ready)


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
              on_step: Callable[[str], None] | None = None) -> PrintJob:
    """:func:`write_pdf` started in the background: ``.wait_pictures()`` before using the
    pictures, ``.join()`` and then :func:`pdf_info` for the PDF."""
    elements = {f"{fid}-appendix-plot": p for fid, p in (pictures or {}).items()}
    return start_print(render_html(report, pdf=True), pdf=path, pictures=elements,
                       on_step=on_step)


def pdf_info(path: Path) -> PdfInfo:
    """Pages of a written report PDF and the page of each figure."""
    pages, destinations = pdf_pages(path)
    figure_pages = {k: v for k, v in destinations.items() if k.startswith("fig-")}
    return PdfInfo(path=path, pages=pages, figure_pages=figure_pages)


def write_pictures(report: Report, pictures: Mapping[str, Path]) -> None:
    """Only the deck's pictures (no PDF wanted)."""
    if pictures:
        elements = {f"{fid}-appendix-plot": p for fid, p in pictures.items()}
        print_page(render_html(report, pdf=True), pictures=elements)
