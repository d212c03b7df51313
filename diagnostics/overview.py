"""First look at a data folder: who answered, and how each item was answered."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from .errors import ConfigError
from .results import DiagnosticResult, jsonable
from .words import natural_order
from .workbook import Workbook

__all__ = ["Participation", "ItemDistribution", "participation", "item_distribution"]


@dataclass(frozen=True)
class Participation(DiagnosticResult):
    """Respondents per wave and group (groups below the privacy minimum withheld).

    Attributes
    ----------
    by
        The attribute the respondents are grouped by.
    counts
        Columns ``wave``, the ``by`` attribute, ``n`` (respondents) and ``share`` (of the
        wave's respondents); withheld groups are absent.
    """

    #: Not the contract's ``participation`` (response rates from roster.csv, in
    #: :mod:`diagnostics.participation`): this counts respondents only.
    key: ClassVar[str] = "respondents"
    title: ClassVar[str] = "Participation"
    method: ClassVar[str] = ("Respondents per wave and group; a group is shown only when it "
                             "and the rest of its wave both reach the privacy minimum.")

    by: str
    counts: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.counts.copy()

    def figure(self) -> Any:
        from .plots.overview import participation_figure

        return participation_figure(self)

    def to_json(self) -> dict[str, Any]:
        return jsonable({"by": self.by, "counts": self.counts.to_dict(orient="records")})


@dataclass(frozen=True)
class ItemDistribution(DiagnosticResult):
    """How one item was answered, overall or per group.

    Attributes
    ----------
    item, label
        The item and its question text.
    by
        The grouping attribute, or ``None`` for the whole organisation.
    counts
        Columns ``group``, ``answer``, ``count``, ``share`` (of the group's answers),
        ``n`` (the group's answers); withheld groups are absent.
    means
        Columns ``group``, ``n``, ``mean``, ``sd``.
    """

    key: ClassVar[str] = "item_distribution"
    title: ClassVar[str] = "Item distribution"
    method: ClassVar[str] = ("Share of each answer among those who answered the item (after "
                             "reverse-coding); groups below the privacy minimum withheld.")

    item: str
    label: str
    by: str | None
    counts: pd.DataFrame
    means: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.counts.copy()

    def figure(self) -> Any:
        from .plots.overview import distribution_figure

        return distribution_figure(self)

    def to_json(self) -> dict[str, Any]:
        return jsonable({"item": self.item, "by": self.by,
                         "means": self.means.to_dict(orient="records")})


def participation(workbook: Workbook, *, by: str) -> Participation:
    """Respondents per wave and per group of ``by``, through the privacy guard.

    Parameters
    ----------
    workbook
        A loaded data folder.
    by
        An attribute column (``department``, ``level``, ...).

    Returns
    -------
    Participation
        ``to_frame()`` columns: ``wave``, ``by``, ``n``, ``share``.

    Examples
    --------
    >>> from diagnostics import load
    >>> p = participation(load("data/sample"), by="department")
    >>> set(p.to_frame().columns) == {"wave", "department", "n", "share"}
    True
    """
    if by not in workbook.attributes:
        raise ConfigError(f"{by!r} is not an attribute of the survey; attributes: "
                          f"{', '.join(workbook.attributes)}.")
    s = workbook.survey
    counts = s.groupby(["wave", by], dropna=True).size().rename("n").reset_index()
    totals = s.groupby("wave").size()
    # groups below the minimum are counted together as "Other (small groups)", so that a
    # small group does not hide a large sibling
    guarded = workbook.guard.apply(counts, by=[by], n="n", within="wave",
                                   totals=totals.to_dict(), pool=["n"])
    shown = guarded.frame
    shown["share"] = shown["n"].astype(float) / shown["wave"].map(totals).astype(float)  # empty when all hidden
    rank = {v: i for i, v in enumerate(natural_order(shown[by].astype(str)))}
    waves = {w: i for i, w in enumerate(workbook.waves)}
    shown = shown.assign(_w=shown["wave"].map(waves), _g=shown[by].astype(str).map(rank))
    shown = shown.sort_values(["_w", "_g"], kind="stable").drop(columns=["_w", "_g"])
    return Participation(by=by, counts=shown.reset_index(drop=True), suppressed=guarded.suppressed)


def item_distribution(workbook: Workbook, *, item: str, by: str | None = None,
                      wave: str | None = None) -> ItemDistribution:
    """Answer distribution of one item, overall or per group, through the privacy guard.

    Parameters
    ----------
    workbook
        A loaded data folder.
    item
        An item of the codebook.
    by
        An attribute to split by, or ``None``.
    wave
        The wave (default: the latest).

    Returns
    -------
    ItemDistribution
        ``to_frame()`` columns: ``group``, ``answer``, ``count``, ``share``, ``n``.

    Examples
    --------
    >>> from diagnostics import load
    >>> wb = load("data/sample")
    >>> d = item_distribution(wb, item=wb.items[0], by="department")
    >>> bool((d.to_frame().groupby("group")["share"].sum().round(6) == 1).all())
    True
    """
    if item not in workbook.codebook.index:
        raise ConfigError(f"{item!r} is not an item of the codebook.")
    if by is not None and by not in workbook.attributes:
        raise ConfigError(f"{by!r} is not an attribute of the survey; attributes: "
                          f"{', '.join(workbook.attributes)}.")
    rows = workbook.responses(wave)
    answered = rows[rows[item].notna()]
    group = answered[by] if by is not None else pd.Series("All", index=answered.index)
    frame = pd.DataFrame({"group": group.astype(object), "answer": answered[item]})
    frame = frame[frame["group"].notna()]
    means = frame.groupby("group")["answer"].agg(n="size", mean="mean", sd="std").reset_index()
    guarded = workbook.guard.apply(means, by="group", n="n", totals=len(answered))
    means = guarded.frame.reset_index(drop=True)
    frame = frame[frame["group"].isin(set(means["group"]))]
    counts = frame.groupby(["group", "answer"]).size().rename("count").reset_index()
    counts["n"] = counts.groupby("group")["count"].transform("sum")
    counts["share"] = counts["count"] / counts["n"]
    label = str(workbook.codebook.at[item, "label"])
    return ItemDistribution(item=item, label=label, by=by, counts=counts, means=means,
                            suppressed=guarded.suppressed)
