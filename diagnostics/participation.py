"""Participation: headcount and response rate per unit and per manager's reporting line.

Needs ``roster.csv`` (one row per invited person: ``respondent_id``, optional
``manager_id``, ``email``, ``wave`` and attributes). A person responded when their
``respondent_id`` has a row in ``survey.csv`` for the wave. Rates go through the privacy
guard: no rate for a unit with fewer invited people than the minimum group size (and none
that would give a hidden unit's figures by subtraction). The non-response check asks, per
attribute, whether the respondents' mix differs from the roster's (Pearson's chi-square on
responded / not responded by group) and names the most over- and under-represented groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from .comparisons import chi_square_independence
from .errors import InsufficientDataError
from .privacy import SuppressedGroup
from .results import DiagnosticResult, Finding, jsonable
from .words import count
from .workbook import Workbook

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["ResponseRates", "response_rates"]


@dataclass(frozen=True)
class ResponseRates(DiagnosticResult):
    """Response rates overall, per group of each roster attribute, and per reporting line.

    Attributes
    ----------
    wave
        The wave whose roster and responses are compared.
    invited, responded
        People on the roster, and those of them who answered.
    by
        One row per attribute and group that may be shown: ``attribute``, ``group``,
        ``invited``, ``responded``, ``rate``.
    lines
        One row per manager whose whole reporting line may be shown: ``manager``
        (pseudonym), ``invited``, ``responded``, ``rate`` (the people below the manager,
        at every depth).
    nonresponse
        One row per attribute: ``attribute``, ``chi2``, ``dof``, ``p``, ``over``, ``under``
        (the shown groups whose rate is furthest above and below the overall rate).
    """

    key: ClassVar[str] = "participation"
    title: ClassVar[str] = "Response rates"
    method: ClassVar[str] = (
        "Invited people come from the list of everyone invited; a person responded when they "
        "answered the survey in that wave. A reporting line is everyone below a manager at every "
        "depth. Rates of units with fewer invited people than the minimum group size are "
        "withheld, with any unit that would give them away by subtraction. Non-response "
        "check: Pearson's chi-square test of independence of responding and group, per "
        "attribute.")
    columns: ClassVar[tuple[str, ...]] = ("attribute", "group", "invited", "responded", "rate")

    wave: str = ""
    invited: int = 0
    responded: int = 0
    by: pd.DataFrame = field(default_factory=pd.DataFrame)
    lines: pd.DataFrame = field(default_factory=pd.DataFrame)
    nonresponse: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rate(self) -> float:
        """The overall response rate."""
        return self.responded / self.invited if self.invited else float("nan")

    def to_frame(self) -> pd.DataFrame:
        """One row per shown group (``attribute``, ``group``, ``invited``, ``responded``, ``rate``)."""
        return self.by[list(self.columns)].reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The groups, the reporting lines and the non-response check."""
        return {"participation": self.to_frame(), "reporting lines": self.lines,
                "non-response": self.nonresponse}

    def figure(self) -> go.Figure:
        """Response rate per group, one bar per shown group."""
        import plotly.graph_objects as go

        from .plots.theme import COLORS, REFERENCE_LINE, apply_theme
        from .words import column_title

        frame = self.to_frame()
        labels = [f"{column_title(a)}: {g}" for a, g in
                  zip(frame["attribute"], frame["group"], strict=True)]
        fig = go.Figure(go.Bar(x=frame["rate"], y=labels, orientation="h",
                               marker_color=COLORS[0],
                               hovertemplate="%{y}: %{x:.0%}<extra></extra>"))
        fig.add_vline(x=self.rate, line=REFERENCE_LINE)
        fig.update_layout(xaxis={"tickformat": ".0%", "range": [0, 1]},
                          yaxis={"autorange": "reversed"})
        return apply_theme(fig, title=f"Response rate by group (overall {self.rate:.0%})",
                           height=max(360, 22 * len(frame) + 160))

    def to_json(self) -> dict[str, Any]:
        """``{"overall": {...}, "by": {attribute: {group: {...}}}, "reporting_lines": {...},
        "nonresponse": {...}}``."""
        by: dict[str, dict[str, dict[str, Any]]] = {}
        for row in self.by.itertuples(index=False):
            by.setdefault(str(row.attribute), {})[str(row.group)] = {
                "invited": int(row.invited), "responded": int(row.responded),
                "rate": float(row.rate)}
        return jsonable({
            "overall": {"invited": self.invited, "responded": self.responded,
                        "rate": self.rate},
            "by": by,
            "reporting_lines": {str(r.manager): {"invited": int(r.invited),
                                                 "responded": int(r.responded),
                                                 "rate": float(r.rate)}
                                for r in self.lines.itertuples(index=False)},
            "nonresponse": {str(r.attribute): {"chi2": r.chi2, "dof": r.dof, "p": r.p,
                                               "over": r.over, "under": r.under}
                            for r in self.nonresponse.itertuples(index=False)},
        })

    def findings(self) -> list[Finding]:
        """The overall rate, and the attribute whose respondents differ most from the roster."""
        high = self.rate >= 0.7
        found = [Finding(
            f"{self.responded} of {self.invited} invited people answered ({self.rate:.0%}).",
            f"{self.rate:.0%}",
            meaning=("Most people took part, so the results speak for the organisation as a "
                     "whole." if high else
                     "A good part of the organisation did not answer: the results speak for "
                     "those who did, who may think differently from those who did not."),
            action=("Thank people for taking part and share the results with everyone within a "
                    "month; that keeps the next response rate up." if high else
                    "Share the results openly and ask the quieter groups why they did not "
                    "answer before the next survey."),
            weight=0.6)]
        skewed = self.nonresponse[self.nonresponse["p"] < 0.05] if len(self.nonresponse) \
            else self.nonresponse
        for row in skewed.itertuples(index=False):
            grouping = str(row.attribute).replace("_", " ")
            found.append(Finding(
                f"The people who answered differ by {grouping} from everyone invited: "
                f"{row.over} answered most, {row.under} least.",
                meaning=(f"Figures by {grouping} rest on more voices from {row.over} than "
                         f"from {row.under}: read those of {row.under} with care."),
                action=f"Ask {row.under} what would make them answer next time.",
                statistics=f"Chi-square test of responding by {grouping}: p = {row.p:.2g}.",
                weight=0.5))
        return found


def _lines(roster: pd.DataFrame, responded: pd.Series) -> pd.DataFrame:
    """Invited and responded below each manager, at every depth (roster is a tree)."""
    parent = dict(zip(roster["respondent_id"], roster["manager_id"], strict=True))
    children: dict[str, list[str]] = {}
    for person, boss in parent.items():
        if isinstance(boss, str) and boss in parent:
            children.setdefault(boss, []).append(person)
    answered = dict(zip(roster["respondent_id"], responded, strict=True))
    rows = []
    for manager in children:
        stack, invited, said = list(children[manager]), 0, 0
        while stack:
            person = stack.pop()
            invited += 1
            said += int(answered[person])
            stack.extend(children.get(person, ()))
        rows.append({"manager_id": manager, "invited": invited, "responded": said,
                     "children": children[manager]})
    return pd.DataFrame(rows, columns=["manager_id", "invited", "responded", "children"])


def response_rates(workbook: Workbook, *, wave: str | None = None) -> ResponseRates:
    """Headcount and response rate per unit and per manager's reporting line.

    Parameters
    ----------
    workbook
        A loaded data folder with ``roster.csv``.
    wave
        The wave to compare (default: the latest wave of the survey).

    Returns
    -------
    ResponseRates
        ``.to_frame()``: ``attribute``, ``group``, ``invited``, ``responded``, ``rate``.

    Raises
    ------
    InsufficientDataError
        Without roster.csv, or when the roster has nobody for the wave.

    Examples
    --------
    >>> from diagnostics import load
    >>> result = response_rates(load("data/sample"))
    >>> result.wave, result.invited, result.responded
    ('2025-H2', 566, 470)
    >>> "Legal" in set(result.to_frame()["group"])
    False
    """
    roster = workbook.roster
    if roster is None or roster.empty:
        raise InsufficientDataError("no roster.csv in the data folder")
    wave = wave or workbook.waves[-1]
    if roster["wave"].notna().any():
        roster = roster[roster["wave"] == wave]
    if roster.empty:
        raise InsufficientDataError(f"the roster lists nobody for wave {wave}")
    roster = roster.reset_index(drop=True)
    said = set(workbook.survey.loc[workbook.survey["wave"] == wave, "respondent_id"])
    responded = roster["respondent_id"].isin(said)
    guard = workbook.guard
    attributes = [c for c in roster.columns if c not in ("respondent_id", "wave", "manager_id")]
    total = len(roster)
    parts, withheld, checks = [], [], []
    for attribute in attributes:
        groups = roster[attribute].fillna("(none)")
        table = pd.DataFrame({"group": groups, "responded": responded}).groupby(
            "group", sort=True)["responded"].agg(invited="size", responded="sum").reset_index()
        table["rate"] = table["responded"] / table["invited"]
        table.insert(0, "attribute", attribute)
        shown = guard.apply(table, by="group", n="invited", totals=total)
        parts.append(shown.frame)
        withheld += [SuppressedGroup(attribute, s.group, s.reason) for s in shown.suppressed]
        stat, dof, p = chi_square_independence(
            table[["responded"]].assign(no=table["invited"] - table["responded"]).to_numpy())
        visible = shown.frame.sort_values(["rate", "group"])
        checks.append({"attribute": attribute, "chi2": stat, "dof": dof, "p": p,
                       "over": visible["group"].iloc[-1] if len(visible) else None,
                       "under": visible["group"].iloc[0] if len(visible) else None})
    by = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=list(ResponseRates.columns))
    lines = _lines(roster, responded)
    minimum = guard.threshold()
    shown_lines = set(lines.loc[lines["invited"] >= minimum, "manager_id"])
    size = dict(zip(lines["manager_id"], lines["invited"], strict=True))
    for row in lines.itertuples(index=False):
        for child in row.children:
            if row.manager_id in shown_lines and child in shown_lines \
                    and 0 < row.invited - size[child] < minimum:
                shown_lines.discard(row.manager_id)
    hidden_lines = len(lines) - len(shown_lines)
    lines = lines[lines["manager_id"].isin(shown_lines)].copy()
    lines["rate"] = lines["responded"] / lines["invited"]
    lines.insert(0, "manager", guard.pseudonymise(lines["manager_id"]))
    lines = lines.drop(columns=["manager_id", "children"]).sort_values(
        "invited", ascending=False).reset_index(drop=True)
    notes = [f"Wave {wave}: {int(responded.sum())} of {total} invited people answered."]
    if hidden_lines:
        notes.append(f"{count(hidden_lines, 'reporting line')} withheld: fewer than {minimum} "
                     "people, or their figures would give a smaller line away.")
    outside = sorted(said - set(roster["respondent_id"]))
    warnings = ([f"{count(len(outside), 'respondent')} of wave {wave} "
                 f"{'is' if len(outside) == 1 else 'are'} not on the roster; the "
                 "rates count only the people of the roster."] if outside else [])
    return ResponseRates(wave=wave, invited=total, responded=int(responded.sum()), by=by,
                         lines=lines, nonresponse=pd.DataFrame(checks, columns=[
                             "attribute", "chi2", "dof", "p", "over", "under"]),
                         suppressed=tuple(withheld), notes=tuple(notes),
                         warnings=tuple(warnings))
