"""Tribes: Leiden communities of the network, how far they cut across departments, their mood."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import igraph as ig
import numpy as np
import pandas as pd
from sklearn.metrics import normalized_mutual_info_score

from ..errors import ConfigError
from ..privacy import PrivacyGuard, SuppressedGroup
from ..results import DiagnosticResult, Finding, jsonable
from ..words import count
from ..workbook import Workbook
from .common import attribute_of, energy_scores
from .graph import Network, network_graph, require_ties

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from ..segments import Segmentation

__all__ = ["Tribes", "find_tribes", "leiden_membership", "tribe_splits", "tribe_label", "NO_TRIBE",
           "SPLIT_ABOVE", "SPLIT_MARGIN"]

#: Label of people without ties (they belong to no tribe and are left out of ``assignments``).
NO_TRIBE = "no tribe"


def tribe_label(k: int) -> str:
    """The name of the ``k``-th largest tribe (0-based): ``Tribe 1``, ``Tribe 2``, ..."""
    return f"Tribe {k + 1}"


#: Tribes of at least this many people are searched for smaller tribes inside (0: never).
SPLIT_ABOVE = 30
#: How far a tribe's inner partition must beat a random network's to split the tribe.
SPLIT_MARGIN = 0.1
#: Above this many people, stability is measured over fewer seeds (see :func:`find_tribes`).
STABILITY_LIMIT = 20_000
#: Seeds compared above :data:`STABILITY_LIMIT` people.
STABILITY_RUNS_LARGE = 1


#: Up to this many people, the first pass keeps the best of several Leiden runs.
BEST_OF_LIMIT = 5_000
#: Leiden runs of the first pass up to :data:`BEST_OF_LIMIT` people.
BEST_OF = 5


def _leiden(g: ig.Graph, resolution: float, seed: int, tries: int = 1) -> np.ndarray:
    """igraph's Leiden (modularity, RB configuration null model), run until stable.

    With ``tries`` above 1, the partition of highest quality among that many runs (seeds
    ``seed``, ``seed + 1``, ...; the first wins ties).
    """
    if g.ecount() == 0:
        return np.arange(g.vcount(), dtype=np.int64)
    best, best_quality = None, -np.inf
    for k in range(tries):
        ig.set_random_number_generator(random.Random(seed * 7919 + k))
        try:
            part = g.community_leiden(objective_function="modularity", weights="weight",
                                      resolution=float(resolution), n_iterations=-1)
        finally:
            ig.set_random_number_generator(random)
        quality = float(part.quality) if tries > 1 else 0.0
        if best is None or quality > best_quality + 1e-12:
            best, best_quality = part.membership, quality
    return np.asarray(best, dtype=np.int64)


def _inner_split(sub: ig.Graph, seed: int, margin: float) -> tuple[np.ndarray | None, float, float]:
    """Split one tribe when its inner partition beats a random network with the same ties.

    Returns the inner membership (``None`` to keep the tribe whole), the inner modularity
    and that of the same tribe with its ties rewired at random (degrees kept).
    """
    inner = _leiden(sub, 1.0, seed)
    if inner.max() < 1:
        return None, 0.0, 0.0
    quality = float(sub.modularity(inner.tolist(), weights="weight"))
    null = sub.copy()
    null.rewire(n=5 * sub.ecount())  # each tie moved about ten times
    null.es["weight"] = sub.es["weight"]
    null_quality = float(null.modularity(_leiden(null, 1.0, seed).tolist(), weights="weight"))
    if quality - null_quality < margin:
        return None, quality, null_quality
    return inner, quality, null_quality


def _split_tribes(g: ig.Graph, member: np.ndarray, *, split_above: int, margin: float,
                  seed: int) -> tuple[np.ndarray, int]:
    """Split tribes of at least ``split_above`` people again, recursively (see ``find_tribes``)."""
    out = member.copy()
    following = int(out.max(initial=-1)) + 1
    todo = list(range(following))
    splits = 0
    state = random.getstate()
    random.seed(seed)  # igraph's rewiring draws from Python's random module
    try:
        while todo:
            tribe = todo.pop()
            nodes = np.flatnonzero(out == tribe)
            if split_above <= 0 or len(nodes) < split_above:
                continue
            sub = g.induced_subgraph(nodes.tolist())
            inner, _, _ = _inner_split(sub, seed, margin)
            if inner is None:
                continue
            splits += 1
            for part in range(1, int(inner.max()) + 1):
                out[nodes[inner == part]] = following
                todo.append(following)
                following += 1
            todo.append(tribe)
    finally:
        random.setstate(state)
    return out, splits


def _by_size(raw: np.ndarray, connected: np.ndarray) -> np.ndarray:
    """Relabel communities 0 (largest) ... by size; equal sizes by first member; -1 untied."""
    raw = np.where(connected, raw, -1)
    labels, first, sizes = np.unique(raw[raw >= 0], return_index=True, return_counts=True)
    firsts = np.flatnonzero(raw >= 0)[first]
    order = np.lexsort((firsts, -sizes))
    remap = np.full(int(raw.max(initial=-1)) + 2, -1, dtype=np.int64)
    remap[labels[order]] = np.arange(len(order))
    return np.where(raw >= 0, remap[raw], -1)


def leiden_membership(net: Network, *, resolution: float = 1.0, seed: int = 0,
                      split_above: int = SPLIT_ABOVE,
                      split_margin: float = SPLIT_MARGIN) -> np.ndarray:
    """Tribes of the undirected weighted ties: Leiden, then large tribes split again.

    Returns one integer per person: 0 for the largest tribe, 1 for the next, ...; -1 for
    people without ties. Cached on the network (with the number of tribes split again
    under ``("tribe_splits", ...)``).
    """
    key = (float(resolution), int(seed), int(split_above), float(split_margin))

    def compute() -> tuple[np.ndarray, int]:
        raw, splits = _split_tribes(net.undirected(), _first_pass(net, resolution, seed),
                                    split_above=split_above, margin=split_margin, seed=seed)
        return _by_size(raw, net.connected()), splits
    return net.cached(("leiden",) + key, compute)[0]


def _first_pass(net: Network, resolution: float, seed: int) -> np.ndarray:
    """Leiden on the whole network (before large tribes are split again), cached."""
    return net.cached(("leiden first pass", float(resolution), int(seed)), lambda: _leiden(
        net.undirected(), resolution, seed, BEST_OF if net.n <= BEST_OF_LIMIT else 1))


def tribe_splits(net: Network, *, resolution: float = 1.0, seed: int = 0,
                 split_above: int = SPLIT_ABOVE, split_margin: float = SPLIT_MARGIN) -> int:
    """How many tribes the partition of :func:`leiden_membership` split again."""
    leiden_membership(net, resolution=resolution, seed=seed, split_above=split_above,
                      split_margin=split_margin)
    key = (float(resolution), int(seed), int(split_above), float(split_margin))
    return int(net.cached(("leiden",) + key, lambda: None)[1])


@dataclass(frozen=True, eq=False)
class Tribes(DiagnosticResult):
    """Informal tribes (Leiden communities) and how they sit across departments.

    Attributes
    ----------
    network
        The network they were found in.
    assignments
        Tribe of each person with ties (index ``respondent_id``, labels ``Tribe 1``... by
        size); people without ties are left out.
    modularity
        Newman's modularity of the partition (resolution 1) on the undirected ties.
    department_overlap
        Normalised mutual information between tribe and department (0: tribes ignore
        departments, 1: tribes are the departments); NaN without a department attribute.
    cross_department_share
        Share of the ties inside tribes that join people of different departments.
    stability
        Mean NMI between this partition and those of other Leiden seeds (1: the same; NaN
        when not measured; above 20,000 people between the first Leiden passes).
    stability_runs
        How many other seeds the stability compares with (fewer above 20,000 people).
    resolution
        The Leiden resolution of the first pass (1: classic modularity).
    split_above, splits
        Tribes of at least ``split_above`` people were searched again for tribes inside;
        ``splits`` of them were split (0: the first pass stands).
    profile
        One row per tribe (withheld tribes absent): ``tribe``, ``people``, ``cohesion``
        (share of its members' ties that stay inside), ``density``, ``departments``,
        ``cross_department_share``, ``energy`` and ``energy_n`` (mood from the survey,
        blank when fewer than the privacy minimum answered).
    department_mix, segment_mix
        People per tribe and department (the ``by`` attribute; or segment), ``n`` and
        ``share`` (of the tribe's members with a department or segment), through the privacy
        guard (``segment_mix`` is ``None`` without segments).
    """

    key: ClassVar[str] = "tribes"
    title: ClassVar[str] = "Tribes"
    method: ClassVar[str] = (
        "Tribes are communities of the network found with the Leiden algorithm (Traag, "
        "Waltman & van Eck 2019; igraph, modularity with the RB configuration null model, "
        "weighted, run until stable, fixed seed; up to 5,000 people the best of five runs) on "
        "the undirected ties, reciprocal ties added together. Modularity cannot see groups smaller than about the square root of the "
        "number of ties (the resolution limit, Fortunato & Barthelemy 2007), so in large "
        "organisations several real tribes come out as one. Each tribe of at least 30 people "
        "is therefore searched again on its own ties (Leiden, resolution 1 within the tribe); "
        "it is split when the modularity of its inner partition beats that of the same tribe "
        "with its ties rewired at random (same number of ties per person) by at least 0.1, "
        "and the parts are searched again in turn. A tribe whose inside looks like a random "
        "network stays whole. "
        "Modularity is Newman's Q at resolution 1. How far tribes cut across departments is "
        "the normalised mutual information (arithmetic mean) between tribe and department "
        "(0: unrelated, 1: identical) and the share of ties inside tribes that join people "
        "of different departments. Cohesion is the share of the ties touching a tribe's "
        "members that stay inside it. A tribe's mood is the mean of its members' energy items "
        "(respondents who answered at least two thirds of them). Stability is the mean NMI "
        "between the partition and those found with other seeds (five; above 20,000 people "
        "one, comparing the first Leiden passes before large tribes are split again, as a "
        "whole run takes seconds there). Tribes, departments and "
        "segments smaller than the privacy minimum are withheld from every table and figure.")
    columns: ClassVar[tuple[str, ...]] = ("tribe", "people", "cohesion", "density", "departments",
                                          "cross_department_share", "energy", "energy_n")

    network: Network = field(repr=False)
    assignments: pd.Series
    modularity: float
    department_overlap: float
    cross_department_share: float
    stability: float
    resolution: float
    seed: int
    profile: pd.DataFrame
    department_mix: pd.DataFrame
    segment_mix: pd.DataFrame | None
    guard: PrivacyGuard = field(repr=False)
    by: str | None = "department"
    energy_scale: str = ""
    names: bool = False
    stability_runs: int = 0
    split_above: int = 0
    splits: int = 0

    @property
    def n_tribes(self) -> int:
        """Number of tribes (all, including withheld small ones)."""
        return int(self.assignments.nunique())

    def to_frame(self) -> pd.DataFrame:
        return self.profile.copy()

    def figure(self) -> go.Figure:
        from ..plots.network import network_figure

        labels = self.assignments.reindex(self.network.ids).fillna(NO_TRIBE)
        return network_figure(self.network, labels, colour_by="tribe", guard=self.guard,
                              names=self.names, title=f"Tribes in the {self.network.relation} "
                              f"network ({self.n_tribes} tribes)")

    def figures(self) -> dict[str, go.Figure]:
        from ..plots.network import tribe_department_figure, tribe_profile_figure

        figs = {"network": self.figure(), "profile": tribe_profile_figure(self)}
        if not self.department_mix.empty:
            figs["tribe_department"] = tribe_department_figure(self)
        if self.segment_mix is not None and not self.segment_mix.empty:
            figs["tribe_segment"] = tribe_department_figure(self, segments=True)
        return figs

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"tribes": self.to_frame(), f"tribe_{self.by or 'department'}":
               self.department_mix.copy()}
        if self.segment_mix is not None:
            out["tribe_segment"] = self.segment_mix.copy()
        return out

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "assignments": {str(k): str(v) for k, v in self.assignments.items()},
            "modularity": self.modularity,
            "department_overlap": self.department_overlap,
            "cross_department_share": self.cross_department_share,
            "n_tribes": self.n_tribes,
            "stability": self.stability,
            "resolution": self.resolution,
            "stability_runs": self.stability_runs,
            "split_above": self.split_above,
            "splits": self.splits,
            "relation": self.network.relation,
            "wave": self.network.wave,
            "profile": self.profile.to_dict(orient="records"),
        })

    def findings(self) -> list[Finding]:
        stable = ("stable" if self.stability >= 0.8 else "fairly stable" if self.stability >= 0.5
                  else "not stable")
        out = [Finding(
            f"People form {self.n_tribes} informal tribes in the {self.network.relation} "
            "network.",
            value=str(self.n_tribes),
            uncertainty=f"the tribes are {stable} from one computation to the next",
            meaning="Tribes are the groups people actually work and talk in.",
            statistics=(f"Modularity {self.modularity:.2f}; stability across seeds "
                        f"(normalised mutual information) {self.stability:.2f}."),
            figure="network", weight=0.6)]
        if not np.isnan(self.department_overlap):
            how = ("cut across departments" if self.department_overlap < 0.3 else
                   "partly follow departments" if self.department_overlap < 0.6 else
                   "largely follow departments")
            share = ("" if np.isnan(self.cross_department_share) else
                     f": {self.cross_department_share:.0%} of the ties inside tribes join "
                     "different departments")
            out.append(Finding(
                f"The informal tribes {how}{share}.",
                value=("" if np.isnan(self.cross_department_share)
                       else f"{self.cross_department_share:.0%}"),
                meaning=("The organisation chart does not show how people really work together."
                         if self.department_overlap < 0.6 else
                         "Informal groups mostly match the organisation chart."),
                action=("Spread the change through tribes, not only down the department lines."
                        if self.department_overlap < 0.6 else
                        "Department lines are a good route for the change."),
                statistics=(f"Overlap of tribes and departments: normalised mutual information "
                            f"{self.department_overlap:.2f} (0 unrelated, 1 identical)."),
                figure="network", weight=0.7))
        return out


def _mood(profile: pd.DataFrame, members: pd.Series, scores: pd.Series,
          guard: PrivacyGuard) -> tuple[pd.DataFrame, list[SuppressedGroup]]:
    scored = members[members.index.isin(scores.index)]
    value = scores.reindex(scored.index)
    stats = value.groupby(scored.to_numpy()).agg(["size", "mean"])
    n = stats["size"].reindex(profile["tribe"]).fillna(0).astype(int)
    mask, reasons = guard.visible_mask(pd.Series(n.to_numpy(), index=profile["tribe"].to_numpy()),
                                       total=int(len(scores)))
    energy = stats["mean"].reindex(profile["tribe"]).to_numpy()
    profile = profile.assign(energy=np.where(mask.to_numpy(), energy, np.nan),
                             energy_n=np.where(mask.to_numpy(), n.to_numpy(), 0))
    withheld = [SuppressedGroup("tribe energy", str(k), r) for k, r in reasons.items()]
    return profile, withheld


def _mix(members: pd.Series, other: pd.Series, column: str,
         guard: PrivacyGuard) -> tuple[pd.DataFrame, list[SuppressedGroup]]:
    """People per tribe and group (department, segment), through the guard.

    ``share`` is of the tribe's members who have a group; groups too small in the whole
    network never appear, whatever the tribe.
    """
    both = pd.DataFrame({"tribe": members, column: other.reindex(members.index)}).dropna()
    withheld: list[SuppressedGroup] = []
    per_tribe = both.groupby("tribe").size()
    totals = both[column].value_counts()
    mask, reasons = guard.visible_mask(totals)
    withheld += [SuppressedGroup(column, str(k), r) for k, r in reasons.items()]
    both = both[both[column].isin(set(totals.index[mask.to_numpy()]))]
    counts = both.groupby(["tribe", column]).size().rename("n").reset_index()
    if counts.empty:
        return counts.assign(share=pd.Series(dtype=float)), withheld
    shown = guard.apply(counts, by=["tribe", column], n="n", within="tribe",
                        totals={k: int(v) for k, v in per_tribe.items()})
    frame = shown.frame.copy()
    frame["share"] = frame["n"] / frame["tribe"].map(per_tribe).astype(float)
    withheld += list(shown.suppressed)
    return frame.reset_index(drop=True), withheld


def find_tribes(workbook: Workbook, *, relation: str | None = None, wave: str | None = None,
                resolution: float = 1.0, seed: int = 0, by: str | None = "department",
                segments: Segmentation | None = None, stability_runs: int = 5,
                split_above: int = SPLIT_ABOVE, names: bool = False) -> Tribes:
    """Find the informal tribes of the network and profile each.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv``.
    relation, wave
        Which ties (see :func:`~diagnostics.network.network_graph`; default influence, latest wave).
    resolution
        Leiden resolution (higher: more, smaller tribes); 1 is classic modularity.
    seed
        Seed of the Leiden run.
    by
        The attribute tribes are compared with (default ``department``; skipped when absent).
    segments
        The segmentation (:func:`diagnostics.segment_frames`), for the segment mix of each
        tribe, or ``None``.
    stability_runs
        Other Leiden seeds the partition is compared with (0: skip); above 20,000 people at
        most one, and only the first Leiden pass of each seed (before large tribes are split
        again; a whole run takes seconds there), as the result's ``stability_runs`` and notes
        say.
    split_above
        Tribes of at least this many people are searched again for tribes inside (default
        30; 0: never): modularity merges small tribes in large organisations.
    names
        Show respondent ids instead of pseudonyms in figures.

    Returns
    -------
    Tribes
        ``to_frame()`` columns: ``tribe``, ``people``, ``cohesion``, ``density``,
        ``departments``, ``cross_department_share``, ``energy``, ``energy_n``.

    Raises
    ------
    ConfigError
        For a resolution that is not a positive number.
    InsufficientDataError
        When fewer than three people have ties.

    Examples
    --------
    >>> from diagnostics import load
    >>> tribes = find_tribes(load("data/sample"))
    >>> tribes.n_tribes, round(tribes.modularity, 2) > 0.5, tribes.department_overlap < 0.3
    (9, True, True)
    >>> "Legal" in set(tribes.department_mix["department"])
    False
    """
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float)) or not \
            np.isfinite(resolution) or resolution <= 0:
        raise ConfigError(f"resolution must be a positive number (1 = classic modularity), got "
                          f"{resolution!r}.")
    if isinstance(stability_runs, bool) or not isinstance(stability_runs, int) or stability_runs < 0:
        raise ConfigError(f"stability_runs must be a whole number of at least 0, got "
                          f"{stability_runs!r}.")
    if isinstance(split_above, bool) or not isinstance(split_above, int) or split_above < 0:
        raise ConfigError(f"split_above must be a whole number of at least 0 (0: never split), "
                          f"got {split_above!r}.")
    net = network_graph(workbook, relation=relation, wave=wave)
    require_ties(net)
    guard = workbook.guard
    member = leiden_membership(net, resolution=resolution, seed=seed, split_above=split_above)
    splits = tribe_splits(net, resolution=resolution, seed=seed, split_above=split_above)
    has = member >= 0
    ids = net.ids
    k = int(member.max()) + 1
    labels = np.array([tribe_label(j) for j in range(k)], dtype=object)
    assignments = pd.Series(labels[member[has]], index=pd.Index(
        ids[has], name="respondent_id"), name="tribe", dtype=object)
    g = net.undirected()
    modularity = float(g.modularity(np.where(has, member, member.max() + 1 + np.arange(net.n))
                                    .tolist(), weights="weight", resolution=1))
    stability_runs_asked = stability_runs
    large = net.n > STABILITY_LIMIT
    if large:  # the first passes of two seeds compared: a full run with splits takes long
        stability_runs = min(stability_runs, STABILITY_RUNS_LARGE)
        base = _first_pass(net, resolution, seed)
        others = [_first_pass(net, resolution, seed + 1 + r) for r in range(stability_runs)]
    else:
        base = member
        others = [leiden_membership(net, resolution=resolution, seed=seed + 1 + r,
                                    split_above=split_above) for r in range(stability_runs)]
    stability = float(np.mean([normalized_mutual_info_score(base[has], o[has]) for o in others])) \
        if others else float("nan")

    # structure per tribe
    s, t, _ = net.edges()
    inside = (member[s] == member[t]) & (member[s] >= 0)
    internal = np.bincount(member[s][inside], minlength=k)
    touching = (np.bincount(member[s][member[s] >= 0], minlength=k)
                + np.bincount(member[t][member[t] >= 0], minlength=k) - internal)
    size = np.bincount(member[has], minlength=k)
    notes: list[str] = []
    if splits:
        notes.append(f"{count(splits, 'tribe')} of at least {split_above} people held smaller tribes "
                     "beyond what a random network gives and were split again (modularity's "
                     "resolution limit).")
    if large and others:
        fewer = (f" (not {stability_runs_asked})" if len(others) < stability_runs_asked else "")
        notes.append(f"Stability compares the first Leiden pass (before large tribes are split "
                     f"again) with that of {count(len(others), 'other seed')}{fewer}: above "
                     f"{STABILITY_LIMIT:,} people a whole run with its splits takes seconds.")
    dept = attribute_of(workbook, by, ids) if by else pd.Series(pd.NA, index=ids, dtype=object)
    dept_known = dept.notna().to_numpy()
    n_depts = np.zeros(k, dtype=int)
    cross_share = np.full(k, np.nan)
    overlap = float("nan")
    overall_cross = float("nan")
    if by and by in workbook.attributes and dept_known.any():
        codes = pd.Categorical(dept.to_numpy()).codes
        both = inside & dept_known[s] & dept_known[t]
        cross = both & (codes[s] != codes[t])
        n_both = np.bincount(member[s][both], minlength=k)
        n_cross = np.bincount(member[s][cross], minlength=k)
        with np.errstate(invalid="ignore", divide="ignore"):
            cross_share = np.where(n_both > 0, n_cross / np.maximum(n_both, 1), np.nan)
        overall_cross = float(n_cross.sum() / n_both.sum()) if n_both.sum() else float("nan")
        sel = has & dept_known
        pairs = np.unique(member[sel] * (int(codes.max()) + 1) + codes[sel])
        n_depts = np.bincount(pairs // (int(codes.max()) + 1), minlength=k)
        sel = has & dept_known
        overlap = float(normalized_mutual_info_score(member[sel], codes[sel]))
    elif by:
        notes.append(f"The survey has no {by!r} attribute; tribes are not compared with it.")
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = pd.DataFrame({
            "tribe": labels,
            "people": size,
            "cohesion": np.where(touching > 0, internal / np.maximum(touching, 1), np.nan),
            "density": np.where(size > 1, internal / np.maximum(size * (size - 1), 1), np.nan),
            "departments": n_depts,
            "cross_department_share": cross_share,
        })
    shown = guard.apply(profile, by="tribe", n="people")
    withheld = list(shown.suppressed)
    profile = shown.frame.reset_index(drop=True)
    scores, dropped, scale = energy_scores(workbook, net.wave)
    if len(scores):
        profile, hidden = _mood(profile, assignments, scores, guard)
        withheld += hidden
        if dropped:
            notes.append(f"{count(dropped, 'respondent')} left out of the tribes' energy for too many "
                         "missing answers.")
    else:
        profile = profile.assign(energy=np.nan, energy_n=0)
        notes.append("The codebook has no energy items; tribe mood is not shown.")
    if by and by in workbook.attributes:
        department_mix, hidden = _mix(assignments, dept, by, guard)
        withheld += hidden
    else:
        department_mix = pd.DataFrame(columns=["tribe", by or "department", "n", "share"])
    segment_mix = None
    seg = segments.assignments if segments is not None else None
    if seg is not None and len(seg):
        segment_mix, hidden = _mix(assignments, seg.astype(object).rename(None), "segment", guard)
        withheld += hidden
    if not has.all():
        notes.append(f"{int((~has).sum())} people without {net.relation} ties belong to no tribe.")
    if net.dropped:
        notes.append(f"{count(net.dropped, 'tie')} with a weight of zero or less were left out.")
    return Tribes(network=net, assignments=assignments, modularity=modularity,
                  department_overlap=overlap, cross_department_share=overall_cross,
                  stability=stability, resolution=float(resolution), seed=int(seed),
                  stability_runs=len(others), split_above=split_above, splits=splits,
                  profile=profile, department_mix=department_mix, segment_mix=segment_mix,
                  guard=guard, by=by, energy_scale=scale, names=names, suppressed=tuple(withheld),
                  notes=tuple(notes))
