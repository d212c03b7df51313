"""Load and validate a data folder once, at the edge; diagnostics then trust the tables.

Missing-answer policy
---------------------
An empty cell (or ``NA``, ``N/A``, ``n/a``, ``NaN``, ``null``, ``.``, ``-``) is a missing
answer and is kept as missing: nothing is imputed. Each diagnostic uses the respondents
who answered at least two thirds of the items it needs (``MIN_ANSWERED_SHARE``) and says
in its notes how many it left out; per-item figures use everyone who answered that item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import read_config
from .errors import DataError, Problem
from .reading import RawTable, find_table, read_table
from .workbook import KINDS, Workbook

__all__ = ["load", "validate", "ValidationReport", "MISSING_TOKENS"]

#: Cell values read as a missing answer.
MISSING_TOKENS: frozenset[str] = frozenset({"", "na", "n/a", "nan", "null", "none", ".", "-", "#n/a"})

_TRUE = {"1", "1.0", "true", "yes", "y", "ja", "x"}
_FALSE = {"0", "0.0", "false", "no", "n", "nee", ""}
_KIND_ALIASES = {"behavior": "behaviour", "motivations": "motivation", "behaviours": "behaviour",
                 "outcomes": "outcome"}
_DIRECTIONS = {"top-down": "top-down", "topdown": "top-down", "top down": "top-down",
               "bottom-up": "bottom-up", "bottomup": "bottom-up", "bottom up": "bottom-up"}
_OUTCOMES = {"success": "success", "succeeded": "success", "failure": "failure",
             "failed": "failure", "ongoing": "ongoing", "open": "ongoing"}
_ITEM_NAME = re.compile(r"^[A-Za-z]{1,6}[_.]?\d+([_.]\d+)?$")
_RESERVED = {"respondent_id", "wave", "is_leader"}


@dataclass(frozen=True)
class ValidationReport:
    """What ``validate`` found: the problems (errors and warnings) and, if usable, the workbook."""

    folder: Path
    problems: tuple[Problem, ...]
    workbook: Workbook | None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.workbook is not None and not self.errors


class _Collector:
    """Collects problems in one pass."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, message: str, *, line: int | None = None, column: str | None = None,
            value: object = None, severity: str = "error") -> None:
        self.problems.append(Problem(file, message, None if line is None else int(line), column,
                                     None if value is None else str(value), severity))

    def cells(self, table: RawTable, mask: pd.Series, column: str, message: str,
              severity: str = "error", limit: int = 200) -> None:
        """One problem per flagged cell (at most ``limit`` per column, then a summary)."""
        idx = np.flatnonzero(mask.to_numpy())
        values = table.frame[column].to_numpy()
        for i in idx[:limit]:
            self.add(table.name, message, line=table.lines.iloc[i], column=column,
                     value=values[i], severity=severity)
        if len(idx) > limit:
            self.add(table.name, f"{len(idx) - limit} more cell(s) in this column have the same "
                     "problem.", column=column, severity=severity)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _missing(series: pd.Series) -> pd.Series:
    return series.str.lower().isin(MISSING_TOKENS)


def _numbers(series: pd.Series) -> pd.Series:
    """Parse text to float; accepts a decimal comma. Unparseable text becomes NaN."""
    cleaned = series.str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned.where(~_missing(series), None), errors="coerce")


def _flags(table: RawTable, column: str, out: _Collector, what: str) -> pd.Series:
    raw = table.frame[column].str.lower()
    bad = ~raw.isin(_TRUE | _FALSE)
    out.cells(table, bad, column, f"expected 0 or 1 ({what}).")
    return raw.isin(_TRUE)


def _require_columns(table: RawTable, columns: Iterable[str], out: _Collector, hint: str = "") -> bool:
    missing = [c for c in columns if c not in table.frame.columns]
    for c in missing:
        found = ", ".join(table.frame.columns[:12])
        out.add(table.name, f"the required column `{c}` is missing from the header. Columns "
                f"found: {found}.{hint}", line=1, column=c)
    return not missing


def _not_empty(table: RawTable, out: _Collector) -> bool:
    if table.frame.empty:
        out.add(table.name, "the file has no data rows (only a header, or nothing at all).")
        return False
    return True


def _read(folder: Path, stem: str, out: _Collector) -> RawTable | None:
    path = find_table(folder, stem)
    if path is None:
        return None
    table, problems = read_table(path)
    out.problems.extend(problems)
    if table is not None and len(table.frame.columns) == 0:
        out.add(table.name, "the file is empty: it needs a header row and data rows.")
        return None
    return table


def _unique_ids(table: RawTable, column: str, out: _Collector, what: str) -> None:
    ids = table.frame[column]
    empty = _missing(ids)
    out.cells(table, empty, column, f"every row needs a {what}.")
    dup = ids.duplicated(keep="first") & ~empty
    first_line = dict(zip(ids[~ids.duplicated(keep="first")], table.lines[~ids.duplicated(keep="first")], strict=True))
    for i in np.flatnonzero(dup.to_numpy())[:200]:
        out.add(table.name, f"this {what} appears again; it was first used on line "
                f"{first_line[ids.iloc[i]]}. Each {what} must be unique.",
                line=table.lines.iloc[i], column=column, value=ids.iloc[i])


# --------------------------------------------------------------------------- codebook

def _codebook(table: RawTable, out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(
        table, ["item", "kind", "scale_min", "scale_max"], out
    ):
        return None
    f = table.frame
    _unique_ids(table, "item", out, "item name")
    kind = f["kind"].str.lower().replace(_KIND_ALIASES)
    out.cells(table, ~kind.isin(KINDS), "kind", f"expected one of {', '.join(KINDS)}.")
    lo, hi = _numbers(f["scale_min"]), _numbers(f["scale_max"])
    out.cells(table, lo.isna(), "scale_min", "expected a number (the lowest answer on the scale).")
    out.cells(table, hi.isna(), "scale_max", "expected a number (the highest answer on the scale).")
    out.cells(table, lo.notna() & hi.notna() & (lo >= hi), "scale_max",
              "expected a number larger than scale_min.")
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
        nn_other = book["non_negotiable"] & (book["kind"] != "behaviour")
        out.cells(table, nn_other, "non_negotiable", "only behaviour items can be "
                  "non-negotiable; this flag is ignored here.", severity="warning")
    book["non_negotiable"] &= book["kind"] == "behaviour"
    for extra in f.columns:
        if extra not in book.columns:
            book[extra] = f[extra]
    book["_line"] = table.lines.to_numpy()
    book = book[~_missing(f["item"])].drop_duplicates("item")
    return book


# --------------------------------------------------------------------------- survey

def _survey(table: RawTable, book: pd.DataFrame | None, out: _Collector,
            codebook_name: str | None) -> tuple[pd.DataFrame, list[str]] | None:
    f = table.frame
    if "respondent_id" not in f.columns and "ResponseId" in f.columns:
        f = f.rename(columns={"ResponseId": "respondent_id"})
        table = RawTable(table.name, f, table.lines, table.labels, table.encoding, table.separator,
                         table.qualtrics)
        out.add(table.name, "no `respondent_id` column; the Qualtrics `ResponseId` is used "
                "instead (people cannot then be followed across waves).", line=1,
                column="ResponseId", severity="warning")
    if not _not_empty(table, out) or not _require_columns(table, ["respondent_id"], out):
        return None
    items: list[str] = []
    if book is not None:
        absent = ~book["item"].isin(f.columns)
        for _, row in book[absent].iterrows():
            out.add(codebook_name or "codebook.csv", f"names item `{row['item']}`, but "
                    f"{table.name} has no such column. Fix the name, or remove the row.",
                    line=row["_line"], column="item", value=row["item"])
        items = [i for i in book["item"] if i in f.columns]
    others = [c for c in f.columns if c not in items and c not in _RESERVED]
    # Item columns without a codebook row: numeric answers under an item-like name.
    for c in others:
        vals = f[c][~_missing(f[c])]
        if vals.empty or not _ITEM_NAME.match(c):
            continue
        if _numbers(vals).notna().all():
            where = codebook_name or "codebook.csv"
            msg = (f"looks like a survey item (numeric answers, an item-like name) but {where} "
                   "has no row for it. Add a row to the codebook, or rename the column if it is "
                   "an attribute.") if book is not None else (
                "looks like a survey item, but the folder has no codebook.csv to say what it "
                "measures. Add codebook.csv with a row for each item column.")
            out.add(table.name, msg, line=1, column=c)
    attributes = [c for c in others if not (_ITEM_NAME.match(c) and not f[c][~_missing(f[c])].empty
                                            and _numbers(f[c][~_missing(f[c])]).notna().all())]
    ids = f["respondent_id"]
    empty_id = _missing(ids)
    out.cells(table, empty_id, "respondent_id", "every row needs a respondent_id.")
    wave = f["wave"].where(~_missing(f["wave"]), "") if "wave" in f.columns else pd.Series("1", index=f.index)
    if "wave" in f.columns:
        out.cells(table, wave == "", "wave", "expected a wave name (every row needs one when "
                  "the column is present).")
    key = ids + "\x1f" + wave
    dup = key.duplicated(keep="first") & ~empty_id
    first = dict(zip(key[~key.duplicated()], table.lines[~key.duplicated()], strict=True))
    for i in np.flatnonzero(dup.to_numpy())[:200]:
        extra = f" in wave {wave.iloc[i]}" if "wave" in f.columns else ""
        out.add(table.name, f"this respondent appears twice{extra}; the first row is line "
                f"{first[key.iloc[i]]}. Keep one row per respondent and wave.",
                line=table.lines.iloc[i], column="respondent_id", value=ids.iloc[i])
    data: dict[str, pd.Series] = {"respondent_id": ids, "wave": wave}
    if "is_leader" in f.columns:
        data["is_leader"] = _flags(table, "is_leader", out, "1 for a formal leader")
    for c in attributes:
        data[c] = f[c].where(~_missing(f[c]), None)
    if book is not None:
        scale = book.set_index("item")
        for item in items:
            raw = f[item]
            value = _numbers(raw)
            bad = value.isna() & ~_missing(raw)
            lo, hi = scale.at[item, "scale_min"], scale.at[item, "scale_max"]
            out.cells(table, bad, item, f"expected a number on the scale {_fmt(lo)}-{_fmt(hi)} "
                      "or an empty cell (if the survey tool exported answer texts, export "
                      "numeric values instead).")
            if pd.notna(lo) and pd.notna(hi):
                outside = value.notna() & ((value < lo) | (value > hi))
                out.cells(table, outside, item, f"is outside the scale {_fmt(lo)}-{_fmt(hi)} "
                          f"declared in {codebook_name}. Fix the value, or set scale_min/"
                          f"scale_max for {item}.")
                if bool(scale.at[item, "reverse"]):
                    value = lo + hi - value
            data[item] = value.where(~bad)
    survey = pd.DataFrame(data)
    survey["_line"] = table.lines.to_numpy()
    return survey, attributes


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


# --------------------------------------------------------------------------- optional files

def _known_people(table: RawTable, frame: pd.DataFrame, columns: list[str], people: set[str],
                  out: _Collector, what: str) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    for column in columns:
        unknown = ~frame[column].isin(people)
        if unknown.any():
            examples = ", ".join(sorted(frame.loc[unknown, column].unique())[:5])
            first = int(table.lines[unknown.to_numpy()].iloc[0])
            out.add(table.name, f"{int(unknown.sum())} {what} name people who are not in "
                    f"survey.csv (e.g. {examples}); they were left out.", line=first,
                    column=column, severity="warning")
        keep &= ~unknown
    return keep


def _network(table: RawTable, people: set[str], out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(table, ["source", "target"], out):
        return None
    f = table.frame
    for c in ("source", "target"):
        out.cells(table, _missing(f[c]), c, "every tie needs a respondent id here.")
    weight = _numbers(f["weight"]) if "weight" in f else pd.Series(1.0, index=f.index)
    if "weight" in f:
        out.cells(table, weight.isna() & ~_missing(f["weight"]), "weight",
                  "expected a number (or an empty cell for weight 1).")
        weight = weight.fillna(1.0)
    net = pd.DataFrame({
        "source": f["source"], "target": f["target"],
        "relation": (f["relation"].where(~_missing(f["relation"]), "tie").str.lower()
                     if "relation" in f else "tie"),
        "weight": weight.astype(float),
        "wave": f["wave"].where(~_missing(f["wave"]), None) if "wave" in f else None,
    })
    net = net[~(_missing(f["source"]) | _missing(f["target"]))]
    selfie = net["source"] == net["target"]
    if selfie.any():
        out.add(table.name, f"{int(selfie.sum())} tie(s) go from a person to themselves; they "
                "were left out.", line=int(table.lines[selfie.reindex(f.index, fill_value=False).to_numpy()].iloc[0]),
                column="target", severity="warning")
    net = net[~selfie]
    keep = _known_people(RawTable(table.name, net, table.lines[net.index]), net,
                         ["source", "target"], people, out, "tie(s)")
    net = net[keep]
    dup = net.duplicated(["source", "target", "relation", "wave"], keep=False)
    if dup.any():
        n_dup = int(net.duplicated(["source", "target", "relation", "wave"]).sum())
        out.add(table.name, f"{n_dup} tie(s) repeat an earlier tie with the same relation and "
                "wave; their weights were added together.", severity="warning")
        net = (net.groupby(["source", "target", "relation", "wave"], dropna=False, sort=False)
               ["weight"].sum().reset_index())
    return net.reset_index(drop=True)


def _actions(table: RawTable, people: set[str], out: _Collector) -> pd.DataFrame | None:
    if not _not_empty(table, out) or not _require_columns(table, ["respondent_id", "action"], out):
        return None
    f = table.frame
    out.cells(table, _missing(f["action"]), "action", "every row needs an action.")
    actions = f.copy()
    actions["action"] = actions["action"].str.lower()
    if "date" in f:
        date = pd.to_datetime(f["date"].where(~_missing(f["date"]), None), errors="coerce",
                              format="mixed", dayfirst=False)
        out.cells(table, date.isna() & ~_missing(f["date"]), "date",
                  "expected a date such as 2025-03-31 (or an empty cell).")
        actions["date"] = date
    actions = actions[~_missing(f["action"])]
    keep = _known_people(RawTable(table.name, actions, table.lines[actions.index]), actions,
                         ["respondent_id"], people, out, "action(s)")
    return actions[keep].reset_index(drop=True)


def _initiatives(table: RawTable, people: set[str], out: _Collector) -> pd.DataFrame | None:
    need = ["initiative_id", "supporters", "sponsor_level", "outcome"]
    if not _not_empty(table, out) or not _require_columns(table, need, out):
        return None
    f = table.frame
    _unique_ids(table, "initiative_id", out, "initiative_id")
    supporters = _numbers(f["supporters"])
    out.cells(table, supporters.isna() | (supporters < 0) | (supporters % 1 != 0), "supporters",
              "expected a whole number of supporters, 0 or more.")
    outcome = f["outcome"].str.lower().map(_OUTCOMES)
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
    _unique_ids(table, "story_id", out, "story_id")
    direction = f["direction"].str.lower().map(_DIRECTIONS)
    out.cells(table, direction.isna(), "direction", "expected top-down or bottom-up.")
    empty = _missing(f["text"])
    out.cells(table, empty, "text", "the story has no text; it was left out.", severity="warning")
    frame = f.copy()
    frame["direction"] = direction
    if "date" in f:
        frame["date"] = pd.to_datetime(f["date"].where(~_missing(f["date"]), None),
                                       errors="coerce", format="mixed")
    return frame[~empty].reset_index(drop=True)


# --------------------------------------------------------------------------- entry points

def validate(path: str | Path, *, min_group_size: int | None = None) -> ValidationReport:
    """Check a data folder and load it when it is usable.

    Parameters
    ----------
    path
        The data folder (see the data-folder contract in the README).
    min_group_size
        Override the privacy minimum of workbook.toml.

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
    """
    folder = Path(path)
    out = _Collector()
    if not folder.is_dir():
        out.add(str(folder), "is not a folder. Give the path of a data folder that holds "
                "survey.csv (and codebook.csv).")
        return ValidationReport(folder, tuple(out.problems), None)
    config, config_problems = read_config(folder / "workbook.toml")
    out.problems.extend(config_problems)
    if min_group_size is not None:
        try:
            config = config.with_options(min_group_size=min_group_size)
        except Exception as err:  # ConfigError
            out.add("options", str(err), column="min_group_size", value=min_group_size)
    survey_raw = _read(folder, "survey", out)
    book_raw = _read(folder, "codebook", out)
    if survey_raw is None and find_table(folder, "survey") is None:
        out.add("survey.csv", "is missing. A data folder needs survey.csv (one row per "
                "respondent and wave).")
    book = _codebook(book_raw, out) if book_raw is not None else None
    parsed = _survey(survey_raw, book, out, book_raw.name if book_raw else None) \
        if survey_raw is not None else None
    if survey_raw is not None and book is not None and survey_raw.labels:
        labels = book["item"].map(survey_raw.labels).fillna("")
        book["label"] = book["label"].where(book["label"].astype(str) != "", labels)
    people: set[str] = set()
    if parsed is not None:
        people = set(parsed[0]["respondent_id"].dropna())
    optional: dict[str, Callable[[RawTable], pd.DataFrame | None]] = {
        "network": lambda t: _network(t, people, out),
        "actions": lambda t: _actions(t, people, out),
        "initiatives": lambda t: _initiatives(t, people, out),
        "stories": lambda t: _stories(t, out),
    }
    tables: dict[str, pd.DataFrame | None] = {}
    for stem, parse in optional.items():
        raw = _read(folder, stem, out)
        tables[stem] = parse(raw) if raw is not None else None
    if out.has_errors or parsed is None:
        return ValidationReport(folder, tuple(out.problems), None)
    survey, attributes = parsed
    codebook = (book.drop(columns=["_line"]).set_index("item") if book is not None
                else pd.DataFrame(columns=["kind", "scale_min", "scale_max", "label", "construct",
                                           "reverse", "non_negotiable"]).rename_axis("item"))
    codebook = codebook.loc[[i for i in codebook.index if i in survey.columns]]
    workbook = Workbook.build(
        folder=folder, config=config, survey=survey.drop(columns=["_line"]), codebook=codebook,
        attributes=attributes, network=tables["network"], actions=tables["actions"],
        initiatives=tables["initiatives"], stories=tables["stories"],
        problems=tuple(p for p in out.problems if p.severity == "warning"),
    )
    return ValidationReport(folder, tuple(out.problems), workbook)


def load(path: str | Path, *, min_group_size: int | None = None) -> Workbook:
    """Load a data folder into a validated :class:`~diagnostics.Workbook`.

    Parameters
    ----------
    path
        The data folder: ``survey.csv`` (required), ``codebook.csv``, and optionally
        ``network.csv``, ``actions.csv``, ``initiatives.csv``, ``stories.csv``,
        ``workbook.toml``; ``.xlsx`` files of the same name are read too.
    min_group_size
        Override the privacy minimum of workbook.toml.

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
    report = validate(path, min_group_size=min_group_size)
    if not report.ok:
        raise DataError(report.problems, folder=str(path))
    assert report.workbook is not None
    return report.workbook
