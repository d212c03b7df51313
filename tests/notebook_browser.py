"""Drive the notebooks as a user does: JupyterLab on localhost, Debian's chromium through Playwright.

Used by ``tests/test_browser.py`` and ``benchmarks/bench_latency.py``. JupyterLab serves a
temporary copy of the notebooks (autosave off), so nothing committed is ever written to. Every
wait is on a concrete condition (kernel idle, every cell numbered, the figure's data changed),
never a fixed sleep, with generous limits because a first load on two shared cores is slow.

Each notebook marks its main panel (``panels.common.mark_main``): the control carries the CSS
class ``cdw-main-control`` and the figure it redraws (``panels.FigureView``: ``Plotly.react`` in
place, ``panels.live``) ``cdw-main-figure``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Debian's chromium (``make system`` installs it); Playwright's own download cannot work here.
CHROMIUM = Path(os.environ.get("CDW_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}
#: Limits in milliseconds (two shared cores; the first JupyterLab load takes 15-60 s).
LOAD_MS = 240_000
RUN_MS = 600_000
REDRAW_MS = 60_000

#: User settings of the temporary JupyterLab: every cell in the DOM (no virtual scrolling),
#: the kernel starts without asking, no autosave, no news or update checks.
_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none", "autoStartDefaultKernel": True},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}

#: A string that changes whenever the figure's traces or its drawing change (``el`` is the
#: plotly element, or a widget holding one: ``panels.FigureView`` or ``go.FigureWidget``).
SIGNATURE_JS = """el => {
 const gd = el.classList.contains('js-plotly-plot') ? el : el.querySelector('.js-plotly-plot');
 return JSON.stringify({
  data: ((gd && gd.data) || []).map(t => [t.type, t.name, t.x, t.y, t.z, t.values, t.labels, t.text,
                                   t.node, t.link, t.lat, t.lon, t.r, t.theta]),
  svg: [...el.querySelectorAll('.main-svg path, .main-svg text')]
         .map(p => p.getAttribute('d') || p.textContent)});
}"""

#: Everything on the page that shows an error: error outputs, the panels' error boxes, widgets
#: that failed to render.
ERRORS_JS = """() => {
  const found = [];
  const text = e => (e.innerText || e.textContent || '').trim().slice(0, 800);
  for (const e of document.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')) {
    const t = text(e);
    if (/Traceback|Error|Exception/.test(t)) found.push('error output: ' + t);
  }
  for (const e of document.querySelectorAll('.cdw-error')) found.push('error box: ' + text(e));
  for (const e of document.querySelectorAll('.widget-error, .jp-RenderedText.jp-mod-error'))
    found.push('widget error: ' + text(e));
  for (const e of document.querySelectorAll('.jp-OutputArea-output')) {
    const t = text(e);
    if (/Traceback \\(most recent call last\\)|Something unexpected went wrong|Error displaying widget|Failed to (load|initialize|create) (model|view)/.test(t))
      found.push('output: ' + t);
  }
  return [...new Set(found)];
}"""

#: Warnings a user would see (stderr outputs that are not errors).
WARNINGS_JS = """() => [...document.querySelectorAll(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
  .map(e => (e.innerText || '').trim().slice(0, 400))
  .filter(t => t && !/Traceback|Error|Exception/.test(t))"""

_ALL_NUMBERED_JS = """() => {
  const p = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')]
    .filter(c => (c.querySelector('.cm-content')?.textContent || '').trim())
    .map(c => c.querySelector('.jp-InputArea-prompt').textContent.trim());
  return p.length > 0 && p.every(t => /^\\[\\d+\\]:$/.test(t));
}"""
_KERNEL_IDLE_JS = """() => /\\| Idle\\b/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')"""


def chromium_path() -> Path:
    """The system chromium, or a loud error that says how to install it."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"chromium not found at {CHROMIUM}: run `make system` (apt-get install "
                           "chromium) or set CDW_CHROMIUM to a chromium binary")
    return CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class JupyterLab:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of ``notebooks``.

    Use as a context manager; ``data`` (optional) is the data folder ``panels.start()`` loads
    (through ``CULTURE_DIAGNOSTICS_DATA``) instead of the bundled sample.
    """

    workdir: Path
    notebooks: list[Path] = field(default_factory=lambda: list(NOTEBOOKS))
    data: Path | None = None
    port: int = 0
    token: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def root(self) -> Path:
        return self.workdir / "notebooks"

    def url(self, name: str) -> str:
        """The notebook alone in a fresh workspace (no tabs restored from earlier pages)."""
        workspace = "cdw-" + secrets.token_hex(4)
        return f"{self.base}/lab/workspaces/{workspace}/tree/{name}?reset&token={self.token}"

    def __enter__(self) -> JupyterLab:
        self.root.mkdir(parents=True, exist_ok=True)
        for nb in self.notebooks:
            shutil.copy2(nb, self.root / nb.name)
        settings = self.workdir / "lab-settings"
        for rel, value in _SETTINGS.items():
            (settings / rel).parent.mkdir(parents=True, exist_ok=True)
            (settings / rel).write_text(json.dumps(value), encoding="utf-8")
        self.port, self.token = free_port(), secrets.token_hex(16)
        env = dict(os.environ,
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
                   JUPYTER_CONFIG_DIR=str(self.workdir / "jupyter-config"),
                   JUPYTER_RUNTIME_DIR=str(self.workdir / "jupyter-runtime"),
                   JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.workdir / "lab-workspaces"),
                   IPYTHONDIR=str(self.workdir / "ipython"))
        if self.data is not None:
            env["CULTURE_DIAGNOSTICS_DATA"] = str(self.data)
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.extension_manager=readonly"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        log = (self.workdir / "server.log").open("wb")
        self.process = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                        cwd=self.root, start_new_session=True)
        deadline = time.monotonic() + LOAD_MS / 1000
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(f"{self.base}/api/status?token={self.token}", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    self.__exit__()
                    raise TimeoutError("JupyterLab did not answer within "
                                       f"{LOAD_MS // 1000} s:\n{self.log_tail()}") from None
                time.sleep(0.25)  # polling interval of a concrete condition
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server and its kernels
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / "server.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def api(self, path: str, method: str = "GET") -> Any:
        req = urllib.request.Request(f"{self.base}/api/{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every running session's kernel (frees memory between notebooks)."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")


def launch(playwright: Any) -> Any:
    """Launch the system chromium headless."""
    return playwright.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)


@dataclass
class OpenNotebook:
    """A notebook open in a page, with what the browser reported while it was open."""

    page: Any
    name: str
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def open_notebook(page: Any, lab: JupyterLab, name: str) -> OpenNotebook:
    """Open ``name`` and wait until its kernel is idle."""
    opened = OpenNotebook(page, name)
    page.on("pageerror", lambda err: opened.page_errors.append(str(err)))
    page.on("console", lambda msg: opened.console_errors.append(msg.text)
            if msg.type == "error" else None)
    start = time.monotonic()
    page.goto(lab.url(name), timeout=LOAD_MS)
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=LOAD_MS)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=LOAD_MS, polling=250)
    opened.timings["open_s"] = time.monotonic() - start
    return opened


def run_all_cells(opened: OpenNotebook) -> None:
    """Run -> Run All Cells, then wait until every code cell is numbered and the kernel idle."""
    page = opened.page
    start = time.monotonic()
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu .lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    page.wait_for_function(_ALL_NUMBERED_JS, timeout=RUN_MS, polling=250)
    page.wait_for_function(_KERNEL_IDLE_JS, timeout=RUN_MS, polling=250)
    opened.timings["run_all_s"] = time.monotonic() - start


#: Controls a new user cannot read: a dropdown showing nothing (ipywidgets shows a ``None``
#: value as an empty choice), a control without a label, or without help text (a tooltip).
CONTROLS_JS = """() => {
  const found = {empty: [], unlabelled: [], no_help: []};
  const controls = document.querySelectorAll(
    '.widget-dropdown, .widget-slider, .widget-toggle-buttons, .widget-radio, .widget-text, ' +
    '.widget-select, .widget-checkbox');
  for (const c of controls) {
    const label = (c.querySelector('.widget-label, label')?.textContent || '').trim();
    const name = label || c.className;
    const select = c.querySelector('select');
    if (select && select.selectedIndex < 0) found.empty.push(name);
    if (!label && !c.classList.contains('widget-checkbox')) found.unlabelled.push(c.className);
    const help = [c, ...c.querySelectorAll('[title]')].some(e => (e.getAttribute('title') || '').trim());
    if (!help) found.no_help.push(name);
  }
  return found;
}"""


def controls_on_page(page: Any) -> dict[str, list[str]]:
    return dict(page.evaluate(CONTROLS_JS))


def errors_on_page(page: Any) -> list[str]:
    return list(page.evaluate(ERRORS_JS))


def warnings_on_page(page: Any) -> list[str]:
    return list(page.evaluate(WARNINGS_JS))


def main_figure(page: Any) -> Any:
    """The main figure's plotly element, once it has drawn."""
    fig = page.locator(".cdw-main-figure")
    fig.first.wait_for(state="attached", timeout=REDRAW_MS)
    fig.first.scroll_into_view_if_needed()
    fig.locator(".main-svg").first.wait_for(state="attached", timeout=REDRAW_MS)
    page.locator(".cdw-main-control").first.wait_for(state="attached", timeout=REDRAW_MS)
    return fig


def signature(figure: Any) -> str:
    return str(figure.evaluate(SIGNATURE_JS))


def change_main_control(page: Any) -> str:
    """Change the main control as a user would; returns what was done.

    Dropdown/Select: the next option; slider: one step right (keyboard); toggle or radio
    buttons: the next button; a number or text box: its value plus one, then Enter; a
    checkbox: a click.
    """
    control = page.locator(".cdw-main-control")
    control.scroll_into_view_if_needed()
    select = control.locator("select")
    if select.count():
        n, index = select.evaluate("s => [s.options.length, s.selectedIndex]")
        if n < 2:
            raise AssertionError("the main dropdown has fewer than two options")
        target = (index + 1) % n
        select.select_option(index=target)
        return f"dropdown option {target} of {n}"
    handle = control.locator(".noUi-handle")
    if handle.count():
        handle.first.focus()
        before = control.locator(".widget-readout").first.inner_text()
        handle.first.press("ArrowRight")
        if control.locator(".widget-readout").first.inner_text() == before:
            handle.first.press("ArrowLeft")
            handle.first.press("ArrowLeft")
        return "slider one step"
    buttons = control.locator("button:not(.mod-active)")
    if buttons.count():
        buttons.first.click()
        return "toggle button"
    radios = control.locator("input[type=radio]:not(:checked)")
    if radios.count():
        radios.first.check()
        return "radio button"
    box = control.locator("input[type=number], input[type=text]")
    if box.count():
        value = box.first.input_value()
        try:
            new = str(float(value) + 1).removesuffix(".0")
        except ValueError:
            new = value + " "
        box.first.fill(new)
        box.first.press("Enter")
        return f"text box {value!r} -> {new!r}"
    checkbox = control.locator("input[type=checkbox]")
    if checkbox.count():
        checkbox.first.click()
        return "checkbox"
    raise AssertionError("cannot operate the main control: " + control.evaluate(
        "e => e.outerHTML.slice(0, 300)"))


def wait_for_new_figure(page: Any, figure: Any, before: str, timeout_ms: int = REDRAW_MS) -> None:
    """Wait until the figure's signature differs from ``before``."""
    page.wait_for_function(f"([el, before]) => ({SIGNATURE_JS})(el) !== before",
                           arg=[figure.element_handle(), before], timeout=timeout_ms, polling=50)


def collapse_sidebars(page: Any) -> None:
    """Hide the file browser so screenshots show the notebook at full width."""
    if page.locator("#jp-left-stack:not(.lm-mod-hidden)").count():
        page.keyboard.press("Control+b")
        page.wait_for_selector("#jp-left-stack.lm-mod-hidden", state="attached", timeout=10_000)


def screenshots(page: Any, figure: Any, folder: Path, stem: str) -> list[Path]:
    """The page with the main figure in view, and the main panel's output alone."""
    folder.mkdir(parents=True, exist_ok=True)
    figure.scroll_into_view_if_needed()
    whole, panel = folder / f"{stem}.png", folder / f"{stem}_panel.png"
    page.screenshot(path=str(whole))
    output = figure.locator("xpath=ancestor::div[contains(@class, 'jp-OutputArea-output')][1]")
    output.screenshot(path=str(panel))
    return [whole, panel]


#: Every plotly figure on the page whose drawing does not fit: the drawing (``.main-svg``)
#: wider than its output area or the window, or a label of the figure drawn past the edge of
#: the drawing (cut off). Hidden figures (zero size: collapsed tabs) are left out. Also the
#: notebook scrolling sideways. Tolerance 2 px for subpixel rounding.
CLIPPED_JS = """() => {
  const found = [];
  const W = window.innerWidth;
  const inside = (r, box) => r.left >= box.left - 2 && r.right <= box.right + 2;
  document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
    const svg = gd.querySelector('.main-svg');
    if (!svg) return;
    const r = svg.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    const title = ((gd.layout && gd.layout.title && gd.layout.title.text) || ('figure ' + i))
      .replace(/<[^>]+>/g, ' ').slice(0, 70);
    const area = gd.closest('.jp-OutputArea-output') || gd.closest('.jp-Cell') || document.body;
    const a = area.getBoundingClientRect();
    if (!inside(r, a)) found.push(`${title}: drawing ${Math.round(r.left)}-${Math.round(r.right)} px outside its output area ${Math.round(a.left)}-${Math.round(a.right)}`);
    if (r.right > W + 2) found.push(`${title}: drawing ends at ${Math.round(r.right)} px, past the window (${W} px)`);
    const cut = [];
    gd.querySelectorAll('.main-svg text, .main-svg .annotation-text').forEach(t => {
      const s = (t.textContent || '').trim();
      if (!s) return;
      const b = t.getBoundingClientRect();
      if (b.width === 0) return;
      if (b.left < r.left - 2 || b.right > r.right + 2) cut.push(s.slice(0, 40));
    });
    if (cut.length) found.push(`${title}: labels cut at the edge: ${cut.slice(0, 5).join(' | ')}`);
  });
  for (const el of document.querySelectorAll('.jp-WindowedPanel-outer, .jp-NotebookPanel-notebook')) {
    if (el.scrollWidth > el.clientWidth + 2)
      found.push(`the notebook scrolls sideways: ${el.scrollWidth} px content in ${el.clientWidth} px`);
  }
  return found;
}"""


def clipped_figures(page: Any) -> list[str]:
    """What :data:`CLIPPED_JS` finds on the page: figures cut at the window's width."""
    return list(page.evaluate(CLIPPED_JS))
