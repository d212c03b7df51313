"""Figures of the stories: theme mix by direction, resonance per group, the number of themes."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from .theme import COLORS, DIVERGING, apply_theme, themed_figure

if TYPE_CHECKING:  # pragma: no cover
    from ..stories import StoryThemes

__all__ = ["theme_mix_figure", "resonance_figure", "theme_selection_figure"]

_DIRECTION_COLORS = {"top-down": COLORS[0], "bottom-up": COLORS[1]}


def _esc(text: object) -> str:
    """Story-derived text is data: escape it so that nothing in it is rendered as markup."""
    return html.escape(str(text), quote=True)


def theme_mix_figure(result: StoryThemes) -> go.Figure:
    """Each direction's theme mix (share of its stories' theme weight), with intervals."""
    bars = []
    for direction, part in result.mix.groupby("direction", sort=False):
        share = part["share"]
        bars.append({
            "type": "bar",
            "y": [f"{t}. {_esc(n)}" for t, n in zip(part["theme"], part["name"], strict=True)],
            "x": share.to_numpy(dtype=float), "orientation": "h", "name": _esc(direction),
            "marker": {"color": _DIRECTION_COLORS.get(str(direction), COLORS[2])},
            "error_x": {"type": "data", "symmetric": False,
                        "array": (part["ci_high"] - share).fillna(0.0).to_numpy(dtype=float),
                        "arrayminus": (share - part["ci_low"]).fillna(0.0).to_numpy(dtype=float)},
            "hovertemplate": "%{y}: %{x:.0%} of the stories<extra>" + _esc(direction) + "</extra>"})
    layout = {"barmode": "group",
              "xaxis": {"tickformat": ".0%",
                        "title": {"text": "share of the direction's stories (main theme)"}},
              "yaxis": {"autorange": "reversed"}, "legend": {"title": {"text": "stories told"}}}
    ov = result.overlap
    title = "Story themes by direction"
    if np.isfinite(ov):
        title += f" (overlap {ov:.2f}; {100 * result.intersection:.0f}% of the mix shared)"
    return themed_figure(bars, layout, title=title, height=max(360, 70 * result.n_themes + 140))


def resonance_figure(result: StoryThemes) -> go.Figure:
    """Lift of each theme per group of authors (1 = as often as in the whole organisation)."""
    r = result.resonance
    groups = list(dict.fromkeys(r["group"]))
    themes = sorted(r["theme"].unique())
    grid = r.pivot_table(index="group", columns="theme", values="lift").reindex(index=groups,
                                                                               columns=themes)
    label = {int(t): f"{int(t)}. {_esc(n)}" for t, n in zip(r["theme"], r["name"], strict=False)}
    z = np.log2(grid.to_numpy(dtype=float).clip(min=1 / 16))
    fig = go.Figure(go.Heatmap(
        z=z, x=[label[int(t)] for t in themes], y=[_esc(g) for g in groups],
        colorscale=DIVERGING, zmid=0, customdata=grid.to_numpy(dtype=float),
        colorbar={"title": "how often,<br>against the<br>organisation",
                  "tickvals": [-2, -1, 0, 1, 2], "ticktext": ["¼×", "½×", "1×", "2×", "4×"]},
        hovertemplate="%{y} / %{x}: %{customdata:.2f}x the organisation's share<extra></extra>"))
    by = _esc(r["by"].iloc[0]) if len(r) else "group"
    return apply_theme(fig, title=f"Which themes resonate with which {by} (authors)",
                       height=max(320, 40 * len(groups) + 160))


def theme_selection_figure(result: StoryThemes) -> go.Figure:
    """Reconstruction error by number of themes; the elbow marks the suggested number."""
    s = result.selection
    fig = go.Figure()
    fig.add_scatter(x=s["k"], y=s["reconstruction_error"], mode="lines+markers",
                    name="reconstruction error", marker_color=COLORS[0])
    chosen = s[s["chosen"]]
    fig.add_scatter(x=chosen["k"], y=chosen["reconstruction_error"], mode="markers",
                    marker={"size": 14, "color": COLORS[3], "symbol": "circle-open"},
                    name=f"used ({_esc(result.chosen_by)})")
    fig.update_layout(xaxis_title="number of themes", yaxis_title="NMF reconstruction error",
                      xaxis_dtick=1)
    return apply_theme(fig, title="How many story themes?")
