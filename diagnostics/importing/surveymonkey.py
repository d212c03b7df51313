"""SurveyMonkey exports: two header rows (the question in row one over blank cells, its
answers or statements in row two), often in Windows-1252."""

from __future__ import annotations

from .columns import Column, Layout, code_names
from .grid import Grid

_META = {"collector id", "start date", "end date", "ip address", "email address",
         "first name", "last name", "custom data", "custom data 1", "custom data 2"}
_SINGLE = {"", "response", "open-ended response"}


def detect(grid: Grid) -> bool:
    """Whether the first row has SurveyMonkey's ``Respondent ID`` and ``Collector ID``."""
    first = {c.lower() for c in grid.rows[0]}
    return "respondent id" in first and "collector id" in first and len(grid.rows) >= 2


def parse(grid: Grid) -> Layout:
    """Read the columns of a SurveyMonkey export."""
    columns: list[Column] = []
    question = ""
    width = max(len(grid.rows[0]), len(grid.rows[1]))
    for i in range(width):
        top, sub = grid.cell(0, i), grid.cell(1, i)
        if top:
            question = top
        column = Column(i, "", question, group=f"{question}#{i if top else ''}")
        low = question.lower()
        if low == "respondent id":
            column.role, column.name = "id", "Respondent ID"
        elif low in _META or low.startswith("custom data"):
            column.role, column.name = "metadata", question
        elif sub.lower() == "open-ended response" or sub.lower().startswith("other (please"):
            column.role = "text"
        if sub.lower() not in _SINGLE:
            column.statement = sub
        columns.append(column)
    # A question's columns share the group of its first column.
    group = ""
    for column, i in zip(columns, range(width), strict=True):
        if grid.cell(0, i):
            group = column.group
        column.group = group
    sizes: dict[str, int] = {}
    for column in columns:
        sizes[column.group] = sizes.get(column.group, 0) + 1
    for column in columns:
        if sizes[column.group] < 2:
            column.group = ""
    code_names(columns)
    return Layout("SurveyMonkey (two header rows: questions, then answers or statements)",
                  columns, 2)
