"""Figure of the item x group heatmap: each cell coloured by its difference from the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from .theme import DIVERGING, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..heatmap import ItemHeatmap

__all__ = ["heatmap_figure"]


def heatmap_figure(result: ItemHeatmap) -> go.Figure:
    """Questions (rows) x groups (columns); colour: difference from the rest of the organisation.

    The text in a cell is the group's value, marked with * when the difference is
    significant after the correction; withheld cells are blank.
    """
    share = result.measure == "share"
    scale = 100.0 if share else 1.0
    value = result.matrix("value") * scale
    diff = result.matrix("difference") * scale
    low = result.matrix("low") * scale
    high = result.matrix("high") * scale
    sig = result.matrix("significant")
    labels = result.overall.set_index("item").loc[value.index, "label"].astype(str)
    overall = result.overall.set_index("item").loc[value.index, "value"] * scale
    fmt = "{:.0f}" if share else "{:.2f}"
    text = [[("" if np.isnan(v) else fmt.format(v) + ("*" if s is True else ""))
             for v, s in zip(value.loc[i], sig.loc[i], strict=True)] for i in value.index]
    custom = np.dstack([low.to_numpy(), high.to_numpy(),
                        np.repeat(overall.to_numpy()[:, None], value.shape[1], axis=1)])
    bound = float(np.nanmax(np.abs(diff.to_numpy()))) if np.isfinite(diff.to_numpy()).any() else 1.0
    unit = " points" if share else ""
    fig = go.Figure(go.Heatmap(
        z=diff.to_numpy(), x=[str(c) for c in value.columns], y=list(labels), text=text,
        texttemplate="%{text}", colorscale=DIVERGING, zmid=0, zmin=-bound, zmax=bound,
        customdata=custom, colorbar={"title": "vs rest"},
        hovertemplate=("%{y}<br>%{x}: %{text}<br>difference from the rest %{z:+.1f}" + unit
                       + " (95% CI %{customdata[0]:+.1f} to %{customdata[1]:+.1f})"
                       "<br>organisation %{customdata[2]:.1f}<extra></extra>"),
        xgap=1, ygap=1))
    fig.update_yaxes(autorange="reversed")
    what = "favourable %" if share else "mean answer"
    fig.update_layout(height=max(360, 110 + 26 * len(labels)))
    return apply_theme(fig, title=(f"Each question by {result.attribute} ({what}; colour: "
                                   "difference from the rest, * clearly different)"))
