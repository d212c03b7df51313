"""Non-negotiable behaviours: do they hold everywhere? The weakest links, the glue, the say-do gap.

The seeds ask to accept diversity but to define a few non-negotiables: behaviours that
must hold in every part of the organisation, the glue of the movement. This module
measures, for every behaviour item, how far it holds overall and in every group
(department, level, location, and segment or tribe when those diagnostics ran), which
groups fall significantly below the rest (the weakest links), and the share of groups
that hold every non-negotiable (the glue index). The other behaviours get the same
figures, for contrast: little spread where a behaviour must hold, diversity elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from .comparisons import (
    adjust_pvalues,
    check_test_options,
    mean_interval,
    newcombe_interval,
    two_proportion_test,
    welch_test,
    wilson_interval,
)
from .errors import ConfigError, InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .words import between, count
from .workbook import Workbook, answered_enough

if TYPE_CHECKING:
    from .network import Tribes
    from .segments import Segmentation

__all__ = ["NonNegotiables", "non_negotiables", "say_do_pairs", "favourable_threshold",
           "MEASURES"]

#: What adherence means: the share of favourable answers, or the mean answer.
MEASURES: tuple[str, ...] = ("share", "mean")

_GROUP_COLUMNS: tuple[str, ...] = (
    "item", "label", "non_negotiable", "grouping", "group", "n", "mean", "sd", "mean_low",
    "mean_high", "share", "share_low", "share_high", "adherence", "adherence_low",
    "adherence_high", "rest_n", "rest_adherence", "difference", "difference_low",
    "difference_high", "p", "p_adjusted", "weak", "p_standard", "p_standard_adjusted",
    "below_standard", "holds",
)


def favourable_threshold(workbook: Workbook, item: str, favourable: int = 2) -> float:
    """The lowest answer that counts as favourable: one of the top ``favourable`` answers.

    Answers are already reverse-coded, so higher is always the more favourable.

    Examples
    --------
    >>> from diagnostics import load
    >>> favourable_threshold(load("data/sample"), "b01")
    4.0
    """
    return float(workbook.codebook.at[item, "scale_max"]) - favourable + 1


def say_do_pairs(workbook: Workbook) -> list[tuple[str, str]]:
    """The (importance item, practice item) pairs the codebook declares (``importance_of``).

    Examples
    --------
    >>> from diagnostics import load
    >>> say_do_pairs(load("data/sample"))
    [('i01', 'b05'), ('i02', 'b06'), ('i03', 'b07')]
    """
    book = workbook.codebook
    if "importance_of" not in book.columns:
        return []
    target = book["importance_of"].astype(object).where(book["importance_of"].notna(), "")
    return [(str(i), str(t)) for i, t in target.items()
            if str(t).strip() and str(t).strip() in book.index and str(t).strip() != i]


@dataclass(frozen=True)
class NonNegotiables(DiagnosticResult):
    """Adherence to every behaviour, overall and per group; weakest links; glue index.

    Attributes
    ----------
    wave
        The wave analysed.
    measure
        ``"share"`` (adherence = share of favourable answers) or ``"mean"``.
    favourable
        An answer in the top ``favourable`` answers of its scale counts as favourable.
    standard
        The settable standard a group must reach (in the unit of ``measure``), or None.
    alpha, correction
        The significance level and the multiple-comparison correction of the flags.
    groupings
        The groupings compared (attributes, then ``segment`` / ``tribe`` when given).
    overall
        One row per behaviour item: ``item``, ``label``, ``non_negotiable``, ``n``,
        ``mean`` (with ``mean_low``/``mean_high``), ``share`` (with ``share_low``/
        ``share_high``), ``adherence`` (the chosen measure), ``spread`` (the standard
        deviation of the group adherence beyond sampling noise, averaged over the
        groupings), ``spread_raw`` (the plain standard deviation of the group figures),
        ``spread_by`` (``spread`` per grouping, a dict), ``weak_groups`` (count).
    groups
        One row per item x grouping x group shown (see ``columns``).
    glue
        One row per grouping: ``grouping``, ``groups`` (shown for every non-negotiable),
        ``holding`` (holding all of them), ``glue``.
    glue_index
        The share of all groups shown that hold every non-negotiable.
    say_do
        One row per importance-practice pair (and per group when ``grouping`` is not
        ``"organisation"``): ``importance_item``, ``practice_item``, ``grouping``,
        ``group``, ``n``, ``importance``, ``practice``, ``gap``, ``gap_low``, ``gap_high``,
        ``p``, ``unit``.
    n_respondents
        Respondents of the wave who answered enough of the behaviour items.
    """

    key: ClassVar[str] = "non_negotiables"
    title: ClassVar[str] = "Non-negotiable behaviours"
    method: ClassVar[str] = (
        "Adherence to a behaviour is the share of favourable answers (one of the top two "
        "answers of its scale, after reverse-coding) with a Wilson 95% interval, or the mean "
        "answer with a t interval. Each group (department, level, location, and segment or "
        "tribe when those ran) is compared with the rest of the organisation: a one-sided "
        "pooled two-proportion z-test (Welch's t-test for means), with Newcombe's interval "
        "for the difference. A group is a weakest link only when it is below the rest after "
        "Holm's correction over all group x non-negotiable tests (the other behaviours form "
        "their own family); with a standard set, also when a one-sided exact binomial test "
        "(t-test for means) puts it below the standard after the same correction (the standard "
        "applies to non-negotiables only). Groups withheld by the privacy guard for one "
        "behaviour are withheld for all, so each grouping shows one set of groups. A group "
        "holds a non-negotiable when it is neither; the glue index is the share of the "
        "groups shown that hold every non-negotiable. Spread is the standard deviation of the "
        "group adherence within a grouping beyond what sampling noise explains (the "
        "DerSimonian-Laird between-group estimate, groups weighted by size), averaged over "
        "the groupings. The say-do gap is "
        "the mean of importance minus practice over respondents who answered both, with a "
        "paired t interval. Groups below the privacy minimum, or whose rest is below it, "
        "are withheld before any figure is computed for them.")
    columns: ClassVar[tuple[str, ...]] = _GROUP_COLUMNS

    wave: str
    measure: str
    favourable: int
    standard: float | None
    alpha: float
    correction: str
    groupings: tuple[str, ...]
    overall: pd.DataFrame
    groups: pd.DataFrame
    glue: pd.DataFrame
    glue_index: float
    say_do: pd.DataFrame
    n_respondents: int

    # ------------------------------------------------------------------ views
    @property
    def items(self) -> list[str]:
        """The non-negotiable items."""
        return list(self.overall.loc[self.overall["non_negotiable"], "item"])

    @property
    def other_items(self) -> list[str]:
        """The other behaviour items (the contrast)."""
        return list(self.overall.loc[~self.overall["non_negotiable"], "item"])

    def weakest_links(self, *, non_negotiable: bool = True) -> pd.DataFrame:
        """The flagged groups (weak or below the standard), lowest adherence first."""
        g = self.groups
        flagged = g[(g["weak"] | g["below_standard"]) & (g["non_negotiable"] == non_negotiable)]
        return flagged.sort_values(["adherence", "item"], kind="stable").reset_index(drop=True)

    def lowest_groups(self, *, non_negotiable: bool = True) -> pd.DataFrame:
        """Per item the flagged groups, or else its lowest group (for the weakest-links view)."""
        g = self.groups[self.groups["non_negotiable"] == non_negotiable]
        parts = []
        for _, part in g.groupby("item", sort=False):
            flagged = part[part["weak"] | part["below_standard"]]
            parts.append(flagged if len(flagged) else part.nsmallest(1, "adherence"))
        if not parts:
            return g.iloc[0:0]
        return pd.concat(parts).sort_values("adherence", kind="stable").reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        return self.groups.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        overall = self.overall.copy()
        overall["spread_by"] = overall["spread_by"].map(
            lambda d: "; ".join(f"{k}: {v:.3f}" for k, v in d.items()))
        return {"adherence overall": overall, "adherence by group": self.to_frame(),
                "glue": self.glue.copy(), "say-do gap": self.say_do.copy()}

    def figure(self, grouping: str | None = None) -> Any:
        from .plots.behaviours import heatmap_figure

        return heatmap_figure(self, grouping=grouping)

    def figures(self) -> dict[str, Any]:
        from .plots.behaviours import (
            glue_figure,
            heatmap_figure,
            say_do_figure,
            spread_figure,
            weakest_links_figure,
        )

        figs = {f"heatmap {g}": heatmap_figure(self, grouping=g) for g in self.groupings}
        figs["glue"] = glue_figure(self)
        figs["weakest links"] = weakest_links_figure(self)
        figs["spread"] = spread_figure(self)
        if not self.say_do.empty:
            figs["say-do gap"] = say_do_figure(self)
        return figs

    def _items_json(self, non_negotiable: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for _, row in self.overall[self.overall["non_negotiable"] == non_negotiable].iterrows():
            part = self.groups[self.groups["item"] == row["item"]]
            flagged = part[part["weak"] | part["below_standard"]].sort_values("adherence")
            out[row["item"]] = {
                "adherence": row["adherence"], "mean": row["mean"], "share": row["share"],
                "ci_low": row["adherence_low"], "ci_high": row["adherence_high"],
                "n": row["n"], "spread": row["spread"], "spread_by": row["spread_by"],
                "weakest_groups": [str(g) for g in flagged["group"]],
                "weakest_links": [
                    {"grouping": r["grouping"], "group": str(r["group"]),
                     "adherence": r["adherence"], "ci_low": r["adherence_low"],
                     "ci_high": r["adherence_high"], "rest_adherence": r["rest_adherence"],
                     "p_adjusted": r["p_adjusted"], "weak": r["weak"],
                     "below_standard": r["below_standard"]}
                    for _, r in flagged.iterrows()],
            }
        return out

    def to_json(self) -> dict[str, Any]:
        say_do = self.say_do[self.say_do["grouping"] == "organisation"]
        return jsonable({
            "items": self._items_json(True),
            "glue_index": self.glue_index,
            "glue_by": {r["grouping"]: r["glue"] for _, r in self.glue.iterrows()},
            "other_behaviours": self._items_json(False),
            "say_do_gaps": {r["importance_item"]: {
                "practice_item": r["practice_item"], "gap": r["gap"], "ci_low": r["gap_low"],
                "ci_high": r["gap_high"], "p": r["p"], "n": r["n"]}
                for _, r in say_do.iterrows()},
            "wave": self.wave, "measure": self.measure, "favourable": self.favourable,
            "standard": self.standard, "alpha": self.alpha, "correction": self.correction,
            "groupings": list(self.groupings),
        })

    # ------------------------------------------------------------------ findings
    def _fmt(self, value: float) -> str:
        return f"{value:.0%}" if self.measure == "share" else f"{value:.2f}"

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        share = self.measure == "share"
        weak = self.weakest_links()
        level = "favourable answers" if share else "the average answer"
        if len(weak):
            w = weak.iloc[0]
            where = f"{w['group']} ({w['grouping']})"
            p_adj = w.get("p_adjusted", float("nan"))
            found.append(Finding(
                headline=(f"“{w['label']}”: {self._fmt(w['adherence'])} {level} in {where}, "
                          f"against {self._fmt(w['rest_adherence'])} in the rest of the "
                          "organisation."),
                value=self._fmt(w["adherence"]),
                uncertainty=(f"{w['group']} lies {between(w['adherence_low'], w['adherence_high'], share=share, digits=0 if share else 2)}: "
                             "clearly lower than the rest"),
                meaning=(f"A non-negotiable behaviour has to hold everywhere; this is the weakest "
                         f"link of {count(len(weak), 'weak link')} found, where the change is "
                         "most likely to break."),
                action=(f"Ask the leaders of {w['group']} what gets in the way of this behaviour "
                        "and agree one visible step with them for the next month."),
                statistics=(f"{round(100 * getattr(self, 'confidence', 0.95))}% interval {self._fmt(w['adherence_low'])}-"
                            f"{self._fmt(w['adherence_high'])}; {self.correction}-adjusted "
                            f"p = {p_adj:.2g} for the difference from the rest."),
                figure="weakest links", weight=0.9))
        elif len(self.groups):
            low = self.lowest_groups()
            if len(low):
                w = low.iloc[0]
                found.append(Finding(
                    headline=("No group falls clearly below the rest on any non-negotiable "
                              f"behaviour; the lowest is “{w['label']}” in {w['group']} "
                              f"({w['grouping']}), at {self._fmt(w['adherence'])}."),
                    value=self._fmt(w["adherence"]),
                    uncertainty=between(w["adherence_low"], w["adherence_high"], share=share,
                                        digits=0 if share else 2),
                    meaning="The behaviours that should bind everyone hold across the groups.",
                    action="Keep them visible; check this lowest group again in the next wave.",
                    figure="weakest links", weight=0.6))
        if np.isfinite(self.glue_index):
            total = int(self.glue["groups"].sum())
            found.append(Finding(
                headline=(f"{self.glue_index:.0%} of the {total} groups hold every non-negotiable "
                          "behaviour: none falls clearly below the rest"
                          + (" or below the standard" if self.standard is not None else "") + "."),
                value=f"{self.glue_index:.0%}",
                meaning=("This glue index tells how far the behaviours meant to bind everyone "
                         "do so in every part of the organisation."),
                action="Start with the groups that miss one or more of them (the glue chart).",
                statistics=f"{self.correction}-adjusted tests at the {self.alpha:g} level.",
                figure="glue", weight=0.8))
        nn = self.overall[self.overall["non_negotiable"]]["spread"].mean()
        other = self.overall[~self.overall["non_negotiable"]]["spread"].mean()
        if np.isfinite(nn) and np.isfinite(other):
            if self._fmt(nn) == self._fmt(other) or abs(nn - other) < 0.1 * max(nn, other):
                head = ("The non-negotiable behaviours differ between groups about as much as "
                        "the other behaviours do.")
                weight = 0.3
            else:
                how = "less" if nn < other else "more"
                head = (f"The non-negotiable behaviours differ {how} between groups than the "
                        f"other behaviours do (a typical spread of {self._fmt(nn)} against "
                        f"{self._fmt(other)}).")
                weight = 0.45
            found.append(Finding(
                headline=head, value=self._fmt(nn),
                meaning=("Non-negotiables should be the most even behaviours; a wide spread "
                         "means some groups live them and others do not."),
                statistics="Spread: standard deviation of the groups' adherence.",
                figure="spread", weight=weight))
        org = self.say_do[self.say_do["grouping"] == "organisation"]
        if len(org):
            top = org.loc[org["gap"].abs().idxmax()]
            labels = self.overall.set_index("item")["label"]
            practice = labels.get(top["practice_item"], top["practice_item"])
            found.append(Finding(
                headline=(f"People rate “{practice}” as more important than it is in practice, "
                          f"by {abs(top['gap']):.2f} {top['unit']}."
                          if top["gap"] > 0 else
                          f"“{practice}” happens more in practice than people rate its "
                          f"importance, by {abs(top['gap']):.2f} {top['unit']}."),
                value=f"{top['gap']:+.2f}",
                uncertainty=between(top["gap_low"], top["gap_high"], share=False, digits=2),
                meaning="A gap between what people value and what they see is where "
                        "credibility is lost.",
                action="Make this behaviour visible in leaders' own routines first.",
                statistics=f"95% interval {top['gap_low']:+.2f} to {top['gap_high']:+.2f}.",
                figure="say-do gap", weight=0.6))
        return found


def _short(text: str, n: int = 60) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 3] + "..."


# =========================================================================== computation

def _group_labels(workbook: Workbook, rows: pd.DataFrame, by: Sequence[str],
                  groupings: Mapping[str, pd.Series]) -> dict[str, pd.Series]:
    labels: dict[str, pd.Series] = {}
    for attribute in by:
        labels[attribute] = rows[attribute].astype(object).where(rows[attribute].notna(), None)
    for name, series in groupings.items():
        mapping = pd.Series(series).dropna()
        mapping.index = mapping.index.astype(str)
        mapping = mapping.astype(str)
        labels[name] = rows["respondent_id"].map(mapping).astype(object)
    return labels


def _item_group_stats(values: np.ndarray, threshold: float, codes: np.ndarray,
                      names: np.ndarray) -> tuple[pd.DataFrame, dict[str, float]]:
    """Per group of one grouping: answers ``n``, sum ``s``, sum of squares ``s2``, favourable ``k``.

    ``codes`` are the group numbers of the respondents (-1: in no group), ``names`` the groups.
    """
    answered = ~np.isnan(values)
    v = values[answered]
    fav = (v >= threshold).astype(float)
    total = {"n": float(answered.sum()), "s": float(v.sum()), "s2": float((v**2).sum()),
             "k": float(fav.sum())}
    c = codes[answered]
    inside = c >= 0
    c, v, fav = c[inside], v[inside], fav[inside]
    size = len(names)
    agg = pd.DataFrame({"group": names, "n": np.bincount(c, minlength=size),
                        "s": np.bincount(c, weights=v, minlength=size),
                        "s2": np.bincount(c, weights=v**2, minlength=size),
                        "k": np.bincount(c, weights=fav, minlength=size)})
    return agg[agg["n"] > 0].reset_index(drop=True), total


def _codes(label: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, names = pd.factorize(label, sort=True, use_na_sentinel=True)
    return np.asarray(codes), np.asarray(names, dtype=object)


def non_negotiables(
    workbook: Workbook,
    *,
    wave: str | None = None,
    by: Sequence[str] | None = None,
    groupings: Mapping[str, pd.Series] | None = None,
    segments: Segmentation | None = None,
    tribes: Tribes | None = None,
    measure: str = "share",
    favourable: int = 2,
    standard: float | None = None,
    alpha: float = 0.05,
    correction: str = "holm",
    confidence: float = 0.95,
) -> NonNegotiables:
    """Adherence to each behaviour overall and per group; weakest links; glue index; say-do gap.

    Parameters
    ----------
    workbook
        A loaded data folder with behaviour items (at least one flagged non-negotiable).
    wave
        The wave to analyse (default: the latest).
    by
        Attributes to group by (default: every attribute of the survey).
    groupings
        Further groupings by name, each a Series respondent_id -> label (e.g. the
        ``assignments`` of the segments or tribes).
    segments, tribes
        The segmentation and the informal tribes, when they ran: each adds its
        ``assignments`` as the grouping ``segment`` or ``tribe`` (unless the survey has an
        attribute, or ``groupings`` a grouping, of that name).
    measure
        ``"share"`` (default): adherence is the share of favourable answers; ``"mean"``:
        the mean answer. Tests and the standard use the same measure.
    favourable
        An answer among the top ``favourable`` answers of the item's scale is favourable
        (default 2: top-2 box, e.g. 4 or 5 on a 1-5 scale).
    standard
        A group is also a weakest link of a non-negotiable when it is significantly below
        this standard (a share between 0 and 1, or a mean on the scale). None: no standard.
    alpha
        Significance level of the flags after correction.
    correction
        ``"holm"`` (default), ``"fdr_bh"``, ``"bonferroni"`` or ``"none"``: over all
        group x non-negotiable tests (the other behaviours form their own family).
    confidence
        Of every interval.

    Returns
    -------
    NonNegotiables
        ``to_frame()``: one row per item x grouping x group shown, with the columns
        ``item``, ``label``, ``non_negotiable``, ``grouping``, ``group``, ``n``, ``mean``,
        ``sd`` (``mean_low``, ``mean_high``), ``share`` (``share_low``, ``share_high``),
        ``adherence`` (``adherence_low``, ``adherence_high``), ``rest_n``,
        ``rest_adherence``, ``difference`` (group minus rest, with ``difference_low``,
        ``difference_high``), ``p`` (one-sided, group below the rest), ``p_adjusted``,
        ``weak``, ``p_standard``, ``p_standard_adjusted``, ``below_standard``, ``holds``.

    Raises
    ------
    InsufficientDataError
        No behaviour items, none flagged non-negotiable, or too few respondents.
    ConfigError
        An unknown attribute, measure or correction, or a standard outside its range.

    Notes
    -----
    Read the heatmap row by row: a non-negotiable should be uniformly high; a cell marked
    as a weak link is a group significantly below the rest of the organisation, beyond
    what chance differences between groups of its size explain after correcting for the
    many groups and items compared. Groups too small to show, and groups whose rest of
    the organisation is too small (which would reveal it by subtraction), are withheld.

    References
    ----------
    Newcombe, R. G. (1998). Interval estimation for the difference between independent
    proportions. *Statistics in Medicine*, 17, 873-890. Holm, S. (1979). A simple
    sequentially rejective multiple test procedure. *Scandinavian Journal of Statistics*,
    6, 65-70. Wilson, E. B. (1927). Probable inference. *JASA*, 22, 209-212.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = non_negotiables(load("data/sample"))
    >>> sorted(result.weakest_links()[["item", "group"]].itertuples(index=False, name=None))
    [('b01', 'Operations'), ('b02', 'Eindhoven'), ('b04', 'Sales')]
    >>> "Legal" in set(result.to_frame()["group"])
    False
    """
    groupings = _with_results(workbook, groupings, segment=segments, tribe=tribes)
    if measure not in MEASURES:
        raise ConfigError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}.")
    check_test_options(correction=correction, alpha=alpha, favourable=favourable)
    behaviours = workbook.items_of("behaviour")
    nn_items = workbook.non_negotiables
    if not behaviours:
        raise InsufficientDataError("the codebook has no behaviour items.")
    if not nn_items:
        raise InsufficientDataError("no behaviour item is flagged non_negotiable in codebook.csv.")
    if standard is not None:
        low, high = (0.0, 1.0) if measure == "share" else (
            float(workbook.codebook.loc[behaviours, "scale_min"].min()),
            float(workbook.codebook.loc[behaviours, "scale_max"].max()))
        if not low < float(standard) < high:
            raise ConfigError(f"standard must lie between {low:g} and {high:g} for measure "
                              f"{measure!r}, got {standard!r}.")
        standard = float(standard)
    by = list(workbook.attributes) if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [b for b in by if b not in workbook.attributes]
    if unknown:
        raise ConfigError(f"by: {', '.join(map(repr, unknown))} is not an attribute of the survey; "
                          f"attributes: {', '.join(workbook.attributes) or 'none'}.")
    groupings = dict(groupings or {})
    clash = [g for g in groupings if g in by]
    if clash:
        raise ConfigError(f"groupings: {', '.join(clash)} is already an attribute grouping.")
    wave = workbook.latest_wave if wave is None else str(wave)
    pairs = say_do_pairs(workbook)
    needed = list(dict.fromkeys([*behaviours, *[i for i, _ in pairs], *[b for _, b in pairs]]))
    enough, dropped = answered_enough(workbook.responses(wave), needed)
    if len(enough) < 2 * workbook.guard.min_group_size:
        raise InsufficientDataError(
            f"only {len(enough)} respondents of wave {wave} answered enough behaviour items.")
    # Each question's figures use everyone of the wave who answered it (the loader's
    # missing-answer policy), as every other diagnostic does: a group's answers to one
    # question are then shown over one set of people throughout the report, never over
    # two sets a few people apart (which would give those few people's answers away).
    answered = workbook.responses(wave)
    rows = answered[answered[behaviours].notna().any(axis=1)].reset_index(drop=True)
    labels = _group_labels(workbook, rows, by, groupings)
    guard = workbook.guard

    records: list[pd.DataFrame] = []
    overall_rows: list[dict[str, Any]] = []
    suppressed: dict[tuple[str, str, str], SuppressedGroup] = {}
    coded = {name: _codes(label) for name, label in labels.items()}
    # groups withheld on their respondents are withheld for every item; each item's own
    # answer counts can withhold more (then for every item too, below)
    withheld: dict[str, set[str]] = {}
    for name, (codes, names) in coded.items():
        sizes = pd.Series(np.bincount(codes[codes >= 0], minlength=len(names)), index=names)
        _, reasons = guard.visible_mask(sizes[sizes > 0], total=len(rows))
        withheld[name] = {str(g) for g in reasons}
        for group, reason in reasons.items():
            suppressed[(name, str(group), reason)] = SuppressedGroup(name, str(group), reason)
    for item in behaviours:
        threshold = favourable_threshold(workbook, item, favourable)
        values = rows[item].to_numpy(dtype=float)
        v = values[~np.isnan(values)]
        n_all, k_all = len(v), float((v >= threshold).sum())
        m_all = float(v.mean()) if n_all else np.nan
        sd_all = float(v.std(ddof=1)) if n_all > 1 else np.nan
        ml, mh = mean_interval(m_all, sd_all, n_all, confidence=confidence)
        sl, sh = wilson_interval(k_all, n_all, confidence=confidence)
        share = k_all / n_all if n_all else np.nan
        overall_rows.append({
            "item": item, "label": str(workbook.codebook.at[item, "label"]),
            "non_negotiable": item in nn_items, "n": n_all, "mean": m_all,
            "mean_low": float(ml), "mean_high": float(mh), "share": share,
            "share_low": float(sl), "share_high": float(sh)})
        for name, (codes, names) in coded.items():
            agg, total = _item_group_stats(values, threshold, codes, names)
            if agg.empty:
                continue
            agg = agg[~agg["group"].astype(str).isin(withheld[name])]
            shown = guard.apply(agg, by="group", n="n", totals=int(total["n"]))
            for s in shown.suppressed:
                suppressed[(name, s.group, s.reason)] = SuppressedGroup(name, s.group, s.reason)
            g = shown.frame
            if g.empty:
                continue
            g = g.assign(item=item, grouping=name, rest_n=total["n"] - g["n"],
                         rest_s=total["s"] - g["s"], rest_s2=total["s2"] - g["s2"],
                         rest_k=total["k"] - g["k"])
            records.append(g)

    # a group withheld for one item is withheld for every item (one view per grouping)
    hidden = {(name, group) for name, group, _ in suppressed}
    records = [r[[(name, str(group)) not in hidden for name, group in
                  zip(r["grouping"], r["group"], strict=True)]] for r in records]
    overall = pd.DataFrame(overall_rows)
    overall["adherence"] = overall[measure]
    overall["adherence_low"] = overall[f"{measure}_low"]
    overall["adherence_high"] = overall[f"{measure}_high"]
    groups = _group_table(records, workbook, nn_items, measure, standard, alpha, correction, confidence)
    overall = _add_spread(overall, groups, list(labels), measure)
    glue, glue_index = _glue(groups, nn_items, list(labels))
    # the say-do gap pairs two questions per person: over those who answered enough
    enough = enough.reset_index(drop=True)
    say_do = _say_do(workbook, enough, pairs, _group_labels(workbook, enough, by, groupings),
                     guard, confidence, suppressed)
    left = len(answered) - len(rows)
    notes = [f"Wave {wave}: {len(rows)} respondents answered behaviour items ({left} who "
             f"answered none left out); each question's figures use everyone who answered it; "
             f"the say-do gaps use the {len(enough)} who answered at least two thirds of the "
             f"items they need ({dropped} left out)."]
    if standard is not None:
        notes.append(f"Standard: {standard:g} ({measure}).")
    return NonNegotiables(
        wave=wave, measure=measure, favourable=int(favourable), standard=standard, alpha=alpha,
        correction=correction, groupings=tuple(labels), overall=overall, groups=groups,
        glue=glue, glue_index=glue_index, say_do=say_do, n_respondents=len(rows),
        suppressed=tuple(suppressed.values()), notes=tuple(notes))


def _group_table(records: list[pd.DataFrame], workbook: Workbook, nn_items: list[str],
                 measure: str, standard: float | None, alpha: float, correction: str,
                 confidence: float) -> pd.DataFrame:
    if not records:
        flags = {"non_negotiable", "weak", "below_standard", "holds"}
        text = {"item", "label", "grouping", "group"}
        return pd.DataFrame({c: pd.Series(dtype=bool if c in flags else object if c in text
                                          else float) for c in _GROUP_COLUMNS})
    g = pd.concat(records, ignore_index=True)
    n, rn = g["n"].astype(float), g["rest_n"].astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = g["s"] / n
        sd = np.sqrt(np.maximum(g["s2"] - n * mean**2, 0) / (n - 1))
        rest_mean = g["rest_s"] / rn
        rest_sd = np.sqrt(np.maximum(g["rest_s2"] - rn * rest_mean**2, 0) / (rn - 1))
    g["mean"] = mean
    g["sd"] = sd
    g["mean_low"], g["mean_high"] = mean_interval(mean, sd, n, confidence=confidence)
    g["share"] = g["k"] / n
    g["share_low"], g["share_high"] = wilson_interval(g["k"], n, confidence=confidence)
    if measure == "share":
        g["rest_adherence"] = g["rest_k"] / rn
        g["p"] = two_proportion_test(g["k"], n, g["rest_k"], rn, alternative="less")
        low, high = newcombe_interval(g["k"], n, g["rest_k"], rn, confidence=confidence)
    else:
        g["rest_adherence"] = rest_mean
        g["p"], low, high = welch_test(mean, sd, n, rest_mean, rest_sd, rn, alternative="less",
                                       confidence=confidence)
    g["adherence"] = g[measure]
    g["adherence_low"], g["adherence_high"] = g[f"{measure}_low"], g[f"{measure}_high"]
    g["difference"] = g["adherence"] - g["rest_adherence"]
    g["difference_low"], g["difference_high"] = low, high
    g["non_negotiable"] = g["item"].isin(nn_items)
    g["label"] = g["item"].map(workbook.codebook["label"]).astype(str)
    if standard is not None:
        if measure == "share":
            g["p_standard"] = stats.binom.cdf(g["k"], n.astype(int), standard)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                t = (mean - standard) / (sd / np.sqrt(n))
            g["p_standard"] = np.where(sd > 0, stats.t.cdf(t, n - 1),
                                       np.where(mean < standard, 0.0, 1.0))
        g.loc[~g["non_negotiable"], "p_standard"] = np.nan  # the standard is for non-negotiables
    else:
        g["p_standard"] = np.nan
    g["p_adjusted"] = np.nan
    g["p_standard_adjusted"] = np.nan
    for family in (True, False):
        mask = g["non_negotiable"] == family
        g.loc[mask, "p_adjusted"] = adjust_pvalues(g.loc[mask, "p"], correction)
    if standard is not None:
        nn = g["non_negotiable"]
        g.loc[nn, "p_standard_adjusted"] = adjust_pvalues(g.loc[nn, "p_standard"], correction)
    g["weak"] = (g["p_adjusted"] < alpha) & (g["difference"] < 0)
    g["below_standard"] = g["p_standard_adjusted"] < alpha
    g["holds"] = ~(g["weak"] | g["below_standard"])
    g["n"] = g["n"].astype(int)
    g["rest_n"] = g["rest_n"].astype(int)
    order = {item: i for i, item in enumerate(workbook.codebook.index)}
    g = g.assign(_o=g["item"].map(order)).sort_values(["_o", "grouping", "group"], kind="stable")
    return g[list(_GROUP_COLUMNS)].reset_index(drop=True)


def _between_sd(part: pd.DataFrame, measure: str) -> float:
    """Between-group standard deviation beyond sampling noise (DerSimonian-Laird).

    The within-group variance is pooled over the groups (for a share, p(1-p) at the
    share of all groups together), so each group's sampling variance is that over its n.
    """
    n = part["n"].to_numpy(dtype=float)
    y = part["adherence"].to_numpy(dtype=float)
    if measure == "share":
        p = float(part["share"].mul(n).sum() / n.sum())
        within = p * (1 - p)
    else:
        within = float(((n - 1) * part["sd"].to_numpy(dtype=float) ** 2).sum() / (n - 1).sum())
    if within <= 0:
        return float(np.std(y, ddof=1))
    w = n / within
    mean = float((w * y).sum() / w.sum())
    q = float((w * (y - mean) ** 2).sum())
    c = float(w.sum() - (w**2).sum() / w.sum())
    return float(np.sqrt(max(0.0, (q - (len(y) - 1)) / c)))


def _add_spread(overall: pd.DataFrame, groups: pd.DataFrame, names: list[str],
                measure: str) -> pd.DataFrame:
    spread, spread_by, raw, n_weak = [], [], [], []
    for item in overall["item"]:
        part = groups[groups["item"] == item]
        per, per_raw = {}, {}
        for name in names:
            sub = part[part["grouping"] == name]
            if len(sub) >= 2:
                per[name] = _between_sd(sub, measure)
                per_raw[name] = float(sub["adherence"].std(ddof=1))
        spread_by.append(per)
        spread.append(float(np.mean(list(per.values()))) if per else np.nan)
        raw.append(float(np.mean(list(per_raw.values()))) if per_raw else np.nan)
        n_weak.append(int((part["weak"] | part["below_standard"]).sum()))
    return overall.assign(spread=spread, spread_raw=raw, spread_by=spread_by, weak_groups=n_weak)


def _glue(groups: pd.DataFrame, nn_items: list[str],
          names: list[str]) -> tuple[pd.DataFrame, float]:
    nn = groups[groups["non_negotiable"].astype(bool)]
    rows = []
    for name in names:
        part = nn[nn["grouping"] == name]
        per_group = part.groupby("group").agg(items=("item", "nunique"), holds=("holds", "all"))
        complete = per_group[per_group["items"] == len(nn_items)]
        rows.append({"grouping": name, "groups": len(complete),
                     "holding": int(complete["holds"].sum()),
                     "glue": float(complete["holds"].mean()) if len(complete) else np.nan})
    glue = pd.DataFrame(rows, columns=["grouping", "groups", "holding", "glue"])
    total = int(glue["groups"].sum()) if len(glue) else 0
    index = float(glue["holding"].sum() / total) if total else np.nan
    return glue, index


def _say_do(workbook: Workbook, rows: pd.DataFrame, pairs: list[tuple[str, str]],
            labels: dict[str, pd.Series], guard: Any, confidence: float,
            suppressed: dict[tuple[str, str, str], SuppressedGroup]) -> pd.DataFrame:
    columns = ["importance_item", "practice_item", "grouping", "group", "n", "importance",
               "practice", "gap", "gap_low", "gap_high", "p", "unit"]
    out: list[dict[str, Any]] = []
    book = workbook.codebook
    for imp, practice in pairs:
        same = (book.at[imp, "scale_min"] == book.at[practice, "scale_min"]
                and book.at[imp, "scale_max"] == book.at[practice, "scale_max"])
        a, b = rows[imp].astype(float), rows[practice].astype(float)
        unit = "points"
        if not same:  # put both on 0-100 (percent of the scale) to compare
            a = 100 * (a - book.at[imp, "scale_min"]) / (book.at[imp, "scale_max"] - book.at[imp, "scale_min"])
            b = 100 * (b - book.at[practice, "scale_min"]) / (
                book.at[practice, "scale_max"] - book.at[practice, "scale_min"])
            unit = "percent of the scale"
        both = (a.notna() & b.notna()).to_numpy()
        d = (a - b).to_numpy(dtype=float)[both]
        av, bv = a.to_numpy(dtype=float)[both], b.to_numpy(dtype=float)[both]
        parts: list[tuple[str, np.ndarray, np.ndarray]] = [
            ("organisation", np.array(["all"], dtype=object), np.zeros(len(d), dtype=int))]
        for name, label in labels.items():
            codes, names = _codes(label[both])
            sizes = pd.DataFrame({"group": names, "n": np.bincount(codes[codes >= 0],
                                                                    minlength=len(names))})
            if sizes.empty:
                continue
            shown = guard.apply(sizes, by="group", n="n", totals=int(both.sum()))
            for s in shown.suppressed:
                suppressed[(name, s.group, s.reason)] = SuppressedGroup(name, s.group, s.reason)
            keep = np.isin(names, shown.frame["group"].to_numpy())
            parts.append((name, names, np.where((codes >= 0) & keep[np.maximum(codes, 0)],
                                                codes, -1)))
        for name, names, codes in parts:
            inside = codes >= 0
            c = codes[inside]
            n = np.bincount(c, minlength=len(names)).astype(float)
            with np.errstate(invalid="ignore", divide="ignore"):
                m = np.bincount(c, weights=d[inside], minlength=len(names)) / n
                sd = np.sqrt(np.bincount(c, weights=(d[inside] - m[c]) ** 2,
                                         minlength=len(names)) / (n - 1))
                imp_mean = np.bincount(c, weights=av[inside], minlength=len(names)) / n
                prac_mean = np.bincount(c, weights=bv[inside], minlength=len(names)) / n
                t = m / (sd / np.sqrt(n))
            p = np.where(sd > 0, 2 * stats.t.sf(np.abs(t), n - 1), np.where(m == 0, 1.0, 0.0))
            low, high = mean_interval(m, sd, n, confidence=confidence)
            for j in np.argsort(np.array([str(x) for x in names]), kind="stable"):
                if n[j] < 2:
                    continue
                out.append({"importance_item": imp, "practice_item": practice, "grouping": name,
                            "group": str(names[j]), "n": int(n[j]),
                            "importance": float(imp_mean[j]), "practice": float(prac_mean[j]),
                            "gap": float(m[j]), "gap_low": float(low[j]),
                            "gap_high": float(high[j]), "p": float(p[j]), "unit": unit})
    return pd.DataFrame(out, columns=columns)


def _with_results(workbook: Workbook, groupings: Mapping[str, pd.Series] | None,
                  **results: Segmentation | Tribes | None) -> dict[str, pd.Series]:
    """``groupings`` plus the assignments of the results given, by grouping name."""
    out = dict(groupings or {})
    for name, result in results.items():
        if result is None or name in out or name in workbook.attributes:
            continue
        if len(result.assignments):
            out[name] = result.assignments
    return out
