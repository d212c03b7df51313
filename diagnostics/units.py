"""Units of the organisation: one unit against the rest, and managers' reporting lines.

What the per-unit reports (:func:`diagnostics.report.units.write_unit_reports`) build on:
:func:`unit_comparison` compares every question in one unit with the rest of the
organisation, and :func:`reporting_lines` turns ``roster.csv``'s ``manager_id`` into each
manager's whole reporting line (everyone under them, directly or not).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from .errors import ConfigError, DataError, InsufficientDataError, Problem
from .heatmap import item_heatmap
from .results import DiagnosticResult, Finding, jsonable
from .words import count
from .workbook import Workbook

__all__ = ["UnitComparison", "unit_comparison", "reporting_lines", "read_reporting_lines"]
_UNIT = "__unit__"
_REST = "rest of the organisation"


@dataclass(frozen=True, eq=False)
class UnitComparison(DiagnosticResult):
    """Every question in one unit against the rest of the organisation.

    Attributes
    ----------
    unit
        The unit's name.
    cells
        One row per question: ``item``, ``label``, ``question``, ``n``, ``value`` (the unit's
        favourable share), ``rest_n``, ``rest_value``, ``difference``, ``low``, ``high``,
        ``p``, ``p_adjusted``, ``significant``, ``direction``.
    """

    key: ClassVar[str] = "unit_vs_organisation"
    title: ClassVar[str] = "This unit and the rest of the organisation"
    method: ClassVar[str] = (
        "Each question's favourable share in the unit against the rest of the organisation: "
        "difference with Newcombe's interval and the two-proportion z-test, Holm-adjusted "
        "across the questions.")
    columns: ClassVar[tuple[str, ...]] = ("item", "label", "n", "value", "rest_value",
                                          "difference", "low", "high", "p_adjusted",
                                          "significant")

    unit: str
    cells: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.cells.copy()

    def figure(self) -> Any:
        import plotly.graph_objects as go

        from .plots.theme import COLORS, apply_theme

        frame = self.cells.sort_values("difference", kind="stable")
        fig = go.Figure()
        fig.add_bar(y=frame["label"].astype(str), x=frame["difference"] * 100, orientation="h",
                    marker_color=[("#D55E00" if d == "lower" else COLORS[2] if d == "higher"
                                   else "#B0B0B0") for d in frame["direction"]],
                    error_x={"type": "data", "symmetric": False,
                             "array": ((frame["high"] - frame["difference"]) * 100).tolist(),
                             "arrayminus": ((frame["difference"] - frame["low"]) * 100).tolist()},
                    customdata=(frame[["value", "rest_value"]].to_numpy() * 100),
                    hovertemplate=("%{y}<br>this unit %{customdata[0]:.0f}% favourable, rest "
                                   "%{customdata[1]:.0f}%<extra></extra>"), showlegend=False)
        fig.update_layout(xaxis={"title": "difference in % favourable (unit - rest)"},
                          height=max(320, 90 + 26 * len(frame)))
        return apply_theme(fig, title=(f"{self.unit} against the rest of the organisation "
                                       "(coloured: a clear difference)"))

    def to_json(self) -> dict[str, Any]:
        return jsonable({"unit": self.unit, "questions": {
            str(r.item): {"value": r.value, "rest": r.rest_value, "difference": r.difference,
                          "low": r.low, "high": r.high, "significant": bool(r.significant)}
            for r in self.cells.itertuples(index=False)}})

    def findings(self) -> list[Finding]:
        found = []
        for direction, weight in (("lower", 0.75), ("higher", 0.6)):
            part = self.cells[self.cells["direction"] == direction]
            if part.empty:
                continue
            top = part.reindex(part["difference"].abs().sort_values(ascending=False).index).iloc[0]
            found.append(Finding(
                headline=(f"{self.unit} answers {count(len(part), 'question')} {direction} than "
                          f"the rest of the organisation, most of all “{top['label']}”."),
                value=f"{top['difference'] * 100:+.0f} points",
                uncertainty=(f"the gap lies between {abs(top['low']) * 100:.0f} and "
                             f"{abs(top['high']) * 100:.0f} points"),
                meaning=(f"On these questions {self.unit} clearly stands apart from the rest, "
                         "beyond what chance would explain."),
                action=(f"Discuss “{top['label']}” with the team first: ask what lies behind "
                        "the answers before deciding on a step." if direction == "lower" else
                        f"Ask what the team does differently on “{top['label']}” and share it."),
                statistics=(f"Difference {top['difference'] * 100:+.0f} points, 95% interval "
                            f"{top['low'] * 100:+.0f} to {top['high'] * 100:+.0f}."),
                weight=weight))
        if not found:
            found.append(Finding(headline=(f"{self.unit} does not clearly differ from the rest "
                                           "of the organisation on any question."),
                                 meaning="The team's experience matches the organisation's.",
                                 action="Act on the organisation-wide results together.",
                                 weight=0.4))
        return found


def _with_unit(workbook: Workbook, members: set[str], unit: str) -> Workbook:
    survey = workbook.survey.copy()
    survey[_UNIT] = np.where(survey["respondent_id"].isin(members), unit, _REST)
    attributes = (*workbook.attributes, _UNIT)
    order = ["respondent_id", "wave", "is_leader", *attributes, *workbook.items]
    return replace(workbook, survey=survey[order], attributes=attributes)


def unit_comparison(workbook: Workbook, members: set[str], unit: str) -> UnitComparison:
    """Every question of ``unit`` (the respondents ``members``) against the rest of the organisation."""
    heat = item_heatmap(_with_unit(workbook, members, unit), by=_UNIT)
    cells = heat.to_frame()
    cells = cells[cells["group"] == unit].drop(columns=["group"]).reset_index(drop=True)
    if cells.empty:
        raise InsufficientDataError(f"{unit} cannot be compared with the rest of the organisation")
    return UnitComparison(unit=unit, cells=cells)


# --------------------------------------------------------------------------- reporting lines

def reporting_lines(roster: pd.DataFrame) -> dict[str, set[str]]:
    """Each manager's whole reporting line: everyone under them, directly or not.

    Parameters
    ----------
    roster
        ``respondent_id`` and ``manager_id`` (missing for the top).

    Returns
    -------
    dict
        Manager id -> the ids of everyone in their line (the manager not included).

    Raises
    ------
    ConfigError
        When the reporting lines form a loop.

    Examples
    --------
    >>> import pandas as pd
    >>> roster = pd.DataFrame({"respondent_id": ["a", "b", "c", "d"],
    ...                        "manager_id": [None, "a", "b", "b"]})
    >>> {k: sorted(v) for k, v in reporting_lines(roster).items()}
    {'a': ['b', 'c', 'd'], 'b': ['c', 'd']}
    """
    boss = {str(r): str(m) for r, m in zip(roster["respondent_id"], roster["manager_id"], strict=True)
            if pd.notna(m) and str(m).strip() and str(m) != str(r)}
    lines: dict[str, set[str]] = {}
    for person in boss:
        seen: set[str] = set()
        up = boss.get(person)
        while up is not None:
            if up in seen or up == person:
                raise ConfigError(f"roster.csv: the reporting lines above {person} form a loop "
                                  f"(through {up}); fix manager_id.")
            seen.add(up)
            lines.setdefault(up, set()).add(person)
            up = boss.get(up)
    return dict(sorted(lines.items()))


def read_reporting_lines(folder: str | Path) -> dict[str, set[str]]:
    """The reporting lines of ``roster.csv`` in a data folder (see :func:`reporting_lines`)."""
    from .reading import find_table, read_table

    path = find_table(Path(folder), "roster")
    if path is None:
        raise DataError((Problem("roster.csv", "is missing: --by manager needs roster.csv with "
                                 "respondent_id and manager_id (one row per invited person)."),),
                        folder=str(folder))
    table, problems = read_table(path)
    errors = [p for p in problems if p.severity == "error"]
    if table is None or errors:
        raise DataError(errors or problems, folder=str(folder))
    frame = table.frame
    missing = [c for c in ("respondent_id", "manager_id") if c not in frame.columns]
    if missing:
        raise DataError((Problem(path.name, f"has no column {', '.join(missing)}; --by manager "
                                 "needs respondent_id and manager_id.", line=1),),
                        folder=str(folder))
    frame = frame.replace({"": None})
    return reporting_lines(frame)
