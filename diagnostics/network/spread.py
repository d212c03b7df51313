"""Movement seeding: pick ~1% of people with the largest combined reach, simulate peer spread."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp
from tqdm.auto import tqdm

from ..errors import ConfigError
from ..labels import REFERENCE_SHARES
from ..privacy import PrivacyGuard
from ..results import DiagnosticResult, Finding, jsonable
from ..words import between, count
from ..workbook import Workbook
from .common import person_labels
from .graph import Network, network_graph, require_ties

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["MovementSeeds", "movement_seeds", "greedy_seeds", "simulate_spread", "MODELS",
           "STRATEGIES", "SEED_SHARES", "REFERENCE_SHARES"]

#: Spread models: independent cascade and linear threshold.
MODELS: tuple[str, ...] = ("cascade", "threshold")
#: The seed sets compared.
STRATEGIES: tuple[str, ...] = ("movement seeds", "formal leaders", "best-placed leaders",
                               "random people")
#: Seed shares of the reach-by-share curve (the chosen share is added).
SEED_SHARES: tuple[float, ...] = (0.005, 0.01, 0.02, 0.03, 0.035, 0.05)


def greedy_seeds(net: Network, k: int, *, steps: int = 2,
                 among: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` people whose combined reach within ``steps`` steps is largest (greedy).

    Lazy greedy maximum coverage (Minoux's accelerated greedy; within 1 - 1/e of the best
    set): each pick adds the person who reaches the most people not yet reached.
    ``among`` (node indices) restricts the choice (e.g. to formal leaders).
    Returns node indices in the order picked (so every prefix is the greedy set of its size).
    """
    reach = net.reach_sets(steps)
    indptr, indices = reach.indptr, reach.indices
    covered = np.zeros(net.n, dtype=bool)
    pool = range(net.n) if among is None else (int(i) for i in among)
    heap = [(-int(indptr[i + 1] - indptr[i]), i) for i in pool]
    heapq.heapify(heap)
    picked: list[int] = []
    while heap and len(picked) < k:
        neg, i = heapq.heappop(heap)
        gain = int((~covered[indices[indptr[i]:indptr[i + 1]]]).sum())
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, i))
            continue
        picked.append(i)
        covered[indices[indptr[i]:indptr[i + 1]]] = True
    return np.asarray(picked, dtype=np.int64)


def _flow(net: Network, model: str, probability: float | None) -> sp.csr_matrix:
    """``F[u, v]``: chance (cascade) or weight (threshold) with which u passes on to v.

    Flow runs against the ties: v is influenced by the people v names, in proportion to
    the weight v gives them (Kempe et al.'s weighted cascade); a fixed ``probability``
    replaces it in the cascade.
    """
    s, t, w = net.edges()
    out_strength = np.bincount(s, weights=w, minlength=net.n)
    if model == "cascade" and probability is not None:
        value = np.full(len(s), float(probability))
    else:
        value = w / out_strength[s]
    return sp.csr_matrix((value, (t, s)), shape=(net.n, net.n))


def simulate_spread(flow: sp.csr_matrix, seeds: np.ndarray, *, model: str = "cascade",
                    rng: np.random.Generator, max_steps: int = 50) -> np.ndarray:
    """Simulate spread from boolean seed masks, all runs at once.

    Parameters
    ----------
    flow
        ``n x n`` sparse: ``flow[u, v]`` is the chance (cascade) or weight (threshold) of
        u passing the behaviour to v.
    seeds
        ``runs x n`` boolean: who starts, per run.
    model
        ``"cascade"``: each newly active person gets one chance to activate each
        neighbour (independent cascade). ``"threshold"``: a person turns active when the
        weights of their active influencers reach a random threshold drawn once per run
        (linear threshold).
    rng
        Random numbers.
    max_steps
        Stop after this many steps.

    Returns
    -------
    numpy.ndarray
        ``runs x (steps + 1)``: share of people active after each step (step 0: the seeds),
        the last value carried forward once a run stops.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> chain = sp.csr_matrix(([1.0, 1.0], ([0, 1], [1, 2])), shape=(3, 3))
    >>> start = np.array([[True, False, False]])
    >>> simulate_spread(chain, start, rng=np.random.default_rng(0)).round(2).tolist()
    [[0.33, 0.67, 1.0]]
    """
    flow = sp.csr_matrix(flow)
    runs, n = seeds.shape
    active = seeds.copy()
    history = [active.mean(axis=1)]
    if model == "cascade":
        indptr, indices, prob = flow.indptr, flow.indices, flow.data
        flat_active = active.reshape(-1)  # a view: marking it marks ``active``
        reached = active.sum(axis=1)
        # the frontier as (run, person) pairs in row-major order, as np.nonzero gives them
        r, u = np.nonzero(active)
        for _ in range(max_steps):
            counts = indptr[u + 1] - indptr[u]
            total = int(counts.sum())
            if total == 0:
                break
            starts = np.repeat(indptr[u] - np.cumsum(counts) + counts, counts)
            edge = starts + np.arange(total)
            hit = rng.random(total) < prob[edge]
            cand = np.repeat(r, counts)[hit] * n + indices[edge[hit]]
            cand = cand[~flat_active[cand]]
            if not cand.size:
                break
            flat_new = _sorted_unique(cand, runs * n)
            flat_active[flat_new] = True
            r, u = np.divmod(flat_new, n)
            reached += np.bincount(r, minlength=runs)
            history.append(reached / n)
    elif model == "threshold":
        theta = rng.random((runs, n))
        into = flow.T.tocsr()  # into[v, u] = weight of u on v
        for _ in range(max_steps):
            pressure = (into @ active.T.astype(float)).T
            new = (pressure >= theta) & ~active
            if not new.any():
                break
            active |= new
            history.append(active.mean(axis=1))
    else:
        raise ConfigError(f"model must be one of {', '.join(MODELS)}, got {model!r}.")
    return np.column_stack(history)


def _sorted_unique(values: np.ndarray, size: int) -> np.ndarray:
    """The distinct ``values`` (whole numbers below ``size``) in increasing order."""
    if values.size * 16 < size:
        return np.unique(values)
    mask = np.zeros(size, dtype=bool)
    mask[values] = True
    return np.flatnonzero(mask)


@dataclass(frozen=True, eq=False)
class MovementSeeds(DiagnosticResult):
    """Who to start a movement with, and how far it spreads from them versus the alternatives.

    Attributes
    ----------
    network
        The network the spread runs on.
    people
        Respondent ids of the movement seeds, in the order picked.
    share
        The seed share asked for.
    reach, reach_leaders, reach_random
        Mean share of people reached from the seeds, from the formal leaders (all of
        them; NaN when none are flagged) and from random people (as many as the seeds).
    summary
        One row per strategy (movement seeds, formal leaders, best-placed leaders: as many
        leaders as seeds, random people): ``strategy``, ``people``, ``reach``, ``low``,
        ``high`` (5th and 95th percentile over runs).
    curves
        ``strategy``, ``step``, ``mean``, ``low``, ``high``: share reached by step (until the
        means stop moving).
    by_share
        ``share``, ``people``, ``strategy`` (movement seeds or random people), ``mean``,
        ``low``, ``high``: final reach by seed share.
    """

    key: ClassVar[str] = "movement_seeds"
    title: ClassVar[str] = "Movement seeding"
    method: ClassVar[str] = (
        "Seeds: the share of people (default 1%, at least one person) whose combined reach "
        "is largest, chosen by greedy maximum coverage (lazy greedy, within 1 - 1/e of the "
        "best set) of each person's two-step reach: the people who name them and the people "
        "who name those (influence flows from the named to the namer). Spread is simulated "
        "(Kempe, Kleinberg & Tardos 2003) with the independent cascade by default: each newly "
        "reached person passes the behaviour on once to each person who names them, with a "
        "chance equal to the share of that person's named influence they represent (the "
        "weighted cascade; a fixed chance on request); or with the linear threshold model "
        "(random thresholds, weights normalised per person). Each seed set is simulated many "
        "times with a fixed random seed (200 times up to 10,000 people; above, 200 x "
        "sqrt(10,000 / people), at least 50: a run's reach is a share of many people, so it "
        "varies less in a large organisation; the reach by seed share a third of that, at "
        "least 20); random seed sets are drawn anew in every run. Reach "
        "is the mean share of people reached, seeds included, with the 5th-95th percentile "
        "over runs. Formal leaders start with all of them; best-placed leaders with as many "
        "leaders as there are seeds, chosen by the same greedy rule among leaders only. The "
        "1% is a published claim that "
        "has no primary source; 3% (Innovisor, a vendor claim) and 3.5% (Chenoweth's "
        "non-violent political campaigns, not organisations) are analogues: all three are "
        "drawn as references, not thresholds.")
    columns: ClassVar[tuple[str, ...]] = ("strategy", "people", "reach", "low", "high")

    network: Network = field(repr=False)
    people: tuple[str, ...]
    share: float
    reach: float
    reach_leaders: float
    reach_random: float
    summary: pd.DataFrame
    curves: pd.DataFrame
    by_share: pd.DataFrame
    model: str
    runs: int
    guard: PrivacyGuard = field(repr=False)
    names: bool = False

    def to_frame(self) -> pd.DataFrame:
        return self.summary.copy()

    def figure(self) -> go.Figure:
        from ..plots.network import spread_figure

        return spread_figure(self)

    def figures(self) -> dict[str, go.Figure]:
        from ..plots.network import seed_share_figure

        return {"spread": self.figure(), "seed_share": seed_share_figure(self)}

    def tables(self) -> dict[str, pd.DataFrame]:
        seeds = pd.DataFrame({"order": np.arange(1, len(self.people) + 1),
                              "person": person_labels(self.guard, self.people, self.names)})
        return {"movement_seeds": self.to_frame(), "spread_curves": self.curves.copy(),
                "reach_by_seed_share": self.by_share.copy(), "seed_people": seeds}

    def to_json(self) -> dict[str, Any]:
        return jsonable({
            "people": list(self.people), "reach": self.reach, "reach_leaders": self.reach_leaders,
            "reach_random": self.reach_random, "share": self.share, "model": self.model,
            "runs": self.runs, "relation": self.network.relation, "wave": self.network.wave,
            "summary": self.summary.to_dict(orient="records"),
        })

    def findings(self) -> list[Finding]:
        rows = self.summary.set_index("strategy")
        seeds = rows.loc["movement seeds"]
        text = (f"Started by {count(int(seeds['people']), 'well-placed person', 'well-placed people')} "
                f"({self.share:.1%} of {self.network.n}), a simulated peer-to-peer spread "
                f"reaches {self.reach:.0%} of the organisation, against {self.reach_random:.0%} "
                "from as many people picked at random")
        stats = f"5-95% of {self.runs} simulated runs: {seeds['low']:.0%}-{seeds['high']:.0%}"
        if "formal leaders" in rows.index and not np.isnan(self.reach_leaders):
            lead = rows.loc["formal leaders"]
            text += (f" and {self.reach_leaders:.0%} from all {int(lead['people'])} formal "
                     "leaders")
            stats += f" (leaders {lead['low']:.0%}-{lead['high']:.0%})"
        if "best-placed leaders" in rows.index:
            best = rows.loc["best-placed leaders"]
            text += f"; as many best-placed leaders reach {best['reach']:.0%}"
        stats += (". The 1% rule of thumb for movement starters has no primary source and is "
                  "not used as a benchmark.")
        return [Finding(text + ".", value=f"{self.reach:.0%}",
                        uncertainty=f"in most runs {between(seeds['low'], seeds['high'])}",
                        meaning="Who starts a movement matters more than how many start it.",
                        action="Ask these movement starters to carry the first step of the change.",
                        statistics=stats, figure="spread", weight=0.8)]


def _summary(name: str, people: int, final: np.ndarray) -> dict[str, Any]:
    return {"strategy": name, "people": people, "reach": float(final.mean()),
            "low": float(np.quantile(final, 0.05)), "high": float(np.quantile(final, 0.95))}


def _curve(name: str, history: np.ndarray, steps: int) -> pd.DataFrame:
    padded = np.pad(history, ((0, 0), (0, steps - history.shape[1])), mode="edge")
    return pd.DataFrame({"strategy": name, "step": np.arange(steps), "mean": padded.mean(axis=0),
                         "low": np.quantile(padded, 0.05, axis=0),
                         "high": np.quantile(padded, 0.95, axis=0)})


#: Up to this many people, each seed set is simulated ``RUNS`` times.
RUNS_LIMIT = 10_000
#: Simulations per seed set in organisations up to :data:`RUNS_LIMIT` people.
RUNS = 200
#: Fewest simulations per seed set, however large the organisation.
RUNS_MIN = 50
#: Fewest simulations per point of the reach-by-share curve above :data:`RUNS_LIMIT` people
#: (a third of :func:`default_runs` there).
CURVE_RUNS_MIN = 20


def default_runs(people: int) -> int:
    """Simulations per seed set: 200 up to 10,000 people, then 200 x sqrt(10,000 / people).

    A run's reach is a share of many people, so its spread between runs shrinks as the
    organisation grows; the budget grows slower than the graph (at least 50 runs).

    Examples
    --------
    >>> default_runs(600), default_runs(40_000), default_runs(100_000)
    (200, 100, 63)
    """
    if people <= RUNS_LIMIT:
        return RUNS
    return max(RUNS_MIN, int(round(RUNS * np.sqrt(RUNS_LIMIT / people))))


def _random_masks(rng: np.random.Generator, runs: int, n: int, k: int) -> np.ndarray:
    mask = np.zeros((runs, n), dtype=bool)
    for r in range(runs):
        mask[r, rng.choice(n, size=k, replace=False)] = True
    return mask


def movement_seeds(workbook: Workbook, *, relation: str | None = None, wave: str | None = None,
                   share: float = 0.01, steps: int = 2, model: str = "cascade",
                   probability: float | None = None, runs: int | None = None,
                   shares: tuple[float, ...] = SEED_SHARES, max_steps: int = 50, seed: int = 0,
                   names: bool = False, progress: bool = False) -> MovementSeeds:
    """Choose movement seeds and compare their simulated spread with leaders and random people.

    Parameters
    ----------
    workbook
        A loaded data folder with ``network.csv``.
    relation, wave
        Which ties (default influence, latest wave).
    share
        Share of people to seed (default 1%; at least one person).
    steps
        Steps of reach the greedy choice covers (default 2).
    model
        ``"cascade"`` (independent cascade, default) or ``"threshold"`` (linear threshold).
    probability
        A fixed chance per tie for the cascade instead of the weighted cascade.
    runs
        Simulations per seed set (default 200 up to 10,000 people, then fewer: 200 x
        sqrt(10,000 / people), at least 50; see :func:`default_runs`).
    shares
        Seed shares of the reach-by-share curve (the chosen share is added).
    max_steps
        Longest spread simulated.
    seed
        Random seed of the simulations.
    names
        Show respondent ids instead of pseudonyms in tables.
    progress
        Show a progress bar.

    Returns
    -------
    MovementSeeds
        ``to_frame()`` columns: ``strategy``, ``people``, ``reach``, ``low``, ``high``.

    Examples
    --------
    >>> from diagnostics import load
    >>> seeds = movement_seeds(load("data/sample"), runs=50)
    >>> len(seeds.people), seeds.reach > seeds.reach_random
    (6, True)
    """
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 < share <= 0.5:
        raise ConfigError(f"share must be a number above 0 and at most 0.5 (e.g. 0.01 for 1%), "
                          f"got {share!r}.")
    if model not in MODELS:
        raise ConfigError(f"model must be one of {', '.join(MODELS)}, got {model!r}.")
    if probability is not None and (isinstance(probability, bool) or not isinstance(
            probability, (int, float)) or not 0 < probability <= 1):
        raise ConfigError(f"probability must be a number above 0 and at most 1 (or None for the "
                          f"weighted cascade), got {probability!r}.")
    for name, value, low in (("runs", 2 if runs is None else runs, 2), ("steps", steps, 1),
                             ("max_steps", max_steps, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ConfigError(f"{name} must be a whole number of at least {low}, got {value!r}.")
    bad = [s for s in shares if isinstance(s, bool) or not isinstance(s, (int, float))
           or not 0 < s <= 0.5]
    if bad:
        raise ConfigError(f"shares must hold numbers above 0 and at most 0.5, got {bad!r}.")
    net = network_graph(workbook, relation=relation, wave=wave)
    require_ties(net)
    n = net.n
    # the reach-by-share curve: a third of the runs per point above RUNS_LIMIT people (at
    # least CURVE_RUNS_MIN), unless the runs were asked for
    curve_runs = max(CURVE_RUNS_MIN, int(round(default_runs(n) / 3))) \
        if runs is None and n > RUNS_LIMIT else None
    if runs is None:
        runs = default_runs(n)
    curve_runs = curve_runs or runs
    size = lambda s: max(1, int(round(s * n)))  # noqa: E731
    k = size(share)
    all_shares = sorted(set(float(s) for s in shares) | {float(share)})
    order = greedy_seeds(net, max(size(s) for s in all_shares), steps=steps)
    flow = _flow(net, model, probability)
    rng = np.random.default_rng(seed)
    leaders = np.flatnonzero(net.leader)
    best_leaders = greedy_seeds(net, k, steps=steps, among=leaders)
    tasks = [("movement seeds", k), ("formal leaders", len(leaders)),
             ("best-placed leaders", len(best_leaders)), ("random people", k)]
    tasks += [(f"by share {s}", size(s)) for s in all_shares]
    summary, curves, by_share = [], [], []
    finals: dict[str, np.ndarray] = {}
    histories: dict[str, np.ndarray] = {}
    bar = tqdm(total=len(tasks), desc="spread", disable=not progress)
    for name, m in tasks:
        if name in ("formal leaders", "best-placed leaders") and m == 0:
            bar.update()
            continue
        if name == "random people":
            masks = _random_masks(rng, runs, n, m)
        else:
            picked = {"formal leaders": leaders,
                      "best-placed leaders": best_leaders}.get(name, order[:m])
            masks = np.zeros((curve_runs if name.startswith("by share") else runs, n),
                             dtype=bool)
            masks[:, picked] = True
        history = simulate_spread(flow, masks, model=model, rng=rng, max_steps=max_steps)
        if name.startswith("by share"):
            s = float(name.split()[-1])
            rand = simulate_spread(flow, _random_masks(rng, curve_runs, n, m), model=model,
                                   rng=rng, max_steps=max_steps)
            for label, h in (("movement seeds", history), ("random people", rand)):
                row = _summary(label, m, h[:, -1])
                by_share.append({"share": s, **row})
        else:
            finals[name] = history[:, -1]
            histories[name] = history
            summary.append(_summary(name, m, history[:, -1]))
        bar.update()
    bar.close()
    longest = max(h.shape[1] for h in histories.values())
    curves = [_curve(name, h, longest) for name, h in histories.items()]
    # show the curves until the means stop moving (a rare long run would stretch them)
    moving = [int(np.flatnonzero(np.diff(c["mean"]) > 5e-4).max(initial=-1)) + 2 for c in curves]
    curves = [c.iloc[: max(2, max(moving) + 1)] for c in curves]
    by_share_frame = pd.DataFrame(by_share).rename(columns={"reach": "mean"})
    by_share_frame = by_share_frame[["share", "people", "strategy", "mean", "low", "high"]]
    notes = [f"{runs} simulation runs per seed set ({model} model"
             + (f", chance {probability:g} per tie)." if probability is not None and
                model == "cascade" else ", weighted by the ties).")]
    if curve_runs < runs:
        notes.append(f"The reach by seed share: {curve_runs} runs per point (a third of the "
                     f"runs above {RUNS_LIMIT:,} people).")
    if not len(leaders):
        notes.append("No formal leaders are flagged (is_leader, leader_levels): the leaders' "
                     "spread is not simulated.")
    if net.dropped:
        notes.append(f"{count(net.dropped, 'tie')} with a weight of zero or less were left out.")
    return MovementSeeds(
        network=net, people=tuple(str(net.ids[i]) for i in order[:k]), share=float(share),
        reach=float(finals["movement seeds"].mean()),
        reach_leaders=float(finals["formal leaders"].mean()) if "formal leaders" in finals
        else float("nan"),
        reach_random=float(finals["random people"].mean()),
        summary=pd.DataFrame(summary), curves=pd.concat(curves, ignore_index=True),
        by_share=by_share_frame, model=model, runs=runs, guard=workbook.guard, names=names,
        notes=tuple(notes))
