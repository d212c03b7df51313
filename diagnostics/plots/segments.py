"""Figures of the frame segmentation: criteria by k, profiles, sizes, spread, 2-D view."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go

from ..labels import STABLE
from ..words import count
from .theme import COLORS, DIVERGING, REFERENCE_LINE, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..segments import Segmentation

__all__ = ["profile_figure", "criteria_figure", "sizes_figure", "spread_figure",
           "projection_figure", "MAX_POINTS"]

#: At most this many respondents are drawn in the 2-D view (a fixed random subsample).
MAX_POINTS = 4000


def _color(result: Segmentation, segment: str) -> str:
    names = list(result.sizes.index)
    return COLORS[names.index(segment) % len(COLORS)] if segment in names else "#999999"


def profile_figure(result: Segmentation, *, level: str = "constructs") -> go.Figure:
    """Heatmap of z-scores: segments (rows) by constructs or items (columns).

    ``level`` is ``"constructs"`` (default; items when the codebook has no constructs)
    or ``"items"``.
    """
    items = [c for c in result.profiles.columns if c in result.items]
    constructs = [c for c in result.profiles.columns if c not in result.items]
    cols = items if level == "items" or not constructs else constructs
    prof = result.profiles[cols]
    share = result.sizes / max(int(result.assignments.size), 1)
    rows = [f"{s} ({share[s]:.0%})" for s in prof.index]
    z = prof.to_numpy(dtype=float)
    text = np.vectorize(lambda v: "" if not np.isfinite(v) else f"{v:+.1f}")(z) if z.size else z
    bound = max(1.0, float(np.nanmax(np.abs(z))) if z.size and np.isfinite(z).any() else 1.0)
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(c) for c in cols], y=rows, zmin=-bound, zmax=bound, zmid=0,
        colorscale=DIVERGING, text=text, texttemplate="%{text}",
        colorbar={"title": "z"},
        hovertemplate="%{y}<br>%{x}: z = %{z:.2f}<extra></extra>"))
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"side": "bottom"},
                      height=max(320, 120 + 44 * len(rows)))
    kind = "items" if cols is items else "constructs"
    title = (f"What moves each segment: {count(result.k, 'segment')}, z-score per {kind[:-1]}"
             if result.k > 1 else "No distinct segments: one profile for everyone")
    return apply_theme(fig, title=title)


def criteria_figure(result: Segmentation) -> go.Figure:
    """Silhouette (with the unclustered reference), BIC and stability by number of segments.

    Three stacked panels sharing the k axis (drawn on three y-axes of one figure).
    """
    c = result.criteria
    ks = c["k"].tolist()
    fig = go.Figure()
    ref_hi = (c["reference"] + 2 * c["reference_sd"].fillna(0)).tolist()
    ref_lo = (c["reference"] - 2 * c["reference_sd"].fillna(0)).tolist()
    fig.add_scatter(x=ks + ks[::-1], y=ref_hi + ref_lo[::-1], mode="lines", fill="toself",
                    fillcolor="rgba(150,150,150,0.25)", line={"width": 0}, hoverinfo="skip",
                    name="unclustered reference (±2 SD)", yaxis="y")
    fig.add_scatter(x=ks, y=c["reference"], mode="lines", line=REFERENCE_LINE,
                    name="unclustered reference", yaxis="y",
                    hovertemplate="k = %{x}: reference %{y:.3f}<extra></extra>")
    fig.add_scatter(x=ks, y=c["silhouette"], mode="lines+markers", name="silhouette",
                    line={"color": COLORS[0]}, yaxis="y",
                    hovertemplate="k = %{x}: silhouette %{y:.3f}<extra></extra>")
    fig.add_scatter(x=ks, y=c["bic"], mode="lines+markers", name="BIC",
                    line={"color": COLORS[1]}, yaxis="y2",
                    hovertemplate="k = %{x}: BIC %{y:,.0f}<extra></extra>")
    fig.add_scatter(x=ks, y=c["stability"], mode="lines+markers", name="stability",
                    line={"color": COLORS[2]}, yaxis="y3",
                    hovertemplate="k = %{x}: stability %{y:.2f}<extra></extra>")
    domains = ([0.72, 1.0], [0.38, 0.64], [0.0, 0.3])
    titles = ("silhouette (higher: better separated)", "BIC (lower: better)",
              "stability: mean adjusted Rand over resamples")
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y3", "y0": STABLE,
               "y1": STABLE, "line": REFERENCE_LINE}]
    marked = (result.k if not result.chosen_automatically or result.structure else None)
    if marked is not None and marked in ks:
        shapes.append({"type": "line", "xref": "x", "x0": marked, "x1": marked,
                       "yref": "paper", "y0": 0, "y1": 1,
                       "line": {"color": "#333333", "dash": "dash"}})
    fig.update_layout(
        height=620, shapes=shapes,
        xaxis={"dtick": 1, "anchor": "y3", "title": "number of segments (k)"},
        yaxis={"domain": domains[0]}, yaxis2={"domain": domains[1]},
        yaxis3={"domain": domains[2]},
        annotations=[{"text": t, "xref": "paper", "yref": "paper", "x": 0, "y": d[1],
                      "xanchor": "left", "yanchor": "bottom", "showarrow": False}
                     for t, d in zip(titles, domains, strict=True)])
    verdict = {"none": "no cluster structure", "fixed": f"k = {result.k} fixed"}.get(
        result.clarity, f"k = {result.k}, {result.clarity} choice")
    return apply_theme(fig, title=f"How many segments? ({verdict})")


def sizes_figure(result: Segmentation) -> go.Figure:
    """Share of respondents per segment with its 95% interval; uncertain members shaded."""
    s = result.segments
    fig = go.Figure()
    certain = (s["n"] - s["uncertain"]) / s["n"] * s["share"]
    fig.add_bar(y=s["segment"], x=certain, orientation="h", name="clearly in the segment",
                marker_color=[_color(result, x) for x in s["segment"]],
                hovertemplate="%{y}: %{x:.0%} clearly in it<extra></extra>")
    fig.add_bar(y=s["segment"], x=s["share"] - certain, orientation="h",
                name="between segments (certainty < 0.8)",
                marker={"color": [_color(result, x) for x in s["segment"]], "opacity": 0.4,
                        "pattern": {"shape": "/"}},
                error_x={"type": "data", "symmetric": False,
                         "array": (s["share_high"] - s["share"]).tolist(),
                         "arrayminus": (s["share"] - s["share_low"]).tolist()},
                customdata=s[["n", "share", "share_low", "share_high"]].to_numpy(),
                hovertemplate=("%{y}: %{customdata[1]:.0%} (n = %{customdata[0]}; 95% CI "
                               "%{customdata[2]:.0%}-%{customdata[3]:.0%})<extra></extra>"))
    fig.update_layout(barmode="stack", xaxis={"title": "share of respondents",
                                              "tickformat": ".0%"},
                      yaxis={"autorange": "reversed"}, height=max(300, 100 + 50 * len(s)))
    return apply_theme(fig, title="Segment sizes (95% interval)")


def spread_figure(result: Segmentation, attribute: str) -> go.Figure:
    """Share of each group's respondents in each segment (withheld cells are blank)."""
    part = result.spread[result.spread["attribute"] == attribute]
    segments = [s for s in result.sizes.index if s in set(part["segment"])] or list(
        result.sizes.index)
    groups = sorted(set(part["group"]))
    table = part.pivot_table(index="group", columns="segment", values="share_of_group",
                             aggfunc="first").reindex(index=groups, columns=segments)
    counts = part.pivot_table(index="group", columns="segment", values="n",
                              aggfunc="first").reindex(index=groups, columns=segments)
    z = table.to_numpy(dtype=float)
    text = np.vectorize(lambda v: "" if not np.isfinite(v) else f"{v:.0%}")(z) if z.size else z
    fig = go.Figure(go.Heatmap(
        z=z, x=segments, y=groups, zmin=0, zmax=1, colorscale="Blues", text=text,
        texttemplate="%{text}", customdata=counts.to_numpy(dtype=float),
        colorbar={"title": "share", "tickformat": ".0%"},
        hovertemplate=("%{y}: %{z:.0%} in %{x} (n = %{customdata})<extra></extra>")))
    fig.update_layout(xaxis_title="segment", yaxis_title=attribute,
                      height=max(320, 120 + 34 * len(groups)))
    return apply_theme(fig, title=f"Where the segments sit: share of each {attribute} "
                                  "(small groups withheld)")


def projection_figure(result: Segmentation) -> go.Figure:
    """Respondents on the first two principal components, coloured by segment."""
    proj = result.projection
    if len(proj) > MAX_POINTS:
        proj = proj.sample(MAX_POINTS, random_state=0).sort_index()
    fig = go.Figure()
    for segment in result.sizes.index:
        part = proj[proj["segment"] == segment]
        fig.add_scattergl(x=part["pc1"], y=part["pc2"], mode="markers", name=str(segment),
                          marker={"size": 6, "opacity": 0.7, "color": _color(result, segment)},
                          hovertemplate=f"{segment}<extra></extra>")
    e1, e2 = result.explained
    fig.update_layout(xaxis_title=f"first principal component ({e1:.0%} of variance)",
                      yaxis_title=f"second principal component ({e2:.0%})", height=520)
    note = "" if len(result.projection) <= MAX_POINTS else f" ({MAX_POINTS:,} shown)"
    return apply_theme(fig, title=f"Respondents in two dimensions, by segment{note}")
