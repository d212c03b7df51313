"""Favourability: the share of favourable, neutral and unfavourable answers to every question.

The first page of every survey platform's report: for each question, how many answered on
the favourable side, how many in the middle and how many on the unfavourable side, sorted,
for the organisation and for each group. Answers are already reverse-coded, so the top of
the scale is always the favourable end.

Which answers count as favourable (:func:`favourable_bands`)
-------------------------------------------------------------
- 5-point scales: the top two (4-5) favourable, the middle (3) neutral, the bottom two (1-2)
  unfavourable: the "top-2 box" of the field.
- Other scales with an odd number of points (3, 7, 9): every answer above the middle
  favourable, the middle neutral, every answer below unfavourable (on 1-7: 5-7, 4, 1-3).
- Scales with an even number of points under 10 (4, 6, 8): the upper half favourable, the
  lower half unfavourable, no neutral.
- 10- and 11-point scales (1-10, 0-10): the Net Promoter bands, the top two points (9-10)
  favourable, the next two (7-8) neutral, the rest unfavourable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .comparisons import wilson_interval
from .errors import ConfigError, InsufficientDataError
from .labels import short_label
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .words import between, plural
from .workbook import KINDS, Workbook

__all__ = ["Favourability", "favourability", "favourable_bands", "short_label",
           "DEFAULT_KINDS"]

#: The item kinds shown by default: the ones where a higher answer is better.
DEFAULT_KINDS: tuple[str, ...] = ("behaviour", "energy", "outcome")

_COLUMNS: tuple[str, ...] = ("item", "label", "kind", "group", "n", "favourable", "neutral",
                             "unfavourable", "favourable_low", "favourable_high", "mean")


def favourable_bands(scale_min: float, scale_max: float) -> tuple[float, float]:
    """The lowest favourable answer and the highest unfavourable answer of a scale.

    Answers strictly between the two are neutral. See the module documentation for the rule.

    Examples
    --------
    >>> favourable_bands(1, 5), favourable_bands(1, 7), favourable_bands(0, 10)
    ((4.0, 2.0), (5.0, 3.0), (9.0, 6.0))
    >>> favourable_bands(1, 4), favourable_bands(1, 10)
    ((3.0, 2.0), (9.0, 6.0))
    """
    lo, hi = float(scale_min), float(scale_max)
    points = int(round(hi - lo)) + 1
    if points < 2:
        raise ConfigError(f"a scale needs at least two points, got {scale_min}-{scale_max}.")
    if points in (10, 11):
        return hi - 1, hi - 4
    if points == 5:
        return hi - 1, lo + 1
    mid = (lo + hi) / 2
    if points % 2:  # odd: the middle point is neutral
        return mid + 1, mid - 1
    return float(np.floor(mid)) + 1.0, float(np.floor(mid))


def _bands(values: np.ndarray, fav: float, unfav: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    answered = ~np.isnan(values)
    return answered & (values >= fav), answered & (values > unfav) & (values < fav), \
        answered & (values <= unfav)


@dataclass(frozen=True, eq=False)
class Favourability(DiagnosticResult):
    """Favourable, neutral and unfavourable shares per question, overall and by group.

    Attributes
    ----------
    wave
        The wave analysed.
    confidence
        Confidence level of the Wilson intervals.
    items
        One row per question (``group`` = ``"all"``), sorted from most to least favourable:
        the columns of :meth:`to_frame`.
    groups
        The same per group of each attribute in ``by`` (with an ``attribute`` column),
        groups that fail the privacy guard left out.
    """

    key: ClassVar[str] = "favourability"
    title: ClassVar[str] = "Favourability"
    method: ClassVar[str] = (
        "For each question, the share of respondents who answered on the favourable side, in "
        "the middle and on the unfavourable side (answers already reverse-coded). 5-point "
        "scales: top two favourable, middle neutral, bottom two unfavourable; other odd "
        "scales (e.g. 1-7): above the middle favourable (5-7), the middle neutral; even "
        "scales: the upper half favourable; 10- and 11-point scales: 9-10 favourable, 7-8 "
        "neutral, the rest unfavourable (the Net Promoter bands). The favourable share has a "
        "Wilson interval. Groups below the minimum size, or whose complement is, are withheld.")
    columns: ClassVar[tuple[str, ...]] = _COLUMNS

    wave: str
    confidence: float
    items: pd.DataFrame
    groups: pd.DataFrame
    by: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        return self.items.copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"favourability": self.to_frame()}
        if len(self.groups):
            out["favourability_by_group"] = self.groups.copy()
        return out

    def figure(self, attribute: str | None = None, group: str | None = None) -> Any:
        from .plots.favourability import favourability_figure

        return favourability_figure(self, attribute=attribute, group=group)

    def figures(self) -> dict[str, Any]:
        return {"main": self.figure()}

    def to_json(self) -> dict[str, Any]:
        items = {str(r.item): {"favourable": r.favourable, "neutral": r.neutral,
                               "unfavourable": r.unfavourable, "n": int(r.n)}
                 for r in self.items.itertuples(index=False)}
        by: dict[str, Any] = {}
        for r in self.groups.itertuples(index=False):
            by.setdefault(str(r.attribute), {}).setdefault(str(r.group), {})[str(r.item)] = {
                "favourable": r.favourable, "n": int(r.n)}
        return jsonable({"items": items, "by": by})

    def findings(self) -> list[Finding]:
        if self.items.empty:
            return []
        pct = round(self.confidence * 100)
        best, worst = self.items.iloc[0], self.items.iloc[-1]
        return [
            Finding(headline=(f"Most favourable: “{best['label']}”, with "
                              f"{best['favourable']:.0%} answering favourably."),
                    value=f"{best['favourable']:.0%}",
                    uncertainty=between(best["favourable_low"], best["favourable_high"]),
                    meaning="A strength people recognise: something to keep and build on.",
                    action="Name this strength when sharing the results, and protect it in "
                           "the changes ahead.",
                    statistics=(f"{pct}% Wilson interval {best['favourable_low']:.0%}-"
                                f"{best['favourable_high']:.0%}; n = {int(best['n'])}."),
                    weight=0.4),
            Finding(headline=(f"Least favourable: “{worst['label']}”, with "
                              f"{worst['favourable']:.0%} answering favourably and "
                              f"{worst['unfavourable']:.0%} unfavourably."),
                    value=f"{worst['favourable']:.0%}",
                    uncertainty=between(worst["favourable_low"], worst["favourable_high"]),
                    meaning="The question where the most people see room for improvement.",
                    action="Ask teams what would make the biggest difference here, and report "
                           "back on one step taken.",
                    statistics=(f"{pct}% Wilson interval {worst['favourable_low']:.0%}-"
                                f"{worst['favourable_high']:.0%}; n = {int(worst['n'])}."),
                    weight=0.55),
        ]


def _table(rows: pd.DataFrame, workbook: Workbook, items: Sequence[str],
           confidence: float) -> pd.DataFrame:
    book = workbook.codebook
    records = []
    for item in items:
        values = rows[item].to_numpy(dtype=float)
        fav, unfav = favourable_bands(book.at[item, "scale_min"], book.at[item, "scale_max"])
        f, m, u = _bands(values, fav, unfav)
        n = int((~np.isnan(values)).sum())
        records.append({"item": item, "label": str(book.at[item, "label"]),
                        "kind": str(book.at[item, "kind"]), "n": n,
                        "k_fav": int(f.sum()), "k_neu": int(m.sum()), "k_unf": int(u.sum()),
                        "mean": float(np.nanmean(values)) if n else np.nan})
    out = pd.DataFrame(records)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["favourable"] = out["k_fav"] / out["n"]
        out["neutral"] = out["k_neu"] / out["n"]
        out["unfavourable"] = out["k_unf"] / out["n"]
    low, high = wilson_interval(out["k_fav"], out["n"], confidence=confidence)
    out["favourable_low"], out["favourable_high"] = low, high
    return out.drop(columns=["k_fav", "k_neu", "k_unf"])


def favourability(workbook: Workbook, *, by: str | Sequence[str] | None = None,
                  kinds: Sequence[str] = DEFAULT_KINDS, items: Sequence[str] | None = None,
                  wave: str | None = None, confidence: float = 0.95) -> Favourability:
    """Favourable, neutral and unfavourable shares of every question, overall and by group.

    Parameters
    ----------
    workbook
        A loaded data folder.
    by
        Attribute(s) for the per-group bars (default: every attribute of the survey).
    kinds
        Item kinds shown (default behaviour, energy, outcome: the kinds where higher is better).
    items
        Explicit items instead of ``kinds``.
    wave
        The wave (default: the latest).
    confidence
        Confidence level of the Wilson interval of the favourable share.

    Returns
    -------
    Favourability
        ``to_frame()`` columns: ``item``, ``label``, ``kind``, ``group`` (``"all"``), ``n``,
        ``favourable``, ``neutral``, ``unfavourable``, ``favourable_low``,
        ``favourable_high``, ``mean``; sorted from most to least favourable.

    Raises
    ------
    ConfigError
        For an unknown kind, item, attribute or confidence.
    InsufficientDataError
        When no item of the chosen kinds exists.

    Examples
    --------
    >>> from diagnostics import load
    >>> fav = favourability(load("data/sample"))
    >>> row = fav.to_frame().iloc[0]
    >>> round(float(row["favourable"] + row["neutral"] + row["unfavourable"]), 6)
    1.0
    >>> "Legal" in set(fav.groups["group"])
    False
    """
    if not 0 < confidence < 1:
        raise ConfigError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ConfigError(f"kinds: {', '.join(map(repr, bad))} is not an item kind; expected "
                          f"some of {', '.join(KINDS)}.")
    if items is None:
        chosen = [i for i in workbook.items if workbook.codebook.at[i, "kind"] in set(kinds)]
    else:
        chosen = list(items)
        unknown = [i for i in chosen if i not in workbook.codebook.index]
        if unknown:
            raise ConfigError(f"{plural(len(unknown), 'item').capitalize()} {', '.join(unknown)} are not in the codebook.")
    if not chosen:
        raise InsufficientDataError(f"codebook.csv has no item of kind {', '.join(kinds)}")
    attributes = list(workbook.attributes) if by is None else ([by] if isinstance(by, str) else list(by))
    unknown = [a for a in attributes if a not in workbook.attributes]
    if unknown:
        raise ConfigError(f"by: {', '.join(map(repr, unknown))} is not an attribute of the survey; "
                          f"attributes: {', '.join(workbook.attributes) or 'none'}.")
    rows = workbook.responses(wave)
    overall = _table(rows, workbook, chosen, confidence)
    overall.insert(3, "group", "all")
    overall = overall.sort_values(["favourable", "unfavourable"], ascending=[False, True],
                                  kind="stable").reset_index(drop=True)[list(_COLUMNS)]
    guard = workbook.guard
    totals = overall.set_index("item")["n"].to_dict()
    parts: list[pd.DataFrame] = []
    suppressed: list[SuppressedGroup] = []
    for attribute in attributes:
        labels = rows[attribute].astype("string")
        tables = []
        for group in sorted(labels.dropna().unique()):
            sub = rows[(labels == group).fillna(False).to_numpy()]
            table = _table(sub, workbook, chosen, confidence)
            table.insert(3, "group", str(group))
            table.insert(0, "attribute", attribute)
            tables.append(table)
        if not tables:
            continue
        # per question: small groups, groups whose rest is small, and their last sibling
        shown = guard.apply(pd.concat(tables, ignore_index=True), by="group", n="n",
                            within="item", totals=totals)
        parts.append(shown.frame)
        suppressed.extend(dict.fromkeys(
            SuppressedGroup(attribute, s.group.split(" / ")[-1], s.reason) for s in shown.suppressed))
    groups = (pd.concat(parts, ignore_index=True) if parts
              else pd.DataFrame(columns=["attribute", *_COLUMNS]))
    return Favourability(wave=workbook.latest_wave if wave is None else str(wave),
                         confidence=confidence, items=overall, groups=groups,
                         by=tuple(attributes), suppressed=tuple(suppressed))
