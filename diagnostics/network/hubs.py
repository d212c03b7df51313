"""Hyper-connected people, and the passion x connectivity map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.stats import poisson, rankdata

from ..errors import ConfigError
from ..labels import NO_ENERGY, QUADRANTS
from ..privacy import PrivacyGuard
from ..results import DiagnosticResult, Finding, jsonable
from ..words import count, plural
from ..workbook import Workbook
from .common import energy_scores, person_labels, robust_z
from .graph import Network, network_graph, require_ties

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["HyperConnected", "hyper_connected", "hyper_people", "QUADRANTS", "NO_ENERGY",
           "joint_reach", "chance_floor", "degree_knee"]



def joint_reach(net: Network, people: np.ndarray, steps: int = 2) -> float:
    """Share of the other people reached within ``steps`` steps of flow from ``people`` (indices)."""
    people = np.asarray(people, dtype=np.int64)
    others = net.n - len(people)
    if len(people) == 0 or others <= 0:
        return 0.0
    reached = np.asarray(net.reach_sets(steps)[people].sum(axis=0)).ravel() > 0
    reached[people] = False
    return float(reached.sum() / others)


def chance_floor(in_degree: np.ndarray, confidence: float = 0.95) -> int:
    """The most people anyone would be named by in a random network with the same ties.

    In a random network where every person names as many colleagues as they did, but
    chosen at random, a person's in-degree is close to Poisson with the mean in-degree; the
    floor is its ``1 - (1 - confidence) / n`` quantile (Bonferroni over the ``n`` people), so
    that in such a network nobody exceeds it with the given confidence.

    Examples
    --------
    >>> chance_floor(np.full(100, 5))  # 100 people, each named by 5
    14
    """
    deg = np.asarray(in_degree, dtype=float)
    if deg.size == 0 or deg.sum() == 0:
        return 0
    return int(poisson.ppf(1 - (1 - confidence) / deg.size, deg.mean()))


def degree_knee(sorted_desc: np.ndarray, cap: int) -> int:
    """How many people stand before the knee of the ranked in-degree curve (Kneedle).

    The curve of in-degree by rank, over the ``cap + 1`` most named people, is scaled to
    0-1 on both axes; the knee is the rank where it lies furthest below the straight line
    from its first to its last point: where the steep top of the curve turns flat. The
    people ranked before the knee are returned as a count (0: no knee, e.g. a flat top).

    Examples
    --------
    >>> degree_knee(np.array([50, 48, 47, 12, 11, 10, 10, 9, 9, 9]), cap=9)
    3
    >>> degree_knee(np.array([9, 9, 9, 9]), cap=3)
    0
    """
    y = np.asarray(sorted_desc[: cap + 1], dtype=float)
    if len(y) < 3 or y[0] <= y[-1]:
        return 0
    x = np.linspace(0.0, 1.0, len(y))
    gap = (1.0 - x) - (y - y[-1]) / (y[0] - y[-1])
    knee = int(np.argmax(gap))
    return knee if gap[knee] > 1e-9 else 0  # a straight line (up to rounding) has no knee


def _most_named(indeg: np.ndarray, pagerank: np.ndarray, connected: np.ndarray,
                m: int) -> np.ndarray:
    """The ``m`` most named people with ties, by in-degree, then PageRank, descending.

    The first ``m`` of ``np.lexsort((-pagerank, -indeg))`` among the connected (ties broken
    by index, as the stable sort does), sorting only those named at least as often as the
    ``m``-th most named.
    """
    idx = np.flatnonzero(connected)
    if m <= 0:
        return idx[:0]
    if m < len(idx):
        d = indeg[idx]
        idx = idx[d >= np.partition(d, len(d) - m)[len(d) - m]]
    return idx[np.lexsort((-pagerank[idx], -indeg[idx]))][:m]


def _hyper_rule(indeg: np.ndarray, pagerank: np.ndarray, connected: np.ndarray, cap: int,
                floor: int) -> np.ndarray:
    """Indices of the hyper-connected (most named first): above the floor, before the knee."""
    reach = min(cap, int(connected.sum()) - 1)
    order = _most_named(indeg, pagerank, connected, reach + 1)
    knee = degree_knee(indeg[order], reach)
    top = order[:min(knee, cap)]
    return top[indeg[top] > floor]


def hyper_people(net: Network, *, confidence: float = 0.95,
                 max_share: float = 0.05) -> np.ndarray:
    """Indices of the hyper-connected people of ``net`` (most named first), by the rule alone.

    The people :func:`hyper_connected` finds with ``top=None`` and the same ``confidence`` and
    ``max_share``, without its certainty, map and reach (for the network of an earlier wave).
    """
    indeg, pagerank, connected = net.in_degree(), net.pagerank(), net.connected()
    cap = max(1, int(np.floor(max_share * net.n)))
    return _hyper_rule(indeg, pagerank, connected, cap,
                       chance_floor(indeg[connected], confidence))


@dataclass(frozen=True, eq=False)
class HyperConnected(DiagnosticResult):
    """The few people named by very many colleagues, and who is passionate and connected.

    Attributes
    ----------
    network
        The network measured.
    people
        Respondent ids of the hyper-connected, most connected first.
    scores
        One row per person (index ``respondent_id``): ``in_degree``, ``in_strength``,
        ``pagerank``, ``eigenvector``, ``two_step_reach``, ``z`` (robust z of log in-degree,
        for reading only), ``certainty`` (share of resamples of the respondents in which the
        person is hyper-connected; blank when the list was fixed by ``top``), ``connectivity`` (PageRank percentile, 0-1), ``passion`` (mean energy items),
        ``quadrant``, ``is_leader``, ``hyper_connected``.
    assignments
        Each person's passion x connectivity quadrant (index ``respondent_id``).
    joint_reach
        Share of the other people the hyper-connected reach together within two steps.
    reach_curve
        ``top`` (the k most connected people by PageRank), ``reach`` (share of everyone
        within two steps of at least one of them, themselves included).
    quadrants
        ``quadrant``, ``n``, ``share``, ``passion``, ``connectivity`` through the privacy guard.
    chance_floor
        In-degree that nobody would exceed in a random network with the same ties.
    knee
        People ranked before the knee of the in-degree curve.
    reason
        Why nobody is hyper-connected (empty when someone is).
    """

    key: ClassVar[str] = "hyper_connected"
    title: ClassVar[str] = "Hyper-connected people"
    method: ClassVar[str] = (
        "Ties point from the person who names to the person named, so influence flows against "
        "them: a person reaches those who name them in one step and those who name these in "
        "two. Per person: in-degree (how many name them), weighted in-degree, weighted "
        "PageRank (damping 0.85) on the directed ties, eigenvector centrality of the "
        "undirected weighted ties, and two-step reach. Hyper-connected people meet three "
        "conditions. (1) They are named by more colleagues than anyone would be by chance: "
        "in a random network where everyone names as many people as they did, but at random, "
        "in-degree is close to Poisson with the mean in-degree, and nobody would exceed its "
        "1 - 0.05/n quantile (Bonferroni over the n people) with 95% confidence. (2) They "
        "stand before the knee of the curve of in-degree by rank (Kneedle, Satopaa et al. "
        "2011: where the curve, scaled to 0-1 over the top 5%, lies furthest below the line "
        "from its first to its last point), where the steep top of a heavy-tailed "
        "distribution turns flat: the few set apart, whatever the shape of the tail. (3) At "
        "most a share of the people (default 5%). They are ordered by in-degree, then "
        "PageRank. How sure each is: the share of 200 resamples of the respondents (drawn "
        "with replacement, each keeping the people they name; 50 resamples above 20,000 "
        "people) in which the same rule names them. "
        "Their joint reach is the share of everyone else within two steps of at least one of "
        "them. Passion is the mean of the energy items (respondents who answered at least "
        "two thirds); connectivity is the PageRank percentile. Quadrants: connected = the "
        "most connected fifth by default; passionate = at least the median passion of the "
        "respondents in the network by default. The engine (passionate and connected), "
        "hidden influencers (connected, not yet passionate), isolated enthusiasts (passion "
        "without influence), the periphery. Quadrant counts pass the privacy guard.")
    columns: ClassVar[tuple[str, ...]] = (
        "person", "in_degree", "in_strength", "pagerank", "eigenvector", "two_step_reach", "z",
        "certainty", "connectivity", "passion", "quadrant", "is_leader", "hyper_connected")

    network: Network = field(repr=False)
    people: tuple[str, ...]
    scores: pd.DataFrame
    assignments: pd.Series
    joint_reach: float
    reach_curve: pd.DataFrame
    quadrants: pd.DataFrame
    confidence: float
    chance_floor: int
    knee: int
    reason: str
    passion_cut: float
    connected_share: float
    guard: PrivacyGuard = field(repr=False)
    energy_scale: str = ""
    names: bool = False
    max_share: float = 0.05

    def person_labels(self, ids: Iterable[str]) -> list[str]:
        """How the people are shown: pseudonyms, or ids when names were asked for."""
        return person_labels(self.guard, ids, self.names)

    def to_frame(self) -> pd.DataFrame:
        frame = self.scores.sort_values(["in_degree", "pagerank"], ascending=False, kind="stable")
        out = frame.reset_index(drop=True)
        out.insert(0, "person", person_labels(self.guard, frame.index, self.names))
        return out

    def figure(self) -> go.Figure:
        from ..plots.network import passion_figure

        return passion_figure(self)

    def figures(self) -> dict[str, go.Figure]:
        from ..plots.network import network_figure, reach_curve_figure

        figs = {"passion_connectivity": self.figure(), "joint_reach": reach_curve_figure(self)}
        labels = self.scores["hyper_connected"].map({True: "hyper-connected", False: "others"})
        figs["network"] = network_figure(self.network, labels, colour_by="role", guard=self.guard,
                                         names=self.names, title="The hyper-connected in the "
                                         f"{self.network.relation} network")
        return figs

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"hyper_connected": self.to_frame(), "quadrants": self.quadrants.copy(),
                "joint_reach": self.reach_curve.copy()}

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "people": list(self.people),
            "joint_reach": self.joint_reach,
            "certainty": {str(p): float(self.scores.at[p, "certainty"]) for p in self.people},
            "chance_floor": self.chance_floor,
            "knee": self.knee,
            "max_share": self.max_share,
            "reason": self.reason,
            "relation": self.network.relation,
            "wave": self.network.wave,
            "quadrants": self.quadrants.to_dict(orient="records"),
        })

    def findings(self) -> list[Finding]:
        k = len(self.people)
        deg = self.scores["in_degree"]
        typical = float(deg[self.scores["z"].notna()].median())
        if k:
            lo, hi = int(deg[list(self.people)].min()), int(deg[list(self.people)].max())
            named = f"{lo}" if lo == hi else f"{lo}-{hi}"
            sure = self.scores.loc[list(self.people), "certainty"].dropna()
            how = "" if sure.empty else (
                "very sure: the same people stand out however the respondents are resampled"
                if sure.min() >= 0.9 else
                "fairly sure: each stands out in most resamples of the respondents"
                if sure.min() >= 0.6 else
                "unsure for some: they stand out in fewer than 6 of 10 resamples of the "
                "respondents")
            stats = "" if sure.empty else (
                "Share of the resamples of the respondents that flag each: "
                f"{', '.join(f'{v:.0%}' for v in sure)}.")
            out = [Finding(
                f"{count(k, 'person')} ({k / len(self.scores):.1%} of everyone) "
                f"{plural(k, 'is', 'are')} hyper-connected: each is named by {named} colleagues, "
                f"against {typical:g} for a typical person; together they reach "
                f"{self.joint_reach:.0%} of their colleagues within two steps.",
                value=str(k), uncertainty=how, statistics=stats,
                meaning="News and mood pass through very few people; what they think of the "
                        "change spreads fast.",
                action="Brief these people early and personally, and listen to their doubts.",
                figure="passion_connectivity", weight=0.8)]
        else:
            out = [Finding(f"No one stands out as hyper-connected: {self.reason}", value="0",
                           meaning=("Influence is spread evenly: no small group of people can "
                                    "carry the change for everyone."),
                           action=("Work through the tribes and their connectors rather than "
                                   "a few central people."),
                           weight=0.5)]
        q = self.quadrants.set_index("quadrant")
        if {"hidden influencers", "the engine"} <= set(q.index):
            connected = q.loc[["hidden influencers", "the engine"], "n"].sum()
            hidden = q.at["hidden influencers", "n"]
            passion = self.scores["passion"].dropna()
            low = float((passion < self.passion_cut).mean())
            out.append(Finding(
                f"Of the best-connected {self.connected_share:.0%} of people, "
                f"{hidden / connected:.0%} are hidden influencers: well connected but not "
                f"(yet) energised by the change, against {low:.0%} of everyone.",
                value=f"{hidden / connected:.0%}",
                meaning="Well-connected people who are not on board can slow the change "
                        "quietly.",
                action="Invite the hidden influencers into shaping the change, not only "
                       "hearing about it.",
                figure="passion_connectivity", weight=0.6))
        return out


def _certainty(net: Network, pagerank: np.ndarray, connected: np.ndarray, cap: int,
               confidence: float, runs: int, seed: int) -> np.ndarray:
    """Share of resamples of the people who name (with replacement) that flag each person."""
    s, t, _ = net.edges()
    namers = np.unique(s)
    named_by = sp.csr_matrix((np.ones(len(s)), (s, t)), shape=(net.n, net.n))
    rng = np.random.default_rng(seed)
    hits = np.zeros(net.n)
    for _ in range(runs):
        weight = np.bincount(rng.choice(namers, size=len(namers)), minlength=net.n)
        indeg = np.asarray(named_by.T @ weight).ravel()
        hits[_hyper_rule(indeg, pagerank, connected, cap,
                         chance_floor(indeg[connected], confidence))] += 1
    return hits / runs


def _check_share(name: str, value: object, *, upper: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= upper:
        raise ConfigError(f"{name} must be a number above 0 and at most {upper:g}, got {value!r}.")
    return float(value)


def hyper_connected(workbook: Workbook, *, relation: str | None = None, wave: str | None = None,
                    top: int | None = None, confidence: float = 0.95, max_share: float = 0.05,
                    connected_share: float = 0.2, passion_cut: float | None = None,
                    resamples: int | None = None, seed: int = 0,
                    names: bool = False) -> HyperConnected:
    """Find the hyper-connected people and map passion against connectivity.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv``.
    relation, wave
        Which ties (default influence, latest wave).
    top
        Take exactly this many most connected people instead of the rule.
    confidence
        How sure the chance floor is that a random network would not name anyone so often
        (default 0.95).
    max_share
        At most this share of people is called hyper-connected (default 5%); the knee is
        looked for among this share of the most named.
    connected_share
        The best-connected share of people counted as connected on the map (default 20%).
    passion_cut
        Energy score from which a person counts as passionate (default the median).
    resamples
        Resamples of the respondents for how sure each is (default 200; 50 above 20,000
        people; 0: skip).
    seed
        Seed of the resamples.
    names
        Show respondent ids instead of pseudonyms in tables and figures.

    Returns
    -------
    HyperConnected
        ``to_frame()`` columns: ``person``, ``in_degree``, ``in_strength``, ``pagerank``,
        ``eigenvector``, ``two_step_reach``, ``z``, ``certainty``, ``connectivity``,
        ``passion``, ``quadrant``, ``is_leader``, ``hyper_connected``.

    Examples
    --------
    >>> from diagnostics import load
    >>> hubs = hyper_connected(load("data/sample"))
    >>> len(hubs.people), hubs.joint_reach > 0.5
    (6, True)
    >>> hubs.to_frame()["person"].str.startswith("P-").all()
    np.True_
    """
    if top is not None and (isinstance(top, bool) or not isinstance(top, int) or top < 0):
        raise ConfigError(f"top must be a whole number of at least 0 (or None), got {top!r}.")
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or \
            not 0 < confidence < 1:
        raise ConfigError(f"confidence must be a number between 0 and 1 (e.g. 0.95), got "
                          f"{confidence!r}.")
    if resamples is not None and (isinstance(resamples, bool) or not isinstance(resamples, int)
                                  or resamples < 0):
        raise ConfigError(f"resamples must be a whole number of at least 0 (or None), got "
                          f"{resamples!r}.")
    max_share = _check_share("max_share", max_share)
    connected_share = _check_share("connected_share", connected_share)
    net = network_graph(workbook, relation=relation, wave=wave)
    require_ties(net)
    guard = workbook.guard
    ids = net.ids
    indeg = net.in_degree()
    pagerank = net.pagerank()
    connected = net.connected()
    zs = np.full(net.n, np.nan)
    zs[connected] = robust_z(indeg[connected])
    order = np.lexsort((-pagerank, -indeg))  # in-degree, then PageRank, descending
    cap = max(1, int(np.floor(max_share * net.n)))
    floor = chance_floor(indeg[connected], confidence)
    ranked = order[connected[order]]
    knee = min(degree_knee(indeg[ranked], min(cap, len(ranked) - 1)), cap)
    certainty = np.full(net.n, np.nan)
    reason = ""
    if top is not None:
        chosen = order[: min(top, net.n)]
    else:
        chosen = hyper_people(net, confidence=confidence, max_share=max_share)
        if not len(chosen):
            most = int(indeg.max(initial=0))
            typical = float(np.median(indeg[connected])) if connected.any() else 0.0
            if most <= floor:
                reason = (f"the most named person is named by {most} colleagues (typical "
                          f"{typical:g}), no more than chance alone gives the most named of "
                          f"{int(connected.sum())} people in a random network with the same "
                          f"ties ({floor}).")
            else:
                reason = (f"{int((indeg > floor).sum())} people are named more often than chance "
                          f"gives ({floor}), but the in-degree curve has no knee: the most "
                          "named are not set apart from the next (typical in-degree "
                          f"{typical:g}, most named {most}).")
        runs = resamples if resamples is not None else (200 if net.n <= 20_000 else 50)
        if runs:
            certainty = _certainty(net, pagerank, connected, cap, confidence, runs, seed)
    hyper = np.zeros(net.n, dtype=bool)
    hyper[chosen] = True

    notes: list[str] = []
    connectivity = rankdata(pagerank, method="average") / net.n
    scores, dropped, scale = energy_scores(workbook, net.wave)
    passion = scores.reindex(ids).to_numpy(dtype=float)
    answered = ~np.isnan(passion)
    if passion_cut is None:
        cut = float(np.median(passion[answered])) if answered.any() else float("nan")
    elif isinstance(passion_cut, bool) or not isinstance(passion_cut, (int, float)):
        raise ConfigError(f"passion_cut must be a number on the energy scale, got {passion_cut!r}.")
    else:
        cut = float(passion_cut)
    is_connected = connectivity > 1 - connected_share
    quadrant = np.array([QUADRANTS[(bool(p >= cut), bool(c))] if a else NO_ENERGY
                         for p, c, a in zip(passion, is_connected, answered, strict=True)],
                        dtype=object)
    if not answered.any():
        notes.append("No usable energy answers: the passion x connectivity map is empty.")
    elif dropped:
        notes.append(f"{count(dropped, 'respondent')} left out of passion for too many missing answers.")

    frame = pd.DataFrame({
        "in_degree": indeg, "in_strength": net.in_strength(), "pagerank": pagerank,
        "eigenvector": net.eigenvector(), "two_step_reach": net.two_step_reach(), "z": zs,
        "certainty": certainty, "connectivity": connectivity, "passion": passion, "quadrant": quadrant,
        "is_leader": net.leader, "hyper_connected": hyper,
    }, index=pd.Index(ids, name="respondent_id"))
    # joint reach of the k most connected by PageRank, k = 1..K
    by_rank = np.argsort(-pagerank, kind="stable")
    kmax = int(min(net.n, max(10, 2 * len(chosen))))
    reach_sets = net.reach_sets(2)
    covered = np.zeros(net.n, dtype=bool)
    curve = []
    for k, i in enumerate(by_rank[:kmax], start=1):
        covered[reach_sets.indices[reach_sets.indptr[i]:reach_sets.indptr[i + 1]]] = True
        curve.append((k, float(covered.sum() / net.n)))
    reach_curve = pd.DataFrame(curve, columns=["top", "reach"])

    counts = (pd.DataFrame({"quadrant": quadrant[answered], "passion": passion[answered],
                            "connectivity": connectivity[answered]})
              .groupby("quadrant").agg(n=("passion", "size"), passion=("passion", "mean"),
                                       connectivity=("connectivity", "mean")).reset_index())
    shown = guard.apply(counts, by="quadrant", n="n", totals=int(answered.sum()))
    quads = shown.frame
    quads["share"] = quads["n"] / max(int(answered.sum()), 1)
    rank = {name: i for i, name in enumerate(QUADRANTS.values())}
    quads = quads.sort_values("quadrant", key=lambda s: s.map(rank)).reset_index(drop=True)
    quads = quads[["quadrant", "n", "share", "passion", "connectivity"]]
    if net.dropped:
        notes.append(f"{count(net.dropped, 'tie')} with a weight of zero or less were left out.")
    return HyperConnected(
        network=net, people=tuple(str(ids[i]) for i in chosen), scores=frame,
        assignments=pd.Series(quadrant, index=frame.index, name="quadrant"),
        joint_reach=joint_reach(net, chosen), reach_curve=reach_curve, quadrants=quads,
        confidence=float(confidence), chance_floor=int(floor), knee=int(knee), reason=reason,
        max_share=max_share, passion_cut=cut, connected_share=connected_share, guard=guard,
        energy_scale=scale, names=names, suppressed=shown.suppressed, notes=tuple(notes))
