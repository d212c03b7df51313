"""Figures built as plain plotly JSON (``plots.theme.themed_figure``) are the figures plotly's
validated route built before: the same JSON, on the sample, for every value of the panels'
controls.

Each ``_old_*`` function is the figure's former code (``go.Figure`` / ``add_bar`` /
``update_layout`` / ``apply_theme``), kept here as the reference.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from diagnostics import load
from diagnostics.plots.drivers import _QUADRANT_COLORS, _outcome
from diagnostics.plots.movement import _esc
from diagnostics.plots.stories import _DIRECTION_COLORS
from diagnostics.plots.stories import _esc as _esc_story
from diagnostics.plots.theme import COLORS, REFERENCE_LINE, apply_theme


def _json(fig: go.Figure) -> Any:
    return json.loads(pio.to_json(fig, validate=False, remove_uids=False))


def _same(fast: go.Figure, old: go.Figure) -> None:
    assert _json(fast) == _json(old)
    # still a validating figure once built: a later change goes through plotly's checks
    with pytest.raises(ValueError):
        fast.update_layout(no_such_property=1)


@pytest.fixture(scope="module")
def wb() -> Any:
    return load("data/sample")


def _old_distribution(result: Any) -> go.Figure:
    fig = go.Figure()
    answers = sorted(result.counts["answer"].unique())
    palette = ["#b2182b", "#ef8a62", "#fddbc7", "#d1e5f0", "#67a9cf", "#2166ac", "#053061"]
    for j, answer in enumerate(answers):
        part = result.counts[result.counts["answer"] == answer]
        color = palette[round(j * (len(palette) - 1) / max(len(answers) - 1, 1))]
        fig.add_bar(y=part["group"].astype(str), x=part["share"], orientation="h",
                    name=f"{answer:g}", marker_color=color,
                    hovertemplate="%{y}: %{x:.0%}<extra>answer " + f"{answer:g}" + "</extra>")
    fig.update_layout(barmode="stack", xaxis_tickformat=".0%", xaxis_title="share of answers",
                      legend_title_text="answer", legend_traceorder="normal")
    title = result.label if len(result.label) < 80 else result.label[:77] + "..."
    return apply_theme(fig, title=f"{result.item}: {title}")


@pytest.mark.parametrize("by", [None, "department", "tenure_band"])
def test_item_distribution_figure(wb: Any, by: str | None) -> None:
    from diagnostics.overview import item_distribution
    from diagnostics.plots.overview import distribution_figure

    for item in wb.items[:: 6 if by else 2]:
        for wave in wb.waves:
            result = item_distribution(wb, item=item, by=by, wave=wave)
            _same(distribution_figure(result), _old_distribution(result))


def _old_tandem(result: Any) -> go.Figure:
    q = result.quadrants
    rate = q["success_rate"].astype(float)
    colors = [COLORS[0], COLORS[1], COLORS[2], COLORS[8]]
    fig = go.Figure(go.Bar(
        x=[_esc(v) for v in q["quadrant"]], y=rate.fillna(0.0),
        marker_color=colors[: len(q)],
        error_y={"type": "data", "symmetric": False,
                 "array": (q["ci_high"] - rate).fillna(0.0),
                 "arrayminus": (rate - q["ci_low"]).fillna(0.0), "color": "#333333"},
        text=[f"{100 * r:.0f}% of {n}" if n else "no finished" for r, n in
              zip(rate.fillna(0.0), q["n"], strict=True)],
        textposition="inside",
        customdata=np.stack([q["ci_low"], q["ci_high"], q["n"], q["ongoing"]], axis=-1),
        hovertemplate=("%{x}: %{y:.0%} succeeded (CI %{customdata[0]:.0%}-%{customdata[1]:.0%}); "
                       "%{customdata[2]} finished, %{customdata[3]} ongoing<extra></extra>"),
        name="success rate"))
    fig.add_hline(y=result.claimed_rate, line=REFERENCE_LINE,
                  annotation_text=f"{100 * result.claimed_rate:.0f}% tandem success: a published "
                                  "figure, claimed, unverified",
                  annotation_position="top left")
    cut = result.threshold
    cut_text = f"{int(cut)}" if float(cut).is_integer() else f"{cut:g}"
    p = result.test.get("fisher_p", float("nan"))
    fig.update_layout(yaxis_tickformat=".0%", yaxis_range=[0, 1.05],
                      yaxis_title="success rate (finished initiatives)",
                      xaxis_title=f"grassroots = {cut_text}+ supporters; leadership = a sponsor",
                      showlegend=False)
    title = "Initiative success: grassroots support x leadership sponsor"
    if np.isfinite(p):
        title += f" (tandem vs rest p = {p:.2g})"
    return apply_theme(fig, title=title)


def test_tandem_figure(wb: Any) -> None:
    from diagnostics.plots.movement import tandem_figure
    from diagnostics.tandems import tandem_analysis

    for threshold in (1, 2, 3, 5, 8, 12, 40):
        result = tandem_analysis(wb, threshold=threshold)
        _same(tandem_figure(result), _old_tandem(result))



def _old_importance(result: Any, outcome: str | None = None) -> go.Figure:
    """The former importance figure."""
    name, label = _outcome(result, outcome)
    frame = result.overall(name).iloc[::-1]
    r2 = float(result.outcomes.set_index("outcome").at[name, "r2"])
    pct = round(result.confidence * 100)
    fig = go.Figure()
    fig.add_bar(
        y=frame["label"].astype(str), x=frame["share"] * 100, orientation="h",
        marker_color=[COLORS[0] if s else "#B0B0B0" for s in frame["significant"]],
        error_x={"type": "data", "symmetric": False,
                 "array": ((frame["share_high"] - frame["share"]) * 100).tolist(),
                 "arrayminus": ((frame["share"] - frame["share_low"]) * 100).tolist(),
                 "color": "#333333"},
        customdata=frame[["share_low", "share_high", "raw", "score"]].to_numpy() * [100, 100, 1, 1],
        hovertemplate=("%{y}: %{x:.0f}% of what is explained<br>"
                       f"{pct}% CI " "%{customdata[0]:.0f}-%{customdata[1]:.0f}%"
                       "<br>raw weight %{customdata[2]:.3f}; score %{customdata[3]:.0f}/100"
                       "<extra></extra>"),
        name="share", showlegend=False)
    fig.update_layout(xaxis={"title": f"share of what the survey explains about {label} (%)",
                             "rangemode": "tozero"},
                      height=max(300, 80 + 30 * len(frame)))
    return apply_theme(fig, title=(f"What goes with {label} (together {r2:.0%} explained; "
                                   "grey: not clearly above chance)"))


def _old_priority(result: Any, outcome: str | None = None) -> go.Figure:
    """The former priority figure."""
    name, label = _outcome(result, outcome)
    frame = result.overall(name)
    fig = go.Figure()
    for quadrant, color in _QUADRANT_COLORS.items():
        part = frame[frame["quadrant"] == quadrant]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["share"] * 100, y=part["score"], mode="markers+text", name=quadrant,
            text=part["label"].astype(str), textposition="top center",
            marker={"size": 12, "color": color},
            hovertemplate=("%{text}<br>importance %{x:.0f}% of what is explained"
                           "<br>score %{y:.0f}/100<extra>" + quadrant + "</extra>"))
    if len(frame):
        fig.add_vline(x=float(frame["share"].median() * 100), line=REFERENCE_LINE)
        fig.add_hline(y=float(frame["score"].median()), line=REFERENCE_LINE)
    fig.update_layout(xaxis={"title": "importance: share of what is explained (%)",
                             "rangemode": "tozero"},
                      yaxis={"title": "score (0-100)"}, height=480)
    return apply_theme(fig, title=f"Where to focus for {label}: important, but scoring low")


def test_driver_figures(wb: Any) -> None:
    from diagnostics.drivers import key_drivers
    from diagnostics.plots.drivers import importance_figure, priority_figure

    result = key_drivers(wb, predictors="constructs", resamples=100, seed=0)
    for outcome in result.outcomes["outcome"]:
        _same(importance_figure(result, outcome), _old_importance(result, outcome))
        _same(priority_figure(result, outcome), _old_priority(result, outcome))


def _old_theme_mix(result: Any) -> go.Figure:
    """The former theme mix figure."""
    fig = go.Figure()
    for direction, part in result.mix.groupby("direction", sort=False):
        fig.add_bar(
            y=[f"{t}. {_esc_story(n)}" for t, n in zip(part["theme"], part["name"], strict=True)],
            x=part["share"], orientation="h", name=_esc_story(direction),
            marker_color=_DIRECTION_COLORS.get(str(direction), COLORS[2]),
            error_x={"type": "data", "symmetric": False,
                     "array": (part["ci_high"] - part["share"]).fillna(0.0),
                     "arrayminus": (part["share"] - part["ci_low"]).fillna(0.0)},
            hovertemplate="%{y}: %{x:.0%} of the stories<extra>" + _esc_story(direction)
                          + "</extra>")
    fig.update_layout(barmode="group", xaxis_tickformat=".0%",
                      xaxis_title="share of the direction's stories (main theme)",
                      yaxis={"autorange": "reversed"}, legend_title_text="stories told")
    ov = result.overlap
    title = "Story themes by direction"
    if np.isfinite(ov):
        title += f" (overlap {ov:.2f}; {100 * result.intersection:.0f}% of the mix shared)"
    return apply_theme(fig, title=title, height=max(360, 70 * result.n_themes + 140))


def test_theme_mix_figure(wb: Any) -> None:
    from diagnostics.plots.stories import theme_mix_figure
    from diagnostics.stories import fit_story_model, story_themes

    model = fit_story_model(wb.stories)
    for k in (2, 4, 6):
        result = story_themes(wb, model=model, n_themes=k, resamples=100)
        _same(theme_mix_figure(result), _old_theme_mix(result))


def test_figure_view_sends_what_plotly_encodes(wb: Any) -> None:
    """The view encodes the figure's properties itself and sends the template once: the page
    draws the JSON ``plotly.io.to_json`` gives."""
    from plotly.subplots import make_subplots

    from diagnostics.overview import item_distribution, participation
    from diagnostics.panels import FigureView
    from diagnostics.tandems import tandem_analysis

    sub = make_subplots(rows=1, cols=2)
    sub.add_scatter(x=np.arange(3.0), y=[1, 2, 3], row=1, col=2)
    figures = [item_distribution(wb, item=wb.items[0], by="department").figure(),
               participation(wb, by="level").figure(), tandem_analysis(wb).figure(), sub,
               go.Figure(), go.Figure(go.Scatter(y=[1, 2]))]
    view = FigureView()
    sent = []
    view.observe(lambda change: sent.append(change["name"]), names=["_template", "_spec"])
    for fig in figures:
        before = _json(fig)
        view.show(fig)
        assert view.spec == before
        assert _json(fig) == before  # encoding left the figure as it was
    # the workbook's template went once for the first three figures, plotly's for the next
    assert sent.count("_template") == 2 and sent.count("_spec") == len(figures)
