"""Bottom up needs an up: success of grassroots initiatives with and without a leadership sponsor.

Each initiative falls into one quadrant of grassroots support (``supporters`` at or above a
threshold) and leadership sponsorship (``sponsor_level`` other than ``none``): the
*tandem* (both), *grassroots only*, *leadership only* and *neither*. The success rate of
each quadrant is counted among finished initiatives (``ongoing`` ones are left out and
counted), with a Wilson interval, and the tandem is tested against the rest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .comparisons import newcombe_interval, normal_interval, wilson_interval
from .errors import ConfigError, InsufficientDataError
from .results import DiagnosticResult, Finding, jsonable
from .words import count, plural
from .workbook import Workbook

__all__ = [
    "TandemAnalysis",
    "tandem_analysis",
    "tandem_table",
    "QUADRANTS",
    "CLAIMED_TANDEM_RATE",
]

#: The four quadrants of grassroots support x leadership sponsorship, tandem first.
QUADRANTS: tuple[str, ...] = ("tandem", "grassroots only", "leadership only", "neither")

#: The seeds' claim that grassroots and committed leaders in tandem succeed 78% of the time
#: (US policy-change research; no primary source found: a reference, never a target).
CLAIMED_TANDEM_RATE: float = 0.78

#: Fewest finished initiatives the analysis needs.
MIN_FINISHED: int = 8


def tandem_table(initiatives: pd.DataFrame, *, threshold: float,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Success per quadrant of grassroots support x leadership sponsorship.

    Parameters
    ----------
    initiatives
        The initiatives table (``supporters``, ``sponsor_level``, ``outcome``).
    threshold
        Supporters an initiative needs to count as grassroots-backed (``>=``).
    confidence
        Coverage of the Wilson intervals.

    Returns
    -------
    pandas.DataFrame
        One row per quadrant in :data:`QUADRANTS` order: ``quadrant``, ``grassroots``,
        ``leadership``, ``n`` (finished initiatives), ``successes``, ``failures``,
        ``ongoing``, ``success_rate``, ``ci_low``, ``ci_high``.

    Examples
    --------
    >>> from diagnostics import load
    >>> table = tandem_table(load("data/sample").initiatives, threshold=15)
    >>> list(table["quadrant"])
    ['tandem', 'grassroots only', 'leadership only', 'neither']
    """
    grassroots = initiatives["supporters"].to_numpy(dtype=float) >= threshold
    leadership = initiatives["sponsor_level"].astype(str).str.lower().to_numpy() != "none"
    code = np.where(grassroots, np.where(leadership, 0, 1), np.where(leadership, 2, 3))
    outcome = initiatives["outcome"].astype(str).str.lower().to_numpy()
    count = {o: np.bincount(code[outcome == o], minlength=4) for o in ("success", "failure",
                                                                       "ongoing")}
    table = pd.DataFrame({"quadrant": list(QUADRANTS), "grassroots": [True, True, False, False],
                          "leadership": [True, False, True, False],
                          "n": count["success"] + count["failure"],
                          "successes": count["success"], "failures": count["failure"],
                          "ongoing": count["ongoing"]})
    low, high = wilson_interval(table["successes"].to_numpy(), table["n"].to_numpy(),
                                confidence=confidence)
    n = table["n"].to_numpy()
    table["success_rate"] = np.where(n > 0, table["successes"].to_numpy() / np.maximum(n, 1),
                                     np.nan)
    table["ci_low"], table["ci_high"] = low, high
    return table


def _newcombe(k1: int, n1: int, k2: int, n2: int, confidence: float) -> tuple[float, float, float]:
    """Difference of two proportions with Newcombe's interval (from comparisons)."""
    if n1 == 0 or n2 == 0:
        return math.nan, math.nan, math.nan
    low, high = newcombe_interval(k1, n1, k2, n2, confidence=confidence)
    return k1 / n1 - k2 / n2, low, high


def _tests(table: pd.DataFrame, confidence: float, *, full: bool = True) -> dict[str, float]:
    """Tandem vs the rest (Fisher exact, rate difference, odds ratio), all four (chi-square),
    and the interaction of grassroots and leadership on the log-odds scale (``full``; else
    the rates, their difference and Fisher's p only)."""
    t = table.set_index("quadrant")
    k1, n1 = int(t.at["tandem", "successes"]), int(t.at["tandem", "n"])
    k2 = int(t["successes"].sum()) - k1
    n2 = int(t["n"].sum()) - n1
    out: dict[str, float] = {"tandem_rate": k1 / n1 if n1 else math.nan,
                             "rest_rate": k2 / n2 if n2 else math.nan, "n_tandem": n1, "n_rest": n2}
    diff, dlow, dhigh = _newcombe(k1, n1, k2, n2, confidence)
    out.update(difference=diff, difference_low=dlow, difference_high=dhigh)
    if n1 and n2:
        grid = np.array([[k1, n1 - k1], [k2, n2 - k2]])
        out["fisher_p"] = float(stats.fisher_exact(grid, alternative="two-sided").pvalue)
        if not full:
            return out
        ratio = stats.contingency.odds_ratio(grid)
        ci = ratio.confidence_interval(confidence_level=confidence)
        out.update(odds_ratio=float(ratio.statistic), odds_ratio_low=float(ci.low),
                   odds_ratio_high=float(ci.high))
    else:
        out.update(fisher_p=math.nan, odds_ratio=math.nan, odds_ratio_low=math.nan,
                   odds_ratio_high=math.nan)
        if not full:
            return out
    used = t[t["n"] > 0]
    grid4 = used[["successes", "failures"]].to_numpy()
    if len(used) >= 2 and (grid4.sum(axis=0) > 0).all():
        chi = stats.chi2_contingency(grid4, correction=False)
        out.update(chi2=float(chi.statistic), chi2_dof=int(chi.dof), chi2_p=float(chi.pvalue))
    else:
        out.update(chi2=math.nan, chi2_dof=0, chi2_p=math.nan)
    # Saturated logistic model: its interaction term is this log ratio of odds ratios
    # (Woolf's standard error); half a count added to every cell when one is zero.
    cells = t.loc[list(QUADRANTS), ["successes", "failures"]].to_numpy(dtype=float)
    if (t["n"] > 0).all():
        if (cells == 0).any():
            cells = cells + 0.5
        log_odds = np.log(cells[:, 0] / cells[:, 1])
        inter = log_odds[0] - log_odds[1] - log_odds[2] + log_odds[3]
        se = float(np.sqrt((1 / cells).sum()))
        low, high = normal_interval(float(inter), se, confidence=confidence)
        out.update(interaction=float(inter), interaction_low=low, interaction_high=high,
                   interaction_p=float(2 * stats.norm.sf(abs(inter) / se)))
    else:
        out.update(interaction=math.nan, interaction_low=math.nan, interaction_high=math.nan,
                   interaction_p=math.nan)
    return out


def _pct(x: float) -> str:
    return "n/a" if x is None or not np.isfinite(x) else f"{100 * x:.0f}%"


@dataclass(frozen=True)
class TandemAnalysis(DiagnosticResult):
    """Success rate per quadrant of grassroots support x leadership sponsorship.

    Attributes
    ----------
    threshold
        Supporters needed to count as grassroots-backed (``supporters >= threshold``).
    threshold_source
        Where the threshold came from (``"option"``, ``"workbook.toml"`` or the median).
    quadrants
        One row per quadrant, see :func:`tandem_table`.
    test
        Tandem vs the rest: ``tandem_rate``, ``rest_rate``, ``difference`` with
        ``difference_low``/``_high`` (Newcombe), ``fisher_p``, ``odds_ratio`` with its
        interval; all quadrants: ``chi2``, ``chi2_dof``, ``chi2_p``; the interaction of
        grassroots and leadership (log odds-ratio ratio) ``interaction`` with interval and p.
    sensitivity
        The tandem and rest rates and Fisher p at other thresholds (quartiles and median).
    confidence
        Coverage of every interval.
    claimed_rate
        The seeds' unverified 78%, drawn as a reference line.
    """

    key: ClassVar[str] = "tandems"
    title: ClassVar[str] = "Grassroots and leadership in tandem"
    method: ClassVar[str] = (
        "Each initiative is grassroots-backed when its supporters reach the threshold (by "
        "default the median number of supporters, settable as grassroots_threshold in "
        "workbook.toml) and leadership-backed when it has a sponsor (sponsor_level other than "
        "none). Success rate per quadrant among finished initiatives (ongoing ones left out "
        "and counted), with Wilson score intervals (Wilson 1927). The tandem is compared with "
        "all other finished initiatives by Fisher's exact test, the difference of rates with "
        "Newcombe's hybrid score interval (Newcombe 1998) and the conditional maximum-"
        "likelihood odds ratio; the four quadrants by a chi-square test of independence; and "
        "whether support and sponsorship reinforce each other by the interaction term of a "
        "saturated logistic model (ratio of odds ratios, Woolf standard error). The published "
        "figure that tandems succeed 78% of the time has no primary source found: it is shown "
        "as a reference line, claimed and unverified, never as a target."
    )
    columns: ClassVar[tuple[str, ...]] = ("quadrant", "grassroots", "leadership", "n",
                                          "successes", "failures", "ongoing", "success_rate",
                                          "ci_low", "ci_high")

    threshold: float
    threshold_source: str
    quadrants: pd.DataFrame
    test: Mapping[str, float]
    sensitivity: pd.DataFrame
    confidence: float = 0.95
    claimed_rate: float = CLAIMED_TANDEM_RATE

    def to_frame(self) -> pd.DataFrame:
        return self.quadrants.copy()

    def figure(self) -> Any:
        from .plots.movement import tandem_figure

        return tandem_figure(self)

    def figures(self) -> dict[str, Any]:
        from .plots.movement import tandem_sensitivity_figure

        return {"tandems": self.figure(), "threshold_sensitivity": tandem_sensitivity_figure(self)}

    def tables(self) -> dict[str, pd.DataFrame]:
        test = pd.DataFrame({"statistic": list(self.test), "value": list(self.test.values())})
        return {"tandems": self.to_frame(), "tandem_test": test,
                "tandem_sensitivity": self.sensitivity.copy()}

    def to_json(self) -> dict[str, Any]:
        quadrants = {str(r.quadrant): {"n": int(r.n), "success_rate": r.success_rate,
                                       "ci_low": r.ci_low, "ci_high": r.ci_high,
                                       "ongoing": int(r.ongoing)}
                     for r in self.quadrants.itertuples()}
        return jsonable({"quadrants": quadrants, "threshold": self.threshold,
                         "threshold_source": self.threshold_source, "test": dict(self.test),
                         "claimed_rate_unverified": self.claimed_rate})

    def findings(self) -> list[Finding]:
        t = self.test
        level = f"{100 * self.confidence:.0f}%"
        q = self.quadrants.set_index("quadrant")
        if not np.isfinite(t["tandem_rate"]):
            return [Finding("No finished initiative had both grassroots support and a leadership "
                            "sponsor, so the tandem effect cannot be measured.",
                            meaning="Grassroots and leadership have not yet worked together here.",
                            action=("Pair the best-supported initiative with a committed leader "
                                    "as a first test."),
                            weight=0.4)]
        low, high = q.at["tandem", "ci_low"], q.at["tandem", "ci_high"]
        significant = np.isfinite(t["fisher_p"]) and t["fisher_p"] < 0.05
        verb = "succeeded more often than" if significant and t["difference"] > 0 else (
            "succeeded less often than" if significant else "did not clearly differ from")
        head = (f"Initiatives with grassroots support and a leadership sponsor {verb} the rest: "
                f"{_pct(t['tandem_rate'])} of {int(t['n_tandem'])} finished ones succeeded, "
                f"against {_pct(t['rest_rate'])} of the other {int(t['n_rest'])}.")
        unc = f"for such initiatives, success lies between {_pct(low)} and {_pct(high)}"
        stats = (f"{level} interval {_pct(low)}-{_pct(high)}; difference {_pct(t['difference'])} "
                 f"({level} interval {_pct(t['difference_low'])}-{_pct(t['difference_high'])}), "
                 f"Fisher exact p = {t['fisher_p']:.2g}. The often-quoted 78% success of such "
                 "tandems has no primary source and is not used as a benchmark.")
        meaning = ("Change works best when it is carried from below and sponsored from above."
                   if significant and t["difference"] > 0 else
                   "Here, the pairing of grassroots and sponsor made no clear difference.")
        action = ("Give every new initiative both: a group of volunteers and a named leader "
                  "who sponsors it." if significant and t["difference"] > 0 else
                  "Look at what else the successful initiatives had in common.")
        out = [Finding(head, _pct(t["tandem_rate"]), unc, weight=0.9, meaning=meaning,
                       action=action, statistics=stats, figure="tandems")]
        if np.isfinite(t["interaction_p"]):
            rates = (f"grassroots only {_pct(q.at['grassroots only', 'success_rate'])}, "
                     f"leadership only {_pct(q.at['leadership only', 'success_rate'])}, "
                     f"neither {_pct(q.at['neither', 'success_rate'])}")
            if t["interaction_p"] < 0.05:
                how = "more" if t["interaction"] > 0 else "less"
                head = (f"Grassroots support and sponsorship together raise the odds of success "
                        f"{how} than their separate effects would ({rates}).")
            else:
                head = ("Whether grassroots support and sponsorship reinforce each other beyond "
                        f"their separate effects cannot be told from noise here ({rates}).")
            out.append(Finding(
                head, f"{math.exp(t['interaction']):.1f}x odds",
                statistics=(f"Interaction (ratio of odds ratios) {level} interval "
                            f"{math.exp(t['interaction_low']):.1f}-"
                            f"{math.exp(t['interaction_high']):.1f}, p = {t['interaction_p']:.2g}."),
                meaning=("Support from below and from above work best together."
                         if t["interaction_p"] < 0.05 and t["interaction"] > 0 else
                         "Each kind of backing counts on its own."),
                action="Seek both kinds of backing for every initiative that matters.",
                figure="tandems", weight=0.5))
        return out


def _threshold(workbook: Workbook, initiatives: pd.DataFrame,
               threshold: float | None) -> tuple[float, str]:
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold < 0:
            raise ConfigError(f"threshold must be a number of supporters, 0 or more, got "
                              f"{threshold!r}.")
        return float(threshold), "option"
    configured = getattr(workbook.config, "grassroots_threshold", None)
    if configured is not None:
        return float(configured), "workbook.toml"
    return float(initiatives["supporters"].median()), "median of supporters"


def tandem_analysis(workbook: Workbook, *, threshold: float | None = None,
                    confidence: float = 0.95) -> TandemAnalysis:
    """Success of initiatives by grassroots support and leadership sponsorship.

    Parameters
    ----------
    workbook
        A loaded data folder with ``initiatives.csv``.
    threshold
        Supporters an initiative needs to count as grassroots-backed (``>=``). Default:
        ``grassroots_threshold`` from workbook.toml, else the median number of supporters
        (a split in two halves that needs no outside norm).
    confidence
        Coverage of the intervals (default 95%).

    Returns
    -------
    TandemAnalysis
        ``to_frame()`` columns: ``quadrant``, ``grassroots``, ``leadership``, ``n``,
        ``successes``, ``failures``, ``ongoing``, ``success_rate``, ``ci_low``, ``ci_high``.

    Raises
    ------
    InsufficientDataError
        When there is no initiatives table or fewer than 8 finished initiatives.
    ConfigError
        When ``threshold`` or ``confidence`` is not valid.

    Notes
    -----
    Read the chart as four success rates with their intervals: the seeds' claim is that
    the tandem succeeds far more often than either alone. The dotted line at 78% is the
    seeds' unverified figure, a reference, not a target. Ongoing initiatives are left out
    (their outcome is unknown); many ongoing tandems make the tandem rate less certain.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22, 209-212. Newcombe, R. G. (1998). Interval estimation for the
    difference between independent proportions: comparison of eleven methods. Statistics
    in Medicine 17, 873-890. Fisher, R. A. (1935). The logic of inductive inference. JRSS
    98, 39-82.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = tandem_analysis(load("data/sample"), threshold=15)
    >>> round(result.to_json()["quadrants"]["tandem"]["success_rate"], 2)
    0.75
    """
    initiatives = workbook.initiatives
    if initiatives is None or initiatives.empty:
        raise InsufficientDataError("no initiatives.csv in the data folder")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1, got {confidence!r}.")
    cut, source = _threshold(workbook, initiatives, threshold)
    table = tandem_table(initiatives, threshold=cut, confidence=confidence)
    finished = int(table["n"].sum())
    if finished < MIN_FINISHED:
        raise InsufficientDataError(f"only {count(finished, 'finished initiative')}; the tandem "
                                    f"analysis needs at least {MIN_FINISHED}")
    notes = [f"Grassroots-backed: {int(cut) if float(cut).is_integer() else cut} or more "
             f"supporters ({source}).",
             f"{count(int(table['ongoing'].sum()), 'ongoing initiative')} left out of the rates."]
    warnings = []
    empty = list(table.loc[table["n"] == 0, "quadrant"])
    if empty:
        warnings.append(f"no finished initiative in {plural(len(empty), 'quadrant')} {', '.join(empty)}; their "
                        "success rate is unknown.")
    supporters = initiatives["supporters"].astype(float)
    candidates = sorted({float(v) for v in supporters.quantile([0.25, 0.5, 0.75])} | {cut})
    rows = []
    for value in candidates:
        t = _tests(tandem_table(initiatives, threshold=value, confidence=confidence), confidence,
                   full=False)
        rows.append({"threshold": value, "n_tandem": int(t["n_tandem"]),
                     "tandem_rate": t["tandem_rate"], "rest_rate": t["rest_rate"],
                     "difference": t["difference"], "difference_low": t["difference_low"],
                     "difference_high": t["difference_high"], "fisher_p": t["fisher_p"],
                     "chosen": value == cut})
    return TandemAnalysis(threshold=cut, threshold_source=source, quadrants=table,
                          test=_tests(table, confidence), sensitivity=pd.DataFrame(rows),
                          confidence=confidence, notes=tuple(notes), warnings=tuple(warnings))
