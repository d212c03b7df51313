"""Release control: one check over every group figure a run will show, before any output.

The privacy guard (:mod:`diagnostics.privacy`) decides table by table. A reader holding
the whole report can still subtract across tables: two figures about the same group, the
same wave and the same question, computed over respondent sets that differ by one to
``minimum - 1`` people, give those few people's answers (``n1 x mean1 - n2 x mean2``).
This happens when two diagnostics apply different missing-answer rules to the same group
(one keeps everyone who answered the question, another only those who answered two thirds
of its questions), or when two different groupings hold nearly the same people (a
department that is almost one location).

:func:`group_figures` lists every group figure of every table of a run (the tables behind
the figures, the Excel sheets and the JSON come from the same results): its grouping, group,
wave, measure (the question, level, segment... it is about) and the number of people
behind it. :func:`audit` finds the pairs a reader could subtract:

* the same grouping, group, wave and measure, shown over two counts that differ by 1 to
  ``minimum - 1``;
* two groups of different groupings in the same wave, with figures on the same measure,
  whose members (from the survey) differ by 1 to ``minimum - 1`` people.

:func:`release` withholds one figure of each pair: the diagnostic that shows the smaller
count (or the smaller group) is run again with that group withheld (the guard's
``withhold``), and the audit repeats until nothing can be subtracted. The group stays
visible in every other diagnostic; the report names it and says why in plain words.

This is stricter than the common rule of survey platforms, which compare two segments
only by their count of unique people: here every pair of released figures on the same
measure is compared, across every table of the run, by count and by members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .privacy import WITHHELD_BY_RELEASE

if TYPE_CHECKING:  # pragma: no cover
    from .results import DiagnosticResult
    from .workbook import Workbook

__all__ = ["group_figures", "audit", "Conflict", "release_plan", "FIGURE_COLUMNS",
           "WITHHELD_BY_RELEASE"]

#: Columns of :func:`group_figures`.
FIGURE_COLUMNS = ("step", "table", "attribute", "group", "wave", "measure", "n")
#: Column pairs (grouping, group) of long group tables.
_GROUPING = ("grouping", "attribute", "by", "dimension")
#: Columns naming what a figure is about, first found wins (several joined for pairs).
_MEASURES = (("importance_item", "practice_item"), ("item",), ("level",), ("segment",),
             ("theme",), ("quadrant",), ("tribe",), ("strategy",))
#: Count columns and the wave attribute of the result they belong to.
_COUNTS = (("n", "wave"), ("n_from", "from_wave"), ("n_to", "to_wave"), ("n1", "from_wave"),
           ("n2", "to_wave"), ("authors", "wave"))


@dataclass(frozen=True)
class Conflict:
    """Two released figures a reader could subtract, and the one to withhold."""

    attribute: str
    group: str
    wave: str
    measure: str
    n: int
    other_attribute: str
    other_group: str
    other_n: int
    step: str
    other_step: str
    kind: str

    def __str__(self) -> str:
        return (f"{self.step}: {self.attribute} = {self.group} (n {self.n}) against "
                f"{self.other_step}: {self.other_attribute} = {self.other_group} "
                f"(n {self.other_n}), wave {self.wave}, {self.measure} [{self.kind}]")


def _waves(result: Any, workbook: Workbook) -> dict[str, str]:
    latest = str(workbook.latest_wave)
    wave = getattr(result, "wave", None)
    to_wave = getattr(result, "to_wave", None)
    from_wave = getattr(result, "from_wave", None)
    return {"wave": str(wave) if wave is not None else (str(to_wave) if to_wave else latest),
            "to_wave": str(to_wave) if to_wave is not None else latest,
            "from_wave": str(from_wave) if from_wave is not None else latest}


def _joined(frame: pd.DataFrame, columns: list[str], sep: str) -> pd.Series:
    """The columns as text, joined by ``sep`` row by row (column by column, not row by row)."""
    out = frame[columns[0]].astype(str)
    for column in columns[1:]:
        out = out + sep + frame[column].astype(str)
    return out


def _table_figures(step: str, name: str, frame: pd.DataFrame, waves: Mapping[str, str],
                   attributes: tuple[str, ...]) -> list[pd.DataFrame]:
    if frame is None or frame.empty:
        return []
    frame = frame.reset_index(drop=not any(n is not None for n in frame.index.names))
    cols = set(map(str, frame.columns))
    if "group" in cols and any(g in cols for g in _GROUPING):
        grouping = next(g for g in _GROUPING if g in cols)
        attribute = frame[grouping].astype(str)
        group = frame["group"].astype(str)
    else:
        present = [a for a in attributes if a in cols]
        if not present:
            return []
        attribute = pd.Series(" x ".join(present), index=frame.index)
        group = _joined(frame, present, " / ")
    measure = pd.Series("", index=frame.index)
    for names in _MEASURES:
        if all(n in cols for n in names):
            measure = _joined(frame, list(names), " | ")
            if names[0] != "item":
                measure = names[0] + ": " + measure
            break
    parts = []
    for count, wave_key in _COUNTS:
        if count not in cols:
            continue
        n = pd.to_numeric(frame[count], errors="coerce")
        part = pd.DataFrame({"step": step, "table": name, "attribute": attribute,
                             "group": group, "wave": waves[wave_key], "measure": measure,
                             "n": n})
        parts.append(part[part["n"].notna() & (part["n"] > 0)])
    return parts


def group_figures(results: Mapping[str, DiagnosticResult], workbook: Workbook) -> pd.DataFrame:
    """Every group figure of a run's tables: who it is about and how many people are behind it.

    Parameters
    ----------
    results
        The diagnostics that ran, by key.
    workbook
        The data they ran on (its attributes name the groupings of wide tables).

    Returns
    -------
    pandas.DataFrame
        One row per (table row, count column): ``step``, ``table``, ``attribute``,
        ``group``, ``wave``, ``measure`` (the item, level, segment... or ``""``), ``n``.

    Examples
    --------
    >>> from diagnostics import load
    >>> from diagnostics.behaviours import non_negotiables
    >>> wb = load("data/sample")
    >>> figures = group_figures({"non_negotiables": non_negotiables(wb)}, wb)
    >>> sorted(set(figures["attribute"]))
    ['department', 'level', 'location', 'tenure_band']
    """
    parts: list[pd.DataFrame] = []
    attributes = tuple(workbook.attributes)
    for step, result in results.items():
        try:
            tables = result.tables()
        except Exception:  # noqa: BLE001 - a table that cannot be built is not released either
            continue
        waves = _waves(result, workbook)
        for name, frame in tables.items():
            parts.extend(_table_figures(step, str(name), frame, waves, attributes))
    if not parts:
        return pd.DataFrame(columns=list(FIGURE_COLUMNS))
    out = pd.concat(parts, ignore_index=True)
    out["n"] = out["n"].astype(int)
    return out[out["attribute"] != "organisation"].reset_index(drop=True)


def _member_sets(workbook: Workbook, wave: str,
                 wanted: set[tuple[str, str]]) -> dict[tuple[str, str], frozenset[str]]:
    """The respondents of each wanted (attribute, group) in ``wave``, one pass per attribute."""
    survey = workbook.survey
    rows = survey[survey["wave"].astype(str) == wave]
    ids = rows["respondent_id"].astype(str)
    out: dict[tuple[str, str], frozenset[str]] = {}
    for attribute in sorted({a for a, _ in wanted}):
        if attribute not in workbook.attributes:
            continue
        labels = rows[attribute].astype(str)
        groups = {g for a, g in wanted if a == attribute}
        mine = labels.isin(list(groups))
        for group, members in ids[mine].groupby(labels[mine], sort=False):
            out[(attribute, str(group))] = frozenset(members.tolist())
    return out


def _same_group_conflicts(measured: pd.DataFrame, minimum: int) -> list[Conflict]:
    """Figures on the same group, wave and measure over counts 1 to ``minimum - 1`` apart.

    For each (attribute, group, wave, measure), the distinct counts in ascending order (each
    with the step of its first figure): every lower count against every higher one, the
    groups in the order they first appear. Counts are distinct whole numbers, so a higher
    count less than ``minimum`` above a lower one is among the ``minimum - 1`` next ones.
    """
    keys = ["attribute", "group", "wave", "measure"]
    first = measured.dropna(subset=keys).drop_duplicates(keys + ["n"])
    if first.empty or minimum < 2:
        return []
    gid = first.groupby(keys, sort=False).ngroup().to_numpy()
    n = first["n"].to_numpy(dtype=np.int64)
    order = np.lexsort((n, gid))
    gid, n = gid[order], n[order]
    rows = first.iloc[order]
    low_at, high_at = [], []
    for offset in range(1, minimum):
        low = np.arange(len(n) - offset)
        high = low + offset
        hit = (gid[low] == gid[high]) & (n[high] - n[low] > 0) & (n[high] - n[low] < minimum)
        low_at.append(low[hit])
        high_at.append(high[hit])
    low_pos, high_pos = np.concatenate(low_at), np.concatenate(high_at)
    pairs = np.lexsort((high_pos, low_pos))  # group, lower count, higher count
    step, attribute, group = (rows[c].astype(str).to_numpy() for c in ("step", "attribute",
                                                                      "group"))
    wave, measure = (rows[c].astype(str).to_numpy() for c in ("wave", "measure"))
    out = []
    for i, j in zip(low_pos[pairs], high_pos[pairs], strict=True):
        out.append(Conflict(attribute[i], group[i], wave[i], measure[i], int(n[i]),
                            attribute[i], group[i], int(n[j]), step[i], step[j],
                            "same group, different respondents"))
    return out


def audit(figures: pd.DataFrame, workbook: Workbook, *, minimum: int) -> list[Conflict]:
    """The pairs of released figures whose respondents differ by 1 to ``minimum - 1`` people.

    Parameters
    ----------
    figures
        What :func:`group_figures` listed.
    workbook
        The data (for the members of groups of different groupings).
    minimum
        The minimum group size.

    Returns
    -------
    list of Conflict
        For each pair, the figure to withhold first (the smaller count, or the smaller
        group), and the other one.

    Notes
    -----
    The pairs of the same group are found with one sort of all figures (not one per
    group); the groups of different groupings are compared once per wave, and only those
    with nearly the same people are looked for measure by measure.
    """
    conflicts: dict[tuple[str, str, str], Conflict] = {}
    if figures.empty:
        return []
    measured = figures[figures["measure"] != ""]
    # 1. the same group and measure over two counts
    for c in _same_group_conflicts(measured, minimum):
        conflicts.setdefault((c.step, c.attribute, c.group), c)
    # 2. groups of different groupings with nearly the same members
    groups = measured.drop_duplicates(["step", "attribute", "group", "wave", "measure"])
    groups = groups.dropna(subset=["wave", "measure", "attribute", "group"])
    # each (wave, measure), in the order first listed, with its groups in the order listed
    part = groups.groupby(["wave", "measure"], sort=False).ngroup().to_numpy()
    keys = groups.assign(_part=part).drop_duplicates(["_part", "attribute", "group"])
    keys = keys[keys.groupby("_part")["_part"].transform("size").to_numpy() >= 2]
    close: dict[str, dict[tuple[str, str], set[tuple[str, str]]]] = {}
    size: dict[str, dict[tuple[str, str], int]] = {}
    for wave, listed in keys.groupby("wave", sort=False):
        wanted = set(zip(listed["attribute"].astype(str), listed["group"].astype(str),
                         strict=True))
        members = _member_sets(workbook, str(wave), wanted)
        size[str(wave)] = {k: len(m) for k, m in members.items() if m}
        near: dict[tuple[str, str], set[tuple[str, str]]] = {}
        nodes = sorted(size[str(wave)], key=lambda k: size[str(wave)][k])
        for i, k1 in enumerate(nodes):
            for k2 in nodes[i + 1:]:
                if size[str(wave)][k2] - size[str(wave)][k1] >= minimum:
                    break
                if k1[0] == k2[0]:
                    continue
                if 0 < len(members[k1] ^ members[k2]) < minimum:
                    near.setdefault(k1, set()).add(k2)
                    near.setdefault(k2, set()).add(k1)
        close[str(wave)] = near
    keys = keys[np.array([bool(close.get(str(w), {}).get((str(a), str(g)))) for w, a, g in
                          zip(keys["wave"], keys["attribute"], keys["group"], strict=True)],
                         dtype=bool)]
    for (_, wave, measure), part_keys in keys.groupby(["_part", "wave", "measure"], sort=True):
        wave = str(wave)
        listed = [(str(r.attribute), str(r.group), str(r.step))
                  for r in part_keys.itertuples(index=False)]
        for i, (a1, g1, s1) in enumerate(listed):
            for a2, g2, s2 in listed[i + 1:]:
                if (a2, g2) not in close[wave][(a1, g1)]:
                    continue
                n1, n2 = size[wave][(a1, g1)], size[wave][(a2, g2)]
                small = (a1, g1, s1, n1) if n1 <= n2 else (a2, g2, s2, n2)
                large = (a2, g2, s2, n2) if small[0] == a1 else (a1, g1, s1, n1)
                key = (str(small[2]), str(small[0]), str(small[1]))
                conflicts.setdefault(key, Conflict(
                    str(small[0]), str(small[1]), wave, str(measure), small[3],
                    str(large[0]), str(large[1]), large[3], str(small[2]), str(large[2]),
                    "nearly the same people in two groupings"))
    return sorted(conflicts.values(), key=lambda c: (c.step, c.attribute, c.group))


def release_plan(conflicts: list[Conflict]) -> dict[str, set[str]]:
    """Group labels to withhold, per diagnostic, so that no conflict remains."""
    plan: dict[str, set[str]] = {}
    for c in conflicts:
        plan.setdefault(c.step, set()).add(c.group)
    return plan


def release(results: dict[str, Any], workbook: Workbook, *,
            rerun: Callable[[str, Workbook], Any], max_rounds: int = 5
            ) -> tuple[dict[str, Any], list[str], list[Conflict]]:
    """Withhold, diagnostic by diagnostic, what could be subtracted; return the new results.

    Parameters
    ----------
    results
        Every step's result (or skip), by key.
    workbook
        The data the run used.
    rerun
        ``rerun(key, workbook)`` runs one step again on a workbook whose guard withholds
        more groups.
    max_rounds
        Audits at most; a conflict left after them withholds the whole diagnostic.

    Returns
    -------
    results, notes, withheld
        The released results, one client sentence per withheld group, and the conflicts
        resolved.
    """
    from dataclasses import replace

    from .results import DiagnosticResult, Skipped

    minimum = int(workbook.config.min_group_size)
    withheld: dict[str, set[str]] = {}
    resolved: list[Conflict] = []
    out = dict(results)
    for _round in range(max_rounds):
        ran = {k: v for k, v in out.items() if isinstance(v, DiagnosticResult)}
        conflicts = audit(group_figures(ran, workbook), workbook, minimum=minimum)
        conflicts = [c for c in conflicts if c.group not in withheld.get(c.step, set())]
        if not conflicts:
            break
        resolved.extend(conflicts)
        for step, labels in release_plan(conflicts).items():
            withheld.setdefault(step, set()).update(labels)
            config = replace(workbook.config,
                             withhold=frozenset(workbook.config.withhold | withheld[step]))
            try:
                out[step] = rerun(step, replace(workbook, config=config))
            except Exception as err:  # noqa: BLE001 - withhold the diagnostic rather than leak
                out[step] = Skipped(step, f"withheld for confidentiality ({err})")
    else:
        ran = {k: v for k, v in out.items() if isinstance(v, DiagnosticResult)}
        for c in audit(group_figures(ran, workbook), workbook, minimum=minimum):
            out[c.step] = Skipped(c.step, "withheld for confidentiality: its figures could be "
                                          "compared with another diagnostic's")
    notes = []
    for c in resolved:
        notes.append(f"{c.group} ({c.attribute}) is not shown in one diagnostic "
                     f"({c.step.replace('_', ' ')}) because {WITHHELD_BY_RELEASE}; it is "
                     "shown elsewhere in the report.")
    return out, list(dict.fromkeys(notes)), resolved
