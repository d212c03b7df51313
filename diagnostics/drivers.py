"""Key drivers: which constructs (or items) go with each outcome, by Johnson's relative weights.

Every survey platform answers "what should we work on to raise engagement?" with a
key-driver analysis. Correlations alone mislead when the predictors correlate with each
other (they always do in a culture survey); regression coefficients mislead too, since
they split shared variation arbitrarily. Johnson's relative weights (2000) divide the
explained variation (R-squared) among the predictors: each weight is the share of the
outcome's variation that a predictor accounts for, alone and in combination with the
others, and the weights add up to R-squared. They agree closely with the general
dominance weights (LMG) of Budescu (1993), at a fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .errors import ConfigError, InsufficientDataError
from .results import DiagnosticResult, Finding, jsonable
from .words import between, plural
from .workbook import MIN_ANSWERED_SHARE, Workbook

__all__ = ["KeyDrivers", "key_drivers", "relative_weights", "construct_scores",
           "MIN_RESPONDENTS", "PER_PREDICTOR", "GROUP_MINIMUM"]

#: No driver analysis under this many complete respondents.
MIN_RESPONDENTS: int = 30
#: ... nor with fewer than this many complete respondents per predictor.
PER_PREDICTOR: int = 10
#: Drivers per group only where the group has at least this many respondents.
GROUP_MINIMUM: int = 50
#: The item kinds whose constructs (or items) are predictors by default.
PREDICTOR_KINDS: tuple[str, ...] = ("motivation", "behaviour", "energy")

_WEIGHT_COLUMNS: tuple[str, ...] = (
    "outcome", "group", "predictor", "label", "n", "r2", "raw", "share", "low", "high",
    "share_low", "share_high", "p", "significant", "score", "rank", "quadrant")

_QUADRANTS = {(True, False): "focus here", (True, True): "strength to keep",
              (False, False): "lower priority", (False, True): "less important strength"}


# --------------------------------------------------------------------------- numerical core

def _weights_from_corr(corr: np.ndarray) -> np.ndarray:
    """Johnson's raw relative weights from stacked correlation matrices.

    ``corr`` has shape ``(..., p + 1, p + 1)`` with the outcome last. Returns shape
    ``(..., p)``: the raw weights, which add up to R-squared.
    """
    rxx = corr[..., :-1, :-1]
    rxy = corr[..., :-1, -1]
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 1e-12, None)
    root = np.sqrt(evals)
    # Lambda = V diag(sqrt(l)) V': correlations of the predictors with their orthogonal twins
    lam = (evecs * root[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    # beta: the outcome regressed on the orthogonal twins
    inv_half = (evecs * (1.0 / root)[..., None, :]) @ np.swapaxes(evecs, -1, -2)
    beta = (inv_half @ rxy[..., None])[..., 0]
    return ((lam**2) @ (beta**2)[..., None])[..., 0]


def relative_weights(predictors: pd.DataFrame, outcome: pd.Series | np.ndarray) -> pd.Series:
    """Johnson's raw relative weights of ``predictors`` for ``outcome`` (complete rows only).

    Parameters
    ----------
    predictors
        One column per predictor, one row per respondent.
    outcome
        The outcome, aligned with the rows of ``predictors``.

    Returns
    -------
    pandas.Series
        The raw weight of each predictor; they add up to the R-squared of the linear
        regression of the outcome on all predictors.

    Examples
    --------
    >>> import pandas as pd
    >>> x = pd.DataFrame({"a": [1, 2, 3, 4, 5, 6], "b": [2, 1, 4, 3, 6, 5]}, dtype=float)
    >>> y = pd.Series([1.0, 3, 2, 5, 4, 6])
    >>> w = relative_weights(x, y)
    >>> w.round(3).to_dict()
    {'a': 0.765, 'b': 0.216}

    The weights add up to R-squared (here 0.981).
    """
    data = pd.concat([predictors.reset_index(drop=True),
                      pd.Series(np.asarray(outcome, dtype=float), name="__y__")], axis=1)
    data = data.dropna()
    corr = np.corrcoef(data.to_numpy(dtype=float), rowvar=False)
    return pd.Series(_weights_from_corr(corr), index=predictors.columns)


def _moments_corr(sums: np.ndarray, cross: np.ndarray, total: np.ndarray, q: int) -> np.ndarray:
    """Correlation matrices from weighted sums (``sums`` (B, q), ``cross`` (B, q, q))."""
    mean = sums / total[:, None]
    cov = cross / total[:, None, None] - mean[:, :, None] * mean[:, None, :]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 1e-300, None))
    return cov / sd[:, :, None] / sd[:, None, :]


def _bootstrap(data: np.ndarray, *, resamples: int, seed: int, progress: bool,
               desc: str) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap raw weights: (B, p) without and (B, p + 1) with the random predictor.

    ``data`` holds the predictors, then the outcome, then a random variable, as columns.
    Resamples are drawn as counts per row and the moments taken as one matrix product per
    block, so 100,000 respondents cost a few seconds.
    """
    n, q = data.shape
    centred = data - data.mean(axis=0)
    iu, ju = np.triu_indices(q)
    products = centred[:, iu] * centred[:, ju]
    rng = np.random.default_rng(seed)
    block = max(1, min(resamples, int(4_000_000 // max(n, 1))))
    plain, augmented = [], []
    p = q - 2
    order = [*range(p), p + 1, p]  # predictors, random variable, outcome last
    with tqdm(total=resamples, disable=not progress, desc=desc, leave=False) as bar:
        done = 0
        while done < resamples:
            b = min(block, resamples - done)
            draws = rng.integers(0, n, size=(b, n))
            counts = np.bincount((draws + (np.arange(b) * n)[:, None]).ravel(),
                                 minlength=b * n).reshape(b, n).astype(float)
            sums = counts @ centred
            upper = counts @ products
            cross = np.empty((b, q, q))
            cross[:, iu, ju] = upper
            cross[:, ju, iu] = upper
            corr = _moments_corr(sums, cross, np.full(b, float(n)), q)
            plain.append(_weights_from_corr(corr[:, :p + 1, :p + 1]))
            augmented.append(_weights_from_corr(corr[:, order][:, :, order]))
            done += b
            bar.update(b)
    return np.vstack(plain), np.vstack(augmented)


# --------------------------------------------------------------------------- scores

def construct_scores(workbook: Workbook, frame: pd.DataFrame, items: Mapping[str, Sequence[str]], *,
                     min_share: float = MIN_ANSWERED_SHARE) -> pd.DataFrame:
    """The mean answer of each construct per respondent (missing when under ``min_share`` answered).

    Examples
    --------
    >>> from diagnostics import load
    >>> wb = load("data/sample")
    >>> scores = construct_scores(wb, wb.responses(), {"energy": wb.items_of("energy")})
    >>> bool(scores["energy"].dropna().between(1, 5).all()), len(scores) == len(wb.responses())
    (True, True)
    """
    out = {}
    for name, cols in items.items():
        block = frame[list(cols)]
        answered = block.notna().mean(axis=1)
        out[name] = block.mean(axis=1).where(answered >= min_share - 1e-12)
    return pd.DataFrame(out, index=frame.index)


def _pomp(values: pd.Series, low: float, high: float) -> float:
    """Mean on a 0-100 scale (percent of maximum possible)."""
    span = high - low
    return float((values.mean() - low) / span * 100) if span > 0 else float("nan")


# --------------------------------------------------------------------------- result

@dataclass(frozen=True, eq=False)
class KeyDrivers(DiagnosticResult):
    """Key drivers of each outcome (Johnson's relative weights, bootstrap intervals).

    Attributes
    ----------
    wave
        The survey wave analysed.
    predictors
        ``"constructs"`` or ``"items"``.
    confidence
        Confidence level of the intervals.
    resamples
        Bootstrap resamples behind the intervals.
    outcomes
        One row per outcome analysed: ``outcome``, ``label``, ``n``, ``r2``, ``r2_low``,
        ``r2_high``, ``n_predictors``.
    weights
        One row per outcome and predictor (the organisation, ``group`` = ``"all"``), and per
        group of ``by`` where it was large enough: the columns of :meth:`to_frame`.
    by
        The attribute of the per-group weights, or ``None``.
    """

    key: ClassVar[str] = "drivers"
    title: ClassVar[str] = "Key drivers"
    method: ClassVar[str] = (
        "Johnson's relative weights (Johnson 2000): the predictors are replaced by their "
        "closest uncorrelated counterparts, the outcome is regressed on those, and the "
        "explained variation (R-squared) is divided among the original predictors; the raw "
        "weights add up to R-squared, and the share is a weight over R-squared. Predictors "
        "are construct scores (the mean of a respondent's answers to the construct's items, "
        "when at least two thirds are answered) or single items; respondents missing the "
        "outcome or any predictor are left out. Intervals are bootstrap percentile intervals "
        "(Tonidandel & LeBreton 2008); a weight is called significant when its bootstrap "
        "interval of the difference from the weight of an added random variable lies above "
        "zero (Tonidandel, LeBreton & Johnson 2009). Guardrails: no analysis under 30 "
        "complete respondents or fewer than 10 per predictor; per group only where a group "
        "has at least 50 complete respondents (other groups use the organisation's drivers). "
        "Performance is the predictor's mean on a 0-100 scale (percent of the scale's range). "
        "Checked against general dominance (LMG, Budescu 1993) computed from its definition.")
    columns: ClassVar[tuple[str, ...]] = _WEIGHT_COLUMNS

    wave: str
    predictors: str
    confidence: float
    resamples: int
    outcomes: pd.DataFrame
    weights: pd.DataFrame
    by: str | None = None

    def to_frame(self) -> pd.DataFrame:
        return self.weights.copy()

    def overall(self, outcome: str | None = None) -> pd.DataFrame:
        """The organisation's weights (of one outcome), most important first."""
        rows = self.weights[self.weights["group"] == "all"]
        if outcome is not None:
            if outcome not in set(self.outcomes["outcome"]):
                raise ConfigError(f"outcome {outcome!r} was not analysed; outcomes: "
                                  f"{', '.join(self.outcomes['outcome'])}.")
            rows = rows[rows["outcome"] == outcome]
        return rows.sort_values(["outcome", "rank"], kind="stable").reset_index(drop=True)

    def order(self, outcome: str) -> list[str]:
        """The predictors of ``outcome``, most important first."""
        return list(self.overall(outcome)["predictor"])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"drivers": self.overall(), "drivers_outcomes": self.outcomes.copy(),
                **({"drivers_by_group": self.weights[self.weights["group"] != "all"].copy()}
                   if self.by else {})}

    def figure(self, outcome: str | None = None) -> Any:
        from .plots.drivers import importance_figure

        return importance_figure(self, outcome)

    def figures(self) -> dict[str, Any]:
        from .plots.drivers import importance_figure, priority_figure

        out: dict[str, Any] = {}
        for outcome in self.outcomes["outcome"]:
            out[f"weights {outcome}"] = importance_figure(self, outcome)
            out[f"priority {outcome}"] = priority_figure(self, outcome)
        return out

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for row in self.outcomes.itertuples(index=False):
            part = self.overall(row.outcome)
            out[str(row.outcome)] = {
                "r2": float(row.r2), "r2_low": float(row.r2_low), "r2_high": float(row.r2_high),
                "n": int(row.n),
                "weights": {str(w.predictor): {"raw": float(w.raw), "share": float(w.share),
                                               "low": float(w.low), "high": float(w.high),
                                               "significant": bool(w.significant)}
                            for w in part.itertuples(index=False)},
            }
        return jsonable(out)

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        pct = round(self.confidence * 100)
        for row in self.outcomes.itertuples(index=False):
            part = self.overall(row.outcome)
            if part.empty:
                continue
            top = part.iloc[0]
            found.append(Finding(
                headline=(f"What goes most with {row.label}: {top['label']}. It accounts for "
                          f"{top['share']:.0%} of what the survey explains about {row.label}."),
                value=f"{top['share']:.0%}",
                uncertainty=(f"{between(top['share_low'], top['share_high'])} of what the survey "
                             f"explains; together the {len(part)} measures explain "
                             f"{row.r2:.0%} of the differences in {row.label}"),
                meaning=(f"People who rate {top['label']} higher also tend to rate {row.label} "
                         "higher: it is the likeliest lever, though the survey alone cannot "
                         "prove cause and effect."),
                action=(f"Make {top['label']} the first theme of the follow-up conversations "
                        f"about {row.label}, and track both in the next survey."),
                statistics=(f"Relative weight (Johnson) {top['share']:.0%}, {pct}% bootstrap "
                            f"interval {top['share_low']:.0%}-{top['share_high']:.0%}; "
                            f"R² {row.r2:.2f}."),
                figure=f"weights {row.outcome}", weight=0.7))
            focus = part[(part["quadrant"] == "focus here") & part["significant"]]
            if not focus.empty:
                f = focus.iloc[0]
                found.append(Finding(
                    headline=(f"Where to focus for {row.label}: {f['label']} matters a lot "
                              f"but scores low ({f['score']:.0f} out of 100)."),
                    value=f"{f['share']:.0%}",
                    uncertainty=(f"its weight lies {between(f['share_low'], f['share_high'])} "
                                 "of what the survey explains"),
                    meaning=("A strong lever with a low score is where an improvement pays off "
                             "most."),
                    action=(f"Choose one concrete change in {f['label']} and announce it with "
                            "the survey results."),
                    figure=f"priority {row.outcome}",
                    statistics=(f"Relative weight (Johnson) {f['share']:.0%}, {pct}% bootstrap "
                                f"interval {f['share_low']:.0%}-{f['share_high']:.0%}."),
                    weight=0.65))
        return found


# --------------------------------------------------------------------------- analysis

def _outcome_sets(workbook: Workbook) -> dict[str, list[str]]:
    """Outcome name -> its items: each outcome construct, or the item when it has none."""
    book = workbook.codebook
    out: dict[str, list[str]] = {}
    for item in workbook.items_of("outcome"):
        construct = str(book.at[item, "construct"]).strip()
        out.setdefault(construct or item, []).append(item)
    return out


def _predictor_sets(workbook: Workbook, predictors: str,
                    kinds: Sequence[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    book = workbook.codebook
    sets: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for kind in kinds:
        if predictors == "constructs":
            for construct, items in workbook.constructs(kind).items():
                name = construct if construct not in sets else f"{construct} ({kind})"
                sets[name] = items
                labels[name] = name
            for item in workbook.items_of(kind):
                if str(book.at[item, "construct"]).strip() == "":
                    sets[item] = [item]
                    labels[item] = str(book.at[item, "label"])
        else:
            for item in workbook.items_of(kind):
                sets[item] = [item]
                labels[item] = str(book.at[item, "label"])
    return sets, labels


def _one_analysis(data: np.ndarray, names: list[str], *, resamples: int, seed: int,
                  confidence: float, progress: bool, desc: str) -> tuple[pd.DataFrame, dict[str, float]]:
    """Weights, intervals and tests of one outcome in one group (complete rows in ``data``)."""
    n, q = data.shape
    p = q - 1
    point = _weights_from_corr(np.corrcoef(data, rowvar=False))
    r2 = float(point.sum())
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(n)
    boot, aug = _bootstrap(np.column_stack([data, noise]), resamples=resamples,
                           seed=seed + 1, progress=progress, desc=desc)
    tail = (1 - confidence) / 2
    low, high = np.quantile(boot, [tail, 1 - tail], axis=0)
    r2_boot = boot.sum(axis=1)
    share_boot = boot / r2_boot[:, None]
    s_low, s_high = np.quantile(share_boot, [tail, 1 - tail], axis=0)
    diff = aug[:, :p] - aug[:, [p]]
    diff_low = np.quantile(diff, tail, axis=0)
    pvalue = np.minimum(1.0, 2 * ((diff <= 0).sum(axis=0) + 1) / (len(diff) + 1))
    frame = pd.DataFrame({
        "predictor": names, "n": n, "r2": r2, "raw": point,
        "share": point / r2 if r2 > 0 else np.nan, "low": low, "high": high,
        "share_low": s_low, "share_high": s_high, "p": pvalue, "significant": diff_low > 0,
    })
    r2_low, r2_high = np.quantile(r2_boot, [tail, 1 - tail])
    return frame, {"n": n, "r2": r2, "r2_low": float(r2_low), "r2_high": float(r2_high)}


def _quadrants(frame: pd.DataFrame) -> pd.Series:
    imp = frame["share"] >= frame["share"].median()
    perf = frame["score"] >= frame["score"].median()
    return pd.Series([_QUADRANTS[(bool(a), bool(b))] for a, b in zip(imp, perf, strict=True)],
                     index=frame.index)


def key_drivers(workbook: Workbook, *, outcomes: Sequence[str] | None = None,
                predictors: str = "constructs", kinds: Sequence[str] = PREDICTOR_KINDS,
                by: str | None = None, wave: str | None = None, resamples: int = 1000,
                confidence: float = 0.95, seed: int = 0, progress: bool = False) -> KeyDrivers:
    """Key drivers of each outcome by Johnson's relative weights, with bootstrap intervals.

    Parameters
    ----------
    workbook
        A loaded data folder.
    outcomes
        Outcome names (an outcome construct, or an outcome item without a construct);
        default every outcome of the codebook (kind ``outcome``).
    predictors
        ``"constructs"`` (default): construct scores of ``kinds``; ``"items"``: their items.
    kinds
        The item kinds whose constructs or items are predictors (default motivation,
        behaviour and energy).
    by
        An attribute for drivers per group (groups of at least 50 complete respondents that
        pass the privacy guard); ``None``: the organisation only.
    wave
        The wave (default: the latest).
    resamples
        Bootstrap resamples (default 1000).
    confidence
        Confidence level of the intervals (default 0.95).
    seed
        Seed of the bootstrap and of the random reference variable.
    progress
        Show a progress bar.

    Returns
    -------
    KeyDrivers
        ``to_frame()`` columns: ``outcome``, ``group`` (``"all"`` for the organisation),
        ``predictor``, ``label``, ``n``, ``r2``, ``raw``, ``share`` (raw / r2), ``low``,
        ``high`` (interval of raw), ``share_low``, ``share_high``, ``p``, ``significant``,
        ``score`` (0-100), ``rank`` and ``quadrant`` (focus here, strength to keep, lower
        priority, less important strength).

    Raises
    ------
    ConfigError
        For an unknown outcome, predictor type, kind, attribute or option.
    InsufficientDataError
        When no outcome has enough complete respondents (30, and 10 per predictor).

    Notes
    -----
    The weights say how much of the differences between people in an outcome go with
    each predictor, not that changing the predictor changes the outcome. The
    performance x importance chart places each predictor by its weight (share of the
    explained variation) and its score: high importance with a low score is where to
    focus.

    References
    ----------
    Johnson, J. W. (2000). A heuristic method for estimating the relative weight of
    predictor variables in multiple regression. Multivariate Behavioral Research, 35, 1-19.
    Tonidandel, S. & LeBreton, J. M. (2008). Determining the relative importance of
    predictors in logistic regression. Organizational Research Methods, 11, 97-110 (the
    bootstrap intervals). Tonidandel, S., LeBreton, J. M. & Johnson, J. W. (2009).
    Determining the statistical significance of relative weights. Psychological Methods,
    14, 387-399. Budescu, D. V. (1993). Dominance analysis. Psychological Bulletin, 114, 542-551.

    Examples
    --------
    >>> from diagnostics import load
    >>> drivers = key_drivers(load("data/sample"), resamples=200)
    >>> drivers.order("engagement")[:2]
    ['energy', 'team practice']
    >>> bool(abs(drivers.overall("engagement")["raw"].sum()
    ...          - drivers.outcomes.set_index("outcome").at["engagement", "r2"]) < 1e-9)
    True
    """
    if predictors not in ("constructs", "items"):
        raise ConfigError(f"predictors must be 'constructs' or 'items', got {predictors!r}.")
    bad = [k for k in kinds if k not in ("motivation", "behaviour", "energy", "other")]
    if bad:
        raise ConfigError(f"kinds: {', '.join(map(repr, bad))} cannot be predictors; expected "
                          "some of motivation, behaviour, energy, other.")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    if isinstance(resamples, bool) or not isinstance(resamples, int | np.integer) or resamples < 100:
        raise ConfigError(f"resamples must be a whole number of at least 100, got {resamples!r}.")
    if by is not None and by not in workbook.attributes:
        raise ConfigError(f"by: {by!r} is not an attribute of the survey; attributes: "
                          f"{', '.join(workbook.attributes) or 'none'}.")
    available = _outcome_sets(workbook)
    if not available:
        raise InsufficientDataError("codebook.csv has no outcome item (kind = outcome)")
    chosen = list(available) if outcomes is None else list(outcomes)
    unknown = [o for o in chosen if o not in available]
    if unknown:
        raise ConfigError(f"{plural(len(unknown), 'outcome').capitalize()} {', '.join(map(repr, unknown))} not in the codebook; "
                          f"outcomes: {', '.join(available)}.")
    sets, labels = _predictor_sets(workbook, predictors, kinds)
    if not sets:
        raise InsufficientDataError(f"codebook.csv has no {predictors} of kind "
                                    f"{', '.join(kinds)} to use as predictors")
    rows = workbook.responses(wave)
    wave_name = workbook.latest_wave if wave is None else str(wave)
    scores = construct_scores(workbook, rows, sets)
    outcome_scores = construct_scores(workbook, rows, {o: available[o] for o in chosen})
    book = workbook.codebook
    score_range = {name: (float(book.loc[items, "scale_min"].min()),
                          float(book.loc[items, "scale_max"].max())) for name, items in sets.items()}
    names = list(sets)
    guard = workbook.guard
    weight_frames: list[pd.DataFrame] = []
    outcome_rows: list[dict[str, Any]] = []
    notes: list[str] = []
    suppressed: list[Any] = []
    for o_index, outcome in enumerate(chosen):
        label = outcome if outcome not in book.index else str(book.at[outcome, "label"])
        data = pd.concat([scores[names], outcome_scores[[outcome]]], axis=1)
        complete = data.notna().all(axis=1)
        n = int(complete.sum())
        need = max(MIN_RESPONDENTS, PER_PREDICTOR * len(names))
        if n < need:
            notes.append(f"{label}: not analysed, {n} complete respondents for {len(names)} "
                         f"predictors (at least {need} needed: 30, and 10 per predictor).")
            continue
        matrix = data.loc[complete].to_numpy(dtype=float)
        frame, summary = _one_analysis(matrix, names, resamples=resamples,
                                       seed=seed + 1000 * o_index, confidence=confidence,
                                       progress=progress, desc=f"drivers of {outcome}")
        frame["score"] = [_pomp(data.loc[complete, p], *score_range[p]) for p in names]
        frame.insert(0, "group", "all")
        frame.insert(0, "outcome", outcome)
        frame["label"] = [labels[p] for p in names]
        frame["rank"] = frame["raw"].rank(ascending=False, method="first").astype(int)
        frame["quadrant"] = _quadrants(frame)
        weight_frames.append(frame)
        outcome_rows.append({"outcome": outcome, "label": label, **summary,
                             "n_predictors": len(names)})
        if by is not None:
            groups = rows.loc[complete, by].dropna().astype(str)
            sizes = groups.value_counts()
            mask, reasons = guard.visible_mask(sizes, total=int(complete.sum()))
            for g, reason in reasons.items():
                from .privacy import SuppressedGroup

                suppressed.append(SuppressedGroup(by, str(g), reason))
            small = [str(g) for g in sizes.index if mask[g] and sizes[g] < max(GROUP_MINIMUM, need)]
            if small:
                notes.append(f"{label}: {by} {', '.join(sorted(small))} have fewer than "
                             f"{max(GROUP_MINIMUM, need)} complete respondents; they use the "
                             "organisation's drivers.")
            for g_index, group in enumerate(sorted(sizes.index)):
                if not mask[group] or sizes[group] < max(GROUP_MINIMUM, need):
                    continue
                part = complete & (rows[by].astype(str) == group)
                sub, _ = _one_analysis(data.loc[part].to_numpy(dtype=float), names,
                                       resamples=resamples,
                                       seed=seed + 1000 * o_index + 7 * (g_index + 1),
                                       confidence=confidence, progress=False, desc=group)
                sub["score"] = [_pomp(data.loc[part, p], *score_range[p]) for p in names]
                sub.insert(0, "group", str(group))
                sub.insert(0, "outcome", outcome)
                sub["label"] = [labels[p] for p in names]
                sub["rank"] = sub["raw"].rank(ascending=False, method="first").astype(int)
                sub["quadrant"] = _quadrants(sub)
                weight_frames.append(sub)
    if not weight_frames:
        raise InsufficientDataError("no outcome has enough complete respondents for a driver "
                                    "analysis (30, and 10 per predictor): " + " ".join(notes))
    weights = pd.concat(weight_frames, ignore_index=True)[list(_WEIGHT_COLUMNS)]
    left_out = len(rows) - int(min(r["n"] for r in outcome_rows))
    if left_out:
        notes.append(f"Up to {left_out} respondents left out for missing answers (an outcome "
                     "or a predictor not answered).")
    return KeyDrivers(wave=wave_name, predictors=predictors, confidence=confidence,
                      resamples=int(resamples), outcomes=pd.DataFrame(outcome_rows),
                      weights=weights, by=by, notes=tuple(notes),
                      suppressed=tuple(dict.fromkeys(suppressed)))
