"""Unconventional indicators of the movement: energy, influence, momentum, behaviour change, stories.

The seeds ask for indicators of a movement rather than output KPIs. Each indicator here
comes with its formula and how to read it, and says why when the data cannot give it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .activism import (
    DEED_LEVELS,
    ActivismLadder,
    _coded_edges,
    _influence_edges,
    activism_ladder,
    map_actions,
)
from .comparisons import mean_interval, welch_test, wilson_interval
from .errors import ConfigError, InsufficientDataError
from .results import DiagnosticResult, Finding, jsonable
from .words import between, count, plural
from .workbook import Workbook, answered_enough

if TYPE_CHECKING:
    from .waves import WaveComparison

__all__ = ["MovementIndicators", "movement_indicators", "INDICATORS"]

#: The indicators, in dashboard order.
INDICATORS: tuple[str, ...] = ("energy", "energy network", "influence spread", "momentum",
                               "behaviour change", "storytelling reach")

_FORMULA = {
    "energy": "mean over people of (mean energy item - scale minimum) / (scale maximum - "
              "scale minimum), latest wave, reverse-coded items turned",
    "energy network": "energising ties / all energy ties (weight > 0 energising, < 0 "
                      "de-energising); energisers: people whose energising nominations "
                      "outnumber the de-energising ones, de-energisers the reverse",
    "influence spread": "people who are activists or advocates, or within {hops} steps of one "
                        "in the influence ties (a tie names who influences you), / all people",
    "momentum": "people whose first deed (activist or advocate action) falls in the latest "
                "half-year sprint; the series per sprint in the momentum chart",
    "behaviour change": "mean behaviour score (mean of the behaviour items) in the latest "
                        "wave minus the first, paired over people who answered both waves "
                        "(independent samples when too few did)",
    "storytelling reach": "people who told a story, or who name a storyteller as an "
                          "influence (one step in the influence ties), / all people",
}
_READING = {
    "energy": "0-100: 100 would be everyone at the top of every energy item; above 50 leans "
              "energised.",
    "energy network": "above 50% more colleagues give energy than drain it; watch the "
                      "de-energisers: one drains many.",
    "influence spread": "how much of the organisation activists can reach peer to peer; a "
                        "movement needs most people within a step or two of an activist.",
    "momentum": "a movement grows when new people keep taking their first deed; a falling "
                "count means it is stalling. The first sprint includes everyone already "
                "active when records start.",
    "behaviour change": "points on the behaviour scale; positive: behaviour improved since "
                        "the first wave. The waves diagnostic tests each item.",
    "storytelling reach": "how many people tell or hear (from someone who influences them) "
                          "the organisation's stories.",
}
_UNIT = {"energy": "points", "energy network": "%", "influence spread": "%", "momentum": "people",
         "behaviour change": "points", "storytelling reach": "%"}


def _sprint(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates)
    return d.dt.year.astype(str) + "-H" + np.where(d.dt.month <= 6, "1", "2")


def _all_sprints(first: str, last: str) -> list[str]:
    y, h = int(first[:4]), int(first[-1])
    out = []
    while (y, h) <= (int(last[:4]), int(last[-1])):
        out.append(f"{y}-H{h}")
        y, h = (y, 2) if h == 1 else (y + 1, 1)
    return out


def _row(name: str, value: float | None = None, low: float = math.nan, high: float = math.nan, *,
         detail: str = "", reason: str = "", hops: int = 2) -> dict[str, Any]:
    available = value is not None and np.isfinite(value)
    return {"indicator": name, "value": float(value) if available and value is not None else math.nan,
            "low": float(low), "high": float(high), "unit": _UNIT[name],
            "formula": _FORMULA[name].format(hops=hops), "reading": _READING[name],
            "detail": detail, "available": bool(available), "reason": "" if available else reason}


def _energy(workbook: Workbook) -> dict[str, Any]:
    items = workbook.items_of("energy")
    if not items:
        return _row("energy", reason="no energy items in the codebook")
    rows = workbook.responses()
    kept, dropped = answered_enough(rows, items)
    if len(kept) < 2:
        return _row("energy", reason="too few people answered the energy items")
    book = workbook.codebook.loc[items]
    scaled = (kept[items] - book["scale_min"].to_numpy()) / (book["scale_max"] - book["scale_min"]).to_numpy()
    person = 100 * scaled.mean(axis=1, skipna=True)
    mean = float(person.mean())
    low, high = mean_interval(mean, float(person.std(ddof=1)), len(person))
    energised = float((person > 50).mean())
    return _row("energy", mean, float(low), float(high),
                detail=f"{len(person)} people ({dropped} left out: too few answers); "
                       f"{100 * energised:.0f}% above the midpoint")


def _energy_network(workbook: Workbook) -> dict[str, Any]:
    net = workbook.network
    if net is None or not (net["relation"] == "energy").any():
        return _row("energy network", reason="no energy relation in network.csv")
    ties = net[net["relation"] == "energy"]
    sign = np.sign(ties["weight"].astype(float))
    pos, neg = int((sign > 0).sum()), int((sign < 0).sum())
    if pos + neg == 0:
        return _row("energy network", reason="energy ties carry no positive or negative weight")
    low, high = wilson_interval(pos, pos + neg)
    net_in = sign.groupby(ties["target"]).sum()
    energisers, drainers = int((net_in > 0).sum()), int((net_in < 0).sum())
    return _row("energy network", pos / (pos + neg), low, high,
                detail=f"{energisers} energisers, {drainers} de-energisers "
                       f"({pos} energising and {neg} de-energising ties)")


def _reach(workbook: Workbook, sources: list[str], hops: int) -> tuple[float, int, int, str]:
    """Share of people who are a source or within ``hops`` steps (influence flows target -> source).

    A breadth-first search from all sources at once, as sparse matrix products: a person
    is reached in the next step when they name (``source`` -> ``target``) someone reached.
    """
    from scipy import sparse

    edges, relation = _influence_edges(workbook.network)
    people = pd.Index(workbook.people.index.astype(str))
    ids, src, tgt = _coded_edges(people, edges)
    n = len(ids)
    names = sparse.csr_matrix((np.ones(len(src)), (src, tgt)), shape=(n, n))
    reached = np.zeros(n, dtype=bool)
    start = ids.get_indexer(pd.Index(sources).astype(str))
    reached[start[start >= 0]] = True
    frontier = reached.copy()
    for _ in range(hops):
        nxt = (names @ frontier.astype(float)) > 0
        frontier = nxt & ~reached
        if not frontier.any():
            break
        reached |= frontier
    mine = ids.get_indexer(people)
    hit = int(reached[mine].sum())
    return hit / max(len(people), 1), hit, len(people), relation


def _influence_spread(workbook: Workbook, levels: pd.Series | None, hops: int) -> dict[str, Any]:
    if workbook.network is None or workbook.network.empty:
        return _row("influence spread", reason="no network.csv in the data folder", hops=hops)
    if levels is None:
        return _row("influence spread", reason="no actions.csv to tell who the activists are",
                    hops=hops)
    activists = list(levels.index[levels.isin(DEED_LEVELS)].astype(str))
    if not activists:
        return _row("influence spread", reason="nobody reached the activist rung", hops=hops)
    share, hit, n, relation = _reach(workbook, activists, hops)
    low, high = wilson_interval(hit, n)
    return _row("influence spread", share, low, high, hops=hops,
                detail=f"{len(activists)} activists reach {hit} of {n} people within {hops} "
                       f"{plural(hops, 'step')} of {relation} ties")


def _momentum(workbook: Workbook) -> tuple[dict[str, Any], pd.DataFrame]:
    empty = pd.DataFrame(columns=["sprint", "new_activists"])
    actions = workbook.actions
    if actions is None or actions.empty:
        return _row("momentum", reason="no actions.csv in the data folder"), empty
    if "date" not in actions or actions["date"].isna().all():
        return _row("momentum", reason="actions.csv has no dates"), empty
    levels, _ = map_actions(actions, workbook.config.ladder)
    dated = actions.assign(level=levels)
    dated = dated[dated["date"].notna()]
    all_sprints = _all_sprints(_sprint(dated["date"]).min(), _sprint(dated["date"]).max())
    deeds = dated[dated["level"].isin(DEED_LEVELS)]
    if deeds.empty:
        return _row("momentum", reason="no deeds (activist or advocate actions) recorded"), empty
    first = deeds.groupby("respondent_id")["date"].min()
    counts = _sprint(first).value_counts().reindex(all_sprints, fill_value=0)
    frame = pd.DataFrame({"sprint": counts.index, "new_activists": counts.to_numpy()})
    latest = int(frame["new_activists"].iloc[-1])
    detail = f"{latest} in {frame['sprint'].iloc[-1]}"
    if len(frame) > 1:
        detail += f", {int(frame['new_activists'].iloc[-2])} in {frame['sprint'].iloc[-2]}"
    # a Poisson interval for the count (exact, Garwood)
    low = stats.chi2.ppf(0.025, 2 * latest) / 2 if latest > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * latest + 2) / 2
    return _row("momentum", latest, low, high, detail=detail), frame


def _waves_changes(waves: WaveComparison | None, behaviour: list[str]) -> str:
    if waves is None:
        return ""
    mine = waves.changes[waves.changes["item"].isin(behaviour)]
    if mine.empty:
        return ""
    # A change that matters: significant and not too small to matter (verdict "changed").
    moved = mine["verdict"] == "changed" if "verdict" in mine else mine["significant"]
    sig = int(moved.astype(bool).sum())
    return f"; the waves diagnostic finds {sig} of {len(mine)} behaviour items changed significantly"


def _behaviour_change(workbook: Workbook, waves: WaveComparison | None) -> dict[str, Any]:
    items = workbook.items_of("behaviour")
    if not items:
        return _row("behaviour change", reason="no behaviour items in the codebook")
    if len(workbook.waves) < 2:
        return _row("behaviour change", reason="one survey wave only")
    first, last = workbook.waves[0], workbook.waves[-1]
    a, _ = answered_enough(workbook.responses(first), items)
    b, _ = answered_enough(workbook.responses(last), items)
    sa = a.set_index("respondent_id")[items].mean(axis=1)
    sb = b.set_index("respondent_id")[items].mean(axis=1)
    if len(sa) < 2 or len(sb) < 2:
        return _row("behaviour change", reason="too few people answered the behaviour items")
    both = sa.index.intersection(sb.index)
    if len(both) >= 10:
        d = sb[both] - sa[both]
        diff = float(d.mean())
        low, high = mean_interval(diff, float(d.std(ddof=1)), len(d))
        how = f"paired over {len(d)} people in {first} and {last}"
    else:
        diff = float(sb.mean() - sa.mean())
        _, low, high = welch_test(float(sb.mean()), float(sb.std(ddof=1)), len(sb),
                                  float(sa.mean()), float(sa.std(ddof=1)), len(sa))
        how = f"{len(sa)} people in {first}, {len(sb)} in {last} (independent samples)"
    return _row("behaviour change", diff, float(low), float(high),
                detail=how + _waves_changes(waves, items))


def _storytelling_reach(workbook: Workbook) -> dict[str, Any]:
    stories = workbook.stories
    if stories is None or stories.empty:
        return _row("storytelling reach", reason="no stories.csv in the data folder")
    if "author_id" not in stories or stories["author_id"].isna().all():
        return _row("storytelling reach", reason="stories.csv has no author_id")
    people = set(workbook.people.index.astype(str))
    authors = sorted(set(stories["author_id"].dropna().astype(str)) & people)
    if not authors:
        return _row("storytelling reach", reason="no story author is in the survey")
    n = len(people)
    if workbook.network is None or workbook.network.empty:
        low, high = wilson_interval(len(authors), n)
        return _row("storytelling reach", len(authors) / n, low, high,
                    detail=f"{len(authors)} storytellers (no network: tellers only)")
    share, hit, total, relation = _reach(workbook, authors, 1)
    low, high = wilson_interval(hit, total)
    return _row("storytelling reach", share, low, high,
                detail=f"{len(authors)} storytellers reach {hit} of {total} people in one step "
                       f"of {relation} ties")


@dataclass(frozen=True)
class MovementIndicators(DiagnosticResult):
    """The indicator dashboard: each indicator's value, interval, formula and reading.

    Attributes
    ----------
    table
        One row per indicator: ``indicator``, ``value``, ``low``, ``high`` (95% interval),
        ``unit`` (``%`` for shares 0-1, ``points``, ``people``), ``formula``, ``reading``,
        ``detail``, ``available``, ``reason`` (why it is missing).
    momentum
        ``sprint`` (half-year, e.g. ``2025-H1``), ``new_activists``.
    hops
        Steps of influence counted in the influence spread.
    """

    key: ClassVar[str] = "indicators"
    title: ClassVar[str] = "Unconventional indicators"
    method: ClassVar[str] = (
        "Energy: the mean energy score on a 0-100 scale (t interval). Energy network: the share "
        "of energising ties among energy ties (Wilson interval); energisers and de-energisers "
        "after Cross, Baker & Parker (2003). Influence spread: the share of people who are "
        "activists or within a set number of steps of one in the influence ties (Wilson). "
        "Momentum: people whose first deed falls in the latest half-year sprint (exact Poisson "
        "interval). Behaviour change: the change in the mean behaviour score between the first "
        "and the latest wave, paired where people can be followed (t interval). Storytelling "
        "reach: the share of people who told a story or name a storyteller as an influence "
        "(Wilson). Each indicator says why when the data cannot give it.")
    columns: ClassVar[tuple[str, ...]] = ("indicator", "value", "low", "high", "unit", "formula",
                                          "reading", "detail", "available", "reason")

    table: pd.DataFrame
    momentum: pd.DataFrame
    hops: int = 2

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def figure(self) -> Any:
        from .plots.movement import indicators_figure

        return indicators_figure(self)

    def figures(self) -> dict[str, Any]:
        from .plots.movement import momentum_figure

        out = {"dashboard": self.figure()}
        if not self.momentum.empty:
            out["momentum"] = momentum_figure(self)
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"indicators": self.to_frame(), "momentum": self.momentum.copy()}

    def to_json(self) -> dict[str, Any]:
        out = {r.indicator: ({"value": r.value, "low": r.low, "high": r.high, "unit": r.unit}
                             if r.available else {"skipped": r.reason})
               for r in self.table.itertuples()}
        momentum = dict(zip(self.momentum["sprint"].astype(str),
                            self.momentum["new_activists"].astype(int), strict=True))
        return jsonable({"indicators": out, "momentum": momentum, "hops": self.hops})

    def findings(self) -> list[Finding]:
        t = self.table.set_index("indicator")
        out = []
        if t.at["influence spread", "available"]:
            v, lo, hi = t.loc["influence spread", ["value", "low", "high"]]
            out.append(Finding(
                f"Activists can reach {100 * v:.0f}% of the organisation within "
                f"{count(self.hops, 'step')} of peer influence.", f"{100 * v:.0f}%",
                between(lo, hi), statistics=f"95% interval {100 * lo:.0f}-{100 * hi:.0f}%.",
                meaning=("The people already active can carry the change to most colleagues "
                         "through their own contacts." if v >= 0.5 else
                         "The people already active reach only part of the organisation "
                         "through their own contacts: the change will not spread by itself."),
                action=("Give the active people something to pass on: a story, an invitation, "
                        "a first small step." if v >= 0.5 else
                        "Recruit activists in the parts of the network they do not reach yet."),
                weight=0.55))
        if t.at["energy", "available"]:
            v, lo, hi = t.loc["energy", ["value", "low", "high"]]
            out.append(Finding(f"Energy stands at {v:.0f} out of 100 on the energy questions "
                               "(50 is the middle of the scale).",
                               f"{v:.0f}/100", between(lo, hi, share=False),
                               statistics=f"95% interval {lo:.0f}-{hi:.0f}.",
                               meaning=("People have energy to spare for the change."
                                        if lo > 50 else
                                        "People are running low on energy: a change that asks "
                                        "much extra effort will meet fatigue." if hi < 50 else
                                        "Energy is middling: neither a tailwind nor a brake."),
                               action=("Use it: start the first steps of the plan now."
                                       if lo > 50 else
                                       "Take something off people's plates before asking "
                                       "for new effort, and say what." if hi < 50 else
                                       "Ask what gives and what costs energy at work, and "
                                       "act on one answer."),
                               weight=0.45))
        if t.at["momentum", "available"] and len(self.momentum) > 1:
            last, prev = self.momentum["new_activists"].iloc[-1], self.momentum["new_activists"].iloc[-2]
            trend = "growing" if last > prev else ("stalling" if last < prev else "steady")
            out.append(Finding(
                f"Momentum is {trend}: {count(int(last), 'person')} did their first deed in "
                f"{self.momentum['sprint'].iloc[-1]} against {int(prev)} the sprint before"
                + (" (the first sprint also counts everyone already active when records "
                   "start)." if len(self.momentum) == 2 else "."),
                str(int(last)),
                statistics=f"95% interval {t.at['momentum', 'low']:.0f}-{t.at['momentum', 'high']:.0f}.",
                meaning=("New people keep joining: the movement is spreading." if trend == "growing"
                         else "Fewer new people are joining: the movement risks stalling."
                         if trend == "stalling" else
                         "As many new people joined as the sprint before."),
                action=("Make newcomers' first deeds visible, so that others follow."
                        if trend == "growing" else
                        "Ask the movement starters to each invite two colleagues to a first, "
                        "small deed this sprint."),
                weight=0.4))
        return out


def movement_indicators(workbook: Workbook, *, ladder: ActivismLadder | None = None,
                        hops: int = 2,
                        waves: WaveComparison | None = None) -> MovementIndicators:
    """The unconventional indicators of the movement, each with its formula and reading.

    Parameters
    ----------
    workbook
        A loaded data folder.
    ladder
        The activism ladder (:func:`diagnostics.activism_ladder`), whose activists and
        advocates the influence spread starts from; default computed from actions.csv when
        present.
    hops
        Steps of peer influence counted in the influence spread (1-4).
    waves
        The waves diagnostic's result, when it ran (its significant behaviour changes are
        cited beside the behaviour change).

    Returns
    -------
    MovementIndicators
        ``to_frame()`` columns: ``indicator``, ``value``, ``low``, ``high``, ``unit``,
        ``formula``, ``reading``, ``detail``, ``available``, ``reason``.

    Raises
    ------
    InsufficientDataError
        When not one indicator can be computed.
    ConfigError
        When ``hops`` is not 1-4.

    Notes
    -----
    Read the dashboard tile by tile; grey tiles say what data they need. Shares are
    0-1 in the table and shown as percentages. The intervals of the network shares treat
    people as a sample of the organisation (Wilson); they do not cover missing ties.

    References
    ----------
    Cross, R., Baker, W. & Parker, A. (2003). What creates energy in organizations? MIT
    Sloan Management Review 44(4), 51-56.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = movement_indicators(load("data/sample"))
    >>> bool(result.to_frame()["available"].all())
    True
    """
    if isinstance(hops, bool) or not isinstance(hops, int) or not 1 <= hops <= 4:
        raise ConfigError(f"hops must be a whole number from 1 to 4, got {hops!r}.")
    levels = ladder.assignments if ladder is not None else None
    if levels is None and workbook.actions is not None and not workbook.actions.empty:
        try:
            levels = activism_ladder(workbook).assignments
        except InsufficientDataError:
            levels = None
    momentum_row, momentum = _momentum(workbook)
    rows = [_energy(workbook), _energy_network(workbook),
            _influence_spread(workbook, levels, hops), momentum_row,
            _behaviour_change(workbook, waves), _storytelling_reach(workbook)]
    table = pd.DataFrame(rows)
    if not table["available"].any():
        raise InsufficientDataError("no indicator can be computed: "
                                    + "; ".join(table["reason"]))
    notes = [f"{r.indicator}: {r.reason}" for r in table.itertuples() if not r.available]
    return MovementIndicators(table=table, momentum=momentum, hops=hops, notes=tuple(notes))
