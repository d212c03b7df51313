"""Change in the network between waves: ties kept, added and dropped; tribes and hubs over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import normalized_mutual_info_score

from ..errors import InsufficientDataError
from ..privacy import PrivacyGuard
from ..results import DiagnosticResult, Finding, jsonable
from ..words import count
from ..workbook import Workbook
from .common import person_labels
from .graph import Network, default_relation, network_graph, relation_waves
from .hubs import hyper_people
from .reach import leader_distances
from .tribes import leiden_membership

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["NetworkChange", "network_change"]


@dataclass(frozen=True, eq=False)
class NetworkChange(DiagnosticResult):
    """How the network of one relation changed from wave to wave.

    Attributes
    ----------
    relation, waves
        The relation and its waves, in time order.
    per_wave
        One row per wave: ``wave``, ``people`` (with ties), ``ties``, ``density``,
        ``reciprocity``, ``mean_in_degree``, ``tribes``, ``modularity``, ``hyper_connected``
        (how many), ``within_2_steps`` (reach to the top; NaN without leaders).
    transitions
        One row per pair of consecutive waves: ``from_wave``, ``to_wave``, ``people`` (who
        named colleagues in both), ``kept``, ``added``, ``dropped`` (their ties),
        ``tribe_nmi`` (agreement of the tribes of people with ties in both waves),
        ``pagerank_correlation`` (Spearman) and ``hubs_kept`` (hyper-connected in both).
    in_degree
        In-degree of each person per wave (index ``respondent_id``, one column per wave).
    """

    key: ClassVar[str] = "network_change"
    title: ClassVar[str] = "Network change between waves"
    method: ClassVar[str] = (
        "Each wave's ties form their own network (same measures as for the latest wave). "
        "Between consecutive waves, ties are compared only for people who named colleagues in "
        "both waves, so that not answering a wave does not count as dropping ties: kept (named "
        "in both), added, dropped. Tribes are found per wave (Leiden, same seed) and compared "
        "by normalised mutual information over the people with ties in both waves; PageRank "
        "by Spearman correlation over the same people.")
    columns: ClassVar[tuple[str, ...]] = ("wave", "people", "ties", "density", "reciprocity",
                                          "mean_in_degree", "tribes", "modularity",
                                          "hyper_connected", "within_2_steps")

    relation: str
    waves: tuple[str, ...]
    per_wave: pd.DataFrame
    transitions: pd.DataFrame
    in_degree: pd.DataFrame
    guard: PrivacyGuard = field(repr=False)
    names: bool = False

    def to_frame(self) -> pd.DataFrame:
        return self.per_wave.copy()

    def figure(self) -> go.Figure:
        from ..plots.network import change_figure

        return change_figure(self)

    def tables(self) -> dict[str, pd.DataFrame]:
        people = self.in_degree.reset_index(drop=True)
        people.insert(0, "person", person_labels(self.guard, self.in_degree.index, self.names))
        return {"network_by_wave": self.to_frame(), "network_transitions": self.transitions.copy(),
                "in_degree_by_wave": people}

    def to_json(self) -> dict[str, Any]:
        return jsonable({"relation": self.relation, "waves": list(self.waves),
                         "per_wave": self.per_wave.to_dict(orient="records"),
                         "transitions": self.transitions.to_dict(orient="records")})

    def findings(self) -> list[Finding]:
        out = []
        for row in self.transitions.itertuples(index=False):
            before = row.kept + row.dropped
            if before == 0:
                continue
            same = ("largely the same" if row.tribe_nmi >= 0.7 else
                    "partly the same" if row.tribe_nmi >= 0.4 else "different")
            out.append(Finding(
                f"From {row.from_wave} to {row.to_wave}, people who answered both kept "
                f"{row.kept / before:.0%} of their {self.relation} ties and added "
                f"{count(row.added, 'new tie')}; the tribes stayed {same}.",
                value=f"{row.kept / before:.0%}",
                meaning=("The informal networks through which change travels are stable: who "
                         "people turn to now is a good guide to the months ahead."
                         if row.tribe_nmi >= 0.7 else
                         "The informal networks are shifting: who people turn to has changed, "
                         "so the movement starters of the last plan may no longer reach as far."),
                action=("Keep working through the same tribes and movement starters."
                        if row.tribe_nmi >= 0.7 else
                        "Check the movement starters against the new network before the next "
                        "step of the plan."),
                statistics=f"Tribe overlap between the waves: NMI {row.tribe_nmi:.2f}.",
                weight=0.5))
        return out


def _tie_changes(a: Network, b: Network) -> tuple[int, int, int, int]:
    """People who named colleagues in both networks, and their ties kept, added and dropped.

    Only ties from those people to people present in both networks count. People are
    matched by id; ties are compared as integer codes of (source, target) in ``a``'s
    numbering (a person missing from ``a`` is missing from both).
    """
    sa, ta, _ = a.edges()
    sb, tb, _ = b.edges()
    in_a = pd.Index(a.ids).get_indexer(pd.Index(b.ids))  # b's people in a's numbering, or -1
    sb, tb = in_a[sb], in_a[tb]
    present = np.zeros(a.n, dtype=bool)
    present[in_a[in_a >= 0]] = True
    named_a = np.zeros(a.n, dtype=bool)
    named_a[sa] = True
    named_b = np.zeros(a.n, dtype=bool)
    named_b[sb[sb >= 0]] = True
    both = named_a & named_b  # named colleagues in both waves (someone missing from a cannot)
    inside = (sb >= 0) & (tb >= 0)
    sb, tb = sb[inside], tb[inside]
    keep_a = both[sa] & present[ta]
    keep_b = both[sb]
    ka = np.unique(sa[keep_a] * a.n + ta[keep_a])
    kb = np.unique(sb[keep_b] * a.n + tb[keep_b])
    kept = len(np.intersect1d(ka, kb, assume_unique=True))
    return int(both.sum()), kept, len(kb) - kept, len(ka) - kept


def network_change(workbook: Workbook, *, relation: str | None = None, seed: int = 0,
                   names: bool = False) -> NetworkChange:
    """Compare the network of one relation between its waves.

    Parameters
    ----------
    workbook
        A loaded data folder whose ``network.csv`` ties carry a wave.
    relation
        The relation (default influence when present).
    seed
        Seed of the Leiden runs.
    names
        Show respondent ids instead of pseudonyms in tables.

    Returns
    -------
    NetworkChange
        ``to_frame()`` columns: ``wave``, ``people``, ``ties``, ``density``,
        ``reciprocity``, ``mean_in_degree``, ``tribes``, ``modularity``,
        ``hyper_connected``, ``within_2_steps``.

    Raises
    ------
    InsufficientDataError
        When the relation's ties carry fewer than two waves.

    Examples
    --------
    >>> from diagnostics import load
    >>> change = network_change(load("data/sample"))
    >>> change.waves
    ('2025-H1', '2025-H2')
    >>> bool(change.transitions["tribe_nmi"].iloc[0] > 0.8)
    True
    """
    rel = default_relation(workbook) if relation is None else str(relation).lower()
    waves = relation_waves(workbook, rel)
    if len(waves) < 2:
        raise InsufficientDataError(f"the {rel} ties carry {'one wave' if waves else 'no wave'}; "
                                    "change needs two or more")
    nets = [network_graph(workbook, relation=rel, wave=w) for w in waves]
    rows, members, ranks, hubs, degrees = [], [], [], [], []
    for w, net in zip(waves, nets, strict=True):
        member = leiden_membership(net, seed=seed)
        has = member >= 0
        g = net.undirected()
        q = float(g.modularity(np.where(has, member, member.max() + 1 + np.arange(net.n)).tolist(),
                               weights="weight")) if g.ecount() else float("nan")
        people = int(net.connected().sum())
        ties = net.graph.ecount()
        # who they are only (hyper_connected's rule): no certainty, map or reach is needed
        hub = net.ids[hyper_people(net)]
        within = float("nan")
        if net.leader.any():
            d = leader_distances(net, max_steps=2, direction="up")
            others = ~net.leader
            within = float((d[others] <= 2).mean())
        rows.append({"wave": w, "people": people, "ties": ties,
                     "density": ties / max(people * (people - 1), 1),
                     "reciprocity": float(net.graph.reciprocity()) if ties else float("nan"),
                     "mean_in_degree": ties / max(people, 1),
                     "tribes": int(member.max()) + 1, "modularity": q,
                     "hyper_connected": len(hub), "within_2_steps": within})
        members.append(pd.Series(member, index=net.ids))
        ranks.append(pd.Series(net.pagerank(), index=net.ids))
        hubs.append(set(hub))
        degrees.append(pd.Series(net.in_degree(), index=net.ids, name=w))
    transitions = []
    for i in range(len(waves) - 1):
        people, kept, added, dropped = _tie_changes(nets[i], nets[i + 1])
        ma, mb = members[i], members[i + 1]
        common = ma.index.intersection(mb.index)
        common = common[(ma[common] >= 0).to_numpy() & (mb[common] >= 0).to_numpy()]
        nmi = float(normalized_mutual_info_score(ma[common], mb[common])) if len(common) else \
            float("nan")
        rho = float(spearmanr(ranks[i][common], ranks[i + 1][common]).statistic) \
            if len(common) > 2 else float("nan")
        transitions.append({"from_wave": waves[i], "to_wave": waves[i + 1], "people": people,
                            "kept": kept, "added": added, "dropped": dropped,
                            "tribe_nmi": nmi, "pagerank_correlation": rho,
                            "hubs_kept": len(hubs[i] & hubs[i + 1])})
    in_degree = pd.concat(degrees, axis=1).sort_index()
    in_degree.index.name = "respondent_id"
    return NetworkChange(relation=rel, waves=tuple(waves), per_wave=pd.DataFrame(rows),
                         transitions=pd.DataFrame(transitions), in_degree=in_degree,
                         guard=workbook.guard, names=names)
