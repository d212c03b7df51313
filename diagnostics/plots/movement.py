"""Figures of the movement: the activism ladder, the tandem chart and the indicator dashboard."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..words import client_text
from .theme import COLORS, REFERENCE_LINE, apply_theme, reference_hline, themed_figure

if TYPE_CHECKING:  # pragma: no cover
    from ..activism import ActivismLadder
    from ..indicators import MovementIndicators
    from ..tandems import TandemAnalysis

__all__ = ["ladder_figure", "ladder_by_group_figure", "deeds_by_group_figure", "tandem_figure",
           "tandem_sensitivity_figure", "indicators_figure", "momentum_figure"]

#: One colour per ladder rung, light (spectator) to dark (advocate).
LADDER_COLORS: tuple[str, ...] = ("#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#08306b")


#: Tile titles of the dashboard, with the unit where it is not a percentage.
_TILE = {"energy": "energy (0-100)", "momentum": "momentum (new activists, latest sprint)",
         "behaviour change": "behaviour change (scale points)"}


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def ladder_figure(result: ActivismLadder) -> go.Figure:
    """The ladder as a funnel: people at each rung or higher, top rung last."""
    c = result.counts
    fig = go.Figure(go.Funnel(
        y=[_esc(v) for v in c["level"]], x=c["at_or_above"],
        # the counts beside the rung's name: text on or beside the narrow top rungs was cut
        text=[f"{n} at this rung; {100 * s:.0f}% at or above" for n, s in
              zip(c["n"], c["share_at_or_above"], strict=True)],
        textinfo="none", marker={"color": list(LADDER_COLORS[: len(c)])},
        customdata=c["n"],
        hovertemplate="%{y}: %{x} people at this rung or higher<extra></extra>"))
    ratio = result.clicks_to_deeds
    sub = (f"{ratio:.1f} clicks per deed" if np.isfinite(ratio) else "no deeds recorded")
    fig.update_yaxes(tickmode="array", tickvals=[_esc(v) for v in c["level"]],
                     ticktext=[f"{_esc(v)}: {n} ({100 * s:.0f}% at or above)" for v, n, s in
                               zip(c["level"], c["n"], c["share_at_or_above"], strict=True)])
    return apply_theme(fig, title=f"Activism ladder: people at each rung or higher ({sub})")


def ladder_by_group_figure(result: ActivismLadder, attribute: str | None = None) -> go.Figure:
    """Share of each rung per group of one attribute (stacked bars; withheld groups absent)."""
    frame = result.by_group
    if attribute is None and not frame.empty:
        attribute = str(frame["attribute"].iloc[0])
    part = frame[frame["attribute"] == attribute]
    fig = go.Figure()
    for i, level in enumerate(result.counts["level"]):
        rows = part[part["level"] == level]
        fig.add_bar(
            y=[_esc(g) for g in rows["group"]], x=rows["share"], orientation="h",
            name=_esc(level), marker_color=LADDER_COLORS[i % len(LADDER_COLORS)],
            customdata=np.stack([rows["ci_low"], rows["ci_high"], rows["n"]], axis=-1)
            if len(rows) else None,
            hovertemplate=("%{y}: %{x:.0%} (95% CI %{customdata[0]:.0%}-%{customdata[1]:.0%}, "
                           "n=%{customdata[2]})<extra>" + _esc(level) + "</extra>"))
    fig.update_layout(barmode="stack", xaxis_tickformat=".0%", xaxis_title="share of people",
                      legend_title_text="highest rung")
    return apply_theme(fig, title=f"Activism ladder by {_esc(attribute)}")


def deeds_by_group_figure(result: ActivismLadder, attribute: str | None = None) -> go.Figure:
    """Share of people who did a deed (activist or advocate) per group, with intervals, and the
    organisation's share as a reference line."""
    frame = result.deeds_by_group
    if attribute is None and not frame.empty:
        attribute = str(frame["attribute"].iloc[0])
    part = frame[frame["attribute"] == attribute].sort_values("share")
    fig = go.Figure(go.Scatter(
        x=part["share"], y=[_esc(g) for g in part["group"]], mode="markers",
        marker={"color": COLORS[0], "size": 10},
        error_x={"type": "data", "symmetric": False, "array": part["ci_high"] - part["share"],
                 "arrayminus": part["share"] - part["ci_low"]},
        customdata=np.stack([part["ci_low"], part["ci_high"], part["n"]], axis=-1)
        if len(part) else None,
        hovertemplate=("%{y}: %{x:.0%} did a deed (95% CI %{customdata[0]:.0%}-"
                       "%{customdata[1]:.0%}, n=%{customdata[2]})<extra></extra>"),
        name="activist or advocate"))
    c = result.counts.set_index("level")
    overall = float(c.loc[["activist", "advocate"], "n"].sum() / c["n"].sum())
    fig.add_vline(x=overall, line=REFERENCE_LINE, annotation_text="whole organisation")
    fig.update_layout(xaxis_tickformat=".0%", xaxis_title="share at the activist rung or higher",
                      showlegend=False)
    return apply_theme(fig, title=f"Activists and advocates by {_esc(attribute)}")


def tandem_figure(result: TandemAnalysis) -> go.Figure:
    """Success rate per quadrant with Wilson intervals, and the published, unverified 78% as reference."""
    q = result.quadrants
    rate = q["success_rate"].astype(float)
    shown = rate.fillna(0.0)
    colors = [COLORS[0], COLORS[1], COLORS[2], COLORS[8]]
    bar = {
        "type": "bar", "x": [_esc(v) for v in q["quadrant"]], "y": shown.to_numpy(dtype=float),
        "marker": {"color": colors[: len(q)]},
        "error_y": {"type": "data", "symmetric": False,
                    "array": (q["ci_high"] - rate).fillna(0.0).to_numpy(dtype=float),
                    "arrayminus": (rate - q["ci_low"]).fillna(0.0).to_numpy(dtype=float),
                    "color": "#333333"},
        "text": [f"{100 * r:.0f}% of {n}" if n else "no finished" for r, n in
                 zip(shown, q["n"], strict=True)],
        "textposition": "inside",
        "customdata": np.stack([q["ci_low"], q["ci_high"], q["n"], q["ongoing"]], axis=-1),
        "hovertemplate": ("%{x}: %{y:.0%} succeeded (CI %{customdata[0]:.0%}-%{customdata[1]:.0%}); "
                          "%{customdata[2]} finished, %{customdata[3]} ongoing<extra></extra>"),
        "name": "success rate"}
    cut = result.threshold
    cut_text = f"{int(cut)}" if float(cut).is_integer() else f"{cut:g}"
    p = result.test.get("fisher_p", float("nan"))
    layout = {"yaxis": {"tickformat": ".0%", "range": [0, 1.05],
                        "title": {"text": "success rate (finished initiatives)"}},
              "xaxis": {"title": {"text": f"grassroots = {cut_text}+ supporters; leadership = a sponsor"}},
              "showlegend": False,
              **reference_hline(result.claimed_rate,
                                f"{100 * result.claimed_rate:.0f}% tandem success: a published "
                                "figure, claimed, unverified")}
    title = "Initiative success: grassroots support x leadership sponsor"
    if np.isfinite(p):
        title += f" (tandem vs rest p = {p:.2g})"
    return themed_figure([bar], layout, title=title)


def tandem_sensitivity_figure(result: TandemAnalysis) -> go.Figure:
    """Tandem and rest success rates at other grassroots thresholds."""
    s = result.sensitivity
    fig = go.Figure()
    fig.add_scatter(x=s["threshold"], y=s["tandem_rate"], mode="lines+markers", name="tandem",
                    marker_color=COLORS[0])
    fig.add_scatter(x=s["threshold"], y=s["rest_rate"], mode="lines+markers",
                    name="all other initiatives", marker_color=COLORS[8])
    fig.add_vline(x=result.threshold, line=REFERENCE_LINE, annotation_text="threshold used")
    fig.update_layout(yaxis_tickformat=".0%", yaxis_range=[0, 1.05],
                      xaxis_title="grassroots threshold (supporters)", yaxis_title="success rate")
    return apply_theme(fig, title="Does the tandem effect depend on the threshold?")


def _wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of about ``width`` characters at spaces (plotly's <br>)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def indicators_figure(result: MovementIndicators) -> go.Figure:
    """The indicator dashboard: one tile per indicator, its value and interval."""
    rows = result.table
    n = len(rows)
    cols = min(3, max(n, 1))
    nrows = int(np.ceil(n / cols)) if n else 1
    fig = make_subplots(rows=nrows, cols=cols,
                        specs=[[{"type": "indicator"}] * cols for _ in range(nrows)])
    for i, r in enumerate(rows.itertuples()):
        value = float(r.value) if r.value is not None and np.isfinite(r.value) else None
        pct = r.unit == "%"
        shown = None if value is None else (100 * value if pct else value)
        fmt = {"%": ".1f", "people": ".0f"}.get(r.unit, ".2f" if abs(value or 0) < 10 else ".1f")
        if r.indicator == "behaviour change":
            fmt = "+" + fmt
        if value is None:
            sub = _esc(r.reason or "not available")
        elif np.isfinite(r.low) and np.isfinite(r.high):
            lo, hi = (100 * r.low, 100 * r.high) if pct else (r.low, r.high)
            f = fmt.lstrip("+")
            sub = f"95% CI {lo:{f}} to {hi:{f}}"
        else:
            sub = _esc(r.detail)
        if value is None:
            # nothing to show: say why instead of a zero a reader would take for real
            row_i, col_i = i // cols, i % cols
            fig.add_annotation(
                x=(col_i + 0.5) / cols, y=1 - (row_i + 0.5) / nrows, xref="paper", yref="paper",
                showarrow=False, align="center", font={"size": 11, "color": "#666666"},
                text=(f"<b>{_wrap(_esc(_TILE.get(r.indicator, r.indicator)), 20)}</b><br>not "
                      "available, because<br>"
                      f"{_wrap(_esc(client_text(r.reason or 'the data are missing')).lower(), 22)}"))
            continue
        fig.add_trace(go.Indicator(
            mode="number", value=shown,
            number={"suffix": "%" if pct else "", "valueformat": fmt,
                    "font": {"color": COLORS[0] if value is not None else "#bbbbbb"}},
            title={"text": f"{_wrap(_esc(_TILE.get(r.indicator, r.indicator)), 24)}<br>"
                           f"<span style='font-size:0.65em'>{_wrap(sub, 34)}</span>",
                   "font": {"size": 13}}),
            row=i // cols + 1, col=i % cols + 1)
    return apply_theme(fig, title="Unconventional indicators of the movement",
                       height=250 * nrows + 80)


def momentum_figure(result: MovementIndicators) -> go.Figure:
    """New activists per half-year sprint (first deed in that sprint)."""
    m = result.momentum
    fig = go.Figure()
    if not m.empty:
        fig.add_bar(x=[_esc(s) for s in m["sprint"]], y=m["new_activists"], marker_color=COLORS[2],
                    name="new activists",
                    hovertemplate="%{x}: %{y} people did their first deed<extra></extra>")
    fig.update_layout(xaxis_title="half-year sprint", yaxis_title="new activists",
                      showlegend=False)
    return apply_theme(fig, title="Momentum: new activists per half-year sprint")
