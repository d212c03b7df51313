"""Panels of the start notebook: validation report, participation, item distributions."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import plotly.graph_objects as go

from ..loading import validate
from ..overview import item_distribution, participation
from ..workbook import Workbook
from .common import error_box, guarded_callback, redraw, sample_folder

__all__ = ["validation_panel", "participation_panel", "distribution_panel"]


def _report_html(folder: Path) -> tuple[str, Workbook | None]:
    report = validate(folder)
    errors, warnings = report.errors, report.warnings
    if errors:
        head = (f"<b style='color:#c0392b'>{html.escape(str(folder))}: not usable yet</b> — "
                f"{len(errors)} problem(s) to fix:")
    else:
        head = f"<b style='color:#1e8449'>{html.escape(str(folder))}: usable.</b> " + html.escape(
            repr(report.workbook))
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors[:40])
    if len(errors) > 40:
        items += f"<li>... and {len(errors) - 40} more</li>"
    warn = "".join(f"<li>{html.escape(str(p))}</li>" for p in warnings[:20])
    body = head + (f"<ol>{items}</ol>" if items else "")
    if warn:
        body += f"<p>{len(warnings)} warning(s) (the data were used after the stated repair):</p><ul>{warn}</ul>"
    return body, report.workbook


def validation_panel(folder: str | Path | None = None) -> widgets.VBox:
    """A folder picker with a Check button that shows the validation report.

    The loaded workbook is kept on the returned box as ``box.workbook``.
    """
    path = widgets.Text(value=str(folder or sample_folder()), description="Data folder",
                        layout=widgets.Layout(width="70%"),
                        tooltip="A folder with survey.csv, codebook.csv and optional files")
    button = widgets.Button(description="Check", button_style="primary",
                            tooltip="Validate the folder and show every problem found")
    out = widgets.HTML()
    box = widgets.VBox([widgets.HBox([path, button]), out])
    box.workbook = None  # type: ignore[attr-defined]

    def check(_: object = None) -> None:
        try:
            text, wb = _report_html(Path(path.value).expanduser())
            out.value = text
            box.workbook = wb  # type: ignore[attr-defined]
        except Exception as err:  # shown in the page
            out.value = error_box(err).value

    button.on_click(check)
    check()
    return box


def participation_panel(workbook: Workbook) -> widgets.VBox:
    """Respondents per group (pick the attribute); small groups are withheld."""
    if not workbook.attributes:
        return widgets.VBox([widgets.HTML("<i>The survey has no attribute columns to group by.</i>")])
    by = widgets.Dropdown(options=list(workbook.attributes), value=workbook.attributes[0],
                          description="Group by", tooltip="Attribute to count respondents by")
    fig = go.FigureWidget(participation(workbook, by=by.value).figure())
    note = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = participation(workbook, by=by.value)
        redraw(fig, result.figure())
        note.value = (f"<i>{len(result.suppressed)} group(s) withheld by the privacy guard "
                      f"(minimum {workbook.config.min_group_size}).</i>" if result.suppressed else "")
        out.clear_output()

    by.observe(guarded_callback(out, render), names="value")
    render()
    box = widgets.VBox([by, fig, note, out])
    box.main_control = by  # type: ignore[attr-defined]
    box.main_figure = fig  # type: ignore[attr-defined]
    return box


def distribution_panel(workbook: Workbook) -> widgets.VBox:
    """Answer distributions: pick an item, a grouping and a wave."""
    items = [(f"{i}: {workbook.codebook.at[i, 'label']}"[:70], i) for i in workbook.items]
    item = widgets.Dropdown(options=items, value=workbook.items[0], description="Item",
                            layout=widgets.Layout(width="60%"),
                            tooltip="The survey item whose answers are shown")
    by = widgets.Dropdown(options=[("whole organisation", None)] + [(a, a) for a in workbook.attributes],
                          value=None, description="Split by",
                          tooltip="Show one bar per group of this attribute (small groups are "
                                  "withheld)")
    wave = widgets.Dropdown(options=list(workbook.waves), value=workbook.latest_wave,
                            description="Wave", tooltip="The survey wave")
    fig = go.FigureWidget()
    out = widgets.Output()

    def render() -> None:
        result = item_distribution(workbook, item=item.value, by=by.value, wave=wave.value)
        redraw(fig, result.figure())
        out.clear_output()

    callback = guarded_callback(out, render)
    for control in (item, by, wave):
        control.observe(callback, names="value")
    render()
    # The start notebook's main panel: the item drives the distribution figure.
    item.add_class("cdw-main-control")
    fig.add_class("cdw-main-figure")
    box = widgets.VBox([widgets.HBox([item, by, wave]), fig, out])
    box.main_control = item  # type: ignore[attr-defined]
    box.main_figure = fig  # type: ignore[attr-defined]
    box.split_control = by  # type: ignore[attr-defined]
    return box
