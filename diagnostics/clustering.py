"""The numerical core of segmentation: models, criteria by k, stability and an unclustered reference.

Works on standardised feature matrices (rows = respondents, ``nan`` = not answered) and knows
nothing of workbooks; :mod:`diagnostics.segments` builds the survey-facing result on it.

* Models are fitted on the complete rows; every row, complete or not, is then assigned from
  the answers it has (k-means: nearest centre over the answered features; Gaussian mixture:
  the marginal density of the answered features). Nothing is imputed.
* Everything random is seeded from ``seed`` and the row order the caller gives
  (callers sort rows canonically, so results do not depend on the order of the input).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import linalg, stats
from scipy.optimize import linear_sum_assignment
from scipy.special import logsumexp
from sklearn import config_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_limits
from tqdm.auto import tqdm

from .labels import STABLE

__all__ = ["ClusterModel", "Copula", "Rows", "KFit", "Selection", "fit_model", "select", "copula_reference",
           "match_labels", "seed_of", "adjusted_rand", "silhouette", "ALGORITHMS"]

ALGORITHMS: tuple[str, ...] = ("kmeans", "gmm")

#: Purposes of the seed streams (kept apart so that adding one never shifts another).
_FIT, _RESAMPLE, _REFERENCE, _SILHOUETTE = 0, 1, 2, 3


def seed_of(seed: int, *keys: int) -> int:
    """A 31-bit seed derived from ``seed`` and the keys (purpose, k, resample)."""
    state = np.random.SeedSequence([int(seed) % (2**32), *map(int, keys)])
    return int(state.generate_state(1)[0] >> 1)


# --------------------------------------------------------------------------- scores

def adjusted_rand(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (Hubert & Arabie 1985; as scikit-learn's).

    Examples
    --------
    >>> import numpy as np
    >>> adjusted_rand(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
    1.0
    """
    a = np.unique(np.asarray(a), return_inverse=True)[1].ravel()
    b = np.unique(np.asarray(b), return_inverse=True)[1].ravel()
    n = a.size
    if n < 2:
        return 1.0
    kb = int(b.max()) + 1
    table = np.bincount(a * kb + b, minlength=(int(a.max()) + 1) * kb).astype(float)
    rows = np.bincount(a).astype(float)
    cols = np.bincount(b).astype(float)
    pairs = float((table * (table - 1)).sum() / 2)
    pairs_a = float((rows * (rows - 1)).sum() / 2)
    pairs_b = float((cols * (cols - 1)).sum() / 2)
    expected = pairs_a * pairs_b / (n * (n - 1) / 2)
    top = (pairs_a + pairs_b) / 2
    if top == expected:
        return 1.0
    return float((pairs - expected) / (top - expected))


def silhouette(z: np.ndarray, labels: np.ndarray, *, chunk: int = 1024) -> float:
    """Mean silhouette (Euclidean; Rousseeuw 1987; as scikit-learn's silhouette_score).

    ``nan`` when there is a single label. Computed in chunks of rows, so memory stays at
    ``chunk x n`` distances.
    """
    labels = np.unique(np.asarray(labels), return_inverse=True)[1].ravel()
    k = int(labels.max()) + 1 if labels.size else 0
    n = len(z)
    if k < 2 or k >= n:
        return float("nan")
    onehot = np.zeros((n, k))
    onehot[np.arange(n), labels] = 1.0
    counts = onehot.sum(axis=0)
    sq = (z**2).sum(axis=1)
    values = np.empty(n)
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        d2 = sq[start:stop, None] + sq[None, :] - 2.0 * z[start:stop] @ z.T
        dist = np.sqrt(np.clip(d2, 0.0, None))
        dist[np.arange(stop - start), np.arange(start, stop)] = 0.0
        sums = dist @ onehot
        own = labels[start:stop]
        own_n = counts[own]
        a = sums[np.arange(stop - start), own] / np.maximum(own_n - 1, 1)
        means = sums / counts
        means[np.arange(stop - start), own] = np.inf
        b = means.min(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = (b - a) / np.maximum(a, b)
        values[start:stop] = np.where(own_n > 1, np.nan_to_num(s), 0.0)
    return float(values.mean())


# --------------------------------------------------------------------------- models

class Rows:
    """A standardised matrix prepared once for many predictions (answered mask, patterns).

    ``nan`` marks an unanswered feature.
    """

    def __init__(self, z: np.ndarray) -> None:
        self.z = np.asarray(z, dtype=float)
        self.answered = ~np.isnan(self.z)
        self.z0 = np.where(self.answered, self.z, 0.0)
        self.sq = (self.z0**2).sum(axis=1)
        self.weight = self.answered.astype(float)
        self._patterns: tuple[np.ndarray, list[np.ndarray]] | None = None

    def __len__(self) -> int:
        return len(self.z)

    @property
    def patterns(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """The distinct answered-patterns and the rows of each."""
        if self._patterns is None:
            complete = self.answered.all(axis=1)
            if complete.all():
                self._patterns = (self.answered[:1], [np.arange(len(self.z))])
            else:
                pats, inverse = np.unique(self.answered, axis=0, return_inverse=True)
                inverse = np.asarray(inverse).ravel()
                order = np.argsort(inverse, kind="stable")
                bounds = np.cumsum(np.bincount(inverse, minlength=len(pats)))[:-1]
                self._patterns = (pats, np.split(order, bounds))
        return self._patterns


@dataclass(frozen=True, eq=False)
class ClusterModel:
    """A fitted partition model in the standardised feature space.

    Attributes
    ----------
    algorithm
        ``"kmeans"``, ``"gmm"`` (Gaussian mixture with one covariance shared by the
        segments) or ``"single"`` (one group: no segmentation).
    centres
        Segment centres, ``(k, p)``.
    weights
        Segment proportions, ``(k,)``.
    covariance
        The shared covariance ``(p, p)`` of the Gaussian mixture; ``None`` for k-means.
    """

    algorithm: str
    centres: np.ndarray
    weights: np.ndarray
    covariance: np.ndarray | None = None

    @property
    def k(self) -> int:
        return int(self.centres.shape[0])

    def scores(self, z: np.ndarray | Rows) -> np.ndarray:
        """``(n, k)`` scores over the answered features (higher = closer / more likely).

        k-means: minus the squared distance to each centre over the answered features;
        mixture: log of weight times the marginal density of the answered features.
        """
        rows = z if isinstance(z, Rows) else Rows(z)
        if self.algorithm == "single":
            return np.zeros((len(rows), 1))
        if self.algorithm == "kmeans":
            c = self.centres
            return -(rows.sq[:, None] - 2.0 * rows.z0 @ c.T + rows.weight @ (c**2).T)
        return self._log_joint(rows)

    def _log_joint(self, data: Rows) -> np.ndarray:
        if self.covariance is None:  # pragma: no cover - a mixture always has one
            raise ValueError("a Gaussian mixture needs its covariance")
        z = data.z
        out = np.empty((len(z), self.k))
        log_w = np.log(np.clip(self.weights, 1e-300, None))
        patterns, members = data.patterns
        for pattern, rows in zip(patterns, members, strict=True):
            seen = np.flatnonzero(pattern)
            if seen.size == 0:
                out[rows] = log_w
                continue
            # one shared covariance: whiten the rows and the centres once per pattern
            chol = linalg.cholesky(self.covariance[np.ix_(seen, seen)], lower=True,
                                   check_finite=False)
            log_det = 2.0 * float(np.log(np.diag(chol)).sum())
            x = linalg.solve_triangular(chol, z[np.ix_(rows, seen)].T, lower=True,
                                        check_finite=False)
            m = linalg.solve_triangular(chol, self.centres[:, seen].T, lower=True,
                                        check_finite=False)
            maha = ((x**2).sum(axis=0)[:, None] - 2.0 * x.T @ m + (m**2).sum(axis=0)[None, :])
            const = -0.5 * (log_det + seen.size * math.log(2 * math.pi))
            out[rows] = log_w[None, :] + const - 0.5 * maha
        return out

    def predict(self, z: np.ndarray | Rows) -> np.ndarray:
        """The segment of each row (ties: the lower segment number)."""
        if self.algorithm == "kmeans":  # the row's own squared length does not matter
            rows = z if isinstance(z, Rows) else Rows(z)
            c = self.centres
            near = 2.0 * rows.z0 @ c.T - rows.weight @ (c**2).T
            return np.argmax(near, axis=1).astype(np.int64)
        return np.argmax(self.scores(z), axis=1).astype(np.int64)

    def proba(self, z: np.ndarray | Rows) -> np.ndarray | None:
        """Posterior segment probabilities (Gaussian mixture only; ``None`` for k-means)."""
        if self.algorithm == "kmeans":
            return None
        s = self.scores(z)
        return np.exp(s - logsumexp(s, axis=1, keepdims=True))

    def relabel(self, order: Sequence[int]) -> ClusterModel:
        """The same model with segments renumbered: new segment i is old segment order[i]."""
        idx = np.asarray(order, dtype=np.int64)
        return ClusterModel(self.algorithm, self.centres[idx], self.weights[idx], self.covariance)


def single_group(p: int) -> ClusterModel:
    """The no-segmentation model: everyone in one group."""
    return ClusterModel("single", np.zeros((1, p)), np.ones(1))


def _kmeans_bic(z: np.ndarray, labels: np.ndarray, centres: np.ndarray) -> float:
    """BIC of a k-means partition read as a mixture of equal spherical Gaussians (X-means)."""
    n, p = z.shape
    k = centres.shape[0]
    inertia = float(((z - centres[labels]) ** 2).sum())
    var = max(inertia / (n * p), 1e-12)
    counts = np.bincount(labels, minlength=k)
    counts = counts[counts > 0]
    log_l = (float((counts * np.log(counts / n)).sum())
             - 0.5 * n * p * math.log(2 * math.pi * var) - 0.5 * n * p)
    params = (k - 1) + k * p + 1
    return float(-2.0 * log_l + params * math.log(n))


def _kmeans_pp(z: np.ndarray, sq: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Greedy k-means++ starting centres (Arthur & Vassilvitskii 2007; 2 + log k trials)."""
    n = len(z)
    trials = 2 + int(np.log(k))
    centres = np.empty((k, z.shape[1]))
    first = int(rng.integers(n))
    centres[0] = z[first]
    closest = np.clip(sq - 2.0 * z @ z[first] + sq[first], 0.0, None)
    for i in range(1, k):
        total = float(closest.sum())
        if total <= 0:
            centres[i:] = z[rng.integers(n, size=k - i)]
            break
        picks = np.searchsorted(np.cumsum(closest), rng.random(trials) * total)
        picks = np.clip(picks, 0, n - 1)
        d = np.clip(sq[picks, None] - 2.0 * z[picks] @ z.T + sq[None, :], 0.0, None)
        candidate = np.minimum(closest[None, :], d)
        best = int(np.argmin(candidate.sum(axis=1)))
        closest = candidate[best]
        centres[i] = z[picks[best]]
    return centres


def _lloyd(z: np.ndarray, sq: np.ndarray, centres: np.ndarray, *, max_iter: int,
           tol: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd iterations from ``centres``; returns centres, labels and inertia."""
    k = centres.shape[0]
    for _ in range(max_iter):
        d = sq[:, None] - 2.0 * z @ centres.T + (centres**2).sum(axis=1)[None, :]
        labels = np.argmin(d, axis=1)
        onehot = (labels[:, None] == np.arange(k)[None, :]).astype(float)
        counts = onehot.sum(axis=0)
        new = onehot.T @ z
        empty = counts == 0
        new[~empty] /= counts[~empty, None]
        if empty.any():  # an empty segment restarts at the points farthest from their centre
            far = np.argsort(-d[np.arange(len(z)), labels], kind="stable")[: int(empty.sum())]
            new[empty] = z[far]
        shift = float(((new - centres) ** 2).sum())
        centres = new
        if shift <= tol:
            break
    d = sq[:, None] - 2.0 * z @ centres.T + (centres**2).sum(axis=1)[None, :]
    labels = np.argmin(d, axis=1)
    inertia = float(np.clip(d[np.arange(len(z)), labels], 0.0, None).sum())
    return centres, labels.astype(np.int64), inertia


#: Above this many rows, k-means and the mixture start on a random subsample of this size
#: and are then refined on all rows.
MAX_START_ROWS = 20000


def kmeans(z: np.ndarray, k: int, *, seed: int, n_init: int, max_iter: int = 300,
           tol: float = 1e-4) -> tuple[np.ndarray, np.ndarray, float]:
    """k-means (k-means++ starts, Lloyd iterations), the best of ``n_init`` runs.

    ``tol`` is relative to the mean variance of the columns (as in scikit-learn). Above
    :data:`MAX_START_ROWS` rows the runs are made on a random subsample of that size and
    the best is refined with Lloyd iterations on all rows. Returns centres ``(k, p)``,
    labels and inertia.
    """
    z = np.ascontiguousarray(z, dtype=float)
    rng = np.random.default_rng(seed)
    tol_abs = tol * float(np.mean(np.var(z, axis=0)))
    start = z
    if len(z) > MAX_START_ROWS:
        start = z[np.sort(rng.choice(len(z), MAX_START_ROWS, replace=False))]
    sq = (start**2).sum(axis=1)
    best: tuple[np.ndarray, np.ndarray, float] | None = None
    for _ in range(max(1, n_init)):
        run = _lloyd(start, sq, _kmeans_pp(start, sq, k, rng), max_iter=max_iter, tol=tol_abs)
        if best is None or run[2] < best[2]:
            best = run
    if best is None:  # pragma: no cover - n_init >= 1
        raise ValueError("n_init must be at least 1")
    if start is not z:
        best = _lloyd(z, (z**2).sum(axis=1), best[0], max_iter=min(max_iter, 100), tol=tol_abs)
    return best


def fit_model(z: np.ndarray, k: int, algorithm: str, *, seed: int,
              n_init: int) -> tuple[ClusterModel, float]:
    """Fit ``k`` segments on complete rows ``z``; returns the model and its BIC.

    The Gaussian mixture starts from the best of ``n_init`` k-means runs.
    """
    centres, labels, _ = kmeans(z, k, seed=seed, n_init=n_init)
    weights = np.bincount(labels, minlength=k) / len(z)
    if algorithm == "kmeans":
        return ClusterModel("kmeans", centres, weights), _kmeans_bic(z, labels, centres)
    resid = z - centres[labels]
    cov = resid.T @ resid / len(z) + 1e-4 * np.eye(z.shape[1])
    w = np.clip(weights, 1e-6, None)
    w = w / w.sum()
    precision = np.linalg.inv(cov)
    with warnings.catch_warnings(), config_context(assume_finite=True,
                                                   skip_parameter_validation=True):
        warnings.simplefilter("ignore", ConvergenceWarning)
        if len(z) > MAX_START_ROWS:  # EM on a subsample, then a few steps on all rows
            rows = np.random.default_rng(seed).choice(len(z), MAX_START_ROWS, replace=False)
            sub = GaussianMixture(n_components=k, covariance_type="tied", reg_covar=1e-4,
                                  max_iter=200, random_state=seed, weights_init=w,
                                  means_init=centres, precisions_init=precision).fit(
                                      z[np.sort(rows)])
            w, centres, precision = sub.weights_, sub.means_, sub.precisions_
        gm = GaussianMixture(n_components=k, covariance_type="tied", reg_covar=1e-4,
                             max_iter=200 if len(z) <= MAX_START_ROWS else 10,
                             random_state=seed, weights_init=w, means_init=centres,
                             precisions_init=precision).fit(z)
    model = ClusterModel("gmm", gm.means_.copy(), gm.weights_.copy(),
                         np.asarray(gm.covariances_).copy())
    return model, float(gm.bic(z))


def match_labels(reference: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Relabel ``labels`` to agree best with ``reference`` (Hungarian method on the overlap)."""
    table = np.bincount(labels * k + reference, minlength=k * k).reshape(k, k)
    rows, cols = linear_sum_assignment(-table)
    mapping = np.arange(k)
    mapping[rows] = cols
    return mapping[labels]


def _canonical(model: ClusterModel, labels: np.ndarray) -> ClusterModel:
    """Number segments by size (largest first), ties by their centres."""
    k = model.k
    sizes = np.bincount(labels, minlength=k)
    keys = [(-int(sizes[j]), *np.round(model.centres[j], 9).tolist()) for j in range(k)]
    order = sorted(range(k), key=lambda j: keys[j])
    return model.relabel(order)


# --------------------------------------------------------------------------- reference

@dataclass(frozen=True, eq=False)
class Copula:
    """An unclustered population like ``x``: a Gaussian copula with ``x``'s margins.

    The correlation of the normal scores of ``x`` and, per column, the empirical
    distribution of ``x``: discreteness, skew and the correlation between items are kept,
    but there is only one cloud. Build once, draw many times.
    """

    root: np.ndarray
    ordered: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray) -> Copula:
        n, p = x.shape
        ranks = np.column_stack([stats.rankdata(x[:, j]) for j in range(p)])
        normal = stats.norm.ppf(ranks / (n + 1))
        corr = np.nan_to_num(np.atleast_2d(np.corrcoef(normal, rowvar=False)), nan=0.0)
        np.fill_diagonal(corr, 1.0)
        vals, vecs = np.linalg.eigh(corr)
        return cls(vecs * np.sqrt(np.clip(vals, 0.0, None)), np.sort(x, axis=0))

    def draw(self, rng: np.random.Generator, m: int) -> np.ndarray:
        """``m`` rows of the unclustered population."""
        n, p = self.ordered.shape
        u = stats.norm.cdf(rng.standard_normal((m, p)) @ self.root.T)
        idx = np.clip(np.ceil(u * n).astype(np.int64) - 1, 0, n - 1)
        return np.take_along_axis(self.ordered, idx, axis=0)


def copula_reference(x: np.ndarray, rng: np.random.Generator, m: int) -> np.ndarray:
    """``m`` rows drawn from an unclustered population like ``x`` (see :class:`Copula`)."""
    return Copula.of(x).draw(rng, m)


def _standardise(x: np.ndarray) -> np.ndarray:
    sd = x.std(axis=0, ddof=1)
    sd[~(sd > 0)] = 1.0
    return (x - x.mean(axis=0)) / sd


def _best_silhouettes(z: np.ndarray, ks: Sequence[int], seed: int, n_init: int) -> np.ndarray:
    out = np.full(len(ks), np.nan)
    for i, k in enumerate(ks):
        if k >= len(z):
            continue
        model, _ = fit_model(z, k, "kmeans", seed=seed_of(seed, k), n_init=n_init)
        out[i] = silhouette(z, model.predict(z))
    return out


# --------------------------------------------------------------------------- selection

@dataclass(frozen=True, eq=False)
class KFit:
    """One number of segments, fitted on all complete rows and checked by resampling.

    ``labels`` and ``certainty`` are per row of the caller's matrix (all rows).
    """

    k: int
    model: ClusterModel
    labels: np.ndarray
    certainty: np.ndarray
    silhouette: float
    bic: float
    stability: float
    resample_ari: np.ndarray


@dataclass(frozen=True, eq=False)
class Selection:
    """Fits for each candidate k, the criteria table and the unclustered-reference test.

    Attributes
    ----------
    fits
        ``{k: KFit}``.
    criteria
        One row per k: ``k``, ``silhouette``, ``bic``, ``stability``, ``reference``
        (mean silhouette of the unclustered reference), ``reference_sd``, ``excess``
        (silhouette above the reference), ``smallest`` (smallest segment, respondents),
        ``admissible`` (smallest segment large enough), ``stable``, ``chosen``.
    chosen
        The k the criteria choose, or ``None`` when the data show no cluster structure.
    structure
        Whether the data are more clustered than the unclustered reference.
    clarity
        ``"clear"``, ``"moderate"``, ``"unclear"`` or ``"none"`` (no structure).
    choice
        The choice and how clear it was, in one or two sentences.
    p_value, excess
        The reference test: the share of reference draws at least as clustered, and the
        best silhouette's margin over the reference's best.
    """

    fits: dict[int, KFit]
    criteria: pd.DataFrame
    chosen: int | None
    structure: bool
    clarity: str
    choice: str
    p_value: float
    excess: float
    reference_best: np.ndarray = field(repr=False)
    observed_best: float = float("nan")


#: Silhouette margin over the unclustered reference that counts as real structure.
MIN_EXCESS = 0.05
#: Level of the reference test.
TEST_LEVEL = 0.05


def _n_init(n: int, algorithm: str) -> int:
    if algorithm == "gmm":
        return 3 if n <= 5000 else 1
    return 10 if n <= 5000 else (4 if n <= 20000 else 2)


def select(z_all: np.ndarray, complete: np.ndarray, ks: Sequence[int], algorithm: str, *,
           seed: int = 0, min_size: int = 5, resamples: int = 20,
           references: int = 20, max_silhouette_rows: int = 2000,
           max_resample_rows: int = 5000, max_reference_rows: int = 1000,
           progress: bool = False) -> Selection:
    """Fit each k, score it (silhouette, BIC, stability) and test against an unclustered reference.

    Parameters
    ----------
    z_all
        Standardised features of every row (``nan`` = not answered), in canonical order.
    complete
        Boolean mask of the rows without a missing feature (the models are fitted on them).
    ks
        Candidate numbers of segments.
    algorithm
        ``"kmeans"`` or ``"gmm"``.
    seed
        Seed of every random step.
    min_size
        A k is admissible when its smallest segment has at least this many rows.
    resamples
        Bootstrap resamples for stability (and k-means' per-person certainty).
    references
        Draws of the unclustered reference.
    max_silhouette_rows, max_resample_rows, max_reference_rows
        Caps that keep large surveys fast: the silhouette is computed on a fixed random
        subsample, resamples have at most this many rows (then they are subsamples drawn
        with replacement), the reference test works on subsamples of this size.
    progress
        Show a progress bar.
    """
    zc = z_all[complete]
    n_c = len(zc)
    everyone = Rows(z_all)
    complete_rows = Rows(zc)
    ks = [int(k) for k in ks]
    sil_rows = (np.arange(n_c) if n_c <= max_silhouette_rows else np.sort(
        np.random.default_rng(seed_of(seed, _SILHOUETTE)).choice(
            n_c, max_silhouette_rows, replace=False)))
    m_resample = min(n_c, max_resample_rows)
    boot = [np.random.default_rng(seed_of(seed, _RESAMPLE, b)).integers(0, n_c, m_resample)
            for b in range(resamples)]
    m_ref = min(n_c, max_reference_rows)
    total = len(ks) * (1 + resamples) + references + 1
    bar = tqdm(total=total, desc="Segments: fits, resamples, reference", disable=not progress,
               leave=False)
    fits: dict[int, KFit] = {}
    # one thread: the work is many small matrix products, for which thread start-up and
    # waiting cost more than they save (measured on 2 cores)
    with threadpool_limits(limits=1), bar:
        for k in ks:
            model, bic = fit_model(zc, k, algorithm, seed=seed_of(seed, _FIT, k),
                                   n_init=_n_init(n_c, algorithm))
            model = _canonical(model, model.predict(zc))
            scores = model.scores(everyone) if algorithm == "gmm" else None
            labels = (np.argmax(scores, axis=1).astype(np.int64) if scores is not None
                      else model.predict(everyone))
            bar.update(1)
            sil = silhouette(zc[sil_rows], labels[complete][sil_rows])
            aris = np.empty(resamples)
            # k-means: refits assign everyone (their agreement is the certainty); the
            # mixture's certainty is its posterior, so its refits are compared on the
            # complete rows only (the marginal densities of partial rows are costly)
            target = everyone if algorithm == "kmeans" else complete_rows
            reference_labels = labels if algorithm == "kmeans" else labels[complete]
            agree = np.zeros(len(target))
            for b, idx in enumerate(boot):
                refit, _ = fit_model(zc[idx], k, algorithm,
                                     seed=seed_of(seed, _RESAMPLE, b, k),
                                     n_init=2 if algorithm == "kmeans" else 1)
                other = refit.predict(target)
                aris[b] = adjusted_rand(reference_labels, other)
                agree += match_labels(reference_labels, other, k) == reference_labels
                bar.update(1)
            if scores is not None:
                proba = np.exp(scores - logsumexp(scores, axis=1, keepdims=True))
                certainty = proba.max(axis=1)
            else:
                certainty = agree / max(resamples, 1)
            fits[k] = KFit(k, model, labels, certainty, sil, bic,
                           float(aris.mean()) if resamples else float("nan"), aris)
        # the unclustered reference: same size, same margins and correlations, one cloud
        ref_rng = np.random.default_rng(seed_of(seed, _REFERENCE))
        rows = np.sort(ref_rng.choice(n_c, m_ref, replace=False)) if m_ref < n_c else np.arange(n_c)
        observed = _best_silhouettes(zc[rows], ks, seed_of(seed, _REFERENCE, 1), 2)
        bar.update(1)
        reference = np.full((references, len(ks)), np.nan)
        copula = Copula.of(zc) if references else None
        for r in range(references):
            draw = copula.draw(ref_rng, m_ref)  # type: ignore[union-attr]
            reference[r] = _best_silhouettes(_standardise(draw), ks,
                                             seed_of(seed, _REFERENCE, 2, r), 2)
            bar.update(1)
    return _decide(fits, ks, observed, reference, min_size)


def _decide(fits: dict[int, KFit], ks: list[int], observed: np.ndarray, reference: np.ndarray,
            min_size: int) -> Selection:
    ref_mean = np.nanmean(reference, axis=0) if len(reference) else np.full(len(ks), np.nan)
    ref_sd = np.nanstd(reference, axis=0, ddof=1) if len(reference) > 1 else np.full(len(ks), np.nan)
    rows = []
    for i, k in enumerate(ks):
        fit = fits[k]
        smallest = int(np.bincount(fit.labels, minlength=k).min())
        rows.append({"k": k, "silhouette": fit.silhouette, "bic": fit.bic,
                     "stability": fit.stability, "reference": float(ref_mean[i]),
                     "reference_sd": float(ref_sd[i]),
                     "excess": fit.silhouette - float(ref_mean[i]), "smallest": smallest,
                     "admissible": smallest >= min_size,
                     "stable": bool(fit.stability >= STABLE)})
    criteria = pd.DataFrame(rows)
    # the test: is the best silhouette above what one unclustered cloud reaches at its best?
    best_obs = float(np.nanmax(observed)) if np.isfinite(observed).any() else float("nan")
    ref_best = np.nanmax(reference, axis=1) if len(reference) else np.array([])
    if ref_best.size and np.isfinite(best_obs):
        p_value = float((1 + np.sum(ref_best >= best_obs)) / (1 + ref_best.size))
        excess = float(best_obs - np.mean(ref_best))
    else:
        p_value, excess = float("nan"), float("nan")
    structure = bool(p_value <= TEST_LEVEL and excess >= MIN_EXCESS)
    pool = criteria[criteria["admissible"] & criteria["stable"]]
    if pool.empty:
        pool = criteria[criteria["admissible"]]
    if pool.empty:
        pool = criteria
    pool = pool[np.isfinite(pool["excess"])]
    best = int(pool.loc[pool["excess"].idxmax(), "k"]) if not pool.empty else ks[0]
    criteria["chosen"] = criteria["k"] == best
    clarity, choice = _clarity(criteria, best, structure, p_value, excess)
    return Selection(fits=fits, criteria=criteria, chosen=best if structure else None,
                     structure=structure, clarity=clarity, choice=choice, p_value=p_value,
                     excess=excess, reference_best=ref_best, observed_best=best_obs)


def _clarity(criteria: pd.DataFrame, best: int, structure: bool, p_value: float,
             excess: float) -> tuple[str, str]:
    row = criteria.set_index("k").loc[best]
    if not structure:
        return "none", (
            f"No cluster structure: the best silhouette is {excess:+.2f} from what one "
            f"unclustered cloud with the same answer distributions and correlations reaches "
            f"(p = {p_value:.2f}; segments need p <= {TEST_LEVEL} and a margin of at least "
            f"{MIN_EXCESS}). The answers vary along a continuum rather than forming groups, so "
            "no segments are reported.")
    if len(criteria) == 1:
        return "fixed", (f"k = {best} was given; silhouette {row['silhouette']:.2f} "
                         f"({row['excess']:+.2f} against the unclustered reference), stability "
                         f"{row['stability']:.2f}.")
    admissible = criteria[criteria["admissible"]]
    if admissible.empty:
        admissible = criteria
    by_sil = int(admissible.loc[admissible["silhouette"].idxmax(), "k"])
    by_bic = int(admissible.loc[admissible["bic"].idxmin(), "k"])
    others = criteria[(criteria["k"] != best) & criteria["admissible"] & criteria["stable"]]
    margin = float(row["excess"] - others["excess"].max()) if not others.empty else float("inf")
    agree = [name for name, k in (("silhouette", by_sil), ("BIC", by_bic)) if k == best]
    stable = bool(row["stability"] >= STABLE)
    if len(agree) == 2 and stable and margin >= 0.02:
        clarity = "clear"
    elif agree and stable:
        clarity = "moderate"
    else:
        clarity = "unclear"
    parts = [f"k = {best}: the largest silhouette margin over an unclustered reference "
             f"({row['silhouette']:.2f}, {row['excess']:+.2f}), stability {row['stability']:.2f} "
             "(mean adjusted Rand index over resamples)."]
    if len(agree) == 2:
        parts.append("Silhouette and BIC agree.")
    else:
        parts.append(f"Silhouette alone prefers {by_sil}, BIC prefers {by_bic}.")
    if np.isfinite(margin):
        parts.append(f"Runner-up margin {margin:.2f}.")
    return clarity, f"{clarity.capitalize()} choice. " + " ".join(parts)
