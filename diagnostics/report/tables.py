"""Tables made for people: client column names, percentages, question text, natural order.

The results' tables keep their tidy, documented columns (the contract and the notebooks use
them); the report shows them through :func:`people_frame`, and the Excel workbook writes
the same frame with number formats.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..words import client_text, column_title, is_share_column, natural_key, natural_order

__all__ = ["PeopleTable", "people_frame"]


@dataclass(frozen=True)
class PeopleTable:
    """A table ready for a client: the frame (client column names) and its share columns."""

    frame: pd.DataFrame
    shares: frozenset[str]


def _band_column(values: pd.Series) -> bool:
    seen = natural_order(values.dropna().astype(str).unique().tolist())
    return len(seen) > 1 and all(natural_key(v)[0] == 0 for v in seen)


def people_frame(frame: pd.DataFrame) -> PeopleTable:
    """``frame`` for a client: question text instead of codes, bands in natural order,
    client column names; the share columns are named so that each format writes them as
    percentages.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"tenure_band": ["1-3", "10+", "<1"], "n": [5, 6, 7],
    ...                   "share": [0.3, 0.3, 0.4]})
    >>> t = people_frame(f)
    >>> list(t.frame.columns), t.frame["Tenure"].tolist(), sorted(t.shares)
    (['Tenure', 'People', 'Share'], ['<1', '1-3', '10+'], ['Share'])
    """
    out = frame.copy()
    for column in ("reason", "why"):
        if column in out.columns:
            out[column] = out[column].map(lambda v: client_text(v) if isinstance(v, str) and v else v)
    if "label" in out.columns and "item" in out.columns:
        out = out.drop(columns=["item"])
    object_cols = [c for c in out.columns
                   if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
    bands = [c for c in object_cols if _band_column(out[c])]
    if bands:
        first = out.columns.get_loc(bands[0])
        keys = pd.DataFrame(index=out.index)
        for c in out.columns[:first]:
            if c in object_cols:
                keys[f"r{len(keys.columns)}"] = pd.factorize(out[c])[0]
        for c in bands:
            rank = {v: i for i, v in enumerate(natural_order(out[c].dropna().astype(str)))}
            keys[f"r{len(keys.columns)}"] = out[c].astype(str).map(rank).fillna(len(rank))
        order = keys.sort_values(list(keys.columns), kind="stable").index
        out = out.loc[order].reset_index(drop=True)
    shares = {c for c in out.columns
              if pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c])
              and is_share_column(c, out[c].tolist())}
    names = {c: column_title(c) for c in out.columns}
    seen: dict[str, int] = {}
    for c, name in names.items():
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            names[c] = f"{name} ({seen[name]})"
    out = out.rename(columns=names)
    return PeopleTable(out, frozenset(names[c] for c in shares))
