"""The workbook's look: one palette and layout for notebook and report figures alike."""

from __future__ import annotations

import plotly.graph_objects as go

__all__ = ["COLORS", "SEQUENTIAL", "DIVERGING", "apply_theme", "REFERENCE_LINE"]

#: Categorical palette (colour-blind safe, Okabe-Ito order).
COLORS: tuple[str, ...] = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9",
                           "#F0E442", "#000000", "#999999", "#882255")
SEQUENTIAL = "Blues"
DIVERGING = "RdBu"
#: Style of reference lines for claimed or external figures (e.g. the seeds' 78%).
REFERENCE_LINE = {"dash": "dot", "color": "#555555", "width": 1.5}


def apply_theme(fig: go.Figure, *, title: str | None = None, height: int | None = None) -> go.Figure:
    """Apply the workbook's layout to ``fig`` (in place) and return it."""
    fig.update_layout(
        template="plotly_white",
        colorway=list(COLORS),
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        margin={"l": 60, "r": 30, "t": 60 if title else 30, "b": 80},
        # at the bottom edge of the whole figure, so it never covers the x-axis title
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0.01},
    )
    if title is not None:
        fig.update_layout(title={"text": title, "x": 0.01})
    if height is not None:
        fig.update_layout(height=height)
    return fig
