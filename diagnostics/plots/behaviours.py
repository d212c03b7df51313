"""Figures of the non-negotiables: behaviour x group heatmap, glue gauge, weakest links, spread."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .theme import COLORS, REFERENCE_LINE, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..behaviours import NonNegotiables

__all__ = ["heatmap_figure", "glue_figure", "weakest_links_figure", "spread_figure",
           "say_do_figure"]

_WEAK = "#D55E00"
_NN = COLORS[0]
_OTHER = COLORS[8]


def _fmt(result: NonNegotiables, value: float) -> str:
    if not np.isfinite(value):
        return ""
    return f"{value:.0%}" if result.measure == "share" else f"{value:.2f}"


def _unit(result: NonNegotiables) -> str:
    return (f"share favourable (top {result.favourable})" if result.measure == "share"
            else "mean answer")


def heatmap_figure(result: NonNegotiables, *, grouping: str | None = None,
                   non_negotiable_only: bool = False) -> go.Figure:
    """Adherence per behaviour (rows, non-negotiables first) and group (columns) of one grouping.

    Weak links are marked with a triangle; withheld groups are absent.
    """
    grouping = grouping or (result.groupings[0] if result.groupings else None)
    g = result.groups[result.groups["grouping"] == grouping]
    if non_negotiable_only:
        g = g[g["non_negotiable"]]
    items = [i for i in result.overall.sort_values("non_negotiable", ascending=False,
                                                   kind="stable")["item"] if i in set(g["item"])]
    groups = sorted(g["group"].unique(), key=str)
    z = g.pivot(index="item", columns="group", values="adherence").reindex(index=items,
                                                                           columns=groups)
    flag = g.assign(f=g["weak"] | g["below_standard"]).pivot(
        index="item", columns="group", values="f").reindex(index=items, columns=groups)
    low = g.pivot(index="item", columns="group", values="adherence_low").reindex(
        index=items, columns=groups)
    high = g.pivot(index="item", columns="group", values="adherence_high").reindex(
        index=items, columns=groups)
    nn = set(result.items)
    flagged = flag.fillna(False).astype(bool).to_numpy()
    ylabels = [f"{'★ ' if i in nn else ''}{i}" for i in items]
    text = [[(_fmt(result, z.iat[r, c]) + (" ▼" if flagged[r, c] else ""))
             for c in range(len(groups))] for r in range(len(items))]
    hover = [[(f"{items[r]} in {groups[c]}: {_fmt(result, z.iat[r, c])} "
               f"(95% CI {_fmt(result, low.iat[r, c])}-{_fmt(result, high.iat[r, c])})"
               + ("<br><b>weakest link</b>" if flagged[r, c] else ""))
              for c in range(len(groups))] for r in range(len(items))]
    zmin, zmax = (0.0, 1.0) if result.measure == "share" else (None, None)
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=[str(x) for x in groups], y=ylabels, text=text,
        texttemplate="%{text}", customdata=hover, hovertemplate="%{customdata}<extra></extra>",
        colorscale="Blues", zmin=zmin, zmax=zmax, colorbar={"title": {"text": "adherence"}},
        xgap=2, ygap=2))
    fig.update_yaxes(autorange="reversed", title="behaviour (★ non-negotiable)")
    fig.update_xaxes(title=str(grouping), side="bottom")
    title = f"Adherence by {grouping} ({_unit(result)}); ▼ weakest link"
    return apply_theme(fig, title=title, height=max(360, 40 * len(items) + 160))


def glue_figure(result: NonNegotiables) -> go.Figure:
    """The glue index as a gauge: share of groups holding every non-negotiable."""
    value = result.glue_index * 100 if np.isfinite(result.glue_index) else 0.0
    total = int(result.glue["groups"].sum()) if len(result.glue) else 0
    fig = go.Figure(go.Indicator(
        mode="gauge+number", value=value, number={"suffix": "%", "valueformat": ".0f"},
        title={"text": f"of {total} groups hold every non-negotiable"},
        gauge={"axis": {"range": [0, 100]}, "bar": {"color": _NN},
               "steps": [{"range": [0, 60], "color": "#fbe3d6"},
                         {"range": [60, 85], "color": "#fdf3d0"},
                         {"range": [85, 100], "color": "#dcefe6"}]}))
    return apply_theme(fig, title="Glue index", height=320)


def _wrap(text: str, width: int) -> str:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def weakest_links_figure(result: NonNegotiables, *, non_negotiable: bool = True) -> go.Figure:
    """Each non-negotiable's flagged groups (or else its lowest group), with intervals.

    The grey tick shows the rest of the organisation; flagged groups are orange.
    """
    low = result.lowest_groups(non_negotiable=non_negotiable)
    fig = go.Figure()
    if low.empty:
        fig.add_annotation(text="no group shown", showarrow=False)
        return apply_theme(fig, title="Weakest links")
    labels = [f"{r.group} ({r.grouping}):<br>{_wrap(str(r.label), 48)}" for r in low.itertuples()]
    flagged = (low["weak"] | low["below_standard"]).to_numpy()
    fig.add_scatter(
        x=low["adherence"], y=labels, mode="markers", name="group",
        marker={"color": np.where(flagged, _WEAK, _OTHER).tolist(), "size": 11},
        error_x={"type": "data", "symmetric": False,
                 "array": (low["adherence_high"] - low["adherence"]).to_numpy(),
                 "arrayminus": (low["adherence"] - low["adherence_low"]).to_numpy()},
        customdata=np.column_stack([low["n"], low["p_adjusted"], flagged]),
        hovertemplate="%{y}: %{x:.2f}<br>n=%{customdata[0]}, adjusted p=%{customdata[1]:.2g}"
                      "<extra></extra>")
    fig.add_scatter(x=low["rest_adherence"], y=labels, mode="markers", name="rest of organisation",
                    marker={"symbol": "line-ns-open", "size": 16, "color": "#333333",
                            "line": {"width": 2}},
                    hovertemplate="rest: %{x:.2f}<extra></extra>")
    if result.standard is not None:
        fig.add_vline(x=result.standard, line=REFERENCE_LINE,
                      annotation_text=f"standard {_fmt(result, result.standard)}")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=_unit(result), tickformat=".0%" if result.measure == "share" else None)
    if result.measure == "share":
        low_end = float(np.nanmin(low["adherence_low"].to_numpy(dtype=float)))
        fig.update_xaxes(range=[max(0.0, low_end - 0.05), 1.03])
    title = ("Weakest links (orange: clearly below the rest"
             + (" or the standard" if result.standard is not None else "") + ")")
    return apply_theme(fig, title=title, height=max(320, 56 * len(low) + 150))


def spread_figure(result: NonNegotiables) -> go.Figure:
    """Spread between groups per behaviour: non-negotiables should vary little."""
    o = result.overall.sort_values(["non_negotiable", "spread"], ascending=[False, True],
                                   kind="stable")
    colors = np.where(o["non_negotiable"], _NN, _OTHER).tolist()
    fig = go.Figure(go.Bar(
        x=o["item"], y=o["spread"], marker_color=colors,
        customdata=np.column_stack([o["label"].astype(str), o["adherence"]]),
        hovertemplate="%{x}: spread %{y:.3f}<br>%{customdata[0]}<extra></extra>"))
    fig.update_yaxes(title=f"SD of group {_unit(result)}")
    fig.update_xaxes(title="behaviour (blue: non-negotiable)")
    return apply_theme(fig, title="Spread between groups: non-negotiables vs other behaviours")


def say_do_figure(result: NonNegotiables) -> go.Figure:
    """Importance against practice for each declared pair, with the gap's interval."""
    org = result.say_do[result.say_do["grouping"] == "organisation"]
    fig = go.Figure()
    labels = [f"{r.importance_item} → {r.practice_item}" for r in org.itertuples()]
    fig.add_bar(x=labels, y=org["gap"], name="gap (importance − practice)",
                marker_color=COLORS[1],
                error_y={"type": "data", "symmetric": False,
                         "array": (org["gap_high"] - org["gap"]).to_numpy(),
                         "arrayminus": (org["gap"] - org["gap_low"]).to_numpy()},
                customdata=np.column_stack([org["importance"], org["practice"], org["n"]]),
                hovertemplate=("%{x}: gap %{y:.2f}<br>importance %{customdata[0]:.2f}, "
                               "practice %{customdata[1]:.2f}, n=%{customdata[2]}<extra></extra>"))
    unit = org["unit"].iloc[0] if len(org) else "points"
    fig.update_yaxes(title=f"gap ({unit})", zeroline=True)
    return apply_theme(fig, title="Say-do gap: how much more important than practised")


def group_table(result: NonNegotiables, grouping: str) -> pd.DataFrame:
    """The rows of one grouping (helper for panels)."""
    return result.groups[result.groups["grouping"] == grouping]
