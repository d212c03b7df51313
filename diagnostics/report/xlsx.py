"""The tables behind every figure, one Excel sheet each (openpyxl).

A cell whose text a spreadsheet would evaluate as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is stored as text and marked with Excel's quote
prefix, so it shows as typed and stays text when edited.
"""

from __future__ import annotations

import datetime as _dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..words import column_title
from .content import Report
from .sanitize import formula_like

__all__ = ["write_xlsx", "CONTENTS_SHEET", "ABOUT_SHEET"]

CONTENTS_SHEET = "Contents"
ABOUT_SHEET = "About"
_MAX_WIDTH = 60


def _value(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (bool, int, float, _dt.datetime, _dt.date)):
        return value
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return str(value)


def _put(ws: Any, row: int, col: int, value: Any, *, font: Any = None, fill: Any = None) -> Any:
    value = _value(value)
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        # openpyxl reads a string starting with "=" as a formula: store it as text instead.
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell


def _number_format(column: pd.Series, share: bool) -> str:
    """Excel's number format for a column: percentages, whole numbers, or two decimals."""
    if share:
        return "0.0%"
    if pd.api.types.is_bool_dtype(column) or not pd.api.types.is_numeric_dtype(column):
        return ""
    values = pd.to_numeric(column, errors="coerce").dropna()
    if values.empty:
        return ""
    if (values == values.round()).all():
        return "#,##0"
    if (values.abs() < 0.001).mean() > 0.5:
        return "0.00E+00"
    return "0.00" if values.abs().max() >= 1 else "0.000"


def _shown(value: Any, fmt: str) -> str:
    if isinstance(value, float) and fmt:
        return f"{value:.3f}"
    return str(value)


def _hex(colour: str) -> str:
    return colour.lstrip("#").upper()


def write_xlsx(report: Report, path: Path) -> Path:
    """Write the workbook: a contents sheet, an about sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor=_hex(report.branding.primary))
    title_font = Font(bold=True, size=14, color=_hex(report.branding.primary))

    contents = book.active
    contents.title = CONTENTS_SHEET
    _put(contents, 1, 1, f"{report.branding.organisation}: {report.title}", font=title_font)
    _put(contents, 2, 1, f"{report.date}. The table behind every figure of the report, one sheet "
                         "each. Groups below the privacy minimum are absent.")
    if report.privacy_warning:
        _put(contents, 3, 1, report.privacy_warning, font=Font(bold=True, color="C00000"))
    header = ["Sheet", "Topic", "Table", "Rows", "Columns"]
    for j, text in enumerate(header, start=1):
        _put(contents, 4, j, text, font=head_font, fill=head_fill)
    titles = {s.key: s.title for s in report.sections}
    row = 5
    for table in report.tables:
        cell = _put(contents, row, 1, table.sheet)
        cell.hyperlink = f"#'{table.sheet}'!A1"
        cell.font = Font(color="0563C1", underline="single")
        _put(contents, row, 2, titles.get(table.section, table.section))
        _put(contents, row, 3, column_title(table.name))
        _put(contents, row, 4, len(table.frame))
        _put(contents, row, 5, ", ".join(column_title(c) for c in table.frame.columns))
        row += 1
    for col, width in zip("ABCDE", (32, 28, 28, 8, 60), strict=True):
        contents.column_dimensions[col].width = width
    contents.freeze_panes = "A5"

    about = book.create_sheet(ABOUT_SHEET)
    lines = [("organisation", report.branding.organisation), ("report date", report.date),
             ("data folder", report.data_folder),
             ("minimum group size", report.min_group_size),
             ("minimum group size for free text", report.min_text_group_size),
             ("people shown as", "respondent ids (analyst copy)" if report.names else "pseudonyms")]
    if report.privacy_warning:
        lines.insert(0, ("WARNING", report.privacy_warning))
    if report.individual_left_out:
        lines.append(("tables of people one by one", "in the analyst's copy only "
                      f"({len(report.individual_left_out)} left out)"))
    lines += [(f"respondents {wave}", n) for wave, n in report.respondents]
    for s in report.sections:
        if s.withheld_groups:
            lines.append((f"groups withheld: {s.title}", s.withheld_groups))
    for k in report.summary:
        lines.append(("key finding", f"{k.finding.headline} {k.finding.value}"
                      + (f" ({k.finding.uncertainty})" if k.finding.uncertainty else "")))
    for i, (label, value) in enumerate(lines, start=1):
        _put(about, i, 1, label, font=Font(bold=True))
        _put(about, i, 2, value)
    about.column_dimensions["A"].width = 36
    about.column_dimensions["B"].width = 90

    for table in report.tables:
        ws = book.create_sheet(table.sheet)
        shown = table.people
        frame = shown.frame
        for j, column in enumerate(frame.columns, start=1):
            cell = _put(ws, 1, j, str(column), font=head_font, fill=head_fill)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        formats = [_number_format(frame[c], c in shown.shares) for c in frame.columns]
        for i, values in enumerate(frame.itertuples(index=False, name=None), start=2):
            for j, value in enumerate(values, start=1):
                cell = _put(ws, i, j, value)
                if formats[j - 1] and isinstance(cell.value, (int, float)) \
                        and not isinstance(cell.value, bool):
                    cell.number_format = formats[j - 1]
        for j, column in enumerate(frame.columns, start=1):
            values = frame.iloc[:200, j - 1].tolist()
            longest = max([len(_shown(v, formats[j - 1])) for v in values] or [0])
            head = max(len(w) for w in str(column).split()) if str(column).split() else 8
            width = min(_MAX_WIDTH, max(8, head + 2, min(longest, _MAX_WIDTH) + 2,
                                        min(len(str(column)), 24) + 2))
            ws.column_dimensions[get_column_letter(j)].width = width
            if longest + 2 > _MAX_WIDTH:
                for cell in ws[get_column_letter(j)][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[1].height = 30
        ws.freeze_panes = "A2"
        if len(frame.columns) and len(frame):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    book.save(path)
    return path
