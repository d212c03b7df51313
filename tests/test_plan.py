"""The movement plan and the revisit: hand-made cases, then the sample's planted truth."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from diagnostics import load
from diagnostics.behaviours import non_negotiables
from diagnostics.errors import InsufficientDataError
from diagnostics.network.brokers import backstage_leaders
from diagnostics.network.hubs import hyper_connected
from diagnostics.network.tribes import find_tribes
from diagnostics.plan import (
    INITIATIVE_KINDS,
    ROLES,
    _focus,
    _initiatives,
    movement_plan,
    next_sprint,
    revisit_plan,
)
from diagnostics.segments import segment_frames
from diagnostics.tandems import tandem_analysis

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
TRUTH = json.loads((SAMPLE / "truth.json").read_text())


# -- tiny hand-made cases ---------------------------------------------------------------------

@pytest.mark.parametrize("waves, today, expected", [
    (["2025-H1", "2025-H2"], None, (date(2026, 1, 1), date(2026, 7, 1))),
    (["2026-H1"], None, (date(2026, 7, 1), date(2027, 1, 1))),
    (["2025-Q4"], None, (date(2026, 1, 1), date(2026, 7, 1))),
    (["baseline"], date(2026, 11, 30), (date(2026, 11, 30), date(2027, 5, 28))),
])
def test_next_sprint(waves, today, expected):
    assert next_sprint(waves, today=today) == expected


def test_initiatives_are_classified_by_support_and_sponsor():
    table = pd.DataFrame({
        "initiative_id": ["a", "b", "c", "d", "e", "f"],
        "name": ["A", "B", "C", "D", "E", "F"],
        "supporters": [20, 20, 3, 3, 20, 12],
        "sponsor_level": ["none", "Director", "Director", "none", "none", "none"],
        "outcome": ["ongoing", "ongoing", "ongoing", "ongoing", "success", "ongoing"]})
    tandems = SimpleNamespace(threshold=12.0)
    got = _initiatives(SimpleNamespace(initiatives=table), tandems, {})  # type: ignore[arg-type]
    # a and f: strong, unsponsored, ongoing; c: sponsored but weak; b, d, e: nothing to do
    assert dict(zip(got["initiative_id"], got["kind"], strict=True)) == {
        "a": INITIATIVE_KINDS[0], "f": INITIATIVE_KINDS[0], "c": INITIATIVE_KINDS[1]}


def test_glue_if_fixed_counts_groups_failing_only_through_weak_links():
    rows = []
    # three departments x two non-negotiables; X is weak on n1; Y fails n2 below a standard
    for group, item, holds, weak in [("X", "n1", False, True), ("X", "n2", True, False),
                                     ("Y", "n1", True, False), ("Y", "n2", False, False),
                                     ("Z", "n1", True, False), ("Z", "n2", True, False)]:
        rows.append({"item": item, "label": item, "non_negotiable": True,
                     "grouping": "department", "group": group, "n": 20, "adherence": 0.5,
                     "adherence_low": 0.3, "adherence_high": 0.7, "rest_adherence": 0.9,
                     "holds": holds, "weak": weak})
    nn = SimpleNamespace(groups=pd.DataFrame(rows))
    focus, now, after = _focus(nn, {})  # type: ignore[arg-type]
    assert focus[["item", "group"]].values.tolist() == [["n1", "X"]]
    assert (now, after) == (pytest.approx(1 / 3), pytest.approx(2 / 3))


def test_a_plan_needs_something_to_plan_from(tmp_path):
    wb = load(SAMPLE)
    empty = SimpleNamespace(initiatives=None, guard=wb.guard, waves=wb.waves,
                            codebook=wb.codebook)
    with pytest.raises(InsufficientDataError):
        movement_plan(empty)  # type: ignore[arg-type]


# -- planted truth -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sample_plan():
    wb = load(SAMPLE)
    tribes = find_tribes(wb)
    hubs = hyper_connected(wb)
    brokers = backstage_leaders(wb, tribes=tribes, hyper=hubs)
    segments = segment_frames(wb)
    nn = non_negotiables(wb)
    tandems = tandem_analysis(wb, threshold=TRUTH["grassroots_threshold"])
    plan = movement_plan(wb, hyper_connected=hubs, backstage_leaders=brokers, tribes=tribes,
                         segments=segments, non_negotiables=nn, tandems=tandems, names=True)
    return wb, plan


def test_plan_engages_a_planted_starter_in_every_tribe_that_has_one(sample_plan):
    _, plan = sample_plan
    planted = set(TRUTH["hyper_connected"]) | set(TRUTH["backstage_leaders"])
    tribe_of = TRUTH["tribes"]
    engaged = set(plan.engage["person"])
    for tribe in {tribe_of[p] for p in planted if p in tribe_of}:
        members = {p for p in planted if tribe_of.get(p) == tribe}
        assert members & engaged, f"planted tribe {tribe}: none of {sorted(members)} engaged"
    assert set(plan.engage["role"]) <= set(ROLES)
    assert 0.5 < plan.engaged_reach <= 1


def test_plan_engages_someone_in_every_tribe():
    wb = load(SAMPLE)
    tribes = find_tribes(wb)
    hubs = hyper_connected(wb)
    plan = movement_plan(wb, hyper_connected=hubs, tribes=tribes)
    sizes = tribes.assignments.value_counts()
    assert set(plan.engage["tribe"]) == set(sizes[sizes >= wb.guard.min_group_size].index)
    connectors = plan.engage[plan.engage["role"] == "tribe connector"]
    assert len(connectors) and connectors["why"].str.contains("most-named member").all()


def test_plan_focus_is_the_planted_weak_groups(sample_plan):
    _, plan = sample_plan
    got = {(r["item"], r["attribute"], r["group"]) for _, r in plan.focus.iterrows()}
    assert got == {(w["item"], w["attribute"], w["group"]) for w in TRUTH["weak_groups"]}
    assert plan.glue_if_fixed > plan.glue_now
    # the questions are shown, not the codes
    assert all(q.startswith("In my team") for q in plan.focus["question"])


def test_plan_tandem_candidates_are_the_ongoing_unsponsored_grassroots(sample_plan):
    wb, plan = sample_plan
    table = wb.initiatives
    expected = set(table[(table["outcome"] == "ongoing")
                         & (table["supporters"] >= TRUTH["grassroots_threshold"])
                         & (table["sponsor_level"].astype(str).str.lower() == "none")
                         ]["initiative_id"])
    assert expected
    got = set(plan.initiatives.loc[plan.initiatives["kind"] == "tandem candidate",
                                   "initiative_id"])
    assert got == expected


def test_plan_json_has_the_contract_shape(sample_plan):
    _, plan = sample_plan
    data = plan.to_json()
    assert {"engage", "frames", "focus", "initiatives", "track", "resurvey"} <= set(data)
    assert set(data["engage"][0]) == {"person", "role", "tribe", "why"}
    assert set(data["focus"][0]) >= {"item", "attribute", "group"}
    assert set(data["initiatives"][0]) == {"initiative_id", "kind", "why"}
    assert data["resurvey"] == "2026-07-01"
    assert len(data["frames"]) == 5
    json.dumps(data)
    # the tracked weak links have the rest of the organisation as their target
    weak = plan.track[plan.track["group"] != ""]
    assert len(weak) == 3 and (weak["target"] > weak["baseline"]).all()
    assert (weak["detectable"] > 0).all()


def test_plan_views_read_as_plain_language(sample_plan):
    _, plan = sample_plan
    text = " ".join(f.headline for f in plan.findings()) + " ".join(plan.to_frame()["why"])
    assert "(s)" not in text and "b04" not in text and "non_negotiable" not in text
    assert "Survey again on 01 July 2026" in text
    fig = plan.figure()
    assert len(fig.data) == 2 and all(len(t.x) == 3 for t in fig.data)


def test_pseudonyms_unless_names_are_asked_for(sample_plan):
    wb, plan = sample_plan
    hubs = hyper_connected(wb)
    hidden = movement_plan(wb, hyper_connected=hubs)
    assert not set(hidden.engage["person"]) & set(wb.survey["respondent_id"])
    assert set(plan.engage["person"]) <= set(wb.survey["respondent_id"])


def test_revisit_finds_the_targeted_links_and_the_planted_moves():
    wb = load(SAMPLE)
    back = revisit_plan(wb, earlier="2025-H1", later="2025-H2")
    targeted = back.cells[back.cells["targeted"]]
    assert {(r["item"], r["group"]) for _, r in targeted.iterrows()} == {
        (w["item"], w["group"]) for w in TRUTH["weak_groups"]}
    moved = set(back.behaviours.loc[back.behaviours["moved"], "item"])
    planted_behaviours = {i for i in TRUTH["wave_changes"] if i.startswith("b")}
    assert moved == planted_behaviours
    # the planted weak links stayed weak (nothing was done about them in the sample)
    assert back.did_low < 0 < back.did_high or abs(back.did) < 0.1
    assert not targeted["reached"].any()
    assert back.figure().data


def test_plan_panel_redraws_each_view():
    from diagnostics.panels.plan import plan_panel

    wb = load(SAMPLE)
    box = plan_panel(wb)
    assert box.result.focus["group"].tolist()
    focus_traces = [t.name for t in box.main_figure.data]
    box.main_control.value = "engage"
    assert [t.name for t in box.main_figure.data] != focus_traces
    assert {t.name for t in box.main_figure.data} <= {"hyper-connected", "backstage leader",
                                                     "tribe connector"}
    box.main_control.value = "revisit"
    assert [t.name for t in box.main_figure.data] == ["targeted by the plan", "not targeted"]
    assert "Which initiatives to back" in box.children[-1].value
