"""Interaction latency: from a change of each notebook's main control to the redrawn figure.

For every ``notebooks/*.ipynb``, on the bundled sample (600 people) and on generated
organisations of 10,000 and 100,000 people (``diagnostics.sample.write_sample(dir,
people=N, seed=7)``, opened through ``CULTURE_DIAGNOSTICS_DATA``):

- **panel**: the notebook's code cells run in this process; the panel marked as the main one
  (``box.main_control``, ``box.main_figure``; see ``panels.common.mark_main``) is found among
  the cells' results; the control is set to each next value in turn, and the time until the
  figure holds new traces is recorded (median and worst of several changes; the first change,
  which fills caches, is reported too). Each cell's time is recorded too: ``open_s`` is the
  slowest cell (the panel that takes longest to open), ``notebook_run_s`` all cells.
- **browser**: the same notebook in JupyterLab and chromium (``tests/notebook_browser.py``);
  the time from the ``change`` event on the control to the first animation frame showing the
  new plot (``seconds``: what the user sees; the figure is redrawn in place by
  ``Plotly.react``, ``panels.live``, which stamps the plot element when it has drawn), and to
  the last change of the figure's DOM (``settled_s``, a MutationObserver timestamp: resizing
  and hover layers included); median of several changes. ``run_all_s`` is Run All Cells
  until every cell is done. Skipped when chromium is absent.

Targets (issue 17): 0.15 s on the sample, 0.3 s at 10,000 and 100,000 people, in the browser;
panels open at 100,000 people within 10 s.

Run: ``python -m benchmarks latency`` (``--quick``: sample size only, panel level only).
``LATENCY_SIZES=600,100000`` runs only those sizes; ``LATENCY_DATA=DIR`` keeps the generated
organisations in DIR (``orgN``) and reuses them on the next run (writing 100,000 people takes
about two minutes). ``LATENCY_LEVELS=browser`` (or ``panel``) runs one level only,
``LATENCY_NOTEBOOKS=00,03`` only the notebooks whose names start so. Each row carries the machine's load (``os.getloadavg``) when it was taken.
``python benchmarks/bench_latency.py --profile NOTEBOOK`` profiles one notebook's change;
``python benchmarks/bench_latency.py --kernel NOTEBOOK [PEOPLE]`` prints, per change of the
main control, the kernel's seconds and CPU seconds from the change to the figure sent, and the
part spent encoding it (``LATENCY_GAP=1``: a second between changes, as a person pauses; the
panels draw the next values ahead in such pauses, ``panels.ahead``).
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
             if any(p.stem.startswith(n.strip())
                    for n in (os.environ.get("LATENCY_NOTEBOOKS") or "").split(","))]
DATA_ENV = "CULTURE_DIAGNOSTICS_DATA"
TARGET_S = {600: 0.15, 10_000: 0.3, 100_000: 0.3}
#: Issue 17: a panel opens within this many seconds at 100,000 people...
OPEN_TARGET_S = 10.0
#: ... and shows progress when it takes longer than this.
PROGRESS_AFTER_S = 2.0
SIZES = (600, 10_000, 100_000)
CHANGES = 5


def _load() -> float:
    """The machine's one-minute load average (the benchmark shares two cores)."""
    return round(os.getloadavg()[0], 2)


def _sizes() -> tuple[int, ...]:
    found = os.environ.get("LATENCY_SIZES", "")
    return tuple(int(n) for n in found.split(",") if n.strip()) or SIZES


def _org(people: int, tmp: Path) -> Path | None:
    """The data folder of ``people`` (None: the bundled sample), written once per data dir."""
    if people == 600:
        return None
    from diagnostics.sample import write_sample

    base = Path(os.environ.get("LATENCY_DATA") or tmp)
    folder = base / f"org{people}"
    if (folder / "truth.json").exists() and (folder / "survey.csv").exists():
        return folder
    return write_sample(folder, people=people, seed=7)


@contextlib.contextmanager
def _data_folder(folder: Path | None) -> Iterator[None]:
    old = os.environ.get(DATA_ENV)
    if folder is None:
        os.environ.pop(DATA_ENV, None)
    else:
        os.environ[DATA_ENV] = str(folder)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(DATA_ENV, None)
        else:
            os.environ[DATA_ENV] = old


def run_cells(path: Path, timings: list[tuple[str, float]] | None = None) -> list[Any]:
    """Run a notebook's code cells here; return every cell's displayed value (last expression).

    ``timings`` (optional) receives each cell's first line and seconds.
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    shown: list[Any] = []
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb.cells:
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                start = time.perf_counter()
                tree = ast.parse(cell.source)
                last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                body = tree.body[:-1] if last is not None else tree.body
                exec(compile(ast.Module(body=body, type_ignores=[]), path.name, "exec"), namespace)
                if last is not None:
                    shown.append(eval(compile(ast.Expression(last.value), path.name, "eval"),
                                      namespace))
                if timings is not None:
                    timings.append((cell.source.strip().splitlines()[-1][:80],
                                    time.perf_counter() - start))
    finally:
        os.chdir(cwd)
    return shown


def find_main_panel(objects: list[Any]) -> Any:
    """The widget box whose ``main_control`` carries the ``cdw-main-control`` class.

    Falls back to the first box with ``main_control`` and ``main_figure`` attributes.
    """
    todo, found = list(objects), []
    while todo:
        obj = todo.pop(0)
        if hasattr(obj, "main_control") and hasattr(obj, "main_figure"):
            found.append(obj)
        todo.extend(getattr(obj, "children", ()) or ())
    marked = [b for b in found
              if "cdw-main-control" in getattr(b.main_control, "_dom_classes", ())]
    return (marked or found or [None])[0]


def _values(control: Any) -> list[Any]:
    """The values the control can take, starting after its current one."""
    options = getattr(control, "_options_values", None)
    if options is not None:
        values = list(options)
    elif hasattr(control, "min") and hasattr(control, "max"):
        step = getattr(control, "step", 1) or 1
        values, v = [], control.min
        while v <= control.max and len(values) < 50:
            values.append(v)
            v += step
    elif isinstance(control.value, bool):
        values = [control.value, not control.value]
    else:
        raise TypeError(f"cannot enumerate the values of {type(control).__name__}")
    if control.value in values:
        i = values.index(control.value)
        values = values[i + 1:] + values[:i]
    return values


def _trace_ids(fig: Any) -> tuple[int, ...]:
    return tuple(id(t) for t in fig.data)


def _data_of(fig: Any) -> str:
    """The traces as JSON, of a ``panels.FigureView`` (its ``.figure``) or a FigureWidget."""
    plotly_figure = getattr(fig, "figure", fig)
    return json.dumps(plotly_figure.to_plotly_json()["data"], sort_keys=True, default=str)


def panel_latency(box: Any, *, changes: int = CHANGES, timeout: float = 120.0) -> dict[str, Any]:
    """Set the main control to its next values; seconds until the figure has new traces."""
    control, fig = box.main_control, box.main_figure
    seconds: list[float] = []
    unchanged = 0
    for value in _values(control)[:changes]:
        data_before, ids_before = _data_of(fig), _trace_ids(fig)
        start = time.perf_counter()
        control.value = value
        while _trace_ids(fig) == ids_before and _data_of(fig) == data_before:
            if time.perf_counter() - start > timeout:
                break
            time.sleep(0.001)
        seconds.append(time.perf_counter() - start)
        unchanged += _data_of(fig) == data_before
    return {"first_s": seconds[0], "median_s": statistics.median(seconds[1:] or seconds),
            "max_s": max(seconds), "changes": len(seconds), "unchanged": unchanged,
            "control": type(control).__name__,
            "description": re.sub(r"<[^>]+>", "", getattr(control, "description", ""))}


def panel_row(path: Path, size: int) -> dict[str, Any]:
    """One notebook's row at the panel level, in this process (data from the environment)."""
    name = f"latency_panel:{path.stem}"
    start, load, cells = time.perf_counter(), _load(), []
    try:
        box = find_main_panel(run_cells(path, cells))
    except Exception as err:  # a broken notebook is a row, not the end of the run
        return {"benchmark": name, "size": size, "seconds": float("nan"),
                "error": f"{type(err).__name__}: {err}"}
    setup = time.perf_counter() - start
    if box is None:
        return {"benchmark": name, "size": size, "seconds": float("nan"),
                "error": "no main panel marked"}
    found = panel_latency(box)
    slowest = max(cells, key=lambda c: c[1])
    return {"benchmark": name, "size": size, "seconds": found["median_s"],
            "notebook_run_s": round(setup, 2), "open_s": round(slowest[1], 2),
            "slowest_cell": slowest[0],
            "cells_over_2s": [[c, round(t, 1)] for c, t in cells if t > PROGRESS_AFTER_S],
            "target_s": TARGET_S.get(size), **found, "load": load, "load_after": _load(),
            "meets_target": found["max_s"] < TARGET_S.get(size, float("inf"))}


def _panel_rows(size: int, folder: Path | None) -> list[dict[str, Any]]:
    """Each notebook in a fresh process (as in a fresh kernel: no cache of another notebook)."""
    import subprocess

    rows = []
    with _data_folder(folder):
        for path in NOTEBOOKS:
            code = ("import json, sys; from pathlib import Path; "
                    "from benchmarks.bench_latency import panel_row; "
                    f"print('\\x1e' + json.dumps(panel_row(Path({str(path)!r}), {size})))")
            proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  check=False)
            if "\x1e" in proc.stdout:
                row = json.loads(proc.stdout.rsplit("\x1e", 1)[1])
            else:
                row = {"benchmark": f"latency_panel:{path.stem}", "size": size,
                       "seconds": float("nan"), "error": f"exit {proc.returncode}"}
            print(json.dumps(row), file=sys.stderr, flush=True)
            rows.append(row)
    return rows


#: Records the time of every mutation of the figure, then changes the control as a user does
#: (a dropdown's next option, or a slider's handle one step right); the change is timed from
#: that event. Every animation frame it also looks for the new plot: ``panels.FigureView``
#: (``panels.live``) redraws the plot element in place and stamps it (``gd.__cdwDrawn``,
#: ``performance.now()``) when ``Plotly.react`` has drawn; a figure that replaces the element
#: counts when a new element has its drawing. The first frame showing either is when the user
#: sees the new figure (``window.__cdwDrawn``); the last mutation is when the figure has
#: settled (resizing, legend, hover layers).
_BROWSER_CHANGE_JS = """([fig, control]) => {
  window.__cdwMutations = [];
  const observer = new MutationObserver(() => window.__cdwMutations.push(performance.now()));
  observer.observe(fig, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__cdwObserver = observer;
  const old = fig.querySelector('.js-plotly-plot');
  window.__cdwDrawn = null;
  const poll = () => {
    const gd = fig.querySelector('.js-plotly-plot');
    const inPlace = gd && gd === old && (gd.__cdwDrawn || 0) > window.__cdwStart;
    if (inPlace || (gd && gd !== old && gd._fullLayout && gd.querySelector('.main-svg'))) {
      window.__cdwDrawn = performance.now();
    } else if (performance.now() - window.__cdwStart < 60000) {
      requestAnimationFrame(poll);
    }
  };
  const select = control.querySelector('select');
  const handle = control.querySelector('.noUi-handle');
  if (handle) handle.focus();
  window.__cdwStart = performance.now();
  requestAnimationFrame(poll);
  if (select) {
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    select.dispatchEvent(new Event('change', {bubbles: true}));
    return 'dropdown';
  }
  if (handle) {
    const key = Number(handle.getAttribute('aria-valuenow')) >= Number(handle.getAttribute('aria-valuemax'))
      ? 'ArrowLeft' : 'ArrowRight';
    handle.dispatchEvent(new KeyboardEvent('keydown', {key, code: key, bubbles: true}));
    return 'slider';
  }
  observer.disconnect();
  return null;
}"""


def _browser_rows(size: int, folder: Path | None, workdir: Path) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT / "tests"))
    import notebook_browser as nbb
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, Any]] = []
    with nbb.JupyterLab(workdir, data=folder) as lab, sync_playwright() as p:
        browser = nbb.launch(p)
        for path in NOTEBOOKS:
            name = f"latency_browser:{path.stem}"
            page = browser.new_page(viewport=nbb.VIEWPORT)
            load = _load()
            try:
                opened = nbb.open_notebook(page, lab, path.name)
                nbb.run_all_cells(opened)
                figure = nbb.main_figure(page)
                control = page.locator(".cdw-main-control")
                seconds, settled, arrived, kind = [], [], [], None
                for _ in range(CHANGES):
                    before = nbb.signature(figure)
                    kind = page.evaluate(_BROWSER_CHANGE_JS,
                                         [figure.element_handle(), control.element_handle()])
                    if kind is None:
                        break
                    nbb.wait_for_new_figure(page, figure, before)
                    # the redraw has begun; when nothing has moved for 1 s, read the last change
                    page.wait_for_function(
                        "() => performance.now() - (window.__cdwMutations.at(-1) || 0) > 1000",
                        timeout=nbb.REDRAW_MS, polling=100)
                    last, drawn, start, received = page.evaluate(
                        "() => { window.__cdwObserver.disconnect(); return "
                        "[window.__cdwMutations.at(-1), window.__cdwDrawn, window.__cdwStart, "
                        "document.querySelector('.cdw-main-figure .js-plotly-plot')"
                        "?.__cdwReceived]; }")
                    settled.append((last - start) / 1000)
                    if received is not None and received > start:
                        arrived.append((received - start) / 1000)
                    # a figure redrawn in place (go.FigureWidget) has no new element: settled
                    seconds.append((drawn - start) / 1000 if drawn is not None else settled[-1])
                if not seconds:
                    rows.append({"benchmark": name, "size": size, "seconds": float("nan"),
                                 "error": "the main control is neither a dropdown nor a slider"})
                    continue
                rows.append({"benchmark": name, "size": size, "control": kind,
                             "seconds": statistics.median(seconds), "max_s": max(seconds),
                             "settled_s": statistics.median(settled),
                             "settled_max_s": max(settled), "changes": len(seconds),
                             # from the change to the new figure's arrival in the page (the
                             # kernel's callback and the round trip); the rest is drawing
                             "arrived_s": statistics.median(arrived) if arrived else None,
                             "target_s": TARGET_S.get(size),
                             "run_all_s": round(opened.timings.get("run_all_s", float("nan")), 1),
                             "load": load, "load_after": _load(),
                             "meets_target": max(seconds) < TARGET_S.get(size, float("inf"))})
            except Exception as err:  # a broken notebook is a row, not the end of the run
                rows.append({"benchmark": name, "size": size, "seconds": float("nan"),
                             "error": f"{type(err).__name__}: {err}"[:500]})
            finally:
                page.close()
                lab.shutdown_kernels()
                if rows and rows[-1]["benchmark"] == name:
                    print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
        browser.close()
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    """Latency rows per notebook: panel level and in the browser, at 600, 10,000 and 100,000."""
    if quick:
        return _panel_rows(600, None)
    rows: list[dict[str, Any]] = []
    levels = (os.environ.get("LATENCY_LEVELS") or "panel,browser").split(",")
    browser = Path(os.environ.get("CDW_CHROMIUM", "/usr/bin/chromium")).exists()
    with tempfile.TemporaryDirectory(prefix="cdw-latency-") as tmp:
        for size in _sizes():
            folder = _org(size, Path(tmp))
            if "panel" in levels:
                rows += _panel_rows(size, folder)
            if browser and "browser" in levels:
                rows += _browser_rows(size, folder, Path(tmp) / f"lab{size}")
    return rows


def profile(name: str, *, people: int = 600, top: int = 25) -> str:
    """cProfile of one change of ``name``'s main control (after a warm-up change)."""
    import cProfile
    import pstats

    path = next(p for p in NOTEBOOKS if name in p.stem)
    with tempfile.TemporaryDirectory(prefix="cdw-profile-") as tmp:
        folder = _org(people, Path(tmp))
        with _data_folder(folder):
            box = find_main_panel(run_cells(path))
            values = _values(box.main_control)
            box.main_control.value = values[0]
            profiler = cProfile.Profile()
            profiler.enable()
            box.main_control.value = values[1 % len(values)]
            profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def kernel(name: str, *, people: int = 600, changes: int = 6) -> list[dict[str, Any]]:
    """Per change of ``name``'s main control: seconds, CPU seconds, and the figure's encoding.

    The data folder is ``$CULTURE_DIAGNOSTICS_DATA`` when set, else the organisation of
    ``people`` (``LATENCY_DATA`` keeps it). ``LATENCY_GAP`` seconds pass between changes.
    """
    from diagnostics.panels import live

    sent: list[tuple[float, int]] = []
    show = live.LiveFigure.show

    def timed(view: Any, fig: Any) -> None:
        start = time.process_time()
        show(view, fig)
        sent.append((time.process_time() - start, len(view._spec)))

    live.LiveFigure.show = timed  # type: ignore[method-assign,assignment]
    path = next(p for p in NOTEBOOKS if name in p.stem)
    gap = float(os.environ.get("LATENCY_GAP", "0"))
    rows = []
    with tempfile.TemporaryDirectory(prefix="cdw-kernel-") as tmp:
        given = os.environ.get(DATA_ENV)
        folder = Path(given) if given else _org(people, Path(tmp))
        with _data_folder(folder):
            start = time.perf_counter()
            box = find_main_panel(run_cells(path))
            opened = time.perf_counter() - start
            for value in (_values(box.main_control) * changes)[:changes]:
                time.sleep(gap)
                sent.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                box.main_control.value = value
                rows.append({"notebook": path.stem, "opened_s": round(opened, 1),
                             "seconds": round(time.perf_counter() - wall, 4),
                             "cpu_s": round(time.process_time() - cpu, 4),
                             "encode_cpu_s": round(sum(s for s, _ in sent), 4),
                             "sent_kb": round(sum(n for _, n in sent) / 1000, 1),
                             "load": _load()})
    live.LiveFigure.show = show  # type: ignore[method-assign]
    return rows


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--kernel":
        for row in kernel(sys.argv[2], people=int(sys.argv[3]) if len(sys.argv) > 3 else 600):
            print(json.dumps(row), flush=True)
    elif len(sys.argv) >= 3 and sys.argv[1] == "--profile":
        people = int(sys.argv[3]) if len(sys.argv) > 3 else 600
        print(profile(sys.argv[2], people=people))
    else:
        for row in run(quick="--quick" in sys.argv):
            print(json.dumps(row), flush=True)
