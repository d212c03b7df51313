"""Backstage leaders: brokers between tribes who hold no formal leadership role."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ..errors import ConfigError
from ..labels import ROLES
from ..privacy import PrivacyGuard
from ..results import DiagnosticResult, Finding, jsonable
from ..workbook import Workbook
from .common import person_labels
from .graph import LARGE_NETWORK, Network, network_graph, require_ties
from .hubs import HyperConnected, hyper_connected
from .tribes import Tribes, leiden_membership

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["BackstageLeaders", "backstage_leaders", "tribes_bridged", "ROLES"]



def tribes_bridged(net: Network, membership: np.ndarray, *, min_ties: int = 2) -> np.ndarray:
    """How many other tribes each person has at least ``min_ties`` ties with (in or out)."""
    s, t, _ = net.edges()
    a = np.concatenate([s, t])
    b = np.concatenate([t, s])
    other = membership[b]
    keep = (other >= 0) & (membership[a] >= 0) & (other != membership[a])
    if not keep.any():
        return np.zeros(net.n, dtype=int)
    k = int(membership.max()) + 1
    pair = a[keep] * k + other[keep]
    pairs, counts = np.unique(pair, return_counts=True)
    strong = pairs[counts >= min_ties] // k
    return np.bincount(strong, minlength=net.n).astype(int)


@dataclass(frozen=True, eq=False)
class BackstageLeaders(DiagnosticResult):
    """Brokers between tribes without a formal role: the invisible connectors.

    Attributes
    ----------
    network
        The network measured.
    people
        Respondent ids of the backstage leaders, strongest broker first.
    scores
        One row per person (index ``respondent_id``): ``betweenness``, ``constraint``,
        ``ties`` (people tied to), ``tribes_bridged``, ``is_leader``, ``hyper_connected``,
        ``beyond_chance`` (betweenness above the random network's cut), ``backstage``,
        ``rank`` (1 = strongest backstage broker, blank for the rest).
    sources
        Source people behind betweenness (all people when exact; fewer: sampled estimate).
    null_cut
        The betweenness that only ``1 - null_quantile`` of people reach in a random network
        with the same number of ties per person.
    max_share
        At most this share of people is listed.
    """

    key: ClassVar[str] = "backstage_leaders"
    title: ClassVar[str] = "Backstage leaders"
    method: ClassVar[str] = (
        "Brokers sit between groups that are otherwise apart. Per person: betweenness "
        "(Freeman 1977; shortest paths on the undirected ties, counted in steps; for more than "
        "4,000 people estimated from 250 sampled source people, 100 above 20,000, Brandes & "
        "Pich 2007), Burt's "
        "constraint (structural holes; low = the contacts are not tied to each other; weighted, "
        "both tie directions) and the number of other tribes the person has at least two ties "
        "with. Backstage leaders meet four conditions: betweenness well beyond chance (above "
        "the betweenness that only 5% of people reach in a random network with the same "
        "number of ties per person: the ties rewired at random, degrees kept, betweenness "
        "measured the same way, from half as many sampled people above 20,000); at least two other tribes bridged; no formal leadership "
        "role; not hyper-connected. They are ranked by betweenness (then low constraint) and "
        "at most 3% of the people are listed. The hyper-connected are set aside: being named "
        "by very many makes them visible, front-stage, and they bridge everything; what "
        "remains is brokerage without visibility or rank (cf. Battilana & Casciaro 2012; "
        "Cross & Prusak 2002). When no formal leaders are flagged, the role cannot be "
        "checked: the list is then the brokers beyond chance outside the hyper-connected, "
        "and says so.")
    columns: ClassVar[tuple[str, ...]] = (
        "person", "betweenness", "constraint", "ties", "tribes_bridged", "is_leader",
        "hyper_connected", "beyond_chance", "backstage", "rank")

    network: Network = field(repr=False)
    people: tuple[str, ...]
    scores: pd.DataFrame
    sources: int
    min_tribes: int
    guard: PrivacyGuard = field(repr=False)
    names: bool = False
    null_cut: float = float("nan")
    null_quantile: float = 0.95
    max_share: float = 0.03
    capped: int = 0

    @property
    def roles(self) -> pd.Series:
        """Each person's role in the brokerage picture (index ``respondent_id``)."""
        role = pd.Series(ROLES[0], index=self.scores.index, name="role", dtype=object)
        role[self.scores["is_leader"].to_numpy(dtype=bool)] = ROLES[1]
        role[self.scores["hyper_connected"].to_numpy(dtype=bool)] = ROLES[2]
        role[self.scores["backstage"].to_numpy(dtype=bool)] = ROLES[3]
        return role

    def person_labels(self, ids: Iterable[str]) -> list[str]:
        """How the people are shown: pseudonyms, or ids when names were asked for."""
        return person_labels(self.guard, ids, self.names)

    def to_frame(self) -> pd.DataFrame:
        frame = self.scores.sort_values(["backstage", "betweenness"], ascending=False,
                                        kind="stable")
        out = frame.reset_index(drop=True)
        out.insert(0, "person", person_labels(self.guard, frame.index, self.names))
        return out

    def figure(self) -> go.Figure:
        from ..plots.network import broker_figure

        return broker_figure(self)

    def figures(self) -> dict[str, go.Figure]:
        from ..plots.network import network_figure

        return {"brokerage": self.figure(),
                "network": network_figure(self.network, self.roles, colour_by="role",
                                          guard=self.guard, names=self.names,
                                          title="Backstage leaders in the "
                                          f"{self.network.relation} network")}

    def to_json(self) -> dict[str, Any]:
        return jsonable({"people": list(self.people), "relation": self.network.relation,
                         "wave": self.network.wave, "betweenness_sources": self.sources,
                         "min_tribes": self.min_tribes, "null_cut": self.null_cut,
                         "null_quantile": self.null_quantile, "max_share": self.max_share,
                         "formal_leaders": int(self.scores["is_leader"].sum()),
                         "rule": self.rule()})

    def rule(self) -> str:
        """The rule used, in plain words."""
        role = ("without a formal leadership role" if self.scores["is_leader"].any() else
                "(no formal leaders are flagged, so whether they hold a formal role is not "
                "known)")
        return (f"brokers {role}, not hyper-connected, bridging at least {self.min_tribes} "
                f"other tribes, whose betweenness ({self.null_cut:,.0f} or more) is beyond what "
                f"{self.null_quantile:.0%} of people reach in a random network with the same "
                f"number of ties per person; at most {self.max_share:.0%} of people listed")

    def findings(self) -> list[Finding]:
        k = len(self.people)
        between_ = self.scores["betweenness"]
        total = float(between_.sum())
        leaders = self.scores["is_leader"].to_numpy(dtype=bool)
        if not k:
            return [Finding("No backstage leaders: no one outside the hyper-connected brokers "
                            f"between tribes beyond chance (rule: {self.rule()}).", value="0",
                            meaning=("The tribes are linked through the well-known, "
                                     "hyper-connected people, not through hidden go-betweens."),
                            action="Use the hyper-connected people to carry news between tribes.",
                            weight=0.5)]
        mine = float(between_[list(self.people)].sum()) / total if total else float("nan")
        theirs = float(between_[leaders].sum()) / total if total else float("nan")
        est = "" if self.sources >= self.network.n else f" (estimated from {self.sources} sampled people)"
        role = "without a formal role" if leaders.any() else "(no formal roles flagged)"
        return [Finding(
            f"{k} {'person is a backstage leader' if k == 1 else 'people are backstage leaders'}"
            f" ({k / len(self.scores):.1%} of people): {role}, each bridges at least "
            f"{self.min_tribes} other tribes with brokerage beyond chance; "
            f"together they sit on {mine:.0%} of the brokerage (betweenness){est}, against "
            f"{theirs:.0%} for the {int(leaders.sum())} formal leaders.",
            value=str(k),
            meaning="These backstage leaders hold the organisation together informally; "
                    "losing them would split it.",
            action="Recognise their role and involve them where the change crosses groups.",
            statistics=f"Share of betweenness centrality{est}.",
            figure="brokerage", weight=0.75)]


def backstage_leaders(workbook: Workbook, *, relation: str | None = None, wave: str | None = None,
                      tribes: Tribes | None = None, hyper: HyperConnected | None = None,
                      min_tribes: int = 2, top: int | None = None,
                      betweenness_sources: int | None = None, seed: int = 0,
                      null_quantile: float = 0.95, max_share: float = 0.03,
                      names: bool = False) -> BackstageLeaders:
    """Find the brokers between tribes who hold no formal leadership role.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv``.
    relation, wave
        Which ties (default influence, latest wave).
    tribes
        The tribes to bridge (default: :func:`find_tribes` with its defaults on the same ties).
    hyper
        The hyper-connected to set aside (default: :func:`hyper_connected` with its defaults).
    min_tribes
        Other tribes a backstage leader must have at least two ties with (default 2).
    top
        Keep at most this many (default all who qualify).
    betweenness_sources
        Source people sampled for betweenness (default: exact up to 4,000 people, 250 up to
        20,000, else 100).
    null_quantile
        Betweenness must be beyond this share of people in a random network with the same
        number of ties per person (default 0.95).
    max_share
        At most this share of people is listed (default 3%; at least one person).
    seed
        Seed of the betweenness sample (and of the default tribes).
    names
        Show respondent ids instead of pseudonyms in tables and figures.

    Returns
    -------
    BackstageLeaders
        ``to_frame()`` columns: ``person``, ``betweenness``, ``constraint``, ``ties``,
        ``tribes_bridged``, ``is_leader``, ``hyper_connected``, ``backstage``, ``rank``.

    Examples
    --------
    >>> from diagnostics import load
    >>> brokers = backstage_leaders(load("data/sample"))
    >>> len(brokers.people) >= 5
    True
    >>> bool(brokers.scores.loc[list(brokers.people), "is_leader"].any())
    False
    """
    if isinstance(min_tribes, bool) or not isinstance(min_tribes, int) or min_tribes < 1:
        raise ConfigError(f"min_tribes must be a whole number of at least 1, got {min_tribes!r}.")
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise ConfigError(f"top must be a whole number of at least 0 (or None), got {top!r}.")
    for name, value in (("null_quantile", null_quantile), ("max_share", max_share)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise ConfigError(f"{name} must be a number between 0 and 1, got {value!r}.")
    net = network_graph(workbook, relation=relation, wave=wave)
    require_ties(net)
    notes: list[str] = []
    if tribes is not None and tribes.network is net:
        membership = np.full(net.n, -1, dtype=np.int64)
        codes = {label: i for i, label in enumerate(sorted(set(tribes.assignments)))}
        pos = [net.index[p] for p in tribes.assignments.index]
        membership[pos] = tribes.assignments.map(codes).to_numpy(dtype=np.int64)
    else:
        membership = leiden_membership(net, seed=seed)
    if hyper is None or hyper.network is not net:
        hyper = hyper_connected(workbook, relation=net.relation, wave=net.wave)
    between, used = net.betweenness(betweenness_sources, seed=seed)
    # the random network's quantile needs the spread of betweenness, not each person's value:
    # above LARGE_NETWORK people half as many sources (the cut moved by about 5%, within its
    # own sampling noise, at 100,000 people; benchmarks/bench_run.py)
    null_sources = used if net.n <= LARGE_NETWORK else max(1, used // 2)
    null = net.null_betweenness(null_sources, seed=seed)
    cut = float(np.quantile(null[net.connected()], null_quantile)) if net.connected().any() \
        else 0.0
    constraint = net.constraint()
    bridged = tribes_bridged(net, membership)
    is_hyper = pd.Index(net.ids).isin(list(hyper.people))  # hashed: ids are text
    beyond = between > cut
    eligible = ~net.leader & ~is_hyper & (bridged >= min_tribes) & beyond & (between > 0)
    candidates = np.flatnonzero(eligible)
    con = np.where(np.isnan(constraint), np.inf, constraint)
    ranked = candidates[np.lexsort((con[candidates], -between[candidates]))]
    limit = max(1, int(np.floor(max_share * net.n)))
    capped = max(0, len(ranked) - limit)
    ranked = ranked[:limit]
    if top is not None:
        ranked = ranked[:top]
    backstage = np.zeros(net.n, dtype=bool)
    backstage[ranked] = True
    rank = np.full(net.n, np.nan)
    rank[ranked] = np.arange(1, len(ranked) + 1)
    scores = pd.DataFrame({
        "betweenness": between, "constraint": constraint,
        "ties": np.asarray(net.undirected().degree(), dtype=int), "tribes_bridged": bridged,
        "is_leader": net.leader, "hyper_connected": is_hyper, "beyond_chance": beyond,
        "backstage": backstage,
        "rank": rank,
    }, index=pd.Index(net.ids, name="respondent_id"))
    if used < net.n:
        notes.append(f"Betweenness estimated from {used} of {net.n:,} people sampled as sources"
                     + (f"; in the random network from {null_sources}." if null_sources < used
                        else "."))
    if not net.leader.any():
        notes.append("No formal leaders are flagged (is_leader, leader_levels): the list holds "
                     "the brokers beyond chance outside the hyper-connected; whether they hold "
                     "a formal role is not known.")
    if capped:
        notes.append(f"{capped} more people meet the rule; only the strongest "
                     f"{max_share:.0%} of people are listed.")
    return BackstageLeaders(network=net, people=tuple(str(net.ids[i]) for i in ranked),
                            scores=scores, sources=int(used), min_tribes=min_tribes,
                            guard=workbook.guard, names=names, null_cut=cut,
                            null_quantile=float(null_quantile), max_share=float(max_share),
                            capped=capped, notes=tuple(notes))
