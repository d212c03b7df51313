"""Employee Net Promoter Score (eNPS): how many would recommend the organisation, net of critics.

On the 0-10 question "How likely is it that you would recommend ... as a place to work?",
promoters answer 9-10, passives 7-8 and detractors 0-6; the score is the share of promoters
minus the share of detractors, times 100 (from -100 to +100). It is a noisy figure: the
adjusted-Wald interval of Rocks (2016) says how noisy. The score is given for the
organisation, for every group that passes the privacy guard (each tested against the rest of
the organisation, Holm-adjusted), and for every wave (each tested against the previous one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .comparisons import CORRECTIONS, adjust_pvalues
from .comparisons import z_value as _z
from .errors import ConfigError, InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .workbook import Workbook

__all__ = ["ENPS", "enps", "enps_interval", "enps_difference", "enps_item", "CONVENTIONS"]

#: How answers are classed: ``"nps"`` (0-10: 9-10 promoters, 0-6 detractors) or ``"five"``
#: (a 5-point "would recommend" item: 5 promoters, 4 passives, 1-3 detractors).
CONVENTIONS: tuple[str, ...] = ("nps", "five")

_COLUMNS: tuple[str, ...] = ("attribute", "group", "n", "promoters", "passives", "detractors",
                             "score", "low", "high", "difference", "diff_low", "diff_high", "p",
                             "p_adjusted", "significant")


def enps_interval(promoters: np.ndarray | float, detractors: np.ndarray | float,
                  n: np.ndarray | float, *, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The adjusted-Wald interval of a net score (Rocks 2016), on the -100..100 scale.

    Three quarters of a respondent are added to the promoters and to the detractors (3 to
    ``n``); the interval is the adjusted score plus or minus z times the standard error of a
    difference of two shares of one trinomial sample.

    Examples
    --------
    >>> low, high = enps_interval(40, 20, 100)
    >>> round(float(low), 1), round(float(high), 1)
    (5.0, 33.9)
    """
    pro, det, m = (np.asarray(v, dtype=float) for v in (promoters, detractors, n))
    m3 = m + 3
    pp, pd_ = (pro + 0.75) / m3, (det + 0.75) / m3
    centre = pp - pd_
    se = np.sqrt((pp + pd_ - centre**2) / m3)
    half = _z(confidence) * se
    return 100 * (centre - half), 100 * (centre + half)


def enps_difference(pro1: Any, det1: Any, n1: Any, pro2: Any, det2: Any, n2: Any, *,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The difference of two independent net scores (first - second): interval and p-value.

    Uses the adjusted-Wald figures of each sample (Rocks 2016) and the variance of the
    difference of two independent scores. Returns ``(low, high, p)`` (-100..100 scale).

    Examples
    --------
    >>> low, high, p = enps_difference(40, 20, 100, 20, 40, 100)
    >>> round(float(low), 1), round(float(high), 1), round(float(p), 5)
    (18.4, 59.3, 0.00019)
    """
    a = [np.asarray(v, dtype=float) for v in (pro1, det1, n1, pro2, det2, n2)]
    out = []
    for pro, det, m in (a[:3], a[3:]):
        m3 = m + 3
        pp, pd_ = (pro + 0.75) / m3, (det + 0.75) / m3
        out.append((pp - pd_, (pp + pd_ - (pp - pd_) ** 2) / m3))
    diff = out[0][0] - out[1][0]
    se = np.sqrt(out[0][1] + out[1][1])
    half = _z(confidence) * se
    with np.errstate(invalid="ignore", divide="ignore"):
        p = 2 * stats.norm.sf(np.abs(diff / se))
    return 100 * (diff - half), 100 * (diff + half), p


def enps_item(workbook: Workbook) -> str | None:
    """The eNPS item: flagged ``enps`` = 1 in the codebook, else an outcome item on 0-10.

    Examples
    --------
    >>> from diagnostics import load
    >>> enps_item(load("data/sample"))
    'o03'
    """
    book = workbook.codebook
    if "enps" in book.columns:
        flagged = book.index[pd.to_numeric(book["enps"], errors="coerce").fillna(0) == 1]
        if len(flagged):
            return str(flagged[0])
    zero_ten = book[(book["kind"] == "outcome") & (book["scale_min"] == 0) & (book["scale_max"] == 10)]
    return str(zero_ten.index[0]) if len(zero_ten) else None


def _classes(values: np.ndarray, convention: str, low: float, high: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    answered = ~np.isnan(values)
    if convention == "nps":
        pro = answered & (values >= high - 1)
        det = answered & (values <= high - 4)
    else:
        pro = answered & (values >= high)
        det = answered & (values <= high - 2)
    return pro, det, answered


def _summary(pro: np.ndarray, det: np.ndarray, answered: np.ndarray, mask: np.ndarray) -> tuple[int, int, int]:
    return int((pro & mask).sum()), int((det & mask).sum()), int((answered & mask).sum())


@dataclass(frozen=True, eq=False)
class ENPS(DiagnosticResult):
    """The eNPS of the organisation, by group and by wave.

    Attributes
    ----------
    item
        The item (question) behind the score.
    label
        Its question text.
    convention
        ``"nps"`` or ``"five"`` (see :data:`CONVENTIONS`).
    confidence
        Confidence level of the intervals.
    overall
        One row: ``n``, ``promoters``, ``passives``, ``detractors`` (shares), ``score``,
        ``low``, ``high`` (the latest wave).
    groups
        One row per visible group of each attribute, each against the rest of the
        organisation: the columns of :meth:`to_frame`.
    waves
        One row per wave: ``wave``, ``n``, ``score``, ``low``, ``high``, and against the
        previous wave ``difference``, ``diff_low``, ``diff_high``, ``p``.
    """

    key: ClassVar[str] = "enps"
    title: ClassVar[str] = "Employee Net Promoter Score"
    method: ClassVar[str] = (
        "eNPS: on the 0-10 recommendation question, promoters answer 9-10, passives 7-8, "
        "detractors 0-6 (on a 5-point item, as an option: 5, 4 and 1-3); the score is the "
        "share of promoters minus the share of detractors, times 100. Interval: the "
        "adjusted-Wald interval of Rocks (2016): three quarters of a respondent added to "
        "promoters and to detractors, three to the number of respondents, and the standard "
        "error of the difference of two shares of one sample. Groups are compared with the "
        "rest of the organisation and waves with the previous wave by the difference of two "
        "independent adjusted-Wald scores (a z-test); group p-values are Holm-adjusted. "
        "Respondents present in both waves are treated as independent, which makes the wave "
        "test slightly conservative when answers are correlated over time.")
    columns: ClassVar[tuple[str, ...]] = _COLUMNS

    item: str
    label: str
    convention: str
    confidence: float
    wave: str
    overall: pd.DataFrame
    groups: pd.DataFrame
    waves: pd.DataFrame

    @property
    def score(self) -> float:
        return float(self.overall["score"].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        return self.groups.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"enps": self.overall.copy(), "enps_by_group": self.to_frame(),
                "enps_by_wave": self.waves.copy()}

    def figure(self, attribute: str | None = None) -> Any:
        from .plots.enps import enps_figure

        return enps_figure(self, attribute)

    def figures(self) -> dict[str, Any]:
        from .plots.enps import enps_figure, enps_waves_figure

        out = {"main": enps_figure(self)}
        if len(self.waves) > 1:
            out["waves"] = enps_waves_figure(self)
        return out

    def to_json(self) -> dict[str, Any]:
        row = self.overall.iloc[0]
        by: dict[str, Any] = {}
        for r in self.groups.itertuples(index=False):
            by.setdefault(str(r.attribute), {})[str(r.group)] = {
                "score": r.score, "low": r.low, "high": r.high, "n": int(r.n),
                "difference": r.difference, "p_adjusted": r.p_adjusted,
                "significant": bool(r.significant)}
        waves = {str(r.wave): {"score": r.score, "low": r.low, "high": r.high, "n": int(r.n),
                               "change": r.difference, "p": r.p}
                 for r in self.waves.itertuples(index=False)}
        return jsonable({"item": self.item, "score": row["score"], "low": row["low"],
                         "high": row["high"], "n": int(row["n"]), "promoters": row["promoters"],
                         "detractors": row["detractors"], "by": by, "waves": waves})

    def findings(self) -> list[Finding]:
        row = self.overall.iloc[0]
        pct = round(self.confidence * 100)
        found = [Finding(
            headline=(f"{row['promoters']:.0%} would recommend the organisation as a place to "
                      f"work (9 or 10 out of 10) and {row['detractors']:.0%} would not (6 or "
                      "less): the employee Net Promoter Score."),
            value=f"{row['score']:+.0f}",
            uncertainty=f"the score lies between {row['low']:+.0f} and {row['high']:+.0f}",
            meaning=(f"The score is {row['score']:+.0f} on a scale from -100 to +100: "
                     + ("more people would recommend the organisation than would not."
                        if row["score"] > 0 else
                        "at least as many people would not recommend the organisation as would.")),
            action=("Ask the detractors' teams what would make them recommend the organisation, "
                    "and measure the score again in the next survey."),
            statistics=(f"eNPS {row['score']:+.0f}, {pct}% adjusted-Wald interval "
                        f"{row['low']:+.0f} to {row['high']:+.0f}."),
            weight=0.7)]
        low = self.groups[self.groups["significant"] & (self.groups["difference"] < 0)]
        for r in low.head(2).itertuples(index=False):
            found.append(Finding(
                headline=f"{r.group} is clearly less likely to recommend the organisation than the rest.",
                value=f"{r.score:+.0f}",
                uncertainty=(f"{abs(r.difference):.0f} points below the rest; the gap lies "
                             f"between {abs(r.diff_high):.0f} and {abs(r.diff_low):.0f} points"),
                meaning=f"People in {r.group} are clearly less positive about working here.",
                action=f"Talk with {r.group} about what holds them back from recommending it.",
                statistics=(f"Difference {r.difference:+.0f} points, {pct}% interval "
                            f"{r.diff_low:+.0f} to {r.diff_high:+.0f}; adjusted p = "
                            f"{r.p_adjusted:.2g}."),
                weight=0.55))
        if len(self.waves) > 1:
            last = self.waves.iloc[-1]
            moved = "changed clearly" if last["p"] < 1 - self.confidence else "did not change clearly"
            found.append(Finding(
                headline=f"Since the previous survey the eNPS {moved}.",
                value=f"{last['difference']:+.0f}",
                uncertainty=(f"the change lies between {last['diff_low']:+.0f} and "
                             f"{last['diff_high']:+.0f} points"),
                meaning=("What people did between the surveys moved how they talk about the "
                         "organisation." if last["p"] < 1 - self.confidence else
                         "Any change since the previous survey is too small to tell from chance."),
                action="Keep tracking the score in each survey, next to the steps taken.",
                statistics=(f"Change {last['difference']:+.0f}, {pct}% interval "
                            f"{last['diff_low']:+.0f} to {last['diff_high']:+.0f}; "
                            f"p = {last['p']:.2g}."),
                weight=0.5))
        return found


def enps(workbook: Workbook, *, item: str | None = None, convention: str | None = None,
         by: str | Sequence[str] | None = None, wave: str | None = None,
         correction: str = "holm", confidence: float = 0.95) -> ENPS:
    """The employee Net Promoter Score with its adjusted-Wald interval, by group and by wave.

    Parameters
    ----------
    workbook
        A loaded data folder.
    item
        The recommendation item (default: :func:`enps_item`).
    convention
        ``"nps"`` (0-10: 9-10 promoters, 7-8 passives, 0-6 detractors) or ``"five"`` (a
        5-point item: 5, 4, 1-3); default from the item's scale.
    by
        Attribute(s) for the per-group scores (default every attribute).
    wave
        The wave of the overall and group scores (default: the latest).
    correction
        Multiple-comparison correction of the group tests (default ``holm``).
    confidence
        Confidence level of the intervals.

    Returns
    -------
    ENPS
        ``to_frame()`` columns: ``attribute``, ``group``, ``n``, ``promoters``, ``passives``,
        ``detractors`` (shares), ``score``, ``low``, ``high``, ``difference`` (vs the rest),
        ``diff_low``, ``diff_high``, ``p``, ``p_adjusted``, ``significant``.

    Raises
    ------
    ConfigError
        For an unknown item, convention, attribute or option, or an item whose scale does
        not fit the convention.
    InsufficientDataError
        When there is no eNPS item, or fewer answers than the minimum group size.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. Harvard Business Review, 81(12).
    Rocks, B. (2016). Interval estimation for the "Net Promoter Score". The American
    Statistician, 70(4), 365-372.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = enps(load("data/sample"))
    >>> result.item, -100 <= result.score <= 100
    ('o03', True)
    """
    if correction not in CORRECTIONS:
        raise ConfigError(f"correction must be one of {', '.join(CORRECTIONS)}, got {correction!r}.")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    book = workbook.codebook
    item = enps_item(workbook) if item is None else item
    if item is None:
        raise InsufficientDataError("no eNPS item: no outcome item on a 0-10 scale and none "
                                    "flagged enps = 1 in codebook.csv")
    if item not in book.index:
        raise ConfigError(f"item {item!r} is not in the codebook.")
    low, high = float(book.at[item, "scale_min"]), float(book.at[item, "scale_max"])
    if convention is None:
        convention = "five" if (low, high) == (1.0, 5.0) else "nps"
    if convention not in CONVENTIONS:
        raise ConfigError(f"convention must be one of {', '.join(CONVENTIONS)}, got {convention!r}.")
    if convention == "nps" and (low, high) != (0.0, 10.0):
        raise ConfigError(f"{item} is on a {low:g}-{high:g} scale; the eNPS needs 0-10, or "
                          "convention='five' for a 5-point item.")
    if convention == "five" and (low, high) != (1.0, 5.0):
        raise ConfigError(f"{item} is on a {low:g}-{high:g} scale; convention 'five' needs 1-5.")
    attributes = list(workbook.attributes) if by is None else ([by] if isinstance(by, str) else list(by))
    unknown = [a for a in attributes if a not in workbook.attributes]
    if unknown:
        raise ConfigError(f"by: {', '.join(map(repr, unknown))} is not an attribute of the survey; "
                          f"attributes: {', '.join(workbook.attributes) or 'none'}.")
    guard = workbook.guard
    rows = workbook.responses(wave)
    values = rows[item].to_numpy(dtype=float)
    pro, det, answered = _classes(values, convention, low, high)
    everyone = np.ones(len(rows), dtype=bool)
    k_pro, k_det, n = _summary(pro, det, answered, everyone)
    if n < guard.min_group_size:
        raise InsufficientDataError(f"{item} has {n} answers, fewer than the minimum group size "
                                    f"{guard.min_group_size}")
    lo, hi = enps_interval(k_pro, k_det, n, confidence=confidence)
    overall = pd.DataFrame([{"n": n, "promoters": k_pro / n, "passives": (n - k_pro - k_det) / n,
                             "detractors": k_det / n, "score": 100 * (k_pro - k_det) / n,
                             "low": float(lo), "high": float(hi)}])
    records: list[dict[str, Any]] = []
    suppressed: list[SuppressedGroup] = []
    for attribute in attributes:
        labels = rows[attribute].astype("string")
        counts = []
        for group in sorted(labels.dropna().unique()):
            mask = (labels == group).fillna(False).to_numpy()
            gp, gd, gn = _summary(pro, det, answered, mask)
            counts.append({"attribute": attribute, "group": str(group), "n": gn, "k_pro": gp,
                           "k_det": gd})
        if not counts:
            continue
        shown = guard.apply(pd.DataFrame(counts), by="group", n="n", totals=n)
        suppressed.extend(SuppressedGroup(attribute, s.group, s.reason) for s in shown.suppressed)
        records.append(shown.frame)
    groups = pd.concat(records, ignore_index=True) if records else pd.DataFrame(
        columns=["attribute", "group", "n", "k_pro", "k_det"])
    if len(groups):
        gp, gd, gn = (groups[c].to_numpy(dtype=float) for c in ("k_pro", "k_det", "n"))
        g_lo, g_hi = enps_interval(gp, gd, gn, confidence=confidence)
        d_lo, d_hi, p = enps_difference(gp, gd, gn, k_pro - gp, k_det - gd, n - gn,
                                        confidence=confidence)
        with np.errstate(invalid="ignore", divide="ignore"):
            rest_score = 100 * ((k_pro - gp) - (k_det - gd)) / (n - gn)
        groups = groups.assign(
            promoters=gp / gn, passives=(gn - gp - gd) / gn, detractors=gd / gn,
            score=100 * (gp - gd) / gn, low=g_lo, high=g_hi,
            difference=100 * (gp - gd) / gn - rest_score, diff_low=d_lo, diff_high=d_hi, p=p)
        groups["p_adjusted"] = adjust_pvalues(groups["p"], correction)
        groups["significant"] = groups["p_adjusted"] < 1 - confidence
        groups["n"] = groups["n"].astype(int)
    else:
        groups = groups.assign(**{c: pd.Series(dtype=float) for c in _COLUMNS if c not in groups})
    groups = groups[list(_COLUMNS)].reset_index(drop=True)
    wave_rows = []
    previous = None
    for w in workbook.waves:
        part = workbook.responses(w)[item].to_numpy(dtype=float)
        wp, wd, wa = _classes(part, convention, low, high)
        kp, kd, kn = int(wp.sum()), int(wd.sum()), int(wa.sum())
        if kn < guard.min_group_size:
            continue
        w_lo, w_hi = enps_interval(kp, kd, kn, confidence=confidence)
        row: dict[str, Any] = {"wave": w, "n": kn, "score": 100 * (kp - kd) / kn, "low": float(w_lo),
               "high": float(w_hi), "difference": np.nan, "diff_low": np.nan,
               "diff_high": np.nan, "p": np.nan}
        if previous is not None:
            d_lo, d_hi, p = enps_difference(kp, kd, kn, *previous, confidence=confidence)
            row.update(difference=row["score"] - wave_rows[-1]["score"], diff_low=float(d_lo),
                       diff_high=float(d_hi), p=float(p))
        wave_rows.append(row)
        previous = (kp, kd, kn)
    return ENPS(item=item, label=str(book.at[item, "label"]), convention=convention,
                confidence=confidence, wave=workbook.latest_wave if wave is None else str(wave),
                overall=overall, groups=groups, waves=pd.DataFrame(wave_rows),
                suppressed=tuple(dict.fromkeys(suppressed)))
