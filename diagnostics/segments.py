"""Frame segmentation: motivational segments, and how to speak to each.

The seeds' first rule: offer different frames to different groups, because people are
driven by different motivations; aim for compatible dreams, not one story for all. This
module clusters respondents on their motivation items into segments, says how many
segments the data support (and whether there are any), names each segment from its most
distinctive motivations, suggests what to lead with and what to avoid, shows where the
segments sit (department, level, location; through the privacy guard), and finds the
shared ground: motivations every segment rates high.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ._compat import renamed
from .clustering import ALGORITHMS, ClusterModel, Selection, select, single_group
from .comparisons import wilson_interval
from .errors import ConfigError, InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .words import between, count
from .workbook import Workbook, answered_enough

__all__ = ["Segmentation", "SegmentSearch", "segment_frames", "search_segments", "USES",
           "METHODS", "K_RANGE", "LOW_CERTAINTY"]

#: What the segments are built from: the motivation items, or their construct scores.
USES: tuple[str, ...] = ("items", "constructs")
#: The clustering methods.
METHODS: tuple[str, ...] = ALGORITHMS
#: The numbers of segments tried when ``k`` is not given.
K_RANGE: tuple[int, ...] = tuple(range(2, 9))
#: A person whose assignment certainty is below this is flagged as between segments.
LOW_CERTAINTY: float = 0.8
#: A segment must hold at least this share of respondents (and the privacy minimum) to count.
MIN_SEGMENT_SHARE: float = 0.03
#: Bootstrap resamples (stability, k-means certainty) and draws of the unclustered reference.
RESAMPLES: int = 20
REFERENCES: int = 20
#: Fewer complete respondents than this: too few to segment.
MIN_RESPONDENTS: int = 30
#: Name of the single group when the data show no segments.
NO_SEGMENTS = "Everyone (no distinct segments)"
#: z-score from which a motivation counts as distinctive (high or low) for a segment.
_DISTINCT = 0.25

# What to say when leading with (or avoiding) a motivation, by construct keyword.
_PHRASES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("purpose", "meaning", "mission"), "purpose and meaning",
     "why the change matters for customers, colleagues and society"),
    (("growth", "learning", "development", "career"), "growth and development",
     "the skills, learning and next steps the change opens up"),
    (("security", "safety", "stability"), "security and stability",
     "what stays stable: a clear plan, fair rules and a careful pace"),
    (("recognition", "reward", "status"), "recognition and reward",
     "how contributions will be seen, credited and rewarded"),
    (("belonging", "social", "team", "affiliation", "relatedness"), "belonging and team spirit",
     "doing it together: the team and the colleagues who make it work"),
    (("autonomy", "self-direction", "independence", "freedom"), "autonomy",
     "the room people get to decide how they do the work"),
    (("power", "influence", "leadership"), "influence and leadership",
     "the chance to lead, decide and shape the outcome"),
    (("achievement", "mastery", "competence"), "achievement",
     "ambitious goals and visible results people can be proud of"),
    (("hedonism", "fun", "enjoyment", "stimulation", "excitement"), "enjoyment and excitement",
     "the energy, novelty and fun of doing something new"),
    (("tradition", "conformity", "respect", "heritage"), "tradition and respect",
     "respect for what has been built and for how things are done here"),
    (("universalism", "benevolence", "care", "environment", "sustainability"),
     "care for people and the world", "the good the change does for people and the environment"),
)


def _phrase(construct: str, hook: str) -> tuple[str, str]:
    """(short name, what to lead with) for a construct; ``hook`` is its most telling item."""
    low = construct.lower()
    for keys, short, lead in _PHRASES:
        if any(key in low for key in keys):
            return short, lead
    return construct, f"{construct}, e.g. “{hook}”"


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


# --------------------------------------------------------------------------- data

@dataclass(frozen=True, eq=False)
class _Prepared:
    """The respondents and features one segmentation works on (canonical row order)."""

    wave: str
    use: str
    items: tuple[str, ...]
    features: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]  # construct -> items (items without one: themselves)
    rows: pd.DataFrame  # kept respondents, sorted by respondent_id
    mean: np.ndarray
    sd: np.ndarray
    z: np.ndarray  # standardised features (nan: not answered)
    complete: np.ndarray
    left_out: int
    dropped_features: tuple[str, ...]

    @property
    def ids(self) -> np.ndarray:
        return self.rows["respondent_id"].to_numpy(dtype=str)


def _groups(workbook: Workbook, items: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Items per construct, in item order; an item without a construct is its own group."""
    out: dict[str, list[str]] = {}
    for item in items:
        construct = str(workbook.codebook.at[item, "construct"]) or item
        out.setdefault(construct, []).append(item)
    return {c: tuple(v) for c, v in out.items()}


def _feature_matrix(frame: pd.DataFrame, use: str, items: Sequence[str],
                    groups: Mapping[str, Sequence[str]]) -> np.ndarray:
    values = frame[list(items)].to_numpy(dtype=float)
    if use == "items":
        return values
    col = {item: j for j, item in enumerate(items)}
    out = np.full((len(frame), len(groups)), np.nan)
    for g, members in enumerate(groups.values()):
        block = values[:, [col[i] for i in members]]
        seen = ~np.isnan(block)
        count = seen.sum(axis=1)
        total = np.where(seen, block, 0.0).sum(axis=1)
        out[:, g] = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return out


def _prepare(workbook: Workbook, wave: str | None, items: list[str] | None,
             use: str) -> _Prepared:
    if use not in USES:
        raise ConfigError(f"use must be one of {', '.join(map(repr, USES))}, got {use!r}.")
    rows = workbook.responses(wave)
    wave = workbook.latest_wave if wave is None else str(wave)
    if items is None:
        items = workbook.items_of("motivation")
        if len(items) < 2:
            raise InsufficientDataError(
                "the codebook has fewer than two motivation items (kind = motivation) to "
                "segment on")
    else:
        items = list(dict.fromkeys(items))
        unknown = [i for i in items if i not in workbook.codebook.index]
        if unknown:
            raise ConfigError(f"items: {', '.join(map(repr, unknown))} not in the codebook; "
                              "expected item names of codebook.csv (e.g. "
                              f"{', '.join(workbook.items[:3])}).")
        if len(items) < 2:
            raise ConfigError(f"items: segmentation needs at least two items, got {items!r}.")
    kept, left_out = answered_enough(rows, items)
    kept = kept.sort_values("respondent_id", kind="stable").reset_index(drop=True)
    groups = _groups(workbook, items)
    raw = _feature_matrix(kept, use, items, groups)
    features = list(items if use == "items" else groups)
    mean = np.nanmean(raw, axis=0) if len(raw) else np.zeros(len(features))
    sd = (np.nanstd(raw, axis=0, ddof=1) if len(raw) > 1 else np.zeros(len(features)))
    keep = np.isfinite(sd) & (sd > 0)
    dropped = tuple(f for f, k in zip(features, keep, strict=True) if not k)
    if keep.sum() < 2:
        raise InsufficientDataError(
            f"fewer than two {use} vary between the {len(kept)} respondents who answered "
            "enough motivation items")
    features = [f for f, k in zip(features, keep, strict=True) if k]
    if use == "constructs":
        groups = {g: groups[g] for g in features}
    z = (raw[:, keep] - mean[keep]) / sd[keep]
    complete = np.asarray(~np.isnan(z).any(axis=1), dtype=bool)
    if complete.sum() < MIN_RESPONDENTS:
        raise InsufficientDataError(
            f"only {int(complete.sum())} respondents answered every motivation item used; "
            f"segmentation needs at least {MIN_RESPONDENTS}")
    return _Prepared(wave=wave, use=use, items=tuple(items), features=tuple(features),
                     groups=groups, rows=kept, mean=mean[keep], sd=sd[keep], z=z,
                     complete=complete, left_out=left_out, dropped_features=dropped)


# --------------------------------------------------------------------------- the search

@dataclass(frozen=True, eq=False)
class SegmentSearch:
    """Fits for every candidate k of one wave, feature set and method (the costly part).

    Build it with :func:`search_segments`; :meth:`segmentation` turns one k into a
    :class:`Segmentation` without refitting (the notebook caches this object, so changing
    the number of segments redraws at once).
    """

    workbook: Workbook = field(repr=False)
    data: _Prepared = field(repr=False)
    algorithm: str
    seed: int
    selection: Selection = field(repr=False)
    projection: pd.DataFrame = field(repr=False)
    explained: tuple[float, float] = (float("nan"), float("nan"))
    _cache: dict[int | None, Segmentation] = field(default_factory=dict, repr=False)

    @property
    def ks(self) -> list[int]:
        return sorted(self.selection.fits)

    @property
    def criteria(self) -> pd.DataFrame:
        return self.selection.criteria.copy()

    def segmentation(self, k: int | None = None) -> Segmentation:
        """The segmentation with ``k`` segments (``None``: the number the criteria choose;
        1: everyone in one group)."""
        if k is not None and k != 1 and k not in self.selection.fits:
            raise ConfigError(f"k must be one of 1, {', '.join(map(str, self.ks))} (or None "
                              f"for automatic), got {k!r}.")
        if k not in self._cache:
            self._cache[k] = _build(self, k)
        return self._cache[k]


def search_segments(workbook: Workbook, *, wave: str | None = None,
                    items: list[str] | None = None, use: str = "items",
                    method: str = "kmeans", ks: Sequence[int] = K_RANGE,
                    seed: int = 0, progress: bool = False,
                    random_state: int | None = None) -> SegmentSearch:
    """Fit every candidate number of segments once, with criteria and the structure test.

    Parameters are those of :func:`segment_frames`, with ``ks`` the candidate numbers of
    segments instead of one ``k``.

    Examples
    --------
    >>> from diagnostics import load
    >>> search = search_segments(load("data/sample"), ks=[4, 5])
    >>> search.segmentation(5).k
    5
    """
    seed = renamed(seed, random_state, old="random_state", new="seed", where="search_segments")
    if method not in METHODS:
        raise ConfigError(f"method must be one of {', '.join(map(repr, METHODS))}, got "
                          f"{method!r}.")
    ks = sorted({int(k) for k in ks})
    if not ks or min(ks) < 2:
        raise ConfigError(f"k must be a whole number of at least 2, got {ks!r}.")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ConfigError(f"seed must be a whole number, got {seed!r}.")
    data = _prepare(workbook, wave, items, use)
    n_c = int(data.complete.sum())
    too_many = [k for k in ks if k > n_c // 2]
    if too_many:
        raise InsufficientDataError(
            f"{n_c} complete respondents are too few for {max(too_many)} segments")
    min_size = max(workbook.guard.min_group_size, int(np.ceil(MIN_SEGMENT_SHARE * len(data.z))))
    selection = select(data.z, data.complete, ks, method, seed=int(seed),
                       min_size=min_size, resamples=RESAMPLES, references=REFERENCES,
                       progress=progress)
    projection, explained = _projection(data)
    return SegmentSearch(workbook=workbook, data=data, algorithm=method,
                         seed=int(seed), selection=selection,
                         projection=projection, explained=explained)


def _projection(data: _Prepared) -> tuple[pd.DataFrame, tuple[float, float]]:
    """First two principal components of the complete rows (the 2-D view)."""
    zc = data.z[data.complete]
    centred = zc - zc.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    coords = centred @ vt[:2].T
    # a stable sign: the largest loading of each component is positive
    for j in range(coords.shape[1]):
        if vt[j, np.argmax(np.abs(vt[j]))] < 0:
            coords[:, j] *= -1
    var = s**2 / max((s**2).sum(), 1e-12)
    frame = pd.DataFrame({"respondent_id": data.ids[data.complete], "pc1": coords[:, 0],
                          "pc2": coords[:, 1] if coords.shape[1] > 1 else 0.0})
    return frame, (float(var[0]), float(var[1]) if len(var) > 1 else 0.0)


# --------------------------------------------------------------------------- the result

@dataclass(frozen=True, eq=False)
class Segmentation(DiagnosticResult):
    """Motivational segments of one wave, with their profiles and suggested frames.

    Attributes
    ----------
    wave, use, algorithm
        The wave, what was clustered (``items`` or ``constructs``) and the method
        (``kmeans`` or ``gmm``).
    items, features
        The motivation items used, and the features clustered (items or constructs).
    k
        The number of segments (1 when the data show no cluster structure).
    structure
        Whether the answers are more clustered than an unclustered reference.
    chosen_automatically
        Whether k was chosen by the criteria (``k=None``).
    clarity, choice
        How clear the number of segments is (``clear``, ``moderate``, ``unclear``,
        ``fixed`` when k was given, ``none`` when there is no structure), in words.
    silhouette, stability
        Mean silhouette of the segmentation, and mean adjusted Rand index between it and
        the refits on bootstrap resamples (``nan`` for a single group).
    assignments
        Each respondent's segment name (index ``respondent_id``; respondents who answered
        fewer than two thirds of the items are left out).
    certainty
        Each respondent's assignment certainty (Gaussian mixture: posterior probability;
        k-means: share of bootstrap refits that put them in the same segment).
    profiles
        z-score per segment (rows) and item and construct (columns; items first):
        the segment's mean of the standardised scores, 0 = the organisation's mean.
    sizes
        Respondents per segment (segments withheld by the privacy guard are absent).
    segments
        One row per segment: ``segment``, ``n``, ``share``, ``share_low``, ``share_high``
        (Wilson 95% interval), ``uncertain`` (members with certainty below
        ``LOW_CERTAINTY``), ``mean_certainty``, ``high``, ``low`` (distinctive
        motivations), ``lead_with``, ``avoid``.
    criteria
        One row per candidate k: ``k``, ``silhouette``, ``bic``, ``stability``,
        ``reference`` (silhouette of the unclustered reference), ``reference_sd``,
        ``excess``, ``smallest``, ``admissible``, ``stable``, ``chosen``.
    spread
        Segment by group of each attribute: ``attribute``, ``group``, ``segment``, ``n``,
        ``share_of_group``, ``share_of_segment``; cells withheld by the guard are absent.
    shared_ground
        One row per item: ``item``, ``label``, ``construct``, ``lowest`` and ``highest``
        segment mean (reverse-coded scale), ``overall``, ``threshold``, ``shared``
        (rated high by every segment).
    projection
        ``respondent_id``, ``pc1``, ``pc2``, ``segment`` of the complete respondents.
    reference
        The structure test: ``p_value``, ``excess``, ``observed`` and ``reference`` best
        silhouettes.
    """

    key: ClassVar[str] = "segments"
    title: ClassVar[str] = "Frame segments"
    method: ClassVar[str] = (
        "Respondents are clustered on their motivation items (already reverse-coded), each "
        "standardised to mean 0 and SD 1 over the wave, or on construct scores (the mean of a "
        "construct's answered items, standardised). Respondents who answered fewer than two "
        "thirds of the items are left out; the models are fitted on the complete respondents "
        "and everyone else is assigned from the answers they gave (k-means: the nearest "
        "centre over the answered items; Gaussian mixture: the marginal density), so nothing "
        "is imputed. Methods: k-means (scikit-learn, k-means++ starts) or a Gaussian mixture "
        "with one covariance matrix shared by the segments (scikit-learn, covariance_type="
        "'tied'); above 20,000 respondents both start on a random subsample of 20,000 and are "
        "then refined on everyone. For k from 2 to 8, three criteria are shown side by side: the mean "
        "silhouette (Rousseeuw 1987; on a random subsample of 2,000 at large n), BIC (the "
        "mixture's; for k-means the X-means BIC of equal spherical Gaussians, Pelleg & Moore "
        "2000) and stability, the mean adjusted Rand index (Hubert & Arabie 1985) between the "
        "segmentation and refits on 20 bootstrap resamples (of at most 5,000 respondents). "
        "Whether there are segments at all is tested against an unclustered reference in the "
        "spirit of the gap statistic (Tibshirani, Walther & Hastie 2001) and SigClust (Liu et "
        "al. 2008): 20 samples from a Gaussian copula with the data's item distributions and "
        "correlations (one cloud, no groups; at most 1,000 rows each, against a subsample of "
        "the same size); segments are reported only when the best "
        "silhouette beats every-but-5% of the reference's best and exceeds its mean by at "
        "least 0.05. The number of segments is the k with the largest silhouette margin over "
        "the reference among the stable (stability >= 0.75) and admissible ones (every segment "
        "at least 3% of respondents and the privacy minimum); the choice is clear when "
        "silhouette and BIC agree with it. Assignment certainty: the posterior probability "
        "(mixture) or the share of bootstrap refits agreeing (k-means, labels matched by the "
        "Hungarian method); people below 0.8 are flagged as between segments, not forced. "
        "Segments are named after the constructs they rate distinctly high (z >= 0.25); the "
        "frame suggests leading with those and not with the lowest. Shared ground: items "
        "whose mean is in the top third of the scale in every segment. Shares carry a Wilson "
        "95% interval.")
    columns: ClassVar[tuple[str, ...]] = ("segment", "n", "share", "share_low", "share_high",
                                          "uncertain", "high", "low", "lead_with", "avoid")

    wave: str
    use: str
    algorithm: str
    items: tuple[str, ...]
    features: tuple[str, ...]
    k: int
    structure: bool
    chosen_automatically: bool
    clarity: str
    choice: str
    silhouette: float
    stability: float
    assignments: pd.Series
    certainty: pd.Series
    profiles: pd.DataFrame
    sizes: pd.Series
    segments: pd.DataFrame
    criteria: pd.DataFrame
    spread: pd.DataFrame
    shared_ground: pd.DataFrame
    projection: pd.DataFrame
    reference: Mapping[str, float]
    attributes: tuple[str, ...] = ()
    explained: tuple[float, float] = (float("nan"), float("nan"))
    _model: ClusterModel | None = field(default=None, repr=False)
    _standardise: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _names: tuple[str, ...] = field(default=(), repr=False)

    # ------------------------------------------------------------------ use
    @property
    def uncertain(self) -> list[str]:
        """Respondents whose assignment certainty is below ``LOW_CERTAINTY``."""
        return list(self.certainty.index[self.certainty < LOW_CERTAINTY])

    def assign(self, rows: pd.DataFrame) -> pd.Series:
        """Assign other survey rows (e.g. another wave) to these segments.

        The fitted standardisation and model are used as they are, so that a person who
        answers the same way lands in the same segment in any wave (movers can be found
        by comparing with :attr:`assignments`).

        Parameters
        ----------
        rows
            Survey rows with ``respondent_id`` and the item columns (as in
            ``Workbook.survey``: already reverse-coded), one row per respondent.

        Returns
        -------
        pandas.Series
            Segment name per ``respondent_id`` of the rows that answered at least two
            thirds of the items (the others are left out).

        Examples
        --------
        >>> from diagnostics import load
        >>> wb = load("data/sample")
        >>> seg = segment_frames(wb, k=5)
        >>> first = seg.assign(wb.responses(wb.waves[0]))
        >>> set(first) <= set(seg.assignments)
        True
        """
        missing = [i for i in self.items if i not in rows.columns]
        if missing or "respondent_id" not in rows.columns:
            raise ConfigError("rows must have respondent_id and the item columns; missing: "
                              f"{', '.join(missing) or 'respondent_id'}.")
        kept, _ = answered_enough(rows, self.items)
        ids = pd.Index(kept["respondent_id"].astype(str), name="respondent_id")
        if self._model is None or self._standardise is None:
            return pd.Series(self._names[0] if self._names else NO_SEGMENTS, index=ids,
                             name="segment", dtype=str)
        raw = _feature_matrix(kept, self.use, self.items, self._groups)
        if self.use == "items":
            keep = [self.items.index(f) for f in self.features]
        else:
            keep = [list(self._groups).index(f) for f in self.features]
        mean, sd = self._standardise
        z = (raw[:, keep] - mean) / sd
        labels = self._model.predict(z)
        names = np.asarray(self._names, dtype=object)[labels]
        return pd.Series(names, index=ids, name="segment").astype(str)

    # ------------------------------------------------------------------ views
    def to_frame(self) -> pd.DataFrame:
        return self.segments.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "segments": self.to_frame(),
            "segment_profiles": self.profiles.reset_index(),
            "segment_criteria": self.criteria.copy(),
            "segment_spread": self.spread.copy(),
            "shared_ground": self.shared_ground.copy(),
        }

    def figure(self) -> Any:
        from .plots.segments import profile_figure

        return profile_figure(self)

    def figures(self) -> dict[str, Any]:
        from .plots import segments as plots

        out = {"profiles": plots.profile_figure(self), "criteria": plots.criteria_figure(self),
               "sizes": plots.sizes_figure(self)}
        shown: list[str] = [a for a in ("department", "level", "location") if a in self.attributes]
        for attribute in shown or list(self.attributes[:1]):
            out[f"spread_{attribute}"] = plots.spread_figure(self, attribute)
        out["projection"] = plots.projection_figure(self)
        return out

    def to_json(self) -> dict[str, Any]:
        profiles = {str(seg): {str(c): float(v) for c, v in row.items() if np.isfinite(v)}
                    for seg, row in self.profiles.iterrows()}
        return jsonable({
            "k": int(self.k),
            "assignments": {str(i): str(s) for i, s in self.assignments.items()},
            "silhouette": self.silhouette, "stability": self.stability,
            "profiles": profiles, "sizes": {str(s): int(n) for s, n in self.sizes.items()},
            "structure": self.structure, "clarity": self.clarity,
            "chosen_automatically": self.chosen_automatically,
            "method": self.algorithm, "use": self.use, "wave": self.wave,
            "uncertain": self.uncertain,
            "criteria": self.criteria.to_dict(orient="records"),
            "frames": {str(r.segment): {"lead_with": r.lead_with, "avoid": r.avoid}
                       for r in self.segments.itertuples()},
            "shared_ground": list(self.shared_ground.loc[self.shared_ground["shared"], "item"]),
        })

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        total = int(self.assignments.size)
        if not self.structure and self.k == 1:
            found.append(Finding(
                headline=("People do not fall into distinct motivational groups: they differ "
                          "along a continuum."),
                meaning="One story, built on the ground everyone shares, fits better than "
                        "messages tailored to groups.",
                action="Frame the change once, around what everyone rates high.",
                statistics=(f"Test against an unclustered reference: p = "
                            f"{self.reference.get('p_value', float('nan')):.2f}."),
                figure="profiles", weight=0.7))
        elif not self.segments.empty:
            top = self.segments.iloc[0]
            asked = "" if self.chosen_automatically else " (the number of groups was set by hand)"
            found.append(Finding(
                headline=(f"People are moved by different things: {self.k} groups with their own "
                          f"motivation{asked}; the largest, “{top['segment']}”, holds "
                          f"{top['share']:.0%} of people."),
                value=f"{top['share']:.0%}",
                uncertainty=(f"the largest group holds "
                             f"{between(top['share_low'], top['share_high'])} of people"),
                meaning="One message will not move everyone; each group needs its own frame "
                        "for the change.",
                action=f"For “{top['segment']}”: {top['lead_with']}",
                statistics=(f"{self.k} segments ({self.choice}); stability {self.stability:.2f}, "
                            f"silhouette {self.silhouette:.2f}; 95% interval of the largest "
                            f"share {top['share_low']:.0%}-{top['share_high']:.0%} "
                            f"({int(top['n'])} of {total})."),
                figure="profiles", weight=0.85))
            n_unc = len(self.uncertain)
            if n_unc:
                found.append(Finding(
                    headline=(f"{count(n_unc, 'person')} ({n_unc / max(total, 1):.0%}) sit "
                              "between groups."),
                    value=f"{n_unc / max(total, 1):.0%}",
                    meaning="They respond to more than one frame.",
                    action="Reach them with the shared ground rather than a group's frame.",
                    statistics=f"Assignment certainty below {LOW_CERTAINTY:.1f}.",
                    figure="sizes", weight=0.3))
        shared = self.shared_ground[self.shared_ground["shared"]]
        if not shared.empty:
            names = "; ".join(f"“{r.label}”" for r in shared.head(3).itertuples())
            found.append(Finding(
                headline=f"Every group rates these high: {names}",
                value=f"{shared['lowest'].iloc[0]:.1f}",
                meaning="This is the shared ground a common story can stand on.",
                action="Build the change's common story on these motivations.",
                statistics="Lowest group mean of the top question.",
                figure="profiles", weight=0.6))
        elif not self.shared_ground.empty and self.k > 1:
            best = self.shared_ground.iloc[0]
            found.append(Finding(
                headline=("No motivation is rated high by every group; the nearest common "
                          f"ground is “{best['label']}”."),
                value=f"{best['lowest']:.1f}",
                meaning="A single shared appeal will not carry the change.",
                action="Plan one frame per group rather than one shared appeal.",
                statistics=(f"Lowest group mean {best['lowest']:.1f} (high: "
                            f"{best['threshold']:.1f} or more)."),
                figure="profiles", weight=0.5))
        return found


# --------------------------------------------------------------------------- building

def _segment_means(values: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """``(k, p)`` mean of each column per segment over answered values (nan when none)."""
    seen = ~np.isnan(values)
    onehot = (labels[None, :] == np.arange(k)[:, None]).astype(float)
    sums = onehot @ np.where(seen, values, 0.0)
    counts = onehot @ seen.astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / counts


def _standardised(values: np.ndarray) -> np.ndarray:
    mean = np.nanmean(values, axis=0)
    sd = np.nanstd(values, axis=0, ddof=1)
    sd = np.where(np.isfinite(sd) & (sd > 0), sd, 1.0)
    return (values - mean) / sd


def _names_for(construct_z: pd.DataFrame) -> list[str]:
    """A name per segment from its distinctly high constructs (unique within the set)."""
    names: list[str] = []
    for _, row in construct_z.iterrows():
        ordered = row.dropna().sort_values(ascending=False)
        if ordered.empty:
            names.append("Segment")
            continue
        top = ordered.index[0]
        if ordered.iloc[0] < _DISTINCT:
            if ordered.mean() <= -_DISTINCT:
                names.append("Less motivated across the board")
            elif (ordered >= _DISTINCT).all():
                names.append("Motivated across the board")
            else:
                names.append("Middle ground")
            continue
        name = _title(str(top))
        if len(ordered) > 1:
            second, z2 = ordered.index[1], ordered.iloc[1]
            if z2 >= 2 * _DISTINCT and z2 >= 0.6 * ordered.iloc[0]:
                name = f"{name} & {second}"
        names.append(name)
    # make names unique: add what the segment rates lowest, then a number
    for _ in range(2):
        seen: dict[str, int] = {}
        for n in names:
            seen[n] = seen.get(n, 0) + 1
        if all(v == 1 for v in seen.values()):
            break
        for i, (_, row) in enumerate(construct_z.iterrows()):
            if seen[names[i]] > 1:
                low = row.dropna().sort_values().index
                if len(low) and f", low {low[0]}" not in names[i]:
                    names[i] = f"{names[i]}, low {low[0]}"
    counts: dict[str, int] = {}
    unique = []
    for n in names:
        counts[n] = counts.get(n, 0) + 1
        unique.append(n if counts[n] == 1 else f"{n} ({counts[n]})")
    return unique


def _frames_for(construct_z: pd.DataFrame, item_z: pd.DataFrame,
                groups: Mapping[str, Sequence[str]], labels: Mapping[str, str]
                ) -> tuple[list[str], list[str], list[str], list[str]]:
    """(high, low, lead_with, avoid) text per segment, drawn from its profile."""
    high_l, low_l, lead_l, avoid_l = [], [], [], []
    for seg, row in construct_z.iterrows():
        ordered = row.dropna().sort_values(ascending=False)
        high = [c for c in ordered.index[:2] if ordered[c] >= _DISTINCT]
        low = [c for c in ordered.index[::-1][:2] if ordered[c] <= -_DISTINCT]
        high_l.append(", ".join(str(c) for c in high))
        low_l.append(", ".join(str(c) for c in low))
        if high:
            parts = []
            for c in high:
                members = [i for i in groups.get(c, (c,)) if i in item_z.columns]
                hook_item = (item_z.loc[seg, members].astype(float).idxmax() if members else c)
                short, lead = _phrase(str(c), labels.get(hook_item, str(hook_item)))
                parts.append(lead)
            lead_text = "Lead with " + "; and ".join(parts) + "."
        else:
            lead_text = ("Lead with the shared ground; no motivation stands out for this "
                         "segment.")
        if low:
            shorts = [_phrase(str(c), "")[0] for c in low]
            avoid_text = (f"Avoid leaning on {' or '.join(shorts)}: "
                          f"{'it matters' if len(low) == 1 else 'they matter'} least to this "
                          "segment.")
        else:
            avoid_text = "Nothing to avoid in particular: no motivation is distinctly low."
        lead_l.append(lead_text)
        avoid_l.append(avoid_text)
    return high_l, low_l, lead_l, avoid_l


def _guarded_spread(workbook: Workbook, rows: pd.DataFrame, seg: pd.Series,
                    visible: set[str]) -> tuple[pd.DataFrame, list[SuppressedGroup]]:
    """Segment x group counts per attribute, through the guard in both directions."""
    guard = workbook.guard
    frames: list[pd.DataFrame] = []
    withheld: list[SuppressedGroup] = []
    for attribute in workbook.attributes:
        values = rows[attribute].astype(object)
        known = values.notna().to_numpy()
        if not known.any():
            continue
        cells = (pd.DataFrame({"group": values[known].astype(str).to_numpy(),
                               "segment": seg.to_numpy()[known]})
                 .groupby(["group", "segment"]).size().rename("n").reset_index())
        group_n = cells.groupby("group")["n"].sum()
        seg_n = cells.groupby("segment")["n"].sum()
        groups = guard.apply(group_n.rename("n").reset_index(), by="group", n="n",
                             totals=int(known.sum()))
        withheld.extend(SuppressedGroup(attribute, s.group, s.reason) for s in groups.suppressed)
        shown_groups = set(groups.frame["group"])
        full = cells.copy()
        full["attribute"] = attribute
        in_segment = guard.apply(full, by="group", n="n", within="segment",
                                 totals=seg_n.to_dict())
        in_group = guard.apply(full, by="segment", n="n", within="group",
                               totals=group_n.to_dict())
        keep = (full.index.isin(in_segment.frame.index) & full.index.isin(in_group.frame.index)
                & full["group"].isin(shown_groups).to_numpy()
                & full["segment"].isin(visible).to_numpy())
        withheld.extend(SuppressedGroup(f"segment x {attribute}", f"{r.segment} / {r.group}",
                                        "a cell below the privacy minimum, or one that could "
                                        "be worked out from one") for r in full[~keep].itertuples()
                        if r.group in shown_groups)
        part = full[keep].copy()
        # (astype: an empty selection maps to the labels' text dtype)
        part["share_of_group"] = part["n"] / part["group"].map(group_n).astype(float)
        part["share_of_segment"] = part["n"] / part["segment"].map(seg_n).astype(float)
        frames.append(part[["attribute", "group", "segment", "n", "share_of_group",
                            "share_of_segment"]])
    cols = ["attribute", "group", "segment", "n", "share_of_group", "share_of_segment"]
    spread = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    return spread, withheld


def _build(search: SegmentSearch, k: int | None) -> Segmentation:
    data, sel, workbook = search.data, search.selection, search.workbook
    automatic = k is None
    book = workbook.codebook
    items = list(data.items)
    n = len(data.rows)
    notes: list[str] = [f"Wave {data.wave}; {n} respondents segmented on {len(data.features)} "
                        f"{'motivation items' if data.use == 'items' else 'construct scores'} "
                        f"({search.algorithm})."]
    warnings: list[str] = []
    if data.left_out:
        notes.append(f"{data.left_out} respondents answered fewer than two thirds of the "
                     "motivation items and were left out.")
    partial = int((~data.complete).sum())
    if partial:
        notes.append(f"{partial} respondents with some unanswered items were assigned from the "
                     "answers they gave (the models were fitted on the complete ones).")
    if data.dropped_features:
        notes.append(f"Left out for having no variance: {', '.join(data.dropped_features)}.")
    reference = {"p_value": sel.p_value, "excess": sel.excess, "observed": sel.observed_best,
                 "reference": float(np.mean(sel.reference_best)) if sel.reference_best.size
                 else float("nan")}
    if (automatic and sel.chosen is None) or k == 1:
        kk, model, labels = 1, single_group(len(data.features)), np.zeros(n, dtype=np.int64)
        certainty = np.ones(n)
        silhouette = stability = float("nan")
        if automatic:
            warnings.append("No distinct motivational segments: " + sel.choice)
    else:
        chosen = sel.chosen if automatic else k
        assert chosen is not None  # automatic without a choice is handled above
        kk = int(chosen)
        fit = sel.fits[kk]
        model, labels, certainty = fit.model, fit.labels, fit.certainty
        silhouette, stability = fit.silhouette, fit.stability
        if not sel.structure:
            warnings.append(f"The answers show no clear cluster structure; the {kk} segments "
                            "asked for cut a continuum rather than separate distinct groups. "
                            + sel.choice)
        elif automatic and sel.clarity == "unclear":
            warnings.append(f"The number of segments is not clear-cut: {sel.choice}")
    # profiles: z per item and per construct, segment means of the standardised scores
    raw_items = data.rows[items].to_numpy(dtype=float)
    item_z = _standardised(raw_items)
    construct_raw = _feature_matrix(data.rows, "constructs", items, data.groups
                                    if data.use == "constructs" else _groups(workbook, items))
    construct_names = list(data.groups if data.use == "constructs" else _groups(workbook, items))
    construct_z = _standardised(construct_raw)
    has_constructs = any(str(book.at[i, "construct"]) for i in items)
    z_items = pd.DataFrame(_segment_means(item_z, labels, kk), columns=items)
    z_constructs = pd.DataFrame(_segment_means(construct_z, labels, kk), columns=construct_names)
    naming = z_constructs if has_constructs else z_items
    names = ([NO_SEGMENTS] if kk == 1 and model.algorithm == "single" else _names_for(naming))
    z_items.index = z_constructs.index = pd.Index(names, name="segment")
    seg = pd.Series(np.asarray(names, dtype=object)[labels], index=pd.Index(
        data.ids, name="respondent_id"), name="segment").astype(str)
    cert = pd.Series(certainty, index=seg.index, name="certainty")
    # sizes and the guard
    counts = np.bincount(labels, minlength=kk)
    size_table = pd.DataFrame({"segment": names, "n": counts})
    guarded = workbook.guard.apply(size_table, by="segment", n="n", totals=n)
    visible = [s for s in names if s in set(guarded.frame["segment"])]
    suppressed = list(guarded.suppressed)
    high, low, lead, avoid = _frames_for(naming, z_items, data.groups if data.use == "constructs"
                                         else _groups(workbook, items),
                                         {i: str(book.at[i, "label"]) for i in items})
    low_cert = cert < LOW_CERTAINTY
    rows = []
    for j, name in enumerate(names):
        lo, hi = wilson_interval(int(counts[j]), n)
        member = labels == j
        rows.append({"segment": name, "n": int(counts[j]), "share": counts[j] / n,
                     "share_low": lo, "share_high": hi,
                     "uncertain": int(low_cert.to_numpy()[member].sum()),
                     "mean_certainty": float(certainty[member].mean()) if member.any() else
                     float("nan"), "high": high[j], "low": low[j], "lead_with": lead[j],
                     "avoid": avoid[j]})
    segments = pd.DataFrame(rows)
    segments = segments[segments["segment"].isin(visible)].reset_index(drop=True)
    profiles = pd.concat([z_items, z_constructs.drop(columns=[c for c in construct_names
                                                              if c in items])], axis=1)
    profiles = profiles.loc[visible]
    sizes = pd.Series(counts, index=pd.Index(names, name="segment"), name="n").loc[visible]
    if len(visible) < len(names):
        notes.append(f"{count(len(names) - len(visible), 'segment')} withheld by the privacy guard.")
    # where the segments sit
    spread, withheld = _guarded_spread(workbook, data.rows, seg, set(visible))
    suppressed.extend(withheld)
    # shared ground: items rated high (top third of the scale) by every visible segment
    means = pd.DataFrame(_segment_means(raw_items, labels, kk), columns=items,
                         index=pd.Index(names, name="segment")).loc[visible]
    lo_scale = book.loc[items, "scale_min"].to_numpy(dtype=float)
    hi_scale = book.loc[items, "scale_max"].to_numpy(dtype=float)
    threshold = hi_scale - (hi_scale - lo_scale) / 3
    shared = pd.DataFrame({
        "item": items, "label": [str(book.at[i, "label"]) for i in items],
        "construct": [str(book.at[i, "construct"]) for i in items],
        "lowest": means.min(axis=0).to_numpy(), "highest": means.max(axis=0).to_numpy(),
        "overall": np.nanmean(raw_items, axis=0), "threshold": threshold,
    })
    shared["shared"] = shared["lowest"] >= shared["threshold"]
    shared = shared.sort_values(["lowest", "item"], ascending=[False, True]).reset_index(drop=True)
    projection = search.projection.copy()
    projection["segment"] = projection["respondent_id"].map(seg)
    if kk > 1 and low_cert.any():
        notes.append(f"{int(low_cert.sum())} respondents have an assignment certainty below "
                     f"{LOW_CERTAINTY} (flagged as between segments; listed in `uncertain`).")
    if k == 1:
        choice = "k = 1 was given: everyone in one group."
    elif automatic:
        choice = sel.choice
    elif sel.clarity == "fixed" and "was given" in sel.choice:
        choice = (f"{kk} segments were asked for rather than chosen from the data"
                  + sel.choice.split("was given", 1)[1])
    elif sel.chosen == kk:
        choice = (f"{kk} segments were asked for, as many as the data support "
                  f"({sel.clarity} choice).")
    elif sel.chosen is None:
        choice = f"{kk} segments were asked for; the data show no distinct segments."
    else:
        choice = (f"{kk} segments were asked for; left to the data, the choice would be "
                  f"{sel.chosen} segments ({sel.clarity} choice).")
    notes.append(choice)
    return Segmentation(
        wave=data.wave, use=data.use, algorithm=search.algorithm, items=data.items,
        features=data.features, k=kk, structure=sel.structure, chosen_automatically=automatic,
        clarity=sel.clarity if automatic else ("none" if kk == 1 else "fixed"),
        choice=choice,
        silhouette=silhouette, stability=stability, assignments=seg,
        certainty=cert, profiles=profiles, sizes=sizes, segments=segments,
        criteria=sel.criteria.copy(), spread=spread, shared_ground=shared,
        projection=projection, reference=reference, attributes=workbook.attributes,
        explained=search.explained, _model=model if model.algorithm != "single" else None,
        _standardise=(data.mean, data.sd) if model.algorithm != "single" else None,
        _groups=data.groups if data.use == "constructs" else _groups(workbook, items),
        _names=tuple(names), suppressed=tuple(suppressed), notes=tuple(notes),
        warnings=tuple(warnings))


def segment_frames(workbook: Workbook, *, wave: str | None = None,
                   items: list[str] | None = None, use: str = "items",
                   method: str = "kmeans", k: int | None = None, seed: int = 0,
                   progress: bool = False,
                   random_state: int | None = None) -> Segmentation:
    """Motivational segments, the number the data support, and a frame for each.

    Parameters
    ----------
    workbook
        A loaded data folder.
    wave
        The wave (default: the latest, the current state).
    items
        The items to segment on (default: every motivation item of the codebook).
    use
        ``"items"`` (default): cluster the standardised items; ``"constructs"``: cluster
        the standardised construct scores (mean of a construct's answered items).
    method
        ``"kmeans"`` (default) or ``"gmm"`` (Gaussian mixture, shared covariance).
    k
        The number of segments; ``None`` (default) chooses it from 2 to 8, and reports no
        segments when the answers show no cluster structure; 1 puts everyone in one group.
    seed
        Seed of every random step (the same seed gives the same result).
    random_state
        Deprecated name of ``seed`` (kept for one release).
    progress
        Show a progress bar over the fits and resamples.

    Returns
    -------
    Segmentation
        ``to_frame()`` columns: ``segment``, ``n``, ``share``, ``share_low``,
        ``share_high``, ``uncertain``, ``mean_certainty``, ``high``, ``low``,
        ``lead_with``, ``avoid``. ``assignments`` maps ``respondent_id`` to segment name.

    Raises
    ------
    ConfigError
        For an unknown option value (named in the message).
    InsufficientDataError
        Fewer than two motivation items, or fewer than 30 complete respondents.

    Notes
    -----
    Rows are put in a canonical order (by respondent id) before anything random happens,
    so the segments do not depend on the order of the survey rows. The criteria by k,
    the unclustered-reference test and how each person is assigned are described in
    :attr:`Segmentation.method`. Read the profile heatmap row by row: blue motivations
    matter more to the segment than to the organisation on average, red ones less.

    References
    ----------
    Rousseeuw (1987), silhouettes. Hubert & Arabie (1985), adjusted Rand index. Pelleg &
    Moore (2000), X-means BIC. Tibshirani, Walther & Hastie (2001), the gap statistic.
    Liu, Hayes, Nobel & Marron (2008), SigClust. Lange, Roth, Braun & Buhmann (2004),
    stability-based validation of clusterings.

    Examples
    --------
    >>> from diagnostics import load
    >>> seg = segment_frames(load("data/sample"))
    >>> seg.k, seg.structure
    (5, True)
    >>> seg.sizes.index[0]
    'Purpose'
    """
    seed = renamed(seed, random_state, old="random_state", new="seed", where="segment_frames")
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer))
                          or k < 1):
        raise ConfigError(f"k must be a whole number from 2 to 8 (1: one group), or None, "
                          f"got {k!r}.")
    ks = K_RANGE if k is None else ((2,) if k == 1 else (int(k),))
    search = search_segments(workbook, wave=wave, items=items, use=use, method=method, ks=ks,
                             seed=seed, progress=progress)
    return search.segmentation(k)
