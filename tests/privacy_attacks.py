"""Attacks on a run's outputs, as a reader holding only the outputs would try them.

Written independently of :mod:`diagnostics.release` (which prevents them): these read the
released tables (Excel sheets read back, or the report's tables) and the text of every
file, and count what they recover.
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["Recovered", "subtraction_attack", "complement_attack", "old_pseudonym", "reversed_pseudonyms",
           "quote_author_join", "individual_scores", "output_text", "sheets_of"]

#: (count column, value column, wave tag): figures a reader can multiply out (means and
#: shares of the people counted: adherence, favourability, eNPS and its parts, the heatmap's
#: value, comment sentiment).
VALUE_PAIRS = (("n", "mean", "latest"), ("n", "share", "latest"), ("n", "adherence", "latest"),
               ("n_to", "to", "latest"), ("n_from", "from", "earlier"),
               ("n", "importance", "latest"), ("n", "practice", "latest"),
               ("n", "favourable", "latest"), ("n", "unfavourable", "latest"),
               ("n", "promoters", "latest"), ("n", "detractors", "latest"),
               ("n", "score", "latest"), ("n", "value", "latest"),
               ("n", "positive", "latest"), ("n", "negative", "latest"))
#: Value columns named with their question (or level...) when compared across sheets.
_NAMED_VALUES = ("share", "importance", "practice", "favourable", "unfavourable", "promoters",
                 "detractors", "score", "value", "positive", "negative")
GROUPING = ("grouping", "attribute", "by", "dimension")
PERSON = ("person", "respondent_id", "author", "author_id")


@dataclass(frozen=True)
class Recovered:
    """A figure recovered by subtracting two released figures."""

    attribute: str
    group: str
    item: str
    wave: str
    people: int
    value: float
    sheets: tuple[str, str]


def _sheet_attribute(name: str, attributes: list[str]) -> str | None:
    """The grouping a sheet is about when only its name says it ("Department")."""
    from diagnostics.words import column_title

    for a in attributes:
        if name.lower().startswith((a.lower(), column_title(a).lower())):
            return a
    return None


def _long_rows(name: str, frame: pd.DataFrame, attributes: list[str]) -> list[dict]:
    cols = set(map(str, frame.columns))
    if "group" in cols and any(g in cols for g in GROUPING):
        grouping = next(g for g in GROUPING if g in cols)
        attr, group = frame[grouping].astype(str), frame["group"].astype(str)
    elif "group" in cols:
        # one grouping, named by the sheet (the heatmap's "Department"), else the sheet itself
        attr = pd.Series(_sheet_attribute(name, attributes) or name, index=frame.index)
        group = frame["group"].astype(str)
    else:
        present = [a for a in attributes if a in cols]
        if len(present) != 1:
            return []
        attr, group = pd.Series(present[0], index=frame.index), frame[present[0]].astype(str)
    item = None
    for c in ("item", "level", "segment", "theme", "tribe", "quadrant", "strategy"):
        if c in cols and c not in attributes:
            item = frame[c].astype(str)
            break
    if item is None and {"importance_item", "practice_item"} <= cols:
        item = frame["importance_item"].astype(str) + "|" + frame["practice_item"].astype(str)
    if item is None:  # one figure per group (eNPS, deeds): compared within the sheet only
        item = pd.Series(f"[{name}]", index=frame.index)
    for c in ("outcome", "kind"):  # a driver of one outcome is not one of another
        if c in cols:
            item = frame[c].astype(str) + "|" + item
    out = []
    for count, value, wave in VALUE_PAIRS:
        if count not in cols or value not in cols:
            continue
        n = pd.to_numeric(frame[count], errors="coerce")
        v = pd.to_numeric(frame[value], errors="coerce")
        for i in frame.index:
            if pd.notna(n[i]) and pd.notna(v[i]) and n[i] > 0:
                out.append({"sheet": name, "attribute": attr[i], "group": group[i],
                            "item": f"{value}:{item[i]}" if value in _NAMED_VALUES else item[i],
                            "wave": str(frame["wave"][i]) if "wave" in cols else wave,
                            "n": int(n[i]), "value": float(v[i])})
    return out


def subtraction_attack(tables: Mapping[str, pd.DataFrame], *, minimum: int,
                       attributes: Iterable[str] = (),
                       people: pd.DataFrame | None = None) -> list[Recovered]:
    """Every pair of released figures on the same question and wave over sets of people that
    differ by 1 to ``minimum - 1``: the few people's mean answer, recovered.

    Means of an item ("mean", "adherence", "to", "from") are compared with each other;
    shares with shares. ``n1 x v1 - n2 x v2`` over ``n1 - n2`` is those people's figure.
    Pairs are the same group shown over two counts and, given ``people`` (who is in which
    group in each wave: the organisation chart an insider holds, with ``respondent_id``,
    ``wave`` and the attribute columns), a group of one grouping inside a group of another
    (a department inside a location) with that many people more.
    """
    rows: list[dict] = []
    attributes = list(attributes)
    for name, frame in tables.items():
        if frame is not None and len(frame):
            rows.extend(_long_rows(name, frame.reset_index(drop=True), attributes))
    if not rows:
        return []
    figures = pd.DataFrame(rows).drop_duplicates(["attribute", "group", "item", "wave", "n"])
    found: list[Recovered] = []
    for (attribute, group, item, wave), part in figures.groupby(
            ["attribute", "group", "item", "wave"]):
        part = part.sort_values("n")
        recs = list(part.itertuples(index=False))
        for i, a in enumerate(recs):
            for b in recs[i + 1:]:
                k = b.n - a.n
                if 0 < k < minimum:
                    value = (b.n * b.value - a.n * a.value) / k
                    found.append(Recovered(attribute, group, item, wave, k, value,
                                           (a.sheet, b.sheet)))
    if people is None:
        return found
    waves = sorted(people["wave"].astype(str).unique())
    tags = {"latest": waves[-1], "earlier": waves[-2] if len(waves) > 1 else waves[-1]}
    members: dict[tuple[str, str, str], frozenset[str]] = {}
    for a in attributes:
        if a in people.columns:
            for (w, g), part in people.groupby([people["wave"].astype(str),
                                                 people[a].astype(str)]):
                members[(str(w), a, str(g))] = frozenset(part["respondent_id"].astype(str))
    for (item, wave), part in figures.groupby(["item", "wave"]):
        w = tags.get(str(wave), str(wave))
        recs = [r for r in part.itertuples(index=False) if (w, r.attribute, r.group) in members]
        for a in recs:
            for b in recs:
                k = b.n - a.n
                if a.attribute == b.attribute or not 0 < k < minimum:
                    continue
                small, big = members[(w, a.attribute, a.group)], members[(w, b.attribute, b.group)]
                if small < big and len(big - small) == k:
                    value = (b.n * b.value - a.n * a.value) / k
                    found.append(Recovered(f"{a.attribute} in {b.attribute}",
                                           f"{a.group} in {b.group}", item, w, k, value,
                                           (a.sheet, b.sheet)))
    return found


def _overall_rows(name: str, frame: pd.DataFrame, attributes: list[str]) -> list[dict]:
    """Figures about everyone (a table with a question column and no group)."""
    cols = set(map(str, frame.columns))
    if "group" in cols or any(g in cols for g in GROUPING) or any(a in cols for a in attributes):
        return []
    marked = frame.assign(group="everyone", grouping="everyone")
    return [r for r in _long_rows(name, marked, attributes) if not r["item"].endswith("]")]


def complement_attack(tables: Mapping[str, pd.DataFrame], *, minimum: int,
                      attributes: Iterable[str] = ()) -> list[Recovered]:
    """The people a table by group leaves out, recovered from the figure about everyone.

    For each table, grouping, question and wave: when the figure about everyone (from any
    table) counts 1 to ``minimum - 1`` people more than the groups shown together, those
    people's mean is ``(N x V - sum of n x v) / (N - sum of n)``: a withheld small group,
    or the people in no group, worked out from the total.
    """
    attributes = list(attributes)
    overall: dict[tuple[str, str], tuple[int, float]] = {}
    groups: list[dict] = []
    for name, frame in tables.items():
        if frame is None or not len(frame):
            continue
        frame = frame.reset_index(drop=True)
        for r in _overall_rows(name, frame, attributes):
            overall.setdefault((r["item"], r["wave"]), (r["n"], r["value"]))
        groups.extend(_long_rows(name, frame, attributes))
    if not overall or not groups:
        return []
    found: list[Recovered] = []
    figures = pd.DataFrame(groups).drop_duplicates(["sheet", "attribute", "group", "item",
                                                    "wave"])
    for (sheet, attribute, item, wave), part in figures.groupby(
            ["sheet", "attribute", "item", "wave"]):
        if (item, wave) not in overall:
            continue
        total, value = overall[(item, wave)]
        k = total - int(part["n"].sum())
        if 0 < k < minimum:
            rest = (total * value - float((part["n"] * part["value"]).sum())) / k
            found.append(Recovered(str(attribute), "(the rest)", str(item), str(wave), k,
                                   rest, (str(sheet), "everyone")))
    return found


def old_pseudonym(organisation: str, person_id: str) -> str:
    """The pseudonym scheme before keys: a hash of the id salted with the organisation."""
    digest = hashlib.blake2b(f"{organisation}\x1f{person_id}".encode(), digest_size=8).hexdigest()
    return f"P-{digest[:6]}"


def reversed_pseudonyms(text: str, ids: Iterable[str], organisation: str) -> int:
    """How many people's pseudonyms in ``text`` an attacker recomputes from the ids alone
    (the old salted hash, and an HMAC keyed with the organisation's name or nothing)."""
    import hmac

    shown = set(re.findall(r"P-[0-9a-f]{6,64}", text))
    hit = 0
    for i in ids:
        guesses = {old_pseudonym(organisation, i)}
        for key in (organisation.encode(), b""):
            guesses.add("P-" + hmac.new(key, str(i).encode(), hashlib.sha256).hexdigest()[:6])
        hit += bool(guesses & shown)
    return hit


def quote_author_join(tables: Mapping[str, pd.DataFrame]) -> int:
    """Quotes tied to an author by joining two released tables on a shared key."""
    quotes = [f for f in tables.values() if "text" in f.columns]
    authors = [f for f in tables.values() if set(f.columns) & set(PERSON)]
    joined = 0
    for q in quotes:
        for a in authors:
            keys = [c for c in q.columns if c in a.columns and c not in ("text",)
                    and c.endswith("_id")]
            person = next(c for c in PERSON if c in a.columns)
            if keys:
                merged = q.merge(a[[*keys, person]].dropna(), on=keys)
                joined = max(joined, int(merged[person].notna().sum()))
            elif person in q.columns:
                joined = max(joined, int(q[person].notna().sum()))
    return joined


def individual_scores(tables: Mapping[str, pd.DataFrame]) -> int:
    """People shown with a figure of their own (a person column beside a numeric one)."""
    most = 0
    for frame in tables.values():
        person = next((c for c in PERSON if c in frame.columns), None)
        if person is None:
            continue
        numeric = [c for c in frame.columns if c not in (person, "order", "rank")
                   and pd.api.types.is_numeric_dtype(frame[c])]
        if numeric:
            most = max(most, int(frame[person].nunique()))
    return most


#: The machine names of the columns the attacks read; the client's sheets carry their titles.
_KNOWN = ("n", "mean", "share", "adherence", "n_to", "to", "n_from", "from", "importance",
          "practice", "favourable", "unfavourable", "promoters", "detractors", "score", "value",
          "positive", "negative", "outcome", "kind",
          "tribe", "quadrant", "strategy", "group", "item", "wave", "level", "segment", "theme", "importance_item",
          "practice_item", "text", "story_id", "department", "location", "tenure_band", "label",
          "order", "rank",
          *GROUPING, *PERSON)


def machine_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the client's column titles ("People", "Question code") read back as the
    machine names the attacks use ("n", "item"); the question text stands in for the code
    when only it is shown. An attacker reads the titles the same way."""
    from diagnostics.words import column_title

    back = {column_title(name): name for name in _KNOWN}
    out = frame.rename(columns=lambda c: back.get(str(c), c))
    if "item" not in out.columns and "label" in out.columns:
        out = out.rename(columns={"label": "item"})
    return out


def sheets_of(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of an Excel file as read back (first row as header), columns by name."""
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return {name: machine_names(frame) for name, frame in sheets.items()}


def output_text(path: Path) -> str:
    """All text of an output file (the parts of an Office file unzipped)."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            parts = []
            for name in z.namelist():
                raw = z.read(name)
                if name.endswith((".xml", ".rels")):
                    parts.append(raw.decode("utf-8", errors="replace"))
                elif name.endswith(".xlsx"):
                    import io

                    with zipfile.ZipFile(io.BytesIO(raw)) as inner:
                        parts.extend(inner.read(n).decode("utf-8", errors="replace")
                                     for n in inner.namelist() if n.endswith(".xml"))
            return "\n".join(parts)
    return data.decode("utf-8", errors="replace")
