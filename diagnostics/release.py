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
        group = frame[present].astype(str).agg(" / ".join, axis=1)
    measure = pd.Series("", index=frame.index)
    for names in _MEASURES:
        if all(n in cols for n in names):
            measure = frame[list(names)].astype(str).agg(" | ".join, axis=1)
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


def _members(workbook: Workbook, attribute: str, group: str, wave: str) -> frozenset[str] | None:
    if attribute not in workbook.attributes:
        return None
    rows = workbook.survey[(workbook.survey["wave"].astype(str) == wave)
                           & (workbook.survey[attribute].astype(str) == group)]
    return frozenset(rows["respondent_id"].astype(str))


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
    """
    conflicts: dict[tuple[str, str, str], Conflict] = {}
    if figures.empty:
        return []
    measured = figures[figures["measure"] != ""]
    # 1. the same group and measure over two counts
    for (attribute, group, wave, measure), part in measured.groupby(
            ["attribute", "group", "wave", "measure"], sort=False):
        counts = part.drop_duplicates("n").sort_values("n")
        if len(counts) < 2:
            continue
        rows = list(counts.itertuples(index=False))
        for low in rows:
            for high in rows:
                if 0 < high.n - low.n < minimum:
                    key = (str(low.step), str(attribute), str(group))
                    conflicts.setdefault(key, Conflict(
                        str(attribute), str(group), str(wave), str(measure), int(low.n),
                        str(attribute), str(group), int(high.n), str(low.step), str(high.step),
                        "same group, different respondents"))
    # 2. groups of different groupings with nearly the same members
    groups = measured.drop_duplicates(["step", "attribute", "group", "wave", "measure"])
    cache: dict[tuple[str, str, str], frozenset[str] | None] = {}
    differences: dict[tuple[str, str, str, str, str], int] = {}
    for (wave, measure), part in groups.groupby(["wave", "measure"], sort=False):
        keys = part.drop_duplicates(["attribute", "group"])[["attribute", "group", "step", "n"]]
        if len(keys) < 2:
            continue
        for a, g in zip(keys["attribute"], keys["group"], strict=True):
            if (a, g, wave) not in cache:
                cache[(a, g, wave)] = _members(workbook, a, g, wave)
        members = {(a, g): cache[(a, g, wave)] for a, g in
                   zip(keys["attribute"], keys["group"], strict=True)}
        listed = [(r.attribute, r.group, r.step, int(r.n)) for r in keys.itertuples(index=False)
                  if members[(r.attribute, r.group)]]
        for i, (a1, g1, s1, _n1) in enumerate(listed):
            m1 = members[(a1, g1)]
            for a2, g2, s2, _n2 in listed[i + 1:]:
                if a1 == a2:
                    continue
                m2 = members[(a2, g2)]
                assert m1 is not None and m2 is not None
                if abs(len(m1) - len(m2)) >= minimum:
                    continue
                pair = (wave, a1, g1, a2, g2)
                if pair not in differences:
                    differences[pair] = len(m1 ^ m2)
                differ = differences[pair]
                if 0 < differ < minimum:
                    small = (a1, g1, s1, len(m1)) if len(m1) <= len(m2) else (a2, g2, s2, len(m2))
                    large = (a2, g2, s2, len(m2)) if small[0] == a1 else (a1, g1, s1, len(m1))
                    key = (str(small[2]), str(small[0]), str(small[1]))
                    conflicts.setdefault(key, Conflict(
                        str(small[0]), str(small[1]), str(wave), str(measure), small[3],
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
