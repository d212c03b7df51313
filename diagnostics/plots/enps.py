"""Figures of the eNPS: score by group with intervals, and by wave."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from .theme import COLORS, REFERENCE_LINE, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..enps import ENPS

__all__ = ["enps_figure", "enps_waves_figure"]


def enps_figure(result: ENPS, attribute: str | None = None) -> go.Figure:
    """eNPS of each group of ``attribute`` (default the first) with its interval; line: organisation."""
    groups = result.groups
    if attribute is None and len(groups):
        attribute = str(groups["attribute"].iloc[0])
    frame = groups[groups["attribute"] == attribute].sort_values("score", kind="stable")
    overall = result.overall.iloc[0]
    pct = round(result.confidence * 100)
    fig = go.Figure()
    fig.add_bar(
        y=frame["group"].astype(str), x=frame["score"], orientation="h",
        marker_color=[("#D55E00" if s and d < 0 else COLORS[2] if s else COLORS[0])
                      for s, d in zip(frame["significant"], frame["difference"], strict=True)],
        error_x={"type": "data", "symmetric": False, "array": (frame["high"] - frame["score"]).tolist(),
                 "arrayminus": (frame["score"] - frame["low"]).tolist(), "color": "#333333"},
        customdata=frame[["n", "low", "high", "difference"]].to_numpy(),
        hovertemplate=("%{y}: eNPS %{x:+.0f} (" f"{pct}% CI " "%{customdata[1]:+.0f} to "
                       "%{customdata[2]:+.0f}; n = %{customdata[0]})<br>%{customdata[3]:+.0f} "
                       "vs the rest<extra></extra>"),
        name="eNPS", showlegend=False)
    fig.add_vline(x=float(overall["score"]), line=REFERENCE_LINE,
                  annotation_text=f"organisation {overall['score']:+.0f}", annotation_position="top")
    fig.update_layout(xaxis={"title": "eNPS (% promoters - % detractors)", "range": [-100, 100]},
                      height=max(300, 90 + 30 * len(frame)))
    return apply_theme(fig, title=f"Would recommend as a place to work: eNPS by {attribute or 'group'}")


def enps_waves_figure(result: ENPS) -> go.Figure:
    """eNPS per wave with its interval."""
    waves = result.waves
    fig = go.Figure()
    fig.add_scatter(
        x=waves["wave"].astype(str), y=waves["score"], mode="lines+markers", name="eNPS",
        error_y={"type": "data", "symmetric": False, "array": (waves["high"] - waves["score"]).tolist(),
                 "arrayminus": (waves["score"] - waves["low"]).tolist()},
        customdata=waves[["n"]].to_numpy(),
        hovertemplate="%{x}: eNPS %{y:+.0f} (n = %{customdata[0]})<extra></extra>")
    fig.update_layout(yaxis={"title": "eNPS", "range": [-100, 100]}, xaxis={"title": "wave"},
                      height=380)
    return apply_theme(fig, title="eNPS by wave")
