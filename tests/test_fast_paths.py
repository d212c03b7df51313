"""The faster versions of three slow parts of the run give what the earlier versions gave.

Issue 17 (the whole run at 100,000 people) replaced three loops with array work. Each test
here runs the earlier version, kept below word for word as the reference, and the new one on
the same small data, and asserts the same answer:

- the release audit (:func:`diagnostics.release.audit`): one sort of every figure instead of
  one per group, and groups of different groupings compared once per wave;
- the text columns of a table joined column by column instead of row by row
  (:func:`diagnostics.release.group_figures`);
- the ties kept, added and dropped between waves (:func:`diagnostics.network.network_change`):
  integer codes instead of sets of id pairs;
- the privacy guard's decision per parent group (:meth:`diagnostics.PrivacyGuard.apply`):
  plain lists instead of a pandas Series per parent (1,500 tribes x departments at 100,000
  people);
- the people and ties of each wave behind the network figures of
  :func:`diagnostics.wave_changes`: integer codes instead of a dictionary lookup per tie, and
  reciprocated ties by binary search instead of ``numpy.isin``.
"""

from __future__ import annotations

from pathlib import Path

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from diagnostics import PrivacyGuard, load
from diagnostics.network.change import _tie_changes
from diagnostics.network.graph import Network
from diagnostics.release import Conflict, _joined, audit, group_figures
from diagnostics.waves import _reciprocated, _wave_arcs


# ----------------------------------------------------------------- the earlier versions
def _old_members(workbook, attribute, group, wave):
    if attribute not in workbook.attributes:
        return None
    rows = workbook.survey[(workbook.survey["wave"].astype(str) == wave)
                           & (workbook.survey[attribute].astype(str) == group)]
    return frozenset(rows["respondent_id"].astype(str))


def _old_audit(figures, workbook, *, minimum):
    conflicts = {}
    if figures.empty:
        return []
    measured = figures[figures["measure"] != ""]
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
    groups = measured.drop_duplicates(["step", "attribute", "group", "wave", "measure"])
    cache = {}
    differences = {}
    for (wave, measure), part in groups.groupby(["wave", "measure"], sort=False):
        keys = part.drop_duplicates(["attribute", "group"])[["attribute", "group", "step", "n"]]
        if len(keys) < 2:
            continue
        for a, g in zip(keys["attribute"], keys["group"], strict=True):
            if (a, g, wave) not in cache:
                cache[(a, g, wave)] = _old_members(workbook, a, g, wave)
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


def _old_tie_changes(a: Network, b: Network) -> tuple[int, int, int, int]:
    sa, ta, _ = a.edges()
    sb, tb, _ = b.edges()
    ea = pd.DataFrame({"source": a.ids[sa], "target": a.ids[ta]})
    eb = pd.DataFrame({"source": b.ids[sb], "target": b.ids[tb]})
    both = set(ea["source"]) & set(eb["source"])
    present = set(a.ids) & set(b.ids)
    ea = ea[ea["source"].isin(both) & ea["target"].isin(present)]
    eb = eb[eb["source"].isin(both) & eb["target"].isin(present)]
    ka = set(zip(ea["source"], ea["target"], strict=True))
    kb = set(zip(eb["source"], eb["target"], strict=True))
    return len(both), len(ka & kb), len(kb - ka), len(ka - kb)


# ----------------------------------------------------------------- the audit
def test_audit_same_as_before_on_the_sample(sample_run) -> None:
    shown = sample_run.workbook
    figures = group_figures(sample_run.ran(), shown)
    assert len(figures) > 1000  # the audit has real work to do
    found = {}
    for minimum in (2, 5, 100, 300):  # 100, 300: groups of two groupings conflict
        found[minimum] = _old_audit(figures, shown, minimum=minimum)
        assert audit(figures, shown, minimum=minimum) == found[minimum]
    assert found[5] == [] and len(found[300]) > len(found[100]) > 10
    assert {c.kind for c in found[300]} == {"nearly the same people in two groupings"}


def test_audit_same_as_before_where_the_release_step_withholds(tmp_path: Path) -> None:
    from test_privacy_attacks import _inviting_folder, run_without_release

    wb = load(_inviting_folder(tmp_path, 3, 45, 2, 2))
    results = run_without_release(wb)
    figures = group_figures(results.ran(), wb)
    found = audit(figures, wb, minimum=5)
    assert found and found == _old_audit(figures, wb, minimum=5)


@pytest.mark.parametrize("seed", range(12))
def test_audit_same_as_before_on_random_figures(seed: int) -> None:
    """Random groups of two groupings (some nearly the same people), counts a few apart."""
    rng = np.random.default_rng(seed)
    people = [f"P{i}" for i in range(60)]
    survey = []
    for wave in ("W1", "W2"):
        for p in people:
            if rng.random() < 0.1:
                continue
            dept = f"D{rng.integers(4)}"
            # a location that is nearly the department: a few people moved
            loc = dept.replace("D", "L") if rng.random() < 0.9 else f"L{rng.integers(4)}"
            survey.append({"respondent_id": p, "wave": wave, "department": dept,
                           "location": loc})
    survey = pd.DataFrame(survey)

    class Book:  # what audit reads of a workbook
        attributes = ("department", "location")

    book = Book()
    book.survey = survey  # type: ignore[attr-defined]
    rows = []
    for _ in range(400):
        attribute = ("department", "location", "tribe")[rng.integers(3)]
        rows.append({"step": f"s{rng.integers(4)}", "table": "t", "attribute": attribute,
                     "group": f"{attribute[0].upper()}{rng.integers(5)}",
                     "wave": ("W1", "W2")[rng.integers(2)],
                     "measure": ("", "b01", "b02", "level: 3")[rng.integers(4)],
                     "n": int(rng.integers(3, 20))})
    figures = pd.DataFrame(rows)
    for minimum in (1, 3, 5):
        old = _old_audit(figures, book, minimum=minimum)
        assert audit(figures, book, minimum=minimum) == old
    assert "same group, different respondents" in {c.kind for c in old}


def test_audit_of_no_figures() -> None:
    empty = pd.DataFrame(columns=["step", "table", "attribute", "group", "wave", "measure", "n"])
    assert audit(empty, None, minimum=5) == []


# ----------------------------------------------------------------- joined text columns
def test_text_columns_joined_as_row_by_row(sample_run) -> None:
    checked = 0
    for result in sample_run.ran().values():
        for frame in result.tables().values():
            text = [c for c in frame.columns if frame[c].notna().all()][:3]
            if len(frame) == 0 or not text:
                continue
            for k in (1, len(text)):
                old = frame[text[:k]].astype(str).agg(" / ".join, axis=1)
                assert _joined(frame, text[:k], " / ").tolist() == old.tolist()
                checked += 1
    assert checked > 50


# ----------------------------------------------------------------- ties between waves
def _network(ids: list[str], ties: list[tuple[str, str]]) -> Network:
    order = sorted(ids)
    index = {p: i for i, p in enumerate(order)}
    g = ig.Graph(n=len(order), directed=True)
    g.add_edges([(index[s], index[t]) for s, t in ties])
    g.es["weight"] = [1.0] * len(ties)
    return Network(relation="influence", wave=None, ids=np.array(order, dtype=object), graph=g,
                   leader=np.zeros(len(order), dtype=bool), dropped=0)


def test_tie_changes_by_hand() -> None:
    # A names B and C before; after, A names B and D (new), B names A; E leaves, F joins
    a = _network(["A", "B", "C", "D", "E"], [("A", "B"), ("A", "C"), ("E", "A"), ("B", "C")])
    b = _network(["A", "B", "C", "D", "F"], [("A", "B"), ("A", "D"), ("F", "A")])
    # only A named colleagues in both: kept A-B, added A-D, dropped A-C
    assert _tie_changes(a, b) == (1, 1, 1, 1) == _old_tie_changes(a, b)


@pytest.mark.parametrize("seed", range(10))
def test_tie_changes_same_as_before(seed: int) -> None:
    rng = np.random.default_rng(seed)
    everyone = [f"P{i:02d}" for i in range(40)]

    def wave() -> Network:
        ids = [p for p in everyone if rng.random() < 0.8]
        ties = {(str(s), str(t)) for s, t in rng.choice(ids, size=(120, 2)) if s != t}
        return _network(ids, sorted(ties))

    a, b = wave(), wave()
    assert _tie_changes(a, b) == _old_tie_changes(a, b)
    assert _tie_changes(b, a) == _old_tie_changes(b, a)


def test_audit_of_figures_without_measures() -> None:
    """Only figures without a measure (or one group per measure): nothing to compare."""
    figures = pd.DataFrame({"step": ["a", "b"], "table": "t", "attribute": "department",
                            "group": ["Sales", "Ops"], "wave": "W1", "measure": ["", "b01"],
                            "n": [10, 12]})
    assert audit(figures, None, minimum=5) == [] == _old_audit(figures, None, minimum=5)


# ----------------------------------------------------------------- network figures of two waves
def _old_network_nodes(workbook, wave, ties):
    survey = workbook.survey
    ids = survey.loc[survey["wave"] == wave, "respondent_id"] if wave in workbook.waves else \
        survey["respondent_id"]
    return set(pd.unique(pd.concat([ids, ties["source"], ties["target"]])).tolist())


def _old_wave_arcs(workbook, part, waves):
    ties = [part[part["wave"] == w].drop_duplicates(["source", "target"]) for w in waves]
    if any(t.empty for t in ties):
        return None
    nodes = [_old_network_nodes(workbook, w, t) for w, t in zip(waves, ties, strict=True)]
    ids = sorted(nodes[0] | nodes[1])
    pos = {p: i for i, p in enumerate(ids)}
    n = len(ids)
    present = [np.asarray(pd.Index(ids).isin(list(s))) for s in nodes]
    arcs = [(t["source"].map(pos).to_numpy(), t["target"].map(pos).to_numpy()) for t in ties]
    return n, present, arcs


def _old_reciprocated(arcs, n):
    src, tgt = (np.asarray(a, dtype=np.int64) for a in arcs)
    return np.isin(tgt * n + src, src * n + tgt)


def _same_arcs(workbook, part, waves) -> None:
    old, new = _old_wave_arcs(workbook, part, waves), _wave_arcs(workbook, part, waves)
    if old is None:
        assert new is None
        return
    assert new is not None and old[0] == new[0]
    n = old[0]
    for w in range(2):
        assert (old[1][w] == new[1][w]).all()
        pairs = sorted(zip(*(a.tolist() for a in old[2][w]), strict=True))
        assert pairs == list(zip(*(a.tolist() for a in new[2][w]), strict=True))
        assert (_reciprocated(old[2][w], n) == _old_reciprocated(old[2][w], n)).all()


def test_wave_networks_same_as_before_on_the_sample(wb) -> None:
    net = wb.network[wb.network["source"] != wb.network["target"]]
    waves = ("2025-H1", "2025-H2")
    for relation in sorted(net["relation"].unique()):
        _same_arcs(wb, net[net["relation"] == relation], waves)


@pytest.mark.parametrize("seed", range(6))
def test_wave_networks_same_as_before_on_random_ties(wb, seed: int) -> None:
    """Ties named twice, people outside the survey, a wave that is not a survey wave."""
    rng = np.random.default_rng(seed)
    ids = wb.survey["respondent_id"].unique()[:80].tolist() + ["X1", "X2"]
    waves = ("2025-H2", "2026-H1") if seed % 2 else ("2025-H1", "2025-H2")
    rows = rng.choice(ids, size=(300, 2))
    ties = pd.DataFrame({"source": rows[:, 0], "target": rows[:, 1],
                         "wave": rng.choice(list(waves), size=300)})
    ties = ties[ties["source"] != ties["target"]]
    _same_arcs(wb, ties, waves)
    assert _wave_arcs(wb, ties[ties["wave"] == waves[0]], waves) is None


def test_reciprocated_by_hand() -> None:
    # 0 -> 1, 1 -> 0 (mutual), 1 -> 2 (not)
    found = _reciprocated((np.array([0, 1, 1]), np.array([1, 0, 2])), 3)
    assert found.tolist() == [True, True, False]
    assert _reciprocated((np.array([], dtype=int), np.array([], dtype=int)), 3).tolist() == []


# ----------------------------------------------------------------- the guard, parent by parent
def _old_visible_mask(guard, sizes, *, total=None, text=False):
    from diagnostics.privacy import WITHHELD_BY_RELEASE

    minimum = guard.threshold(text=text)
    n = pd.to_numeric(sizes, errors="coerce").fillna(0).astype(int)
    parent = int(n.sum() if total is None else total)
    reasons = {}
    for key, size in n.items():
        if str(key) in guard.withhold and size > 0:
            reasons[key] = WITHHELD_BY_RELEASE
        elif size < minimum:
            reasons[key] = f"fewer than {minimum} respondents"
        elif 0 < parent - size < minimum:
            reasons[key] = (f"the rest of its parent group has fewer than {minimum} "
                            "respondents, so it could be worked out by subtraction")
    outside = max(parent - int(n.sum()), 0)
    while True:
        exposed = sum(int(n[k]) for k in reasons) + outside
        shown = [k for k in n.index if k not in reasons]
        if not shown or exposed == 0 or exposed >= minimum:
            break
        smallest = min(shown, key=lambda k: (int(n[k]), str(k)))
        reasons[smallest] = ("hidden as well, so that a smaller hidden group (or the "
                             "people in no group) cannot be worked out from the total")
    mask = pd.Series([k not in reasons for k in n.index], index=n.index, dtype=bool)
    return mask, reasons


def _old_apply(guard, frame, *, by, n, within, totals):
    """The guard's apply before, without pooling (``pool=None``), as a reference."""
    from diagnostics.privacy import SuppressedGroup, _label

    by_cols = [by] if isinstance(by, str) else list(by)
    keep = np.ones(len(frame), dtype=bool)
    withheld = []
    for parent_key, rows in frame.groupby(within, sort=False, dropna=False).indices.items():
        if isinstance(parent_key, tuple) and len(parent_key) == 1:
            parent_key = parent_key[0]
        total = totals.get(parent_key) if totals is not None else None
        part = frame.iloc[rows]
        mask, reasons = _old_visible_mask(guard, part[n], total=total)
        keep[rows] = mask.to_numpy()
        for idx, reason in reasons.items():
            row = part.loc[idx]
            key = tuple(row[c] for c in by_cols)
            withheld.append(SuppressedGroup(" x ".join(by_cols), _label(
                key if len(key) > 1 else key[0]), reason))
    return frame.loc[keep], tuple(withheld)


@pytest.mark.parametrize("seed", range(8))
def test_guard_same_as_before_parent_by_parent(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows = 300
    frame = pd.DataFrame({"tribe": rng.choice([f"Tribe {k}" for k in range(40)], size=rows),
                          "department": rng.choice(["Sales", "Ops", "HR", "Legal", "IT"],
                                                   size=rows),
                          "level": rng.integers(1, 4, size=rows),
                          "n": rng.integers(0, 14, size=rows)})
    frame = frame.drop_duplicates(["tribe", "department", "level"]).reset_index(drop=True)
    frame.index = frame.index * 3 + 7  # labels that are not positions
    totals = {t: int(v) + int(rng.integers(0, 6)) for t, v in
              frame.groupby("tribe")["n"].sum().items()}
    withhold = frozenset({"Ops"} if seed % 2 else set())
    guard = PrivacyGuard(min_group_size=int(rng.integers(3, 8)), withhold=withhold)
    for by in (["department", "level"], "department"):
        for given in (totals, None):
            new = guard.apply(frame, by=by, n="n", within="tribe", totals=given)
            old_frame, old_withheld = _old_apply(guard, frame, by=by, n="n", within="tribe",
                                                 totals=given)
            assert new.frame.equals(old_frame)
            assert new.suppressed == old_withheld
            assert len(old_withheld) > 0
    sizes = frame.set_index("department").groupby(level=0)["n"].sum()
    for total in (None, int(sizes.sum()) + 3):
        mask, reasons = guard.visible_mask(sizes, total=total)
        old_mask, old_reasons = _old_visible_mask(guard, sizes, total=total)
        assert mask.equals(old_mask) and reasons == old_reasons
        assert list(reasons) == list(old_reasons)
