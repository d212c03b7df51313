"""Favourability, the item x group heatmap and the eNPS: hand-computed cases, planted truth, privacy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnostics import load
from diagnostics.comparisons import adjust_pvalues
from diagnostics.config import Config
from diagnostics.enps import enps, enps_difference, enps_interval, enps_item
from diagnostics.errors import ConfigError, InsufficientDataError
from diagnostics.favourability import favourability, favourable_bands, short_label
from diagnostics.heatmap import item_heatmap
from diagnostics.workbook import Workbook


@pytest.fixture(scope="module")
def wb() -> Workbook:
    return load("data/sample")


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(Path("data/sample/truth.json").read_text(encoding="utf-8"))


def tiny(values: dict[str, list[float]], groups: list[str], *, scale=(1, 5),
         waves: list[str] | None = None, min_group_size: int = 5) -> Workbook:
    """A workbook from a few hand-written answers (one attribute, ``team``)."""
    n = len(groups)
    survey = pd.DataFrame({"respondent_id": [f"R{i}" for i in range(n)],
                           "wave": waves or ["w1"] * n, "team": groups, **values})
    book = pd.DataFrame({"item": list(values), "kind": "outcome", "scale_min": scale[0],
                         "scale_max": scale[1], "label": [f"Question {k}" for k in values],
                         "construct": "", "reverse": 0, "non_negotiable": 0}).set_index("item")
    config = Config(min_group_size=min_group_size)
    return Workbook.build(folder=Path("."), config=config, survey=survey, codebook=book,
                          attributes=["team"])


# --------------------------------------------------------------------------- favourability

@pytest.mark.parametrize("low, high, fav, unfav", [
    (1, 5, 4, 2), (1, 7, 5, 3), (0, 10, 9, 6), (1, 10, 9, 6), (1, 4, 3, 2), (1, 6, 4, 3),
    (1, 3, 3, 1)])
def test_favourable_bands(low, high, fav, unfav) -> None:
    assert favourable_bands(low, high) == (fav, unfav)


def test_favourability_hand_computed() -> None:
    answers = [5, 4, 4, 3, 2, 1, 5, 3, 4, 2]
    book = tiny({"q1": answers}, ["A"] * 5 + ["B"] * 5)
    row = favourability(book).to_frame().iloc[0]
    assert (row["n"], row["favourable"], row["neutral"], row["unfavourable"]) == (10, 0.5, 0.2, 0.3)
    groups = favourability(book).groups.set_index("group")
    assert groups.at["A", "favourable"] == pytest.approx(0.6)  # 5, 4, 4 of 5
    assert groups.at["B", "favourable"] == pytest.approx(0.4)  # 5, 4 of 5


def test_favourability_sorted_and_private(wb) -> None:
    fav = favourability(wb)
    frame = fav.to_frame()
    assert (np.diff(frame["favourable"].to_numpy()) <= 1e-12).all()
    assert np.allclose(frame[["favourable", "neutral", "unfavourable"]].sum(axis=1), 1.0)
    assert (frame["favourable_low"] <= frame["favourable"]).all()
    assert not (frame["label"] == frame["item"]).any()
    assert (fav.groups["n"] >= 5).all() and "Legal" not in set(fav.groups["group"])
    totals = frame.set_index("item")["n"]
    rest = fav.groups["item"].map(totals) - fav.groups["n"]
    assert ((rest == 0) | (rest >= 5)).all()
    assert len(fav.figure().data) == 3
    assert len(fav.figure(attribute="department", group="Sales").data) == 3


def test_short_label_never_a_code_and_short() -> None:
    text = "How likely is it that you would recommend Northwind to a friend as a place to work?"
    short = short_label(text, 40)
    assert len(short) <= 41 and short.endswith("…") and text.startswith(short[:-1])


# --------------------------------------------------------------------------- heatmap

def test_heatmap_cell_hand_computed() -> None:
    # group A: 4 of 6 favourable; the rest (B): 1 of 6
    answers = [5, 4, 4, 5, 2, 1] + [4, 1, 2, 3, 2, 1]
    book = tiny({"q1": answers}, ["A"] * 6 + ["B"] * 6)
    heat = item_heatmap(book, by="team", correction="none")
    a = heat.to_frame().set_index("group").loc["A"]
    assert (a["value"], a["rest_value"], a["n"], a["rest_n"]) == (pytest.approx(4 / 6),
                                                                   pytest.approx(1 / 6), 6, 6)
    # pooled two-proportion z-test by hand: p = 5/12
    pooled = 5 / 12
    z = (4 / 6 - 1 / 6) / np.sqrt(pooled * (1 - pooled) * (2 / 6))
    from scipy import stats

    assert a["p"] == pytest.approx(2 * stats.norm.sf(z))
    mean = item_heatmap(book, by="team", measure="mean").to_frame().set_index("group").loc["A"]
    assert mean["value"] == pytest.approx(np.mean(answers[:6]))
    assert mean["difference"] == pytest.approx(np.mean(answers[:6]) - np.mean(answers[6:]))


def test_heatmap_adjusts_across_the_table(wb) -> None:
    holm = item_heatmap(wb, by="department", correction="holm").to_frame()
    bh = item_heatmap(wb, by="department", correction="fdr_bh").to_frame()
    np.testing.assert_allclose(holm["p_adjusted"], adjust_pvalues(holm["p"], "holm"))
    np.testing.assert_allclose(bh["p_adjusted"], adjust_pvalues(bh["p"], "fdr_bh"))
    assert bh["significant"].sum() >= holm["significant"].sum()


def test_heatmap_finds_the_planted_weak_groups(wb, truth) -> None:
    for weak in truth["weak_groups"]:
        heat = item_heatmap(wb, by=weak["attribute"])
        cell = heat.to_frame().set_index(["item", "group"]).loc[(weak["item"], weak["group"])]
        assert cell["significant"] and cell["direction"] == "lower", weak
        assert cell["high"] < 0
    # no other group is clearly lower on a non-negotiable than the rest
    planted = {(w["item"], w["group"]) for w in truth["weak_groups"]}
    for attribute in ("department", "location"):
        cells = item_heatmap(wb, by=attribute).to_frame()
        low = cells[(cells["direction"] == "lower") & cells["item"].isin(wb.non_negotiables)]
        assert set(zip(low["item"], low["group"], strict=True)) <= planted


def test_heatmap_privacy_of_every_cell(wb) -> None:
    heat = item_heatmap(wb, by="department")
    cells = heat.to_frame()
    assert (cells["n"] >= 5).all() and (cells["rest_n"] >= 5).all()
    assert "Legal" not in set(cells["group"])
    assert any(s.group == "Legal" for s in heat.suppressed)
    # a withheld cell cannot be worked out: with Legal hidden, at least one more sibling is too
    for item, part in cells.groupby("item"):
        total = int(heat.overall.set_index("item").at[item, "n"])
        assert total - part["n"].sum() == 0 or total - part["n"].sum() >= 5
    fig = heat.figure()
    assert "Legal" not in list(fig.data[0].x)
    assert not any(str(y).startswith(("b0", "o0", "e0")) for y in fig.data[0].y)


def test_heatmap_complement_under_minimum_is_withheld() -> None:
    answers = [5, 4, 4, 5, 2, 1, 4, 3, 2, 5] + [4, 1, 2]
    book = tiny({"q1": answers}, ["A"] * 10 + ["B"] * 3)
    with pytest.raises(InsufficientDataError):
        item_heatmap(book, by="team")


@settings(max_examples=15, deadline=None)
@given(st.permutations(list(range(24))))
def test_heatmap_row_order_and_relabelling(order) -> None:
    rng = np.random.default_rng(1)
    answers = rng.integers(1, 6, size=24).astype(float).tolist()
    groups = ["A"] * 8 + ["B"] * 8 + ["C"] * 8
    base = item_heatmap(tiny({"q1": answers}, groups), by="team").to_frame().set_index("group")
    shuffled = tiny({"q1": [answers[i] for i in order]},
                    [{"A": "X", "B": "Y", "C": "Z"}[groups[i]] for i in order])
    moved = item_heatmap(shuffled, by="team").to_frame().set_index("group")
    moved.index = moved.index.map({"X": "A", "Y": "B", "Z": "C"})
    cols = ["value", "difference", "p_adjusted"]
    pd.testing.assert_frame_equal(base.loc[["A", "B", "C"], cols], moved.loc[["A", "B", "C"], cols])


# --------------------------------------------------------------------------- eNPS

def test_enps_interval_by_hand() -> None:
    # Rocks (2016) adjusted Wald: 40 promoters, 20 detractors of 100
    pp, pd_ = 40.75 / 103, 20.75 / 103
    se = np.sqrt((pp + pd_ - (pp - pd_) ** 2) / 103)
    low, high = enps_interval(40, 20, 100)
    assert low == pytest.approx(100 * (pp - pd_ - 1.959964 * se), abs=1e-4)
    assert high == pytest.approx(100 * (pp - pd_ + 1.959964 * se), abs=1e-4)
    d_low, d_high, p = enps_difference(40, 20, 100, 40, 20, 100)
    assert p == pytest.approx(1.0) and d_low == pytest.approx(-d_high)


def test_enps_hand_computed_score_and_five_point_convention() -> None:
    answers = [10, 9, 9, 8, 7, 6, 0, 3, 10, 5]  # 4 promoters, 2 passives, 4 detractors
    book = tiny({"rec": answers}, ["A"] * 5 + ["B"] * 5, scale=(0, 10))
    result = enps(book)
    row = result.overall.iloc[0]
    assert (row["n"], row["score"], row["promoters"]) == (10, 0.0, 0.4)
    five = tiny({"rec": [5, 5, 4, 3, 1, 5, 4, 4, 2, 5]}, ["A"] * 5 + ["B"] * 5)
    with pytest.raises(InsufficientDataError):
        enps_item(five) or enps(five)
    r5 = enps(five, item="rec")  # 1-5 item: the 5 / 4 / 1-3 convention
    assert r5.convention == "five" and r5.score == pytest.approx(100 * (4 - 3) / 10)
    with pytest.raises(ConfigError, match="0-10"):
        enps(five, item="rec", convention="nps")


def test_enps_planted_weak_group_and_no_wave_change(wb, truth) -> None:
    planted = truth["enps"]
    result = enps(wb, by=planted["weak_group"]["attribute"])
    assert result.item == planted["item"]
    groups = result.to_frame().set_index("group")
    weak = groups.loc[planted["weak_group"]["group"]]
    assert weak["significant"] and weak["difference"] < 0 and weak["diff_high"] < 0
    others = groups.drop(index=planted["weak_group"]["group"])
    assert not (others["significant"] & (others["difference"] < 0)).any()
    assert "Legal" not in groups.index
    waves = result.waves
    assert len(waves) == 2 and waves["p"].iloc[-1] > 0.05  # planted: no change
    assert waves["diff_low"].iloc[-1] < 0 < waves["diff_high"].iloc[-1]
    data = result.to_json()
    assert {"score", "low", "high", "n", "by"} <= set(data)
    assert data["low"] <= data["score"] <= data["high"]
    assert "Legal" not in data["by"]["department"]


def test_enps_wave_change_detected_when_planted() -> None:
    before = [10, 9, 9, 10, 9, 10, 9, 8, 10, 9] * 4
    after = [3, 4, 6, 5, 2, 7, 6, 5, 8, 6] * 4
    book = tiny({"rec": before + after}, ["A", "B"] * 40, scale=(0, 10),
                waves=["w1"] * 40 + ["w2"] * 40)
    waves = enps(book).waves
    assert waves["p"].iloc[-1] < 0.001 and waves["difference"].iloc[-1] < -80


def test_no_enps_item_is_skipped(wb) -> None:
    book = wb.codebook.copy()
    book.loc["o03", "kind"] = "other"
    other = Workbook(wb.folder, wb.config, wb.survey, book, wb.attributes, wb.waves)
    assert enps_item(other) is None
    with pytest.raises(InsufficientDataError, match="eNPS"):
        enps(other)
