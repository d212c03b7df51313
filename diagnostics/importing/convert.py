"""From a recognised layout to a data folder: responses kept, columns placed, files written."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..answers import LADDERS, MISSING_ANSWERS, Ladder, match_ladder, normalise
from ..errors import DataError, Problem
from ..words import count
from . import glint, googleforms, msforms, qualtrics, surveymonkey
from .columns import Column, Layout
from .grid import Grid, Unreadable, read_grid

__all__ = ["ImportResult", "import_export"]

_EMPTY = {"", "nan", "null", "none", ".", "-", "#n/a"}
_MISSING = {normalise(t) for t in MISSING_ANSWERS}
_NOT_RESPONSES = {"1": "preview", "2": "test", "8": "spam", "9": "spam", "12": "spam",
                  "17": "preview", "survey preview": "preview", "survey test": "test",
                  "spam": "spam"}
_RESERVED = {"respondent_id", "wave", "is_leader"}
#: Numeric answers up to this many points are read as a scale (0-10 included).
_MAX_POINTS = 11


@dataclass(frozen=True)
class ImportResult:
    """What ``import_export`` wrote and found.

    Attributes
    ----------
    folder
        The data folder written.
    layout
        The layout recognised, in words.
    report
        The import report (also written as ``import-report.txt``).
    responses, left_out
        Responses written, and those left out by reason (preview, test, spam, unfinished).
    items, attributes, comments
        The items drafted in the codebook, the attribute columns kept, and the number of
        open-text answers written to ``comments.csv``.
    """

    folder: Path
    layout: str
    report: str
    responses: int
    left_out: dict[str, int] = field(default_factory=dict)
    items: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()
    comments: int = 0


def _layout(grid: Grid) -> Layout:
    if not grid.rows:
        raise Unreadable(Problem(grid.name, "has no rows. Export the responses again."))
    kind = qualtrics.detect(grid)
    others = [m for m in (surveymonkey, glint, msforms, googleforms) if m.detect(grid)]
    if (kind and others) or len(others) > 1:
        names = ([f"Qualtrics ({kind})"] if kind else []) + [
            m.__name__.rsplit(".", 1)[-1] for m in others]
        raise Unreadable(Problem(grid.name, "mixes layouts: its header rows look like "
                                 f"{' and '.join(names)} at once. Export the responses again "
                                 "from one survey tool, unedited.", line=grid.lines[0]))
    if kind:
        return qualtrics.parse(grid, kind)
    if others:
        return others[0].parse(grid)
    shown = ", ".join(grid.rows[0][:6])
    raise Unreadable(Problem(grid.name, "is not an export layout the importer knows (Qualtrics, "
                             "SurveyMonkey, Microsoft Forms, Google Forms, Viva Glint); its "
                             f"first row starts: {shown}. Export the responses again from the "
                             "survey tool without changing the file, or build survey.csv and "
                             "codebook.csv by hand (see docs/data-folder.md).",
                             line=grid.lines[0]))


def _mixed(grid: Grid, layout: Layout) -> list[Problem]:
    """A second header inside the data: two exports pasted together, or layouts mixed."""
    problems = []
    header = grid.rows[0]
    for row, line in zip(grid.rows[layout.first_row:], grid.lines[layout.first_row:],
                         strict=True):
        if row[:4] == header[:4] or any("ImportId" in c for c in row[:3]) \
                or row[:2] == ["Respondent ID", "Collector ID"]:
            problems.append(Problem(grid.name, "this row is a header, not a response: the "
                                    "file holds two exports (or two layouts) pasted together. "
                                    "Export the responses once, unedited.", line=line,
                                    value=", ".join(row[:3])))
    if layout.first_row == 1 and len(grid.rows) > 2 and \
            any("ImportId" in c for c in grid.rows[2]):
        problems.append(Problem(grid.name, "mixes layouts: its first row is "
                                f"{layout.name.split(' (')[0]}'s but its third row holds "
                                "Qualtrics ImportIds. Export the responses again, unedited.",
                                line=grid.lines[2]))
    return problems[:20]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _slug(text: str) -> str:
    slug = re.sub(r"[^0-9a-z]+", "_", normalise(text)).strip("_")
    return slug[:40].rstrip("_") or "answer"


@dataclass
class _Placed:
    """One column's place in the folder."""

    column: Column
    place: str  # item, attribute, comment, unplaced
    values: pd.Series | None = None
    scale: tuple[int, int] = (1, 5)
    ladder: Ladder | None = None
    missing_seen: tuple[str, ...] = ()
    note: str = ""


def _place(column: Column, texts: pd.Series, layout: Layout) -> _Placed:
    """Decide whether a column is an item (and on which ladder), an attribute or a comment."""
    lowered = texts.map(lambda t: t.strip().lower())
    empty = lowered.isin(_EMPTY)
    norm = texts.map(normalise)
    said_missing = ~empty & norm.isin(_MISSING)
    answered = texts[~empty & ~said_missing]
    missing_seen = tuple(sorted(set(texts[said_missing])))
    if column.role == "text":
        return _Placed(column, "comment")
    if answered.empty:
        return _Placed(column, "unplaced", note="no answers")
    numeric = answered.map(_is_number)
    if numeric.all():
        values = pd.to_numeric(texts.where(~empty & ~said_missing), errors="coerce")
        negative = values < 0
        note = ""
        if layout.negative_missing and negative.any():
            shown = ", ".join(sorted({t for t in texts[negative.fillna(False)]}))
            note = f"answers {shown} taken as missing (the survey tool's not-applicable codes)"
            values = values.where(~negative)
        seen = values.dropna()
        whole = bool((seen % 1 == 0).all()) if len(seen) else False
        checkbox = seen.nunique() == 1 and seen.iloc[0] in (0, 1)
        if len(seen) and whole and not checkbox and seen.min() >= 0 \
                and seen.max() <= _MAX_POINTS - (0 if seen.min() == 0 else 1) + 1:
            ladder = next((lad for lad in LADDERS if lad.name == layout.numeric_ladder), None)
            if ladder is not None and seen.min() >= 1 and seen.max() <= len(ladder.labels):
                return _Placed(column, "item", values, (1, len(ladder.labels)), ladder,
                               missing_seen, note)
            low = 0 if seen.min() == 0 else 1
            guess = "scale taken from the answers seen; check scale_max"
            return _Placed(column, "item", values, (low, max(int(seen.max()), low + 1)), None,
                           missing_seen,
                           "; ".join(x for x in (note, guess) if x))
        if len(seen) and whole and seen.min() >= 10 and seen.max() - seen.min() <= 10 \
                and seen.nunique() >= 2:
            return _Placed(column, "attribute", note=f"numbers {int(seen.min())}-"
                           f"{int(seen.max())} look like the survey tool's recode values, not "
                           "scale points: check the question's recode values and export again")
        return _Placed(column, "attribute", note="numbers that are not scale points" if
                       seen.nunique() > 1 else "a single value (a multiple-answer choice?)")
    ladder = match_ladder(answered)
    if ladder is not None:
        mapping = ladder.mapping()
        values = norm.map(mapping).where(~empty & ~said_missing)
        return _Placed(column, "item", values.astype(float), (1, len(ladder.labels)), ladder,
                       missing_seen)
    distinct = answered.unique()
    mean_length = float(np.mean([len(t) for t in distinct]))
    if mean_length > 30 or (len(distinct) >= 5 and len(distinct) > 0.8 * len(answered)
                            and mean_length > 12):
        return _Placed(column, "comment")
    return _Placed(column, "attribute")


def _status(frame: pd.DataFrame, layout: Layout) -> pd.Series:
    """Why each response is not a real, finished one ("" when it is)."""
    reason = pd.Series("", index=frame.index, dtype=object)
    for column in layout.columns:
        values = frame[column.index].str.strip().str.lower()
        if column.role == "finished":
            reason = reason.where(~values.isin(["0", "false", "no"]) | (reason != ""),
                                  "unfinished")
        elif column.role == "progress":
            progress = pd.to_numeric(values, errors="coerce")
            reason = reason.where(~(progress < 100) | (reason != ""), "unfinished")
        elif column.role == "completed":
            reason = reason.where((values != "") | (reason != ""), "unfinished")
    for column in layout.columns:
        if column.role == "status":
            kinds = frame[column.index].str.strip().str.lower().map(_NOT_RESPONSES)
            reason = reason.where(kinds.isna(), kinds)
    return reason


def _write(folder: Path, files: dict[str, str]) -> None:
    """Write the files into ``folder`` whole or not at all (a temporary sibling, renamed)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise DataError([Problem(str(folder), "already exists and is not an empty folder; "
                                 "give a new folder for the import (nothing was written).")])
    folder.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, text in files.items():
            (stage / name).write_text(text, encoding="utf-8")
        from ..loading import validate

        report = validate(stage)
        if report.errors:
            problems = [Problem(p.file, f"(in the folder the import would write) {p.message}",
                                p.line, p.column, p.value) for p in report.errors]
            raise DataError(problems)
        if folder.exists():
            folder.rmdir()
        os.replace(stage, folder)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _csv(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def import_export(export: str | Path, out: str | Path, *, keep_all: bool = False,
                  id_column: str | None = None) -> ImportResult:
    """Turn a raw survey export into a data folder with a drafted codebook.

    Parameters
    ----------
    export
        The export as the survey tool wrote it (CSV, TSV or XLSX): Qualtrics (current,
        2017 and legacy layouts), SurveyMonkey, Microsoft Forms, Google Forms, Viva Glint.
        It is only read.
    out
        The folder to write: ``survey.csv``, ``codebook.csv``, ``comments.csv`` (when there
        is open text) and ``import-report.txt``. It must not exist yet (or be empty); it is
        written whole or not at all.
    keep_all
        Keep preview, test, spam and unfinished responses (left out by default).
    id_column
        The column (its name or question text) that holds the respondent id; default: the
        tool's response or employee id, else ids made from the row order.

    Returns
    -------
    ImportResult
        What was written, with the import report.

    Raises
    ------
    DataError
        With every problem: an unreadable or unknown file, ids missing or repeated, nothing
        left to write, or a folder that would not validate.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "folder"
    >>> result = import_export("tests/fixtures/exports/googleforms.csv", out)
    >>> result.layout.split(" (")[0], result.responses
    ('Google Forms', 6)
    """
    path = Path(export)
    try:
        grid = read_grid(path)
        layout = _layout(grid)
    except Unreadable as err:
        raise DataError(err.problems) from None
    name = grid.name
    problems = _mixed(grid, layout)
    if problems:
        raise DataError(problems)
    body = grid.rows[layout.first_row:]
    lines = pd.Series(grid.lines[layout.first_row:], dtype="int64")
    width = max([len(grid.rows[0])] + [len(r) for r in body])
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in body], columns=range(width),
                         dtype=object) if body else pd.DataFrame(columns=range(width))
    frame = frame.astype(str)
    if frame.empty:
        raise DataError([Problem(name, "has its header rows but no responses.",
                                 line=grid.lines[-1])])
    reason = _status(frame, layout)
    left_out = {k: int(n) for k, n in reason[reason != ""].value_counts().items()}
    if not keep_all:
        keep = (reason == "").to_numpy()
        if not keep.any():
            what = ", ".join(f"{n} {k}" for k, n in left_out.items())
            raise DataError([Problem(name, f"every response would be left out ({what}); "
                                     "nothing is left to import. Give --keep-all to keep "
                                     "them (for a trial run), or export the real responses.")])
        frame, lines = frame[keep].reset_index(drop=True), lines[keep].reset_index(drop=True)
    # ---- the respondent id
    id_col: Column | None = None
    if id_column is not None:
        wanted = normalise(id_column)
        id_col = next((c for c in layout.columns
                       if normalise(c.name) == wanted or normalise(c.question) == wanted), None)
        if id_col is None:
            raise DataError([Problem(name, f"has no column `{id_column}` (--id-column). "
                                     "Columns: " + ", ".join(c.name or c.question for c in
                                                               layout.columns[:15]) + ".",
                                     line=grid.lines[0], column=id_column)])
    else:
        id_col = next((c for c in layout.columns if c.role == "id"), None)
    if id_col is not None:
        ids = frame[id_col.index].str.strip()
        bad = [Problem(name, "this response has no id. Give --id-column with a column that "
                       "has one for every response.", line=int(lines[i]),
                       column=id_col.name or id_col.question, value="")
               for i in np.flatnonzero((ids == "").to_numpy())]
        repeated = ids.duplicated(keep="first") & (ids != "")
        bad += [Problem(name, "this id appears on an earlier response too; each response needs "
                        "its own id.", line=int(lines[i]), column=id_col.name or id_col.question,
                        value=ids.iloc[i]) for i in np.flatnonzero(repeated.to_numpy())]
        if bad:
            raise DataError(bad)
        id_note = f"respondent_id from `{id_col.name or id_col.question}`"
    else:
        ids = pd.Series([f"R{i:04d}" for i in range(1, len(frame) + 1)])
        id_note = "respondent_id made from the row order (R0001, ...): the export has no id"
    # ---- place every column
    placed: list[_Placed] = []
    dropped, topics = [], []
    sensitive: dict[str, pd.Series] = {}
    manager: pd.Series | None = None
    for column in layout.columns:
        if id_col is not None and column.index == id_col.index:
            continue
        texts = frame[column.index].str.strip()
        if column.role in ("metadata", "finished", "progress", "status", "completed"):
            dropped.append(column.name or column.question)
        elif column.role == "topics":
            topics.append(column.name or column.question)
        elif column.role == "sensitive":
            sensitive[column.comment_of] = ~texts.str.lower().isin(_EMPTY | {"0", "false", "no"})
        elif column.role == "manager":
            manager = texts
        else:
            placed.append(_place(column, texts, layout))
    generated = not layout.name.startswith("Qualtrics")
    taken = set(_RESERVED)
    names: dict[int, str] = {}
    for p in placed:
        base = p.column.name or _slug(p.column.question)
        if p.place == "attribute" and generated:
            base = _slug(p.column.statement or p.column.question)
        if base.lower() in taken:
            base = f"{base}_col"
        name_, k = base, 2
        while name_.lower() in taken:
            name_, k = f"{base}_{k}", k + 1
        taken.add(name_.lower())
        names[p.column.index] = name_
    survey = pd.DataFrame({"respondent_id": ids})
    book_rows, comments = [], []
    items, attributes = [], []
    group_size: dict[str, int] = {}
    for p in placed:
        if p.place == "item" and p.column.group:
            group_size[p.column.group] = group_size.get(p.column.group, 0) + 1
    for p in placed:
        col = names[p.column.index]
        texts = frame[p.column.index].str.strip()
        if p.place == "item" and p.values is not None:
            survey[col] = p.values.map(lambda v: "" if v != v else str(int(v)))
            in_matrix = group_size.get(p.column.group, 0) > 1
            book_rows.append({
                "item": col, "kind": "other", "scale_min": p.scale[0], "scale_max": p.scale[1],
                "label": (p.column.statement if in_matrix and p.column.statement
                          else p.column.question),
                "construct": p.column.question if in_matrix else "",
                "reverse": 0, "non_negotiable": 0,
                "labels": "|".join(p.ladder.labels) if p.ladder else "",
                "missing_labels": "|".join(p.missing_seen)})
            items.append(col)
        elif p.place == "attribute":
            survey[col] = texts.where(~texts.str.lower().isin(_EMPTY), "")
            attributes.append(col)
        elif p.place == "comment":
            item = names.get(next((c.index for c in layout.columns if c.role == "answer"
                                   and c.question == p.column.comment_of), -1),
                             "") if p.column.comment_of else ""
            flag = sensitive.get(p.column.comment_of)
            for i in np.flatnonzero(~texts.str.lower().isin(_EMPTY).to_numpy()):
                comments.append({"respondent_id": ids.iloc[i],
                                 "item": item or p.column.question,
                                 "text": texts.iloc[i],
                                 "sensitive": int(bool(flag.iloc[i])) if flag is not None
                                 else 0})
    if manager is not None:
        survey["manager_id"] = manager
        attributes.append("manager_id")
    if not items:
        raise DataError([Problem(name, "has no question that reads as a scale (answer texts "
                                 "of a known ladder, or whole numbers from 0 or 1 up to 11); "
                                 "nothing can be analysed. Export the answers as choice text, "
                                 "or write codebook.csv by hand (see docs/data-folder.md).")])
    files = {"survey.csv": _csv(survey), "codebook.csv": _csv(pd.DataFrame(book_rows))}
    if comments:
        files["comments.csv"] = _csv(pd.DataFrame(comments, columns=[
            "respondent_id", "item", "text", "sensitive"]))
    # ---- the report
    lines_out = [f"Import of {name}", "",
                 f"Layout recognised: {layout.name}; {grid.encoding if not grid.excel else 'Excel'}.",
                 f"Responses: {len(survey)} kept; {id_note}."]
    if left_out:
        what = ", ".join(f"{n} {k}" for k, n in left_out.items())
        lines_out.append(f"Responses left out: {what}." if not keep_all else
                         f"Responses kept although the survey tool marks them ({what}): "
                         "--keep-all.")
    else:
        lines_out.append("Responses left out: none (no preview, test, spam or unfinished "
                         "response found).")
    lines_out += layout.notes
    if dropped:
        lines_out.append(f"Metadata columns dropped ({len(dropped)}): " + ", ".join(dropped)
                         + ".")
    if topics:
        lines_out.append("Comment topic columns dropped: " + ", ".join(topics) + ".")
    lines_out.append(f"Items drafted in codebook.csv ({len(items)}, kind `other`: set each "
                     "item's kind, construct and reverse before running):")
    for p in placed:
        if p.place != "item":
            continue
        how = (f"{p.ladder.name}: " + ", ".join(f"{t} = {k}" for k, t in
                                                 enumerate(p.ladder.labels, p.scale[0]))
               if p.ladder else f"numbers {p.scale[0]}-{p.scale[1]}")
        extra = f"; taken as missing: {', '.join(p.missing_seen)}" if p.missing_seen else ""
        note = f"; {p.note}" if p.note else ""
        lines_out.append(f"  {names[p.column.index]}: {how}{extra}{note}")
    if attributes:
        lines_out.append(f"Columns kept as attributes ({len(attributes)}): "
                         + ", ".join(attributes) + ".")
    if comments:
        lines_out.append(f"Open-text answers written to comments.csv: {len(comments)} "
                         f"(from {count(sum(p.place == 'comment' for p in placed), 'question')}).")
    odd = [p for p in placed if p.place == "unplaced" or (p.place == "attribute" and p.note)]
    if odd:
        lines_out.append("Could not place as items (kept as attributes, or left out when "
                         "empty):")
        lines_out += [f"  {names[p.column.index]}: {p.note}" for p in odd]
    report = "\n".join(lines_out) + "\n"
    files["import-report.txt"] = report
    folder = Path(out)
    _write(folder, files)
    return ImportResult(folder, layout.name, report, len(survey), left_out, tuple(items),
                        tuple(attributes), len(comments))
