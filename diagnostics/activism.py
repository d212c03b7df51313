"""Activism, not clicktivism: each person's highest rung on the activism ladder.

Engagement actions (``actions.csv``) are mapped onto the ladder spectator < clicktivist
(views, likes, reactions) < contributor (comments, shares) < activist (attends, acts,
volunteers) < advocate (leads, recruits) with the default mapping of
:data:`diagnostics.config.DEFAULT_LADDER`, overridden by ``[ladder]`` in workbook.toml.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from ._compat import renamed
from .comparisons import wilson_interval
from .config import LADDER_LEVELS
from .errors import ConfigError, InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .words import between, count
from .workbook import Workbook

if TYPE_CHECKING:
    from .network import HyperConnected, Tribes

__all__ = ["ActivismLadder", "activism_ladder", "map_actions", "highest_levels",
           "CLICK_LEVELS", "DEED_LEVELS"]

#: Ladder levels whose actions count as clicks in the clicks-to-deeds ratio.
CLICK_LEVELS: tuple[str, ...] = ("clicktivist",)
#: Ladder levels whose actions count as deeds.
DEED_LEVELS: tuple[str, ...] = ("activist", "advocate")

_RANK = {level: i for i, level in enumerate(LADDER_LEVELS)}


def _lookup(action: str, mapping: Mapping[str, str]) -> str | None:
    """The level of an action: exact, else without a plural or past-tense ending."""
    if action in mapping:
        return mapping[action]
    for ending, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"),
                         ("ing", ""), ("ing", "e")):
        if action.endswith(ending) and action[: -len(ending)] + repl in mapping:
            return mapping[action[: -len(ending)] + repl]
    return None


def map_actions(actions: pd.DataFrame, mapping: Mapping[str, str]) -> tuple[pd.Series, dict[str, int]]:
    """The ladder level of each action row, and the unmapped actions with their counts.

    Parameters
    ----------
    actions
        The actions table (``respondent_id``, ``action`` in lower case).
    mapping
        Action to level (levels in :data:`~diagnostics.config.LADDER_LEVELS`).

    Returns
    -------
    levels, unmapped
        A Series aligned with ``actions`` (missing where the action is not mapped) and
        ``{action: count}`` of the unmapped ones, most frequent first.

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"respondent_id": ["a", "b", "b"], "action": ["likes", "lead", "dance"]})
    >>> levels, unmapped = map_actions(acts, {"like": "clicktivist", "lead": "advocate"})
    >>> list(levels.fillna("-")), unmapped
    (['clicktivist', 'advocate', '-'], {'dance': 1})
    """
    bad = {a: lv for a, lv in mapping.items() if lv not in _RANK}
    if bad:
        action, level = next(iter(bad.items()))
        raise ConfigError(f"ladder mapping: action {action!r} maps to {level!r}; expected one of "
                          f"{', '.join(LADDER_LEVELS)}.")
    names = actions["action"].astype(str).str.strip().str.lower()
    table = {a: _lookup(a, mapping) for a in names.unique()}
    levels = names.map(table)
    missing = names[levels.isna()].value_counts()
    unmapped = {str(a): int(c) for a, c in sorted(missing.items(), key=lambda kv: (-kv[1], kv[0]))}
    return levels.rename("level"), unmapped


def highest_levels(people: pd.Index, actions: pd.DataFrame, levels: pd.Series) -> pd.Series:
    """Each person's highest ladder level (``spectator`` without a mapped action).

    Examples
    --------
    >>> import pandas as pd
    >>> acts = pd.DataFrame({"respondent_id": ["a", "a"], "action": ["view", "lead"]})
    >>> highest_levels(pd.Index(["a", "b"]), acts, pd.Series(["clicktivist", "advocate"])).to_dict()
    {'a': 'advocate', 'b': 'spectator'}
    """
    rank = levels.map(_RANK)
    frame = pd.DataFrame({"respondent_id": actions["respondent_id"].astype(str).to_numpy(),
                          "rank": rank.to_numpy(dtype=float)}).dropna()
    top = frame.groupby("respondent_id")["rank"].max()
    top = top.reindex(people).fillna(0).astype(int)
    return pd.Series(np.asarray(LADDER_LEVELS, dtype=object)[top.to_numpy()], index=people,
                     name="level").astype(str).rename_axis("respondent_id")


def _distribution(level: pd.Series, confidence: float) -> pd.DataFrame:
    counts = level.value_counts().reindex(LADDER_LEVELS, fill_value=0)
    n = int(counts.sum())
    low, high = wilson_interval(counts.to_numpy(), np.full(len(counts), n), confidence=confidence)
    at_or_above = counts[::-1].cumsum()[::-1]
    return pd.DataFrame({"level": list(LADDER_LEVELS), "rank": range(len(LADDER_LEVELS)),
                         "n": counts.to_numpy(), "share": counts.to_numpy() / max(n, 1),
                         "ci_low": low, "ci_high": high,
                         "at_or_above": at_or_above.to_numpy(),
                         "share_at_or_above": at_or_above.to_numpy() / max(n, 1)})


def _bootstrap_ratio(clicks: np.ndarray, deeds: np.ndarray, *, confidence: float,
                     seed: int, resamples: int = 1000) -> tuple[float, float]:
    """Percentile interval of sum(clicks)/sum(deeds), resampling people."""
    if deeds.sum() == 0 or len(clicks) < 2:
        return math.nan, math.nan
    rng = np.random.default_rng(seed)
    n = len(clicks)
    ratios = np.empty(resamples)
    for b in range(resamples):
        idx = rng.integers(0, n, n)
        d = deeds[idx].sum()
        ratios[b] = clicks[idx].sum() / d if d else np.inf
    alpha = (1 - confidence) / 2
    with np.errstate(invalid="ignore"):  # resamples without deeds give inf; inf - inf is nan
        bounds = np.quantile(ratios, [alpha, 1 - alpha])
    low, high = np.where(np.isnan(bounds), np.inf, bounds)  # between two infinite ratios: inf
    return float(low), float(high)


def _influence_edges(network: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Ties to read influence from: ``influence`` when present, else every relation but energy.

    When ties carry waves, the latest wave's ties (and ties without a wave) are used.
    """
    relation = network["relation"].astype(str)
    relations = set(relation.unique())
    if "influence" in relations:
        edges, label = network[(relation == "influence").to_numpy()], "influence"
    else:
        edges = network[(relation != "energy").to_numpy()]
        label = ", ".join(sorted(relations - {"energy"})) or "ties"
    wave = edges["wave"]
    if wave.notna().any():
        last = sorted(wave.dropna().astype(str).unique())[-1]
        edges = edges[(wave.isna() | (wave.astype(str) == last)).to_numpy()]
    return edges, label


def _coded_edges(people: pd.Index, edges: pd.DataFrame) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Every person and tie end as one index, and the ties as integer codes into it."""
    ids = pd.Index(people.astype(str)).append(pd.Index(edges["source"].astype(str))).append(
        pd.Index(edges["target"].astype(str))).unique().sort_values()
    return (ids, ids.get_indexer(edges["source"].astype(str)),
            ids.get_indexer(edges["target"].astype(str)))


def _network_position(people: pd.Index, network: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """In-degree, PageRank and their percentiles (a tie source -> target: target is named)."""
    import igraph as ig

    edges, label = _influence_edges(network)
    ids, src, tgt = _coded_edges(people, edges)
    g = ig.Graph(n=len(ids), edges=np.column_stack([src, tgt]).tolist(), directed=True)
    g.es["weight"] = edges["weight"].astype(float).abs().tolist()
    indeg = np.bincount(tgt, minlength=len(ids)).astype(float)
    pagerank = np.asarray(g.pagerank(weights="weight" if g.ecount() else None, directed=True))
    frame = pd.DataFrame({"in_degree": indeg, "pagerank": pagerank}, index=ids)
    frame = frame.reindex(people)
    frame["in_degree_percentile"] = 100 * frame["in_degree"].rank(pct=True, method="average")
    frame["pagerank_percentile"] = 100 * frame["pagerank"].rank(pct=True, method="average")
    return frame, label


@dataclass(frozen=True)
class ActivismLadder(DiagnosticResult):
    """Each person's highest rung on the activism ladder, overall and per group.

    Attributes
    ----------
    assignments
        Each person's highest level (index ``respondent_id``); spectators took no mapped action.
    counts
        One row per level: ``level``, ``rank``, ``n``, ``share`` with ``ci_low``/``ci_high``
        (Wilson), ``at_or_above`` and ``share_at_or_above`` (the funnel).
    by_group
        Per attribute and group (through the privacy guard): ``attribute``, ``group``,
        ``n`` (people in the group), ``level``, ``count``, ``share``, ``ci_low``, ``ci_high``.
    actions
        The mapping as used: ``action``, ``level``, ``count`` (unmapped actions have no level).
    clicks, deeds
        Actions at the click levels (clicktivist) and at the deed levels (activist, advocate).
    clicks_to_deeds, clicks_to_deeds_ci
        ``clicks / deeds`` and its bootstrap interval (resampling people).
    clicktivists_per_activist
        People whose highest level is clicktivist per person at activist level or above.
    advocates
        One row per advocate: ``person`` (pseudonym unless names were asked for), and, when
        the network exists, ``in_degree``, ``in_degree_percentile``, ``pagerank``,
        ``pagerank_percentile``, ``hyper_connected`` and ``tribe``.
    advocate_position
        Summary of the advocates' network position (empty without a network).
    unmapped
        ``{action: count}`` of actions the mapping does not know (left out).
    """

    key: ClassVar[str] = "activism"
    title: ClassVar[str] = "Activism ladder"
    method: ClassVar[str] = (
        "Each engagement action is mapped to a rung of the ladder: clicktivist (views, likes, "
        "reactions), contributor (comments, shares), activist (attends, acts, volunteers), "
        "advocate (leads, recruits); the default mapping can be overridden under [ladder] in "
        "workbook.toml, and unmapped actions are left out and reported with their counts. A "
        "person's level is the highest rung of any of their actions; people in the survey "
        "without a mapped action are spectators. Shares carry Wilson score intervals; group "
        "figures pass the privacy guard. The clicks-to-deeds ratio is the number of click "
        "actions (clicktivist rung) per deed (activist and advocate rungs; comments and shares "
        "count as neither), with a percentile bootstrap interval over people. True advocates "
        "are the people at the top rung; with a network, their position is their in-degree "
        "and PageRank percentile in the influence ties (a tie names someone who influences "
        "you, so being named is influence).")
    columns: ClassVar[tuple[str, ...]] = ("level", "rank", "n", "share", "ci_low", "ci_high",
                                          "at_or_above", "share_at_or_above")

    assignments: pd.Series
    counts: pd.DataFrame
    by_group: pd.DataFrame
    actions: pd.DataFrame
    clicks: int
    deeds: int
    clicks_to_deeds: float
    clicks_to_deeds_ci: tuple[float, float]
    clicktivists_per_activist: float
    advocates: pd.DataFrame
    advocate_position: Mapping[str, Any] = field(default_factory=dict)
    unmapped: Mapping[str, int] = field(default_factory=dict)
    confidence: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        return self.counts.copy()

    @property
    def deeds_by_group(self) -> pd.DataFrame:
        """Share of people at a deed rung (activist or advocate) per group, with intervals.

        Columns ``attribute``, ``group``, ``n``, ``count``, ``share``, ``ci_low``, ``ci_high``
        (groups withheld by the privacy guard are absent, as in :attr:`by_group`).
        """
        cols = ["attribute", "group", "n", "count", "share", "ci_low", "ci_high"]
        if self.by_group.empty:
            return pd.DataFrame(columns=cols)
        deeds = self.by_group[self.by_group["level"].isin(DEED_LEVELS)]
        table = deeds.groupby(["attribute", "group"], sort=False).agg(
            n=("n", "first"), count=("count", "sum")).reset_index()
        table["share"] = table["count"] / table["n"]
        table["ci_low"], table["ci_high"] = wilson_interval(
            table["count"].to_numpy(), table["n"].to_numpy(), confidence=self.confidence)
        return table[cols]

    def figure(self) -> Any:
        from .plots.movement import ladder_figure

        return ladder_figure(self)

    def figures(self) -> dict[str, Any]:
        from .plots.movement import deeds_by_group_figure, ladder_by_group_figure

        out = {"ladder": self.figure()}
        if not self.by_group.empty:
            out["ladder_by_group"] = ladder_by_group_figure(self)
            out["deeds_by_group"] = deeds_by_group_figure(self)
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"activism": self.to_frame(), "activism_by_group": self.by_group.copy(),
                "activism_deeds_by_group": self.deeds_by_group,
                "activism_actions": self.actions.copy(), "advocates": self.advocates.copy()}

    def to_json(self) -> dict[str, Any]:
        levels = {str(r.level): int(r.n) for r in self.counts.itertuples()}
        return jsonable({
            "levels": levels, "clicks": self.clicks, "deeds": self.deeds,
            "clicks_to_deeds": self.clicks_to_deeds,
            "clicks_to_deeds_ci": list(self.clicks_to_deeds_ci),
            "clicktivists_per_activist": self.clicktivists_per_activist,
            "advocates": int(levels.get("advocate", 0)),
            "advocate_position": dict(self.advocate_position),
            "unmapped_actions": dict(self.unmapped),
        })

    def findings(self) -> list[Finding]:
        level = f"{100 * self.confidence:.0f}%"
        c = self.counts.set_index("level")
        total = int(c["n"].sum())
        deeds_share = float(c.loc[list(DEED_LEVELS), "n"].sum()) / max(total, 1)
        out = []
        if np.isfinite(self.clicks_to_deeds):
            low, high = self.clicks_to_deeds_ci
            out.append(Finding(
                f"{100 * deeds_share:.0f}% of people have done something for the change "
                "(attended, acted, volunteered, led or recruited); for every such deed there "
                f"were {self.clicks_to_deeds:.1f} clicks such as likes and shares.",
                f"{100 * deeds_share:.0f}%",
                f"between {low:.1f} and {high:.1f} clicks per deed",
                meaning="Support that stays at a click does not move the organisation.",
                action="Turn clicks into deeds: give every supporter one small, concrete thing "
                       "to do.",
                statistics=f"Clicks per deed {level} interval {low:.1f}-{high:.1f}.",
                weight=0.7))
        n_adv = int(c.at["advocate", "n"])
        text = (f"{count(n_adv, 'true advocate')} lead or recruit others "
                f"({100 * n_adv / max(total, 1):.1f}% of people)")
        pos = self.advocate_position
        if pos.get("median_in_degree_percentile") is not None:
            text += (f"; half of them are better connected than "
                     f"{pos['median_in_degree_percentile']:.0f}% of colleagues")
        low, high = c.at["advocate", "ci_low"], c.at["advocate", "ci_high"]
        out.append(Finding(text + ".", str(n_adv), between(low, high, digits=1),
                           meaning="Advocates are the movement's engine: each brings others along.",
                           action="Support the advocates with time and visibility.",
                           statistics=f"Share {level} interval {100 * low:.1f}-{100 * high:.1f}%.",
                           weight=0.6))
        return out


def _by_group(workbook: Workbook, level: pd.Series, confidence: float) -> tuple[pd.DataFrame, list[SuppressedGroup]]:
    people = workbook.people
    guard = workbook.guard
    frames: list[pd.DataFrame] = []
    hidden: list[SuppressedGroup] = []
    for attribute in workbook.attributes:
        groups = people[attribute].reindex(level.index)
        known = groups.notna()
        sizes = groups[known].astype(str).value_counts().rename("n").rename_axis("group").reset_index()
        shown = guard.apply(sizes, by="group", n="n", totals=int(len(level)))
        hidden.extend(SuppressedGroup(attribute, s.group, s.reason) for s in shown.suppressed)
        visible = set(shown.frame["group"])
        frame = pd.DataFrame({"group": groups[known].astype(str), "level": level[known]})
        frame = frame[frame["group"].isin(visible)]
        if frame.empty:
            continue
        table = (frame.groupby(["group", "level"]).size().unstack("level", fill_value=0)
                 .reindex(columns=list(LADDER_LEVELS), fill_value=0)
                 .stack().rename("count").reset_index())
        table["n"] = table.groupby("group")["count"].transform("sum")
        table["share"] = table["count"] / table["n"]
        table["ci_low"], table["ci_high"] = wilson_interval(table["count"].to_numpy(),
                                                            table["n"].to_numpy(),
                                                            confidence=confidence)
        table.insert(0, "attribute", attribute)
        frames.append(table[["attribute", "group", "n", "level", "count", "share", "ci_low",
                             "ci_high"]])
    cols = ["attribute", "group", "n", "level", "count", "share", "ci_low", "ci_high"]
    return (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)), hidden


def activism_ladder(workbook: Workbook, *, mapping: Mapping[str, str] | None = None,
                    names: bool = False, confidence: float = 0.95, seed: int = 0,
                    hyper_connected: HyperConnected | None = None,
                    tribes: Tribes | None = None,
                    random_state: int | None = None) -> ActivismLadder:
    """Each person's highest rung on the activism ladder, overall and per group.

    Parameters
    ----------
    workbook
        A loaded data folder with ``actions.csv``.
    mapping
        Action to ladder level; default the workbook's (``[ladder]`` in workbook.toml over
        the defaults).
    names
        Show advocates by their respondent id instead of a pseudonym.
    confidence
        Coverage of the intervals.
    seed
        Seed of the bootstrap of the clicks-to-deeds ratio.
    random_state
        Deprecated name of ``seed`` (kept for one release).
    hyper_connected
        The hyper-connected people (:func:`diagnostics.network.hyper_connected`), optional:
        marks the advocates among them.
    tribes
        The informal tribes (:func:`diagnostics.network.find_tribes`), optional: counts the
        tribes with an advocate.

    Returns
    -------
    ActivismLadder
        ``to_frame()`` columns: ``level``, ``rank``, ``n``, ``share``, ``ci_low``,
        ``ci_high``, ``at_or_above``, ``share_at_or_above``.

    Raises
    ------
    InsufficientDataError
        Without actions.csv, or when no action maps onto the ladder.
    ConfigError
        When the mapping names a level that is not on the ladder.

    Notes
    -----
    Read the funnel from the top: everyone is at least a spectator; each bar shows how
    many reached that rung or higher. A wide clicktivist band over a thin activist band
    is the "clicktivism" the seeds warn about; the clicks-to-deeds ratio puts a number on
    it.

    Examples
    --------
    >>> from diagnostics import load
    >>> ladder = activism_ladder(load("data/sample"))
    >>> ladder.to_json()["levels"]["spectator"] + ladder.to_json()["levels"]["advocate"] > 0
    True
    """
    seed = renamed(seed, random_state, old="random_state", new="seed", where="activism_ladder")
    actions = workbook.actions
    if actions is None or actions.empty:
        raise InsufficientDataError("no actions.csv in the data folder")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1, got {confidence!r}.")
    mapping = dict(workbook.config.ladder if mapping is None else mapping)
    levels, unmapped = map_actions(actions, mapping)
    if levels.notna().sum() == 0:
        raise InsufficientDataError("no action in actions.csv maps onto the activism ladder; "
                                    "add a [ladder] table to workbook.toml")
    people = pd.Index(workbook.people.index.astype(str), name="respondent_id")
    level = highest_levels(people, actions, levels)
    counts = _distribution(level, confidence)

    # clicks and deeds, per person (for the bootstrap)
    who = actions["respondent_id"].astype(str)
    is_click = levels.isin(CLICK_LEVELS).to_numpy()
    is_deed = levels.isin(DEED_LEVELS).to_numpy()
    per = pd.DataFrame({"id": who.to_numpy(), "click": is_click, "deed": is_deed})
    per = per.groupby("id")[["click", "deed"]].sum().reindex(people, fill_value=0)
    clicks, deeds = int(per["click"].sum()), int(per["deed"].sum())
    ratio = clicks / deeds if deeds else math.nan
    ratio_ci = _bootstrap_ratio(per["click"].to_numpy(), per["deed"].to_numpy(),
                                confidence=confidence, seed=seed)
    c = counts.set_index("level")["n"]
    acting = int(c[list(DEED_LEVELS)].sum())
    per_activist = float(c["clicktivist"]) / acting if acting else math.nan

    mapped = pd.DataFrame({"action": actions["action"].astype(str).str.strip().str.lower(),
                           "level": levels})
    table = (mapped.fillna({"level": ""}).groupby(["action", "level"]).size().rename("count")
             .reset_index())
    table["rank"] = table["level"].map(_RANK)
    table = table.sort_values(["rank", "count"], ascending=[True, False], na_position="last")
    table = table.drop(columns="rank").reset_index(drop=True)
    table["level"] = table["level"].replace("", pd.NA)

    by_group, hidden = _by_group(workbook, level, confidence)

    guard = workbook.guard
    advocate_ids = list(level.index[level == "advocate"])
    adv = pd.DataFrame({"person": advocate_ids if names else guard.pseudonymise(advocate_ids)})
    position: dict[str, Any] = {}
    notes = []
    if workbook.network is not None and not workbook.network.empty and advocate_ids:
        pos, relation = _network_position(people, workbook.network)
        mine = pos.loc[advocate_ids]
        for col in ("in_degree", "in_degree_percentile", "pagerank", "pagerank_percentile"):
            adv[col] = mine[col].to_numpy()
        others = pos.drop(index=advocate_ids)["in_degree"].dropna()
        test = (stats.mannwhitneyu(mine["in_degree"].dropna(), others, alternative="two-sided")
                if len(others) and mine["in_degree"].notna().any() else None)
        position = {
            "relation": relation,
            "median_in_degree_percentile": float(mine["in_degree_percentile"].median()),
            "median_pagerank_percentile": float(mine["pagerank_percentile"].median()),
            "median_in_degree": float(mine["in_degree"].median()),
            "median_in_degree_others": float(others.median()) if len(others) else math.nan,
            "mann_whitney_p": float(test.pvalue) if test is not None else math.nan,
        }
        if hyper_connected is not None:
            hc = set(map(str, hyper_connected.people))
            adv["hyper_connected"] = [a in hc for a in advocate_ids]
            position["hyper_connected_advocates"] = int(adv["hyper_connected"].sum())
        member = ({str(k): str(v) for k, v in tribes.assignments.items()}
                  if tribes is not None else {})
        if member:
            tribe = [member.get(a) for a in advocate_ids]
            adv["tribe"] = [None if t is None else str(t) for t in tribe]
            all_tribes = set(member.values())
            covered = {str(t) for t in tribe if t is not None}
            position["tribes_with_an_advocate"] = len(covered)
            position["tribes"] = len(all_tribes)
        notes.append(f"Advocates' network position read from the {relation} ties.")
    adv = adv.sort_values(["in_degree", "person"] if "in_degree" in adv else ["person"],
                          ascending=[False, True] if "in_degree" in adv else [True],
                          ignore_index=True)
    warnings = []
    if unmapped:
        listed = ", ".join(f"{a} ({n})" for a, n in list(unmapped.items())[:10])
        more = f" and {len(unmapped) - 10} more" if len(unmapped) > 10 else ""
        warnings.append(f"{count(sum(unmapped.values()), 'action')} of {count(len(unmapped), 'kind')} are not "
                        f"on the activism ladder and were left out: {listed}{more}. Map them "
                        "under [ladder] in workbook.toml.")
    notes.append(f"{int(c['spectator'])} of {len(people)} people took no mapped action "
                 "(spectators).")
    return ActivismLadder(
        assignments=level, counts=counts, by_group=by_group, actions=table, clicks=clicks,
        deeds=deeds, clicks_to_deeds=ratio, clicks_to_deeds_ci=ratio_ci,
        clicktivists_per_activist=per_activist, advocates=adv, advocate_position=position,
        unmapped=unmapped, confidence=confidence, suppressed=tuple(hidden), notes=tuple(notes),
        warnings=tuple(warnings))
