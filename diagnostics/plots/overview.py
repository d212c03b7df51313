"""Figures of the first look: participation and item distributions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ..words import column_title
from .theme import COLORS, apply_theme, themed_figure

if TYPE_CHECKING:  # pragma: no cover
    from ..overview import ItemDistribution, Participation

__all__ = ["participation_figure", "distribution_figure"]


def participation_figure(result: Participation) -> go.Figure:
    """Respondents per group, one bar colour per wave."""
    fig = go.Figure()
    for i, (wave, part) in enumerate(result.counts.groupby("wave", sort=False)):
        fig.add_bar(x=part[result.by].astype(str), y=part["n"], name=str(wave),
                    marker_color=COLORS[i % len(COLORS)],
                    hovertemplate="%{x}: %{y} respondents<extra>" + str(wave) + "</extra>")
    fig.update_layout(barmode="group", xaxis_title=column_title(result.by), yaxis_title="respondents")
    return apply_theme(fig, title=f"Respondents by {column_title(result.by).lower()}")


def distribution_figure(result: ItemDistribution) -> go.Figure:
    """Stacked shares of each answer, one bar per group."""
    counts = result.counts
    answer_of = counts["answer"].to_numpy()
    groups = counts["group"].astype(str).to_numpy(dtype=object)
    shares = counts["share"].to_numpy(dtype=float)
    answers = sorted(counts["answer"].unique())
    palette = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac", "#053061"]
    bars = []
    for j, answer in enumerate(answers):
        rows = answer_of == answer
        color = palette[round(j * (len(palette) - 1) / max(len(answers) - 1, 1))]
        bars.append({"type": "bar", "y": groups[rows], "x": shares[rows], "orientation": "h",
                     "name": f"{answer:g}", "marker": {"color": color},
                     "hovertemplate": "%{y}: %{x:.0%}<extra>answer " + f"{answer:g}" + "</extra>"})
    layout = {"barmode": "stack",
              "xaxis": {"tickformat": ".0%", "title": {"text": "share of answers"}},
              "legend": {"title": {"text": "answer"}, "traceorder": "normal"}}
    title = result.label if len(result.label) < 80 else result.label[:77] + "..."
    return themed_figure(bars, layout, title=f"{result.item}: {title}")
