"""Hyper-connected people, and the passion x connectivity map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from ..errors import ConfigError
from ..labels import NO_ENERGY, QUADRANTS
from ..privacy import PrivacyGuard
from ..results import DiagnosticResult, Finding, jsonable
from ..workbook import Workbook
from .common import energy_scores, person_labels, robust_z
from .graph import Network, network_graph, require_ties

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["HyperConnected", "hyper_connected", "QUADRANTS", "NO_ENERGY", "joint_reach"]



def joint_reach(net: Network, people: np.ndarray, steps: int = 2) -> float:
    """Share of the other people reached within ``steps`` steps of flow from ``people`` (indices)."""
    people = np.asarray(people, dtype=np.int64)
    others = net.n - len(people)
    if len(people) == 0 or others <= 0:
        return 0.0
    reached = np.asarray(net.reach_sets(steps)[people].sum(axis=0)).ravel() > 0
    reached[people] = False
    return float(reached.sum() / others)


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
        ``pagerank``, ``eigenvector``, ``two_step_reach``, ``z`` (robust z of log in-degree),
        ``connectivity`` (PageRank percentile, 0-1), ``passion`` (mean energy items),
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
    """

    key: ClassVar[str] = "hyper_connected"
    title: ClassVar[str] = "Hyper-connected people"
    method: ClassVar[str] = (
        "Ties point from the person who names to the person named, so influence flows against "
        "them: a person reaches those who name them in one step and those who name these in "
        "two. Per person: in-degree (how many name them), weighted in-degree, weighted "
        "PageRank (damping 0.85) on the directed ties, eigenvector centrality of the "
        "undirected weighted ties, and two-step reach. Hyper-connected people are outliers of "
        "in-degree: a robust z-score of log(1 + in-degree) (distance from the median in "
        "MADs x 1.4826, among people with ties) of at least the threshold (default 3), and "
        "at most a share of the people (default 5%), ordered by in-degree then PageRank. "
        "Their joint reach is the share of everyone else within two steps of at least one of "
        "them. Passion is the mean of the energy items (respondents who answered at least "
        "two thirds); connectivity is the PageRank percentile. Quadrants: connected = the "
        "most connected fifth by default; passionate = at least the median passion of the "
        "respondents in the network by default. The engine (passionate and connected), "
        "hidden influencers (connected, not yet passionate), isolated enthusiasts (passion "
        "without influence), the periphery. Quadrant counts pass the privacy guard.")
    columns: ClassVar[tuple[str, ...]] = (
        "person", "in_degree", "in_strength", "pagerank", "eigenvector", "two_step_reach", "z",
        "connectivity", "passion", "quadrant", "is_leader", "hyper_connected")

    network: Network = field(repr=False)
    people: tuple[str, ...]
    scores: pd.DataFrame
    assignments: pd.Series
    joint_reach: float
    reach_curve: pd.DataFrame
    quadrants: pd.DataFrame
    z_threshold: float
    passion_cut: float
    connected_share: float
    guard: PrivacyGuard = field(repr=False)
    energy_scale: str = ""
    names: bool = False

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
            "z_threshold": self.z_threshold,
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
            out = [Finding(
                f"{k} {'person is' if k == 1 else 'people are'} hyper-connected "
                f"({k / len(self.scores):.1%} of people): each is named by {named} colleagues, "
                f"against {typical:g} for a typical person; together they reach "
                f"{self.joint_reach:.0%} of their colleagues within two steps.",
                value=str(k), weight=0.8)]
        else:
            out = [Finding("No one stands out as hyper-connected: influence is spread "
                           f"evenly (typical in-degree {typical:g}).", value="0", weight=0.5)]
        q = self.quadrants.set_index("quadrant")
        if {"hidden influencers", "the engine"} <= set(q.index):
            connected = q.loc[["hidden influencers", "the engine"], "n"].sum()
            hidden = q.at["hidden influencers", "n"]
            passion = self.scores["passion"].dropna()
            low = float((passion < self.passion_cut).mean())
            out.append(Finding(
                f"Of the best-connected {self.connected_share:.0%} of people, "
                f"{hidden / connected:.0%} are hidden influencers: connected but not (yet) "
                f"passionate, against {low:.0%} of all respondents below the passion cut.",
                value=f"{hidden / connected:.0%}",
                weight=0.6))
        return out


def _check_share(name: str, value: object, *, upper: float = 1.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= upper:
        raise ConfigError(f"{name} must be a number above 0 and at most {upper:g}, got {value!r}.")
    return float(value)


def hyper_connected(workbook: Workbook, *, relation: str | None = None, wave: str | None = None,
                    top: int | None = None, z: float = 3.0, max_share: float = 0.05,
                    connected_share: float = 0.2, passion_cut: float | None = None,
                    names: bool = False) -> HyperConnected:
    """Find the hyper-connected people and map passion against connectivity.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv``.
    relation, wave
        Which ties (default influence, latest wave).
    top
        Take exactly this many most connected people instead of the outlier rule.
    z
        Outlier threshold: robust z-score of log(1 + in-degree) (default 3).
    max_share
        At most this share of people is called hyper-connected (default 5%).
    connected_share
        The best-connected share of people counted as connected on the map (default 20%).
    passion_cut
        Energy score from which a person counts as passionate (default the median).
    names
        Show respondent ids instead of pseudonyms in tables and figures.

    Returns
    -------
    HyperConnected
        ``to_frame()`` columns: ``person``, ``in_degree``, ``in_strength``, ``pagerank``,
        ``eigenvector``, ``two_step_reach``, ``z``, ``connectivity``, ``passion``,
        ``quadrant``, ``is_leader``, ``hyper_connected``.

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
    if isinstance(z, bool) or not isinstance(z, (int, float)) or not np.isfinite(z):
        raise ConfigError(f"z must be a number (the outlier threshold), got {z!r}.")
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
    if top is not None:
        chosen = order[: min(top, net.n)]
    else:
        cap = max(1, int(np.floor(max_share * net.n)))
        chosen = np.array([i for i in order[:cap] if zs[i] >= z], dtype=np.int64)
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
        notes.append(f"{dropped} respondent(s) left out of passion for too many missing answers.")

    frame = pd.DataFrame({
        "in_degree": indeg, "in_strength": net.in_strength(), "pagerank": pagerank,
        "eigenvector": net.eigenvector(), "two_step_reach": net.two_step_reach(), "z": zs,
        "connectivity": connectivity, "passion": passion, "quadrant": quadrant,
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
        notes.append(f"{net.dropped} tie(s) with a weight of zero or less were left out.")
    return HyperConnected(
        network=net, people=tuple(str(ids[i]) for i in chosen), scores=frame,
        assignments=pd.Series(quadrant, index=frame.index, name="quadrant"),
        joint_reach=joint_reach(net, chosen), reach_curve=reach_curve, quadrants=quads,
        z_threshold=float(z), passion_cut=cut, connected_share=connected_share, guard=guard,
        energy_scale=scale, names=names, suppressed=shown.suppressed, notes=tuple(notes))
