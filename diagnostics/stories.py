"""Storytelling is the glue: themes in the stories told top-down and bottom-up, and their overlap.

Themes are found with TF-IDF and non-negative matrix factorisation (NMF), both from
scikit-learn, with English and Dutch stop words left out. Each theme is named by its top
terms. The theme mix of each direction (stories from leaders, stories from the floor) is
the share of its stories whose main theme is each theme; the overlap of the two mixes says how
far top-down and bottom-up stories meet in the middle.

Story text is data: it is never evaluated, and it is escaped wherever it is shown.
Quotes are shown only for groups of authors at or above the free-text minimum of the
privacy guard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from ._compat import renamed
from .errors import ConfigError, InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .workbook import Workbook

if TYPE_CHECKING:
    from .segments import Segmentation

__all__ = ["StoryThemes", "story_themes", "fit_story_model", "StoryModel", "overlap_score",
           "DUTCH_STOP_WORDS", "STOP_WORDS", "DIRECTIONS"]

#: The two directions of ``stories.csv``.
DIRECTIONS: tuple[str, str] = ("top-down", "bottom-up")

#: Common Dutch function words (articles, pronouns, prepositions, conjunctions, auxiliaries
#: and frequent adverbs), written for this project; scikit-learn ships English only.
DUTCH_STOP_WORDS: frozenset[str] = frozenset("""
aan aangezien achter af al alle alleen allebei alles als alsnog altijd ander andere anders
bij bijna binnen boven buiten daar daarna daardoor daarom dan dat de deze die dit doch doen
door dus echter een eens eigen elk elke en enkel enkele er erg ergens even geen gehad geweest
graag had hadden hare heb hebben hebt heeft hem hen het hier hij hoe hoewel hun ieder iedere
iemand iets ik in inmiddels is ja je jij jou jouw jullie kan kon konden kunnen kunt maar
me meer men met mij mijn mocht mochten moet moeten mogen na naar naast net niet niets nog
nogal nu of om omdat onder ons onze ook op over per pas reeds rond sinds sommige steeds
te tegen ten ter terwijl toch toen tot tussen u uit uw van vanaf veel verder via voor vooral
vaak waar waarom wanneer want waren was wat we wel welk welke werd werden wie wij wil
willen wilt word worden wordt zal zelf zich zij zijn zo zoals zodat zonder zou zouden zullen
ze zeer zelfs hierbij daarbij wordt gaan gaat ging gingen komt kwam kwamen staat stond
""".split())


def _english() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


#: Stop words left out of the themes: scikit-learn's English list and the Dutch list.
STOP_WORDS: frozenset[str] = _english() | DUTCH_STOP_WORDS

#: Words: letters and digits, with inner hyphens or apostrophes (``near-miss``).
_TOKEN = r"(?u)\b\w[\w'-]*\w\b"

#: Themes tried when their number is chosen from the data.
MAX_THEMES: int = 10


def overlap_score(p: Any, q: Any) -> float:
    """One minus the Jensen-Shannon distance (base 2) of two distributions: 1 = the same
    mix, 0 = no theme in common.

    Examples
    --------
    >>> overlap_score([0.5, 0.5, 0], [0.5, 0.5, 0])
    1.0
    >>> overlap_score([1, 0], [0, 1])
    0.0
    """
    from scipy.spatial.distance import jensenshannon

    a = np.asarray(p, dtype=float)
    b = np.asarray(q, dtype=float)
    if a.sum() <= 0 or b.sum() <= 0:
        return math.nan
    return float(round(1.0 - jensenshannon(a / a.sum(), b / b.sum(), base=2), 12))


def _overlap_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """:func:`overlap_score` of each row of ``p`` with the same row of ``q`` (vectorised)."""
    p = p / p.sum(axis=1, keepdims=True)
    q = q / q.sum(axis=1, keepdims=True)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=1)
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=1)
    return 1.0 - np.sqrt(np.clip((kl_p + kl_q) / 2, 0.0, 1.0))


@dataclass(frozen=True, eq=False)
class StoryModel:
    """The fitted text model behind :class:`StoryThemes` (reused when only k changes).

    Attributes
    ----------
    stories
        The stories used (index reset), with ``story_id``, ``text``, ``direction`` and
        ``author_id`` when known.
    matrix
        The TF-IDF document-term matrix (sparse).
    vocabulary
        The terms, in the matrix's column order.
    selection
        ``k``, ``reconstruction_error``, ``gain`` (error removed by the k-th theme),
        ``elbow_ratio`` (this gain over the next one); the elbow is the largest ratio.
    """

    stories: pd.DataFrame
    matrix: Any
    vocabulary: np.ndarray
    selection: pd.DataFrame
    seed: int = 0
    _fits: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def suggested_k(self) -> int:
        """The number of themes at the elbow of the reconstruction error."""
        s = self.selection.dropna(subset=["elbow_ratio"])
        if s.empty:
            return int(self.selection["k"].min())
        return int(s.loc[s["elbow_ratio"].idxmax(), "k"])

    def fit(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Story x theme weights ``W`` and theme x term weights ``H`` for ``k`` themes (cached)."""
        if k not in self._fits:
            from sklearn.decomposition import NMF

            model = NMF(n_components=k, init="nndsvda", random_state=self.seed,
                        max_iter=500)
            w = model.fit_transform(self.matrix)
            self._fits[k] = (w, model.components_)
        return self._fits[k]


def fit_story_model(stories: pd.DataFrame, *, max_themes: int = MAX_THEMES, min_df: int | None = None,
                    seed: int = 0,
                    random_state: int | None = None) -> StoryModel:
    """Vectorise the stories (TF-IDF) and compute the elbow of NMF reconstruction error.

    Parameters
    ----------
    stories
        ``story_id``, ``text``, ``direction`` and optionally ``author_id``.
    max_themes
        Largest number of themes tried (at least 2).
    min_df
        Fewest stories a term must occur in; default 3 (2 under 100 stories).
    seed
        Seed of NMF.
    random_state
        Deprecated name of ``seed`` (kept for one release).

    Returns
    -------
    StoryModel

    Examples
    --------
    >>> from diagnostics import load
    >>> model = fit_story_model(load("data/sample").stories)
    >>> model.suggested_k
    6
    """
    seed = renamed(seed, random_state, old="random_state", new="seed", where="fit_story_model")
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    if isinstance(max_themes, bool) or not isinstance(max_themes, int) or max_themes < 2:
        raise ConfigError(f"max_themes must be a whole number of at least 2, got {max_themes!r}.")
    frame = stories.reset_index(drop=True)
    texts = frame["text"].astype(str).tolist()
    if min_df is None:
        min_df = 3 if len(texts) >= 100 else 2
    vectoriser = TfidfVectorizer(stop_words=sorted(STOP_WORDS), min_df=min_df, max_df=0.5,
                                 sublinear_tf=True, token_pattern=_TOKEN, lowercase=True,
                                 strip_accents=None)
    try:
        matrix = vectoriser.fit_transform(texts)
    except ValueError as err:  # every term pruned
        raise InsufficientDataError(f"the stories share too few words to find themes ({err})") from err
    vocabulary = np.asarray(vectoriser.get_feature_names_out())
    top = int(min(max_themes, matrix.shape[0] - 1, matrix.shape[1] - 1))
    if top < 2:
        raise InsufficientDataError("too few stories or words to find two themes")
    ks = list(range(1, top + 2)) if top + 1 <= min(matrix.shape) - 1 else list(range(1, top + 1))
    errors = []
    fits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k in ks:
        model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
        with np.errstate(invalid="ignore"):  # an exact fit rounds to a tiny negative residual
            fits[k] = (model.fit_transform(matrix), model.components_)
        residual = float(model.reconstruction_err_)
        errors.append(residual if np.isfinite(residual) else 0.0)
    error = np.asarray(errors)
    gain = np.r_[np.nan, error[:-1] - error[1:]]
    nxt = np.r_[gain[1:], np.nan]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(nxt > 0, gain / nxt, np.nan)
    selection = pd.DataFrame({"k": ks, "reconstruction_error": error, "gain": gain,
                              "elbow_ratio": ratio})
    selection = selection[(selection["k"] >= 2) & (selection["k"] <= top)].reset_index(drop=True)
    return StoryModel(stories=frame, matrix=matrix, vocabulary=vocabulary, selection=selection,
                      seed=seed, _fits=fits)


def _mix(weights: np.ndarray) -> np.ndarray:
    """Share of stories whose main theme (largest weight) is each theme; weightless rows left out."""
    keep = weights.sum(axis=1) > 0
    if not keep.any():
        return np.full(weights.shape[1], np.nan)
    main = weights[keep].argmax(axis=1)
    return np.bincount(main, minlength=weights.shape[1]) / int(keep.sum())


@dataclass(frozen=True)
class StoryThemes(DiagnosticResult):
    """Story themes, their mix per direction, the overlap, resonance per group and quotes.

    Attributes
    ----------
    themes
        One row per theme: ``theme`` (1..k), ``name`` (its top three terms), ``terms``
        (top terms, comma-separated), ``n_stories`` (stories whose main theme it is),
        ``share_top_down``, ``share_bottom_up`` (its share of each direction's mix).
    terms
        ``theme``, ``rank``, ``term``, ``weight``.
    mix
        ``direction``, ``theme``, ``name``, ``share``, ``ci_low``, ``ci_high``, ``stories``.
    overlap, overlap_ci
        1 - Jensen-Shannon distance between the directions' mixes, with a bootstrap interval.
    intersection
        Histogram intersection of the two mixes (the share of the mix they have in common).
    selection
        The elbow of the reconstruction error (see :class:`StoryModel`).
    n_themes, chosen_by
        Number of themes and how it was set (``"elbow"``, ``"option"``, ``"workbook.toml"``).
    resonance
        Per author group (through the guard): ``by``, ``group``, ``authors``, ``stories``,
        ``theme``, ``name``, ``share``, ``lift`` (share / the organisation's share).
    quotes
        Representative stories per theme and direction, only where the theme-direction
        cell has at least the free-text minimum of authors: ``theme``, ``name``,
        ``direction``, ``story_id``, ``weight``, ``text`` (raw text: escape it to show it).
    assigned
        Each story's main theme: ``story_id``, ``direction``, ``author`` (when known; a
        pseudonym unless names were asked for),
        ``theme`` (0 when the story has no term of the vocabulary), ``weight`` (the main
        theme's share of the story's theme weight).
    """

    key: ClassVar[str] = "stories"
    title: ClassVar[str] = "Story themes: top-down and bottom-up"
    method: ClassVar[str] = (
        "Stories are turned into TF-IDF vectors (scikit-learn; sublinear term frequency, terms "
        "in at least 3 stories and at most half of them, English and Dutch stop words left "
        "out) and factorised with non-negative matrix factorisation (NMF, nndsvda start; Lee & "
        "Seung 1999). The number of themes is the elbow of the reconstruction error for 2-10 "
        "themes (the k whose gain over k-1 most exceeds the gain of the next theme), unless "
        "set with story_themes in workbook.toml or the option. Each theme is named by its "
        "top terms. A direction's theme mix is the share of its stories whose main theme (the "
        "largest NMF weight) is each theme; the overlap score is 1 minus the Jensen-Shannon "
        "distance (base 2) between the top-down and bottom-up mixes: 1 when both directions "
        "tell the same themes in the same proportions, 0 when they share none; it is "
        "symmetric, bounded and a true distance underneath (Endres & Schindelin 2003). The "
        "histogram intersection (the share of the mix in common) is given beside it. "
        "Intervals are percentile bootstraps over stories. Resonance is a group's theme share "
        "over the organisation's, per group of authors (segments when known). Quotes are shown "
        "only for theme-direction cells with at least the free-text minimum of distinct "
        "authors; story text is escaped wherever shown and never evaluated.")
    columns: ClassVar[tuple[str, ...]] = ("theme", "name", "terms", "n_stories",
                                          "share_top_down", "share_bottom_up")

    themes: pd.DataFrame
    terms: pd.DataFrame
    mix: pd.DataFrame
    overlap: float
    overlap_ci: tuple[float, float]
    intersection: float
    selection: pd.DataFrame
    n_themes: int
    chosen_by: str
    resonance: pd.DataFrame
    quotes: pd.DataFrame
    assigned: pd.DataFrame
    confidence: float = 0.95

    def to_frame(self) -> pd.DataFrame:
        return self.themes.copy()

    def figure(self) -> Any:
        from .plots.stories import theme_mix_figure

        return theme_mix_figure(self)

    def quotations(self) -> list[tuple[str, str]]:
        """The most representative story of each theme (quotes passed the free-text minimum)."""
        if self.quotes is None or self.quotes.empty:
            return []
        q = self.quotes.sort_values(["weight", "theme"], ascending=[False, True],
                                    kind="stable").drop_duplicates("theme")
        return [(f"{r.name}, {r.direction}", str(r.text)) for r in q.itertuples()]

    def figures(self) -> dict[str, Any]:
        from .plots.stories import resonance_figure, theme_selection_figure

        out = {"themes": self.figure(), "theme_count": theme_selection_figure(self)}
        if not self.resonance.empty:
            out["resonance"] = resonance_figure(self)
        return out

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"story_themes": self.to_frame(), "story_terms": self.terms.copy(),
                "story_mix": self.mix.copy(), "story_resonance": self.resonance.copy(),
                "story_quotes": self.quotes.copy(), "story_theme_count": self.selection.copy(),
                "story_assignments": self.assigned.copy()}

    def to_json(self) -> dict[str, Any]:
        top = self.terms.groupby("theme")["term"].apply(list)
        themes = [{"theme": int(r.theme), "name": r.name, "terms": top[r.theme],
                   "n_stories": int(r.n_stories), "share_top_down": r.share_top_down,
                   "share_bottom_up": r.share_bottom_up} for r in self.themes.itertuples()]
        return jsonable({"themes": themes, "overlap": self.overlap,
                         "overlap_ci": list(self.overlap_ci), "intersection": self.intersection,
                         "n_themes": self.n_themes, "chosen_by": self.chosen_by})

    def findings(self) -> list[Finding]:
        level = f"{100 * self.confidence:.0f}%"
        if not np.isfinite(self.overlap):
            return [Finding("Stories came from one direction only, so top-down and bottom-up "
                            "cannot be compared.",
                            meaning="Only one side of the organisation was heard in the stories.",
                            action=("Collect stories from leaders and from the floor alike in "
                                    "the next round."),
                            weight=0.3)]
        t = self.themes
        td = t.sort_values("share_top_down", ascending=False).iloc[0]
        bu = t.sort_values("share_bottom_up", ascending=False).iloc[0]
        meet = ("meet in the middle" if self.overlap >= 0.7 else
                "partly meet" if self.overlap >= 0.4 else "largely talk past each other")
        low, high = self.overlap_ci
        return [Finding(
            f"Leaders' stories and the floor's stories {meet}: leaders mostly tell of "
            f"“{td['name']}” ({100 * td['share_top_down']:.0f}% of their stories), the floor "
            f"mostly of “{bu['name']}” ({100 * bu['share_bottom_up']:.0f}%); "
            f"{100 * self.intersection:.0f}% of the theme mix is shared.",
            f"{100 * self.intersection:.0f}%",
            meaning=("When leaders and staff tell different stories, the change message is not "
                     "landing." if self.overlap < 0.7 else
                     "Leaders and staff tell much the same story."),
            action=f"Have leaders speak to “{bu['name']}” in their own words.",
            statistics=f"Overlap {self.overlap:.2f} ({level} interval {low:.2f}-{high:.2f}).",
            figure="", weight=0.6)]


def _resolve_k(workbook: Workbook | None, model: StoryModel, n_themes: int | None) -> tuple[int, str]:
    top = int(model.selection["k"].max())
    if n_themes is not None:
        if isinstance(n_themes, bool) or not isinstance(n_themes, int | np.integer) or n_themes < 2:
            raise ConfigError(f"n_themes must be a whole number of at least 2, got {n_themes!r}.")
        if n_themes > top:
            raise ConfigError(f"n_themes is {n_themes}, but these stories allow at most {top} "
                              "themes.")
        return int(n_themes), "option"
    configured = None if workbook is None else getattr(workbook.config, "story_themes", None)
    if configured is not None:
        return int(min(max(configured, 2), top)), "workbook.toml"
    return model.suggested_k, "elbow"


def story_themes(workbook: Workbook, *, n_themes: int | None = None, top_terms: int = 10,
                 groups: pd.Series | None = None, by: str | None = None,
                 segments: Segmentation | None = None, quotes_per_theme: int = 2, confidence: float = 0.95, seed: int = 0,
                 resamples: int = 1000, model: StoryModel | None = None, names: bool = False,
                 progress: bool = False,
                 random_state: int | None = None) -> StoryThemes:
    """Themes in the stories, their mix per direction and how far the directions overlap.

    Parameters
    ----------
    workbook
        A loaded data folder with ``stories.csv``.
    n_themes
        Number of themes; default ``story_themes`` in workbook.toml, else the elbow of
        the NMF reconstruction error for 2-10 themes.
    top_terms
        Terms listed per theme.
    groups
        ``respondent_id`` -> group label for the resonance view (e.g. segment
        assignments); default the ``by`` attribute of the authors.
    by
        Attribute of the authors for the resonance view when ``groups`` is not given
        (default ``department`` when present). The name shown for ``groups`` too.
    segments
        The segmentation, when it ran: when neither ``groups`` nor ``by`` is given, the
        resonance view is by segment (its ``assignments``).
    quotes_per_theme
        Representative stories kept per theme and direction (0: none).
    confidence
        Coverage of the bootstrap intervals.
    seed
        Seed of NMF and of the bootstrap.
    random_state
        Deprecated name of ``seed`` (kept for one release).
    resamples
        Bootstrap resamples of the intervals.
    model
        A fitted :class:`StoryModel` to reuse (the notebook caches it).
    names
        Show story authors by their respondent id instead of a pseudonym.
    progress
        Show a progress bar over the bootstrap.

    Returns
    -------
    StoryThemes
        ``to_frame()`` columns: ``theme``, ``name``, ``terms``, ``n_stories``,
        ``share_top_down``, ``share_bottom_up``.

    Raises
    ------
    InsufficientDataError
        Without stories.csv, or with too few stories or shared words.
    ConfigError
        When an option is not valid.

    Notes
    -----
    Read the bars as each direction's theme mix. Themes told in both directions are
    where top and floor meet; an overlap near 1 means the same stories are told up and
    down the organisation, near 0 that they share no theme.

    References
    ----------
    Lee, D. D. & Seung, H. S. (1999). Learning the parts of objects by non-negative
    matrix factorization. Nature 401, 788-791. Endres, D. M. & Schindelin, J. E. (2003).
    A new metric for probability distributions. IEEE Trans. Inf. Theory 49, 1858-1860.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = story_themes(load("data/sample"))
    >>> result.n_themes, 0 <= result.overlap <= 1
    (6, True)
    """
    seed = renamed(seed, random_state, old="random_state", new="seed", where="story_themes")
    from tqdm.auto import tqdm

    stories = workbook.stories
    if stories is None or stories.empty:
        raise InsufficientDataError("no stories.csv in the data folder")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1, got {confidence!r}.")
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 10:
        raise ConfigError(f"resamples must be a whole number of at least 10, got {resamples!r}.")
    if isinstance(top_terms, bool) or not isinstance(top_terms, int) or top_terms < 1:
        raise ConfigError(f"top_terms must be a whole number of at least 1, got {top_terms!r}.")
    show_ids = bool(names)
    if model is None:
        model = fit_story_model(stories, seed=seed)
    k, chosen_by = _resolve_k(workbook, model, n_themes)
    w, h = model.fit(k)
    frame = model.stories
    vocab = model.vocabulary

    # themes named by their top terms, ordered by their total weight in the corpus
    order = np.argsort(-w.sum(axis=0), kind="stable")
    w, h = w[:, order], h[order]
    term_rows: list[dict[str, Any]] = []
    for t in range(k):
        idx = np.argsort(-h[t], kind="stable")[:top_terms]
        term_rows.extend({"theme": t + 1, "rank": r + 1, "term": str(vocab[i]),
                          "weight": float(h[t, i])} for r, i in enumerate(idx))
    terms = pd.DataFrame(term_rows)
    theme_names = {t: " / ".join(terms.loc[terms["theme"] == t, "term"].head(3)) for t in range(1, k + 1)}

    direction = frame["direction"].astype(str).to_numpy()
    main = w.argmax(axis=1) + 1
    has_weight = w.sum(axis=1) > 0
    rng = np.random.default_rng(seed)
    alpha = (1 - confidence) / 2
    mixes: dict[str, np.ndarray] = {}
    boots: dict[str, np.ndarray] = {}
    for d in tqdm(DIRECTIONS, disable=not progress, desc="bootstrap"):
        rows = w[(direction == d) & has_weight]
        if not len(rows):
            mixes[d] = np.full(k, np.nan)
            boots[d] = np.full((resamples, k), np.nan)
            continue
        normal = np.eye(k)[rows.argmax(axis=1)]  # each story counts for its main theme
        mixes[d] = normal.mean(axis=0)
        # each resample draws the direction's stories with replacement: counts x weights
        counts = rng.multinomial(len(rows), np.full(len(rows), 1 / len(rows)), size=resamples)
        boots[d] = counts @ normal / len(rows)
    mix_rows: list[dict[str, Any]] = []
    for d in DIRECTIONS:
        n_d = int(((direction == d) & has_weight).sum())
        low = np.quantile(boots[d], alpha, axis=0) if n_d else np.full(k, np.nan)
        high = np.quantile(boots[d], 1 - alpha, axis=0) if n_d else np.full(k, np.nan)
        mix_rows.extend({"direction": d, "theme": t + 1, "name": theme_names[t + 1],
                         "share": float(mixes[d][t]), "ci_low": float(low[t]),
                         "ci_high": float(high[t]), "stories": n_d} for t in range(k))
    mix = pd.DataFrame(mix_rows)
    both = all(np.isfinite(mixes[d]).all() for d in DIRECTIONS)
    overlap = overlap_score(mixes["top-down"], mixes["bottom-up"]) if both else math.nan
    intersection = float(np.minimum(mixes["top-down"], mixes["bottom-up"]).sum()) if both else math.nan
    if both:
        sims = _overlap_rows(boots["top-down"], boots["bottom-up"])
        overlap_ci = (float(np.nanquantile(sims, alpha)), float(np.nanquantile(sims, 1 - alpha)))
    else:
        overlap_ci = (math.nan, math.nan)

    themes = pd.DataFrame({
        "theme": range(1, k + 1), "name": [theme_names[t] for t in range(1, k + 1)],
        "terms": [", ".join(terms.loc[terms["theme"] == t, "term"]) for t in range(1, k + 1)],
        "n_stories": [int(((main == t) & has_weight).sum()) for t in range(1, k + 1)],
        "share_top_down": mixes["top-down"], "share_bottom_up": mixes["bottom-up"],
    })

    total = w.sum(axis=1)
    assigned = pd.DataFrame({
        "story_id": frame["story_id"].astype(str).to_numpy(), "direction": direction,
        "author": ([None if pd.isna(a) else (str(a) if show_ids else workbook.guard.pseudonym(a))
                    for a in frame["author_id"]] if "author_id" in frame else [None] * len(frame)),
        "theme": np.where(has_weight, main, 0),
        "weight": np.divide(w.max(axis=1), total, out=np.zeros(len(total)), where=total > 0),
    })
    guard = workbook.guard
    suppressed: list[SuppressedGroup] = []
    notes = [f"{len(frame)} stories; {k} themes ({chosen_by})."]
    authors = frame["author_id"].astype("string") if "author_id" in frame else None

    # quotes: representative stories per theme x direction, through the free-text guard
    quotes = pd.DataFrame(columns=["theme", "name", "direction", "story_id", "weight", "text"])
    if quotes_per_theme:
        share = np.divide(w, w.sum(axis=1, keepdims=True), out=np.zeros_like(w),
                          where=w.sum(axis=1, keepdims=True) > 0)
        cell = pd.DataFrame({"theme": main, "direction": direction, "row": np.arange(len(frame))})
        cell = cell[has_weight]
        if authors is not None and authors.notna().any():
            cell["who"] = authors.to_numpy()[cell["row"].to_numpy()]
            sizes = cell.groupby(["theme", "direction"])["who"].nunique().rename("n").reset_index()
            notes.append("Quotes: shown where a theme and direction has at least "
                         f"{guard.threshold(text=True)} distinct authors.")
        else:
            sizes = cell.groupby(["theme", "direction"]).size().rename("n").reset_index()
            notes.append("Quotes: authors unknown; shown where a theme and direction has at "
                         f"least {guard.threshold(text=True)} stories.")
        shown = guard.apply(sizes, by=["theme", "direction"], n="n", within="direction", text=True)
        suppressed.extend(SuppressedGroup("story theme x direction", s.group, s.reason)
                          for s in shown.suppressed)
        rows = []
        for t, d in shown.frame[["theme", "direction"]].itertuples(index=False):
            mine = cell[(cell["theme"] == t) & (cell["direction"] == d)]
            best = mine.assign(weight=share[mine["row"].to_numpy(), t - 1]).sort_values(
                ["weight", "row"], ascending=[False, True]).head(quotes_per_theme)
            rows.extend({"theme": int(t), "name": theme_names[int(t)], "direction": d,
                         "story_id": str(frame.at[r, "story_id"]), "weight": float(wt),
                         "text": str(frame.at[r, "text"])}
                        for r, wt in zip(best["row"], best["weight"], strict=True))
        if rows:
            quotes = pd.DataFrame(rows).sort_values(["theme", "direction", "weight"],
                                                    ascending=[True, False, False],
                                                    ignore_index=True)

    if segments is not None and groups is None and by is None and not segments.assignments.empty:
        groups, by = segments.assignments, "segment"
    # resonance: which themes each group of authors tells
    resonance = pd.DataFrame(columns=["by", "group", "authors", "stories", "theme", "name",
                                      "share", "lift"])
    if authors is not None and authors.notna().any():
        label = by
        if groups is None:
            people = workbook.people
            label = by or ("department" if "department" in workbook.attributes else
                           (workbook.attributes[0] if workbook.attributes else None))
            if label is not None and label not in workbook.attributes:
                raise ConfigError(f"by must be an attribute of the survey ({', '.join(workbook.attributes)}), "
                                  f"got {label!r}.")
            groups = people[label] if label is not None else None
        else:
            label = by or "segment"
        if groups is not None:
            g = pd.Series(groups).astype("string")
            g.index = g.index.astype(str)
            who = authors.to_numpy()
            group_of = g.reindex(pd.Index(who, dtype="string")).to_numpy()
            known = pd.notna(group_of) & has_weight
            table = pd.DataFrame({"group": group_of[known], "who": who[known]})
            sizes = table.groupby("group")["who"].nunique().rename("authors").reset_index()
            shown = guard.apply(sizes, by="group", n="authors",
                                totals=int(pd.Series(who[known]).nunique()))
            suppressed.extend(SuppressedGroup(f"authors by {label}", s.group, s.reason)
                              for s in shown.suppressed)
            overall = _mix(w[known])
            rows = []
            for group, n_auth in shown.frame[["group", "authors"]].itertuples(index=False):
                mask = known.copy()
                mask[known] = table["group"].to_numpy() == group
                m = _mix(w[mask])
                rows.extend({"by": label, "group": str(group), "authors": int(n_auth),
                             "stories": int(mask.sum()), "theme": t + 1, "name": theme_names[t + 1],
                             "share": float(m[t]),
                             "lift": float(m[t] / overall[t]) if overall[t] > 0 else math.nan}
                            for t in range(k))
            if rows:
                resonance = pd.DataFrame(rows)
    warnings = []
    if chosen_by == "elbow":
        s = model.selection.dropna(subset=["elbow_ratio"])
        if not s.empty and float(s["elbow_ratio"].max()) < 1.5:
            warnings.append("the number of story themes is not clear from the data (no marked "
                            "elbow); set story_themes in workbook.toml to fix it.")
    return StoryThemes(themes=themes, terms=terms, mix=mix, overlap=overlap,
                       overlap_ci=overlap_ci, intersection=intersection,
                       selection=model.selection.assign(chosen=model.selection["k"] == k),
                       n_themes=k, chosen_by=chosen_by, resonance=resonance, quotes=quotes,
                       assigned=assigned,
                       confidence=confidence, suppressed=tuple(suppressed), notes=tuple(notes),
                       warnings=tuple(warnings))
