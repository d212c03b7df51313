"""Google Forms exports (CSV): one header row starting ``Timestamp``; a grid question is one
column per row, ``Question [Row]``."""

from __future__ import annotations

import re

from .columns import Layout, code_names, header_columns
from .grid import Grid

_META = {"timestamp", "email address", "score", "username"}
_GRID = re.compile(r"^(.*\S)\s*\[(.+)\]$")


def detect(grid: Grid) -> bool:
    """Whether the header starts with Google Forms' ``Timestamp``."""
    return grid.cell(0, 0).lower() == "timestamp"


def parse(grid: Grid) -> Layout:
    """Read the columns of a Google Forms export."""
    columns = header_columns(grid.rows[0], {m: ("metadata", "") for m in _META})
    for column in columns:
        found = _GRID.match(column.question)
        if column.role == "answer" and found:
            column.question, column.statement, column.group = found[1], found[2], found[1]
    code_names(columns)
    return Layout("Google Forms (one header row starting Timestamp; grid rows as "
                  "`Question [Row]`)", columns, 1,
                  notes=["Google Forms gives no response id: respondent ids R0001, R0002, ... "
                         "were made in the order of the rows."])
