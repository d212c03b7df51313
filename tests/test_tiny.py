"""Tiny workbooks from the factory in conftest.py, with answers worked out by hand (the way
networkx tests an algorithm on a five-node graph), through the functions and the run."""

from __future__ import annotations

import pytest

from diagnostics import activism_ladder, construct_reliability, reach_to_top, run_all
from diagnostics.comparisons import newcombe_interval, wilson_interval


def test_cronbach_alpha_of_two_items(make_workbook) -> None:
    # a = 1 2 3 4 (variance 5/3), b = 2 2 4 4 (variance 4/3), a + b = 3 4 7 8 (variance 17/3):
    # alpha = 2 * (1 - (5/3 + 4/3) / (17/3)) = 2 * (1 - 9/17) = 16/17
    book = make_workbook({"m1": [1, 2, 3, 4], "m2": [2, 2, 4, 4]},
                         constructs={"m1": "purpose", "m2": "purpose"})
    result = construct_reliability(book)
    assert result.alpha("purpose") == pytest.approx(16 / 17)


def test_activism_levels_of_four_people(make_workbook) -> None:
    # P1 likes (clicktivist); P2 likes and attends (activist: the highest rung counts);
    # P3 leads (advocate); P4 does nothing (spectator). Clicks 2, deeds 2: ratio 1.
    book = make_workbook({"m1": [3, 3, 3, 3]}, actions=[("P1", "like"), ("P2", "like"),
                                                         ("P2", "attend"), ("P3", "lead")])
    ladder = activism_ladder(book)
    assert ladder.assignments.to_dict() == {"P1": "clicktivist", "P2": "activist",
                                            "P3": "advocate", "P4": "spectator"}
    assert (ladder.clicks, ladder.deeds, ladder.clicks_to_deeds) == (2, 2, 1.0)


def test_reach_to_top_along_a_chain(make_workbook) -> None:
    # L names A, A names B, B names C, C names D: what D knows reaches L in 4 steps, C's in
    # 3, B's in 2, A's in 1. Of the four who are not leaders: 1/4 within one step, 2/4
    # within two, 3/4 within three.
    ids = ["L", "A", "B", "C", "D"]
    book = make_workbook({"m1": [3] * 5}, ids=ids, leaders=["L"],
                         ties=[("L", "A"), ("A", "B"), ("B", "C"), ("C", "D")])
    result = reach_to_top(book)
    assert result.to_json()["within_steps"] == {"1": 0.25, "2": 0.5, "3": 0.75}


def test_wilson_and_newcombe_against_newcombe_1998() -> None:
    # Newcombe (1998), Table I and II: 81/263 has the Wilson interval 0.2553-0.3662; the
    # difference 56/70 - 48/80 has the hybrid score interval 0.0524-0.3339 (method 10).
    low, high = wilson_interval(81, 263)
    assert (round(low, 4), round(high, 4)) == (0.2553, 0.3662)
    low, high = newcombe_interval(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)
    assert wilson_interval(0, 10)[0] == 0.0 and wilson_interval(10, 10)[1] == 1.0


def test_the_run_on_a_folder_with_survey_answers_only(make_workbook) -> None:
    book = make_workbook({"m1": [1, 2, 3, 4], "m2": [2, 2, 4, 4]},
                         constructs={"m1": "purpose", "m2": "purpose"})
    data = run_all(book, only=["reliability", "tribes", "activism", "waves"]).to_json()
    assert data["reliability"]["purpose"]["alpha"] == pytest.approx(16 / 17)
    assert data["tribes"] == {"skipped": "no network.csv in the data folder"}
    assert data["activism"] == {"skipped": "no actions.csv in the data folder"}
    assert data["waves"]["skipped"].startswith("only one wave in the data")


def test_old_option_names_still_work_for_one_release() -> None:
    from diagnostics.reliability import feldt_interval

    with pytest.warns(DeprecationWarning, match=r"feldt_interval\(level=...\) is deprecated"):
        old = feldt_interval(0.8, 100, 4, level=0.9)
    assert old == feldt_interval(0.8, 100, 4, confidence=0.9)
