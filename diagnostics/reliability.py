"""Construct reliability: does each construct of the codebook hold together?

Before items are averaged into construct scores (and before motivational segments are
named after constructs), each construct should measure one thing. Cronbach's alpha says
how consistently a construct's items are answered; the corrected item-total (item-rest)
correlation and alpha-if-deleted say which item does not fit. An item that correlates
negatively with the rest of its construct is almost always a forgotten (or doubled)
reverse-coding, and is flagged as suspect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from ._compat import renamed
from .errors import ConfigError, InsufficientDataError
from .results import DiagnosticResult, Finding, jsonable
from .words import count, plural
from .workbook import KINDS, Workbook, answered_enough

__all__ = ["Reliability", "construct_reliability", "cronbach_alpha", "feldt_interval",
           "alpha_band", "MISSING_POLICIES", "reverse_keying", "REVERSE_KEYING_COLUMNS"]

#: Columns of :attr:`Reliability.reverse_keying` (see :func:`reverse_keying`).
REVERSE_KEYING_COLUMNS: tuple[str, ...] = (
    "construct", "reading", "flip", "marked_reverse", "fix", "alpha_now", "alpha_fixed",
    "alpha_without", "likely")

#: How missing answers enter alpha (see :func:`construct_reliability`).
MISSING_POLICIES: tuple[str, ...] = ("listwise", "pairwise")

#: Rule-of-thumb bands of alpha (lower bound of each band), highest first.
_BANDS: tuple[tuple[float, str], ...] = ((0.9, "excellent"), (0.8, "good"), (0.7, "acceptable"),
                                         (0.6, "questionable"), (0.5, "poor"))


def alpha_band(alpha: float) -> str:
    """The rule-of-thumb band of an alpha (excellent, good, acceptable, questionable, poor,
    unacceptable).

    Examples
    --------
    >>> alpha_band(0.84), alpha_band(0.41)
    ('good', 'unacceptable')
    """
    if not np.isfinite(alpha):
        return "undefined"
    for lower, name in _BANDS:
        if alpha >= lower:
            return name
    return "unacceptable"


def cronbach_alpha(cov: np.ndarray) -> float:
    """Cronbach's alpha from the items' covariance matrix.

    ``k / (k - 1) * (1 - trace(C) / sum(C))``; ``nan`` for fewer than two items or a
    total score without variance.

    Examples
    --------
    >>> import numpy as np
    >>> round(cronbach_alpha(np.array([[1.0, 0.5], [0.5, 1.0]])), 4)
    0.6667
    """
    c = np.asarray(cov, dtype=float)
    k = c.shape[0]
    total = float(c.sum())
    if k < 2 or not np.isfinite(total) or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(c) / total))


def feldt_interval(alpha: float, n: int, k: int, *, confidence: float = 0.95,
                   level: float | None = None) -> tuple[float, float]:
    """Feldt's confidence interval of alpha (Feldt, Woodruff & Salih 1987).

    ``1 - (1 - alpha) * F``, with ``F`` the upper and lower ``(1 - confidence) / 2`` quantiles of
    the F distribution with ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom.

    Examples
    --------
    >>> lo, hi = feldt_interval(0.8, 100, 4)
    >>> round(lo, 3), round(hi, 3)
    (0.727, 0.857)
    """
    confidence = renamed(confidence, level, old="level", new="confidence", where="feldt_interval")
    if not np.isfinite(alpha) or n < 2 or k < 2:
        return float("nan"), float("nan")
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1.0 - confidence) / 2
    lower = 1.0 - (1.0 - alpha) * stats.f.isf(tail, df1, df2)
    upper = 1.0 - (1.0 - alpha) * stats.f.isf(1.0 - tail, df1, df2)
    return float(lower), float(upper)


def _item_statistics(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corrected item-total correlation and alpha-if-deleted of each item, from the covariances."""
    k = cov.shape[0]
    rest_r = np.full(k, np.nan)
    if_deleted = np.full(k, np.nan)
    for i in range(k):
        others = [j for j in range(k) if j != i]
        sub = cov[np.ix_(others, others)]
        rest_var = float(sub.sum())
        cov_rest = float(cov[i, others].sum())
        if cov[i, i] > 0 and rest_var > 0:
            rest_r[i] = cov_rest / np.sqrt(cov[i, i] * rest_var)
        if len(others) >= 2:
            if_deleted[i] = cronbach_alpha(sub)
    return rest_r, if_deleted


def _suspects(cov: np.ndarray) -> dict[int, float]:
    """Items that run against the rest of their construct, with their item-rest correlation.

    The most negative corrected item-total correlation is flagged, the item is then
    scored the other way round and the rest recomputed, until no item correlates
    negatively with the rest. This finds the item whose reverse-coding went wrong even
    when, in a short construct, it also drags the other items' correlations below zero.
    In a two-item construct the culprit cannot be told apart: both are flagged.
    """
    c = np.array(cov, dtype=float)
    k = c.shape[0]
    found: dict[int, float] = {}
    for _ in range(k):
        rest_r, _ = _item_statistics(c)
        r = np.where(np.isfinite(rest_r), rest_r, 0.0)
        worst = int(np.argmin(r))
        if r[worst] >= 0:
            break
        if k == 2:
            return {0: float(r[0]), 1: float(r[1])}
        found[worst] = float(r[worst])
        sign = np.ones(k)
        sign[worst] = -1.0
        c = c * np.outer(sign, sign)
    return found


def _names(items: list[str]) -> str:
    return ", ".join(items)


def _fix_words(flip: list[str], marked: set[str]) -> str:
    """What to change in the codebook so that ``flip`` is scored the other way round."""
    unmark = [i for i in flip if i in marked]
    mark = [i for i in flip if i not in marked]
    parts = []
    if unmark:
        parts.append(f"{_names(unmark)} {'is' if len(unmark) == 1 else 'are'} marked reverse but "
                     "run against the rest: their answers were probably stored already reversed "
                     "(or they were marked by mistake); set reverse to 0 for "
                     f"{'it' if len(unmark) == 1 else 'them'}")
    if mark:
        parts.append(f"{_names(mark)} {'is' if len(mark) == 1 else 'are'} not marked reverse but "
                     "run against the rest: probably reverse-worded, with the reverse-coding "
                     f"forgotten; set reverse to 1 for {'it' if len(mark) == 1 else 'them'}")
    return "; ".join(parts)


def reverse_keying(cov: np.ndarray, items: list[str], marked: set[str], *,
                   construct: str = "") -> pd.DataFrame:
    """The two readings of a construct that splits into opposed groups, with alpha under each fix.

    When some items run against the rest (see the item-rest correlations), the construct
    splits into two groups whose answers oppose each other. Either group may be the one
    coded the wrong way: items not marked ``reverse`` whose reverse-coding was forgotten,
    or items marked ``reverse`` whose answers were stored already reversed (and so were
    reversed twice). Scoring either group the other way round gives the same alpha (a sign
    flip of a group leaves the covariances' size unchanged); the readings differ in the
    direction of the construct's score, which only the items' wording can settle.

    Parameters
    ----------
    cov
        The items' covariance matrix, as loaded (reverse-coding applied).
    items
        The items, in the order of ``cov``.
    marked
        The items marked ``reverse`` in the codebook.
    construct
        Its name, for the table.

    Returns
    -------
    pandas.DataFrame
        Empty when no item runs against the rest; else two rows (columns
        :data:`REVERSE_KEYING_COLUMNS`), one per reading: ``flip`` (the items to score the
        other way round, comma-separated), ``marked_reverse`` (the construct's items marked
        reverse), ``fix`` (the change of the codebook, in words), ``alpha_now``,
        ``alpha_fixed`` (after the fix), ``alpha_without`` (with the ``flip`` items left
        out), ``likely`` (the likelier reading, when the marks tell: a group that is all
        marked reverse against one with no mark was most probably reversed twice; with no
        mark at all, the smaller group is most probably the reverse-worded one), most
        likely first.

    Examples
    --------
    Four items of one factor; the last two are marked reverse although their answers were
    stored already reversed, so they were reversed twice:

    >>> import numpy as np
    >>> cov = np.array([[1.0, .5, -.5, -.5], [.5, 1, -.5, -.5], [-.5, -.5, 1, .5],
    ...                 [-.5, -.5, .5, 1]])
    >>> table = reverse_keying(cov, ["a", "b", "c", "d"], {"c", "d"})
    >>> table[["flip", "alpha_fixed", "likely"]].round(3).values.tolist()
    [['c, d', 0.8, True], ['a, b', 0.8, False]]
    """
    flagged = _suspects(cov)
    if not flagged:
        return pd.DataFrame(columns=list(REVERSE_KEYING_COLUMNS))
    k = len(items)
    if k == 2:  # the two items oppose each other: either may be the wrong one
        groups = [[0], [1]]
    else:
        first = sorted(flagged)
        groups = [first, [j for j in range(k) if j not in flagged]]
    alpha_now = cronbach_alpha(cov)
    sign = np.ones(k)
    sign[groups[0]] = -1.0
    alpha_fixed = cronbach_alpha(cov * np.outer(sign, sign))
    names = [[items[j] for j in g] for g in groups]
    share = [len([i for i in g if i in marked]) / len(g) for g in names]
    order, likely = [0, 1], False
    if {share[0], share[1]} == {0.0, 1.0}:  # one group all marked, the other unmarked
        order, likely = ([0, 1] if share[0] == 1.0 else [1, 0]), True
    elif share == [0.0, 0.0] and len(groups[0]) != len(groups[1]):
        order = [0, 1] if len(groups[0]) < len(groups[1]) else [1, 0]
        likely = True
    rows = []
    for rank, g in enumerate(order):
        rest = [j for j in range(k) if j not in groups[g]]
        without = cronbach_alpha(cov[np.ix_(rest, rest)]) if len(rest) >= 2 else np.nan
        rows.append({"construct": construct, "reading": rank + 1, "flip": _names(names[g]),
                     "marked_reverse": _names([i for i in items if i in marked]),
                     "fix": _fix_words(names[g], marked), "alpha_now": alpha_now,
                     "alpha_fixed": alpha_fixed, "alpha_without": without,
                     "likely": bool(likely and rank == 0)})
    return pd.DataFrame(rows, columns=list(REVERSE_KEYING_COLUMNS))


@dataclass(frozen=True, eq=False)
class Reliability(DiagnosticResult):
    """Reliability of every construct of the codebook (with at least two items).

    Attributes
    ----------
    wave
        The survey wave the answers come from.
    missing
        The missing-data policy (``listwise`` or ``pairwise``).
    confidence
        The confidence level of the intervals.
    constructs
        One row per construct: ``construct``, ``kind``, ``n_items``, ``n`` (respondents
        behind alpha), ``left_out`` (respondents not used), ``alpha``, ``ci_low``,
        ``ci_high`` (Feldt), ``band`` and ``suspect_items`` (comma-separated).
    items
        One row per item: ``construct``, ``kind``, ``item``, ``label``, ``reverse`` (as in the
        codebook), ``mean``, ``sd``, ``item_rest_r`` (corrected item-total correlation),
        ``alpha_if_deleted`` and ``suspect`` (item-rest correlation below zero).
    reverse_keying
        For each construct that splits into opposed groups, its two readings (see
        :func:`reverse_keying`): which items to score the other way round, the items
        marked reverse, the fix in words and alpha now, after the fix and without them.
    """

    key: ClassVar[str] = "reliability"
    title: ClassVar[str] = "Construct reliability"
    method: ClassVar[str] = (
        "Cronbach's alpha per construct of the codebook (items already reverse-coded), "
        "k/(k-1) * (1 - sum of item variances / variance of the total), with Feldt's "
        "confidence interval (Feldt, Woodruff & Salih 1987, F distribution with n-1 and "
        "(n-1)(k-1) degrees of freedom). Missing answers are never imputed: by default a "
        "respondent enters a construct's alpha when they answered every item of it (listwise, "
        "as psych::alpha(use='complete.obs') and pingouin's nan_policy='listwise'); the "
        "pairwise option uses the respondents who answered at least two thirds of the "
        "construct's items and pairwise covariances. The corrected item-total correlation is "
        "the correlation of an item with the sum of the construct's other items; alpha-if-"
        "deleted is alpha without the item. An item correlating negatively with the rest of "
        "its construct is flagged as suspect: almost always a reverse-worded item whose "
        "reverse-coding was forgotten or applied twice (the most negative item is flagged, "
        "scored the other way round and the rest recomputed, until none is negative). Such a "
        "construct splits into two opposed groups, and either may be the one coded the wrong "
        "way: items whose reverse-coding was forgotten, or items marked reverse whose answers "
        "were stored already reversed; both readings are given with the items marked "
        "reverse and alpha after the fix (the same for both: they differ in the direction of "
        "the score) and without the group. Bands (rule of thumb): >= .90 "
        "excellent, .80 good, .70 acceptable, .60 questionable, .50 poor, below unacceptable. "
        "Checked against pingouin.cronbach_alpha to 3 decimals.")
    columns: ClassVar[tuple[str, ...]] = ("construct", "kind", "n_items", "n", "alpha", "ci_low",
                                          "ci_high", "band", "suspect_items")

    wave: str
    missing: str
    confidence: float
    constructs: pd.DataFrame
    items: pd.DataFrame
    reverse_keying: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(REVERSE_KEYING_COLUMNS)))

    # ------------------------------------------------------------------ views
    @property
    def suspect_items(self) -> list[str]:
        """Items that correlate negatively with the rest of their construct."""
        return list(self.items.loc[self.items["suspect"], "item"])

    def alpha(self, construct: str) -> float:
        """The alpha of one construct."""
        rows = self.constructs[self.constructs["construct"] == construct]
        if rows.empty:
            raise ConfigError(f"construct {construct!r} has no reliability here; constructs: "
                              f"{', '.join(self.constructs['construct'])}.")
        return float(rows["alpha"].iloc[0])

    def to_frame(self) -> pd.DataFrame:
        return self.constructs.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"reliability": self.to_frame(), "reliability_items": self.items.copy()}
        if not self.reverse_keying.empty:
            out["reverse_keying"] = self.reverse_keying.copy()
        return out

    def figure(self) -> Any:
        from .plots.reliability import alpha_figure

        return alpha_figure(self)

    def figures(self) -> dict[str, Any]:
        from .plots.reliability import alpha_figure, item_rest_figure

        return {"alpha": alpha_figure(self), "item_rest": item_rest_figure(self)}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row in self.constructs.itertuples(index=False):
            suspects = [s for s in str(row.suspect_items).split(", ") if s]
            readings = self.reverse_keying[self.reverse_keying["construct"] == row.construct]
            out[str(row.construct)] = {
                "alpha": float(row.alpha), "n_items": int(row.n_items),
                "suspect_items": suspects, "ci": [float(row.ci_low), float(row.ci_high)],
                "n": int(row.n), "kind": str(row.kind), "band": str(row.band),
                "reverse_keying": [
                    {"flip": [s for s in str(r.flip).split(", ") if s], "fix": str(r.fix),
                     "alpha_fixed": float(r.alpha_fixed), "alpha_without": float(r.alpha_without),
                     "likely": bool(r.likely)} for r in readings.itertuples()],
            }
        return jsonable(out)

    @property
    def level(self) -> float:
        """Deprecated name of :attr:`confidence` (kept for one release)."""
        import warnings

        warnings.warn("Reliability.level is deprecated and goes in the next release: use "
                      "Reliability.confidence.", DeprecationWarning, stacklevel=2)
        return self.confidence

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        pct = round(self.confidence * 100)
        suspects = self.items[self.items["suspect"]]
        if not suspects.empty:
            names = "; ".join(f"“{r.label}” ({r.construct})" for r in suspects.itertuples())
            found.append(Finding(
                headline=(f"{count(len(suspects), 'question')} {plural(len(suspects), 'runs', 'run')} "
                          f"against the rest of {plural(len(suspects), 'its', 'their')} topic, "
                          f"probably a reverse-coding error: {names}."),
                value=f"{suspects['item_rest_r'].min():.2f}",
                action="Check the codebook's reverse column before reading these scores.",
                statistics="Lowest corrected item-total correlation.", weight=0.85))
        finite = self.constructs[np.isfinite(self.constructs["alpha"])]
        if not finite.empty:
            weak = finite[finite["alpha"] < 0.7]
            worst = finite.loc[finite["alpha"].idxmin()]
            if weak.empty:
                headline = (f"All {len(finite)} topics are measured reliably; the weakest is "
                            f"{worst['construct']}.")
                weight = 0.3
            else:
                headline = (f"{len(weak)} of {len(finite)} topics are measured less reliably "
                            f"than usual: {', '.join(weak['construct'])}; read their scores "
                            "with care.")
                weight = 0.55
            found.append(Finding(headline=headline, value=f"{worst['alpha']:.2f}",
                                 statistics=(f"Cronbach's alpha {worst['alpha']:.2f}, {pct}% "
                                             f"interval {worst['ci_low']:.2f}-"
                                             f"{worst['ci_high']:.2f} (Feldt); usual minimum .70."),
                                 weight=weight))
        return found


def _ordered_constructs(workbook: Workbook, kinds: list[str]) -> list[tuple[str, str, list[str]]]:
    """(construct, kind, items) in the order motivation first, then the other kinds."""
    found: list[tuple[str, str, list[str]]] = []
    names = [c for kind in kinds for c in workbook.constructs(kind)]
    repeated = {c for c in names if names.count(c) > 1}
    for kind in kinds:
        for construct, items in workbook.constructs(kind).items():
            label = f"{construct} ({kind})" if construct in repeated else construct
            found.append((label, kind, items))
    return found


def construct_reliability(workbook: Workbook, *, wave: str | None = None,
                          kinds: list[str] | None = None, missing: str = "listwise",
                          confidence: float = 0.95,
                          level: float | None = None) -> Reliability:
    """Cronbach's alpha, item-rest correlations and alpha-if-deleted for every construct.

    Parameters
    ----------
    workbook
        A loaded data folder (items are already reverse-coded by the loader).
    wave
        The wave (default: the latest).
    kinds
        The item kinds whose constructs are checked (default all, motivation first).
    missing
        ``"listwise"`` (default): a respondent enters a construct's alpha when they answered
        all of its items. ``"pairwise"``: respondents who answered at least two thirds of
        the construct's items, with covariances from the pairs each two items share.
    confidence
        Confidence level of Feldt's interval (default 0.95).
    level
        Deprecated name of ``confidence`` (kept for one release).

    Returns
    -------
    Reliability
        ``to_frame()`` columns: ``construct``, ``kind``, ``n_items``, ``n``, ``left_out``,
        ``alpha``, ``ci_low``, ``ci_high``, ``band``, ``suspect_items``.

    Raises
    ------
    ConfigError
        For an unknown kind, policy or confidence level.
    InsufficientDataError
        When no construct has two items and enough respondents.

    Notes
    -----
    A single-item construct has no alpha and is left out (named in ``notes``). An item that
    correlates negatively with the rest of its construct is suspect: it is listed in the
    construct's ``suspect_items`` and in ``warnings``. In a short construct one wrongly
    coded item can pull the others' item-rest correlations below zero too, so the most
    negative item is flagged, scored the other way round, and the rest recomputed until
    none is negative (in a two-item construct with a negative correlation both items are
    flagged, since the data cannot tell which one is wrong).

    References
    ----------
    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika, 16, 297-334. Feldt, L. S., Woodruff, D. J. & Salih, F. A. (1987).
    Statistical inference for coefficient alpha. Applied Psychological Measurement, 11, 93-103.

    Examples
    --------
    >>> from diagnostics import load
    >>> rel = construct_reliability(load("data/sample"))
    >>> list(rel.to_frame()["construct"])[:3]
    ['purpose', 'growth', 'security']
    >>> bool(rel.alpha("purpose") > 0.5), rel.suspect_items
    (True, [])
    """
    confidence = renamed(confidence, level, old="level", new="confidence",
                         where="construct_reliability")
    kinds = list(KINDS) if kinds is None else list(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ConfigError(f"kinds: {', '.join(map(repr, unknown))} is not an item kind; "
                          f"expected some of {', '.join(KINDS)}.")
    kinds = sorted(dict.fromkeys(kinds), key=lambda k: (k != "motivation", KINDS.index(k)))
    if missing not in MISSING_POLICIES:
        raise ConfigError(f"missing must be one of {', '.join(MISSING_POLICIES)}, got "
                          f"{missing!r}.")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    rows = workbook.responses(wave)
    wave = workbook.latest_wave if wave is None else str(wave)
    book = workbook.codebook
    construct_rows: list[dict[str, Any]] = []
    item_rows: list[dict[str, Any]] = []
    single: list[str] = []
    too_few: list[str] = []
    warnings: list[str] = []
    keying_rows: list[pd.DataFrame] = []
    for construct, kind, items in _ordered_constructs(workbook, kinds):
        if len(items) < 2:
            single.append(construct)
            continue
        if missing == "listwise":
            used = rows[items].dropna()
        else:
            used, _ = answered_enough(rows[items], items)
        n = len(used)
        if n < 3:
            too_few.append(construct)
            continue
        cov = used.cov().to_numpy()
        alpha = cronbach_alpha(cov)
        low, high = feldt_interval(alpha, n, len(items), confidence=confidence)
        rest_r, if_deleted = _item_statistics(cov)
        flagged = _suspects(cov)
        suspect = np.array([j in flagged for j in range(len(items))])
        marked = {i for i in items if bool(book.at[i, "reverse"])}
        readings = reverse_keying(cov, items, marked, construct=construct)
        if len(readings):
            keying_rows.append(readings)
            first, second = readings.iloc[0], readings.iloc[1]
            marks = (f"items marked reverse: {first['marked_reverse']}" if marked
                     else "no item marked reverse")
            likely = "most likely " if first["likely"] else "either "
            warnings.append(
                f"{construct} splits into two opposed groups ({first['flip']} against "
                f"{second['flip']}; {marks}). Two readings, {likely}the first: (1) "
                f"{first['fix']}; or (2) {second['fix']}. Alpha {first['alpha_now']:.2f} now, "
                f"{first['alpha_fixed']:.2f} after either fix (they differ in which way the "
                f"score runs: read the items' wording); {first['alpha_without']:.2f} without "
                f"{first['flip']}.")
        for j, item in enumerate(items):
            item_rows.append({
                "construct": construct, "kind": kind, "item": item,
                "label": str(book.at[item, "label"]), "reverse": bool(book.at[item, "reverse"]),
                "mean": float(used[item].mean()), "sd": float(used[item].std()),
                "item_rest_r": float(rest_r[j]), "alpha_if_deleted": float(if_deleted[j]),
                "suspect": bool(suspect[j]),
            })
            if suspect[j]:
                warnings.append(
                    f"{item} correlates negatively with the rest of {construct} (corrected "
                    f"item-total r = {flagged[j]:.2f}): check whether its reverse-coding was "
                    "forgotten or applied twice (codebook column reverse).")
        construct_rows.append({
            "construct": construct, "kind": kind, "n_items": len(items), "n": n,
            "left_out": len(rows) - n, "alpha": alpha, "ci_low": low, "ci_high": high,
            "band": alpha_band(alpha),
            "suspect_items": ", ".join(it for it, s in zip(items, suspect, strict=True) if s),
        })
    if not construct_rows:
        raise InsufficientDataError(
            "no construct of the codebook has two or more items answered by at least three "
            "respondents (codebook column construct)")
    notes = [f"Wave {wave}; missing answers: {missing} ("
             + ("respondents who answered every item of a construct"
                if missing == "listwise" else
                "respondents who answered at least two thirds of a construct's items, "
                "pairwise covariances") + "); alpha's interval: Feldt."]
    left = {r["construct"]: r["left_out"] for r in construct_rows if r["left_out"]}
    if left:
        notes.append("Respondents left out for missing answers: "
                     + ", ".join(f"{c} {n}" for c, n in left.items()) + ".")
    if single:
        notes.append(f"Single-item constructs have no alpha: {', '.join(single)}.")
    if too_few:
        notes.append(f"Too few complete answers for alpha: {', '.join(too_few)}.")
    keying = (pd.concat(keying_rows, ignore_index=True) if keying_rows
              else pd.DataFrame(columns=list(REVERSE_KEYING_COLUMNS)))
    return Reliability(wave=wave, missing=missing, confidence=confidence,
                       constructs=pd.DataFrame(construct_rows), items=pd.DataFrame(item_rows),
                       reverse_keying=keying, notes=tuple(notes), warnings=tuple(warnings))
