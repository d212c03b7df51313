"""Figures of the comments: themes by tone, and tone by group."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from .theme import apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..comments import Comments

__all__ = ["themes_figure", "groups_figure"]

_TONE = {"negative": "#D55E00", "neutral": "#BBBBBB", "positive": "#009E73"}


def themes_figure(result: Comments) -> go.Figure:
    """Comments per theme, split by tone (most frequent theme on top)."""
    frame = result.themes.sort_values("n", kind="stable")
    fig = go.Figure()
    for tone, color in _TONE.items():
        fig.add_bar(y=frame["name"].astype(str), x=frame[tone], orientation="h", name=tone,
                    marker_color=color, customdata=frame[["terms"]].to_numpy(),
                    hovertemplate=f"%{{y}}: %{{x}} {tone} comments<br>%{{customdata[0]}}"
                                  "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis={"title": "comments"},
                      height=max(300, 90 + 34 * len(frame)))
    sensitive = f"; {result.n_sensitive} sensitive comments counted apart" if result.n_sensitive else ""
    return apply_theme(fig, title=f"What the comments are about, and their tone{sensitive}")


def groups_figure(result: Comments) -> go.Figure:
    """Share of positive, neutral and negative comments per group (groups the guard shows)."""
    frame = result.groups[result.groups["n"] > 0].sort_values("negative", kind="stable")
    fig = go.Figure()
    for tone, color in _TONE.items():
        fig.add_bar(y=frame["group"].astype(str), x=frame[tone] * 100, orientation="h",
                    name=tone, marker_color=color, customdata=frame[["n"]].to_numpy(),
                    hovertemplate=f"%{{y}}: %{{x:.0f}}% {tone} of %{{customdata[0]}} comments"
                                  "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis={"title": "% of comments", "range": [0, 100]},
                      height=max(300, 90 + 30 * len(frame)))
    return apply_theme(fig, title=f"Tone of the comments by {result.by}")
