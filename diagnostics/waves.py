"""What changed between two waves: items, constructs, diagnostic figures, network, segment movers.

The seeds end with *revisit and refine*: go back to step one, cycle after cycle. This module
compares two waves (by default the last two): every item, construct and diagnostic figure
present in both (adherence to the non-negotiables, the say-do gaps, the network's ties,
density, degree and reciprocity, the segment shares), for the organisation and per group,
with an interval and a significance test corrected for the many comparisons; the people
who moved between segments when respondents can be followed across waves; and a ranked
"what moved" summary by effect size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats
from tqdm.auto import tqdm

from ._compat import renamed
from .behaviours import favourable_threshold, say_do_pairs
from .comparisons import (
    CHANGE_TESTS,
    adjust_pvalues,
    check_test_options,
    classify_changes,
    equivalence_test,
    overlap_frame,
    wilson_interval,
)
from .errors import ConfigError, InsufficientDataError
from .labels import OTHER_SEGMENTS
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .segments import Segmentation, segment_frames
from .words import between, count
from .workbook import MIN_ANSWERED_SHARE, Workbook, _natural_key

__all__ = ["WaveComparison", "wave_changes", "network_waves", "KINDS_OF_CHANGE", "SHARE_KINDS"]

#: The kinds of figure compared, in display order.
KINDS_OF_CHANGE: tuple[str, ...] = ("item", "construct", "adherence", "say-do gap",
                                    "segment share", "network")

#: Kinds of figure that are shares (their smallest change of interest is in points).
SHARE_KINDS: tuple[str, ...] = ("adherence", "segment share")

_CHANGE_COLUMNS: tuple[str, ...] = (
    "item", "kind", "label", "from", "to", "change", "ci_low", "ci_high", "p", "p_adjusted",
    "significant", "margin", "p_equivalent", "verdict", "effect_size", "n_from", "n_to",
    "n_paired", "test",
)
#: Working columns of the change rows, dropped once the verdicts are drawn.
_WORK_COLUMNS: tuple[str, ...] = ("se", "df")
_GROUP_CHANGE_COLUMNS: tuple[str, ...] = ("grouping", "group", *_CHANGE_COLUMNS)
_FLOW_COLUMNS: tuple[str, ...] = ("from_segment", "to_segment", "n")


def network_waves(workbook: Workbook) -> tuple[str, ...]:
    """The waves of ``network.csv`` in order (empty when it has no wave column).

    Examples
    --------
    >>> from diagnostics import load
    >>> network_waves(load("data/sample"))
    ('2025-H1', '2025-H2')
    """
    net = workbook.network
    if net is None or "wave" not in net.columns:
        return ()
    names = {str(w) for w in pd.unique(net["wave"].dropna())}
    return tuple(sorted((w for w in names if w.strip()), key=_natural_key))


@dataclass(frozen=True)
class WaveComparison(DiagnosticResult):
    """Changes between two waves, for the organisation and per group, and segment movers.

    Attributes
    ----------
    from_wave, to_wave
        The earlier and the later wave.
    test
        How a change of a mean is tested (``overlap``, ``welch`` or ``paired``).
    alpha, correction
        Significance level and multiple-comparison correction (applied separately to the
        organisation's changes and to the group changes, to the tests of difference and of
        equivalence alike).
    smallest_effect, smallest_share_change
        The smallest change that matters: in standard deviations (Cohen's d) for means and
        the network, in points (0.03 = 3 points) for shares.
    changes
        One row per figure compared for the whole organisation (see ``columns``); its
        ``verdict`` is one of :data:`~diagnostics.comparisons.VERDICTS`: ``changed``,
        ``negligible`` (detectable but smaller than the smallest change that matters),
        ``no change`` (shown to be smaller than it) or ``inconclusive``.
    group_changes
        The same per group (``grouping``, ``group`` first), groups shown in both waves.
    flows
        Segment of the earlier wave x segment of the later wave: ``from_segment``,
        ``to_segment``, ``n`` (people followed across the waves; small flows withheld).
    movers_share
        Share of the people followed whose segment changed (NaN when not followed).
    movers_low, movers_high
        Its Wilson 95% interval.
    n_followed
        People in both waves with a segment in each.
    followed
        One row per person followed: ``respondent_id``, ``from_segment``, ``to_segment``
        (for the analyst; it is not exported in tables, figures or JSON).
    """

    key: ClassVar[str] = "waves"
    title: ClassVar[str] = "Changes between waves"
    method: ClassVar[str] = (
        "For each item, construct (mean of its items, for respondents who answered at least "
        "two thirds of them) and diagnostic figure (share of favourable answers to each "
        "non-negotiable, say-do gap per respondent, segment shares) the change of the mean "
        "from the earlier to the later wave is tested with the partially overlapping samples "
        "t-test (Derrick, Russ, Toher & White 2017): all answers of both waves are used, and "
        "respondents present in both waves are paired through the correlation of their two "
        "answers, the others treated as independent (Welch's t-test when no one is in both, "
        "the paired t-test when everyone is). The interval is the t interval of that test. "
        "Network figures (ties, density, mean degree, reciprocity per relation; ties present "
        "or absent) are compared with the vertex jackknife (Snijders & Borgatti 1999): each "
        "person is left out of both waves in turn, and the spread of the change over these "
        "leave-one-out networks gives its standard error, a t interval and p-value with "
        "(people - 1) degrees of freedom. Ties that share a person are thereby allowed to "
        "depend on each other; the jackknife errs on the safe side (for near-random networks "
        "it overstates the standard error, by up to about 40%). A change is significant when its "
        "p-value stays below alpha after Holm's correction, over all of the organisation's "
        "changes (group changes form a second family). Whether a change matters is judged "
        "against the smallest change of interest (by default 0.1 standard deviation for "
        "means and network figures, 3 points for shares): the two one-sided tests "
        "(Schuirmann 1987; Lakens 2017) test whether the change lies within that margin, "
        "with the same correction. A significant change at least as large as the margin and "
        "not shown to lie within it is reported as a change; a significant one shown to lie "
        "within it, or estimated below it, as a small shift too small to matter; one shown within the margin but not significant "
        "as no change; the rest as not clear. Effect size: the change in pooled "
        "standard deviations (Cohen's d) for means, Cohen's h for shares and densities. "
        "Segment movers: the segmentation is fitted on the earlier wave and the later "
        "wave's answers are assigned to the same segments; a mover is someone present in "
        "both waves whose segment differs. Groups are shown only when the privacy guard "
        "shows them in both waves.")
    columns: ClassVar[tuple[str, ...]] = _CHANGE_COLUMNS

    from_wave: str
    to_wave: str
    test: str
    alpha: float
    correction: str
    smallest_effect: float
    smallest_share_change: float
    changes: pd.DataFrame
    group_changes: pd.DataFrame
    flows: pd.DataFrame
    movers_share: float
    movers_low: float
    movers_high: float
    n_followed: int
    followed: pd.DataFrame = dataclasses.field(
        default_factory=lambda: pd.DataFrame(columns=["respondent_id", "from_segment",
                                                      "to_segment"]), repr=False)

    def to_frame(self) -> pd.DataFrame:
        return self.changes.copy()

    def what_moved(self, *, significant_only: bool = True) -> pd.DataFrame:
        """The organisation's changes ranked by the size of their effect (largest first).

        ``significant_only``: only the changes that matter (verdict ``changed``: significant
        and not shown to be smaller than the smallest change of interest).
        """
        c = self.changes
        if significant_only:
            c = c[c["verdict"] == "changed"]
        order = c["effect_size"].abs().sort_values(ascending=False, kind="stable").index
        return c.loc[order].reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"changes": self.to_frame(), "what moved": self.what_moved(),
               "changes by group": self.group_changes.copy()}
        if not self.flows.empty:
            out["segment movers"] = self.flows.copy()
        return out

    def figure(self, kind: str | None = None) -> Any:
        from .plots.waves import changes_figure

        return changes_figure(self, kind=kind)

    def figures(self) -> dict[str, Any]:
        from .plots.waves import changes_figure, network_figure, sankey_figure

        figs: dict[str, Any] = {"what moved": changes_figure(self, questions=True)}
        if len(self.changes):
            figs["clear changes"] = changes_figure(self, clear_only=True, top=12, questions=True)
        if (self.changes["kind"] == "network").any():
            figs["network"] = network_figure(self)
        if not self.flows.empty:
            figs["segment movers"] = sankey_figure(self)
        return figs

    def to_json(self) -> dict[str, Any]:
        keep = ["item", "kind", "from", "to", "change", "ci_low", "ci_high", "p", "p_adjusted",
                "significant", "margin", "p_equivalent", "verdict", "effect_size", "n_from",
                "n_to", "n_paired"]
        moved = None
        if np.isfinite(self.movers_share):
            moved = {"share": self.movers_share, "ci_low": self.movers_low,
                     "ci_high": self.movers_high, "n_followed": self.n_followed,
                     "flows": self.flows.to_dict(orient="records")}
        return jsonable({
            "from_wave": self.from_wave, "to_wave": self.to_wave, "test": self.test,
            "correction": self.correction, "alpha": self.alpha,
            "smallest_effect": self.smallest_effect,
            "smallest_share_change": self.smallest_share_change,
            "changes": self.changes[keep].to_dict(orient="records"),
            "what_moved": list(self.what_moved()["item"]),
            "group_changes": self.group_changes[["grouping", "group", *keep]].to_dict(
                orient="records"),
            "segment_movers": moved,
        })

    def findings(self) -> list[Finding]:
        found: list[Finding] = []
        moved = self.what_moved()
        span = f"from {self.from_wave} to {self.to_wave}"
        if len(moved):
            top = moved.iloc[0]
            others = [f"“{r['label']}” {_fmt_change(r)}" for _, r in moved.iloc[1:3].iterrows()]
            found.append(Finding(
                headline=(f"{count(len(moved), 'figure')} changed clearly {span}; the largest: "
                          f"“{top['label']}” {_fmt_change(top)}"
                          + (f"; then {'; '.join(others)}." if others else ".")),
                value=_fmt_change(top),
                uncertainty=(f"the change lies between {_fmt_value(top['ci_low'], top['kind'], True)} "
                             f"and {_fmt_value(top['ci_high'], top['kind'], True)}"),
                meaning=("These are the changes larger than the noise between two surveys; "
                         "the rest did not move clearly."),
                action="Tell people what moved and why: name the changes they made happen.",
                statistics=(f"95% interval {_fmt_value(top['ci_low'], top['kind'], True)} to "
                            f"{_fmt_value(top['ci_high'], top['kind'], True)}; "
                            f"{self.correction}-adjusted p-values over {count(len(self.changes), 'figure')}."
                            + self._negligible_words()),
                figure="clear changes", weight=0.85))
        else:
            same = int((self.changes["verdict"] == "no change").sum())
            shown = (f" {same} of the {len(self.changes)} figures are shown to be steady."
                     if same else "")
            found.append(Finding(
                headline=f"Nothing changed clearly {span}.{shown}",
                value="0",
                meaning="The differences between the two surveys are within the noise.",
                action=("Check whether the planned steps were taken; if they were, give them "
                        "time or rethink them."),
                statistics=(f"{count(len(self.changes), 'figure')} compared, "
                            f"{self.correction}-adjusted.{self._negligible_words()}"),
                figure="what moved", weight=0.5))
        if np.isfinite(self.movers_share):
            found.append(Finding(
                headline=(f"{self.movers_share:.0%} of the {self.n_followed} people who answered "
                          "both surveys moved to another motivational group."),
                value=f"{self.movers_share:.0%}",
                uncertainty=between(self.movers_low, self.movers_high),
                meaning="Motivation is not fixed: frames that fit a group today may not next year.",
                action="Check the frames of the plan against the latest survey before using them.",
                statistics=f"95% interval {self.movers_low:.0%}-{self.movers_high:.0%}.",
                weight=0.6))
        g = self.group_changes
        if len(g) and (g["verdict"] == "changed").any():
            sig = g[g["verdict"] == "changed"]
            top = sig.loc[sig["effect_size"].abs().idxmax()]
            found.append(Finding(
                headline=(f"Largest change in a group: “{top['label']}” in {top['group']} "
                          f"({top['grouping']}) {_fmt_change(top)}."),
                value=_fmt_change(top),
                uncertainty=(f"between {_fmt_value(top['ci_low'], top['kind'], True)} and "
                             f"{_fmt_value(top['ci_high'], top['kind'], True)}"),
                statistics=(f"95% interval {_fmt_value(top['ci_low'], top['kind'], True)} to "
                            f"{_fmt_value(top['ci_high'], top['kind'], True)}."),
                meaning=f"Something changed in {top['group']} that did not change elsewhere.",
                action=(f"Ask {top['group']} what happened there, and learn from it or act on "
                        "it."),
                weight=0.55))
        return found


    def _negligible_words(self) -> str:
        small = self.changes[self.changes["verdict"] == "negligible"]
        if small.empty:
            return ""
        return (f" {count(len(small), 'more figure')} shifted detectably but too little to "
                f"matter: a small shift, below {self.smallest_effect:g} standard "
                f"deviation (or {self.smallest_share_change * 100:g} points for shares).")


def _fmt_value(value: float, kind: str, signed: bool = False) -> str:
    if not np.isfinite(value):
        return "n/a"
    if kind in ("adherence", "segment share"):
        return f"{value * 100:+.0f} pts" if signed else f"{value:.0%}"
    return f"{value:+.2f}" if signed else f"{value:.2f}"


def _fmt_change(row: Mapping[str, Any]) -> str:
    return (f"{_fmt_value(row['from'], row['kind'])} → {_fmt_value(row['to'], row['kind'])} "
            f"({_fmt_value(row['change'], row['kind'], True)})")


# =========================================================================== survey figures

def _variables(workbook: Workbook, rows: pd.DataFrame,
               favourable: int) -> tuple[pd.DataFrame, dict[str, tuple[str, str]]]:
    """Per-respondent values of every figure compared (index: respondent id)."""
    book = workbook.codebook
    values: dict[str, pd.Series] = {}
    meta: dict[str, tuple[str, str]] = {}
    index = pd.Index(rows["respondent_id"].astype(str), name="respondent_id")
    for item in workbook.items:
        values[item] = pd.Series(rows[item].to_numpy(dtype=float), index=index)
        meta[item] = ("item", str(book.at[item, "label"]))
    for construct, items in workbook.constructs().items():
        if len(items) < 2:
            continue
        block = rows[items].to_numpy(dtype=float)
        answered = (~np.isnan(block)).mean(axis=1)
        with np.errstate(invalid="ignore"):
            mean = np.nanmean(np.where(answered[:, None] > 0, block, 0.0), axis=1)
        mean = np.where(answered >= MIN_ANSWERED_SHARE - 1e-12, mean, np.nan)
        name = f"construct: {construct}"
        values[name] = pd.Series(mean, index=index)
        meta[name] = ("construct",
                      f"{construct.capitalize()}: the average of its {len(items)} questions")
    for item in workbook.non_negotiables:
        v = rows[item].to_numpy(dtype=float)
        fav = np.where(np.isnan(v), np.nan, (v >= favourable_threshold(workbook, item,
                                                                        favourable)).astype(float))
        name = f"adherence: {item}"
        values[name] = pd.Series(fav, index=index)
        meta[name] = ("adherence", f"Share who answer favourably: {book.at[item, 'label']}")
    for imp, practice in say_do_pairs(workbook):
        if (book.at[imp, "scale_min"] != book.at[practice, "scale_min"]
                or book.at[imp, "scale_max"] != book.at[practice, "scale_max"]):
            continue
        name = f"say-do gap: {imp}-{practice}"
        values[name] = pd.Series((rows[imp] - rows[practice]).to_numpy(dtype=float), index=index)
        meta[name] = ("say-do gap", "How important it is, less how often it is done: "
                                   f"{book.at[practice, 'label']}")
    return pd.DataFrame(values, index=index), meta


def _change_rows(tested: pd.DataFrame, meta: Mapping[str, tuple[str, str]],
                 test: str, margins: tuple[float, float]) -> pd.DataFrame:
    """Change rows from :func:`~diagnostics.comparisons.overlap_frame`'s output.

    ``margins``: the smallest change of interest, in standard deviations for means and in
    points (a share) for shares.
    """
    kinds = [meta[name][0] for name in tested.index]
    effect = tested["effect_size"].to_numpy(dtype=float).copy()
    shares = np.isin(kinds, list(SHARE_KINDS))
    rms = np.sqrt((tested["sd1"].to_numpy(dtype=float) ** 2
                   + tested["sd2"].to_numpy(dtype=float) ** 2) / 2)
    margin = np.where(shares, margins[1], margins[0] * rms)
    if shares.any():  # Cohen's h for shares
        with np.errstate(invalid="ignore"):
            h = (2 * np.arcsin(np.sqrt(tested["mean2"].clip(0, 1)))
                 - 2 * np.arcsin(np.sqrt(tested["mean1"].clip(0, 1))))
        effect = np.where(shares, h, effect)
    return pd.DataFrame({
        "item": tested.index, "kind": kinds, "label": [meta[n][1] for n in tested.index],
        "from": tested["mean1"].to_numpy(), "to": tested["mean2"].to_numpy(),
        "change": tested["change"].to_numpy(), "ci_low": tested["ci_low"].to_numpy(),
        "ci_high": tested["ci_high"].to_numpy(), "p": tested["p"].to_numpy(),
        "margin": margin, "effect_size": effect, "n_from": tested["n1"].to_numpy(),
        "n_to": tested["n2"].to_numpy(), "n_paired": tested["n_paired"].to_numpy(),
        "test": test, "se": tested["se"].to_numpy(), "df": tested["df"].to_numpy()})


# =========================================================================== network figures

def _wave_arcs(workbook: Workbook, ties: pd.DataFrame, waves: tuple[str, str]
               ) -> tuple[int, list[np.ndarray], list[tuple[np.ndarray, np.ndarray]]] | None:
    """The people of both waves' networks and each wave's distinct ties, as integer codes.

    People: the wave's respondents and everyone in its ties (everyone in the survey when
    the wave is not a survey wave), numbered in the sorted order of their ids. Returns the
    number of people, whether each is in each wave, and each wave's distinct (source,
    target) pairs (sorted); ``None`` when a wave has no tie.
    """
    survey = workbook.survey
    ends, people = [], []
    for wave in waves:
        part = ties[ties["wave"] == wave]
        if part.empty:
            return None
        source = part["source"].to_numpy(dtype=object)
        target = part["target"].to_numpy(dtype=object)
        ids = survey.loc[survey["wave"] == wave, "respondent_id"] if wave in workbook.waves \
            else survey["respondent_id"]
        people.append(pd.unique(np.concatenate([ids.to_numpy(dtype=object), source, target])))
        ends.append((source, target))
    index = pd.Index(sorted(set(people[0].tolist()) | set(people[1].tolist())), dtype=object)
    n = len(index)
    present = []
    for found in people:
        here = np.zeros(n, dtype=bool)
        here[index.get_indexer(found)] = True
        present.append(here)
    arcs = []
    for source, target in ends:
        pairs = np.unique(index.get_indexer(source).astype(np.int64) * n
                          + index.get_indexer(target))
        arcs.append((pairs // n, pairs % n))
    return n, present, arcs


def _network_changes(workbook: Workbook, waves: tuple[str, str], *, confidence: float,
                     progress: bool, smallest_effect: float) -> tuple[pd.DataFrame, list[str]]:
    net = workbook.network
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    if net is None or "wave" not in net.columns:
        return pd.DataFrame(columns=list(_CHANGE_COLUMNS)), notes
    net = net[net["source"] != net["target"]]
    relations = net["relation"].fillna("").astype(str) if "relation" in net else \
        pd.Series("", index=net.index)
    for relation in tqdm(sorted(relations.unique()), disable=not progress,
                         desc="network changes"):
        coded = _wave_arcs(workbook, net[relations == relation], waves)
        if coded is None:
            continue
        n, present, arcs = coded
        directed = any(_asymmetric(a, n) for a in arcs)
        name = relation or "ties"
        full = [_net_jackknife(arcs[w], present[w], n, directed) for w in range(2)]
        degree_sd = [_degree_sd(arcs[w], present[w], n) for w in range(2)]
        figures = ["ties", "density", "mean degree"] + (["reciprocity"] if directed else [])
        critical = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
        for figure in figures:
            (before, loo_a), (after, loo_b) = full[0][figure], full[1][figure]
            change = after - before
            theta = loo_b - loo_a
            theta = theta[np.isfinite(theta)]
            k = len(theta)
            se = float(np.sqrt((k - 1) / k * ((theta - theta.mean()) ** 2).sum())) if k > 2 \
                else np.nan
            if se > 0:
                p = float(2 * stats.t.sf(abs(change) / se, n - 1))
            else:
                p = 1.0 if change == 0 else (0.0 if se == 0 else np.nan)
            if figure == "mean degree":
                rms = np.sqrt((degree_sd[0] ** 2 + degree_sd[1] ** 2) / 2)
                effect = change / rms if rms > 0 else 0.0
            else:  # Cohen's h of the share of possible ties (or of reciprocated ties)
                key = "reciprocity" if figure == "reciprocity" else "density"
                d_a, d_b = full[0][key][0], full[1][key][0]
                effect = 2 * np.arcsin(np.sqrt(d_b)) - 2 * np.arcsin(np.sqrt(d_a))
            # The smallest change of interest on the figure's own scale: the effect size's
            # unit (a standard deviation of degree, or Cohen's h) in the figure's units.
            if figure == "mean degree":
                unit = rms
            elif change != 0 and effect != 0 and np.isfinite(effect):
                unit = abs(change / effect)
            elif figure != "ties":  # h changes by 1 / sqrt(p (1 - p)) per unit of p
                unit = np.sqrt(d_a * (1 - d_a))
            else:
                unit = np.nan
            rows.append({
                "item": f"{figure}: {name}",
                "kind": "network",
                "label": (f"{figure} of the {name} network "
                          f"({'directed' if directed else 'undirected'}, ties present or absent)"),
                "from": before, "to": after, "change": change,
                "ci_low": change - critical * se if se > 0 else change,
                "ci_high": change + critical * se if se > 0 else change, "p": p,
                "margin": smallest_effect * float(unit) if np.isfinite(unit) else np.nan,
                "effect_size": float(effect), "n_from": int(present[0].sum()),
                "n_to": int(present[1].sum()), "n_paired": int((present[0] & present[1]).sum()),
                "test": "vertex jackknife", "se": se, "df": float(n - 1)})
        notes.append(f"Network {name}: {int(present[0].sum())} and "
                     f"{int(present[1].sum())} people in waves {waves[0]} and {waves[1]}; ties "
                     "counted as present or absent (weights ignored).")
    return pd.DataFrame(rows, columns=[c for c in (*_CHANGE_COLUMNS, *_WORK_COLUMNS) if c not in
                                       ("p_adjusted", "significant", "p_equivalent",
                                        "verdict")]), notes


def _reciprocated(arcs: tuple[np.ndarray, np.ndarray], n: int) -> np.ndarray:
    """For each tie, whether the reverse tie is there too (one sort, then binary search)."""
    src, tgt = (np.asarray(a, dtype=np.int64) for a in arcs)
    if not len(src):
        return np.zeros(0, dtype=bool)
    known = np.sort(src * n + tgt)
    reverse = tgt * n + src
    at = np.minimum(np.searchsorted(known, reverse), len(known) - 1)
    return known[at] == reverse


def _asymmetric(arcs: tuple[np.ndarray, np.ndarray], n: int) -> bool:
    return not bool(_reciprocated(arcs, n).all())


def _degree_sd(arcs: tuple[np.ndarray, np.ndarray], present: np.ndarray, n: int) -> float:
    out_degree = np.bincount(arcs[0], minlength=n)[present]
    return float(out_degree.std(ddof=1)) if len(out_degree) > 1 else 0.0


def _net_jackknife(arcs: tuple[np.ndarray, np.ndarray], present: np.ndarray, n: int,
                   directed: bool) -> dict[str, tuple[float, np.ndarray]]:
    """Each network figure of one wave, and its value with each person left out in turn.

    ``arcs`` are the (source, target) positions of the ties, every tie of an undirected
    network listed in both directions; ``present`` marks the people of the wave. Leaving
    out someone absent from the wave leaves the figure unchanged.
    """
    src, tgt = arcs
    m = float(present.sum())
    total = float(len(src))
    incident = np.bincount(src, minlength=n) + np.bincount(tgt, minlength=n)
    mutual = _reciprocated(arcs, n)
    mutual_total = float(mutual.sum())
    mutual_incident = (np.bincount(src[mutual], minlength=n)
                       + np.bincount(tgt[mutual], minlength=n))
    m_loo = np.where(present, m - 1, m)
    t_loo = total - incident  # a tie incident to someone absent cannot exist
    mu_loo = mutual_total - mutual_incident
    half = 1.0 if directed else 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "ties": (total * half, t_loo * half),
            "density": (total / (m * (m - 1)), t_loo / (m_loo * (m_loo - 1))),
            "mean degree": (total / m, t_loo / m_loo),
            "reciprocity": (mutual_total / total if total else np.nan, mu_loo / t_loo),
        }
    return {k: (float(v[0]), np.asarray(v[1], dtype=float)) for k, v in out.items()}


# =========================================================================== segment movers

def _movers(workbook: Workbook, waves: tuple[str, str], *, k: int | None,
            seed: int) -> tuple[pd.Series, pd.Series, str | None]:
    """Segments of the earlier wave (fitted) and of the later wave (assigned)."""
    try:
        fitted = segment_frames(workbook, wave=waves[0], k=k, seed=seed)
    except InsufficientDataError as err:
        return pd.Series(dtype=object), pd.Series(dtype=object), f"Segment movers skipped: {err}"
    if not fitted.structure:
        return pd.Series(dtype=object), pd.Series(dtype=object), (
            f"Segment movers skipped: the answers of wave {waves[0]} show no segment structure.")
    before = pd.Series(fitted.assignments).astype(str)
    before.index = before.index.astype(str)
    later = workbook.responses(waves[1])
    after = pd.Series(fitted.assign(later))
    if not after.index.isin(later["respondent_id"]).all() or len(after) != after.index.nunique():
        after.index = later["respondent_id"].to_numpy()[: len(after)]
    after = after.dropna().astype(str)
    after.index = after.index.astype(str)
    return before, after, None




def _flows(before: pd.Series, after: pd.Series, workbook: Workbook,
           suppressed: list[SuppressedGroup]) -> pd.DataFrame:
    """People per (earlier segment, later segment), through the privacy guard.

    Within each earlier segment, flows below the minimum are withheld (with secondary
    suppression); what they hold together is shown as one flow to
    :data:`OTHER_SEGMENTS` (stayers among them when their own flow was withheld), which
    the guard keeps at the minimum or above.
    """
    followed = before.index.intersection(after.index)
    frame = pd.DataFrame({"from_segment": before.loc[followed].to_numpy(),
                          "to_segment": after.loc[followed].to_numpy()})
    flows = frame.groupby(["from_segment", "to_segment"]).size().rename("n").reset_index()
    totals = frame.groupby("from_segment").size()
    shown = workbook.guard.apply(flows, by=["from_segment", "to_segment"], n="n",
                                 within="from_segment", totals=totals.to_dict())
    suppressed.extend(shown.suppressed)
    visible = shown.frame
    rest = totals - visible.groupby("from_segment")["n"].sum().reindex(totals.index, fill_value=0)
    combined = pd.DataFrame({"from_segment": rest.index, "to_segment": OTHER_SEGMENTS,
                             "n": rest.to_numpy()})
    combined = combined[combined["n"] >= workbook.guard.min_group_size]
    out = pd.concat([visible, combined], ignore_index=True)
    return out.sort_values(["from_segment", "to_segment"], kind="stable").reset_index(
        drop=True)[list(_FLOW_COLUMNS)]


# =========================================================================== entry point

def _pick_waves(workbook: Workbook, waves: Sequence[str] | None) -> tuple[str, str]:
    survey, net = workbook.waves, network_waves(workbook)
    known = list(dict.fromkeys([*survey, *net]))
    if waves is not None:
        waves = [str(w) for w in waves]
        if len(waves) != 2 or waves[0] == waves[1]:
            raise ConfigError(f"waves must name two different waves, got {waves!r}; "
                              f"waves in the data: {', '.join(known)}.")
        missing = [w for w in waves if w not in known]
        if missing:
            raise ConfigError(f"waves: {', '.join(missing)} is not a wave of survey.csv or "
                              f"network.csv; waves in the data: {', '.join(known)}.")
        return waves[0], waves[1]
    if len(survey) >= 2:
        return survey[-2], survey[-1]
    if len(net) >= 2:
        return net[-2], net[-1]
    raise InsufficientDataError("only one wave in the data: survey.csv has one wave and "
                                "network.csv no second wave.")


def wave_changes(
    workbook: Workbook,
    *,
    waves: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    test: str = "overlap",
    alpha: float = 0.05,
    correction: str = "holm",
    favourable: int = 2,
    segments: bool = True,
    k: int | None = None,
    segmentation: Segmentation | None = None,
    seed: int = 0,
    confidence: float = 0.95,
    smallest_effect: float | None = None,
    smallest_share_change: float | None = None,
    progress: bool = False,
    random_state: int | None = None,
) -> WaveComparison:
    """Compare two waves: every item, construct and diagnostic figure present in both.

    Parameters
    ----------
    workbook
        A loaded data folder with two or more waves in ``survey.csv`` or ``network.csv``.
    waves
        The two waves to compare, earlier first (default: the last two of the survey, or
        of the network when the survey has one wave).
    by
        Attributes to compare groups by (default: every attribute of the survey).
    test
        ``"overlap"`` (default: all answers, respondents in both waves paired),
        ``"welch"`` (independent samples) or ``"paired"`` (respondents in both waves only).
    alpha, correction
        Significance level after the correction (``"holm"``, ``"fdr_bh"``,
        ``"bonferroni"`` or ``"none"``), applied over the organisation's changes and,
        separately, over the group changes.
    favourable
        Top answers that count as favourable for the adherence figures (default 2).
    segments
        Follow people across segments when the segmentation is available (fitted on the
        earlier wave, the later wave assigned to its segments).
    k
        Number of segments (default: that of ``segmentation``, else chosen afresh).
    segmentation
        The segmentation of the run, when it ran: the movers are followed across the same
        number of segments.
    seed
        Seed of the segmentation.
    random_state
        Deprecated name of ``seed`` (kept for one release).
    confidence
        Of every interval.
    smallest_effect
        The smallest change that matters for means and network figures, in standard
        deviations (Cohen's d; default: ``smallest_effect`` of workbook.toml, else 0.1).
        A significant change shown to be smaller is a small shift too small to matter,
        not a change.
    smallest_share_change
        The same for shares (adherence, segment shares), as a share (default:
        ``smallest_share_change`` of workbook.toml, else 0.03, i.e. 3 points).
    progress
        Show progress bars.

    Returns
    -------
    WaveComparison
        ``to_frame()``: one row per figure compared: ``item`` (an item, ``construct: X``,
        ``adherence: item``, ``say-do gap: i-b``, ``segment share: S`` or
        ``figure: relation`` for the network), ``kind``, ``label``, ``from``, ``to``,
        ``change`` (to - from), ``ci_low``, ``ci_high``, ``p``, ``p_adjusted``,
        ``significant``, ``margin`` (the smallest change of interest in the figure's
        units), ``p_equivalent`` (the equivalence test's adjusted p-value), ``verdict``
        (``changed``, ``negligible``, ``no change`` or ``inconclusive``), ``effect_size``,
        ``n_from``, ``n_to``, ``n_paired``, ``test``.

    Raises
    ------
    InsufficientDataError
        Fewer than two waves.
    ConfigError
        Unknown waves, attribute, test or correction.

    Notes
    -----
    Read the "what moved" chart from the top: the largest changes, in standard deviations
    (Cohen's d) or, for shares, Cohen's h (0.2 small, 0.5 medium, 0.8 large). Bars in grey
    did not change beyond what chance explains, or changed by less than the smallest
    change that matters (with many respondents even a tiny shift is detectable). A group is shown
    only when the privacy guard shows it in both waves.

    References
    ----------
    Derrick, B., Russ, B., Toher, D. & White, P. (2017). Test statistics for the comparison
    of means for two samples that include both paired and independent observations.
    *Journal of Modern Applied Statistical Methods*, 16(1). Snijders, T. A. B. & Borgatti,
    S. P. (1999). Non-parametric standard errors and tests for network statistics.
    *Connections*, 22(2), 61-70 (the vertex jackknife). Efron, B. & Stein, C. (1981). The
    jackknife estimate of variance. *Annals of Statistics*, 9(3), 586-596. Holm, S. (1979). *Scandinavian Journal of Statistics*, 6.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = wave_changes(load("data/sample"))
    >>> moved = result.changes[result.changes["significant"] & (result.changes["kind"] == "item")]
    >>> sorted(moved["item"])
    ['b06', 'b09', 'e01', 'o01']
    >>> sorted(result.changes.loc[result.changes["kind"] == "item", "verdict"].unique())
    ['changed', 'inconclusive']
    """
    seed = renamed(seed, random_state, old="random_state", new="seed", where="wave_changes")
    if test not in CHANGE_TESTS:
        raise ConfigError(f"test must be one of {', '.join(CHANGE_TESTS)}, got {test!r}.")
    check_test_options(correction=correction, alpha=alpha, favourable=favourable)
    if k is None and segmentation is not None:
        k = segmentation.k
    config = workbook.config
    if smallest_effect is None:
        smallest_effect = getattr(config, "smallest_effect", 0.1)
    if smallest_share_change is None:
        smallest_share_change = getattr(config, "smallest_share_change", 0.03)
    check_margins(smallest_effect=smallest_effect, smallest_share_change=smallest_share_change)
    margins = (float(smallest_effect), float(smallest_share_change))
    by = list(workbook.attributes) if by is None else [by] if isinstance(by, str) else list(by)
    unknown = [b for b in by if b not in workbook.attributes]
    if unknown:
        raise ConfigError(f"by: {', '.join(map(repr, unknown))} is not an attribute of the survey; "
                          f"attributes: {', '.join(workbook.attributes) or 'none'}.")
    pair = _pick_waves(workbook, waves)
    guard = workbook.guard
    notes: list[str] = [f"Compared wave {pair[0]} with wave {pair[1]}."]
    suppressed: list[SuppressedGroup] = []
    org_parts: list[pd.DataFrame] = []
    group_parts: list[pd.DataFrame] = []
    flows = pd.DataFrame(columns=list(_FLOW_COLUMNS))
    movers_share = movers_low = movers_high = np.nan
    n_followed = 0
    followed = pd.DataFrame(columns=["respondent_id", "from_segment", "to_segment"])

    in_survey = all(w in workbook.waves for w in pair)
    if in_survey and workbook.items:
        rows = [workbook.responses(w) for w in pair]
        values_meta = [_variables(workbook, r, favourable) for r in rows]
        values = [v for v, _ in values_meta]
        meta = dict(values_meta[0][1])
        keep = [c for c in values[0].columns
                if values[0][c].notna().any() and values[1][c].notna().any()]
        absent = [c for c in values[0].columns if c not in keep]
        if absent:
            notes.append(f"Not in both waves, not compared: {', '.join(absent)}.")
        values = [v[keep] for v in values]
        both = len(set(values[0].index) & set(values[1].index))
        notes.append(f"{len(rows[0])} and {len(rows[1])} respondents; {both} answered in both "
                     "waves and are paired.")
        org_parts.append(_change_rows(overlap_frame(values[0], values[1], method=test,
                                                    confidence=confidence), meta, test,
                                      margins))
        minimum = guard.min_group_size
        for attribute in tqdm(by, disable=not progress, desc="group changes"):
            visible = []
            for r in rows:
                sizes = r[attribute].dropna().value_counts()
                mask, reasons = guard.visible_mask(sizes, total=len(r))
                visible.append(set(mask.index[mask]))
                suppressed.extend(SuppressedGroup(attribute, str(g), why)
                                  for g, why in reasons.items())
            for group in sorted(visible[0] & visible[1], key=str):
                ids = [r.loc[r[attribute] == group, "respondent_id"].astype(str) for r in rows]
                tested = overlap_frame(values[0].loc[ids[0]], values[1].loc[ids[1]],
                                       method=test, confidence=confidence)
                tested = tested[(tested["n1"] >= minimum) & (tested["n2"] >= minimum)]
                part = _change_rows(tested, meta, test, margins)
                part.insert(0, "group", str(group))
                part.insert(0, "grouping", attribute)
                group_parts.append(part)
        if segments and workbook.items_of("motivation"):
            before, after, note = _movers(workbook, pair, k=k, seed=seed)
            if note:
                notes.append(note)
            else:
                common = before.index.intersection(after.index)
                n_followed = len(common)
                followed = pd.DataFrame({"respondent_id": common,
                                         "from_segment": before.loc[common].to_numpy(),
                                         "to_segment": after.loc[common].to_numpy()})
                if n_followed:
                    moved = int((before.loc[common] != after.loc[common]).sum())
                    movers_share = moved / n_followed
                    low, high = wilson_interval(moved, n_followed)
                    movers_low, movers_high = float(low), float(high)
                    flows = _flows(before, after, workbook, suppressed)
                labels = sorted(set(before) | set(after), key=str)
                shares = [pd.DataFrame({f"segment share: {s}": (x == s).astype(float)
                                        for s in labels}, index=x.index)
                          for x in (before, after)]
                seg_meta = {f"segment share: {s}": ("segment share", f"Share of people in segment {s}")
                            for s in labels}
                org_parts.append(_change_rows(overlap_frame(shares[0], shares[1], method=test,
                                                            confidence=confidence),
                                              seg_meta, test, margins))
                notes.append(f"Segment movers: fitted on {pair[0]}, {pair[1]} assigned to the "
                             f"same segments; {n_followed} people followed.")
    elif not in_survey:
        notes.append("The survey does not hold both waves; only the network is compared.")

    if all(w in network_waves(workbook) for w in pair):
        net_rows, net_notes = _network_changes(workbook, pair, confidence=confidence,
                                               progress=progress,
                                               smallest_effect=margins[0])
        notes.extend(net_notes)
        if len(net_rows):
            org_parts.append(net_rows)

    changes = _finish(org_parts, list(_CHANGE_COLUMNS), alpha, correction)
    if changes.empty:
        raise InsufficientDataError(f"nothing to compare between waves {pair[0]} and {pair[1]}: "
                                    "no item or network relation is present in both.")
    group_changes = _finish(group_parts, list(_GROUP_CHANGE_COLUMNS), alpha, correction)
    unique = {(s.dimension, s.group, s.reason): s for s in suppressed}
    return WaveComparison(
        from_wave=pair[0], to_wave=pair[1], test=test, alpha=alpha, correction=correction,
        smallest_effect=margins[0], smallest_share_change=margins[1],
        changes=changes, group_changes=group_changes, flows=flows, movers_share=movers_share,
        movers_low=movers_low, movers_high=movers_high, n_followed=n_followed, followed=followed,
        suppressed=tuple(unique.values()), notes=tuple(notes))


def check_margins(*, smallest_effect: float, smallest_share_change: float) -> None:
    """Check the smallest changes of interest; raise ``ConfigError`` naming the bad one."""
    if isinstance(smallest_effect, bool) or not isinstance(smallest_effect, int | float) \
            or not 0 < smallest_effect < 5:
        raise ConfigError("smallest_effect must be a number of standard deviations above 0 "
                          f"(e.g. 0.1), got {smallest_effect!r}.")
    if isinstance(smallest_share_change, bool) \
            or not isinstance(smallest_share_change, int | float) \
            or not 0 < smallest_share_change < 1:
        raise ConfigError("smallest_share_change must be a share between 0 and 1 (e.g. 0.03 "
                          f"for 3 points), got {smallest_share_change!r}.")


def _finish(parts: list[pd.DataFrame], columns: list[str], alpha: float,
            correction: str) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)
    frame["p_adjusted"] = adjust_pvalues(frame["p"], correction)
    frame["significant"] = (frame["p_adjusted"] < alpha).astype(bool)
    raw = equivalence_test(frame["change"], frame["se"], frame["df"], frame["margin"])
    frame["p_equivalent"] = adjust_pvalues(raw, correction)
    small = (frame["change"].abs() < frame["margin"]).fillna(False).to_numpy(dtype=bool)
    frame["verdict"] = classify_changes(frame["significant"],
                                        frame["p_equivalent"].fillna(1.0) < alpha, small)
    order = {k: i for i, k in enumerate(KINDS_OF_CHANGE)}
    frame = frame.assign(_k=frame["kind"].map(order)).sort_values(
        [c for c in ("grouping", "group") if c in frame] + ["_k"], kind="stable")
    return frame[columns].reset_index(drop=True)
