"""Viva Glint survey exports: one column per item, with ``_COMMENT``, ``_COMMENT_TOPICS`` and
``_SENSITIVE_COMMENT_FLAG`` columns beside it; ``EMP ID`` and ``Manager ID``."""

from __future__ import annotations

from .columns import Layout, code_names, header_columns
from .grid import Grid

_META = {"first name", "last name", "email", "status", "survey cycle sent date",
         "survey cycle name", "survey name"}
_SUFFIXES = (("_SENSITIVE_COMMENT_FLAG", "sensitive"), ("_COMMENT_TOPICS", "topics"),
             ("_COMMENT", "text"))


def detect(grid: Grid) -> bool:
    """Whether the header has Glint's ``EMP ID`` or its ``_COMMENT`` columns."""
    first = grid.rows[0]
    return any(c.endswith("_COMMENT") for c in first) or "EMP ID" in first


def parse(grid: Grid) -> Layout:
    """Read the columns of a Viva Glint export."""
    columns = header_columns(grid.rows[0], {
        "emp id": ("id", ""), "manager id": ("manager", "manager_id"),
        "survey cycle completion date": ("completed", ""),
        **{m: ("metadata", "") for m in _META}})
    for column in columns:
        text = column.question
        suffix = next(((s, role) for s, role in _SUFFIXES if text.endswith(s)), None)
        if column.role == "answer" and suffix:
            column.role, column.comment_of = suffix[1], text[: -len(suffix[0])]
            column.question = column.comment_of
            if suffix[1] == "topics":
                column.name = text
    code_names([c for c in columns if c.role not in ("text", "sensitive")])
    item_of = {c.question: c.name for c in columns if c.role == "answer"}
    for column in columns:
        if column.role in ("text", "sensitive"):
            column.name = f"{item_of.get(column.comment_of, column.comment_of)}{'_comment' if column.role == 'text' else '_sensitive'}"
    return Layout("Viva Glint (items with _COMMENT, _COMMENT_TOPICS and "
                  "_SENSITIVE_COMMENT_FLAG columns; EMP ID, Manager ID)", columns, 1,
                  numeric_ladder="agreement (5 points)")
