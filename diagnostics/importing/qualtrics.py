"""Qualtrics exports: the current layout (three header rows, ``{"ImportId": ...}``), the 2017
layout (``{'ImportId': ...}`` in single quotes) and the legacy layout (``V1``..``V10`` codes in
row one, question text in row two)."""

from __future__ import annotations

import json
import re

from .columns import Column, Layout, common_question
from .grid import Grid

_ID_KEYS = {"_recordid", "responseid"}
_ROLES = {"finished": "finished", "progress": "progress", "status": "status"}
_LEGACY_META = {"responseset", "name", "externaldatareference", "emailaddress", "ipaddress",
                "startdate", "enddate", "locationlatitude", "locationlongitude",
                "locationaccuracy"}


def _import_id(cell: str) -> str | None:
    text = cell.strip()
    if not text.startswith("{") or "ImportId" not in text:
        return None
    try:
        value = json.loads(text.replace("'", '"') if text.startswith("{'") else text)
    except ValueError:
        found = re.search(r"ImportId['\"]\s*:\s*['\"]([^'\"]*)", text)
        return found.group(1) if found else None
    return str(value.get("ImportId", "")) if isinstance(value, dict) else None


def detect(grid: Grid) -> str | None:
    """``qualtrics``, ``qualtrics-2017``, ``qualtrics-legacy`` or ``None``."""
    if len(grid.rows) >= 3 and any(_import_id(c) for c in grid.rows[2]):
        return "qualtrics-2017" if any(c.startswith("{'") for c in grid.rows[2]) else "qualtrics"
    if len(grid.rows) >= 2 and grid.rows[0][:2] == ["V1", "V2"] \
            and grid.cell(1, 0).lower() == "responseid":
        return "qualtrics-legacy"
    return None


def _groups(columns: list[Column]) -> None:
    members: dict[str, list[Column]] = {}
    for column in columns:
        if column.role in ("answer", "text") and column.group:
            members.setdefault(column.group, []).append(column)
    for group in members.values():
        if len(group) < 2:
            group[0].group = ""
            continue
        question, statements = common_question([c.question for c in group])
        for column, statement in zip(group, statements, strict=True):
            column.question, column.statement = question, statement


def parse(grid: Grid, kind: str) -> Layout:
    """Read the columns of a Qualtrics export of layout ``kind``."""
    columns: list[Column] = []
    if kind == "qualtrics-legacy":
        for i, code in enumerate(grid.rows[0]):
            text = grid.cell(1, i)
            if not code and not text:
                continue
            column = Column(i, code, text)
            if re.fullmatch(r"V\d+", code):
                column.name = text
                low = text.lower()
                column.role = ("id" if low == "responseid" else _ROLES.get(low, "metadata"))
            elif code.lower() in _LEGACY_META:
                column.role = "metadata"
            else:
                found = re.match(r"^(.+?)_\d+$", code)
                column.group = found.group(1) if found else ""
                if code.upper().endswith("TEXT"):
                    column.role = "text"
            columns.append(column)
        _groups(columns)
        return Layout("Qualtrics, legacy layout (V1..V10 codes in row one, question text in "
                      "row two)", columns, 2, negative_missing=True)
    for i, name in enumerate(grid.rows[0]):
        text, key = grid.cell(1, i), _import_id(grid.cell(2, i)) or ""
        if not name and not text:
            continue
        column = Column(i, name, text)
        low = key.lower()
        if low in _ID_KEYS:
            column.role = "id"
        elif low in _ROLES:
            column.role = _ROLES[low]
        elif "topics" in low or name.endswith(" - Topics") or "sentiment" in low:
            column.role = "topics"
        elif not low.startswith("qid"):
            column.role = "metadata"
        else:
            found = re.match(r"^(QID\d+)", key, re.IGNORECASE)
            column.group = found.group(1) if found else ""
            if "TEXT" in key.upper():
                column.role = "text"
        columns.append(column)
    _groups(columns)
    label = ("Qualtrics, 2017 layout (three header rows, single-quoted ImportId)"
             if kind == "qualtrics-2017" else "Qualtrics (three header rows: column names, "
             "question text, ImportId)")
    return Layout(label, columns, 3, negative_missing=True)
