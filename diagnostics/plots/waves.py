"""Figures of the wave comparison: what moved, per group, the network, the segment movers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..comparisons import VERDICTS
from ..labels import OTHER_SEGMENTS
from .theme import COLORS, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..waves import WaveComparison

__all__ = ["changes_figure", "group_changes_figure", "network_figure", "sankey_figure"]

_UP = "#0072B2"
_DOWN = "#D55E00"
_FLAT = "#B0B0B0"


def _scaled(frame: pd.DataFrame) -> pd.DataFrame:
    """Effect size with its interval on the same scale (the change's interval, rescaled)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(frame["change"] != 0, frame["effect_size"] / frame["change"], np.nan)
    return frame.assign(e_low=frame["ci_low"] * scale, e_high=frame["ci_high"] * scale)


def _colors(frame: pd.DataFrame) -> list[str]:
    """Blue or orange for a change that matters, grey for the rest (verdict, else significance)."""
    moved = (frame["verdict"] == "changed") if "verdict" in frame else frame["significant"]
    return [(_UP if c > 0 else _DOWN) if s else _FLAT
            for c, s in zip(frame["change"], moved, strict=True)]


def _verdicts(frame: pd.DataFrame) -> list[str]:
    if "verdict" not in frame:
        return [""] * len(frame)
    return [VERDICTS.get(str(v), str(v)) for v in frame["verdict"]]


def _bars(frame: pd.DataFrame, *, label: str) -> go.Figure:
    f = _scaled(frame)
    f = f.reindex(f["effect_size"].abs().sort_values(ascending=True, kind="stable").index)
    fig = go.Figure(go.Bar(
        x=f["effect_size"], y=f[label].astype(str), orientation="h", marker_color=_colors(f),
        error_x={"type": "data", "symmetric": False,
                 "array": (f["e_high"] - f["effect_size"]).fillna(0).to_numpy(),
                 "arrayminus": (f["effect_size"] - f["e_low"]).fillna(0).to_numpy()},
        customdata=np.column_stack([f["from"], f["to"], f["change"], f["ci_low"], f["ci_high"],
                                    f["p_adjusted"], f["label"].astype(str), _verdicts(f)]),
        hovertemplate=("%{y}: %{customdata[0]:.2f} → %{customdata[1]:.2f} "
                       "(change %{customdata[2]:+.2f}, 95% CI %{customdata[3]:+.2f} to "
                       "%{customdata[4]:+.2f}; adjusted p=%{customdata[5]:.2g})"
                       "<br>%{customdata[7]}<br>%{customdata[6]}<extra></extra>")))
    fig.add_vline(x=0, line={"color": "#444444", "width": 1})
    # Cohen's d (h for shares and densities): named in the method, not on the axis
    fig.update_xaxes(title="size of the change (effect size), 95% interval")
    return fig


def changes_figure(result: WaveComparison, *, kind: str | Sequence[str] | None = None,
                   top: int | None = None, clear_only: bool = False,
                   questions: bool = False) -> go.Figure:
    """What moved: every change of one or more kinds as an effect size with its interval.

    Blue: a rise that matters, orange: a fall that matters, grey: within noise or too small
    to matter (below the smallest change of interest). Default
    kinds: every survey figure (the network has its own chart), or the network when the
    data have no survey items. ``clear_only``: only the changes that matter (the ``top``
    largest when none does); ``questions``: labelled by question text, not item code.
    """
    c = result.changes
    if kind is None:
        survey = c[c["kind"] != "network"]
        c = survey if len(survey) else c
    else:
        kinds = [kind] if isinstance(kind, str) else list(kind)
        c = c[c["kind"].isin(kinds)]
    if clear_only:
        moved = c[c["verdict"] == "changed"] if "verdict" in c else c[c["significant"]]
        c = moved if len(moved) else c
    if top is not None:
        c = c.loc[c["effect_size"].abs().sort_values(ascending=False).index[:top]]
    if questions:
        import textwrap

        width = 40 if len(c) <= 15 else 70
        c = c.assign(question=["<br>".join(textwrap.wrap(str(t), width)) or str(i)
                               for t, i in zip(c["label"], c["item"], strict=True)])
    fig = _bars(c, label="question" if questions else "item")
    title = (f"What changed clearly from {result.from_wave} to {result.to_wave}" if clear_only
             else f"What moved from {result.from_wave} to {result.to_wave}")
    if questions:
        lines = sum(str(q).count("<br>") + 1 for q in c["question"])
        return apply_theme(fig, title=title, height=max(360, 17 * lines + 14 * len(c) + 160))
    return apply_theme(fig, title=title, height=max(360, 22 * len(c) + 160))


def group_changes_figure(result: WaveComparison, *, item: str,
                         grouping: str | None = None) -> go.Figure:
    """One figure's change per group (with the organisation's change first)."""
    g = result.group_changes
    g = g[g["item"] == item]
    if grouping is not None:
        g = g[g["grouping"] == grouping]
    org = result.changes[result.changes["item"] == item].assign(grouping="organisation",
                                                                group="all")
    frame = pd.concat([org, g], ignore_index=True)
    frame = frame.assign(where=frame["grouping"] + " " + frame["group"].astype(str))
    fig = go.Figure(go.Scatter(
        x=frame["change"], y=frame["where"], mode="markers",
        marker={"color": _colors(frame), "size": 10},
        error_x={"type": "data", "symmetric": False,
                 "array": (frame["ci_high"] - frame["change"]).to_numpy(),
                 "arrayminus": (frame["change"] - frame["ci_low"]).to_numpy()},
        customdata=np.column_stack([frame["from"], frame["to"], frame["n_from"], frame["n_to"]]),
        hovertemplate=("%{y}: %{customdata[0]:.2f} → %{customdata[1]:.2f} "
                       "(n %{customdata[2]} → %{customdata[3]})<extra></extra>")))
    fig.add_vline(x=0, line={"color": "#444444", "width": 1})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="change (later − earlier), 95% CI")
    return apply_theme(fig, title=f"{item}: change by group", height=max(320, 24 * len(frame) + 150))


def network_figure(result: WaveComparison) -> go.Figure:
    """Network figures: relative change (percent of the earlier value) with the interval."""
    c = result.changes[result.changes["kind"] == "network"]
    with np.errstate(invalid="ignore", divide="ignore"):
        base = c["from"].abs().replace(0, np.nan)
        rel = c["change"] / base * 100
        low, high = c["ci_low"] / base * 100, c["ci_high"] / base * 100
    fig = go.Figure(go.Bar(
        x=rel, y=c["item"], orientation="h", marker_color=_colors(c),
        error_x={"type": "data", "symmetric": False, "array": (high - rel).fillna(0).to_numpy(),
                 "arrayminus": (rel - low).fillna(0).to_numpy()},
        customdata=np.column_stack([c["from"], c["to"], c["p_adjusted"]]),
        hovertemplate=("%{y}: %{customdata[0]:.3g} → %{customdata[1]:.3g} (%{x:+.0f}%; "
                       "adjusted p=%{customdata[2]:.2g})<extra></extra>")))
    fig.add_vline(x=0, line={"color": "#444444", "width": 1})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title="change, % of the earlier value (95% CI, vertex bootstrap)")
    return apply_theme(fig, title=f"Network from {result.from_wave} to {result.to_wave}",
                       height=max(300, 30 * len(c) + 150))


def sankey_figure(result: WaveComparison) -> go.Figure:
    """Segment of the earlier wave to segment of the later wave (people followed)."""
    f = result.flows
    sources = sorted(f["from_segment"].unique(), key=str)
    targets = sorted(f["to_segment"].unique(), key=str)
    nodes = [f"{s} ({result.from_wave})" for s in sources] + \
            [f"{t} ({result.to_wave})" for t in targets]
    colour = {s: COLORS[i % len(COLORS)] for i, s in enumerate(sorted(set(sources) | set(targets),
                                                                       key=str))}
    link_colour = [("rgba(120,120,120,0.25)" if a == b else "rgba(190,170,150,0.45)"
                    if b == OTHER_SEGMENTS else "rgba(213,94,0,0.55)")
                   for a, b in zip(f["from_segment"], f["to_segment"], strict=True)]
    colour[OTHER_SEGMENTS] = "#BBBBBB"
    fig = go.Figure(go.Sankey(
        node={"label": nodes, "color": [colour[s] for s in sources] + [colour[t] for t in targets],
              "pad": 14},
        link={"source": [sources.index(s) for s in f["from_segment"]],
              "target": [len(sources) + targets.index(t) for t in f["to_segment"]],
              "value": f["n"].astype(float).tolist(), "color": link_colour}))
    share = result.movers_share
    title = (f"Who moved to another group: {share:.0%} of the {result.n_followed} people who "
             "answered both surveys (orange flows)") if np.isfinite(share) else "Segment movers"
    return apply_theme(fig, title=title, height=460)

