"""Reading one table of a data folder: CSV in any common encoding and separator, or Excel.

Everything is read as text first, so that validation can quote the exact value a
person typed, with the line a spreadsheet shows (the header is line 1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem

__all__ = ["RawTable", "read_table", "find_table", "QUALTRICS_METADATA"]

#: Columns of a Qualtrics export that describe the response, not the respondent.
QUALTRICS_METADATA: frozenset[str] = frozenset(
    {
        "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
        "Finished", "RecordedDate", "RecipientLastName", "RecipientFirstName",
        "RecipientEmail", "ExternalReference", "ExternalDataReference", "LocationLatitude",
        "LocationLongitude", "DistributionChannel", "UserLanguage", "Q_RecaptchaScore",
        "Q_RelevantIDDuplicate", "Q_RelevantIDDuplicateScore", "Q_RelevantIDFraudScore",
        "Q_RelevantIDLastStartDate",
    }
)

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_SEPARATORS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class RawTable:
    """A table as read from disk: all cells as text, with each row's line number.

    Attributes
    ----------
    name
        File name as it is in the folder (``survey.csv``, ``survey.xlsx``).
    frame
        All cells as strings (missing cells as empty strings); column names trimmed.
    lines
        The line (CSV) or row (Excel) of each data row, aligned with ``frame``.
    labels
        Column labels found in the file itself (Qualtrics question text), by column.
    encoding, separator
        What the file turned out to use (for the validation report).
    """

    name: str
    frame: pd.DataFrame
    lines: pd.Series
    labels: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    separator: str = ","
    qualtrics: bool = False


def find_table(folder: Path, stem: str) -> Path | None:
    """The CSV or Excel file for ``stem`` in ``folder`` (CSV first), or ``None``."""
    for suffix in (".csv", ".xlsx"):
        candidate = folder / f"{stem}{suffix}"
        if candidate.is_file():
            return candidate
    # Tolerate a different case of the name, as spreadsheet exports often produce.
    if folder.is_dir():
        for entry in sorted(folder.iterdir()):
            if entry.is_file() and entry.stem.lower() == stem and entry.suffix.lower() in (
                ".csv", ".xlsx"
            ):
                return entry
    return None


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


def _line_numbers(text: str, sep: str, n_rows: int) -> pd.Series:
    """Line of each data row; exact also when quoted cells hold line breaks."""
    newline_rows = text.count("\n") - (1 if text.endswith("\n") else 0)
    if newline_rows == n_rows:  # one physical line per row: fast path
        return pd.Series(range(2, n_rows + 2), dtype="int64")
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts: list[int] = []
    next(reader, None)
    start = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            starts.append(start)
        start = reader.line_num + 1
    starts = (starts + list(range(start, start + n_rows)))[:n_rows]
    return pd.Series(starts, dtype="int64")


def _read_csv(path: Path) -> tuple[pd.DataFrame, pd.Series, str, str]:
    data = path.read_bytes()
    text, encoding = _decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return pd.DataFrame(), pd.Series([], dtype="int64"), encoding, ","
    sep = _sniff_separator(text)
    frame = pd.read_csv(
        io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, na_filter=False,
        skip_blank_lines=True, engine="c",
    )
    return frame, _line_numbers(text, sep, len(frame)), encoding, sep


def _read_excel(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
    frame = frame.fillna("")
    return frame, pd.Series(range(2, len(frame) + 2), dtype="int64")


def _is_qualtrics(frame: pd.DataFrame) -> bool:
    if len(frame) < 2:
        return False
    second = frame.iloc[1].astype(str)
    return bool(second.str.startswith('{"ImportId"').any())


def read_table(path: Path) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV or Excel file as text. Returns the table (or ``None``) and its problems."""
    name = path.name
    problems: list[Problem] = []
    try:
        if path.suffix.lower() == ".xlsx":
            frame, lines = _read_excel(path)
            encoding, sep = "xlsx", ""
        else:
            frame, lines, encoding, sep = _read_csv(path)
    except (pd.errors.ParserError, ValueError, OSError, KeyError) as err:
        detail = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        problems.append(Problem(name, f"cannot be read as a table ({detail}). Save it as a "
                                      "UTF-8 CSV with one header row, or as .xlsx."))
        return None, problems
    except Exception as err:  # zip/xml errors of a corrupt .xlsx come in many types
        problems.append(Problem(name, f"cannot be read as a table ({type(err).__name__}). "
                                      "Save it again as a UTF-8 CSV or .xlsx."))
        return None, problems
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    blank = [i for i, c in enumerate(frame.columns) if c == "" or c.startswith("Unnamed: ")]
    if blank:
        empty_cols = [frame.columns[i] for i in blank if not frame.iloc[:, i].astype(str).str.strip().any()]
        frame = frame.drop(columns=empty_cols)
        for i, c in enumerate(frame.columns):
            if c == "" or c.startswith("Unnamed: "):
                problems.append(Problem(name, "a column has values but no name in the header. "
                                              "Give it a name, or delete it.", line=1,
                                        column=f"#{i + 1}"))
    duplicated = [c for c in dict.fromkeys(frame.columns) if list(frame.columns).count(c) > 1]
    for c in duplicated:
        problems.append(Problem(name, "this column name appears more than once in the header; "
                                      "each column needs its own name.", line=1, column=c))
    # pandas renames duplicates to "x.1"; report the file's own names above and keep going.
    labels: dict[str, str] = {}
    qualtrics = _is_qualtrics(frame)
    if qualtrics:
        labels = {c: str(frame.iloc[0][c]).strip() for c in frame.columns}
        frame = frame.iloc[2:].reset_index(drop=True)
        lines = lines.iloc[2:].reset_index(drop=True)
        frame = frame.drop(columns=[c for c in frame.columns if c in QUALTRICS_METADATA])
    frame = frame.astype(str).apply(lambda col: col.str.strip())
    frame = frame.reset_index(drop=True)
    lines = lines.reset_index(drop=True)
    return RawTable(name, frame, lines, labels, encoding, sep, qualtrics), problems
