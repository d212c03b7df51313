"""Panels of the waves notebook: what moved (with wave pickers), changes by group, segment movers."""

from __future__ import annotations

import html

import ipywidgets as widgets
import plotly.graph_objects as go

from ..errors import InsufficientDataError
from ..plots.waves import changes_figure, group_changes_figure, network_figure, sankey_figure
from ..runner import RunResults
from ..segments import Segmentation
from ..waves import KINDS_OF_CHANGE, WaveComparison, network_waves, wave_changes
from ..words import count
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import absent, absent_from, guarded_callback, redraw, show_figure, with_help

__all__ = ["waves_panel", "group_changes_panel", "movers_panel"]

_KIND_NAMES: dict[str, str] = {
    "item": "items", "construct": "constructs", "adherence": "non-negotiable adherence",
    "say-do gap": "say-do gaps", "segment share": "segment shares", "network": "network",
}




def _summary(result: WaveComparison) -> str:
    moved = result.what_moved()
    verdicts = result.changes["verdict"].value_counts()
    small = int(verdicts.get("negligible", 0))
    steady = int(verdicts.get("no change", 0))
    aside = ""
    if small:
        aside += (f" {count(small, 'figure')} shifted detectably but by less than the smallest change "
                  f"that matters ({result.smallest_effect:g} standard deviation, "
                  f"{result.smallest_share_change * 100:g} points for shares): a small shift, "
                  "too small to matter.")
    if steady:
        aside += f" {count(steady, 'figure')} {'is' if steady == 1 else 'are'} shown to be steady (no change)."
    if moved.empty:
        return (f"<p>Nothing changed significantly from {html.escape(result.from_wave)} to "
                f"{html.escape(result.to_wave)} ({result.correction}-corrected)."
                f"{html.escape(aside)}</p>")
    rows = "".join(
        f"<tr><td>{i + 1}</td><td>{html.escape(str(r['item']))}</td>"
        f"<td>{r['from']:.3g} → {r['to']:.3g}</td>"
        f"<td>{r['change']:+.3g} ({r['ci_low']:+.3g} to {r['ci_high']:+.3g})</td>"
        f"<td>{r['effect_size']:+.2f}</td><td>{r['p_adjusted']:.2g}</td></tr>"
        for i, (_, r) in enumerate(moved.head(10).iterrows()))
    return ("<p><b>What moved</b>, largest effect first:</p><table><tr><th></th><th>figure</th>"
            "<th>from → to</th><th>change (95% CI)</th><th>effect</th><th>adjusted p</th></tr>"
            f"{rows}</table>" + (f"<p>{html.escape(aside.strip())}</p>" if aside else ""))


@with_help
def waves_panel(workbook: Workbook, *,
                results: RunResults | None = None) -> widgets.VBox:
    """Change bars with intervals (main control: which figures), and the two wave pickers.

    Parameters
    ----------
    workbook
        A loaded data folder.
    results
        Results of a run: movers are followed across the segments found there.

    Returns
    -------
    ipywidgets.VBox
        With ``box.main_control`` (the kind of figure shown), ``box.main_figure`` (the
        change bars) and ``box.result`` (the current
        :class:`~diagnostics.waves.WaveComparison`, also after the waves change).
    """
    waves = list(dict.fromkeys([*workbook.waves, *network_waves(workbook)]))
    if len(workbook.waves) < 2:
        waves = list(network_waves(workbook)) or waves
    segmentation = results.get(Segmentation) if results is not None else None
    cache: dict[tuple[str, str], WaveComparison] = {}

    def compute(a: str, b: str) -> WaveComparison:
        if (a, b) not in cache:
            cache[(a, b)] = wave_changes(workbook, waves=[a, b], segmentation=segmentation)
        return cache[(a, b)]

    try:
        first = wave_changes(workbook, segmentation=segmentation)
    except InsufficientDataError as err:
        return absent(f"Changes between waves need two waves of survey.csv (its wave column) "
                      f"or of network.csv: {err}")
    cache[(first.from_wave, first.to_wave)] = first
    earlier = widgets.Dropdown(options=waves, value=first.from_wave, description="From wave",
                               description_tooltip="The earlier wave",
                               tooltip="The earlier wave")
    later = widgets.Dropdown(options=waves, value=first.to_wave, description="To wave",
                             description_tooltip="The later wave", tooltip="The later wave")

    def kinds(result: WaveComparison) -> list[tuple[str, str]]:
        present = [k for k in KINDS_OF_CHANGE if (result.changes["kind"] == k).any()]
        return [(_KIND_NAMES[k], k) for k in present]

    options = kinds(first)
    default = "item" if any(v == "item" for _, v in options) else options[0][1]
    kind = widgets.Dropdown(options=options, value=default, description="Show",
                            description_tooltip="Which figures to compare between the waves",
                            tooltip="Which figures to compare between the waves")
    kind.add_class("cdw-main-control")
    fig = show_figure(changes_figure(first, kind=default))
    fig.add_class("cdw-main-figure")
    summary = widgets.HTML(_summary(first))
    out = widgets.Output()
    box = widgets.VBox()
    box.result = first

    # each (waves, kind) figure, kept; the kinds next to the one shown are drawn ahead
    def bars(key: tuple[str, str, str]) -> go.Figure:
        return changes_figure(compute(key[0], key[1]), kind=key[2])

    figures: Ahead[tuple[str, str, str], go.Figure] = Ahead(bars)

    def redraw_bars() -> None:
        redraw(fig, figures.get((earlier.value, later.value, kind.value)))
        out.clear_output()
        figures.ahead([(earlier.value, later.value, k)
                       for k in neighbours([v for _, v in kind.options], kind.value)])

    def repick() -> None:
        if earlier.value == later.value:
            raise ValueError("Pick two different waves to compare.")
        box.result = compute(earlier.value, later.value)
        present = kinds(box.result)
        if [v for _, v in present] != [v for _, v in kind.options]:
            value = kind.value if any(v == kind.value for _, v in present) else present[0][1]
            with kind.hold_trait_notifications():
                kind.options = present
                kind.value = value
        summary.value = _summary(box.result)
        redraw_bars()

    kind.observe(guarded_callback(out, redraw_bars), names="value")
    pick = guarded_callback(out, repick)
    earlier.observe(pick, names="value")
    later.observe(pick, names="value")
    box.children = [widgets.HBox([earlier, later, kind]), fig, summary, out]
    box.main_control = kind
    box.main_figure = fig
    box.ahead = figures
    figures.ahead([(earlier.value, later.value, k)
                   for k in neighbours([v for _, v in kind.options], kind.value)])
    return box


@with_help
def group_changes_panel(result: WaveComparison | widgets.VBox) -> widgets.VBox:
    """One figure's change per group: pick the figure and the grouping."""
    empty = absent_from(result)
    if empty is not None:
        return empty
    res = result.result if isinstance(result, widgets.VBox) else result
    items = list(res.changes["item"]) if res.group_changes.empty else \
        list(dict.fromkeys(res.group_changes["item"]))
    if res.group_changes.empty:
        return widgets.VBox([widgets.HTML("<i>No group changes: the data have no attributes "
                                          "shown in both waves.</i>")])
    moved = [i for i in res.what_moved()["item"] if i in set(items)]
    item = widgets.Dropdown(options=items, value=moved[0] if moved else items[0],
                            description="Figure", description_tooltip="The figure to split by group",
                            tooltip="The figure to split by group")
    groupings = list(dict.fromkeys(res.group_changes["grouping"]))
    grouping = widgets.Dropdown(options=[("all", "")] + [(g, g) for g in groupings], value="",
                                description="Grouping", tooltip="Show one grouping or all")
    fig = show_figure(group_changes_figure(res, item=item.value))
    out = widgets.Output()

    def render() -> None:
        redraw(fig, group_changes_figure(res, item=item.value, grouping=grouping.value or None))
        out.clear_output()

    callback = guarded_callback(out, render)
    item.observe(callback, names="value")
    grouping.observe(callback, names="value")
    return widgets.VBox([widgets.HBox([item, grouping]), fig, out])


@with_help
def movers_panel(result: WaveComparison | widgets.VBox) -> widgets.VBox:
    """The Sankey of segment movers, and the network's changes when there is a network."""
    empty = absent_from(result)
    if empty is not None:
        return empty
    res = result.result if isinstance(result, widgets.VBox) else result
    children: list[widgets.Widget] = []
    if not res.flows.empty:
        children.append(show_figure(sankey_figure(res)))
    else:
        why = [n for n in res.notes if n.startswith("Segment movers")]
        children.append(widgets.HTML("<i>" + html.escape(why[0] if why else
                                     "People could not be followed across segments.") + "</i>"))
    if (res.changes["kind"] == "network").any():
        children.append(show_figure(network_figure(res)))
    return widgets.VBox(children)
