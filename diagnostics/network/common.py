"""Helpers shared by the network diagnostics: survey scores of people, labels, outlier scores."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..privacy import PrivacyGuard
from ..workbook import Workbook, answered_enough

__all__ = ["energy_scores", "person_labels", "robust_z", "survey_wave", "attribute_of"]


def survey_wave(workbook: Workbook, wave: str | None) -> str:
    """The survey wave that goes with a network wave (the latest when it is not a survey wave)."""
    return wave if wave is not None and wave in workbook.waves else workbook.latest_wave


def energy_scores(workbook: Workbook, wave: str | None) -> tuple[pd.Series, int, str]:
    """Each respondent's energy (passion) score: the mean of the energy items.

    Returns the scores (indexed by respondent id; on the items' scale when they share one,
    else on 0-1), how many respondents were left out for too many missing answers, and
    the scale in words. Empty when the codebook has no energy items.
    """
    items = workbook.items_of("energy")
    if not items:
        return pd.Series(dtype=float), 0, ""
    rows = workbook.responses(survey_wave(workbook, wave))
    kept, dropped = answered_enough(rows, items)
    book = workbook.codebook.loc[items]
    lo, hi = book["scale_min"], book["scale_max"]
    values = kept[items]
    if lo.nunique() == 1 and hi.nunique() == 1:
        scale = f"{lo.iloc[0]:g}-{hi.iloc[0]:g}"
    else:
        values = (values - lo) / (hi - lo)
        scale = "0-1"
    score = pd.Series(values.mean(axis=1).to_numpy(), index=kept["respondent_id"].to_numpy(),
                      dtype=float)
    return score, dropped, scale


def attribute_of(workbook: Workbook, attribute: str, ids: Iterable[str]) -> pd.Series:
    """Each person's value of a survey attribute (latest wave), aligned with ``ids``."""
    ids = list(ids)
    if attribute not in workbook.attributes:
        return pd.Series(pd.NA, index=ids, dtype=object)
    return workbook.people[attribute].reindex(ids)


def person_labels(guard: PrivacyGuard, ids: Iterable[str], names: bool) -> list[str]:
    """Pseudonyms of people (their ids when ``names``)."""
    ids = list(ids)
    return [str(i) for i in ids] if names else guard.pseudonymise(ids)


def robust_z(values: np.ndarray) -> np.ndarray:
    """Robust z-scores of ``log(1 + values)``: distance from the median in scaled MADs.

    The MAD is scaled by 1.4826 (a standard deviation under normality); when more than half
    of the values are equal (MAD 0), the mean absolute deviation (scaled by 1.2533) is used.
    Returns zeros when every value is the same.
    """
    x = np.log1p(np.asarray(values, dtype=float))
    if x.size == 0:
        return x
    med = np.median(x)
    spread = 1.4826 * np.median(np.abs(x - med))
    if spread <= 0:
        spread = 1.2533 * np.mean(np.abs(x - med))
    if spread <= 0:
        return np.zeros_like(x)
    return (x - med) / spread
