"""Panels of the start notebook: validation report, participation, item distributions."""

from __future__ import annotations

import html
from pathlib import Path

import ipywidgets as widgets
import plotly.graph_objects as go

from ..overview import item_distribution, participation
from ..participation import ResponseRates, response_rates
from ..words import count
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import (
    checked,
    default_folder,
    error_box,
    guarded_callback,
    help_labels,
    mark_main,
    redraw,
    show_figure,
)

__all__ = ["validation_panel", "participation_panel", "distribution_panel"]


#: Labels as wide as their text (ipywidgets cuts them at 80 px otherwise).
_LABEL = {"description_width": "initial"}


def _item_options(workbook: Workbook) -> list[tuple[str, str]]:
    """``(label, item)`` pairs: the item and its question text, cut to fit a dropdown."""
    labels = workbook.codebook["label"] if "label" in workbook.codebook else None
    options = []
    for item in workbook.items:
        text = labels.get(item) if labels is not None else None
        shown = f"{item}: {text}" if isinstance(text, str) and text.strip() else str(item)
        options.append((shown if len(shown) <= 80 else shown[:77] + "...", item))
    return options


def _report_html(folder: Path) -> tuple[str, Workbook | None]:
    report = checked(folder)
    errors, warnings = report.errors, report.warnings
    if errors:
        head = (f"<b style='color:#c0392b'>{html.escape(str(folder))}: not usable yet</b> — "
                f"{count(len(errors), 'problem')} to fix:")
    else:
        head = f"<b style='color:#1e8449'>{html.escape(str(folder))}: usable.</b> " + html.escape(
            repr(report.workbook))
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in errors[:40])
    if len(errors) > 40:
        items += f"<li>... and {len(errors) - 40} more</li>"
    warn = "".join(f"<li>{html.escape(str(p))}</li>" for p in warnings[:20])
    body = head + (f"<ol>{items}</ol>" if items else "")
    if warn:
        body += f"<p>{count(len(warnings), 'warning')} (the data were used after the stated repair):</p><ul>{warn}</ul>"
    return body, report.workbook


def validation_panel(folder: str | Path | None = None) -> widgets.VBox:
    """A folder picker with a Check button that shows the validation report.

    The loaded workbook is kept on the returned box as ``box.workbook``.
    """
    path = widgets.Text(value=str(folder or default_folder()), description="Data folder",
                        layout=widgets.Layout(width="70%"), style=_LABEL, continuous_update=False,
                        tooltip="A folder with survey.csv, codebook.csv and optional files; "
                                "press Enter or Check to validate it")
    button = widgets.Button(description="Check", button_style="primary",
                            tooltip="Validate the folder and show every problem found")
    out = widgets.HTML()
    box = widgets.VBox([widgets.HBox([path, button]), out])
    box.workbook = None  # type: ignore[attr-defined]

    def check(_: object = None) -> None:
        button.disabled, button.description = True, "Checking..."
        out.value = "<i>Reading and checking every file of the folder...</i>"
        try:
            text, wb = _report_html(Path(path.value).expanduser())
            out.value = text
            box.workbook = wb  # type: ignore[attr-defined]
        except Exception as err:  # shown in the page
            out.value = error_box(err).value
        finally:
            button.disabled, button.description = False, "Check"

    button.on_click(check)
    path.observe(check, names="value")
    check()
    return help_labels(box)


def _rates_html(rated: ResponseRates, attribute: str) -> str:
    """The response rates of the roster (overall, and per group of ``attribute``) as HTML."""
    rows = rated.by[rated.by["attribute"] == attribute]
    head = (f"<b>Response rate {rated.rate:.0%}</b>: {rated.responded} of {rated.invited} "
            f"invited people answered in {html.escape(rated.wave)} (from roster.csv).")
    if rows.empty:
        return head
    cells = "".join(f"<tr><td>{html.escape(str(r.group))}</td><td>{r.invited}</td>"
                    f"<td>{r.responded}</td><td>{r.rate:.0%}</td></tr>"
                    for r in rows.itertuples(index=False))
    hidden = sum(1 for s in rated.suppressed if s.dimension == attribute)
    tail = f"<br><i>{count(hidden, 'group')} withheld by the privacy guard.</i>" if hidden else ""
    return (f"{head}<table><tr><th>{html.escape(attribute)}</th><th>invited</th>"
            f"<th>answered</th><th>rate</th></tr>{cells}</table>{tail}")


def participation_panel(workbook: Workbook) -> widgets.VBox:
    """Respondents per group (pick the attribute); small groups are withheld."""
    if not workbook.attributes:
        return widgets.VBox([widgets.HTML("<i>The survey has no attribute columns to group by.</i>")])
    by = widgets.Dropdown(options=list(workbook.attributes), value=workbook.attributes[0],
                          description="Group by", style=_LABEL,
                          tooltip="The attribute to count respondents by, per wave")
    fig = show_figure()
    note = widgets.HTML()
    rates = widgets.HTML()
    out = widgets.Output()
    rated = response_rates(workbook) if workbook.roster is not None else None

    def render() -> None:
        result = participation(workbook, by=by.value)
        redraw(fig, result.figure())
        note.value = (f"<i>{count(len(result.suppressed), 'group')} withheld by the privacy guard "
                      f"(minimum {workbook.guard.min_group_size}).</i>" if result.suppressed else "")
        rates.value = _rates_html(rated, by.value) if rated is not None else ""
        out.clear_output()

    callback = guarded_callback(out, render)
    by.observe(callback, names="value")
    callback()
    box = widgets.VBox([by, rates, fig, note, out])
    box.main_control = by  # type: ignore[attr-defined]  # the notebook's main one is below
    box.main_figure = fig  # type: ignore[attr-defined]
    return help_labels(box)


def distribution_panel(workbook: Workbook) -> widgets.VBox:
    """Answer distributions: pick an item, a grouping and a wave."""
    if not workbook.items:
        return widgets.VBox([widgets.HTML("<i>The survey has no item columns (codebook.csv lists "
                                          "none), so there are no answers to show.</i>")])
    item = widgets.Dropdown(options=_item_options(workbook), value=workbook.items[0],
                            description="Item", style=_LABEL, layout=widgets.Layout(width="60%"),
                            tooltip="The survey question whose answers are shown")
    # "" stands for the whole organisation: a None value would show as an empty dropdown
    by = widgets.Dropdown(options=[("whole organisation", "")] + [(a, a) for a in workbook.attributes],
                          value="", description="Split by", style=_LABEL,
                          tooltip="One bar for the whole organisation, or one per group of this "
                                  "attribute (groups below the privacy minimum are withheld)")
    wave = widgets.Dropdown(options=list(workbook.waves), value=workbook.latest_wave,
                            description="Wave", style=_LABEL,
                            tooltip="The survey wave (default: the latest)")
    fig = show_figure()
    out = widgets.Output()

    # each (item, split, wave) figure, kept; the items next to the one shown are drawn ahead
    def figure(key: tuple[str, str, str]) -> go.Figure:
        shown, split, in_wave = key
        return item_distribution(workbook, item=shown, by=split or None, wave=in_wave).figure()

    figures: Ahead[tuple[str, str, str], go.Figure] = Ahead(figure)

    def render() -> None:
        redraw(fig, figures.get((item.value, by.value, wave.value)))
        out.clear_output()
        figures.ahead([(i, by.value, wave.value) for i in neighbours(workbook.items, item.value)])

    callback = guarded_callback(out, render)
    for control in (item, by, wave):
        control.observe(callback, names="value")
    callback()
    # the start notebook's main panel: the item drives the distribution figure
    box = mark_main(widgets.VBox([widgets.HBox([item, by, wave]), fig, out]), item, fig)
    box.split_control = by  # type: ignore[attr-defined]
    box.ahead = figures  # type: ignore[attr-defined]
    return help_labels(box)
