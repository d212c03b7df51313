"""A small hand-made result for report tests: hostile text, formulas, people, a finding."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd
import plotly.graph_objects as go

from diagnostics import DiagnosticResult, Finding, RunResults, Skipped, Workbook

__all__ = ["FakeResult", "fake_results", "HOSTILE", "FORMULAS"]

HOSTILE = "<script>alert('x')</script> and <img src=x onerror=alert(2)>"
FORMULAS = ["=SUM(A1:A2) overtime", "+31 6 1234", "-minus first", "@mention", "\tTabbed",
            "\rreturn"]


@dataclass(frozen=True)
class FakeResult(DiagnosticResult):
    key: ClassVar[str] = "fake"
    title: ClassVar[str] = "Fake diagnostic"
    method: ClassVar[str] = "Counted by hand from the fake table.\n\nSecond paragraph."
    columns: ClassVar[tuple[str, ...]] = ("group", "value")

    frame: pd.DataFrame
    people: tuple[str, ...]

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def figure(self) -> go.Figure:
        fig = go.Figure(go.Bar(x=self.frame["group"], y=self.frame["value"], name=HOSTILE,
                               hovertext=[HOSTILE] * len(self.frame),
                               error_y={"type": "data", "array": [0.05] * len(self.frame)}))
        fig.update_layout(title=f"<b>Values</b> {HOSTILE}", yaxis_tickformat=".0%")
        return fig

    def figures(self) -> dict[str, go.Figure]:
        people = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], mode="markers+text",
                                      text=list(self.people[:3])))
        return {"main": self.figure(), "people": people}

    def tables(self) -> dict[str, pd.DataFrame]:
        stories = pd.DataFrame({"story": FORMULAS + [HOSTILE], "n": range(len(FORMULAS) + 1)})
        people = pd.DataFrame({"respondent_id": list(self.people), "degree": range(len(self.people))})
        return {"fake values": self.to_frame(), "stories": stories, "people": people}

    def findings(self) -> list[Finding]:
        return [Finding(f"Values are high {HOSTILE}", "62%", "95% CI 55-69%", 0.9),
                Finding("A second, lighter finding", "3", "", 0.4)]

    def to_json(self) -> dict[str, Any]:
        return {"values": self.frame.to_dict(orient="records")}


def fake_results(workbook: Workbook) -> RunResults:
    """The fake result, one skipped diagnostic and one warning, on ``workbook``."""
    frame = pd.DataFrame({"group": ["North", "South", HOSTILE], "value": [0.62, 0.48, 0.55]})
    people = tuple(workbook.survey["respondent_id"].drop_duplicates().head(5))
    return RunResults(workbook, {"fake": FakeResult(frame=frame, people=people),
                                 "tandems": Skipped("tandems", "no initiatives.csv in the data folder")},
                      ("a warning about the data",))
