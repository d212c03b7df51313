"""Reading one table of a data folder: CSV in any common encoding and separator, or Excel.

Everything is read as text first, so that validation can quote the exact value a
person typed, with the line a spreadsheet or text editor shows (the header is line 1).

What is read
------------
- Encodings: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark
  (Excel's *Unicode Text*), else Windows-1252 / Latin-1.
- Separators: comma, semicolon, tab or ``|``, whichever the header uses most.
- Line ends: ``\\n``, ``\\r\\n`` or ``\\r``; cells in quotes may hold line breaks (the line
  of a row is the line where it starts).
- Excel: the first sheet of an ``.xlsx`` file; numbers, dates and booleans are turned
  into the text Excel shows. ``.tsv`` and ``.txt`` files are read like CSV.
- Cells are trimmed of surrounding spaces and their accents composed (Unicode NFC), so that
  a name typed on two systems is one value.
- A Qualtrics export: three header rows (column names, question text, ImportId); the
  question text is kept as each column's label and the response metadata columns are
  dropped.

Rows whose cells are all empty are skipped. A row with more cells than the header is a
problem (its extra cells belong to no column; the row is left out of further checks, as its
cells are misaligned); a row with fewer cells is read with the missing cells empty, and a
warning says so.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from .errors import Problem
from .inputs import CONTROL, LIMITS, UnsafeInput, check_zip, read_input
from .words import count, plural

__all__ = ["RawTable", "read_table", "find_table", "find_tables", "per_unique", "fold_name",
           "QUALTRICS_METADATA", "TABLE_SUFFIXES", "FOREIGN_SUFFIXES"]

#: Columns of a Qualtrics export that describe the response, not the respondent.
QUALTRICS_METADATA: frozenset[str] = frozenset(
    {
        "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)",
        "Finished", "RecordedDate", "RecipientLastName", "RecipientFirstName",
        "RecipientEmail", "ExternalReference", "ExternalDataReference", "LocationLatitude",
        "LocationLongitude", "DistributionChannel", "UserLanguage", "Q_RecaptchaScore",
        "Q_RelevantIDDuplicate", "Q_RelevantIDDuplicateScore", "Q_RelevantIDFraudScore",
        "Q_RelevantIDLastStartDate", "Q_BallotBoxStuffing", "Q_DataPolicyViolations",
        "Q_TotalDuration",
    }
)

#: File endings read as a table, in order of preference.
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".tsv", ".txt")
#: File endings of tables the workbook cannot read (a hint names them when a file is missing).
FOREIGN_SUFFIXES: tuple[str, ...] = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".json",
                                     ".parquet", ".sav", ".dta")

_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
_SEPARATORS = (",", ";", "\t", "|")
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "|"}
#: At most this many rows are listed one by one for a structural problem of a file.
_ROW_LIMIT = 20


@dataclass(frozen=True)
class RawTable:
    """A table as read from disk: all cells as text, with each row's line number.

    Attributes
    ----------
    name
        File name as it is in the folder (``survey.csv``, ``survey.xlsx``).
    frame
        All cells as text (``str`` dtype; an empty cell is ``""``); cells and column names
        trimmed of surrounding spaces.
    lines
        The line (CSV) or row (Excel) of each data row, aligned with ``frame``.
    labels
        Column labels found in the file itself (Qualtrics question text), by column.
    encoding, separator
        What the file turned out to use (for the validation report).
    qualtrics
        Whether the file is a Qualtrics export with three header rows.
    header_line
        The line (row) of the header: 1 unless blank lines come first.
    """

    name: str
    frame: pd.DataFrame
    lines: pd.Series
    labels: dict[str, str] = field(default_factory=dict)
    encoding: str = "utf-8"
    separator: str = ","
    qualtrics: bool = False
    header_line: int = 1
    #: The response metadata columns dropped from a Qualtrics export (Status, Finished, ...).
    metadata: pd.DataFrame | None = None


class _Unreadable(Exception):
    """The file cannot be read as a table; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def find_tables(folder: Path, stem: str,
                suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> list[Path]:
    """Every file for ``stem`` in ``folder`` with one of ``suffixes``, in order of preference.

    The name is compared without regard to case (``Survey.CSV``), as spreadsheet exports
    often change it.
    """
    if not folder.is_dir():
        return []
    # Every entry, not only regular files: a folder, pipe or device named survey.csv is
    # reported as what it is when it is read, never as "missing".
    entries = sorted(folder.iterdir())
    found = []
    for suffix in suffixes:
        exact = [e for e in entries if e.name == f"{stem}{suffix}"]
        other = [e for e in entries if e.stem.lower() == stem and e.suffix.lower() == suffix
                 and e not in exact]
        found.extend(exact + other)
    return found


def find_table(folder: Path, stem: str) -> Path | None:
    """The file for ``stem`` in ``folder`` (``.csv``, then ``.xlsx``, ``.tsv``, ``.txt``), or ``None``."""
    found = find_tables(folder, stem)
    return found[0] if found else None


def _codes(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes and distinct values of a text column (a missing cell counts as ``""``)."""
    # Factorised by the column's own string type (pyarrow's hashing), not as Python objects.
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    uniques = np.asarray(uniques.to_numpy(dtype=object), dtype=object)
    if len(codes) and codes.min() < 0:
        codes = np.where(codes < 0, len(uniques), codes)
        uniques = np.append(uniques, np.array([""], dtype=object))
    return codes, uniques


def per_unique(series: pd.Series, *fns: Callable[[str], Any], dtype: Any = object) -> Any:
    """Apply each of ``fns`` to each distinct value of a text column; spread the results back.

    Survey columns hold few distinct answers, so this is far faster than a per-cell loop.
    Returns one array per function (a single array when there is one function).

    Examples
    --------
    >>> per_unique(pd.Series(["1", " 2", "1"]), str.strip)
    array(['1', '2', '1'], dtype=object)
    """
    codes, uniques = _codes(series)
    out = []
    for fn in fns:
        mapped = np.array([fn(u) for u in uniques], dtype=dtype)
        out.append(mapped[codes] if len(mapped) else np.array([], dtype=dtype))
    return out[0] if len(out) == 1 else tuple(out)


# --------------------------------------------------------------------------- CSV

def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise _Unreadable(Problem(name, "is a zipped file (most likely an Excel workbook "
                                        "with a .csv name). Rename it to .xlsx, or save it "
                                        "from Excel as CSV UTF-8."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise _Unreadable(Problem(name, "starts like a UTF-16 text file but is not one "
                                            f"({err.reason}). Save it as CSV UTF-8.")) from err
    if b"\x00" in data:
        raise _Unreadable(Problem(name, "holds binary data, not text (it has NUL bytes). "
                                        "Save the table as CSV UTF-8 or as .xlsx."))
    try:
        return data.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        pass
    _check_mixed(data, name)
    for encoding in _ENCODINGS[1:]:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _line_list(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:8])
    return shown + (f" and {len(numbers) - 8} more" if len(numbers) > 8 else "")


def _check_mixed(data: bytes, name: str) -> None:
    """Refuse a file whose lines are in two encodings (UTF-8 and another), naming the lines.

    Read as one encoding, such a file would spell the same word two ways (``Opérations``
    and ``OpÃ©rations``) and split one group in two without a word.
    """
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(data.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(number)
        else:
            utf8.append(number)
    if utf8 and other:
        raise _Unreadable(Problem(
            name, f"mixes two text encodings: line(s) {_line_list(utf8)} are UTF-8, line(s) "
                  f"{_line_list(other)} are not (most likely Windows-1252), so the same word "
                  "would be read two ways. Open the file in the program that made it and save "
                  "it once as CSV UTF-8.", line=other[0]))


def _first_line(text: str, lines: int = 50) -> str:
    """The first line that is not blank among the first ``lines`` (the rest as one line).

    ``next(line for line in text.split("\\n", lines) if line.strip())`` without splitting (or
    copying) the whole text.

    Examples
    --------
    >>> _first_line("\\n  \\na;b\\nc"), _first_line("\\n\\nx\\ny", lines=2), _first_line(" \\n")
    ('a;b', 'x\\ny', '')
    """
    start = 0
    for _ in range(lines):
        end = text.find("\n", start)
        if end < 0:
            break
        if text[start:end].strip():
            return text[start:end]
        start = end + 1
    rest = text[start:]
    return rest if rest.strip() else ""


def _sniff_separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda s: (counts[s], s == ","))
    return best if counts[best] > 0 else ","


@dataclass
class _Records:
    """Where each record (row) of a CSV text starts, how many cells it has, and if blank.

    One entry per record, as arrays (a file can have millions of rows).
    """

    starts: np.ndarray
    counts: np.ndarray
    blank: np.ndarray


_SPACE_BYTES = np.frombuffer(b" \t\r\x0b\x0c\x1c\x1d\x1e\x1f", dtype=np.uint8)


def _byte_records(data: np.ndarray, sep: str) -> _Records:
    """:func:`_records` of a text without quotes, counted on its UTF-8 bytes with numpy.

    The separator and the line end are single bytes that never occur inside a multi-byte
    character, so the counts are those of the text.
    """
    ends = np.flatnonzero(data == 10)
    if not len(data) or data[-1] != 10:
        ends = np.append(ends, len(data))
    starts = np.concatenate(([0], ends[:-1] + 1))
    # Each segment [start, next start) holds its line and its line end, so none is empty.
    counts = np.add.reduceat(data == ord(sep), starts, dtype=np.int64) + 1
    # A blank line holds only what str.strip() removes: ASCII whitespace is told here, a
    # line with other characters and no visible ASCII one is asked of Python.
    wide = data >= 128
    solid = np.add.reduceat(~np.isin(data, _SPACE_BYTES) & (data != 10) & ~wide, starts,
                            dtype=np.int64)
    blank = solid == 0
    unsure = np.flatnonzero(blank & (np.add.reduceat(wide, starts, dtype=np.int64) > 0))
    for i in unsure:
        line = bytes(data[starts[i]:ends[i]]).decode("utf-8")
        blank[i] = not line.strip()
    return _Records(np.arange(1, len(ends) + 1, dtype=np.int64), counts.astype(np.int64), blank)


def _uniform_records(text: str, sep: str) -> _Records | None:
    """The records of the usual file, told from counts alone; ``None`` when it may be another.

    The usual file: no quotes, no blank line, and as many separators as every line having
    the header's cells. The parser then confirms that every row has that many cells.
    """
    if '"' in text or "\n\n" in text or text.startswith("\n"):
        return None
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    width = text[:text.find("\n") if "\n" in text else len(text)].count(sep) + 1
    if width < 2 or text.count(sep) != (width - 1) * lines:
        return None
    return _Records(np.arange(1, lines + 1, dtype=np.int64), np.full(lines, width, dtype=np.int64),
                    np.zeros(lines, dtype=bool))


def _records(text: str, sep: str, data: np.ndarray | None = None) -> _Records:
    """Split a CSV text into records the way the CSV parser does, keeping line numbers.

    ``data``: the text's UTF-8 bytes, when they are at hand.
    """
    if '"' not in text:  # one record per physical line: fast path
        if data is None:
            data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
        return _byte_records(data, sep)
    starts: list[int] = []
    counts: list[int] = []
    blank: list[bool] = []
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        start = 1
        for row in reader:
            starts.append(start)
            counts.append(len(row))
            blank.append(len(row) <= 1 and not "".join(row).strip())
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(old_limit)
    return _Records(np.asarray(starts, dtype=np.int64), np.asarray(counts, dtype=np.int64),
                    np.asarray(blank, dtype=bool))


def _unclosed_quote_line(records: _Records) -> int:
    return int(records.starts[-1]) if len(records.starts) else 1


@dataclass
class _Parsed:
    """A file split into header cells and body (columns 0..n-1), with line numbers."""

    header: list[str]
    body: pd.DataFrame
    lines: np.ndarray
    header_line: int
    problems: list[Problem]
    encoding: str
    separator: str
    #: Whether some cell may need trimming or composing (False: every cell is clean as read).
    unclean: bool = True
    #: Whether some cell may hold a control character (False: none does).
    control: bool = True


def _empty(encoding: str, sep: str) -> _Parsed:
    return _Parsed([], pd.DataFrame(), np.array([], dtype=np.int64), 1, [], encoding, sep)


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes: a regular file in its own folder, within ``limit`` (see ``inputs``)."""
    try:
        return read_input(path, limit=limit, folder=path.parent, what="table")
    except UnsafeInput as err:
        raise _Unreadable(Problem(path.name, str(err))) from None


def _arrow_frame(text: str, sep: str, width: int, records: _Records,
                 data: np.ndarray) -> pd.DataFrame | None:
    """Every cell as text, read by pyarrow's multithreaded parser; ``None`` where it cannot.

    Used when every record has the header's number of cells (the usual file); ragged rows
    are left to the C parser, which pads them. The result is what :func:`_c_frame` gives.
    """
    if ((records.counts != width) & ~records.blank).any():
        return None
    names = [str(i) for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.py_buffer(data),
            read_options=pcsv.ReadOptions(column_names=names),
            parse_options=pcsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                                            newlines_in_values='"' in text),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()), null_values=[],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    frame = table.to_pandas()
    frame.columns = list(range(width))
    return frame


def _c_frame(text: str, sep: str, width: int, records: _Records, name: str) -> pd.DataFrame:
    """Every cell as text, read by pandas' C parser (rows padded to ``width`` cells)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return pd.read_csv(
                io.StringIO(text), sep=sep, header=None, names=list(range(width)), dtype=str,
                keep_default_na=False, na_filter=False, skip_blank_lines=True, engine="c",
                quotechar='"', doublequote=True, index_col=False,
            )
        except pd.errors.ParserError as err:
            if "EOF inside string" in str(err):
                line = _unclosed_quote_line(records)
                raise _Unreadable(Problem(
                    name, 'a quote (") opened in this row is never closed, so the rest of the '
                          "file would read as one cell. Close the quote, or remove it.",
                    line=line)) from err
            detail = str(err).strip().splitlines()[0]
            raise _Unreadable(Problem(name, f"cannot be read as a table ({detail}). Save it "
                                            "as CSV UTF-8 with one header row, or as .xlsx.")) \
                from err


def _read_csv(path: Path) -> _Parsed:
    name = path.name
    data = _read_bytes(path, LIMITS.table_bytes)
    text, encoding = _decode(data, name)
    as_read = encoding == "utf-8-sig"  # the text is the file's bytes (but a byte-order mark)
    if "\r" in text:
        text, as_read = text.replace("\r\n", "\n").replace("\r", "\n"), False
    if text.endswith("\x1a"):  # DOS end mark
        text, as_read = text.rstrip("\x1a"), False
    if text.startswith("\ufeff"):
        text, as_read = text[1:], False
    if not text or text.isspace():
        return _empty(encoding, ",")
    sep = _sniff_separator(_first_line(text))
    if as_read:
        raw = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    else:
        raw = text.encode("utf-8")
    utf8 = np.frombuffer(raw, dtype=np.uint8)
    frame = None
    uniform = _uniform_records(text, sep)
    if uniform is not None:
        width = uniform.counts[0]
        frame = _arrow_frame(text, sep, width, uniform, utf8)
        if frame is not None and len(frame) != len(uniform.starts):
            frame = None
    records: _Records
    if frame is None or uniform is None:
        records = _records(text, sep, utf8)
        width = int(records.counts.max())
        frame = _arrow_frame(text, sep, width, records, utf8)
    else:
        records = uniform
    if frame is None:
        frame = _c_frame(text, sep, width, records, name)
    kept = np.flatnonzero(~records.blank)
    if len(kept) != len(frame):
        # The parser and the line count disagree (an unusual quoting): read it exactly.
        frame, kept = _exact_frame(text, sep, width, records)
    starts = records.starts[kept]
    counts = records.counts[kept]
    header = [str(c) for c in frame.iloc[0]] if len(frame) else []
    n_header = int(counts[0]) if len(counts) else 0
    header = header[:n_header]
    body = frame.iloc[1:].reset_index(drop=True)
    body_lines, body_counts = starts[1:], counts[1:]
    problems: list[Problem] = []
    if width > n_header:
        extra = body.iloc[:, n_header:].apply(lambda c: c.str.strip() != "").to_numpy().any(axis=1)
        for i in np.flatnonzero(extra)[:_ROW_LIMIT]:
            cells = [str(v) for v in body.iloc[i, n_header:] if str(v).strip()]
            problems.append(Problem(
                name, f"this row has {int(body_counts[i])} cells but the header has {n_header} "
                      f"columns; the extra cells belong to no column. A {_SEPARATOR_NAMES[sep]} "
                      "inside a value needs the value in quotes.",
                line=int(body_lines[i]), value=", ".join(cells)))
        if int(extra.sum()) > _ROW_LIMIT:
            problems.append(Problem(name, f"{count(int(extra.sum()) - _ROW_LIMIT, 'more row')} have "
                                          "more cells than the header."))
        # A row with extra cells is misaligned: its cells are not checked one by one.
        body = body.iloc[~extra, :n_header].reset_index(drop=True)
        body_lines, body_counts = body_lines[~extra], body_counts[~extra]
    short = np.flatnonzero(body_counts < n_header)
    if len(short) and n_header > 1:
        problems.append(Problem(
            name, f"{count(len(short), 'row')} {plural(len(short), 'has')} fewer cells than the header's {n_header} "
                  f"(the first is shown); their missing cells were read as empty.",
            line=int(body_lines[short[0]]), severity="warning"))
    classes = _byte_classes(utf8)
    return _Parsed(header, body, body_lines, int(starts[0]), problems, encoding, sep,
                   _may_need_cleaning(text, sep, raw, utf8, classes), _has_control(utf8, classes))


#: Whether a text's bytes may tell that it needs no trimming and holds no control character
#: (else every cell is asked; tests turn this off to compare the two).
FAST_PATHS = True

#: Bytes of the ASCII control characters :data:`~diagnostics.inputs.CONTROL` matches.
_CONTROL_BYTES = np.zeros(256, dtype=bool)
_CONTROL_BYTES[[*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]] = True


#: Whitespace that ``str.strip()`` removes, besides the line end: ASCII ones, then the UTF-8
#: lead bytes of the others (``\xe2\x80`` also starts dashes and quotes: counted anyway).
_ASCII_SPACES = " \t\x0b\x0c\x1c\x1d\x1e\x1f"
_OTHER_SPACES = (b"\xc2\x85", b"\xc2\xa0", b"\xe1\x9a\x80", b"\xe2\x80", b"\xe2\x81\x9f",
                 b"\xe3\x80\x80")


#: Classes of bytes, one bit each, looked up for every byte of a text at once.
_QUOTE, _SPACE, _WIDE, _LATE, _CONTROL, _LEAD = 1, 2, 4, 8, 16, 32
_BYTE_CLASS = np.zeros(256, dtype=np.uint8)
_BYTE_CLASS[ord('"')] |= _QUOTE
_BYTE_CLASS[[ord(c) for c in _ASCII_SPACES]] |= _SPACE
_BYTE_CLASS[0x80:] |= _WIDE
# U+0300 and above (lead bytes from \xcc): combining accents and every character that can
# take part in a composition. Text of characters below U+0300 alone is always NFC.
_BYTE_CLASS[0xCC:] |= _LATE
_BYTE_CLASS[_CONTROL_BYTES] |= _CONTROL
_BYTE_CLASS[[0xC2, *{b[0] for b in _OTHER_SPACES}]] |= _LEAD


def _byte_classes(utf8: np.ndarray) -> tuple[np.ndarray, int]:
    """Each byte's classes (bits of ``_BYTE_CLASS``) and the classes found in the text."""
    kinds = _BYTE_CLASS[utf8]
    return kinds, int(np.bitwise_or.reduce(kinds)) if len(kinds) else 0


def _follows(utf8: np.ndarray, at: np.ndarray, tail: bytes) -> np.ndarray:
    """Which of the positions ``at`` are followed by the bytes ``tail``."""
    found = at + len(tail) < len(utf8)
    for k, b in enumerate(tail, start=1):
        found &= utf8[np.minimum(at + k, len(utf8) - 1)] == b
    return found


def _has_control(utf8: np.ndarray, classes: tuple[np.ndarray, int] | None = None) -> bool:
    r"""Whether UTF-8 bytes hold a character :data:`~diagnostics.inputs.CONTROL` matches.

    ``CONTROL.search`` of the text, on the bytes at once: the ASCII ones directly, U+0080 to
    U+009F as their two bytes (``\xc2`` then ``\x80``-``\x9f``).

    Examples
    --------
    >>> [_has_control(np.frombuffer(t.encode(), dtype=np.uint8))
    ...  for t in ("a,b\n", "a\tb\r\n", "a\x07", "caf\u00e9 \u0085", "\u00c2\u0080")]
    [False, False, True, True, True]
    """
    if not FAST_PATHS:
        return True
    _, present = classes if classes is not None else _byte_classes(utf8)
    if present & _CONTROL:
        return True
    if not present & _LEAD:
        return False
    lead = np.flatnonzero(utf8[:-1] == 0xC2) + 1
    return bool(((utf8[lead] >= 0x80) & (utf8[lead] <= 0x9F)).any())



def _may_need_cleaning(text: str, sep: str, raw: bytes, utf8: np.ndarray | None = None,
                       classes: tuple[np.ndarray, int] | None = None) -> bool:
    r"""Whether a cell of ``text`` may have spaces around it or accents to compose.

    Checked on the whole text at once (``raw``: its UTF-8 bytes, ``utf8`` the same as an
    array) with one lookup per byte, so that a clean file (the usual case) skips the
    trimming of every column. Any non-ASCII space counts.

    Examples
    --------
    >>> [_may_need_cleaning(t, ",", t.encode()) for t in ("a,b\nc,d", "a, b", "a b,c",
    ...  "caf\u00e9,x", "cafe\u0301,x", "a,\u00a0b", '"a",b')]
    [False, True, False, False, True, True, True]
    """
    if not FAST_PATHS:
        return True
    if utf8 is None:
        utf8 = np.frombuffer(raw, dtype=np.uint8)
    if not len(utf8):
        return False
    kinds, present = classes if classes is not None else _byte_classes(utf8)
    if present & _QUOTE:
        return True
    if present & _LEAD:
        at = np.flatnonzero(kinds & _LEAD)
        lead = utf8[at]
        for space in _OTHER_SPACES:
            if _follows(utf8, at[lead == space[0]], space[1:]).any():
                return True
    if present & _LATE and not unicodedata.is_normalized("NFC", text):
        return True
    if present & _SPACE:
        # A space at the start or end of a cell: next to a separator, a line end or an end.
        at = np.flatnonzero(kinds & _SPACE)
        edge = np.zeros(256, dtype=bool)
        edge[[ord(sep), 10]] = True
        before = np.where(at > 0, utf8[np.maximum(at - 1, 0)], 10)
        after = np.where(at + 1 < len(utf8), utf8[np.minimum(at + 1, len(utf8) - 1)], 10)
        return bool((edge[before] | edge[after]).any())
    return False


def _exact_frame(text: str, sep: str, width: int,
                 records: _Records) -> tuple[pd.DataFrame, np.ndarray]:
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    finally:
        csv.field_size_limit(old_limit)
    kept = np.flatnonzero(~records.blank)
    padded = [rows[i] + [""] * (width - len(rows[i])) for i in kept]
    frame = pd.DataFrame(padded, columns=list(range(width)), dtype=str) if padded else \
        pd.DataFrame(columns=list(range(width)), dtype=str)
    return frame, kept


# --------------------------------------------------------------------------- Excel

def _excel_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _read_excel(path: Path) -> _Parsed:
    import openpyxl

    name = path.name
    data = _read_bytes(path, LIMITS.xlsx_bytes)
    try:
        check_zip(data)
    except UnsafeInput as err:
        raise _Unreadable(Problem(name, str(err))) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # zip, XML and openpyxl errors come in many types
        raise _Unreadable(Problem(name, f"cannot be read as an Excel workbook "
                                        f"({type(err).__name__}). Open it in Excel and save it "
                                        "again as .xlsx, or as CSV UTF-8.")) from err
    try:
        sheet = book.worksheets[0]
        # The sheet's own claim of its size is not trusted (A1:XFD1048576 would pad every
        # row to 16,384 cells); rows are as wide as their last cell, within a cell budget.
        sheet.reset_dimensions()
        rows: list[list[str]] = []
        lines: list[int] = []
        budget = LIMITS.xlsx_cells
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            budget -= max(len(values), 1)
            if budget < 0:
                raise _Unreadable(Problem(name, f"has more than {LIMITS.xlsx_cells:,} cells "
                                                "(counting the empty ones up to each row's "
                                                "last cell); the workbook reads no larger "
                                                "sheet. Save it as CSV UTF-8 instead.",
                                          line=number))
            cells = [_excel_text(v) for v in values]
            if any(c.strip() for c in cells):
                rows.append(cells)
                lines.append(number)
    except _Unreadable:
        raise
    except Exception as err:
        raise _Unreadable(Problem(name, f"cannot be read as an Excel workbook "
                                        f"({type(err).__name__}). Open it in Excel and save it "
                                        "again as .xlsx, or as CSV UTF-8.")) from err
    finally:
        book.close()
    if not rows:
        return _empty("xlsx", "")
    header = rows[0]
    while header and not header[-1].strip():
        header = header[:-1]
    n_header = len(header)
    problems: list[Problem] = []
    body_rows = []
    for cells, line in zip(rows[1:], lines[1:], strict=True):
        extra = [c for c in cells[n_header:] if c.strip()]
        if extra and len(problems) < _ROW_LIMIT:
            problems.append(Problem(name, f"this row has cells to the right of the last named "
                                          f"column ({n_header}); they belong to no column. "
                                          "Name their column, or delete them.",
                                    line=line, value=", ".join(extra)))
        body_rows.append((cells + [""] * n_header)[:n_header])
    body = pd.DataFrame(body_rows, columns=list(range(n_header)), dtype=str) if body_rows \
        else pd.DataFrame(columns=list(range(n_header)), dtype=str)
    return _Parsed(header, body, np.asarray(lines[1:], dtype=np.int64), lines[0], problems,
                   "xlsx", "")


# --------------------------------------------------------------------------- the table

def _clean(value: object) -> str:
    """Trim spaces and compose accents (NFC), so that ``é`` typed two ways is one value."""
    text = str(value).strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _strip(series: pd.Series) -> pd.Series:
    codes, uniques = _codes(series)
    stripped = np.array([_clean(u) for u in uniques], dtype=object)
    if len(uniques) and (stripped != uniques).any():
        return pd.Series(stripped[codes], index=series.index, dtype=str)
    return series


def _is_qualtrics(body: pd.DataFrame) -> bool:
    if len(body) < 2:
        return False
    return any(str(v).startswith('{"ImportId"') for v in body.iloc[1].to_numpy())


def _qualtrics_labels(columns: list[str], texts: list[str]) -> dict[str, str]:
    """Question text per column; a matrix statement ``Question - Statement`` keeps the statement."""
    labels = {c: t.strip() for c, t in zip(columns, texts, strict=True)}
    prefixes: dict[str, int] = {}
    for text in labels.values():
        if " - " in text:
            prefix = text.rsplit(" - ", 1)[0]
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
    for column, text in labels.items():
        if " - " in text:
            prefix, statement = text.rsplit(" - ", 1)
            if prefixes[prefix] > 1 and statement.strip():
                labels[column] = statement.strip()
    return labels


def fold_name(name: str) -> str:
    """A column name compared without regard to case or letter width (NFKC, then casefold).

    Examples
    --------
    >>> fold_name("Department") == fold_name("\uff24epartment") == fold_name("DEPARTMENT")
    True
    """
    return unicodedata.normalize("NFKC", name).casefold()


_CONTROL_MESSAGE = ("holds a control character (shown as \\x..), which no report can show "
                    "and a terminal may act on. Delete it (such characters come with text "
                    "pasted from other programs).")


def _control_problems(name: str, frame: pd.DataFrame, lines: np.ndarray,
                      top: int) -> list[Problem]:
    """One problem per header name or cell holding a control character (a screenful at most)."""
    found = [Problem(name, "this column name " + _CONTROL_MESSAGE, line=top,
                     column=c) for c in frame.columns if CONTROL.search(c)]
    for column in frame.columns:
        bad = per_unique(frame[column], lambda v: CONTROL.search(v) is not None, dtype=bool)
        for i in np.flatnonzero(bad)[:_ROW_LIMIT]:
            found.append(Problem(name, "this cell " + _CONTROL_MESSAGE,
                                 line=int(lines[i]), column=column,
                                 value=str(frame[column].iloc[i])))
        if int(bad.sum()) > _ROW_LIMIT:
            found.append(Problem(name, f"{int(bad.sum()) - _ROW_LIMIT} more cell(s) in this "
                                       "column hold control characters.", column=column))
    return found


def read_table(path: Path) -> tuple[RawTable | None, list[Problem]]:
    """Read one CSV or Excel file as text. Returns the table (or ``None``) and its problems.

    A table with no columns (an empty file) is returned with an empty ``frame``.
    """
    name = path.name
    try:
        parsed = _read_excel(path) if path.suffix.lower() == ".xlsx" else _read_csv(path)
    except _Unreadable as err:
        return None, [err.problem]
    except Exception as err:  # never a traceback for a bad input file
        return None, [Problem(name, f"cannot be read as a table ({type(err).__name__}: {err}). "
                                    "Save it as CSV UTF-8 with one header row, or as .xlsx.")]
    body, problems, top = parsed.body, parsed.problems, parsed.header_line
    names = [_clean(str(c).strip().lstrip("\ufeff")) for c in parsed.header]
    if len(body.columns) and parsed.unclean:
        body = pd.DataFrame({i: _strip(body[i]) for i in body.columns}, index=body.index)
    keep: list[int] = []
    for i, column in enumerate(names):
        if column:
            keep.append(i)
        elif (body[i] != "").any():
            problems.append(Problem(name, "this column has values but no name in the header. "
                                          "Give it a name, or delete the column.",
                                    line=top, column=f"#{i + 1}"))
    seen: dict[str, int] = {}
    folded: dict[str, str] = {}
    final: list[str] = []
    for i in keep:
        column = names[i]
        seen[column] = seen.get(column, 0) + 1
        if seen[column] == 2:
            problems.append(Problem(name, "this column name appears more than once in the "
                                          "header; each column needs its own name.",
                                    line=top, column=column))
        first = folded.setdefault(fold_name(column), column)
        if first != column and seen[column] == 1:
            problems.append(Problem(name, f"this column name differs from `{first}` only in "
                                          "upper and lower case or in letter width (full-width "
                                          "letters), so both would read as one attribute. "
                                          "Rename one of them, or merge the two columns.",
                                    line=top, column=column))
        final.append(column if seen[column] == 1 else f"{column} ({seen[column]})")
    frame = body[keep] if keep else pd.DataFrame(index=body.index)
    frame.columns = final
    if parsed.control or any(CONTROL.search(c) for c in final):
        problems.extend(_control_problems(name, frame, parsed.lines, top))
    line_series = pd.Series(parsed.lines, dtype="int64")
    labels: dict[str, str] = {}
    metadata: pd.DataFrame | None = None
    qualtrics = _is_qualtrics(frame)
    if qualtrics:
        labels = _qualtrics_labels(final, [str(v) for v in frame.iloc[0]])
        dropped = [c for c in final if c in QUALTRICS_METADATA]
        metadata = frame.iloc[2:][dropped]
        frame = frame.iloc[2:].drop(columns=dropped)
        line_series = line_series.iloc[2:]
    if len(frame.columns):
        empty = (frame.iloc[:, 0] == "").to_numpy().copy()
        if empty.any():
            empty[empty] = (frame[empty] == "").all(axis=1).to_numpy()
            frame, line_series = frame[~empty], line_series[~empty]
            if metadata is not None:
                metadata = metadata[~empty]
    frame = frame.reset_index(drop=True)
    line_series = line_series.reset_index(drop=True)
    if metadata is not None:
        metadata = metadata.reset_index(drop=True)
    return RawTable(name, frame, line_series, labels, parsed.encoding, parsed.separator,
                    qualtrics, top, metadata), problems
