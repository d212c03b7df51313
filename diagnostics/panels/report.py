"""The report notebook's panel: preview the report's figures and export it.

The panel shows the report's own content (:func:`diagnostics.report.build_report`): the
figure picked in the dropdown is the very figure the HTML, PDF and PowerPoint show, so a
notebook and the report cannot disagree.
"""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import plotly.graph_objects as go

from ..report import SUPPORTED_FORMATS, build_report, write_report
from ..report.content import Report
from ..runner import RunOptions, RunResults, run_all, steps
from ..workbook import Workbook
from .common import guarded_callback, help_labels, mark_main, redraw, show_figure

__all__ = ["report_panel", "summary_html"]


def summary_html(report: Report) -> str:
    """The executive summary as HTML (escaped), as the report writes it."""
    items = []
    for k in report.summary:
        f = k.finding
        unc = f" <span style='color:#555'>({html.escape(f.uncertainty)})</span>" if f.uncertainty else ""
        items.append(f"<li><b>{html.escape(f.value or '–')}</b> {html.escape(f.headline)}{unc} "
                      f"<i style='color:#777'>{html.escape(k.section.title)}</i></li>")
    skipped = "".join(f"<li><b>{html.escape(s.title)}</b>: {html.escape(s.reason)}</li>"
                      for s in report.skipped)
    return (f"<h3 style='color:{report.branding.primary}'>{html.escape(report.branding.organisation)}"
            f": executive summary</h3><p>{html.escape(report.intro)}</p><ol>{''.join(items)}</ol>"
            + (f"<details><summary>Not run ({len(report.skipped)})</summary><ul>{skipped}</ul>"
               "</details>" if skipped else ""))


def _run(workbook: Workbook, bar: widgets.IntProgress, label: widgets.HTML) -> RunResults:
    total = max(len(steps()), 1)
    bar.max, bar.value = total, 0

    def on_step(title: str) -> None:
        bar.value = min(bar.value + 1, total)
        label.value = f"<i>running: {html.escape(title)}</i>"

    results = run_all(workbook, RunOptions(), on_step=on_step)
    bar.value = total
    label.value = ""
    return results


def report_panel(workbook: Workbook, *, results: RunResults | None = None,
                 out: str | Path | None = None) -> widgets.VBox:
    """Preview every figure of the client report and export the report.

    Parameters
    ----------
    workbook
        The loaded data folder.
    results
        The results of :func:`diagnostics.run_all` (default: run every diagnostic now,
        with a progress bar).
    out
        The default output folder (default ``report`` in the current folder).

    Returns
    -------
    ipywidgets.VBox
        With ``main_control`` (the figure dropdown), ``main_figure``, ``report`` (the
        content shown) and ``export`` (press the Export button from code).
    """
    bar = widgets.IntProgress(value=0, min=0, max=1, description="Progress",
                              layout=widgets.Layout(width="60%"))
    status = widgets.HTML()
    if results is None:
        results = _run(workbook, bar, status)
    report = build_report(results)
    titles = {s.key: s.title for s in report.sections}
    options = [(f"{titles[f.section]}: {f.title}"[:90], f.id) for f in report.figures]
    by_id = {f.id: f for f in report.figures}
    summary = widgets.HTML(summary_html(report))
    picker = widgets.Dropdown(options=options, value=options[0][1] if options else None,
                              description="Figure", layout=widgets.Layout(width="70%"),
                              tooltip="Every figure of the report, by section; the chart below "
                                      "is the one the report shows")
    fig = show_figure(by_id[picker.value].figure if options else go.Figure())
    caption = widgets.HTML()
    out_box = widgets.Output()

    def show() -> None:
        chosen = by_id[picker.value]
        redraw(fig, chosen.figure)
        section = next(s for s in report.sections if s.key == chosen.section)
        caption.value = (f"<p style='color:#555'><b>How it is computed.</b> "
                         f"{html.escape(section.method)}</p>")
        out_box.clear_output()

    picker.observe(guarded_callback(out_box, show), names="value")
    if options:
        show()

    folder = widgets.Text(value=str(out or Path.cwd() / "report"), description="Save in",
                          layout=widgets.Layout(width="60%"),
                          tooltip="Folder for report.html, report.pdf, report.pptx, report.xlsx")
    formats = [widgets.Checkbox(value=True, description=f, indent=False,
                                layout=widgets.Layout(width="70px"),
                                tooltip=f"Write report.{f}") for f in SUPPORTED_FORMATS]
    names = widgets.Checkbox(value=False, description="names (analyst copy)", indent=False,
                             tooltip="Show respondent ids instead of pseudonyms; never for "
                                     "circulation")
    button = widgets.Button(description="Export", button_style="primary", icon="download",
                            tooltip="Write the report in the chosen formats")
    written = widgets.HTML()

    def export() -> None:
        chosen = [f for f, c in zip(SUPPORTED_FORMATS, formats, strict=True) if c.value]
        written.value = ""

        def on_progress(what: str, done: int, total: int) -> None:
            bar.max, bar.value = total, done
            status.value = f"<i>{html.escape(what)}</i>"

        bar.value = 0
        paths = write_report(results, Path(folder.value).expanduser(), formats=chosen,
                             names=names.value, on_progress=on_progress)
        seconds = paths.wall_seconds
        status.value = f"<i>done in {seconds:.1f} s</i>"
        written.value = "<ul>" + "".join(f"<li><code>{html.escape(str(p))}</code></li>"
                                         for p in paths) + "</ul>"

    run_export = guarded_callback(out_box, export)
    button.on_click(lambda _b: run_export())
    box = widgets.VBox([
        summary,
        widgets.HTML("<h4>Every figure of the report</h4>"),
        picker, fig, caption,
        widgets.HTML("<h4>Export</h4>"),
        widgets.HBox([folder, button]),
        widgets.HBox([widgets.Label("Formats:"), *formats, names]),
        widgets.HBox([bar, status]), written, out_box,
    ])
    mark_main(box, picker, fig)
    box.report = report  # type: ignore[attr-defined]
    box.report_workbook = results.workbook  # type: ignore[attr-defined]
    box.export = run_export  # type: ignore[attr-defined]
    box.formats = formats  # type: ignore[attr-defined]
    box.folder = folder  # type: ignore[attr-defined]
    return help_labels(box)
