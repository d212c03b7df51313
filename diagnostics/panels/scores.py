"""Panels of the survey-scores notebook: key drivers, favourability, the question x group heatmap, eNPS."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..comments import Comments, comment_themes
from ..drivers import KeyDrivers, key_drivers
from ..enps import ENPS, enps, enps_item
from ..favourability import Favourability, favourability
from ..heatmap import ItemHeatmap, item_heatmap
from ..plots.comments import groups_figure, themes_figure
from ..plots.drivers import importance_figure, priority_figure
from ..plots.enps import enps_figure, enps_waves_figure
from ..plots.favourability import favourability_figure
from ..plots.heatmap import heatmap_figure
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import guarded_callback, mark_main, redraw, show_figure, with_help

__all__ = ["drivers_panel", "heatmap_panel", "favourability_panel", "enps_panel", "comments_panel"]


def _missing(text: str) -> widgets.VBox:
    box = widgets.VBox([widgets.HTML(f"<p><i>{html.escape(text)}</i></p>")])
    box.result = None
    return box


def _notes(result: Any) -> str:
    lines = [html.escape(n) for n in result.notes]
    if result.suppressed:
        names = sorted({str(s.group) for s in result.suppressed})
        lines.append("Withheld by the privacy guard: " + html.escape(", ".join(names)) + ".")
    return "".join(f"<p><i>{line}</i></p>" for line in lines)


@with_help
def drivers_panel(workbook: Workbook, *, resamples: int = 1000, seed: int = 0) -> widgets.VBox:
    """Key drivers of each outcome (main control: the outcome) and where to focus.

    Returns
    -------
    ipywidgets.VBox
        With ``box.main_control`` (the outcome), ``box.main_figure`` (the weights) and
        ``box.result`` (the :class:`~diagnostics.drivers.KeyDrivers` of the current choice).
    """
    cache: dict[str, KeyDrivers] = {}

    def compute(predictors: str) -> KeyDrivers:
        if predictors not in cache:
            cache[predictors] = key_drivers(workbook, predictors=predictors,
                                            resamples=resamples, seed=seed)
        return cache[predictors]

    first = compute("constructs")
    outcomes = list(zip(first.outcomes["label"], first.outcomes["outcome"], strict=True))
    outcome = widgets.Dropdown(options=outcomes, value=outcomes[0][1], description="Outcome",
                               tooltip="The outcome whose drivers are shown")
    predictors = widgets.ToggleButtons(
        options=[("constructs", "constructs"), ("questions", "items")], value="constructs",
        description="Drivers", tooltips=["Construct scores as drivers", "Single questions as drivers"])
    weights = show_figure(importance_figure(first, outcome.value))
    focus = show_figure(priority_figure(first, outcome.value))
    note = widgets.HTML(_notes(first))
    out = widgets.Output()
    box = widgets.VBox()

    # each (drivers, outcome) pair of figures, kept; the outcomes next to the one shown are
    # drawn ahead while the page is idle
    def figures(key: tuple[str, str]) -> tuple[go.Figure, go.Figure]:
        result = compute(key[0])
        return importance_figure(result, key[1]), priority_figure(result, key[1])

    drawn: Ahead[tuple[str, str], tuple[go.Figure, go.Figure]] = Ahead(figures)
    names = [o for _, o in outcomes]

    def update() -> None:
        box.result = compute(predictors.value)
        weights_figure, focus_figure = drawn.get((predictors.value, outcome.value))
        redraw(weights, weights_figure)
        redraw(focus, focus_figure)
        note.value = _notes(box.result)
        out.clear_output()
        drawn.ahead([(predictors.value, o) for o in neighbours(names, outcome.value)])

    callback = guarded_callback(out, update)
    outcome.observe(callback, names="value")
    predictors.observe(callback, names="value")
    box.children = [widgets.HBox([outcome, predictors]), weights, focus, note, out]
    box.result = first
    box.ahead = drawn
    drawn.ahead([("constructs", o) for o in neighbours(names, outcome.value)])
    return mark_main(box, outcome, weights)


@with_help
def heatmap_panel(workbook: Workbook) -> widgets.VBox:
    """Every question x every group of an attribute (main control: the attribute)."""
    cache: dict[tuple[str, str, str], ItemHeatmap] = {}

    def compute(by: str, measure: str, correction: str) -> ItemHeatmap:
        key = (by, measure, correction)
        if key not in cache:
            cache[key] = item_heatmap(workbook, by=by, measure=measure, correction=correction)
        return cache[key]

    attributes = list(workbook.attributes)
    by = widgets.Dropdown(options=attributes, value=attributes[0], description="Group by",
                          tooltip="The attribute whose groups form the columns")
    measure = widgets.ToggleButtons(options=[("favourable %", "share"), ("mean", "mean")],
                                    value="share", description="Show",
                                    tooltips=["Share of favourable answers", "Mean answer"])
    correction = widgets.Dropdown(
        options=[("Holm (fewest false alarms)", "holm"), ("Benjamini-Hochberg", "fdr_bh")],
        value="holm", description="Correction",
        tooltip="How the tests of all cells are adjusted for their number")
    first = compute(by.value, measure.value, correction.value)
    view = show_figure(heatmap_figure(first))
    note = widgets.HTML(_notes(first))
    out = widgets.Output()
    box = widgets.VBox()

    def update() -> None:
        box.result = compute(by.value, measure.value, correction.value)
        redraw(view, heatmap_figure(box.result))
        note.value = _notes(box.result)
        out.clear_output()

    callback = guarded_callback(out, update)
    for control in (by, measure, correction):
        control.observe(callback, names="value")
    box.children = [widgets.HBox([by, measure, correction]), view, note, out]
    box.result = first
    # the notebook's one main panel is the drivers panel; this one keeps the handles only
    box.main_control, box.main_figure = by, view  # type: ignore[attr-defined]
    return box


@with_help
def favourability_panel(workbook: Workbook) -> widgets.VBox:
    """Favourable / neutral / unfavourable bars, for the organisation or one group."""
    result: Favourability = favourability(workbook)
    choices = [("the organisation", "")] + [
        (f"{a}: {g}", f"{a}\x1f{g}")
        for a, g in result.groups[["attribute", "group"]].drop_duplicates().itertuples(index=False)]
    who = widgets.Dropdown(options=choices, value="", description="Show",
                           tooltip="The organisation, or one group that passes the privacy guard")
    view = show_figure(favourability_figure(result))
    out = widgets.Output()
    box = widgets.VBox()

    def update() -> None:
        if who.value:
            attribute, group = who.value.split("\x1f")
            redraw(view, favourability_figure(result, attribute=attribute, group=group))
        else:
            redraw(view, favourability_figure(result))
        out.clear_output()

    who.observe(guarded_callback(out, update), names="value")
    box.children = [who, view, widgets.HTML(_notes(result)), out]
    box.result = result
    return box


@with_help
def enps_panel(workbook: Workbook) -> widgets.VBox:
    """eNPS by group (control: the attribute) and by wave."""
    if enps_item(workbook) is None:
        return _missing("No eNPS question (0-10 recommendation) in this codebook: nothing to show.")
    result: ENPS = enps(workbook)
    attributes = list(dict.fromkeys(result.groups["attribute"])) or list(workbook.attributes)
    by = widgets.Dropdown(options=attributes, value=attributes[0], description="Group by",
                          tooltip="The attribute whose groups are compared with the rest")
    view = show_figure(enps_figure(result, by.value))
    children: list[widgets.Widget] = [by, view]
    if len(result.waves) > 1:
        children.append(show_figure(enps_waves_figure(result)))
    out = widgets.Output()

    def update() -> None:
        redraw(view, enps_figure(result, by.value))
        out.clear_output()

    by.observe(guarded_callback(out, update), names="value")
    box = widgets.VBox([*children, widgets.HTML(_notes(result)), out])
    box.result = result
    return box


def _quotes_html(result: Comments) -> str:
    parts = []
    for row in result.themes.itertuples(index=False):
        quotes = [q for q in str(row.quotes).split(" | ") if q]
        items = "".join(f"<li>“{html.escape(q)}”</li>" for q in quotes) or \
            "<li><i>no quote: too few commenters in the groups to quote from</i></li>"
        parts.append(f"<p><b>{html.escape(str(row.name))}</b> ({int(row.n)} comments)</p><ul>{items}</ul>")
    if result.n_sensitive:
        parts.append(f"<p><i>{result.n_sensitive} sensitive comments are counted and never quoted.</i></p>")
    return "".join(parts)


@with_help
def comments_panel(workbook: Workbook) -> widgets.VBox:
    """Themes of the comments by tone (control: the number of themes), tone by group, quotes."""
    if workbook.comments is None or workbook.comments.empty:
        return _missing("No comments.csv in this data folder: nothing to show.")
    cache: dict[int, Comments] = {}

    def compute(k: int) -> Comments:
        if k not in cache:
            cache[k] = comment_themes(workbook, n_themes=k or None)
        return cache[k]

    first = compute(0)
    themes = widgets.Dropdown(options=[("chosen from the data", 0)] + [(str(k), k) for k in range(2, 11)],
                              value=0, description="Themes",
                              tooltip="How many themes the comments are grouped into")
    view = show_figure(themes_figure(first))
    by_group = show_figure(groups_figure(first)) if len(first.groups) else widgets.HTML("")
    quotes = widgets.HTML(_quotes_html(first))
    out = widgets.Output()
    box = widgets.VBox()

    def update() -> None:
        box.result = compute(themes.value)
        redraw(view, themes_figure(box.result))
        quotes.value = _quotes_html(box.result)
        out.clear_output()

    themes.observe(guarded_callback(out, update), names="value")
    box.children = [themes, view, by_group, quotes, widgets.HTML(_notes(first)), out]
    box.result = first
    return box
