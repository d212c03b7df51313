"""Load and validate a data folder once, at the edge; diagnostics then trust the tables.

Validation reads every file of the folder and collects every problem in one pass; each
problem names the file, the line (the header is line 1; in Excel, the row), the column,
the value and what was expected. Errors make the folder unusable until they are fixed;
warnings say what was repaired (a self-tie left out, for example) and the data are used.
No input file is ever written to.

Missing-answer policy
---------------------
An empty cell (or ``NA``, ``N/A``, ``n/a``, ``NaN``, ``null``, ``none``, ``.``, ``-``,
``#N/A``, in any case) is a missing answer and is kept as missing (``NaN``): nothing is
imputed. Each diagnostic uses the respondents who answered at least two thirds of the
items it needs (:data:`~diagnostics.workbook.MIN_ANSWERED_SHARE`, applied by
:func:`~diagnostics.workbook.answered_enough` and ``Workbook.answered_enough``) and says in
its notes how many it left out; per-item figures use everyone who answered that item.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .answers import normalise, split_labels
from .config import read_config
from .errors import ConfigError, DataError, Problem
from .privacy import (
    SAFE_MIN_GROUP_SIZE,
    SAFE_MIN_TEXT_GROUP_SIZE,
    check_minimums,
    read_pseudonym_key,
)
from .reading import (
    FOREIGN_SUFFIXES,
    RawTable,
    _codes,
    find_table,
    find_tables,
    fold_name,
    per_unique,
    read_table,
)
from .words import count, plural
from .workbook import KINDS, Workbook

__all__ = ["load", "validate", "ValidationReport", "MISSING_TOKENS"]

#: Cell values read as a missing answer (compared in lower case, after trimming spaces).
MISSING_TOKENS: frozenset[str] = frozenset(
    {"", "na", "n/a", "nan", "null", "none", ".", "-", "#n/a"}
)

_TRUE = {"1", "1.0", "true", "yes", "y", "ja", "x"}
_FALSE = {"0", "0.0", "false", "no", "n", "nee", ""}
_KIND_ALIASES = {"behavior": "behaviour", "motivations": "motivation", "behaviours": "behaviour",
                 "behaviors": "behaviour", "outcomes": "outcome"}
_DIRECTIONS = {"top-down": "top-down", "topdown": "top-down", "top down": "top-down",
               "bottom-up": "bottom-up", "bottomup": "bottom-up", "bottom up": "bottom-up"}
_OUTCOMES = {"success": "success", "succeeded": "success", "failure": "failure",
             "failed": "failure", "ongoing": "ongoing", "open": "ongoing"}
_ITEM_NAME = re.compile(r"^[A-Za-z]{1,6}[_.]?\d+([_.]\d+)?$")
_RESERVED = {"respondent_id": "the respondent's id", "wave": "the wave",
             "is_leader": "the formal-leader flag"}
#: At most this many cells of one column are listed one by one.
_CELL_LIMIT = 200
#: The contract's column names of each file; a header that differs only in case, spaces or
#: hyphens (``Respondent ID``, ``Scale-Max``) is read as the contract's name.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "survey": ("respondent_id", "wave", "is_leader"),
    "codebook": ("item", "kind", "scale_min", "scale_max", "label", "construct", "reverse",
                 "non_negotiable", "labels", "missing_labels"),
    "network": ("source", "target", "relation", "weight", "wave"),
    "actions": ("respondent_id", "action", "date", "channel", "wave"),
    "initiatives": ("initiative_id", "supporters", "sponsor_level", "outcome", "name",
                    "sponsor_id", "started", "resources"),
    "stories": ("story_id", "text", "direction", "author_id", "date", "channel", "wave"),
    "roster": ("respondent_id", "manager_id", "email", "wave"),
    "comments": ("respondent_id", "text", "item", "sensitive", "wave"),
}
_FLOAT_ID = re.compile(r"^[+-]?\d+\.0+$")


@dataclass(frozen=True)
class ValidationReport:
    """What ``validate`` found: the problems (errors and warnings) and, if usable, the workbook."""

    folder: Path
    problems: tuple[Problem, ...]
    workbook: Workbook | None
    #: One line per file read: its size and how it was read (encoding, separator).
    files: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Problem]:
        """The problems that make the folder unusable."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that were repaired as stated (the data are used)."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """Whether the folder is usable (a workbook was built)."""
        return self.workbook is not None and not self.errors


class _Collector:
    """Collects problems in one pass."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.files: list[str] = []

    def add(self, file: str, message: str, *, line: int | None = None, column: str | None = None,
            value: object = None, severity: str = "error") -> None:
        self.problems.append(Problem(file, message, None if line is None else int(line), column,
                                     None if value is None else str(value), severity))

    def cells(self, table: RawTable, mask: pd.Series | np.ndarray, column: str, message: str,
              severity: str = "error", limit: int = _CELL_LIMIT) -> None:
        """One problem per flagged cell (at most ``limit`` per column, then a summary)."""
        idx = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(idx):
            return
        values = table.frame[column].to_numpy()
        lines = table.lines.to_numpy()
        for i in idx[:limit]:
            self.add(table.name, message, line=lines[i], column=column, value=values[i],
                     severity=severity)
        if len(idx) > limit:
            self.add(table.name, f"{count(len(idx) - limit, 'more cell')} in this column {plural(len(idx) - limit, 'has')} the same "
                     "problem.", column=column, severity=severity)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _is_missing_text(text: str) -> bool:
    return text.strip().lower() in MISSING_TOKENS


#: Above this many distinct values (an id column), a column's missing cells are found by
#: vectorised string operations instead of a Python call per distinct value.
_MANY_VALUES = 5_000


#: Whether the fast paths of the usual folder are taken (each hands anything unusual to the
#: careful path, which finds the same; tests turn them off to compare the two).
FAST_PATHS = True

#: Bytes that may begin or end a cell that ``str.strip()`` shortens: ASCII white space and
#: every byte of a multi-byte character.
_EDGE_BYTES = np.zeros(256, dtype=bool)
_EDGE_BYTES[[*range(0x09, 0x0E), *range(0x1C, 0x21), *range(0x80, 0x100)]] = True
_LONGEST_TOKEN = max(len(t) for t in MISSING_TOKENS)


def _may_be_missing(series: pd.Series) -> np.ndarray | None:
    """Which cells can be a missing token at all (``None``: any, look at every cell).

    A token is at most four ASCII characters. A cell longer than that in UTF-8 bytes, with
    no space or non-ASCII character at either end, keeps its length when trimmed, and lower
    case never shortens text nor makes ASCII of other letters (but the Kelvin sign, a k no
    token holds): such a cell is no token. Told from the column's bytes without a Python
    call per cell.
    """
    if not FAST_PATHS or series.dtype != "str":
        return None
    parts = []
    for chunk in _chunks(series):
        cells = _cell_bytes(chunk)
        if cells is None:
            return None
        start, end, data = cells
        maybe = end - start <= _LONGEST_TOKEN
        long = np.flatnonzero(~maybe)
        maybe[long] = _EDGE_BYTES[data[start[long]]] | _EDGE_BYTES[data[end[long] - 1]]
        parts.append(maybe)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=bool)


def _chunks(series: pd.Series) -> list[pa.Array]:
    """The pyarrow arrays that hold a text column (without copying them into one)."""
    arr = pa.array(series)
    return list(arr.chunks) if isinstance(arr, pa.ChunkedArray) else [arr]


def _cell_bytes(arr: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Where each cell of a text array starts and ends in its UTF-8 bytes, and the bytes.

    ``None`` for an array that is not text or has a missing value.
    """
    if arr.null_count or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    _, offsets_buf, data_buf = arr.buffers()
    wide = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=wide)[arr.offset:arr.offset + len(arr) + 1]
    data = (np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None
            else np.zeros(0, dtype=np.uint8))
    return offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64), data


def _missing(series: pd.Series) -> np.ndarray:
    """Whether each cell is a missing value (see :data:`MISSING_TOKENS`)."""
    maybe = _may_be_missing(series) if len(series) > _MANY_VALUES else None
    if maybe is not None and not maybe.all():
        flags = np.zeros(len(series), dtype=bool)
        at = np.flatnonzero(maybe)
        if len(at):
            flags[at] = _missing_each(series.iloc[at])
        return flags
    return _missing_each(series)


def _missing_each(series: pd.Series) -> np.ndarray:
    """:func:`_missing`, asked of each distinct value."""
    codes, uniques = _codes(series)
    if len(uniques) > _MANY_VALUES:
        texts = pd.Series(uniques, dtype=str).str.strip().str.lower()
        flags = texts.isin(list(MISSING_TOKENS)).to_numpy(dtype=bool)
    else:
        flags = np.fromiter((_is_missing_text(u) for u in uniques), dtype=bool,
                            count=len(uniques))
    return flags[codes] if len(codes) else np.zeros(0, dtype=bool)


def _parse_number(text: str) -> float:
    """A number from text; a decimal comma is accepted. NaN when missing or not a number."""
    t = text.strip()
    if t.lower() in MISSING_TOKENS or "_" in t:
        return math.nan
    try:
        return float(t.replace(",", ".") if t.count(",") == 1 and "." not in t else t)
    except ValueError:
        return math.nan


def _numeric(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of a text column and which cells are missing; not-a-number text is NaN."""
    codes, uniques = _codes(series)
    numbers = np.fromiter((_parse_number(u) for u in uniques), dtype=float, count=len(uniques))
    missing = np.fromiter((_is_missing_text(u) for u in uniques), dtype=bool,
                          count=len(uniques))
    if not len(codes):
        return np.zeros(0, dtype=float), np.zeros(0, dtype=bool)
    return numbers[codes], missing[codes]


def _flags(table: RawTable, column: str, out: _Collector, what: str) -> np.ndarray:
    true, false = per_unique(table.frame[column], lambda t: t.strip().lower() in _TRUE,
                             lambda t: t.strip().lower() in _FALSE, dtype=bool)
    out.cells(table, ~(true | false), column, f"expected 0 or 1 ({what}).")
    return true


def _require_columns(table: RawTable, columns: Iterable[str], out: _Collector) -> bool:
    missing = [c for c in columns if c not in table.frame.columns]
    for c in missing:
        found = ", ".join(table.frame.columns[:12])
        more = f" (and {len(table.frame.columns) - 12} more)" if len(table.frame.columns) > 12 else ""
        spare = [str(x) for x in table.frame.columns if x not in columns]
        close = _close(c, spare)
        hint = f" Did you mean `{close[0]}`?" if close else ""
        out.add(table.name, f"the required column `{c}` is missing from the header. Columns "
                f"found: {found or 'none'}{more}.{hint}", line=table.header_line, column=c)
    return not missing


def _close(name: str, candidates: list[str]) -> list[str]:
    """The candidate that ``name`` was most likely meant to be (case aside), if any."""
    by_lower = {c.lower(): c for c in candidates}
    if name.lower() in by_lower:
        return [by_lower[name.lower()]]
    found = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.75)
    return [by_lower[f] for f in found]


def _not_empty(table: RawTable, out: _Collector) -> bool:
    if table.frame.empty:
        out.add(table.name, "the file has a header but no data rows. Add the rows, or delete "
                "the file if it is an optional one with nothing to hold.",
                line=table.header_line + 1)
        return False
    return True


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "cp1252": "Windows-1252",
                   "latin-1": "Latin-1", "utf-16": "UTF-16"}
_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "|"}


def _describe(table: RawTable) -> str:
    """``survey.csv: 12 rows x 10 columns (UTF-8, comma-separated)``."""
    rows, columns = table.frame.shape
    if table.encoding == "xlsx":
        how = "Excel, first sheet"
    else:
        how = (f"{_ENCODING_NAMES.get(table.encoding, table.encoding)}, "
               f"{_SEPARATOR_NAMES.get(table.separator, table.separator)}-separated")
    if table.qualtrics:
        how += ", Qualtrics export"
    return f"{table.name}: {count(rows, 'row')} x {count(columns, 'column')} ({how})"


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold_name(name.strip()))


def _canonical_columns(table: RawTable, stem: str) -> RawTable:
    """Rename headers that differ from the contract's names only in case, spaces or hyphens."""
    present = set(table.frame.columns)
    wanted = {_key(c): c for c in _COLUMNS.get(stem, ()) if c not in present}
    renames = {c: wanted[_key(c)] for c in table.frame.columns
               if c not in _COLUMNS.get(stem, ()) and _key(c) in wanted}
    if len(set(renames.values())) != len(renames):  # two columns would take one name
        return table
    if not renames:
        return table
    labels = {renames.get(c, c): v for c, v in table.labels.items()}
    return replace(table, frame=table.frame.rename(columns=renames), labels=labels)


def _read(folder: Path, stem: str, out: _Collector) -> RawTable | None:
    found = find_tables(folder, stem)
    if not found:
        return None
    path = found[0]
    for other in found[1:]:
        out.add(other.name, f"was not read: {path.name} of the same name is read instead. "
                "Remove or rename one of them.", severity="warning")
    table, problems = read_table(path)
    out.problems.extend(problems)
    if table is not None:
        out.files.append(_describe(table))
    if table is not None and len(table.frame.columns) == 0:
        out.add(table.name, "the file is empty: it needs a header row and data rows (or delete "
                "it if it is an optional file).")
        return None
    return _canonical_columns(table, stem) if table is not None else None


def _unique_ids(table: RawTable, column: str, out: _Collector, what: str) -> np.ndarray:
    """Report empty and repeated ids; returns which rows have an id."""
    ids = table.frame[column]
    empty = _missing(ids)
    out.cells(table, empty, column, f"every row needs {what}.")
    dup = ids.duplicated(keep="first").to_numpy() & ~empty
    if dup.any():
        firsts = ~ids.duplicated(keep="first").to_numpy()
        first_line = dict(zip(ids[firsts], table.lines[firsts], strict=True))
        for i in np.flatnonzero(dup)[:_CELL_LIMIT]:
            out.add(table.name, f"this {column} appears again; it was first used on line "
                    f"{first_line[ids.iloc[i]]}. Each {column} must be unique.",
                    line=table.lines.iloc[i], column=column, value=ids.iloc[i])
    return ~empty


# --------------------------------------------------------------------------- codebook

def _codebook(table: RawTable, out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(
        table, ["item", "kind", "scale_min", "scale_max"], out
    ):
        return None
    f = table.frame
    has_item = _unique_ids(table, "item", out, "an item name")
    reserved = f["item"].isin(list(_RESERVED)).to_numpy()
    for i in np.flatnonzero(reserved):
        name = f["item"].iloc[i]
        out.add(table.name, f"`{name}` is the survey's column for {_RESERVED[name]}, not an "
                "item. Remove this row.", line=table.lines.iloc[i], column="item", value=name)
    kind = f["kind"].str.strip().str.lower().replace(_KIND_ALIASES)
    out.cells(table, ~kind.isin(KINDS), "kind", f"expected one of {', '.join(KINDS)}.")
    lo, lo_missing = _numeric(f["scale_min"])
    hi, hi_missing = _numeric(f["scale_max"])
    lo_bad, hi_bad = np.isnan(lo), np.isnan(hi)
    out.cells(table, lo_bad, "scale_min", "expected a number (the lowest answer on the scale).")
    out.cells(table, hi_bad, "scale_max", "expected a number (the highest answer on the scale).")
    order_bad = ~lo_bad & ~hi_bad & (lo >= hi)
    out.cells(table, order_bad, "scale_max", "expected a number larger than scale_min.")
    book = pd.DataFrame({
        "item": f["item"], "kind": kind, "scale_min": lo, "scale_max": hi,
        "label": f["label"] if "label" in f else "",
        "construct": f["construct"] if "construct" in f else "",
    })
    book["reverse"] = _flags(table, "reverse", out, "1 if the item is worded in reverse") \
        if "reverse" in f else False
    book["non_negotiable"] = _flags(table, "non_negotiable", out,
                                    "1 if the behaviour must hold everywhere") \
        if "non_negotiable" in f else False
    if "non_negotiable" in f:
        nn_other = book["non_negotiable"] & kind.isin(KINDS) & (kind != "behaviour")
        out.cells(table, nn_other, "non_negotiable", "only behaviour items can be "
                  "non-negotiable; this flag is ignored here.", severity="warning")
    book["non_negotiable"] &= book["kind"] == "behaviour"
    for extra in f.columns:
        if extra not in book.columns:
            book[extra] = f[extra]
    book["_line"] = table.lines.to_numpy()
    book["_scale_ok"] = ~(lo_bad | hi_bad | order_bad)
    book["_answers"] = _answer_labels(table, lo, hi, book["_scale_ok"].to_numpy(), out)
    book = book[has_item & ~reserved].drop_duplicates("item")
    return book


def _answer_labels(table: RawTable, lo: np.ndarray, hi: np.ndarray, scale_ok: np.ndarray,
                   out: _Collector) -> list[dict[str, float] | None]:
    """Per codebook row, normalised answer text -> scale point (NaN: read as missing)."""
    f = table.frame
    result: list[dict[str, float] | None] = []
    for i in range(len(f)):
        labels = split_labels(f["labels"].iloc[i]) if "labels" in f else []
        missing = split_labels(f["missing_labels"].iloc[i]) if "missing_labels" in f else []
        line = table.lines.iloc[i]
        if not labels and not missing:
            result.append(None)
            continue
        mapping: dict[str, float] = {}
        if labels and scale_ok[i]:
            points = hi[i] - lo[i] + 1
            if not (float(lo[i]).is_integer() and float(hi[i]).is_integer()) \
                    or len(labels) != points:
                out.add(table.name, f"lists {count(len(labels), 'answer text')} but the scale "
                        f"{_fmt(lo[i])}-{_fmt(hi[i])} has {_fmt(points)} {plural(points, 'point')}. List one "
                        "text per point, lowest first, separated by |.", line=line,
                        column="labels", value=f["labels"].iloc[i])
                result.append(None)
                continue
            mapping = {normalise(t): float(lo[i] + k) for k, t in enumerate(labels)}
        if any(not t for t in labels) or len(mapping) != len(labels):
            out.add(table.name, "two answer texts are the same (or one is empty) once case and "
                    "spacing are set aside; each point needs its own text.", line=line,
                    column="labels", value=f["labels"].iloc[i])
        for text in missing:
            key = normalise(text)
            if key in mapping:
                out.add(table.name, f"`{text}` is both an answer on the scale and a missing "
                        "answer; keep it in one of labels and missing_labels.", line=line,
                        column="missing_labels", value=f["missing_labels"].iloc[i])
            elif key:
                mapping[key] = math.nan
        result.append(mapping)
    return result


# --------------------------------------------------------------------------- survey

#: Response-status columns of survey tools: counted and reported, not kept as attributes.
_STATUS_COLUMNS = ("Finished", "Progress", "Status")
#: Qualtrics response types (the ``Status`` column) that are not a respondent's answers.
_NOT_RESPONSES = {"1": "preview", "2": "test", "8": "spam", "9": "preview spam",
                  "12": "imported spam", "17": "offline preview", "survey preview": "preview",
                  "survey test": "test", "spam": "spam"}


def _status_warning(table: RawTable, frame: pd.DataFrame, out: _Collector) -> None:
    """A warning with counts of unfinished, preview, test and spam responses (kept as they are)."""
    counts: dict[str, int] = {}
    if "Finished" in frame:
        lowered = frame["Finished"].str.strip().str.lower()
        counts["unfinished"] = int(lowered.isin(["0", "false", "no", "0.0"]).sum())
    if "Progress" in frame:
        progress, _ = _numeric(frame["Progress"])
        partial = int((progress < 100).sum())
        if "unfinished" not in counts:
            counts["unfinished"] = partial
    if "Status" in frame:
        kinds = frame["Status"].str.strip().str.lower().map(_NOT_RESPONSES)
        for kind, n in kinds.value_counts().items():
            counts[str(kind)] = int(n)
    found = {k: n for k, n in counts.items() if n}
    if not found:
        return
    used = ", ".join(c for c in _STATUS_COLUMNS if c in frame)
    what = ", ".join(f"{n} {k}" for k, n in found.items())
    out.add(table.name, f"the survey tool's response status ({used}) says: {what} "
            "responses; they are kept. Remove those rows, or make the folder with "
            "`culture-diagnostics import` from the raw export, which leaves them out. (The "
            "status columns are not kept as attributes.)",
            line=table.header_line, column=next(c for c in _STATUS_COLUMNS if c in frame),
            severity="warning")


def _answers_with_labels(series: pd.Series, mapping: dict[str, float] | None
                         ) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of an item column, reading answer texts through the codebook's labels."""
    if not mapping:
        return _numeric(series)

    def value(text: str) -> float:
        number = _parse_number(text)
        if not math.isnan(number):
            return number
        return mapping.get(normalise(text), math.nan)

    def missing(text: str) -> bool:
        if _is_missing_text(text):
            return True
        key = normalise(text)
        return key in mapping and math.isnan(mapping[key])

    values, absent = per_unique(series, value, missing)
    return values.astype(float), absent.astype(bool)


#: A cell of at most this many digits is read as a whole number by :func:`_digit_numbers`.
_DIGITS = 4


def _digit_numbers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """Whole numbers of a text array whose cells are only digits (or empty), from its bytes.

    ``None`` unless every cell is empty or at most four ASCII digits. Such a cell reads as
    ``float(cell)`` reads it; an empty cell is missing (NaN).

    Examples
    --------
    >>> _digit_numbers(pa.array(["3", "", "10", "007"]))
    (array([ 3., nan, 10.,  7.]), array([False,  True, False, False]))
    >>> _digit_numbers(pa.array(["3", "4.5"])) is None
    True
    """
    if arr.null_count:
        return None
    _, offsets_buf, data_buf = arr.buffers()
    wide = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=wide)[arr.offset:arr.offset + len(arr) + 1]
    start, end = offsets[:-1].astype(np.int64), offsets[1:].astype(np.int64)
    size = end - start
    if len(size) and size.max() > _DIGITS:
        return None
    if data_buf is None or not len(size) or not size.max():  # no cell holds anything
        return np.full(len(size), np.nan), np.ones(len(size), dtype=bool)
    data = np.frombuffer(data_buf, dtype=np.uint8)[int(offsets[0]):int(offsets[-1])]
    if ((data < 0x30) | (data > 0x39)).any():
        return None
    start = start - int(offsets[0])
    last = len(data) - 1
    value = np.zeros(len(size), dtype=float)
    for k in range(int(size.max())):  # the k-th digit of every cell that has one
        digit = data[np.minimum(start + k, last)].astype(float) - 0x30
        value = np.where(size > k, value * 10 + digit, value)
    missing = size == 0
    value[missing] = np.nan
    return value, missing


def _plain_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_numeric` of a column of plain numbers and empty cells, read by pyarrow at once.

    ``None`` when any cell is something else (text, a decimal comma, a missing-answer word,
    infinity): each distinct value is then read by :func:`_parse_number`. Where pyarrow
    reads a finite number, it is the number :func:`_parse_number` reads (a test compares
    them on many texts).
    """
    if not FAST_PATHS or series.dtype != "str":
        return None
    chunks = _chunks(series)
    if all(pa.types.is_string(c.type) or pa.types.is_large_string(c.type) for c in chunks):
        digits = [_digit_numbers(c) for c in chunks]
        if chunks and all(d is not None for d in digits):
            return (np.concatenate([d[0] for d in digits if d is not None]),
                    np.concatenate([d[1] for d in digits if d is not None]))
    arr = pa.chunked_array(chunks).combine_chunks() if chunks else pa.array([], pa.string())
    if arr.null_count:
        return None
    empty = pc.equal(arr, "")
    try:
        numbers = pc.cast(pc.if_else(empty, pa.scalar(None, arr.type), arr), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    value = numbers.to_numpy(zero_copy_only=False)
    missing = np.asarray(empty, dtype=bool)
    if not np.isfinite(value[~missing]).all():
        return None
    return value, missing


def _recode_offset(value: np.ndarray, lo: float, hi: float) -> tuple[float, float] | None:
    """The constant shift of answers that all lie off the scale in a band as wide as it."""
    answered = value[~np.isnan(value)]
    if len(answered) == 0 or ((answered >= lo) & (answered <= hi)).any():
        return None
    low, high = float(answered.min()), float(answered.max())
    if high - low > hi - lo or not np.all(np.mod(answered, 1) == 0):
        return None
    return high - hi, low - lo


def _offset_words(shift: tuple[float, float]) -> str:
    """``10`` or ``10 to 12, most likely 10`` (survey tools shift by tens)."""
    first, last = shift
    if first == last:
        return _fmt(first)
    tens = [t for t in range(int(math.ceil(first / 10)) * 10, int(last) + 1, 10) if t]
    likely = f", most likely {tens[0]}" if len(tens) == 1 else ""
    return f"{_fmt(first)} to {_fmt(last)}{likely}"

def _item_like(series: pd.Series, name: str) -> bool:
    """A column that looks like survey answers: an item-like name and numeric answers only."""
    if not _ITEM_NAME.match(name):
        return False
    values, missing = _numeric(series)
    answered = ~missing
    return bool(answered.any()) and not np.isnan(values[answered]).any()


def _survey(table: RawTable, book: pd.DataFrame | None, out: _Collector,
            codebook_name: str | None, codebook_hint: str = "") -> tuple[pd.DataFrame, list[str]] | None:
    """Validate survey.csv against the codebook (``codebook_name`` None: there is none)."""
    f = table.frame
    if "respondent_id" not in f.columns and "ResponseId" in f.columns:
        f = f.rename(columns={"ResponseId": "respondent_id"})
        table = replace(table, frame=f)
        out.add(table.name, "no `respondent_id` column; the Qualtrics `ResponseId` is used "
                "instead (people cannot then be followed across waves).",
                line=table.header_line, column="ResponseId", severity="warning")
    elif table.qualtrics and "ResponseId" in f.columns:
        f = f.drop(columns=["ResponseId"])
        table = replace(table, frame=f)
    if not _not_empty(table, out) or not _require_columns(table, ["respondent_id"], out):
        return None
    items: list[str] = []
    if book is not None:
        absent = ~book["item"].isin(f.columns)
        for _, row in book[absent].iterrows():
            close = _close(str(row["item"]), [str(c) for c in f.columns])
            hint = f" Did you mean `{close[0]}`?" if close else ""
            out.add(codebook_name or "codebook.csv", f"names item `{row['item']}`, but "
                    f"{table.name} has no such column.{hint} Fix the name, or remove the row.",
                    line=row["_line"], column="item", value=row["item"])
        items = [i for i in book["item"] if i in f.columns]
    status = [c for c in _STATUS_COLUMNS if c in f.columns and c not in items]
    status_frame = table.metadata if table.metadata is not None and not status else f[status]
    if len(status_frame.columns) and any(c in status_frame for c in _STATUS_COLUMNS):
        _status_warning(table, status_frame, out)
    others = [c for c in f.columns if c not in items and c not in _RESERVED and c not in status]
    item_like = [c for c in others if _item_like(f[c], c)]
    if book is not None:
        for c in item_like:
            out.add(table.name, f"has numeric answers and an item-like name, but "
                    f"{codebook_name} has no row for it; it is read as an attribute. If it "
                    "is a survey item, add a row for it to the codebook.",
                    line=table.header_line, column=c, severity="warning")
        item_like = []
    elif codebook_name is None and item_like:
        shown = ", ".join(item_like[:8]) + (", ..." if len(item_like) > 8 else "")
        out.add("codebook.csv", f"is missing, but {table.name} has {count(len(item_like), 'column')} "
                f"that {plural(len(item_like), 'looks', 'look')} like survey items ({shown}). Add codebook.csv with a row for each "
                f"item: item, kind, scale_min, scale_max.{codebook_hint}")
    attributes = [c for c in others if c not in item_like]
    ids = f["respondent_id"]
    empty_id = _missing(ids)
    out.cells(table, empty_id, "respondent_id", "every row needs a respondent_id.")
    if "wave" in f.columns:
        wave_missing = _missing(f["wave"])
        wave = f["wave"].where(~wave_missing, "")
        out.cells(table, wave_missing, "wave", "expected a wave name (every row needs one when "
                  "the column is present).")
    else:
        wave = pd.Series("1", index=f.index, dtype=str)
    keys = pd.DataFrame({"id": ids, "wave": wave})
    dup = keys.duplicated(keep="first").to_numpy() & ~empty_id
    if dup.any():
        firsts = ~keys.duplicated(keep="first").to_numpy()
        first_line = dict(zip(zip(ids[firsts], wave[firsts], strict=True), table.lines[firsts],
                              strict=True))
        for i in np.flatnonzero(dup)[:_CELL_LIMIT]:
            extra = f" in wave {wave.iloc[i]}" if "wave" in f.columns else ""
            out.add(table.name, f"this respondent appears twice{extra}; the first row is line "
                    f"{first_line[(ids.iloc[i], wave.iloc[i])]}. Keep one row per respondent and wave.",
                    line=table.lines.iloc[i], column="respondent_id", value=ids.iloc[i])
        if int(dup.sum()) > _CELL_LIMIT:
            out.add(table.name, f"{count(int(dup.sum()) - _CELL_LIMIT, 'more repeated respondent')}.",
                    column="respondent_id")
    data: dict[str, object] = {"respondent_id": ids, "wave": wave}
    if "is_leader" in f.columns:
        data["is_leader"] = _flags(table, "is_leader", out, "1 for a formal leader")
    for c in attributes:
        data[c] = f[c].where(~_missing(f[c]), None).astype("str")
    answers = np.empty((len(f), len(items)), order="F")  # each item's column in one block
    if book is not None:
        scales = book.set_index("item")[["scale_min", "scale_max", "_scale_ok", "reverse",
                                          "_answers"]].to_dict("index")
        for j, item in enumerate(items):
            scale = scales[item]
            mapping = scale["_answers"]
            plain = None if mapping else _plain_numbers(f[item])
            value, missing = plain if plain is not None else _answers_with_labels(f[item],
                                                                                  mapping)
            bad = np.isnan(value) & ~missing
            lo, hi = scale["scale_min"], scale["scale_max"]
            on_scale = (f"on the scale {_fmt(lo)}-{_fmt(hi)}" if scale["_scale_ok"]
                        else "")
            n_bad, n_answered = int(bad.sum()), int((~missing).sum())
            if mapping:
                texts = [t for t, v in mapping.items() if not math.isnan(v)]
                shown = ", ".join(texts[:7]) + (", ..." if len(texts) > 7 else "")
                gone = [t for t, v in mapping.items() if math.isnan(v)]
                out.cells(table, bad, item, f"expected a number {on_scale}, one of the answer "
                          f"texts in {codebook_name} ({shown or 'none'})"
                          + (f", one read as missing ({', '.join(gone[:5])})" if gone else "")
                          + " or an empty cell.")
            elif n_bad > 1 and n_bad == n_answered:
                at = int(np.flatnonzero(bad)[0])
                out.add(table.name, f"all {n_bad} answers in this column are text, not numbers "
                        f"(the first is shown). Export numeric values from the survey tool, or, "
                        f"if it is an attribute, remove its row from {codebook_name}.",
                        line=table.lines.iloc[at], column=item, value=f[item].iloc[at])
            else:
                out.cells(table, bad, item, f"expected a number {on_scale} or an empty cell (if "
                          "the survey tool exported answer texts, export numeric values "
                          "instead).".replace("  ", " "))
            shift = _recode_offset(value, lo, hi) if scale["_scale_ok"] else None
            if shift is not None:
                at = int(np.flatnonzero(~np.isnan(value))[0])
                answered = value[~np.isnan(value)]
                out.add(table.name, f"every answer lies between {_fmt(answered.min())} and "
                        f"{_fmt(answered.max())}, off the scale {_fmt(lo)}-{_fmt(hi)} declared "
                        f"in {codebook_name} by a constant offset ({_offset_words(shift)}): these look like the "
                        "survey tool's recode values (Qualtrics can number a 1-5 question "
                        "11-15, sometimes in reverse order). Check the question's recode "
                        "values in the survey tool and export again, or export the answer "
                        "texts and list them in the codebook's labels column; do not just "
                        "widen the scale.", line=table.lines.iloc[at], column=item,
                        value=f[item].iloc[at])
            elif scale["_scale_ok"]:
                outside = ~np.isnan(value) & ((value < lo) | (value > hi))
                out.cells(table, outside, item, f"is outside the scale {_fmt(lo)}-{_fmt(hi)} "
                          f"declared in {codebook_name}. Fix the value, or set scale_min/"
                          f"scale_max for {item}.")
                if bool(scale["reverse"]):
                    value = lo + hi - value
            answers[:, j] = np.where(bad, np.nan, value)
    survey = pd.DataFrame(data)
    if items:
        survey = pd.concat([survey, pd.DataFrame(answers, columns=items, index=survey.index,
                                                 copy=False)], axis=1)
    survey["_line"] = table.lines.to_numpy()
    return survey, attributes


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# --------------------------------------------------------------------------- optional files

def _strings(values: pd.Series | np.ndarray | pa.Array) -> pa.Array:
    """Text values as one pyarrow string array (a missing value stays missing)."""
    arr = values if isinstance(values, pa.Array) else pa.array(values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr if arr.type == pa.string() else arr.cast(pa.string())


def _isin(values: pd.Series | np.ndarray | pa.Array,
          pool: pd.Series | np.ndarray | pa.Array) -> np.ndarray:
    """``values.isin(pool)`` for text, by pyarrow's hash lookup (a missing value: False)."""
    found = pc.is_in(_strings(values), value_set=_strings(pool)).fill_null(False)
    return np.asarray(found, dtype=bool)


@dataclass(frozen=True)
class _People:
    """The respondent ids of the survey (distinct, sorted) and the survey's file name."""

    ids: pa.Array
    file: str

    @classmethod
    def of(cls, ids: pd.Series, file: str) -> _People:
        """The distinct ids of ``ids`` in sorted order (as ``sorted(set(ids))``)."""
        distinct = pc.unique(_strings(ids))
        return cls(distinct.take(pc.array_sort_indices(distinct)), file)

    def known(self, values: pd.Series) -> pd.Series:
        """Whether each value is one of the survey's ids (``values.isin(ids)``, for many rows:
        pyarrow's hash lookup instead of a Python loop over the ids)."""
        return pd.Series(_isin(values, self.ids), index=values.index)


def _match_float_ids(table: RawTable, frame: pd.DataFrame, lines: pd.Series, column: str,
                     people: _People, out: _Collector) -> pd.Series:
    """Read ids written as decimals (``1001.0``, as some exports write numbers) as the survey's.

    Returns which rows still name no one of the survey.
    """
    unknown = ~people.known(frame[column])
    if not unknown.any():
        return unknown
    as_int = per_unique(frame.loc[unknown, column],
                        lambda t: t.split(".")[0] if _FLOAT_ID.match(t) else t)
    fixed = pd.Series(as_int, index=frame.index[unknown.to_numpy()])
    known = people.known(fixed) & (fixed != frame.loc[unknown, column])
    if known.any():
        first = known.idxmax()
        out.add(table.name, f"{count(int(known.sum()), 'id')} {plural(int(known.sum()), 'is')} written as decimal numbers (the first "
                f"is shown); they were read as the ids of {people.file} "
                f"({frame.at[first, column]} as {fixed[first]}).", line=int(lines[first]),
                column=column, value=frame.at[first, column], severity="warning")
        frame.loc[known.index[known], column] = fixed[known]
        unknown.loc[known.index[known]] = False
    return unknown


def _known_people(table: RawTable, frame: pd.DataFrame, lines: pd.Series, columns: list[str],
                  people: _People | None, out: _Collector, what: str,
                  mended: dict[str, pd.Series] | None = None) -> pd.Series:
    """Rows whose people are all in the survey; a warning with a count for the rest.

    ``frame`` is a copy owned by the caller: ids written as decimals are mended in it.
    ``mended``: per column, which rows still named no one once its decimals were mended
    (by :func:`_match_float_ids` on these rows or more), so that it is not asked again.
    """
    keep = pd.Series(True, index=frame.index)
    if people is None:  # the survey could not be read: nothing to check against
        return keep
    for column in columns:
        if mended is not None and column in mended:
            unknown = mended[column].loc[frame.index]
        else:
            unknown = _match_float_ids(table, frame, lines, column, people, out)
        if unknown.any():
            names = sorted(frame.loc[unknown, column].unique())
            examples = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            first = int(lines[unknown].iloc[0])
            out.add(table.name, f"{count(int(unknown.sum()), what)} {plural(int(unknown.sum()), 'names', 'name')} people who are not in "
                    f"{people.file} (the first is shown; ids: {examples}); they were left out.",
                    line=first, column=column, value=frame.loc[unknown, column].iloc[0],
                    severity="warning")
        keep &= ~unknown
    return keep


def _network(table: RawTable, people: _People | None, out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(table, ["source", "target"], out):
        return None
    f = table.frame
    no_id = np.zeros(len(f), dtype=bool)
    for c in ("source", "target"):
        missing = _missing(f[c])
        out.cells(table, missing, c, "every tie needs a respondent id here.")
        no_id |= missing
    if "weight" in f:
        weight, w_missing = _numeric(f["weight"])
        out.cells(table, np.isnan(weight) & ~w_missing, "weight",
                  "expected a number (or an empty cell for weight 1).")
        weight = np.where(np.isnan(weight), 1.0, weight)
    else:
        weight = np.ones(len(f))
    net = pd.DataFrame({
        "source": f["source"], "target": f["target"],
        "relation": (f["relation"].where(~_missing(f["relation"]), "tie").str.lower()
                     if "relation" in f else "tie"),
        "weight": weight.astype(float),
        "wave": f["wave"].where(~_missing(f["wave"]), None) if "wave" in f else None,
    })
    lines = table.lines
    net, lines = net[~no_id].copy(), lines[~no_id]
    mended: dict[str, pd.Series] = {}
    if people is not None:  # mend ids written as decimals before looking for self-ties
        for column in ("source", "target"):
            mended[column] = _match_float_ids(table, net, lines, column, people, out)
    selfie = net["source"] == net["target"]
    if selfie.any():
        out.add(table.name, f"{count(int(selfie.sum()), 'tie')} {plural(int(selfie.sum()), 'goes', 'go')} from a person to themselves (the "
                "first is shown); they were left out.", line=int(lines[selfie].iloc[0]),
                column="target", value=net.loc[selfie, "target"].iloc[0], severity="warning")
    net, lines = net[~selfie], lines[~selfie]
    keep = _known_people(table, net, lines, ["source", "target"], people, out, "tie", mended)
    net, lines = net[keep], lines[keep]
    key = ["source", "target", "relation", "wave"]
    repeat = _duplicated(net, key)
    if repeat.any():
        out.add(table.name, f"{count(int(repeat.sum()), 'tie')} {plural(int(repeat.sum()), 'repeats', 'repeat')} an earlier tie with the same "
                "relation and wave (the first is shown); their weights were added together.",
                line=int(lines[repeat].iloc[0]), column="target",
                value=net.loc[repeat, "target"].iloc[0], severity="warning")
        net = net.groupby(key, dropna=False, sort=False)["weight"].sum().reset_index()
    return net.reset_index(drop=True)


def _duplicated(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """``frame.duplicated(columns)``: each column's codes combined into one number per row."""
    if not FAST_PATHS:
        return frame.duplicated(columns)
    key = np.zeros(len(frame), dtype=np.int64)
    span = 1
    for column in columns:
        codes, uniques = pd.factorize(frame[column], use_na_sentinel=False)
        n = max(len(uniques), 1)
        if span > 2**62 // n:  # too many combinations for one number
            return frame.duplicated(columns)
        key, span = key * n + codes, span * n
    repeated = np.ones(len(frame), dtype=bool)
    repeated[np.unique(key, return_index=True)[1]] = False  # each key's first row
    return pd.Series(repeated, index=frame.index)


def _dates(table: RawTable, column: str, out: _Collector) -> pd.Series:
    f = table.frame
    raw = f[column].where(~_missing(f[column]), None)
    date = pd.to_datetime(raw, errors="coerce", format="mixed", dayfirst=False)
    out.cells(table, date.isna().to_numpy() & raw.notna().to_numpy(), column,
              "expected a date such as 2025-03-31 (or an empty cell).")
    return date


def _actions(table: RawTable, people: _People | None, out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(table, ["respondent_id", "action"], out):
        return None
    f = table.frame
    no_id = _missing(f["respondent_id"])
    out.cells(table, no_id, "respondent_id", "every action needs the respondent_id of who "
              "took it.")
    no_action = _missing(f["action"])
    out.cells(table, no_action, "action", "every row needs an action.")
    actions = f.copy()
    actions["action"] = actions["action"].str.lower()
    if "date" in f:
        actions["date"] = _dates(table, "date", out)
    keep_rows = ~(no_action | no_id)
    actions, lines = actions[keep_rows].copy(), table.lines[keep_rows]
    keep = _known_people(table, actions, lines, ["respondent_id"], people, out, "action")
    return actions[keep].reset_index(drop=True)


def _initiatives(table: RawTable, out: _Collector) -> pd.DataFrame | None:
    need = ["initiative_id", "supporters", "sponsor_level", "outcome"]
    if not _not_empty(table, out) or not _require_columns(table, need, out):
        return None
    f = table.frame
    _unique_ids(table, "initiative_id", out, "an initiative_id")
    supporters, _ = _numeric(f["supporters"])
    bad = np.isnan(supporters) | (supporters < 0) | (np.nan_to_num(supporters) % 1 != 0)
    out.cells(table, bad, "supporters", "expected a whole number of supporters, 0 or more.")
    outcome = f["outcome"].str.strip().str.lower().map(_OUTCOMES)
    out.cells(table, outcome.isna(), "outcome", "expected success, failure or ongoing.")
    sponsor = f["sponsor_level"].where(~_missing(f["sponsor_level"]) &
                                       (f["sponsor_level"].str.lower() != "none"), "none")
    frame = f.copy()
    frame["supporters"] = supporters
    frame["outcome"] = outcome
    frame["sponsor_level"] = sponsor
    return frame.reset_index(drop=True)


def _stories(table: RawTable, out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(
        table, ["story_id", "text", "direction"], out
    ):
        return None
    f = table.frame
    _unique_ids(table, "story_id", out, "a story_id")
    direction = f["direction"].str.strip().str.lower().map(_DIRECTIONS)
    out.cells(table, direction.isna(), "direction", "expected top-down or bottom-up.")
    empty = _missing(f["text"])
    out.cells(table, empty, "text", "the story has no text; it was left out.", severity="warning")
    frame = f.copy()
    frame["direction"] = direction
    if "date" in f:
        frame["date"] = _dates(table, "date", out)
    return frame[~empty].reset_index(drop=True)


def _known_waves(table: RawTable, waves: frozenset[str], survey: str, out: _Collector) -> None:
    """Every wave named in ``table`` is a wave of the survey (a typo would silently drop rows)."""
    if "wave" not in table.frame.columns or not waves:
        return
    column = table.frame["wave"]
    unknown = ~_missing(column) & ~column.isin(list(waves)).to_numpy()
    shown = ", ".join(sorted(waves)[:8]) + (", ..." if len(waves) > 8 else "")
    out.cells(table, unknown, "wave", f"this wave matches no wave of {survey} ({shown}); its "
              "rows would be left out of every diagnostic that compares waves. Fix the wave "
              "name, or leave the cell empty.", limit=20)


def _has_cycle(parent: np.ndarray) -> bool:
    """Whether following ``parent`` (a row's parent row, -1 at a top) ever goes round.

    Each row's ancestor twice as far up is looked up at once, as often as it takes to pass
    the longest chain: a row that never reaches a top is in a circle or leads into one.

    Examples
    --------
    >>> _has_cycle(np.array([-1, 0, 1])), _has_cycle(np.array([-1, 2, 1])), _has_cycle(np.array([0]))
    (False, True, True)
    """
    n = len(parent)
    up = np.append(np.where(parent < 0, n, parent), n)
    for _ in range(max(n, 1).bit_length() + 1):
        up = up[up]
    return bool((up[:n] != n).any())


def _roster(table: RawTable, people: _People | None, out: _Collector) -> pd.DataFrame | None:
    """roster.csv: one row per invited person (and wave); managers form a tree."""
    if not _not_empty(table, out) or not _require_columns(table, ["respondent_id"], out):
        return None
    f = table.frame
    ids = f["respondent_id"]
    empty = _missing(ids)
    out.cells(table, empty, "respondent_id", "every invited person needs a respondent_id.")
    wave = (f["wave"].where(~_missing(f["wave"]), "") if "wave" in f
            else pd.Series("", index=f.index, dtype=str))
    keys = pd.DataFrame({"id": ids, "wave": wave})
    dup = keys.duplicated(keep="first").to_numpy() & ~empty
    if dup.any():
        firsts = ~keys.duplicated(keep="first").to_numpy()
        first = dict(zip(zip(ids[firsts], wave[firsts], strict=True), table.lines[firsts],
                         strict=True))
        for i in np.flatnonzero(dup)[:_CELL_LIMIT]:
            out.add(table.name, f"this person is listed twice; the first row is line "
                    f"{first[(ids.iloc[i], wave.iloc[i])]}. List each invited person once"
                    + (" per wave." if "wave" in f else "."), line=table.lines.iloc[i],
                    column="respondent_id", value=ids.iloc[i])
    manager = (f["manager_id"].where(~_missing(f["manager_id"]), "") if "manager_id" in f
               else pd.Series("", index=f.index, dtype=str))
    line_at = table.lines.to_numpy()
    wave_codes, wave_names = pd.factorize(wave)
    id_all, boss_all = _strings(ids), _strings(manager)
    kept = ~np.asarray(empty, dtype=bool) & ~dup
    for code, w in enumerate(wave_names.tolist()):
        rows = np.flatnonzero((wave_codes == code) & kept)
        person_arr, boss_arr, lines = id_all.take(rows), boss_all.take(rows), line_at[rows]
        named = np.asarray(pc.not_equal(boss_arr, ""), dtype=bool)
        at = pc.index_in(boss_arr, value_set=person_arr)
        outside = named & np.asarray(at.is_null(), dtype=bool)
        own = named & np.asarray(pc.equal(boss_arr, person_arr), dtype=bool)
        for j in np.flatnonzero(outside | own):
            if outside[j]:
                out.add(table.name, "this manager_id is not a respondent_id of the roster"
                        + (f" in wave {w}" if w else "") + ". Add the manager as a row, or "
                        "correct the id.", line=int(lines[j]), column="manager_id",
                        value=boss_arr[int(j)].as_py())
            else:
                out.add(table.name, "this person is their own manager. Leave manager_id "
                        "empty for the top of the organisation.", line=int(lines[j]),
                        column="manager_id", value=boss_arr[int(j)].as_py())
        above = np.where(named & ~own, np.asarray(at.fill_null(-1), dtype=np.int64), -1)
        if FAST_PATHS and not _has_cycle(above):
            continue
        person = np.asarray(person_arr.to_pylist(), dtype=object)
        boss = np.asarray(boss_arr.to_pylist(), dtype=object)
        parent = dict(zip(person[named], boss[named], strict=True))
        line_of = dict(zip(person, lines.astype(int), strict=True))
        parent = {k: v for k, v in parent.items() if k != v}
        done: set[str] = set()
        for start in parent:
            path: list[str] = []
            on_path: set[str] = set()
            node = start
            while node in parent and node not in done and node not in on_path:
                on_path.add(node)
                path.append(node)
                node = parent[node]
            if node in on_path:
                cycle = path[path.index(node):]
                out.add(table.name, "the managers go round in a circle ("
                        + " -> ".join([*cycle, node]) + "): someone in it must report to a "
                        "person outside it, or have no manager.", line=line_of[node],
                        column="manager_id", value=parent[node])
            done.update(path)
    frame = pd.DataFrame({"respondent_id": ids, "wave": wave.where(wave != "", None),
                          "manager_id": manager.where(manager != "", None)})
    for column in f.columns:
        if column not in ("respondent_id", "wave", "manager_id", "email"):
            frame[column] = f[column].where(~_missing(f[column]), None)
    frame = frame[~empty & ~dup]
    if people is not None:
        absent = ~_isin(people.ids, frame["respondent_id"])
        if absent.any():
            out.add(table.name, f"{count(int(absent.sum()), 'respondent')} of {people.file} "
                    f"{'is' if int(absent.sum()) == 1 else 'are'} not "
                    f"in the roster (the first is shown); response rates count only the "
                    "people of the roster.", column="respondent_id",
                    value=people.ids[int(np.flatnonzero(absent)[0])].as_py(),
                    severity="warning")
    return frame.reset_index(drop=True)


def _comments(table: RawTable, people: _People | None, out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(table, ["respondent_id", "text"], out):
        return None
    f = table.frame
    no_id = _missing(f["respondent_id"])
    out.cells(table, no_id, "respondent_id", "every comment needs the respondent_id of who "
              "wrote it.")
    empty = _missing(f["text"])
    out.cells(table, empty & ~no_id, "text", "the comment has no text; it was left out.",
              severity="warning")
    frame = f.copy()
    if "sensitive" in f:
        flag = f["sensitive"].str.strip().str.lower()
        bad = ~flag.isin(_TRUE | _FALSE) & ~_missing(f["sensitive"])
        out.cells(table, bad, "sensitive", "expected 1 (sensitive) or 0 (or an empty cell).")
        frame["sensitive"] = flag.isin(_TRUE)
    else:
        frame["sensitive"] = False
    if "item" not in frame:
        frame["item"] = ""
    frame["item"] = frame["item"].where(~_missing(frame["item"]), "")
    if "wave" in frame:
        frame["wave"] = frame["wave"].where(~_missing(frame["wave"]), None)
    keep_rows = ~(no_id | empty)
    frame, lines = frame[keep_rows].copy(), table.lines[keep_rows]
    keep = _known_people(table, frame, lines, ["respondent_id"], people, out, "comment")
    return frame[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- entry points

def _missing_hint(folder: Path, stem: str) -> str:
    """Where the missing file may be: a format the workbook cannot read, or a subfolder."""
    foreign = find_tables(folder, stem, FOREIGN_SUFFIXES)
    if foreign:
        return (f" The folder has {foreign[0].name}, which cannot be read: save it as "
                f"{stem}.csv (CSV UTF-8) or {stem}.xlsx.")
    inside = sorted(p for p in folder.glob(f"*/{stem}.*") if p.suffix.lower() in
                    (".csv", ".xlsx"))
    if inside:
        return f" It is in the subfolder {inside[0].parent.name}: give that folder instead."
    return ""


def validate(path: str | Path, *, min_group_size: int | None = None,
             allow_small_groups: bool = False,
             pseudonym_key: bytes | str | Path | None = None) -> ValidationReport:
    """Check a data folder and load it when it is usable.

    Parameters
    ----------
    path
        The data folder (see the data-folder contract in the README).
    min_group_size
        Override the privacy minimum of workbook.toml.
    allow_small_groups
        Accept a minimum below 3 (figures) or 5 (free text); without it such a minimum is
        an error. Every output then carries a warning.
    pseudonym_key
        The pseudonyms' secret key (bytes) or the path of the analyst's key file (created
        when absent; refused inside the data folder). Default: a random key for this load.

    Returns
    -------
    ValidationReport
        Every problem found in one pass (errors and warnings), and the workbook when
        there are no errors. No input file is ever changed.

    Examples
    --------
    >>> report = validate("data/sample")
    >>> report.ok
    True
    >>> len(report.warnings) > 0   # the sample plants ties for the loader to drop
    True
    """
    folder = Path(path)
    out = _Collector()
    if not folder.is_dir():
        hint = (f" It is a file: give the folder that holds it, {folder.parent}."
                if folder.is_file() else "")
        out.add(str(folder), "is not a folder. Give the path of a data folder that holds "
                f"survey.csv (and codebook.csv).{hint}")
        return ValidationReport(folder, tuple(out.problems), None)
    config, config_problems = read_config(folder / "workbook.toml")
    out.problems.extend(config_problems)
    if min_group_size is not None:
        try:
            config = config.with_options(min_group_size=min_group_size)
        except Exception as err:  # ConfigError
            out.add("options", str(err), column="min_group_size", value=min_group_size)
    config = config.with_options(allow_small_groups=allow_small_groups)
    try:
        check_minimums(config.min_group_size, config.min_text_group_size,
                       allow_small_groups=allow_small_groups)
    except ConfigError as err:
        from_toml = min_group_size is None or config.min_text_group_size < SAFE_MIN_TEXT_GROUP_SIZE
        out.add("workbook.toml" if from_toml else "options", str(err),
                column="min_group_size" if config.min_group_size < SAFE_MIN_GROUP_SIZE
                else "min_text_group_size",
                value=config.min_group_size if config.min_group_size < SAFE_MIN_GROUP_SIZE
                else config.min_text_group_size)
    if pseudonym_key is not None:
        try:
            key = (bytes(pseudonym_key) if isinstance(pseudonym_key, (bytes, bytearray))
                   else read_pseudonym_key(pseudonym_key, data_folder=folder))
            config = config.with_options(pseudonym_key=key)
        except ConfigError as err:
            out.add("options", str(err), column="pseudonym_key", value=str(pseudonym_key))
    survey_raw = _read(folder, "survey", out)
    if survey_raw is None and find_table(folder, "survey") is None:
        out.add("survey.csv", "is missing. A data folder needs survey.csv (one row per "
                f"respondent and wave).{_missing_hint(folder, 'survey')}")
    book_raw = _read(folder, "codebook", out)
    book_path = find_table(folder, "codebook")
    book = _codebook(book_raw, out) if book_raw is not None else None
    parsed = None
    if survey_raw is not None:
        parsed = _survey(survey_raw, book, out, book_path.name if book_path else None,
                         _missing_hint(folder, "codebook"))
    if survey_raw is not None and book is not None and survey_raw.labels:
        labels = book["item"].map(survey_raw.labels).fillna("")
        book["label"] = book["label"].where(book["label"].astype(str) != "", labels)
    people: _People | None = None
    if parsed is not None and survey_raw is not None:
        ids = parsed[0]["respondent_id"]
        people = _People.of(ids[~_missing(ids)], survey_raw.name)
    optional: dict[str, Callable[[RawTable], pd.DataFrame | None]] = {
        "network": lambda t: _network(t, people, out),
        "actions": lambda t: _actions(t, people, out),
        "initiatives": lambda t: _initiatives(t, out),
        "stories": lambda t: _stories(t, out),
        "roster": lambda t: _roster(t, people, out),
        "comments": lambda t: _comments(t, people, out),
    }
    waves = None
    if survey_raw is not None and "wave" in survey_raw.frame.columns:
        named = survey_raw.frame["wave"][~_missing(survey_raw.frame["wave"])]
        waves = frozenset(pd.unique(named).tolist())
    tables: dict[str, pd.DataFrame | None] = {}
    for stem, parse in optional.items():
        raw = _read(folder, stem, out)
        if raw is not None and waves is not None and survey_raw is not None:
            _known_waves(raw, waves, survey_raw.name, out)
        tables[stem] = parse(raw) if raw is not None else None
    if out.has_errors or parsed is None:
        return ValidationReport(folder, tuple(out.problems), None, tuple(out.files))
    survey, attributes = parsed
    codebook = (book.drop(columns=["_line", "_scale_ok", "_answers"]).set_index("item") if book is not None
                else pd.DataFrame(columns=["kind", "scale_min", "scale_max", "label", "construct",
                                           "reverse", "non_negotiable"]).rename_axis("item"))
    codebook = codebook.loc[[i for i in codebook.index if i in survey.columns]]
    workbook = Workbook.build(
        folder=folder, config=config, survey=survey.drop(columns=["_line"]), codebook=codebook,
        attributes=attributes, network=tables["network"], actions=tables["actions"],
        initiatives=tables["initiatives"], stories=tables["stories"], roster=tables["roster"],
        comments=tables["comments"],
        problems=tuple(p for p in out.problems if p.severity == "warning"),
    )
    return ValidationReport(folder, tuple(out.problems), workbook, tuple(out.files))


def load(path: str | Path, *, min_group_size: int | None = None,
         allow_small_groups: bool = False,
         pseudonym_key: bytes | str | Path | None = None) -> Workbook:
    """Load a data folder into a validated :class:`~diagnostics.Workbook`.

    Parameters
    ----------
    path
        The data folder: ``survey.csv`` (required), ``codebook.csv``, and optionally
        ``network.csv``, ``actions.csv``, ``initiatives.csv``, ``stories.csv``,
        ``workbook.toml``; ``.xlsx`` files of the same name are read too.
    min_group_size
        Override the privacy minimum of workbook.toml.
    allow_small_groups
        Accept a minimum below 3 (figures) or 5 (free text).
    pseudonym_key
        The pseudonyms' key (bytes) or key file (see :func:`validate`).

    Returns
    -------
    Workbook
        Typed tables: items reverse-coded per the codebook, attributes separated from
        items, waves ordered, warnings kept in ``workbook.warnings``.

    Raises
    ------
    DataError
        With every problem found, each naming file, line, column, value and what was
        expected.

    Examples
    --------
    >>> wb = load("data/sample")
    >>> wb.survey["wave"].nunique()
    2
    >>> "motivation" in set(wb.codebook["kind"])
    True
    """
    report = validate(path, min_group_size=min_group_size,
                      allow_small_groups=allow_small_groups, pseudonym_key=pseudonym_key)
    if not report.ok or report.workbook is None:
        raise DataError(report.problems, folder=str(path))
    return report.workbook
