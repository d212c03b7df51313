"""Panels of the non-negotiables notebook: heatmap by group, glue gauge, weakest links, contrast."""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..behaviours import NonNegotiables, non_negotiables
from ..network import Tribes
from ..plots.behaviours import (
    glue_figure,
    heatmap_figure,
    say_do_figure,
    spread_figure,
    weakest_links_figure,
)
from ..runner import RunResults
from ..segments import Segmentation
from ..workbook import Workbook
from .common import guarded_callback, redraw, show_figure, side_by_side, with_help

__all__ = ["non_negotiables_panel", "contrast_panel"]

#: 0.0 stands for "no standard" (ipywidgets shows a None value as an empty dropdown).
_STANDARDS: list[tuple[str, float]] = [("none", 0.0), ("70% favourable", 0.7),
                                        ("80% favourable", 0.8), ("90% favourable", 0.9)]


def _withheld(result: NonNegotiables, minimum: int) -> str:
    if not result.suppressed:
        return ""
    names = sorted({f"{s.dimension} {s.group}" for s in result.suppressed})
    return (f"<i>Withheld by the privacy guard (minimum {minimum}, complements and secondary "
            f"suppression): {html.escape(', '.join(names))}.</i>")


def _links_html(result: NonNegotiables) -> str:
    weak = result.weakest_links()
    if weak.empty:
        return ("<p><b>No weakest links:</b> no group is significantly below the rest of the "
                "organisation on any non-negotiable.</p>")
    fmt = (lambda v: f"{v:.0%}") if result.measure == "share" else (lambda v: f"{v:.2f}")
    rows = "".join(
        f"<tr><td>{html.escape(r['item'])}</td><td>{html.escape(r['grouping'])}</td>"
        f"<td>{html.escape(str(r['group']))}</td><td>{fmt(r['adherence'])} "
        f"({fmt(r['adherence_low'])}-{fmt(r['adherence_high'])})</td>"
        f"<td>{fmt(r['rest_adherence'])}</td><td>{r['p_adjusted']:.2g}</td></tr>"
        for _, r in weak.iterrows())
    return ("<table><tr><th>behaviour</th><th>grouping</th><th>group</th>"
            "<th>adherence (95% CI)</th><th>rest</th><th>adjusted p</th></tr>"
            f"{rows}</table>")


@with_help
def non_negotiables_panel(workbook: Workbook, *,
                          results: RunResults | None = None) -> widgets.VBox:
    """Adherence heatmap by group (main control: the grouping), glue gauge and weakest links.

    Parameters
    ----------
    workbook
        A loaded data folder.
    results
        Results of a run: the segments and tribes found there become groupings too.

    Returns
    -------
    ipywidgets.VBox
        With ``box.main_control`` (the grouping), ``box.main_figure`` (the heatmap) and
        ``box.result`` (the current :class:`~diagnostics.behaviours.NonNegotiables`).
    """
    segments = results.get(Segmentation) if results is not None else None
    tribes = results.get(Tribes) if results is not None else None
    cache: dict[tuple[str, float | None], NonNegotiables] = {}

    def compute(measure: str, standard: float | None) -> NonNegotiables:
        key = (measure, standard)
        if key not in cache:
            cache[key] = non_negotiables(workbook, segments=segments, tribes=tribes,
                                         measure=measure, standard=standard)
        return cache[key]

    first = compute("share", None)
    grouping = widgets.Dropdown(
        options=list(first.groupings), value=first.groupings[0], description="Group by",
        description_tooltip="The grouping whose groups form the heatmap's columns",
        tooltip="The grouping whose groups form the heatmap's columns")
    grouping.add_class("cdw-main-control")
    measure = widgets.ToggleButtons(
        options=[("share favourable", "share"), ("mean", "mean")], value="share",
        description="Adherence", tooltips=["Share of answers in the top two of the scale",
                                           "Mean answer"])
    standard = widgets.Dropdown(
        options=_STANDARDS, value=0.0, description="Standard",
        description_tooltip="A group below this standard (significantly) is a weakest link too",
        tooltip="A group below this standard (significantly) is a weakest link too")
    heatmap = show_figure(heatmap_figure(first, grouping=grouping.value))
    heatmap.add_class("cdw-main-figure")
    gauge = show_figure(glue_figure(first))
    links = show_figure(weakest_links_figure(first))
    table = widgets.HTML(_links_html(first))
    note = widgets.HTML(_withheld(first, workbook.guard.min_group_size))
    out = widgets.Output()
    box = widgets.VBox()

    def redraw_heatmap() -> None:
        redraw(heatmap, heatmap_figure(box.result, grouping=grouping.value))
        out.clear_output()

    def recompute() -> None:
        standard.disabled = measure.value != "share"
        chosen = (standard.value or None) if measure.value == "share" else None
        box.result = compute(measure.value, chosen)
        redraw(heatmap, heatmap_figure(box.result, grouping=grouping.value))
        redraw(gauge, glue_figure(box.result))
        redraw(links, weakest_links_figure(box.result))
        table.value = _links_html(box.result)
        note.value = _withheld(box.result, workbook.guard.min_group_size)
        out.clear_output()

    grouping.observe(guarded_callback(out, redraw_heatmap), names="value")
    callback = guarded_callback(out, recompute)
    measure.observe(callback, names="value")
    standard.observe(callback, names="value")
    box.children = [widgets.HBox([grouping, measure, standard]), heatmap, note,
                    side_by_side(gauge, links), table, out]
    box.result = first
    box.main_control = grouping
    box.main_figure = heatmap
    return box


@with_help
def contrast_panel(result: NonNegotiables | widgets.VBox) -> widgets.VBox:
    """The contrast: spread between groups per behaviour, and the say-do gaps.

    ``result`` is a :class:`~diagnostics.behaviours.NonNegotiables` or the box of
    :func:`non_negotiables_panel` (its current result is used).
    """
    res = result.result if isinstance(result, widgets.VBox) else result
    children: list[widgets.Widget] = [show_figure(spread_figure(res))]
    if not res.say_do.empty:
        children.append(show_figure(say_do_figure(res)))
    else:
        children.append(widgets.HTML("<i>The codebook pairs no importance item with a "
                                     "practice item (column importance_of).</i>"))
    return widgets.VBox(children)
