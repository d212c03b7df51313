"""The HTML report in a real browser (headless chromium): offline, charts drawn, text escaped."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fake_results import fake_results
from report_build import ReportBuild, shared_report_fixture  # noqa: F401  (the report_build fixture)

from diagnostics.report import write_report

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Callable[[Callable[[Any], None]], None]]:
    """Run a check with a headless chromium: ``browser(check)`` calls ``check(chromium)``.

    Playwright's sync API refuses to start in a thread where another sync session is open
    (``tests/test_browser.py`` keeps one for the whole session in the same xdist worker), so
    this module's session lives in a thread of its own and every check runs there.
    """
    if shutil.which("chromium") is None and not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed: run `make system`")
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-browser")

    def start() -> tuple[Any, Any]:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        return playwright, playwright.chromium.launch(executable_path=CHROMIUM,
                                                      args=["--no-sandbox"])

    playwright, chromium = pool.submit(start).result()
    try:
        yield lambda check: pool.submit(check, chromium).result()
    finally:
        pool.submit(lambda: (chromium.close(), playwright.stop())).result()
        pool.shutdown()


def _open(browser, path: Path):
    """Open ``path`` recording every request and every dialog (an alert would be one)."""
    page = browser.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
               else route.continue_())
    page.goto(path.as_uri(), wait_until="load", timeout=120_000)
    # the page's loader draws the charts one by one after the text, then marks the body
    page.wait_for_selector("body[data-charts-drawn='true']", state="attached", timeout=300_000)
    return page, requests, dialogs


def test_report_makes_no_request_and_draws_every_chart(browser, report_build: ReportBuild) -> None:
    browser(lambda chromium: _check_report(chromium, report_build))


def _check_report(browser: Any, report_build: ReportBuild) -> None:
    page, requests, dialogs = _open(browser, report_build.path("html"))
    n = len(report_build.info["figures"])
    drawn = page.eval_on_selector_all(
        ".js-plotly-plot", "els => els.map(e => [e.id, e.querySelectorAll('svg.main-svg').length,"
        " e.querySelectorAll('g.trace, .hm, g.sankey, g.slice, .indicatorlayer > *, .gl-container canvas').length])")
    assert len(drawn) >= n
    assert not [d for d in drawn if d[1] == 0 or d[2] == 0], drawn
    assert page.eval_on_selector_all(".chart-slot", "els => els.length") >= n
    failed = page.eval_on_selector_all(
        ".chart-slot", "els => els.filter(e => e.textContent.includes('could not be drawn')).length")
    assert failed == 0
    assert requests == [report_build.path("html").as_uri()], requests
    assert not dialogs
    headings = page.eval_on_selector_all("section h2", "els => els.map(e => e.textContent)")
    assert headings[0] == "Executive summary" and headings[-1] == "E. References"
    page.close()


def test_hostile_text_shows_as_text(browser, wb, tmp_path: Path) -> None:
    write_report(fake_results(wb), tmp_path, formats="html")
    browser(lambda chromium: _check_hostile(chromium, tmp_path))


def _check_hostile(browser: Any, tmp_path: Path) -> None:
    page, requests, dialogs = _open(browser, tmp_path / "report.html")
    assert not dialogs, dialogs
    assert requests == [(tmp_path / "report.html").as_uri()]
    title = page.text_content("#details-fake .js-plotly-plot .gtitle")
    assert "<script>alert('x')</script>" in title and title.startswith("Values")
    ticks = page.eval_on_selector_all("#details-fake .js-plotly-plot .xtick text", "els => els.map(e => e.textContent)")
    assert any("<img src=x onerror=alert(2)>" in t for t in ticks), ticks
    assert page.eval_on_selector_all("img[src='x']", "els => els.length") == 0
    summary = page.text_content("#summary")
    assert "Values are high <script>alert('x')</script>" in summary
    page.close()
