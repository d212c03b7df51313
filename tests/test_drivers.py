"""Key drivers: the identities of relative weights, a second implementation, the planted drivers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import SHARED_REAL
from diagnostics import load
from diagnostics.drivers import KeyDrivers, key_drivers, relative_weights
from diagnostics.errors import ConfigError, InsufficientDataError
from diagnostics.workbook import Workbook

ATTITUDE = SHARED_REAL / "attitude_clerical_employees" / "attitude.csv"
PREDICTORS = ["complaints", "privileges", "learning", "raises", "critical", "advance"]


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    """R-squared of an OLS fit with intercept (numpy least squares)."""
    design = np.column_stack([np.ones(len(y)), x]) if x.size else np.ones((len(y), 1))
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    return float(1 - resid @ resid / ((y - y.mean()) @ (y - y.mean())))


def lmg(x: pd.DataFrame, y: pd.Series) -> pd.Series:
    """General dominance (LMG) from its definition: each predictor's increase in R-squared,
    averaged over the subsets of the others, first within each subset size, then over sizes."""
    names = list(x.columns)
    p = len(names)
    cache: dict[frozenset[str], float] = {}

    def r2(subset: frozenset[str]) -> float:
        if subset not in cache:
            cache[subset] = _r2(x[sorted(subset)].to_numpy(float), y.to_numpy(float)) if subset else 0.0
        return cache[subset]

    out = {}
    for name in names:
        others = [o for o in names if o != name]
        by_size = []
        for size in range(p):
            gains = [r2(frozenset(s) | {name}) - r2(frozenset(s))
                     for s in itertools.combinations(others, size)]
            by_size.append(np.mean(gains))
        out[name] = float(np.mean(by_size))
    return pd.Series(out)


@pytest.fixture(scope="module")
def attitude() -> pd.DataFrame:
    if not ATTITUDE.exists():
        pytest.skip("the real attitude data are not on this machine")
    return pd.read_csv(ATTITUDE)


@pytest.fixture(scope="module")
def wb() -> Workbook:
    return load("data/sample")


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(Path("data/sample/truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def drivers(wb) -> KeyDrivers:
    return key_drivers(wb, resamples=300, by="department")


# --------------------------------------------------------------------------- identities

def test_raw_weights_sum_to_r_squared_on_real_data(attitude) -> None:
    w = relative_weights(attitude[PREDICTORS], attitude["rating"])
    # R's summary(lm(rating ~ ., attitude)) gives R-squared 0.7326
    assert w.sum() == pytest.approx(0.7326, abs=5e-5)
    assert w.sum() == pytest.approx(_r2(attitude[PREDICTORS].to_numpy(float),
                                        attitude["rating"].to_numpy(float)), abs=1e-10)
    assert (w > 0).all()


def test_uncorrelated_predictors_get_their_squared_correlations() -> None:
    # three exactly uncorrelated, centred columns (orthogonal contrasts) and an outcome
    a = np.array([1, -1, 1, -1, 1, -1, 1, -1], float)
    b = np.array([1, 1, -1, -1, 1, 1, -1, -1], float)
    c = np.array([1, 1, 1, 1, -1, -1, -1, -1], float)
    y = 3 * a + 1 * b + 0.5 * c + np.array([0.3, -0.2, 0.1, 0.4, -0.5, 0.2, -0.1, -0.2])
    x = pd.DataFrame({"a": a, "b": b, "c": c})
    w = relative_weights(x, y)
    expected = [np.corrcoef(x[col], y)[0, 1] ** 2 for col in x]
    np.testing.assert_allclose(w.to_numpy(), expected, atol=1e-12)


def test_second_implementation_general_dominance(attitude) -> None:
    """Johnson's weights track general dominance (LMG) closely (Johnson 2000; LeBreton et al. 2004)."""
    x, y = attitude[PREDICTORS], attitude["rating"]
    rw = relative_weights(x, y)
    gd = lmg(x, y)
    assert gd.sum() == pytest.approx(rw.sum(), abs=1e-10)  # both divide the same R-squared
    np.testing.assert_allclose(rw.to_numpy(), gd[rw.index].to_numpy(), atol=0.02)
    assert list(rw.sort_values(ascending=False).index[:4]) == list(
        gd.sort_values(ascending=False).index[:4])


def test_second_implementation_on_the_sample(wb) -> None:
    res = key_drivers(wb, outcomes=["engagement"], resamples=100)
    frame = res.overall("engagement").set_index("predictor")
    rows = wb.responses()
    from diagnostics.drivers import _predictor_sets as sets_of
    from diagnostics.drivers import construct_scores

    sets, _ = sets_of(wb, "constructs", ("motivation", "behaviour", "energy"))
    x = construct_scores(wb, rows, sets)
    y = construct_scores(wb, rows, {"engagement": ["o01"]})["engagement"]
    keep = x.notna().all(axis=1) & y.notna()
    gd = lmg(x[keep], y[keep])
    np.testing.assert_allclose(frame.loc[gd.index, "raw"].to_numpy(), gd.to_numpy(), atol=0.01)
    assert int(frame["n"].iloc[0]) == int(keep.sum())


# --------------------------------------------------------------------------- planted truth

def test_planted_drivers_recovered_in_order(drivers, truth) -> None:
    for outcome, planted in truth["drivers"].items():
        frame = drivers.overall(outcome)
        assert list(frame["predictor"].iloc[:len(planted)]) == planted, outcome
        top = frame.iloc[:len(planted)]
        assert top["significant"].all()
        # the planted ones carry most of what is explained
        assert top["share"].sum() > 0.6
    assert set(truth["drivers"]) == set(drivers.outcomes["outcome"])


def test_intervals_and_shares(drivers) -> None:
    frame = drivers.to_frame()
    assert (frame["low"] <= frame["raw"] + 1e-12).all() and (frame["raw"] <= frame["high"] + 1e-12).all()
    for _, part in frame.groupby(["outcome", "group"]):
        assert part["share"].sum() == pytest.approx(1.0)
        assert part["raw"].sum() == pytest.approx(part["r2"].iloc[0])
    out = drivers.outcomes.set_index("outcome")
    assert (out["r2_low"] <= out["r2"]).all() and (out["r2"] <= out["r2_high"]).all()
    assert frame["score"].between(0, 100).all()


def test_json_shape(drivers) -> None:
    data = drivers.to_json()
    assert set(data) == {"engagement", "intent to stay", "advocacy"}
    entry = data["engagement"]
    assert {"r2", "n", "weights"} <= set(entry)
    w = entry["weights"]["energy"]
    assert {"raw", "share", "low", "high"} <= set(w)
    assert w["share"] == pytest.approx(w["raw"] / entry["r2"])
    json.dumps(data)


# --------------------------------------------------------------------------- guardrails, privacy

def test_groups_only_from_fifty_and_never_small(drivers) -> None:
    groups = drivers.to_frame()
    groups = groups[groups["group"] != "all"]
    assert set(groups["group"]) == {"Operations", "Sales", "Customer Service", "IT"} & set(groups["group"])
    assert (groups["n"] >= 50).all()
    assert "Legal" not in set(groups["group"])
    assert any("Legal" in s.group for s in drivers.suppressed)
    assert any("organisation's drivers" in n for n in drivers.notes)


def test_too_few_respondents_is_not_run(wb) -> None:
    small = wb.survey[wb.survey["wave"] == wb.latest_wave].head(60)
    book = Workbook(wb.folder, wb.config, small, wb.codebook, wb.attributes, (wb.latest_wave,))
    with pytest.raises(InsufficientDataError, match="10 per predictor"):
        key_drivers(book, resamples=100)
    tiny = Workbook(wb.folder, wb.config, small.head(25), wb.codebook, wb.attributes,
                    (wb.latest_wave,))
    with pytest.raises(InsufficientDataError):
        key_drivers(tiny, kinds=["energy"], resamples=100)
    # with one predictor, 60 respondents are enough (30, and 10 per predictor)
    one = key_drivers(book, kinds=["energy"], resamples=100)
    assert set(one.overall()["predictor"]) == {"energy"}


def test_outcome_item_without_construct_is_its_own_outcome(wb) -> None:
    book = wb.codebook.copy()
    book.loc["o03", "construct"] = ""
    other = Workbook(wb.folder, wb.config, wb.survey, book, wb.attributes, wb.waves)
    res = key_drivers(other, outcomes=["o03"], resamples=100)
    assert list(res.outcomes["outcome"]) == ["o03"]
    assert res.outcomes["label"].iloc[0].startswith("How likely")


@pytest.mark.parametrize("kwargs, match", [
    ({"predictors": "scores"}, "predictors"),
    ({"kinds": ["outcome"]}, "kinds"),
    ({"outcomes": ["nope"]}, "nope"),
    ({"by": "colour"}, "colour"),
    ({"confidence": 95}, "confidence"),
    ({"resamples": 10}, "resamples"),
])
def test_bad_options(wb, kwargs, match) -> None:
    with pytest.raises(ConfigError, match=match):
        key_drivers(wb, **kwargs)


# --------------------------------------------------------------------------- properties

def test_row_order_and_relabelling_do_not_change_the_weights(wb) -> None:
    base = key_drivers(wb, outcomes=["engagement"], resamples=100).overall("engagement")
    survey = wb.survey.sample(frac=1.0, random_state=3).reset_index(drop=True)
    book = wb.codebook.copy()
    book["construct"] = book["construct"].replace({"energy": "vitality"})
    other = Workbook(wb.folder, wb.config, survey, book, wb.attributes, wb.waves)
    moved = key_drivers(other, outcomes=["engagement"], resamples=100).overall("engagement")
    a = base.set_index("predictor")["raw"].rename({"energy": "vitality"})
    b = moved.set_index("predictor")["raw"]
    np.testing.assert_allclose(a.sort_index().to_numpy(), b.sort_index().to_numpy(), atol=1e-12)


def test_items_as_predictors(wb) -> None:
    res = key_drivers(wb, outcomes=["engagement"], predictors="items", kinds=["behaviour", "energy"],
                      resamples=100)
    frame = res.overall("engagement")
    assert set(frame["predictor"]) == set(wb.items_of("behaviour")) | set(wb.items_of("energy"))
    assert not (frame["label"] == frame["predictor"]).any()  # question text, never a code


def test_same_seed_same_result_and_figures(wb) -> None:
    a = key_drivers(wb, outcomes=["engagement"], resamples=100, seed=4)
    b = key_drivers(wb, outcomes=["engagement"], resamples=100, seed=4)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    figs = a.figures()
    assert set(figs) == {"weights engagement", "priority engagement"}
    assert all(len(f.data) for f in figs.values())
    assert a.findings() and "energy" in a.findings()[0].headline
