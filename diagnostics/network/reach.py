"""Reach to the top: how much of the organisation is within a few steps of formal leadership."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ConfigError, InsufficientDataError
from ..labels import FOLKLORE
from ..results import DiagnosticResult, Finding, jsonable
from ..workbook import Workbook
from .common import attribute_of
from .graph import Network, network_graph, require_ties

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["ReachToTop", "reach_to_top", "leader_distances", "FOLKLORE"]



def leader_distances(net: Network, *, max_steps: int = 3, direction: str = "up") -> np.ndarray:
    """Steps from each person to the nearest formal leader (``inf`` beyond ``max_steps``).

    ``"up"``: steps for a person's information to reach a leader (a leader names x, x names
    the person, ...). ``"down"``: steps for a leader's influence to reach the person (the
    person names someone who names a leader, ...). Leaders are at 0.
    """
    if direction not in ("up", "down"):
        raise ConfigError(f"direction must be 'up' or 'down', got {direction!r}.")
    a = net.names_matrix()
    step = a.T.tocsr() if direction == "up" else a  # up: from a namer to the people named
    dist = np.full(net.n, np.inf)
    frontier = net.leader.copy()
    dist[frontier] = 0
    for k in range(1, max_steps + 1):
        nxt = (step @ frontier.astype(float)) > 0
        nxt &= np.isinf(dist)
        if not nxt.any():
            break
        dist[nxt] = k
        frontier = nxt
    return dist


@dataclass(frozen=True, eq=False)
class ReachToTop(DiagnosticResult):
    """How close people are to the formal leaders in the network.

    Attributes
    ----------
    network
        The network measured.
    within_2_steps
        Share of people (leaders left out) whose information reaches a formal leader within
        two steps.
    steps
        ``steps`` (1, 2, 3), ``direction`` (``up``: a person is heard by a leader;
        ``down``: a leader's influence reaches the person), ``share``, ``people``.
    by_group
        Share within two steps (up) per group of ``by``, through the privacy guard.
    distances
        Steps up from each person to the nearest leader (index ``respondent_id``; ``inf``
        beyond the last step counted).
    """

    key: ClassVar[str] = "reach_to_top"
    title: ClassVar[str] = "Reach to the top"
    method: ClassVar[str] = (
        "A tie means the person naming listens to the person named (influence, advice), so "
        "information flows from the named to the namer. Upward reach: a person's "
        "information reaches a formal leader in one step when a leader names them, in two "
        "when a leader names someone who names them, and so on; it is the direction the "
        "published claim is about. Downward reach: a leader's influence reaches a person who "
        "names a leader (one step) or names someone who does (two). Shares are among the "
        "people in the network who are not formal leaders themselves (is_leader or a level "
        "in leader_levels). Per group shares pass the privacy guard. The published 'only 4% of "
        "information reaches the top' traces to Yoshida's 1989 'Iceberg of Ignorance', "
        "whose study cannot be found: it is shown only as labelled folklore, and it measures "
        "something else (information, not people).")
    columns: ClassVar[tuple[str, ...]] = ("steps", "direction", "share", "people")

    network: Network = field(repr=False)
    within_2_steps: float
    steps: pd.DataFrame
    by_group: pd.DataFrame
    distances: pd.Series
    by: str | None = None
    n_leaders: int = 0

    def to_frame(self) -> pd.DataFrame:
        return self.steps.copy()

    def figure(self) -> go.Figure:
        from ..plots.network import reach_figure

        return reach_figure(self)

    def figures(self) -> dict[str, go.Figure]:
        figs = {"reach": self.figure()}
        if not self.by_group.empty:
            from ..plots.network import reach_group_figure

            figs["reach_by_group"] = reach_group_figure(self)
        return figs

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"reach_to_top": self.to_frame(), f"reach_by_{self.by or 'group'}":
                self.by_group.copy()}

    def to_json(self) -> dict[str, Any]:
        up = self.steps[self.steps["direction"] == "up"].set_index("steps")["share"]
        down = self.steps[self.steps["direction"] == "down"].set_index("steps")["share"]
        return jsonable({
            "within_2_steps": self.within_2_steps,
            "within_steps": {str(k): v for k, v in up.items()},
            "downward_within_steps": {str(k): v for k, v in down.items()},
            "leaders": self.n_leaders, "relation": self.network.relation,
            "wave": self.network.wave, "folklore": FOLKLORE,
        })

    def findings(self) -> list[Finding]:
        up = self.steps[self.steps["direction"] == "up"].set_index("steps")["share"]
        one = float(up.get(1, np.nan))
        return [Finding(
            f"{self.within_2_steps:.0%} of people are heard by a formal leader within two steps "
            f"in the {self.network.relation} network ({one:.0%} directly).",
            value=f"{self.within_2_steps:.0%}",
            meaning=("Most voices can reach the top through someone they know."
                     if self.within_2_steps >= 0.5 else
                     "Many people have no short path to a leader: what they see does not "
                     "reach the top."),
            action="Give the people furthest from leaders a direct channel to them.",
            statistics=("The often-quoted “only 4% of what the front line knows reaches the "
                        "top” has no primary source and is not used as a benchmark."),
            figure="reach", weight=0.7)]


def reach_to_top(workbook: Workbook, *, relation: str | None = None, wave: str | None = None,
                 max_steps: int = 3, by: str | None = "department") -> ReachToTop:
    """Share of people within one, two and three steps of a formal leader.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv`` and formal leaders (``is_leader`` or
        ``leader_levels``).
    relation, wave
        Which ties (default influence, latest wave).
    max_steps
        Steps counted (default 3; the contract reports two).
    by
        Attribute for the per-group shares (default ``department``; skipped when absent).

    Returns
    -------
    ReachToTop
        ``to_frame()`` columns: ``steps``, ``direction``, ``share``, ``people``.

    Raises
    ------
    InsufficientDataError
        When no formal leader is in the network.

    Examples
    --------
    >>> from diagnostics import load
    >>> top = reach_to_top(load("data/sample"))
    >>> 0 < top.within_2_steps < 1
    True
    >>> list(top.to_frame()["share"].iloc[:3]) == sorted(top.to_frame()["share"].iloc[:3])
    True
    """
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or not 2 <= max_steps <= 10:
        raise ConfigError(f"max_steps must be a whole number from 2 to 10, got {max_steps!r}.")
    net = network_graph(workbook, relation=relation, wave=wave)
    require_ties(net)
    if not net.leader.any():
        raise InsufficientDataError("no formal leaders are flagged (is_leader = 1 or a level in "
                                    "leader_levels in workbook.toml)")
    others = ~net.leader
    rows = []
    dist = {}
    for direction in ("up", "down"):
        d = leader_distances(net, max_steps=max_steps, direction=direction)
        dist[direction] = d
        for k in range(1, max_steps + 1):
            within = others & (d <= k)
            rows.append({"steps": k, "direction": direction,
                         "share": float(within.sum() / others.sum()), "people": int(within.sum())})
    steps = pd.DataFrame(rows)
    within2 = float(steps.loc[(steps["direction"] == "up") & (steps["steps"] == 2), "share"].iloc[0])
    notes = [f"{int(others.sum())} people who are not formal leaders, {int(net.leader.sum())} "
             "formal leaders."]
    by_group = pd.DataFrame(columns=[by or "group", "n", "share"])
    suppressed: tuple = ()
    if by and by in workbook.attributes:
        group = attribute_of(workbook, by, net.ids).to_numpy()
        frame = pd.DataFrame({by: group[others], "close": dist["up"][others] <= 2}).dropna()
        table = frame.groupby(by).agg(n=("close", "size"), share=("close", "mean")).reset_index()
        shown = workbook.guard.apply(table, by=by, n="n", totals=int(len(frame)))
        by_group = shown.frame.reset_index(drop=True)
        suppressed = shown.suppressed
    elif by:
        notes.append(f"The survey has no {by!r} attribute; no per-group shares.")
    return ReachToTop(network=net, within_2_steps=within2, steps=steps, by_group=by_group,
                      distances=pd.Series(dist["up"], index=pd.Index(net.ids, name="respondent_id"),
                                          name="steps_up"),
                      by=by if by and by in workbook.attributes else None,
                      n_leaders=int(net.leader.sum()), suppressed=suppressed, notes=tuple(notes))
