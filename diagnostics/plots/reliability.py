"""Figures of construct reliability: alpha with its interval, and how each item fits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from .theme import COLORS, REFERENCE_LINE, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..reliability import Reliability

__all__ = ["alpha_figure", "item_rest_figure"]

_BAND_COLORS = {"excellent": "#1a9850", "good": "#66bd63", "acceptable": "#a6d96a",
                "questionable": "#fdae61", "poor": "#f46d43", "unacceptable": "#d73027",
                "undefined": "#999999"}


def alpha_figure(result: Reliability) -> go.Figure:
    """Cronbach's alpha per construct with Feldt's interval; reference line at .70."""
    frame = result.constructs.iloc[::-1]
    fig = go.Figure()
    fig.add_bar(
        y=frame["construct"].astype(str), x=frame["alpha"], orientation="h",
        marker_color=[_BAND_COLORS.get(b, "#999999") for b in frame["band"]],
        error_x={"type": "data", "symmetric": False,
                 "array": (frame["ci_high"] - frame["alpha"]).tolist(),
                 "arrayminus": (frame["alpha"] - frame["ci_low"]).tolist(), "color": "#333333"},
        customdata=frame[["kind", "n_items", "n", "band", "ci_low", "ci_high"]].to_numpy(),
        hovertemplate=("%{y} (%{customdata[0]}, %{customdata[1]} items, n = %{customdata[2]}):"
                       "<br>alpha %{x:.2f}, %{customdata[3]}<br>"
                       f"{round(result.confidence * 100)}% CI "
                       "%{customdata[4]:.2f}-%{customdata[5]:.2f}<extra></extra>"),
        name="alpha", showlegend=False)
    fig.add_vline(x=0.7, line=REFERENCE_LINE, annotation_text="acceptable (.70)",
                  annotation_position="top")
    low = min(0.0, float(frame["ci_low"].min()) if len(frame) else 0.0)
    fig.update_layout(xaxis={"title": "Cronbach's alpha", "range": [low, 1.0]},
                      height=max(300, 60 + 28 * len(frame)))
    return apply_theme(fig, title="Reliability of each construct (Cronbach's alpha, Feldt CI)")


def item_rest_figure(result: Reliability) -> go.Figure:
    """Corrected item-total correlation per item; suspect (negative) items stand out."""
    items = result.items.iloc[::-1]
    fig = go.Figure()
    for suspect, name, color in ((False, "fits its construct", COLORS[0]),
                                 (True, "suspect: runs against its construct", "#c0392b")):
        part = items[items["suspect"] == suspect]
        if part.empty:
            continue
        fig.add_bar(
            y=(part["construct"] + " · " + part["item"]).astype(str), x=part["item_rest_r"],
            orientation="h", marker_color=color, name=name,
            customdata=part[["label", "alpha_if_deleted"]].to_numpy(),
            hovertemplate=("%{y}: r = %{x:.2f}<br>%{customdata[0]}<br>alpha if deleted "
                           "%{customdata[1]:.2f}<extra></extra>"))
    fig.add_vline(x=0.0, line={"color": "#333333", "width": 1})
    fig.add_vline(x=0.3, line=REFERENCE_LINE, annotation_text=".30", annotation_position="top")
    fig.update_layout(xaxis={"title": "corrected item-total correlation", "range": [-1, 1]},
                      barmode="overlay", height=max(320, 90 + 24 * len(items)))
    fig.update_yaxes(dtick=1, automargin=True)
    return apply_theme(fig, title="How each item fits its construct")
