"""The item x group heatmap: every question in every group, each against the rest of the organisation.

Survey platforms' most-used page: one row per question, one column per group of an
attribute (department, location, ...), each cell the group's favourable share (or mean
answer), coloured by how far it lies from the rest of the organisation (the group's
complement). Every cell is tested against its complement and the p-values are adjusted
across the whole table (Holm by default, or Benjamini-Hochberg), so that a table of a
hundred cells does not light up by chance. Cells of a group, or of a complement, under the
minimum group size are withheld by the privacy guard (with the last sibling when it would
give a hidden one away by subtraction).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .comparisons import (
    CORRECTIONS,
    adjust_pvalues,
    newcombe_interval,
    two_proportion_test,
    welch_test,
)
from .errors import ConfigError, InsufficientDataError
from .favourability import DEFAULT_KINDS, favourable_bands, short_label
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .words import plural
from .workbook import KINDS, Workbook

__all__ = ["ItemHeatmap", "item_heatmap", "MEASURES"]

#: What a cell shows: the favourable share or the mean answer.
MEASURES: tuple[str, ...] = ("share", "mean")

_COLUMNS: tuple[str, ...] = (
    "item", "label", "question", "group", "n", "value", "rest_n", "rest_value", "difference",
    "low", "high", "p", "p_adjusted", "significant", "direction")


@dataclass(frozen=True, eq=False)
class ItemHeatmap(DiagnosticResult):
    """Every question x every group of one attribute, each cell against its complement.

    Attributes
    ----------
    attribute
        The attribute whose groups are the columns.
    measure
        ``"share"`` (favourable share) or ``"mean"``.
    correction
        The multiple-comparison correction across the table (``holm`` or ``fdr_bh``...).
    confidence
        Confidence level of the intervals (and ``1 - confidence`` the significance level).
    cells
        One row per visible cell: the columns of :meth:`to_frame`.
    overall
        One row per question: ``item``, ``label``, ``question``, ``n``, ``value`` (the
        organisation).
    """

    key: ClassVar[str] = "heatmap"
    title: ClassVar[str] = "Questions by group"
    method: ClassVar[str] = (
        "Each cell is a group's favourable share (see Favourability for which answers count) "
        "or mean answer to one question, compared with the rest of the organisation (everyone "
        "who answered the question outside the group). Shares: difference with Newcombe's "
        "hybrid score interval and the pooled two-proportion z-test; means: Welch's t-test "
        "and interval. P-values are adjusted across all visible cells of the table (Holm by "
        "default, or Benjamini-Hochberg); a cell is marked when its adjusted p-value is under "
        "1 - confidence. A cell is withheld when the group, or the rest of the organisation, "
        "has fewer answers than the minimum group size, and so is its last visible sibling "
        "when that would give a withheld one away by subtraction.")
    columns: ClassVar[tuple[str, ...]] = _COLUMNS

    attribute: str
    measure: str
    correction: str
    confidence: float
    wave: str
    cells: pd.DataFrame
    overall: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.cells.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {f"heatmap_{self.attribute}": self.to_frame()}

    def matrix(self, column: str = "value") -> pd.DataFrame:
        """The cells as a question x group table (withheld cells missing)."""
        table = self.cells.pivot(index="item", columns="group", values=column)
        order = [i for i in self.overall["item"] if i in table.index]
        return table.loc[order]

    def figure(self) -> Any:
        from .plots.heatmap import heatmap_figure

        return heatmap_figure(self)

    def flagged(self) -> pd.DataFrame:
        """The significant cells, largest differences first."""
        sig = self.cells[self.cells["significant"]]
        return sig.reindex(sig["difference"].abs().sort_values(ascending=False).index)

    def to_json(self) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for r in self.cells.itertuples(index=False):
            cells.setdefault(str(r.item), {})[str(r.group)] = {
                "value": r.value, "n": int(r.n), "difference": r.difference, "low": r.low,
                "high": r.high, "p_adjusted": r.p_adjusted, "significant": bool(r.significant)}
        return jsonable({"attribute": self.attribute, "measure": self.measure,
                         "correction": self.correction, "cells": cells})

    def findings(self) -> list[Finding]:
        flagged = self.flagged()
        if flagged.empty:
            return [Finding(headline=(f"No {self.attribute} stands out from the rest of the "
                                      "organisation on any question, once chance is allowed for."),
                            meaning=("Experiences are broadly shared across the "
                                     f"{plural(2, self.attribute.replace('_', ' '))}: company-wide steps reach "
                                     "everyone alike."),
                            action="Act on the organisation-wide results first.",
                            weight=0.3)]
        pct = round(self.confidence * 100)
        unit = "points" if self.measure == "share" else ""
        found = []
        for r in flagged.head(3).itertuples(index=False):
            scale = 100 if self.measure == "share" else 1
            found.append(Finding(
                headline=(f"{r.group} answers “{r.label}” {r.direction} than the rest of the "
                          "organisation."),
                value=f"{r.difference * scale:+.0f} {unit}".strip() if self.measure == "share"
                else f"{r.difference:+.2f}",
                uncertainty=(f"the gap lies between {abs(r.low * scale):.0f} and "
                             f"{abs(r.high * scale):.0f} points"
                             if self.measure == "share" else
                             f"the gap lies between {abs(r.low):.2f} and {abs(r.high):.2f}"),
                meaning=(f"{r.group} experiences this clearly differently from the rest, "
                         "beyond what chance would explain."
                         if r.direction == "lower" else
                         f"{r.group} does something here that the rest could learn from."),
                action=(f"Discuss this question with {r.group} first: ask what lies behind "
                        "the answers before deciding on a step."
                        if r.direction == "lower" else
                        f"Ask {r.group} what they do differently and share it with the rest."),
                statistics=(f"Difference {r.difference * scale:+.{0 if self.measure == 'share' else 2}f}, "
                            f"{pct}% interval {r.low * scale:+.{0 if self.measure == 'share' else 2}f} "
                            f"to {r.high * scale:+.{0 if self.measure == 'share' else 2}f}; "
                            f"{self.correction}-adjusted p = {r.p_adjusted:.2g}."),
                weight=0.6 if r.direction == "lower" else 0.45))
        return found


def item_heatmap(workbook: Workbook, *, by: str | None = None, measure: str = "share",
                 kinds: Sequence[str] = DEFAULT_KINDS, items: Sequence[str] | None = None,
                 correction: str = "holm", confidence: float = 0.95,
                 wave: str | None = None) -> ItemHeatmap:
    """Every question x every group of ``by``, each cell tested against its complement.

    Parameters
    ----------
    workbook
        A loaded data folder.
    by
        The attribute whose groups are the columns (default ``department`` when the survey
        has it, else its first attribute).
    measure
        ``"share"`` (favourable share, default) or ``"mean"`` (mean answer).
    kinds
        Item kinds shown (default behaviour, energy, outcome).
    items
        Explicit items instead of ``kinds``.
    correction
        ``"holm"`` (default), ``"fdr_bh"`` (Benjamini-Hochberg), ``"bonferroni"`` or
        ``"none"``, across all visible cells.
    confidence
        Confidence level of the intervals; a cell is significant when its adjusted p-value
        is below ``1 - confidence``.
    wave
        The wave (default: the latest).

    Returns
    -------
    ItemHeatmap
        ``to_frame()`` columns: ``item``, ``label`` (the question, shortened), ``question``
        (in full), ``group``, ``n``, ``value``, ``rest_n``, ``rest_value``, ``difference``
        (group - rest), ``low``, ``high``, ``p``, ``p_adjusted``, ``significant``,
        ``direction`` (``higher``, ``lower`` or empty).

    Raises
    ------
    ConfigError
        For an unknown attribute, measure, correction, kind or item.
    InsufficientDataError
        When no group of ``by`` can be shown.

    Examples
    --------
    >>> from diagnostics import load
    >>> heat = item_heatmap(load("data/sample"), by="department")
    >>> cell = heat.to_frame().set_index(["item", "group"]).loc[("b01", "Operations")]
    >>> cell["direction"], bool(cell["significant"])
    ('lower', True)
    >>> "Legal" in set(heat.to_frame()["group"])
    False
    """
    if by is None and workbook.attributes:
        by = "department" if "department" in workbook.attributes else workbook.attributes[0]
    if by is None or by not in workbook.attributes:
        raise ConfigError(f"by: {by!r} is not an attribute of the survey; attributes: "
                          f"{', '.join(workbook.attributes) or 'none'}.")
    if measure not in MEASURES:
        raise ConfigError(f"measure must be one of {', '.join(MEASURES)}, got {measure!r}.")
    if correction not in CORRECTIONS:
        raise ConfigError(f"correction must be one of {', '.join(CORRECTIONS)}, got {correction!r}.")
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ConfigError(f"kinds: {', '.join(map(repr, bad))} is not an item kind; expected "
                          f"some of {', '.join(KINDS)}.")
    book = workbook.codebook
    if items is None:
        chosen = [i for i in workbook.items if book.at[i, "kind"] in set(kinds)]
    else:
        chosen = list(items)
        unknown = [i for i in chosen if i not in book.index]
        if unknown:
            raise ConfigError(f"{plural(len(unknown), 'item').capitalize()} {', '.join(unknown)} are not in the codebook.")
    if not chosen:
        raise InsufficientDataError(f"codebook.csv has no item of kind {', '.join(kinds)}")
    rows = workbook.responses(wave)
    labels = rows[by].astype("string")
    groups = sorted(labels.dropna().unique())
    values = rows[chosen].to_numpy(dtype=float)
    answered = ~np.isnan(values)
    if measure == "share":
        fav = np.array([favourable_bands(book.at[i, "scale_min"], book.at[i, "scale_max"])[0]
                        for i in chosen])
        score = np.where(answered, (values >= fav).astype(float), np.nan)
    else:
        score = values
    total_n = answered.sum(axis=0)
    total_sum = np.nansum(score, axis=0)
    total_sq = np.nansum(score**2, axis=0)
    records = []
    for group in groups:
        in_group = (labels == group).fillna(False).to_numpy()
        n = answered[in_group].sum(axis=0)
        s = np.nansum(score[in_group], axis=0)
        sq = np.nansum(score[in_group] ** 2, axis=0)
        records.append(pd.DataFrame({"item": chosen, "group": str(group), "n": n, "sum": s, "sq": sq}))
    if not records:
        raise InsufficientDataError(f"no respondent has a value for {by}")
    cells = pd.concat(records, ignore_index=True)
    totals: dict[Hashable, int] = dict(zip(chosen, total_n.astype(int), strict=True))
    shown = workbook.guard.apply(cells, by="group", n="n", within="item", totals=totals)
    cells = shown.frame.reset_index(drop=True)
    suppressed = tuple(dict.fromkeys(SuppressedGroup(by, s.group, s.reason) for s in shown.suppressed))
    index = {item: j for j, item in enumerate(chosen)}
    j = cells["item"].map(index).to_numpy(dtype=int)
    n = cells["n"].to_numpy(dtype=float)
    s = cells["sum"].to_numpy(dtype=float)
    sq = cells["sq"].to_numpy(dtype=float)
    rn, rs, rsq = total_n[j] - n, total_sum[j] - s, total_sq[j] - sq
    with np.errstate(invalid="ignore", divide="ignore"):
        value, rest = s / n, rs / rn
        if measure == "share":
            low, high = newcombe_interval(s, n, rs, rn, confidence=confidence)
            p = two_proportion_test(s, n, rs, rn)
        else:
            sd = np.sqrt(np.maximum(sq - n * value**2, 0) / (n - 1))
            rsd = np.sqrt(np.maximum(rsq - rn * rest**2, 0) / (rn - 1))
            p, low, high = welch_test(value, sd, n, rest, rsd, rn, confidence=confidence)
    adjusted = adjust_pvalues(p, correction)
    significant = adjusted < (1 - confidence)
    diff = value - rest
    direction = np.where(significant, np.where(diff < 0, "lower", "higher"), "")
    question = cells["item"].map(lambda i: str(book.at[i, "label"]))
    out = pd.DataFrame({
        "item": cells["item"], "label": question.map(short_label), "question": question,
        "group": cells["group"], "n": n.astype(int), "value": value, "rest_n": rn.astype(int),
        "rest_value": rest, "difference": diff, "low": low, "high": high, "p": p,
        "p_adjusted": adjusted, "significant": significant, "direction": direction})
    if out.empty:
        raise InsufficientDataError(f"every group of {by} is under the minimum group size")
    overall_value = total_sum / np.where(total_n > 0, total_n, np.nan)
    overall = pd.DataFrame({"item": chosen, "label": [short_label(book.at[i, "label"]) for i in chosen],
                            "question": [str(book.at[i, "label"]) for i in chosen],
                            "n": total_n.astype(int), "value": overall_value})
    notes = (f"{len(out)} cells tested, {int(significant.sum())} differ from the rest of the "
             f"organisation after the {correction} correction.",)
    return ItemHeatmap(attribute=by, measure=measure, correction=correction,
                       confidence=confidence, wave=workbook.latest_wave if wave is None else str(wave),
                       cells=out, overall=overall, suppressed=suppressed, notes=notes)
