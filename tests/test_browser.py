"""Every notebook as a user sees it: JupyterLab in Debian's chromium, run all, change the main control.

One JupyterLab server and one browser serve all notebooks of a test process (session fixtures;
under ``pytest -n 2`` each of the two workers has its own: xdist's ``loadgroup`` does not work
with pytest 9). The server runs on a temporary copy of the notebooks, so the committed ones
are never written to. For each
notebook the test runs all cells through the menu, waits for the kernel, checks that no cell
and no widget shows an error, changes the main control (``cdw-main-control``) and checks that
the main figure (``cdw-main-figure``) is redrawn with new data; and that no figure's drawing
or label is cut at the 1,400 px window (``clipped_figures``). Screenshots go to
``out/browser/`` (``CDW_BROWSER_ARTIFACTS`` to change it).

Chromium missing is a failure, not a skip: ``make test`` installs it through ``make system``.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from notebook_browser import (
    NOTEBOOKS,
    ROOT,
    JupyterLab,
    change_main_control,
    chromium_path,
    clipped_figures,
    collapse_sidebars,
    controls_on_page,
    errors_on_page,
    launch,
    main_figure,
    open_notebook,
    run_all_cells,
    screenshots,
    signature,
    wait_for_new_figure,
    warnings_on_page,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("CDW_BROWSER_ARTIFACTS", ROOT / "out" / "browser"))
#: Browser console messages that do not mean the notebook is broken.
_BENIGN_CONSOLE = ("favicon", "Failed to load resource: the server responded with a status of 404")

_DOM_SUMMARY = """() => ['.cdw-main-figure', '.cdw-main-control', '.js-plotly-plot', '.main-svg',
  '.jupyter-widgets', '.jp-OutputArea-output'].map(s => s + ': ' + document.querySelectorAll(s).length)
  .join(', ')"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterLab]:
    with JupyterLab(tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium_path()  # fails loudly when chromium is missing
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def test_chromium_is_installed() -> None:
    """The browser tests fail, never skip, when chromium is missing."""
    assert chromium_path().exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_in_browser(path: Path, lab: JupyterLab, browser: Any) -> None:
    committed = _digest(path)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        opened = open_notebook(page, lab, path.name)
        collapse_sidebars(page)
        run_all_cells(opened)
        try:  # widget views render after the kernel is idle
            figure = main_figure(page)
        except PlaywrightTimeout:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{path.stem}_failed.png"))
            raise AssertionError(
                f"{path.name}: no main figure drawn (mark it with panels.common.mark_main)\n"
                + "\n".join(errors_on_page(page) + opened.page_errors + opened.console_errors)
                + "\n" + page.evaluate(_DOM_SUMMARY)
            ) from None

        errors = errors_on_page(page)
        assert not errors, f"{path.name} shows errors after Run All:\n" + "\n".join(errors)
        # no figure cut at the 1,400 px window (issue 16): the drawing within its output area
        clipped = clipped_figures(page)
        assert not clipped, f"{path.name}: figures cut at 1,400 px:\n" + "\n".join(clipped)
        assert not opened.page_errors, f"{path.name}: JavaScript errors: {opened.page_errors}"
        assert page.locator(".cdw-main-control").count() == 1, (
            f"{path.name}: mark exactly one main control (panels.common.mark_main)")
        assert page.locator(".cdw-main-figure").count() == 1, (
            f"{path.name}: mark exactly one main figure (panels.common.mark_main)")
        controls = controls_on_page(page)
        assert not controls["empty"], f"{path.name}: dropdowns showing nothing: {controls['empty']}"
        assert not controls["unlabelled"] and not controls["no_help"], (
            f"{path.name}: controls without a label or help text (a tooltip; "
            f"panels.common.with_help): {controls}")

        before = signature(figure)
        assert '"data":[]' not in before, f"{path.name}: the main figure has no traces"
        action = change_main_control(page)
        try:
            wait_for_new_figure(page, figure, before)
        except PlaywrightTimeout:
            raise AssertionError(f"{path.name}: the main figure did not change after {action}\n"
                                 + "\n".join(errors_on_page(page))) from None

        errors = errors_on_page(page)
        assert not errors, f"{path.name} shows errors after the change ({action}):\n" + "\n".join(errors)
        height = figure.evaluate("el => el.querySelector('.js-plotly-plot')"
                                 "?.getBoundingClientRect().height || 0")
        assert height > 100, f"{path.name}: the main figure is {height} px high after the change"
        assert not opened.page_errors, f"{path.name}: JavaScript errors: {opened.page_errors}"
        console = [m for m in opened.console_errors if not any(b in m for b in _BENIGN_CONSOLE)]
        assert not [m for m in console if "widget" in m.lower() or "plotly" in m.lower()], (
            f"{path.name}: widget errors in the browser console: {console}")
        shown = warnings_on_page(page)
        if shown:
            warnings.warn(f"{path.name} shows warnings to the user: {shown}", stacklevel=1)
        screenshots(page, figure, ARTIFACTS, path.stem)
    finally:
        page.close()
        lab.shutdown_kernels()
    assert _digest(path) == committed, f"{path.name} was modified by the browser test"
    assert _digest(lab.root / path.name) == committed, "JupyterLab saved the notebook (autosave?)"
