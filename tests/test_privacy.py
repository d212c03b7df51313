"""The privacy guard: properties of its rules, and the sample's department of 3 never shown.

The sample organisation has a Legal department of 3 people in each wave: no figure about it
may leave the library, in a result, a figure, a JSON or a notebook panel.
"""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics import ConfigError, PrivacyGuard
from diagnostics.overview import item_distribution, participation

SMALL = "Legal"

sizes_st = st.lists(st.integers(0, 40), min_size=1, max_size=8)
minimum_st = st.integers(1, 12)


def _series(sizes: list[int]) -> pd.Series:
    return pd.Series(sizes, index=[f"g{i}" for i in range(len(sizes))], dtype="int64")


@settings(max_examples=200, deadline=None)
@given(sizes_st, minimum_st, st.integers(0, 12), st.booleans())
def test_visible_mask_rules(sizes: list[int], minimum: int, outside: int, give_total: bool) -> None:
    guard = PrivacyGuard(min_group_size=minimum, min_text_group_size=minimum,
                         allow_small_groups=True)
    n = _series(sizes)
    copy = n.copy()
    total = int(n.sum()) + outside if give_total else None
    parent = int(n.sum()) + (outside if give_total else 0)
    mask, reasons = guard.visible_mask(n, total=total)
    pd.testing.assert_series_equal(n, copy)  # input not mutated
    assert list(mask.index) == list(n.index) and mask.dtype == bool
    assert set(reasons) == set(n.index[~mask])
    shown = n[mask]
    # 1. no visible group below the minimum
    assert (shown >= minimum).all()
    # 2. no visible group whose complement within its parent is below the minimum (and > 0)
    complement = parent - shown
    assert not ((complement > 0) & (complement < minimum)).any()
    # 3. what is hidden cannot be worked out as a total below the minimum
    if mask.any():
        hidden_total = parent - int(shown.sum())
        assert hidden_total == 0 or hidden_total >= minimum


@settings(max_examples=200, deadline=None)
@given(sizes_st, minimum_st, st.integers(0, 10))
def test_text_minimum_is_the_stricter_one(sizes: list[int], minimum: int, extra: int) -> None:
    guard = PrivacyGuard(min_group_size=minimum, min_text_group_size=minimum + extra,
                         allow_small_groups=True)
    n = _series(sizes)
    text_mask, _ = guard.visible_mask(n, text=True)
    assert (n[text_mask] >= minimum + extra).all()
    assert guard.threshold(text=True) == minimum + extra
    # a group shown as text is never below the figure minimum either
    assert (n[text_mask] >= guard.threshold()).all()


@st.composite
def two_way_table(draw: st.DrawFn) -> pd.DataFrame:
    parents = draw(st.integers(1, 4))
    rows = []
    for p in range(parents):
        for g in range(draw(st.integers(1, 5))):
            rows.append({"wave": f"w{p}", "department": f"d{g}", "n": draw(st.integers(0, 30)),
                         "mean": draw(st.floats(1, 5))})
    return pd.DataFrame(rows)


@settings(max_examples=80, deadline=None)
@given(two_way_table(), minimum_st)
def test_apply_guards_each_parent_and_names_what_it_withheld(table: pd.DataFrame,
                                                            minimum: int) -> None:
    guard = PrivacyGuard(min_group_size=minimum, min_text_group_size=max(10, minimum),
                         allow_small_groups=True)
    copy = table.copy()
    guarded = guard.apply(table, by="department", n="n", within="wave")
    pd.testing.assert_frame_equal(table, copy)
    shown = guarded.frame
    assert (shown["n"] >= minimum).all()
    assert len(shown) + len(guarded.suppressed) == len(table)
    assert {s.group for s in guarded.suppressed} <= set(table["department"])
    for wave, part in table.groupby("wave"):
        parent = int(part["n"].sum())
        visible = shown[shown["wave"] == wave]
        complement = parent - visible["n"]
        assert not ((complement > 0) & (complement < minimum)).any()
        if len(visible):
            rest = parent - int(visible["n"].sum())
            assert rest == 0 or rest >= minimum
    # row order does not change what is shown
    flipped = guard.apply(table.iloc[::-1], by="department", n="n", within="wave").frame
    pd.testing.assert_frame_equal(flipped.sort_index(), shown.sort_index())


def test_guard_options_are_checked() -> None:
    with pytest.raises(ConfigError):
        PrivacyGuard(min_group_size=0)
    with pytest.raises(ConfigError):
        PrivacyGuard(min_group_size=5, min_text_group_size=3)
    with pytest.raises(ConfigError, match="no column"):
        PrivacyGuard().apply(pd.DataFrame({"a": [1]}), by="department")


def test_guard_known_answer() -> None:
    # Legal (3) is small; Sales (40) is hidden as well, or 100 - 57 would give Legal's 3
    guard = PrivacyGuard(min_group_size=5)
    table = pd.DataFrame({"department": ["Sales", "Ops", "Legal"], "n": [40, 57, 3]})
    guarded = guard.apply(table, by="department")
    assert guarded.frame["department"].tolist() == ["Ops"]
    assert {s.group: s.reason.split(",")[0] for s in guarded.suppressed} == {
        "Legal": "fewer than 5 respondents", "Sales": "hidden as well"}
    assert "3" not in " ".join(str(s) for s in guarded.suppressed)


# --------------------------------------------------------------------------- the sample's Legal

def _has_small(obj: object) -> bool:
    return SMALL in json.dumps(obj, default=str)


def _figure_shows_small(fig: go.Figure) -> bool:
    """Whether any trace of the figure carries the small group (as a category or a label)."""
    return any(_has_small(trace.to_plotly_json()) for trace in fig.data)


def test_legal_is_three_people(wb) -> None:
    sizes = wb.survey.groupby(["wave", "department"]).size()
    assert sizes.xs(SMALL, level="department").tolist() == [3, 3]


def test_participation_never_shows_legal(wb) -> None:
    for by in wb.attributes:
        result = participation(wb, by=by)
        assert not (result.to_frame()[by] == SMALL).any()
        assert not _has_small(result.to_json())
        assert not _figure_shows_small(result.figure())
        if by == "department":
            assert SMALL in {s.group for s in result.suppressed}


def test_item_distributions_never_show_legal(wb) -> None:
    # every item of the latest wave, a few of the first (the guard does not depend on the item)
    pairs = [(wb.latest_wave, item) for item in wb.items]
    pairs += [(wb.waves[0], item) for item in wb.items[::8]]
    for wave, item in pairs:
        result = item_distribution(wb, item=item, by="department", wave=wave)
        assert not (result.to_frame()["group"] == SMALL).any()
        assert not (result.means["group"] == SMALL).any()
        assert not _has_small(result.to_json())
        assert not _figure_shows_small(result.figure())


def test_start_notebook_panels_never_show_legal(wb) -> None:
    from diagnostics.panels.overview import distribution_panel, participation_panel

    box = participation_panel(wb)
    for by in wb.attributes:
        box.main_control.value = by
        assert not _figure_shows_small(box.main_figure)
        assert len(box.main_figure.data) > 0
    box = distribution_panel(wb)
    box.split_control.value = "department"
    for item in wb.items[:8]:
        box.main_control.value = item
        assert len(box.main_figure.data) > 0
        assert not _figure_shows_small(box.main_figure)
    assert "Something unexpected" not in str(box.children)


def test_free_text_minimum_follows_a_larger_group_minimum() -> None:
    assert PrivacyGuard().threshold(text=True) == 10
    assert PrivacyGuard(min_group_size=11).threshold(text=True) == 11
    assert PrivacyGuard(min_group_size=3, min_text_group_size=5).threshold(text=True) == 5
    with pytest.raises(ConfigError):
        PrivacyGuard(min_group_size=8, min_text_group_size=6)


def test_pseudonyms_grow_until_every_person_has_their_own(wb) -> None:
    """Six hex digits are shared by two people from a few thousand people on (about 300 pairs
    at 100,000): their figures would merge under one pseudonym. E06620 and E06859 share six
    digits under the all-zero key (found by search); a folder holding both gets longer ones."""
    from dataclasses import replace

    key = bytes(32)
    six = PrivacyGuard(key=key)
    assert six.pseudonym("E06620") == six.pseudonym("E06859")
    config = replace(wb.config, pseudonym_key=key)
    assert replace(wb, config=config).guard.digits == 6  # the sample's people: six are enough
    survey = wb.survey.copy()
    ids = survey["respondent_id"].astype(str).tolist()
    ids[0], ids[1] = "E06620", "E06859"
    survey["respondent_id"] = ids
    guard = replace(wb, config=config, survey=survey).guard
    assert guard.digits == 7
    assert guard.pseudonym("E06620") != guard.pseudonym("E06859")
    assert guard.pseudonym("E06620").startswith(six.pseudonym("E06620"))
    everyone = guard.pseudonymise(set(ids) | set(wb.network["source"].astype(str)))
    assert len(set(everyone)) == len(everyone)
