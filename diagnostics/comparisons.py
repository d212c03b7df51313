"""Statistics for comparing groups and waves: intervals, tests and multiple-comparison corrections.

Small, vectorised building blocks shared by the non-negotiables and the wave comparison:
Wilson intervals for a share, Newcombe's interval for a difference of shares, the
two-proportion z-test, Welch's t-test from summary figures, the partially overlapping
samples t-test (respondents present in both waves are paired, the others independent),
Holm / Benjamini-Hochberg adjusted p-values, and the equivalence test (two one-sided
tests) with the verdict it allows on a change: changed, negligible, no change or
inconclusive.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .errors import ConfigError

__all__ = ["CORRECTIONS", "check_test_options", "z_value", "wilson_interval", "newcombe_interval", "two_proportion_test",
           "welch_test", "mean_interval", "adjust_pvalues", "overlap_frame", "CHANGE_TESTS",
           "detectable_difference", "normal_interval",
           "OVERLAP_COLUMNS", "equivalence_test", "classify_changes", "VERDICTS"]

#: Multiple-comparison corrections understood by :func:`adjust_pvalues`.
CORRECTIONS: tuple[str, ...] = ("holm", "fdr_bh", "bonferroni", "none")


def check_test_options(*, correction: str, alpha: float, favourable: int) -> None:
    """Check the options shared by the group comparisons; raise ``ConfigError`` naming the bad one.

    Examples
    --------
    >>> check_test_options(correction="holm", alpha=0.05, favourable=2)
    >>> check_test_options(correction="holm", alpha=5, favourable=2)
    Traceback (most recent call last):
    ...
    diagnostics.errors.ConfigError: alpha must be between 0 and 1 (e.g. 0.05), got 5.
    """
    if correction not in CORRECTIONS:
        raise ConfigError(f"correction must be one of {', '.join(CORRECTIONS)}, got {correction!r}.")
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be between 0 and 1 (e.g. 0.05), got {alpha!r}.")
    if not isinstance(favourable, int | np.integer) or favourable < 1:
        raise ConfigError(f"favourable must be a whole number of top answers >= 1, got {favourable!r}.")


def z_value(confidence: float) -> float:
    """The two-sided normal quantile of a confidence level (1.96 for 0.95).

    Examples
    --------
    >>> round(z_value(0.95), 3)
    1.96
    """
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: Any, n: Any, *, confidence: float = 0.95) -> tuple[Any, Any]:
    """Wilson score interval of a share ``successes / n`` (the one copy in the library).

    Parameters
    ----------
    successes, n
        Counts: scalars (the bounds are floats) or arrays of one shape (arrays).
    confidence
        Coverage of the interval, between 0 and 1.

    Returns
    -------
    low, high
        Within [0, 1]; exactly 0 when there is no success and 1 when all are; NaN where
        ``n`` is 0.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22, 209-212.

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(low, 3), round(high, 3)
    (0.49, 0.943)
    >>> wilson_interval(21, 28)[0] > 0.56 and wilson_interval(0, 5)[0] == 0.0
    True
    """
    z = z_value(confidence)
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / m
        denom = 1 + z**2 / m
        centre = (p + z**2 / (2 * m)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2))
        low = np.where(m > 0, np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0)), np.nan)
        high = np.where(m > 0, np.where(k >= m, 1.0, np.clip(centre + half, 0.0, 1.0)), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


def newcombe_interval(k1: Any, n1: Any, k2: Any, n2: Any, *,
                      confidence: float = 0.95) -> tuple[Any, Any]:
    """Newcombe's hybrid score interval of ``k1/n1 - k2/n2`` (his method 10; the one copy).

    Scalars give floats, arrays give arrays; NaN where a group is empty.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. Statistics in Medicine 17, 873-890.

    Examples
    --------
    >>> low, high = newcombe_interval(56, 70, 48, 80)
    >>> round(low, 4), round(high, 4)
    (0.0524, 0.3339)
    """
    l1, u1 = wilson_interval(k1, n1, confidence=confidence)
    l2, u2 = wilson_interval(k2, n2, confidence=confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1 = np.asarray(k1, dtype=float) / np.asarray(n1, dtype=float)
        p2 = np.asarray(k2, dtype=float) / np.asarray(n2, dtype=float)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    if np.ndim(low) == 0:
        return float(low), float(high)
    return low, high


def _p_from_z(z: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "less":
        return stats.norm.cdf(z)
    if alternative == "greater":
        return stats.norm.sf(z)
    if alternative == "two-sided":
        return 2 * stats.norm.sf(np.abs(z))
    raise ConfigError(f"alternative must be 'less', 'greater' or 'two-sided', got {alternative!r}.")


def two_proportion_test(k1: np.ndarray | float, n1: np.ndarray | float, k2: np.ndarray | float,
                        n2: np.ndarray | float, *, alternative: str = "two-sided") -> np.ndarray:
    """P-value of the pooled two-proportion z-test of ``k1/n1`` against ``k2/n2``.

    ``alternative="less"`` tests whether the first share is lower. Where both shares are
    0 or both are 1 there is no evidence of a difference and the p-value is 1.

    Examples
    --------
    >>> round(float(two_proportion_test(30, 60, 70, 100, alternative="less")), 4)
    0.0057
    """
    k1, n1, k2, n2 = (np.asarray(v, dtype=float) for v in (k1, n1, k2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (k1 + k2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (k1 / n1 - k2 / n2) / se
    p = _p_from_z(z, alternative)
    return np.where(se > 0, p, np.where(np.isfinite(pooled), 1.0, np.nan))


def welch_test(mean1: np.ndarray | float, sd1: np.ndarray | float, n1: np.ndarray | float,
               mean2: np.ndarray | float, sd2: np.ndarray | float, n2: np.ndarray | float, *,
               alternative: str = "two-sided",
               confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch's t-test of ``mean1 - mean2`` from summary figures: p-value and interval.

    Returns ``(p, low, high)``; the interval is of ``mean1 - mean2`` (two-sided).

    Examples
    --------
    >>> p, low, high = welch_test(3.2, 1.0, 40, 3.8, 1.1, 60, alternative="less")
    >>> round(float(p), 4), round(float(low), 3), round(float(high), 3)
    (0.0029, -1.022, -0.178)
    """
    m1, s1, n1, m2, s2, n2 = (np.asarray(v, dtype=float) for v in (mean1, sd1, n1, mean2, sd2, n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        v1, v2 = s1**2 / n1, s2**2 / n2
        se = np.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        t = (m1 - m2) / se
    p = _p_from_t(t, df, alternative)
    p = np.where(se > 0, p, np.where(m1 == m2, 1.0, 0.0))
    half = stats.t.ppf(0.5 + confidence / 2, df) * se
    return p, (m1 - m2) - half, (m1 - m2) + half


def _p_from_t(t: np.ndarray, df: np.ndarray, alternative: str) -> np.ndarray:
    if alternative == "less":
        return stats.t.cdf(t, df)
    if alternative == "greater":
        return stats.t.sf(t, df)
    if alternative == "two-sided":
        return 2 * stats.t.sf(np.abs(t), df)
    raise ConfigError(f"alternative must be 'less', 'greater' or 'two-sided', got {alternative!r}.")


def mean_interval(mean: np.ndarray | float, sd: np.ndarray | float, n: np.ndarray | float, *,
                  confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The t interval of a mean from its summary figures."""
    m, s, k = (np.asarray(v, dtype=float) for v in (mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        half = stats.t.ppf(0.5 + confidence / 2, k - 1) * s / np.sqrt(k)
    return m - half, m + half


def adjust_pvalues(p: np.ndarray | pd.Series | list[float], method: str = "holm") -> np.ndarray:
    """P-values adjusted for multiple comparisons (NaN entries stay NaN and are not counted).

    Parameters
    ----------
    p
        The raw p-values of one family of tests.
    method
        ``"holm"`` (Holm's step-down, controls the chance of any false flag),
        ``"fdr_bh"`` (Benjamini-Hochberg, controls the expected share of false flags),
        ``"bonferroni"`` or ``"none"``.

    Examples
    --------
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.5], "holm").round(2).tolist()
    [0.04, 0.09, 0.09, 0.5]
    >>> adjust_pvalues([0.01, 0.04, 0.03, 0.5], "fdr_bh").round(4).tolist()
    [0.04, 0.0533, 0.0533, 0.5]
    """
    if method not in CORRECTIONS:
        raise ConfigError(f"correction must be one of {', '.join(CORRECTIONS)}, got {method!r}.")
    values = np.asarray(p, dtype=float)
    out = np.full(values.shape, np.nan)
    ok = np.isfinite(values)
    q = values[ok]
    m = len(q)
    if m == 0:
        return out
    if method == "none":
        adj = q
    elif method == "bonferroni":
        adj = np.minimum(q * m, 1.0)
    elif method == "holm":
        order = np.argsort(q, kind="stable")
        stepped = np.maximum.accumulate(q[order] * (m - np.arange(m)))
        adj = np.empty(m)
        adj[order] = np.minimum(stepped, 1.0)
    else:  # fdr_bh
        order = np.argsort(q, kind="stable")[::-1]
        ranks = m - np.arange(m)  # rank of each value in descending order
        stepped = np.minimum.accumulate(q[order] * m / ranks)
        adj = np.empty(m)
        adj[order] = np.minimum(stepped, 1.0)
    out[ok] = adj
    return out


#: The ways of testing a change between two waves (see :func:`overlap_frame`).
CHANGE_TESTS: tuple[str, ...] = ("overlap", "welch", "paired")

#: Columns of :func:`overlap_frame`.
OVERLAP_COLUMNS: tuple[str, ...] = ("n1", "n2", "n_paired", "mean1", "mean2", "sd1", "sd2", "r",
                                    "change", "se", "df", "p", "ci_low", "ci_high", "effect_size")


def overlap_frame(before: pd.DataFrame, after: pd.DataFrame, *, method: str = "overlap",
                  confidence: float = 0.95) -> pd.DataFrame:
    """Compare the mean of every column of ``after`` with that of ``before``.

    Parameters
    ----------
    before, after
        One row per respondent (index: respondent id, unique), one column per variable,
        the same columns in both; NaN is left out, column by column.
    method
        ``"overlap"`` (default): the partially overlapping samples t-test of Derrick,
        Russ, Toher & White (2017): every answer is used; respondents who answered in
        both samples are paired through their correlation, the others count as
        independent. With no one in both it is Welch's t-test, with everyone in both the
        paired t-test. ``"welch"``: Welch's t-test, ignoring the pairing. ``"paired"``:
        the paired t-test on the respondents who answered in both only.
    confidence
        Of the interval of the change.

    Returns
    -------
    pandas.DataFrame
        One row per column: ``n1``, ``n2``, ``n_paired``, ``mean1``, ``mean2``, ``sd1``,
        ``sd2``, ``r`` (correlation of the paired answers), ``change`` (mean2 - mean1),
        ``se``, ``df``, two-sided ``p``, ``ci_low``, ``ci_high`` and ``effect_size`` (the
        change over the root mean square of the two standard deviations).

    References
    ----------
    Derrick, B., Russ, B., Toher, D. & White, P. (2017). Test statistics for the
    comparison of means for two samples that include both paired and independent
    observations. *Journal of Modern Applied Statistical Methods*, 16(1), 137-157.

    Examples
    --------
    >>> import pandas as pd
    >>> a = pd.DataFrame({"x": [3, 4, 2, 5, 4, 3]}, index=list("abcdef"), dtype=float)
    >>> b = pd.DataFrame({"x": [4, 5, 3, 5, 4]}, index=list("abcdg"), dtype=float)
    >>> t = overlap_frame(a, b).loc["x"]
    >>> int(t["n_paired"]), round(float(t["change"]), 3), round(float(t["p"]), 3)
    (4, 0.7, 0.085)
    """
    if method not in CHANGE_TESTS:
        raise ConfigError(f"test must be one of {', '.join(CHANGE_TESTS)}, got {method!r}.")
    columns = list(before.columns)
    after = after.reindex(columns=columns)
    common = before.index.intersection(after.index)
    pa = before.loc[common].to_numpy(dtype=float)
    pb = after.loc[common].to_numpy(dtype=float)
    both = ~np.isnan(pa) & ~np.isnan(pb)
    if method == "paired":
        xa = np.where(both, pa, np.nan)
        xb = np.where(both, pb, np.nan)
    else:
        xa = before.to_numpy(dtype=float)
        xb = after.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        n1 = (~np.isnan(xa)).sum(axis=0).astype(float)
        n2 = (~np.isnan(xb)).sum(axis=0).astype(float)
        m1 = np.nansum(xa, axis=0) / n1
        m2 = np.nansum(xb, axis=0) / n2
        s1 = np.sqrt(np.nansum((xa - m1) ** 2, axis=0) / (n1 - 1))
        s2 = np.sqrt(np.nansum((xb - m2) ** 2, axis=0) / (n2 - 1))
        n12 = both.sum(axis=0).astype(float)
        ca = np.where(both, pa, np.nan)
        cb = np.where(both, pb, np.nan)
        da = ca - np.nansum(ca, axis=0) / n12
        db = cb - np.nansum(cb, axis=0) / n12
        saa, sbb = np.nansum(da**2, axis=0), np.nansum(db**2, axis=0)
        r = np.nansum(da * db, axis=0) / np.sqrt(saa * sbb)
        r = np.where((n12 >= 3) & (saa > 0) & (sbb > 0), r, 0.0)
        paired = n12 if method != "welch" else np.zeros_like(n12)
        if method == "welch":
            r = np.zeros_like(r)
        v1, v2 = s1**2 / n1, s2**2 / n2
        var = v1 + v2 - 2 * r * paired * s1 * s2 / (n1 * n2)
        se = np.sqrt(np.maximum(var, 0.0))
        welch_df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
        unpaired = (n1 - paired) + (n2 - paired)
        overlap_df = (paired - 1) + (welch_df - paired + 1) / (unpaired + 2 * paired) * unpaired
        df = np.where(paired >= 2, overlap_df, welch_df)
        change = m2 - m1
        t = change / se
        p = 2 * stats.t.sf(np.abs(t), df)
        half = stats.t.ppf(0.5 + confidence / 2, df) * se
        rms = np.sqrt((s1**2 + s2**2) / 2)
        effect = np.where(rms > 0, change / rms, np.where(change == 0, 0.0, np.sign(change) * np.inf))
    zero = se == 0
    p = np.where(zero, np.where(change == 0, 1.0, 0.0), p)
    low = np.where(zero, change, change - half)
    high = np.where(zero, change, change + half)
    bad = ~np.isfinite(se) | ~np.isfinite(df)
    p, low, high = (np.where(bad, np.nan, v) for v in (p, low, high))
    out = pd.DataFrame({"n1": n1, "n2": n2, "n_paired": n12, "mean1": m1, "mean2": m2,
                        "sd1": s1, "sd2": s2, "r": r, "change": change, "se": se, "df": df,
                        "p": p, "ci_low": low, "ci_high": high, "effect_size": effect},
                       index=pd.Index(columns))
    for col in ("n1", "n2", "n_paired"):
        out[col] = out[col].astype(int)
    return out


def equivalence_test(change: np.ndarray | float, se: np.ndarray | float,
                     df: np.ndarray | float, margin: np.ndarray | float) -> np.ndarray:
    """P-value of the two one-sided tests (TOST) that ``|true change| < margin``.

    A small p-value shows the change to be smaller than the smallest change of interest
    (``margin``, > 0) on both sides: the larger of the two one-sided t-test p-values of
    ``change > -margin`` and ``change < margin`` (Schuirmann 1987). ``df`` may be
    ``inf`` for a z-test. NaN where the margin or the standard error is unknown; where
    ``se`` is 0 the change is known exactly (p 0 inside the margin, 1 outside).

    References
    ----------
    Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the
    power approach for assessing the equivalence of average bioavailability. *Journal of
    Pharmacokinetics and Biopharmaceutics*, 15(6), 657-680. Lakens, D. (2017).
    Equivalence tests. *Social Psychological and Personality Science*, 8(4), 355-362.

    Examples
    --------
    A change of 0.02 with standard error 0.01 (t with 100 df), margin 0.05: equivalent.

    >>> round(float(equivalence_test(0.02, 0.01, 100, 0.05)), 4)  # P(t_100 < -3)
    0.0017
    >>> round(float(equivalence_test(0.02, 0.05, 100, 0.05)), 3)  # too uncertain to tell
    0.275
    """
    d, s, f, m = (np.asarray(v, dtype=float) for v in (change, se, df, margin))
    with np.errstate(invalid="ignore", divide="ignore"):
        p_low = stats.t.sf((d + m) / s, f)    # H0: change <= -margin
        p_high = stats.t.cdf((d - m) / s, f)  # H0: change >= margin
        p = np.maximum(p_low, p_high)
    exact = np.where(np.abs(d) < m, 0.0, 1.0)
    p = np.where(s == 0, exact, p)
    return np.where(np.isfinite(m) & (m > 0) & np.isfinite(s) & np.isfinite(d), p, np.nan)


#: What can be said of a change, given a test of difference and a test of equivalence.
VERDICTS: dict[str, str] = {
    "changed": "changed",
    "negligible": "a small shift, too small to matter",
    "no change": "no change (shown to be smaller than the smallest change that matters)",
    "inconclusive": "not clear (neither a change nor its absence can be shown)",
}


def classify_changes(different: np.ndarray | pd.Series, equivalent: np.ndarray | pd.Series,
                     small: np.ndarray | pd.Series | None = None) -> np.ndarray:
    """Each change's verdict (a key of :data:`VERDICTS`) from its two test outcomes.

    ``different``: the change is significant; ``equivalent``: the equivalence test shows
    it smaller than the smallest change of interest (Lakens, Scheel & Isager 2018);
    ``small``: its estimate is smaller than that (optional). Different and neither
    equivalent nor small is *changed*; different and equivalent or small is *negligible*
    (detectable but too small to matter); equivalent only is *no change*; the rest is
    *inconclusive*.

    References
    ----------
    Lakens, D., Scheel, A. M. & Isager, P. M. (2018). Equivalence testing for psychological
    research: a tutorial. *Advances in Methods and Practices in Psychological Science*,
    1(2), 259-269.

    Examples
    --------
    >>> classify_changes([True, True, False, False], [False, True, True, False]).tolist()
    ['changed', 'negligible', 'no change', 'inconclusive']
    >>> classify_changes([True, True], [False, False], small=[False, True]).tolist()
    ['changed', 'negligible']
    """
    diff = np.asarray(different, dtype=bool)
    equal = np.asarray(equivalent, dtype=bool)
    if small is not None:
        diff_small = diff & np.asarray(small, dtype=bool)
        equal = equal | diff_small
    return np.where(diff, np.where(equal, "negligible", "changed"),
                    np.where(equal, "no change", "inconclusive")).astype(object)


def detectable_difference(p: np.ndarray | float, n1: np.ndarray | float, n2: np.ndarray | float,
                          *, confidence: float = 0.95, power: float = 0.8) -> np.ndarray:
    """The smallest difference between two shares a two-sided z-test would detect.

    For a share ``p`` measured on ``n1`` and then ``n2`` independent respondents, the
    difference a two-sided test at ``confidence`` finds with probability ``power``:
    ``(z[1 - (1 - confidence) / 2] + z[power]) * sqrt(p (1 - p) (1 / n1 + 1 / n2))``.

    Examples
    --------
    >>> round(float(detectable_difference(0.5, 100, 100)), 3)
    0.198
    >>> round(float(detectable_difference(0.9, 400, 400, power=0.9)), 3)
    0.069
    """
    if not 0 < power < 1:
        raise ConfigError(f"power must be between 0 and 1 (exclusive), got {power}.")
    p = np.clip(np.asarray(p, dtype=float), 0.0, 1.0)
    spread = np.sqrt(p * (1 - p) * (1 / np.asarray(n1, dtype=float) + 1 / np.asarray(n2, dtype=float)))
    return (z_value(confidence) + float(stats.norm.ppf(power))) * spread


def normal_interval(estimate: float, se: float, *, confidence: float = 0.95) -> tuple[float, float]:
    """The normal-approximation interval ``estimate -/+ z * se``.

    Examples
    --------
    >>> [round(x, 3) for x in normal_interval(0.1, 0.05)]
    [0.002, 0.198]
    """
    z = z_value(confidence)
    return float(estimate - z * se), float(estimate + z * se)


def chi_square_independence(table: np.ndarray | pd.DataFrame) -> tuple[float, int, float]:
    """Pearson's chi-square test of independence of a contingency table (no continuity
    correction). Returns the statistic, the degrees of freedom and the p-value.

    Rows or columns that are all zero are left out first.

    Examples
    --------
    >>> stat, dof, p = chi_square_independence([[10, 20], [20, 10]])
    >>> round(stat, 3), dof, round(p, 4)
    (6.667, 1, 0.0098)
    """
    counts = np.asarray(table, dtype=float)
    counts = counts[counts.sum(axis=1) > 0][:, counts.sum(axis=0) > 0]
    if counts.shape[0] < 2 or counts.shape[1] < 2:
        return 0.0, 0, 1.0
    stat, p, dof, _ = stats.chi2_contingency(counts, correction=False)
    return float(stat), int(dof), float(p)
