"""Figures of the network diagnostics: the network picture, tribes, hubs, brokers, spread, reach."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..labels import FOLKLORE, QUADRANTS, REFERENCE_SHARES, ROLES
from .theme import COLORS, REFERENCE_LINE, SEQUENTIAL, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..network.brokers import BackstageLeaders
    from ..network.change import NetworkChange
    from ..network.graph import Network
    from ..network.hubs import HyperConnected
    from ..network.reach import ReachToTop
    from ..network.spread import MovementSeeds
    from ..network.tribes import Tribes
    from ..privacy import PrivacyGuard

__all__ = ["network_figure", "tribe_department_figure", "tribe_profile_figure", "passion_figure",
           "reach_curve_figure", "broker_figure", "spread_figure", "seed_share_figure",
           "reach_figure", "reach_group_figure", "change_figure", "MAX_PEOPLE_DRAWN",
           "MAX_TIES_DRAWN"]

#: The network picture draws at most this many people (a random sample beyond).
MAX_PEOPLE_DRAWN = 1000
#: ... and at most this many ties between them.
MAX_TIES_DRAWN = 8000
_GREY = "#BBBBBB"
#: Labels drawn grey, behind the others.
_BACKGROUND = ("no tribe", "others", "withheld (small group)", "unknown", "no energy answers")
#: Fixed colours of named categories.
_NAMED = {
    "formal leaders": "#0072B2", "hyper-connected": "#D55E00", "backstage leaders": "#009E73",
    "the engine": "#D55E00", "hidden influencers": "#0072B2", "isolated enthusiasts": "#E69F00",
    "the periphery": "#999999", "movement seeds": "#D55E00", "random people": "#999999",
    "best-placed leaders": "#56B4E9",
}


def _natural(text: object) -> list[object]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(text))]


def _people_drawn(net: Network, max_people: int, seed: int) -> np.ndarray:
    """Indices of the people drawn: everyone, or neighbourhoods of randomly picked people.

    Beyond ``max_people``, a uniform sample of people would keep almost none of their ties;
    instead whole neighbourhoods (up to 50 people within two steps, nearest first) of randomly
    picked people with ties are drawn until ``max_people`` are in, so tribes stay visible.
    """
    if net.n <= max_people:
        return np.arange(net.n)

    def compute() -> np.ndarray:
        rng = np.random.default_rng(seed)
        pool = rng.permutation(np.flatnonzero(net.connected()))
        g = net.undirected()
        picked: dict[int, None] = {}
        for start in pool:
            if len(picked) >= max_people:
                break
            hood = g.neighborhood(int(start), order=2)[:50]
            for v in hood[: max_people - len(picked)]:
                picked[int(v)] = None
        return np.sort(np.fromiter(picked, dtype=np.int64))
    return net.cached(("drawn", max_people, seed), compute)


def _positions(net: Network, drawn: np.ndarray, seed: int) -> np.ndarray:
    if len(drawn) == net.n:
        return net.layout(seed)

    def compute() -> np.ndarray:
        from ..network.graph import igraph_seed  # (igraph loads with the network, not plots)

        sub = net.undirected().induced_subgraph(drawn.tolist())
        rng = np.random.default_rng(seed)
        start = rng.uniform(-1, 1, size=(sub.vcount(), 2)).tolist()
        with igraph_seed(seed):
            pos = sub.layout_fruchterman_reingold(weights="weight", niter=300, seed=start)
        return np.asarray(pos.coords)
    return net.cached(("drawn_layout", len(drawn), seed), compute)


def ties_path(start: np.ndarray, end: np.ndarray) -> str:
    """One SVG path (data coordinates) of straight ties from ``start`` to ``end`` rows (x, y).

    The ties are drawn as one shape, not a line trace: the browser draws thousands of them in
    a fraction of the time a trace with gaps takes, and the hover ignores them anyway.

    Examples
    --------
    >>> ties_path(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.5], [-2.0, 0.0]]))
    'M0.0000,0.0000L1.0000,0.5000M1.0000,1.0000L-2.0000,0.0000'
    """
    seg = np.column_stack([start, end])
    return "".join(f"M{a:.4f},{b:.4f}L{c:.4f},{d:.4f}" for a, b, c, d in seg.tolist())


def network_figure(net: Network, labels: pd.Series, *, colour_by: str, guard: PrivacyGuard,
                   names: bool = False, title: str | None = None,
                   max_people: int = MAX_PEOPLE_DRAWN, seed: int = 0) -> go.Figure:
    """The network picture: people placed by a force-directed layout, coloured by ``labels``.

    Parameters
    ----------
    net
        The network.
    labels
        A label per respondent id (tribe, department, quadrant, role); people without one
        are drawn grey.
    colour_by
        What the labels are (legend title).
    guard
        Gives the pseudonyms shown on hover.
    names
        Show respondent ids instead of pseudonyms.
    title
        Figure title.
    max_people
        Beyond this many people, the neighbourhoods of randomly picked people are drawn,
        up to this many (the title says so); the layout is computed once per network and kept.
    seed
        Seed of the layout and the sample.
    """
    drawn = _people_drawn(net, max_people, seed)
    pos = _positions(net, drawn, seed)
    ids = net.ids[drawn]
    label = labels.reindex(ids).astype(object)
    label = label.where(label.notna(), "others" if colour_by == "role" else "unknown")
    fig = go.Figure()
    where = np.full(net.n, -1, dtype=np.int64)
    where[drawn] = np.arange(len(drawn))
    s, t, _ = net.edges()
    keep = (where[s] >= 0) & (where[t] >= 0)
    es, et = where[s[keep]], where[t[keep]]
    if len(es) > MAX_TIES_DRAWN:
        pick = np.sort(np.random.default_rng(seed).choice(len(es), MAX_TIES_DRAWN, replace=False))
        es, et = es[pick], et[pick]
    if len(es):
        fig.add_shape(type="path", path=ties_path(pos[es], pos[et]), xref="x", yref="y",
                      layer="below", line={"width": 0.5, "color": "rgba(120,120,120,0.25)"})
    indeg = net.in_degree()[drawn]
    size = 5 + 15 * np.sqrt(indeg / max(indeg.max(), 1))
    shown = guard.pseudonymise(ids) if not names else [str(i) for i in ids]
    groups = sorted(set(label), key=lambda g: (g not in _BACKGROUND, _natural(g)))
    palette = iter(COLORS * (1 + len(groups) // len(COLORS)))
    for g in groups:
        sel = (label == g).to_numpy()
        colour = _GREY if g in _BACKGROUND else _NAMED.get(g) or next(palette)
        fig.add_scatter(
            x=pos[sel, 0], y=pos[sel, 1], mode="markers", name=str(g),
            marker={"size": size[sel], "color": colour, "line": {"width": 0.5, "color": "white"}},
            text=np.asarray(shown, dtype=object)[sel], customdata=indeg[sel],
            hovertemplate="%{text}<br>" + str(g) + "<br>named by %{customdata}<extra></extra>")
    sampled = "" if len(drawn) == net.n else (
        f" ({len(drawn):,} of {net.n:,} people: neighbourhoods of people picked at random)")
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False, "scaleanchor": "x"},
                      legend_title_text=colour_by, hovermode="closest")
    return apply_theme(fig, title=(title or f"The {net.relation} network") + sampled, height=650)


def tribe_department_figure(result: Tribes, *, segments: bool = False) -> go.Figure:
    """Heatmap: share of each tribe's members per department (or segment); withheld cells blank."""
    mix = result.segment_mix if segments and result.segment_mix is not None else \
        result.department_mix
    col = "segment" if segments else (result.by or "department")
    table = mix.pivot(index="tribe", columns=col, values="share")
    counts = mix.pivot(index="tribe", columns=col, values="n")
    rows = sorted(table.index, key=_natural)
    cols = sorted(table.columns, key=str)
    table, counts = table.loc[rows, cols], counts.loc[rows, cols]
    text = counts.map(lambda v: "" if pd.isna(v) else f"{int(v)}")
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(dtype=float), x=[str(c) for c in cols], y=rows, colorscale=SEQUENTIAL,
        zmin=0, zmax=1, text=text.to_numpy(), texttemplate="%{text}",
        colorbar={"title": "share of tribe", "tickformat": ".0%"},
        hovertemplate="%{y}, %{x}: %{z:.0%} of the tribe (%{text} people)<extra></extra>"))
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis_title=col, yaxis_title="tribe")
    if segments:
        title = "Motivational segments in each tribe (small groups withheld)"
    else:
        title = (f"Tribes across {col}s (NMI {result.department_overlap:.2f}; small groups "
                 "withheld)")
    return apply_theme(fig, title=title)


def tribe_profile_figure(result: Tribes) -> go.Figure:
    """Bars: each tribe's size, coloured by its mood (energy) when it may be shown."""
    prof = result.profile.sort_values("tribe", key=lambda s: s.map(_natural))
    energy = prof["energy"].to_numpy(dtype=float)
    has = ~np.isnan(energy)
    marker: dict[str, object] = {"color": COLORS[0]}
    if has.any():
        marker = {"color": np.where(has, energy, np.nanmean(energy)).tolist(),
                  "colorscale": "RdYlGn", "showscale": True,
                  "colorbar": {"title": f"energy ({result.energy_scale})"}}
    fig = go.Figure(go.Bar(
        x=prof["tribe"], y=prof["people"], marker=marker,
        customdata=np.column_stack([prof["cohesion"].to_numpy(dtype=float), energy]),
        hovertemplate="%{x}: %{y} people<br>cohesion %{customdata[0]:.0%}<br>energy "
                      "%{customdata[1]:.2f}<extra></extra>"))
    fig.update_layout(xaxis_title="tribe", yaxis_title="people")
    return apply_theme(fig, title="Tribe sizes and mood")


def passion_figure(result: HyperConnected) -> go.Figure:
    """The passion x connectivity map, with its four quadrants named."""
    frame = result.scores[result.scores["passion"].notna()]
    fig = go.Figure()
    rng = np.random.default_rng(0)
    jitter = rng.uniform(-0.04, 0.04, size=len(frame))
    shown = np.asarray(result.person_labels(frame.index), dtype=object)
    for name in QUADRANTS.values():
        sel = (frame["quadrant"] == name).to_numpy()
        if not sel.any():
            continue
        fig.add_scatter(
            x=frame["connectivity"][sel], y=frame["passion"][sel] + jitter[sel], mode="markers",
            name=name, marker={"color": _NAMED[name], "size": 7, "opacity": 0.75},
            text=shown[sel], customdata=frame["in_degree"][sel],
            hovertemplate="%{text}<br>connectivity %{x:.0%}<br>passion %{y:.2f}<br>named by "
                          "%{customdata}<extra>" + name + "</extra>")
    hubs = frame["hyper_connected"].to_numpy(dtype=bool)
    if hubs.any():
        fig.add_scatter(
            x=frame["connectivity"][hubs], y=frame["passion"][hubs] + jitter[hubs],
            mode="markers", name="hyper-connected",
            marker={"symbol": "star", "size": 14, "color": "rgba(0,0,0,0)",
                    "line": {"width": 1.5, "color": "#000000"}},
            text=shown[hubs], customdata=frame["in_degree"][hubs],
            hovertemplate="%{text}<br>named by %{customdata}<extra>hyper-connected</extra>")
    if not fig.data:  # no energy answers: connectivity alone
        fig.add_scatter(x=result.scores["connectivity"], y=np.zeros(len(result.scores)),
                        mode="markers", name="people (no energy answers)",
                        marker={"color": _GREY})
    cut_x = 1 - result.connected_share
    fig.add_vline(x=cut_x, line=REFERENCE_LINE)
    if not np.isnan(result.passion_cut):
        fig.add_hline(y=result.passion_cut, line=REFERENCE_LINE)
    for (passionate, connected), name in QUADRANTS.items():
        fig.add_annotation(x=0.99 if connected else 0.01, y=1.0 if passionate else 0.0,
                           xref="paper", yref="paper", text=f"<b>{name}</b>", showarrow=False,
                           xanchor="right" if connected else "left",
                           yanchor="top" if passionate else "bottom", font={"color": "#444"})
    fig.update_layout(xaxis={"title": "connectivity (PageRank percentile)", "tickformat": ".0%",
                             "range": [0, 1.02]},
                      yaxis_title=f"passion (energy items, {result.energy_scale})")
    return apply_theme(fig, title="Passion x connectivity (stars: hyper-connected)", height=560)


def reach_curve_figure(result: HyperConnected) -> go.Figure:
    """Joint two-step reach of the k most connected people."""
    curve = result.reach_curve
    fig = go.Figure(go.Scatter(x=curve["top"], y=curve["reach"], mode="lines+markers",
                               line={"color": COLORS[0]},
                               hovertemplate="top %{x}: %{y:.0%} reached<extra></extra>"))
    if result.people:
        fig.add_vline(x=len(result.people), line=REFERENCE_LINE,
                      annotation_text=f"{len(result.people)} hyper-connected")
    fig.update_layout(xaxis_title="most connected people (by PageRank)",
                      yaxis={"title": "colleagues reached within two steps", "tickformat": ".0%",
                             "range": [0, 1]})
    return apply_theme(fig, title="How many colleagues the most connected reach together")


def broker_figure(result: BackstageLeaders) -> go.Figure:
    """Brokerage against visibility: betweenness by number of ties, coloured by role."""
    frame = result.scores
    role = result.roles
    shown = np.asarray(result.person_labels(frame.index), dtype=object)
    fig = go.Figure()
    for name in ROLES:
        sel = (role == name).to_numpy()
        if not sel.any():
            continue
        fig.add_scatter(
            x=frame["ties"][sel], y=frame["betweenness"][sel], mode="markers", name=name,
            marker={"color": _NAMED.get(name, _GREY), "size": 9 if name != "others" else 6,
                    "opacity": 0.85 if name != "others" else 0.5},
            text=shown[sel], customdata=frame["tribes_bridged"][sel],
            hovertemplate="%{text}<br>%{x} ties, betweenness %{y:,.0f}<br>bridges %{customdata} "
                          "other tribes<extra>" + name + "</extra>")
    fig.update_layout(xaxis_title="people tied to (visibility)",
                      yaxis_title="betweenness (brokerage)")
    return apply_theme(fig, title="Backstage leaders: brokerage without a formal role")


def spread_figure(result: MovementSeeds) -> go.Figure:
    """Spread curves: share reached by step from each seed set, with a 5-95% band."""
    fig = go.Figure()
    sizes = result.summary.set_index("strategy")["people"]
    for i, (name, part) in enumerate(result.curves.groupby("strategy", sort=False)):
        colour = _NAMED.get(name, COLORS[i % len(COLORS)])
        label = f"{name} ({int(sizes[name])})"
        fig.add_scatter(x=np.concatenate([part["step"], part["step"][::-1]]),
                        y=np.concatenate([part["high"], part["low"][::-1]]), mode="lines",
                        fill="toself", line={"width": 0}, fillcolor=colour, opacity=0.15, hoverinfo="skip",
                        showlegend=False, name=label)
        fig.add_scatter(x=part["step"], y=part["mean"], mode="lines+markers", name=label,
                        line={"color": colour},
                        hovertemplate="step %{x}: %{y:.0%} reached<extra>" + label + "</extra>")
    fig.update_layout(xaxis_title="step of peer-to-peer spread",
                      yaxis={"title": "share of people reached", "tickformat": ".0%"})
    return apply_theme(fig, title=f"Simulated spread ({result.model}, {result.runs} runs; band: "
                       "5-95% of runs)")


def seed_share_figure(result: MovementSeeds) -> go.Figure:
    """Final reach by seed share, best-connected against random, with the claimed shares."""
    fig = go.Figure()
    for name, part in result.by_share.groupby("strategy", sort=False):
        colour = _NAMED.get(name, COLORS[0])
        fig.add_scatter(x=part["share"], y=part["mean"], mode="lines+markers", name=name,
                        line={"color": colour},
                        error_y={"type": "data", "symmetric": False,
                                 "array": (part["high"] - part["mean"]).to_numpy(),
                                 "arrayminus": (part["mean"] - part["low"]).to_numpy()},
                        hovertemplate="%{x:.1%} seeded: %{y:.0%} reached<extra>" + name
                                      + "</extra>")
    for share, label in REFERENCE_SHARES:
        fig.add_vline(x=share, line=REFERENCE_LINE)
        fig.add_annotation(x=share, y=1.0, yref="paper", text=label, showarrow=False,
                           textangle=-90, xanchor="right", yanchor="top",
                           font={"size": 10, "color": "#555"})
    fig.update_layout(xaxis={"title": "share of people seeded", "tickformat": ".1%"},
                      yaxis={"title": "share of people reached", "tickformat": ".0%"})
    return apply_theme(fig, title="Reach by seed share (reference lines: claims and analogues, "
                       "not thresholds)")


def reach_figure(result: ReachToTop) -> go.Figure:
    """Share of people within 1, 2, 3 steps of a formal leader, up and down."""
    fig = go.Figure()
    names = {"up": "heard by a leader (up)", "down": "reached by a leader (down)"}
    for i, (direction, part) in enumerate(result.steps.groupby("direction", sort=False)):
        fig.add_bar(x=[f"within {k}" for k in part["steps"]], y=part["share"],
                    name=names[direction], marker_color=COLORS[i],
                    text=[f"{v:.0%}" for v in part["share"]], textposition="outside",
                    hovertemplate="%{x} steps: %{y:.0%}<extra>" + names[direction] + "</extra>")
    fig.add_hline(y=0.04, line=REFERENCE_LINE)
    fig.add_annotation(x=1, xref="paper", y=0.04, yanchor="bottom", xanchor="right",
                       text="4%: 'only 4% reaches the top', folklore, unverified",
                       hovertext=FOLKLORE, showarrow=False, font={"size": 10, "color": "#555"})
    fig.update_layout(barmode="group", yaxis={"title": "share of people (leaders left out)",
                                              "tickformat": ".0%", "range": [0, 1.1]},
                      xaxis_title="steps from a formal leader")
    return apply_theme(fig, title=f"Reach to the top ({result.n_leaders} formal leaders)")


def reach_group_figure(result: ReachToTop) -> go.Figure:
    """Share within two steps (up) of a formal leader per group (small groups withheld)."""
    col = result.by or "group"
    frame = result.by_group.sort_values("share")
    fig = go.Figure(go.Bar(x=frame["share"], y=frame[col].astype(str), orientation="h",
                           marker_color=COLORS[0], customdata=frame["n"],
                           hovertemplate="%{y}: %{x:.0%} of %{customdata}<extra></extra>"))
    fig.update_layout(xaxis={"title": "heard by a leader within two steps", "tickformat": ".0%",
                             "range": [0, 1]}, yaxis_title=col)
    return apply_theme(fig, title=f"Reach to the top by {col} (small groups withheld)")


def change_figure(result: NetworkChange) -> go.Figure:
    """Ties kept, added and dropped between consecutive waves."""
    frame = result.transitions
    fig = go.Figure()
    labels = [f"{a} → {b}" for a, b in zip(frame["from_wave"], frame["to_wave"], strict=True)]
    for i, col in enumerate(("kept", "added", "dropped")):
        fig.add_bar(x=labels, y=frame[col], name=f"ties {col}", marker_color=COLORS[i],
                    hovertemplate="%{x}: %{y} ties " + col + "<extra></extra>")
    fig.update_layout(barmode="group", xaxis_title="waves", yaxis_title="ties")
    return apply_theme(fig, title=f"Change in the {result.relation} network between waves "
                       "(people who answered both)")
