"""Figures of the movement plan: where to focus, and how the targeted links moved."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from ..labels import PLAN_ROLES as ROLES
from .theme import COLORS, apply_theme

if TYPE_CHECKING:  # pragma: no cover
    from ..plan import MovementPlan, PlanRevisit

__all__ = ["focus_figure", "revisit_figure", "engage_figure"]

_WEAK = "#D55E00"
_REST = COLORS[8]


def _wrap(text: str, width: int = 48) -> str:
    return "<br>".join(textwrap.wrap(str(text), width)) or str(text)


def focus_figure(plan: MovementPlan) -> go.Figure:
    """Each weakest link: the group's share acting on the behaviour against the rest.

    Examples
    --------
    >>> from diagnostics import load
    >>> from diagnostics.behaviours import non_negotiables
    >>> from diagnostics.plan import movement_plan
    >>> wb = load("data/sample")
    >>> fig = focus_figure(movement_plan(wb, non_negotiables=non_negotiables(wb)))
    >>> [trace.name for trace in fig.data]
    ['the group', 'the rest of the organisation']
    """
    focus = plan.focus
    fig = go.Figure()
    if not len(focus):
        fig.add_annotation(text="No weakest link: every group acts on every non-negotiable "
                                "about as well as the rest.", showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper")
        return apply_theme(fig, title="Where to focus", height=300)
    labels = [_wrap(f"{g} ({a}): {q}") for g, a, q in
              zip(focus["group"], focus["attribute"], focus["question"], strict=True)]
    fig.add_bar(y=labels, x=focus["adherence"], orientation="h", name="the group",
                marker_color=_WEAK, text=[f"{v:.0%}" for v in focus["adherence"]],
                textposition="outside",
                error_x={"type": "data", "symmetric": False,
                         "array": focus["adherence_high"] - focus["adherence"],
                         "arrayminus": focus["adherence"] - focus["adherence_low"]},
                hovertemplate="%{y}<br>%{x:.0%} act on it<extra></extra>")
    fig.add_bar(y=labels, x=focus["rest_adherence"], orientation="h",
                name="the rest of the organisation", marker_color=_REST,
                text=[f"{v:.0%}" for v in focus["rest_adherence"]], textposition="outside",
                hovertemplate="%{y}<br>rest: %{x:.0%}<extra></extra>")
    fig.update_layout(barmode="group", xaxis={"tickformat": ".0%", "range": [0, 1.15],
                                              "title": "share acting on it"},
                      yaxis={"autorange": "reversed", "automargin": True})
    return apply_theme(fig, title="Where to focus: the weakest links",
                       height=160 + 110 * len(focus))


def revisit_figure(revisit: PlanRevisit) -> go.Figure:
    """Change of every non-negotiable x group cell, targeted cells marked.

    Examples
    --------
    >>> from diagnostics import load
    >>> from diagnostics.plan import revisit_plan
    >>> fig = revisit_figure(revisit_plan(load("data/sample"), earlier="2025-H1",
    ...                                   later="2025-H2"))
    >>> [trace.name for trace in fig.data]
    ['targeted by the plan', 'not targeted']
    """
    cells = revisit.cells.sort_values("change")
    fig = go.Figure()
    for targeted, name, colour in ((True, "targeted by the plan", _WEAK),
                                   (False, "not targeted", _REST)):
        part = cells[cells["targeted"] == targeted]
        fig.add_scatter(x=part["before"], y=part["after"], mode="markers", name=name,
                        marker={"color": colour, "size": 12 if targeted else 7},
                        text=[f"{g} ({a}): {q}" for g, a, q in
                              zip(part["group"], part["attribute"], part["question"],
                                  strict=True)],
                        hovertemplate="%{text}<br>%{x:.0%} then, %{y:.0%} now<extra></extra>")
    fig.add_shape(type="line", x0=0, y0=0, x1=1, y1=1, line={"dash": "dot", "color": "#555555"})
    fig.update_layout(xaxis={"title": f"share acting on it, {revisit.from_wave}",
                             "tickformat": ".0%", "range": [0, 1.02]},
                      yaxis={"title": f"share acting on it, {revisit.to_wave}",
                             "tickformat": ".0%", "range": [0, 1.02]})
    return apply_theme(fig, title="Did the targeted links move? (above the line: better)",
                       height=520)


def engage_figure(plan: MovementPlan) -> go.Figure:
    """The movement starters the plan engages, per tribe and role.

    Examples
    --------
    >>> from diagnostics import load
    >>> from diagnostics.network.hubs import hyper_connected
    >>> from diagnostics.plan import movement_plan
    >>> wb = load("data/sample")
    >>> fig = engage_figure(movement_plan(wb, hyper_connected=hyper_connected(wb)))
    >>> [trace.name for trace in fig.data]
    ['hyper-connected']
    """

    engage = plan.engage
    fig = go.Figure()
    if not len(engage):
        reason = textwrap.wrap(str(plan.reasons.get("engage", "No one to engage.")), 60)
        fig.add_annotation(text="<br>".join(reason), showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return apply_theme(fig, title="Movement starters", height=300)
    tribes = sorted(engage["tribe"].replace("", "no tribe").unique(),
                    key=lambda t: (len(t), t))
    for colour, role in zip(COLORS, ROLES, strict=False):
        part = engage[engage["role"] == role]
        if not len(part):
            continue
        grouped = part.assign(tribe=part["tribe"].replace("", "no tribe")).groupby("tribe")
        counts = grouped.size().reindex(tribes, fill_value=0)
        people = grouped["person"].agg(lambda p: ", ".join(map(str, p))).reindex(tribes,
                                                                                  fill_value="")
        fig.add_bar(x=tribes, y=counts.to_numpy(), name=role, marker_color=colour,
                    customdata=people.to_numpy(),
                    hovertemplate="%{x}: %{y} " + role + "<br>%{customdata}<extra></extra>")
    fig.update_layout(barmode="stack", yaxis={"title": "people to engage", "dtick": 1},
                      xaxis={"title": "tribe"})
    return apply_theme(fig, title=f"Movement starters: together they reach "
                                  f"{plan.engaged_reach:.0%} of their colleagues within two steps",
                       height=420)
