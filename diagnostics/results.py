"""The one shape every diagnostic returns: an immutable result with a table and a figure."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from .privacy import SuppressedGroup
from .words import count

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["DiagnosticResult", "Finding", "Skipped", "jsonable"]


@dataclass(frozen=True)
class Finding:
    """One finding of the executive summary: what was found, what it means, what to do.

    Written for a chief executive: plain words, question text instead of item codes, the
    uncertainty in words; the statistics go in ``statistics`` (a footnote of the report).

    Attributes
    ----------
    headline
        The finding in plain words (never a person's name, never a figure about a
        suppressed group, never an item code).
    value
        The number the finding rests on, already formatted (e.g. ``"62%"``).
    uncertainty
        How sure the number is, in words (e.g. ``"between 55% and 69%"``), or ``""``.
    weight
        How much it matters, 0-1; the summary shows the heaviest findings first.
    meaning
        What it means for the organisation (one sentence), or ``""``.
    action
        One recommended action, or ``""``.
    statistics
        The statistics behind it (intervals, tests, p-values) for the footnote, or ``""``.
    figure
        The name (in ``figures()``) of the figure that shows it; ``""``: the first.
    """

    headline: str
    value: str = ""
    uncertainty: str = ""
    weight: float = 0.5
    meaning: str = ""
    action: str = ""
    statistics: str = ""
    figure: str = ""


@dataclass(frozen=True)
class Skipped:
    """A diagnostic that did not run, with a one-line reason."""

    key: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"skipped": self.reason}


def jsonable(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers to plain JSON types (NaN -> None)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [jsonable(v) for v in items]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


@dataclass(frozen=True)
class DiagnosticResult:
    """Base class of every diagnostic's result.

    Subclasses are frozen dataclasses that hold the numbers as attributes and set the
    class variables ``key`` (the contract's JSON key) and ``title``. They implement
    :meth:`to_frame`, :meth:`figure` and :meth:`to_json`, and may extend
    :meth:`tables` (every table behind the figures, for Excel) and :meth:`findings`
    (sentences for the executive summary).
    """

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: How the figures are computed, for the report's methods appendix.
    method: ClassVar[str] = ""
    #: The documented columns of :meth:`to_frame` (the contract test checks them).
    columns: ClassVar[tuple[str, ...]] = ()

    suppressed: tuple[SuppressedGroup, ...] = field(default=(), kw_only=True)
    notes: tuple[str, ...] = field(default=(), kw_only=True)
    warnings: tuple[str, ...] = field(default=(), kw_only=True)

    def to_frame(self) -> pd.DataFrame:  # pragma: no cover - abstract
        """The tidy table of the result (one row per unit, documented columns)."""
        raise NotImplementedError

    def figure(self) -> go.Figure:  # pragma: no cover - abstract
        """The main plotly figure of the result."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:  # pragma: no cover - abstract
        """The result in the JSON shape of the contract (plain types only)."""
        raise NotImplementedError

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table behind the figures, by a short sheet name; default: the main table."""
        return {self.key or type(self).__name__: self.to_frame()}

    def figures(self) -> dict[str, go.Figure]:
        """Every figure the report shows for this result, by a short name; default: the main one."""
        return {"main": self.figure()}

    def findings(self) -> list[Finding]:
        """Sentences for the executive summary; default none."""
        return []

    def quotations(self) -> list[tuple[str, str]]:
        """Free-text quotes the report may show, as (what it is about, text); default none.

        Only text that passed the free-text minimum of the privacy guard belongs here.
        """
        return []

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        head = f"<h4>{html.escape(self.title or type(self).__name__)}</h4>"
        notes = "".join(f"<p><em>{html.escape(n)}</em></p>" for n in self.notes)
        if self.suppressed:
            notes += (f"<p><em>{count(len(self.suppressed), 'group figure')} withheld by the privacy "
                      "guard.</em></p>")
        table: str = frame.head(50).to_html(index=False, escape=True, na_rep="")
        return head + notes + table
