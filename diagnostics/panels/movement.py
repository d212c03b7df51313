"""Panels of the movement notebook: activism ladder, tandems (the main panel), indicators."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np
import plotly.graph_objects as go

from ..activism import ActivismLadder, activism_ladder
from ..indicators import movement_indicators
from ..plots.movement import deeds_by_group_figure, ladder_by_group_figure
from ..tandems import TandemAnalysis, tandem_analysis
from ..words import count
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import guarded_callback, redraw, show_figure, with_help

__all__ = ["ladder_panel", "tandem_panel", "indicators_panel"]


def _notes(result: object) -> str:
    parts = [html.escape(n) for n in getattr(result, "notes", ())]
    parts += [f"<b>Note:</b> {html.escape(w)}" for w in getattr(result, "warnings", ())]
    hidden = getattr(result, "suppressed", ())
    if hidden:
        parts.append(f"{count(len(hidden), 'group')} withheld by the privacy guard: "
                     + html.escape(", ".join(s.group for s in hidden)) + ".")
    return "<br>".join(f"<i>{p}</i>" for p in parts)


def _unavailable(text: str) -> widgets.VBox:
    return widgets.VBox([widgets.HTML(f"<i>{html.escape(text)}</i>")])


@with_help
def ladder_panel(workbook: Workbook, result: ActivismLadder | None = None) -> widgets.VBox:
    """The activism ladder: the funnel for everyone, or the rungs per group of an attribute."""
    if workbook.actions is None:
        empty = _unavailable("No actions.csv in the data folder: the activism ladder needs it.")
        empty.result = None  # type: ignore[attr-defined]
        return empty
    ladder = result or activism_ladder(workbook)
    # ("funnel", ""), not None: ipywidgets shows a None value as an empty dropdown
    options: list[tuple[str, tuple[str, str]]] = [("whole organisation (funnel)", ("funnel", ""))]
    for a in dict.fromkeys(ladder.by_group["attribute"]):
        options += [(f"{a}: every rung", ("rungs", a)),
                    (f"{a}: activists and advocates, with intervals", ("deeds", a))]
    by = widgets.Dropdown(options=options, value=("funnel", ""), description="Show",
                          layout=widgets.Layout(width="60%"),
                          description_tooltip="The whole organisation as a funnel, the share of "
                                              "each rung per group, or the share of activists "
                                              "and advocates per group with 95% intervals")
    fig = show_figure(ladder.figure())
    out = widgets.Output()
    ratio = ladder.clicks_to_deeds
    low, high = ladder.clicks_to_deeds_ci
    summary = widgets.HTML(
        f"<b>{ratio:.1f} clicks per deed</b> (95% CI {low:.1f}-{high:.1f}): {ladder.clicks} "
        f"clicks (views, likes, reactions) against {ladder.deeds} deeds (attending, acting, "
        f"volunteering, leading, recruiting). <b>{int(ladder.counts.set_index('level').at['advocate', 'n'])}"
        "</b> true advocates.<br>" + _notes(ladder) if np.isfinite(ratio) else _notes(ladder))

    def render() -> None:
        if by.value[0] == "funnel":
            new = ladder.figure()
        elif by.value[0] == "rungs":
            new = ladder_by_group_figure(ladder, by.value[1])
        else:
            new = deeds_by_group_figure(ladder, by.value[1])
        redraw(fig, new)
        out.clear_output()

    by.observe(guarded_callback(out, render), names="value")
    box = widgets.VBox([by, fig, summary, out])
    box.result = ladder  # type: ignore[attr-defined]
    return box


def _test_html(result: TandemAnalysis) -> str:
    t = result.test
    level = f"{100 * result.confidence:.0f}%"

    def pct(x: float) -> str:
        return "n/a" if not np.isfinite(x) else f"{100 * x:.0f}%"

    if not np.isfinite(t["tandem_rate"]):
        return "<i>No finished tandem initiative at this threshold.</i><br>" + _notes(result)
    return (f"Tandem {pct(t['tandem_rate'])} vs the rest {pct(t['rest_rate'])}: difference "
            f"<b>{pct(t['difference'])}</b> ({level} CI {pct(t['difference_low'])} to "
            f"{pct(t['difference_high'])}), Fisher exact p = {t['fisher_p']:.2g}; all four "
            f"quadrants: chi-square p = {t['chi2_p']:.2g}. The dotted line is the seeds' 78%, "
            "claimed and unverified: a reference, not a target.<br>" + _notes(result))


@with_help
def tandem_panel(workbook: Workbook) -> widgets.VBox:
    """Success per quadrant of grassroots support x sponsorship; the threshold is the main control.

    The returned box carries ``main_control`` (the threshold slider) and ``main_figure``.
    """
    if workbook.initiatives is None:
        return _unavailable("No initiatives.csv in the data folder: the tandem analysis needs it.")
    first = tandem_analysis(workbook)
    supporters = workbook.initiatives["supporters"].astype(float)
    top = int(max(np.nanquantile(supporters, 0.95), first.threshold, 1))
    threshold = widgets.IntSlider(
        value=int(round(first.threshold)), min=int(max(supporters.min(), 0)), max=top, step=1,
        description="Grassroots from", continuous_update=False,
        style={"description_width": "initial"}, layout=widgets.Layout(width="60%"),
        description_tooltip=("Supporters an initiative needs to count as grassroots-backed; "
                             f"the default ({first.threshold:g}) is the "
                             f"{first.threshold_source}"))
    threshold.add_class("cdw-main-control")
    fig = show_figure(first.figure())
    fig.add_class("cdw-main-figure")
    text = widgets.HTML(_test_html(first))
    out = widgets.Output()
    # each threshold's analysis and figure, kept, and computed ahead for the neighbouring ones
    def compute(value: int) -> tuple[TandemAnalysis, go.Figure]:
        result = first if value == first.threshold else tandem_analysis(workbook, threshold=value)
        return result, result.figure()

    results: Ahead[int, tuple[TandemAnalysis, go.Figure]] = Ahead(compute)
    values = list(range(threshold.min, threshold.max + 1))

    def render() -> None:
        value = int(threshold.value)
        result, figure = results.get(value)
        redraw(fig, figure)
        text.value = _test_html(result)
        out.clear_output()
        results.ahead(neighbours(values, value))

    threshold.observe(guarded_callback(out, render), names="value")
    if float(first.threshold) != round(first.threshold):
        render()
    else:
        results.ahead(neighbours(values, int(threshold.value)))
    box = widgets.VBox([threshold, fig, text, out])
    box.ahead = results  # type: ignore[attr-defined]
    box.main_control = threshold  # type: ignore[attr-defined]
    box.main_figure = fig  # type: ignore[attr-defined]
    return box


def _table_html(result: object) -> str:
    rows = []
    for r in result.table.itertuples():  # type: ignore[attr-defined]
        if r.available:
            if r.unit == "%":
                value = f"{100 * r.value:.1f}% ({100 * r.low:.1f}-{100 * r.high:.1f})"
            else:
                value = f"{r.value:.2f} ({r.low:.2f}-{r.high:.2f})"
        else:
            value = f"<i>{html.escape(r.reason)}</i>"
        rows.append(f"<tr><td><b>{html.escape(r.indicator)}</b></td><td>{value}</td>"
                    f"<td>{html.escape(r.formula)}</td><td>{html.escape(r.reading)}</td>"
                    f"<td>{html.escape(r.detail)}</td></tr>")
    return ("<table style='border-collapse:collapse;font-size:0.9em'><tr><th>indicator</th>"
            "<th>value (95% CI)</th><th>formula</th><th>how to read it</th><th>detail</th></tr>"
            + "".join(rows) + "</table>")


@with_help
def indicators_panel(workbook: Workbook, ladder: ActivismLadder | None = None) -> widgets.VBox:
    """The indicator dashboard; the slider sets the steps of influence in the influence spread."""
    if ladder is None and workbook.actions is not None:
        ladder = activism_ladder(workbook)
    hops = widgets.IntSlider(value=2, min=1, max=4, description="Influence steps",
                             continuous_update=False, style={"description_width": "initial"},
                             description_tooltip="Steps of peer influence counted in the "
                                                 "influence spread")
    first = movement_indicators(workbook, ladder=ladder, hops=2)
    fig = show_figure(first.figure())
    table = widgets.HTML(_table_html(first))
    momentum = first.figures().get("momentum")
    out = widgets.Output()
    cache = {2: first}

    def render() -> None:
        if hops.value not in cache:
            cache[hops.value] = movement_indicators(workbook, ladder=ladder, hops=hops.value)
        result = cache[hops.value]
        redraw(fig, result.figure())
        table.value = _table_html(result)
        out.clear_output()

    hops.observe(guarded_callback(out, render), names="value")
    parts: list[widgets.Widget] = [hops, fig, table]
    if momentum is not None:
        parts.append(show_figure(momentum))
    return widgets.VBox([*parts, out])
