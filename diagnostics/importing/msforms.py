"""Microsoft Forms exports (XLSX): one header row starting ``ID``, ``Start time``,
``Completion time``, ``Email``, ``Name``; one column per question or Likert statement."""

from __future__ import annotations

from .columns import Layout, code_names, header_columns
from .grid import Grid

_META = {"start time", "completion time", "email", "name", "last modified time",
         "total points", "quiz feedback"}


def detect(grid: Grid) -> bool:
    """Whether the header starts the way Microsoft Forms writes it."""
    first = [c.lower() for c in grid.rows[0][:5]]
    return first[:1] == ["id"] and "start time" in first and "completion time" in first


def parse(grid: Grid) -> Layout:
    """Read the columns of a Microsoft Forms export."""
    columns = header_columns(grid.rows[0], {"id": ("id", "ID"),
                                            **{m: ("metadata", "") for m in _META}})
    for column in columns:
        if column.question.lower().startswith(("points - ", "feedback - ")):
            column.role, column.name = "metadata", column.question
    code_names(columns)
    return Layout("Microsoft Forms (one header row: ID, Start time, Completion time, Email, "
                  "Name, then the questions)", columns, 1)
