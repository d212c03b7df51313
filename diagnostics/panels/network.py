"""Panels of the network notebook: the network picture, tribes, hubs, brokers, seeding, reach.

The graph of each relation is built once per workbook (``network_graph`` keeps it) with its
measures and layout, so a control change only recolours or recomputes what depends on it.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from ..network import (
    backstage_leaders,
    find_tribes,
    hyper_connected,
    movement_seeds,
    network_change,
    network_graph,
    picture_labels,
    reach_to_top,
    relations,
)
from ..network.views import COLOURINGS
from ..plots.network import (
    network_figure,
    passion_figure,
    seed_share_figure,
    spread_figure,
    tribe_department_figure,
    tribe_profile_figure,
)
from ..words import count
from ..workbook import Workbook
from .ahead import Ahead, neighbours
from .common import guarded_callback, redraw, show_figure, with_help

__all__ = ["network_panel", "tribes_panel", "passion_panel", "brokers_panel", "seeding_panel",
           "reach_panel", "change_panel"]

_WIDE = widgets.Layout(width="320px")
_STYLE = {"description_width": "110px"}


def _message(text: str) -> widgets.VBox:
    return widgets.VBox([widgets.HTML(f"<i>{html.escape(text)}</i>")])


def _relation(workbook: Workbook) -> widgets.Dropdown:
    found = relations(workbook)
    return widgets.Dropdown(options=found, value=found[0], description="Relation",
                            tooltip="Which ties: influence (who influences whom), advice, energy...",
                            layout=_WIDE, style=_STYLE)


def _resolution() -> widgets.FloatSlider:
    return widgets.FloatSlider(value=1.0, min=0.2, max=3.0, step=0.1, description="Resolution",
                               continuous_update=False, readout_format=".1f",
                               tooltip="Leiden resolution: higher gives more, smaller tribes "
                                       "(1 = classic modularity)",
                               layout=_WIDE, style=_STYLE)


def _notes(result: Any) -> str:
    lines = [html.escape(n) for n in result.notes]
    if result.suppressed:
        lines.append(f"{count(len(result.suppressed), 'group figure')} withheld by the privacy guard.")
    return "".join(f"<div><i>{line}</i></div>" for line in lines)


@with_help
def network_panel(workbook: Workbook) -> widgets.VBox:
    """The network picture: pick the relation, the tribes' resolution and what colours people.

    The main control is the colouring; the picture is pseudonymous (hover shows pseudonyms).
    """
    if not relations(workbook):
        return _message("No network.csv in the data folder: there is no network to draw.")
    relation = _relation(workbook)
    resolution = _resolution()
    colour = widgets.Dropdown(options=[(c.capitalize(), c) for c in COLOURINGS], value="tribe",
                              description="Colour by", layout=_WIDE, style=_STYLE,
                              tooltip="Tribe (Leiden), department (small ones withheld), passion "
                                      "x connectivity quadrant, or role")
    colour.add_class("cdw-main-control")
    fig = show_figure()
    fig.add_class("cdw-main-figure")
    note = widgets.HTML()
    out = widgets.Output()

    summaries: dict[tuple[str, float], str] = {}

    def summary(net_relation: str, res: float) -> str:
        if (net_relation, res) not in summaries:
            net = network_graph(workbook, relation=net_relation)
            tribes = find_tribes(workbook, relation=net_relation, resolution=res,
                                 stability_runs=0)
            overlap = ("" if tribes.department_overlap != tribes.department_overlap else
                       f"; overlap with departments NMI {tribes.department_overlap:.2f}")
            summaries[(net_relation, res)] = (
                f"{net.n} people, {net.graph.ecount()} ties; {tribes.n_tribes} tribes at "
                f"resolution {res:.1f} (modularity {tribes.modularity:.2f}{overlap}). People "
                "are shown by pseudonym." + _notes(tribes))
        return summaries[(net_relation, res)]

    # each picture (relation, resolution, colouring), kept; the other colourings of the
    # relation and resolution shown are drawn ahead, while the page is idle
    def picture(key: tuple[str, float, str]) -> go.Figure:
        net_relation, res, colour_by = key
        net = network_graph(workbook, relation=net_relation)
        labels = picture_labels(workbook, net, colour_by, resolution=res)
        return network_figure(net, labels, colour_by=colour_by, guard=workbook.guard,
                              title=f"The {net.relation} network coloured by {colour_by}")

    pictures: Ahead[tuple[str, float, str], go.Figure] = Ahead(picture)

    def render() -> None:
        key = (relation.value, resolution.value, colour.value)
        redraw(fig, pictures.get(key))
        note.value = summary(relation.value, resolution.value)
        out.clear_output()
        pictures.ahead([(key[0], key[1], c)
                        for c in neighbours(COLOURINGS, colour.value, reach=len(COLOURINGS))])

    callback = guarded_callback(out, render)
    for control in (relation, resolution, colour):
        control.observe(callback, names="value")
    render()
    box = widgets.VBox([widgets.HBox([relation, resolution, colour]), fig, note, out])
    box.ahead = pictures  # type: ignore[attr-defined]
    box.main_control = colour  # type: ignore[attr-defined]
    box.main_figure = fig  # type: ignore[attr-defined]
    return box


@with_help
def tribes_panel(workbook: Workbook) -> widgets.VBox:
    """Tribes across departments (heatmap) and each tribe's size and mood."""
    if not relations(workbook):
        return _message("No network.csv in the data folder: no tribes to show.")
    relation = _relation(workbook)
    resolution = _resolution()
    heat = show_figure()
    sizes = show_figure()
    table = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        tribes = find_tribes(workbook, relation=relation.value, resolution=resolution.value,
                             stability_runs=0)
        if tribes.department_mix.empty:
            redraw(heat, go.Figure(layout_title_text="No department attribute to compare "
                                                     "tribes with"))
        else:
            redraw(heat, tribe_department_figure(tribes))
        redraw(sizes, tribe_profile_figure(tribes))
        frame = tribes.to_frame().round(3)
        table.value = frame.to_html(index=False, na_rep="withheld") + _notes(tribes)
        out.clear_output()

    callback = guarded_callback(out, render)
    relation.observe(callback, names="value")
    resolution.observe(callback, names="value")
    render()
    return widgets.VBox([widgets.HBox([relation, resolution]), heat, sizes, table, out])


@with_help
def passion_panel(workbook: Workbook) -> widgets.VBox:
    """Passion x connectivity: who is connected, who is passionate, and the hyper-connected."""
    if not relations(workbook):
        return _message("No network.csv in the data folder: no connectivity to map.")
    relation = _relation(workbook)
    share = widgets.FloatSlider(value=0.2, min=0.05, max=0.5, step=0.05,
                                description="Connected share", readout_format=".0%",
                                continuous_update=False, layout=_WIDE, style=_STYLE,
                                tooltip="The best-connected share of people counted as connected")
    fig = show_figure()
    note = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = hyper_connected(workbook, relation=relation.value,
                                 connected_share=share.value)
        redraw(fig, passion_figure(result))
        lines = "".join(f"<li>{html.escape(f.headline)}</li>" for f in result.findings())
        note.value = f"<ul>{lines}</ul>" + _notes(result)
        out.clear_output()

    callback = guarded_callback(out, render)
    relation.observe(callback, names="value")
    share.observe(callback, names="value")
    render()
    return widgets.VBox([widgets.HBox([relation, share]), fig, note, out])


@with_help
def brokers_panel(workbook: Workbook) -> widgets.VBox:
    """Backstage leaders: brokerage against visibility, and the ranked list (pseudonymous)."""
    if not relations(workbook):
        return _message("No network.csv in the data folder: no brokers to find.")
    relation = _relation(workbook)
    min_tribes = widgets.IntSlider(value=2, min=1, max=5, description="Tribes bridged",
                                   continuous_update=False, layout=_WIDE, style=_STYLE,
                                   tooltip="Other tribes a backstage leader has at least two "
                                           "ties with")
    fig = show_figure()
    table = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = backstage_leaders(workbook, relation=relation.value, min_tribes=min_tribes.value)
        redraw(fig, result.figure())
        frame = result.to_frame()
        frame = frame[frame["backstage"]].drop(columns=["backstage", "is_leader",
                                                        "hyper_connected"])
        table.value = (frame.head(20).round(3).to_html(index=False, na_rep="")
                       + "".join(f"<p>{html.escape(f.headline)}</p>" for f in result.findings())
                       + _notes(result))
        out.clear_output()

    callback = guarded_callback(out, render)
    relation.observe(callback, names="value")
    min_tribes.observe(callback, names="value")
    render()
    return widgets.VBox([widgets.HBox([relation, min_tribes]), fig, table, out])


@with_help
def seeding_panel(workbook: Workbook) -> widgets.VBox:
    """Movement seeding: pick the seed share and the spread model; compare with leaders."""
    if not relations(workbook):
        return _message("No network.csv in the data folder: no spread to simulate.")
    relation = _relation(workbook)
    share = widgets.FloatSlider(value=0.01, min=0.005, max=0.05, step=0.005,
                                description="Seed share", readout_format=".1%",
                                continuous_update=False, layout=_WIDE, style=_STYLE,
                                tooltip="Share of people to start the movement with (the seeds "
                                        "claim 1%; a claim, not a law)")
    model = widgets.Dropdown(options=[("Independent cascade", "cascade"),
                                      ("Linear threshold", "threshold")], value="cascade",
                             description="Spread model", layout=_WIDE, style=_STYLE,
                             tooltip="How behaviour passes from person to person")
    curves = show_figure()
    by_share = show_figure()
    note = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = movement_seeds(workbook, relation=relation.value, share=share.value,
                                model=model.value, runs=100)
        redraw(curves, spread_figure(result))
        redraw(by_share, seed_share_figure(result))
        note.value = ("".join(f"<p>{html.escape(f.headline)} ({html.escape(f.uncertainty)})</p>"
                              for f in result.findings())
                      + result.summary.round(3).to_html(index=False) + _notes(result))
        out.clear_output()

    callback = guarded_callback(out, render)
    for control in (relation, share, model):
        control.observe(callback, names="value")
    render()
    return widgets.VBox([widgets.HBox([relation, share, model]), curves, by_share, note, out])


@with_help
def reach_panel(workbook: Workbook) -> widgets.VBox:
    """Reach to the top: how many people are within 1, 2, 3 steps of a formal leader."""
    if not relations(workbook):
        return _message("No network.csv in the data folder: no reach to measure.")
    if not workbook.leaders:
        return _message("No formal leaders are flagged (is_leader or leader_levels): reach to "
                        "the top cannot be measured.")
    relation = _relation(workbook)
    fig = show_figure()
    groups = show_figure()
    note = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = reach_to_top(workbook, relation=relation.value)
        figs = result.figures()
        redraw(fig, figs["reach"])
        if "reach_by_group" in figs:
            redraw(groups, figs["reach_by_group"])
        note.value = ("".join(f"<p>{html.escape(f.headline)}</p>" for f in result.findings())
                      + _notes(result))
        out.clear_output()

    callback = guarded_callback(out, render)
    relation.observe(callback, names="value")
    render()
    return widgets.VBox([relation, fig, groups, note, out])


@with_help
def change_panel(workbook: Workbook) -> widgets.VBox:
    """Change between waves of a relation whose ties carry a wave."""
    from ..network import relation_waves

    found = [r for r in relations(workbook) if len(relation_waves(workbook, r)) >= 2]
    if not found:
        return _message("No relation's ties carry two or more waves: no change to show.")
    relation = widgets.Dropdown(options=found, value=found[0], description="Relation",
                                layout=_WIDE, style=_STYLE,
                                tooltip="A relation asked in more than one wave")
    fig = show_figure()
    table = widgets.HTML()
    out = widgets.Output()

    def render() -> None:
        result = network_change(workbook, relation=relation.value)
        redraw(fig, result.figure())
        table.value = (result.to_frame().round(3).to_html(index=False, na_rep="")
                       + result.transitions.round(3).to_html(index=False, na_rep="")
                       + "".join(f"<p>{html.escape(f.headline)}</p>" for f in result.findings()))
        out.clear_output()

    callback = guarded_callback(out, render)
    relation.observe(callback, names="value")
    render()
    return widgets.VBox([relation, fig, table, out])
