"""Figures of the key drivers: relative weights with intervals, and performance x importance."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import plotly.graph_objects as go

from .theme import COLORS, REFERENCE_LINE, themed_figure

if TYPE_CHECKING:  # pragma: no cover
    from ..drivers import KeyDrivers

__all__ = ["importance_figure", "priority_figure"]

_QUADRANT_COLORS = {"focus here": "#D55E00", "strength to keep": "#009E73",
                    "lower priority": "#999999", "less important strength": "#56B4E9"}


def _outcome(result: KeyDrivers, outcome: str | None) -> tuple[str, str]:
    table = result.outcomes.set_index("outcome")
    name = str(table.index[0]) if outcome is None else outcome
    return name, str(table.at[name, "label"])


def importance_figure(result: KeyDrivers, outcome: str | None = None) -> go.Figure:
    """Share of the explained variation per predictor, with its bootstrap interval."""
    name, label = _outcome(result, outcome)
    frame = result.overall(name).iloc[::-1]
    r2 = float(result.outcomes.set_index("outcome").at[name, "r2"])
    pct = round(result.confidence * 100)
    bar = {
        "type": "bar", "y": frame["label"].astype(str).to_numpy(dtype=object),
        "x": (frame["share"] * 100).to_numpy(dtype=float), "orientation": "h",
        "marker": {"color": [COLORS[0] if s else "#B0B0B0" for s in frame["significant"]]},
        "error_x": {"type": "data", "symmetric": False,
                    "array": ((frame["share_high"] - frame["share"]) * 100).tolist(),
                    "arrayminus": ((frame["share"] - frame["share_low"]) * 100).tolist(),
                    "color": "#333333"},
        "customdata": frame[["share_low", "share_high", "raw", "score"]].to_numpy() * [100, 100, 1, 1],
        "hovertemplate": ("%{y}: %{x:.0f}% of what is explained<br>"
                          f"{pct}% CI " "%{customdata[0]:.0f}-%{customdata[1]:.0f}%"
                          "<br>raw weight %{customdata[2]:.3f}; score %{customdata[3]:.0f}/100"
                          "<extra></extra>"),
        "name": "share", "showlegend": False}
    layout = {"xaxis": {"title": {"text": f"share of what the survey explains about {label} (%)"},
                        "rangemode": "tozero"}}
    return themed_figure([bar], layout, height=max(300, 80 + 30 * len(frame)),
                         title=(f"What goes with {label} (together {r2:.0%} explained; "
                                "grey: not clearly above chance)"))


def priority_figure(result: KeyDrivers, outcome: str | None = None) -> go.Figure:
    """Performance x importance: where to focus (high importance, low score)."""
    name, label = _outcome(result, outcome)
    frame = result.overall(name)
    traces = []
    for quadrant, color in _QUADRANT_COLORS.items():
        part = frame[frame["quadrant"] == quadrant]
        if part.empty:
            continue
        traces.append({
            "type": "scatter", "x": (part["share"] * 100).to_numpy(dtype=float),
            "y": part["score"].to_numpy(), "mode": "markers+text", "name": quadrant,
            "text": part["label"].astype(str).to_numpy(dtype=object),
            "textposition": "top center", "marker": {"size": 12, "color": color},
            "hovertemplate": ("%{text}<br>importance %{x:.0f}% of what is explained"
                              "<br>score %{y:.0f}/100<extra>" + quadrant + "</extra>")})
    layout: dict[str, Any] = {
        "xaxis": {"title": {"text": "importance: share of what is explained (%)"},
                  "rangemode": "tozero"},
        "yaxis": {"title": {"text": "score (0-100)"}}}
    if len(frame):
        x, y = float(frame["share"].median() * 100), float(frame["score"].median())
        layout["shapes"] = [
            {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
             "yref": "y domain", "line": dict(REFERENCE_LINE)},
            {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": y, "y1": y,
             "yref": "y", "line": dict(REFERENCE_LINE)}]
    return themed_figure(traces, layout, height=480,
                         title=f"Where to focus for {label}: important, but scoring low")
