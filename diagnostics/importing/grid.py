"""Reading a raw export as a grid of text cells, whatever its format.

CSV and TSV in UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or
Windows-1252; the separator is the one the first line uses most. XLSX: the first sheet.
Every cell is text, trimmed; each row keeps the line (CSV) or row (Excel) it came from.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from ..reading import _excel_text

__all__ = ["Grid", "read_grid", "Unreadable"]

_SEPARATORS = (",", "\t", ";")


class Unreadable(Exception):
    """The export cannot be read; carries the problems to report."""

    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Grid:
    """All non-blank rows of an export, as text, with their line (or Excel row) numbers."""

    name: str
    rows: list[list[str]]
    lines: list[int]
    encoding: str
    excel: bool = False

    def cell(self, row: int, column: int) -> str:
        """The cell, or ``""`` when the row is shorter."""
        cells = self.rows[row]
        return cells[column] if column < len(cells) else ""


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as err:
            raise Unreadable(Problem(name, "starts like a UTF-16 text file but is not one. "
                                           "Export it again as CSV or XLSX.")) from err
    if b"\x00" in data[:65536]:
        raise Unreadable(Problem(name, "holds binary data, not a survey export (it has NUL "
                                       "bytes). Export the responses as CSV or XLSX."))
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _read_csv(path: Path, data: bytes) -> Grid:
    text, encoding = _decode(data, path.name)
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    first = next((line for line in text.split("\n", 20) if line.strip()), "")
    counts = {sep: first.count(sep) for sep in _SEPARATORS}
    sep = "\t" if path.suffix.lower() == ".tsv" and counts["\t"] else max(
        _SEPARATORS, key=lambda s: (counts[s], s == ","))
    rows: list[list[str]] = []
    lines: list[int] = []
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
        start = 1
        for row in reader:
            if any(c.strip() for c in row):
                rows.append([c.strip() for c in row])
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise Unreadable(Problem(path.name, f"cannot be read as CSV ({err}); a quote may be "
                                            "left open. Export it again from the survey tool.",
                                 line=start)) from err
    finally:
        csv.field_size_limit(limit)
    return Grid(path.name, rows, lines, encoding)


def _read_xlsx(path: Path) -> Grid:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as err:
        raise Unreadable(Problem(path.name, "cannot be read as an Excel workbook: the file is "
                                            "damaged or cut short (" + type(err).__name__
                                 + "). Download the export again.")) from err
    except Exception as err:  # openpyxl raises many kinds for a damaged workbook
        raise Unreadable(Problem(path.name, "cannot be read as an Excel workbook ("
                                 + type(err).__name__ + "). Download the export again, or "
                                 "export it as CSV.")) from err
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
            cells = [_excel_text(v).strip() for v in values]
            if any(cells):
                while cells and not cells[-1]:
                    cells.pop()
                rows.append(cells)
                lines.append(number)
    except Exception as err:  # a damaged sheet inside a readable zip
        raise Unreadable(Problem(path.name, "cannot be read as an Excel workbook: a sheet is "
                                 f"damaged ({type(err).__name__}). Download the export "
                                 "again.")) from err
    finally:
        book.close()
    return Grid(path.name, rows, lines, "xlsx", excel=True)


def read_grid(path: str | Path) -> Grid:
    """Read an export (CSV, TSV, TXT or XLSX) as text cells.

    Raises
    ------
    Unreadable
        With the problem: missing, empty, binary, damaged or a format that is not a table.
    """
    path = Path(path)
    if path.is_dir():
        raise Unreadable(Problem(str(path), "is a folder; give the export file itself "
                                            "(CSV, TSV or XLSX)."))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise Unreadable(Problem(str(path), f"cannot be opened ({err.strerror or err}).")) \
            from err
    if not data.strip():
        raise Unreadable(Problem(path.name, "is empty. Export the responses again."))
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() in (".xlsx", ".xlsm"):
        if not data.startswith(b"PK"):
            raise Unreadable(Problem(path.name, "has an Excel name but is not an Excel "
                                                "workbook. Export it again as XLSX or CSV."))
        return _read_xlsx(path)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(Problem(path.name, "is an old Excel (.xls) file. Save it as .xlsx or "
                                            "CSV, or export it again."))
    if path.suffix.lower() in (".zip", ".pdf", ".sav", ".json", ".docx"):
        raise Unreadable(Problem(path.name, f"is a {path.suffix} file, not a table of "
                                            "responses. Export the responses as CSV or XLSX."))
    return _read_csv(path, data)
