"""Valid data folders made from the sample, each missing something a user's folder may lack.

Used by ``tests/test_notebook_matrix.py``: every notebook and the report must run on each
folder without a traceback, and each panel must say in plain words what it needs when its
data are absent. The absences are combined so that every notebook meets each kind at least
once while the matrix stays small (each folder costs a run of every notebook):

- ``survey only``: survey.csv and codebook.csv only (no network, actions, initiatives,
  stories or workbook.toml), one wave, no motivation items;
- ``30 people``: every file, cut to the first 30 people (both waves; their ties, actions
  and stories);
- ``network only``: survey.csv with ids and attributes but no items (no codebook), and
  network.csv of the same (last) wave: an ONA-only folder.

Each optional file is thus removed in ``survey only``; a folder with every file but one is
the sample itself with one panel fewer, which the two smaller folders cover.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"

#: The folders of the matrix, by name.
FOLDERS: tuple[str, ...] = ("survey only", "30 people", "network only")


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame, folder: Path, name: str) -> None:
    frame.to_csv(folder / name, index=False)


def make_folder(kind: str, directory: Path) -> Path:
    """Write the folder ``kind`` (one of :data:`FOLDERS`) into ``directory``; return it."""
    directory.mkdir(parents=True, exist_ok=True)
    survey = _read(SAMPLE, "survey.csv")
    book = _read(SAMPLE, "codebook.csv")
    if kind == "survey only":
        last = sorted(survey["wave"].unique())[-1]
        keep = book[book["kind"] != "motivation"]
        items = set(book["item"])
        columns = [c for c in survey.columns if c not in items or c in set(keep["item"])]
        _write(survey.loc[survey["wave"] == last, columns], directory, "survey.csv")
        keep = keep.assign(importance_of=keep["importance_of"].where(
            keep["importance_of"].isin(keep["item"]), "")) if "importance_of" in keep else keep
        _write(keep, directory, "codebook.csv")
    elif kind == "30 people":
        people = sorted(survey["respondent_id"].unique())[:30]
        _write(survey[survey["respondent_id"].isin(people)], directory, "survey.csv")
        _write(book, directory, "codebook.csv")
        net = _read(SAMPLE, "network.csv")
        _write(net[net["source"].isin(people) & net["target"].isin(people)], directory,
               "network.csv")
        actions = _read(SAMPLE, "actions.csv")
        _write(actions[actions["respondent_id"].isin(people)], directory, "actions.csv")
        stories = _read(SAMPLE, "stories.csv")
        _write(stories[stories["author_id"].isin(people)], directory, "stories.csv")
        for name in ("initiatives.csv", "workbook.toml"):
            shutil.copy(SAMPLE / name, directory / name)
    elif kind == "network only":
        items = set(book["item"])
        columns = [c for c in survey.columns if c not in items]
        last = sorted(survey["wave"].unique())[-1]
        _write(survey.loc[survey["wave"] == last, columns], directory, "survey.csv")
        net = _read(SAMPLE, "network.csv")
        _write(net[net["wave"] == last], directory, "network.csv")
    else:
        raise ValueError(f"unknown folder {kind!r}; folders: {', '.join(FOLDERS)}")
    return directory
