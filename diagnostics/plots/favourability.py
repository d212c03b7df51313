"""Figures of favourability: stacked favourable / neutral / unfavourable bars per question."""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ..labels import short_label
from .theme import apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..favourability import Favourability

__all__ = ["favourability_figure", "BAND_COLORS"]

#: Colours of the three bands (unfavourable, neutral, favourable).
BAND_COLORS = {"unfavourable": "#D55E00", "neutral": "#BBBBBB", "favourable": "#009E73"}


def favourability_figure(result: Favourability, *, attribute: str | None = None,
                         group: str | None = None) -> go.Figure:
    """Favourable, neutral and unfavourable shares per question, most favourable on top.

    With ``attribute`` and ``group``, the bars of that group (when the privacy guard shows it).
    """
    frame = result.items
    where = "the organisation"
    if attribute is not None and group is not None:
        frame = result.groups[(result.groups["attribute"] == attribute)
                              & (result.groups["group"] == str(group))]
        frame = frame.sort_values("favourable", ascending=False, kind="stable")
        where = f"{group}"
    frame = frame.iloc[::-1]
    labels = [short_label(t, 55) for t in frame["label"]]
    fig = go.Figure()
    for band in ("unfavourable", "neutral", "favourable"):
        fig.add_bar(y=labels, x=frame[band] * 100, orientation="h", name=band,
                    marker_color=BAND_COLORS[band], customdata=frame[["n"]].to_numpy(),
                    text=[f"{v:.0%}" if v >= 0.06 else "" for v in frame[band]],
                    textposition="inside",
                    hovertemplate=f"%{{y}}<br>{band}: %{{x:.0f}}% of %{{customdata[0]}} answers"
                                  "<extra></extra>")
    fig.update_layout(barmode="stack", xaxis={"title": "% of answers", "range": [0, 100]},
                      height=max(320, 90 + 26 * len(frame)))
    return apply_theme(fig, title=f"How favourably each question is answered: {where}")
