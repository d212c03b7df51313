"""Construct reliability: alpha as pingouin computes it, item statistics, planted reverse-coding errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from realdata import REAL, attitude_frame, available, werte_folder

from diagnostics import ConfigError, InsufficientDataError, Workbook, load
from diagnostics.config import Config
from diagnostics.reliability import (
    Reliability,
    alpha_band,
    construct_reliability,
    cronbach_alpha,
    feldt_interval,
)
from diagnostics.workbook import answered_enough


@pytest.fixture(scope="module")
def listwise(wb) -> Reliability:
    return construct_reliability(wb)


def _pingouin(frame: pd.DataFrame, missing: str) -> tuple[float, np.ndarray]:
    """pingouin on the same respondents as ours (see the note on its listwise interval)."""
    if missing == "listwise":
        # pingouin's listwise interval uses the row count before deletion; give it the
        # complete rows so that both intervals use the same n
        return pg.cronbach_alpha(frame.dropna(), nan_policy="listwise")
    return pg.cronbach_alpha(frame, nan_policy="pairwise")


# --------------------------------------------------------------------------- known answers

@pytest.mark.parametrize("missing", ["listwise", "pairwise"])
def test_alpha_and_interval_equal_pingouin_on_the_sample(wb, missing: str) -> None:
    result = construct_reliability(wb, missing=missing)
    rows = wb.responses()
    checked = 0
    for row in result.constructs.itertuples():
        items = wb.constructs(row.kind)[row.construct]
        frame = rows[items] if missing == "listwise" else answered_enough(rows[items], items)[0]
        alpha, ci = _pingouin(frame, missing)
        assert round(row.alpha, 3) == round(float(alpha), 3), row.construct
        assert [round(row.ci_low, 3), round(row.ci_high, 3)] == list(ci), row.construct
        checked += 1
    assert checked == 9  # every multi-item construct of the wb, all kinds


def test_motivation_constructs_come_first_and_single_items_are_named(listwise) -> None:
    frame = listwise.to_frame()
    kinds = list(frame["kind"])
    assert kinds[:5] == ["motivation"] * 5 and "motivation" not in kinds[5:]
    assert list(frame["construct"][:5]) == ["purpose", "growth", "security", "recognition",
                                            "belonging"]
    assert any("engagement" in n and "intent to stay" in n for n in listwise.notes)
    assert not listwise.suspect_items and not listwise.warnings


def test_item_statistics_equal_a_direct_computation(wb, listwise) -> None:
    rows = wb.responses()
    for construct, items in wb.constructs("motivation").items():
        complete = rows[items].dropna()
        mine = listwise.items.set_index("item")
        for item in items:
            rest = complete[[i for i in items if i != item]]
            r = np.corrcoef(complete[item], rest.sum(axis=1))[0, 1]
            assert mine.at[item, "item_rest_r"] == pytest.approx(r, abs=1e-12)
            deleted, _ = pg.cronbach_alpha(rest)
            assert mine.at[item, "alpha_if_deleted"] == pytest.approx(deleted, abs=1e-12)
        assert listwise.alpha(construct) == pytest.approx(pg.cronbach_alpha(complete)[0],
                                                          abs=1e-12)


@pytest.mark.skipif(not available("werte_human_values"), reason="Werte set not present")
def test_alpha_equals_pingouin_on_the_werte_set(tmp_path: Path) -> None:
    wb = load(werte_folder(tmp_path / "werte"))
    result = construct_reliability(wb)
    answers = pd.read_csv(REAL / "werte_human_values" / "Werte.csv")
    assert len(result.constructs) == 5
    for row in result.constructs.itertuples():
        items = wb.constructs("motivation")[row.construct]
        alpha, ci = pg.cronbach_alpha(answers[items])
        assert round(row.alpha, 3) == round(float(alpha), 3)
        assert [round(row.ci_low, 3), round(row.ci_high, 3)] == list(ci)
        assert row.n == 1000 and row.left_out == 0


@pytest.mark.skipif(not available("attitude_clerical_employees"), reason="attitude set absent")
def test_alpha_equals_pingouin_on_the_attitude_set(tmp_path: Path) -> None:
    data = attitude_frame()
    questions = [c for c in data.columns if c != "department"]
    folder = tmp_path / "attitude"
    folder.mkdir()
    survey = data.rename(columns={"department": "respondent_id"})
    survey.to_csv(folder / "survey.csv", index=False)
    pd.DataFrame({"item": questions, "kind": "outcome", "scale_min": 0, "scale_max": 100,
                  "construct": "attitude", "reverse": 0}).to_csv(folder / "codebook.csv",
                                                                  index=False)
    result = construct_reliability(load(folder))
    alpha, ci = pg.cronbach_alpha(data[questions])
    assert round(result.alpha("attitude"), 3) == round(float(alpha), 3)
    row = result.constructs.iloc[0]
    assert [round(row.ci_low, 3), round(row.ci_high, 3)] == list(ci)


def test_formulas_on_textbook_cases() -> None:
    # two items correlating .5: alpha = 2 * .5 / 1.5
    assert cronbach_alpha(np.array([[1.0, 0.5], [0.5, 1.0]])) == pytest.approx(2 / 3)
    # k parallel items with correlation r: Spearman-Brown k r / (1 + (k - 1) r)
    cov = np.full((4, 4), 0.3) + 0.7 * np.eye(4)
    assert cronbach_alpha(cov) == pytest.approx(4 * 0.3 / (1 + 3 * 0.3))
    assert np.isnan(cronbach_alpha(np.ones((1, 1))))
    low, high = feldt_interval(0.8, 100, 4)
    assert low < 0.8 < high
    assert [alpha_band(a) for a in (0.95, 0.85, 0.75, 0.65, 0.55, 0.2)] == [
        "excellent", "good", "acceptable", "questionable", "poor", "unacceptable"]


# --------------------------------------------------------------------------- planted errors

@pytest.mark.parametrize(("item", "construct", "flip"), [
    ("m03", "purpose", 0),  # a reverse-worded item whose reverse-coding was forgotten
    ("m09", "security", 0),
    ("m01", "purpose", 1),  # a positively worded item reversed by mistake
    ("e03", "energy", 0),
])
def test_a_planted_reverse_coding_error_is_flagged(sample_dir: Path, tmp_path: Path, item: str,
                                                  construct: str, flip: int) -> None:
    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    book = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    book.loc[book["item"] == item, "reverse"] = str(flip)
    book.to_csv(folder / "codebook.csv", index=False)
    result = construct_reliability(load(folder))
    assert result.suspect_items == [item]
    row = result.constructs.set_index("construct").loc[construct]
    assert row["suspect_items"] == item
    assert result.to_json()[construct]["suspect_items"] == [item]
    assert any(item in w and construct in w and "reverse" in w for w in result.warnings)
    assert result.findings()[0].headline.startswith("1 question runs against")
    # the error drags alpha down: alpha without the item is higher
    items = result.items.set_index("item")
    assert items.at[item, "alpha_if_deleted"] > row["alpha"]


# --------------------------------------------------------------------------- variants

@pytest.mark.parametrize(("option", "value"), [("kinds", ["feelings"]), ("missing", "impute"),
                                               ("confidence", 1.5)])
def test_bad_options_name_the_option(wb, option: str, value: object) -> None:
    with pytest.raises(ConfigError, match=option):
        construct_reliability(wb, **{option: value})


@pytest.mark.parametrize("kinds", [["motivation"], ["behaviour", "energy"], ["energy"]])
def test_kinds_select_constructs(wb, kinds: list[str]) -> None:
    result = construct_reliability(wb, kinds=kinds)
    assert set(result.constructs["kind"]) == set(kinds)


def test_other_wave_and_json_shape(wb) -> None:
    result = construct_reliability(wb, wave=wb.waves[0])
    assert result.wave == wb.waves[0]
    data = result.to_json()
    for entry in data.values():
        assert {"alpha", "n_items", "suspect_items"} <= set(entry)
        assert isinstance(entry["alpha"], float) and isinstance(entry["n_items"], int)
    assert set(result.tables()) == {"reliability", "reliability_items"}
    assert {"alpha", "item_rest"} <= set(result.figures())
    assert len(result.figure().data) == 1


def _workbook(frame: pd.DataFrame, constructs: dict[str, str]) -> Workbook:
    survey = frame.copy()
    survey.insert(0, "respondent_id", [f"R{i:04d}" for i in range(len(frame))])
    survey.insert(1, "wave", "W1")
    book = pd.DataFrame({"kind": "motivation", "scale_min": 1.0, "scale_max": 7.0,
                         "label": list(frame.columns),
                         "construct": [constructs.get(c, "") for c in frame.columns],
                         "reverse": 0, "non_negotiable": 0},
                        index=pd.Index(list(frame.columns), name="item"))
    return Workbook.build(folder=Path("."), config=Config(), survey=survey, codebook=book,
                          attributes=[])


def test_no_multi_item_construct_is_insufficient() -> None:
    frame = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 3, 4, 4]})
    with pytest.raises(InsufficientDataError, match="two or more items"):
        construct_reliability(_workbook(frame, {"a": "x", "b": "y"}))


# --------------------------------------------------------------------------- properties

@st.composite
def _answers(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(8, 40))
    k = draw(st.integers(2, 5))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, 1))
    values = np.clip(np.rint(4 + 1.2 * base + rng.normal(size=(n, k))), 1, 7)
    values[rng.random((n, k)) < draw(st.sampled_from([0.0, 0.05, 0.15]))] = np.nan
    return pd.DataFrame(values, columns=[f"q{j}" for j in range(k)])


@settings(max_examples=30, deadline=None)
@given(_answers(), st.randoms(use_true_random=False))
def test_alpha_matches_pingouin_and_ignores_row_order(frame: pd.DataFrame, rnd) -> None:
    complete = frame.dropna()
    if len(complete) < 3 or (complete.var() == 0).any():
        return
    wb = _workbook(frame, {c: "c" for c in frame.columns})
    before = wb.survey.copy()
    result = construct_reliability(wb)
    assert wb.survey.equals(before)  # the input is not mutated
    alpha = result.alpha("c")
    assert alpha == pytest.approx(pg.cronbach_alpha(complete)[0], abs=1e-9)
    assert alpha <= 1.0
    order = list(range(len(frame)))
    rnd.shuffle(order)
    shuffled = construct_reliability(_workbook(frame.iloc[order].reset_index(drop=True),
                                               {c: "c" for c in frame.columns}))
    assert shuffled.alpha("c") == pytest.approx(alpha, abs=1e-9)
    low, high = result.constructs[["ci_low", "ci_high"]].iloc[0]
    assert low <= alpha <= high


# --------------------------------------------------------------------------- reverse-keying

def _one_factor(n: int = 400, k: int = 6, seed: int = 2) -> pd.DataFrame:
    """Answers 1-7 of ``k`` items of one factor, all scored the right way."""
    rng = np.random.default_rng(seed)
    factor = rng.normal(size=n)
    cols = {f"q{j + 1}": np.clip(np.rint(4 + 1.2 * factor + rng.normal(0, 1, n)), 1, 7)
            for j in range(k)}
    return pd.DataFrame(cols)


@pytest.mark.parametrize("error", ["stored already reversed", "forgotten"])
def test_reverse_keying_names_both_readings_on_hand_made_data(error: str) -> None:
    """Two of six items coded the wrong way; the fix's alpha is the true data's alpha."""

    true = _one_factor()
    truth_alpha = cronbach_alpha(true.cov().to_numpy())
    loaded = true.copy()
    loaded[["q5", "q6"]] = 8 - loaded[["q5", "q6"]]  # as the loader leaves them
    frame = _workbook(loaded, dict.fromkeys(loaded.columns, "drive"))
    if error == "stored already reversed":  # marked reverse and reversed twice
        book = frame.codebook.assign(reverse=frame.codebook.index.isin(["q5", "q6"]))
        frame = Workbook.build(folder=Path("."), config=Config(),
                               survey=frame.survey, codebook=book, attributes=[])
    result = construct_reliability(frame)
    table = result.reverse_keying
    assert list(table["flip"]) == ["q5, q6", "q1, q2, q3, q4"]
    assert bool(table["likely"].iloc[0]) and not table["likely"].iloc[1]
    assert table["alpha_fixed"].to_numpy() == pytest.approx([truth_alpha] * 2, abs=1e-12)
    four = cronbach_alpha(true[["q1", "q2", "q3", "q4"]].cov().to_numpy())
    assert table["alpha_without"].iloc[0] == pytest.approx(four, abs=1e-12)
    assert table["alpha_now"].iloc[0] < 0.5 < truth_alpha
    if error == "forgotten":
        assert table["marked_reverse"].iloc[0] == ""
        assert "set reverse to 1 for them" in table["fix"].iloc[0]
        assert "set reverse to 0" not in table["fix"].iloc[0]
    else:
        assert table["marked_reverse"].iloc[0] == "q5, q6"
        assert "stored already reversed" in table["fix"].iloc[0]
        assert "set reverse to 0 for them" in table["fix"].iloc[0]
        assert "set reverse to 1 for them" in table["fix"].iloc[1]  # the other reading
    warning = next(w for w in result.warnings if "splits into two opposed groups" in w)
    assert "most likely" in warning and f"{truth_alpha:.2f} after either fix" in warning
    entry = result.to_json()["drive"]["reverse_keying"]
    assert entry[0]["flip"] == ["q5", "q6"] and entry[0]["likely"]
    assert "reverse_keying" in result.tables()


def test_reverse_keying_on_the_sample_with_a_planted_double_reversal(sample_dir: Path,
                                                                     tmp_path: Path) -> None:
    """b03 and b04 marked reverse as if their answers had been stored already reversed."""
    original = construct_reliability(load(sample_dir))
    assert original.reverse_keying.empty
    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    book = pd.read_csv(folder / "codebook.csv", dtype=str, keep_default_na=False)
    book.loc[book["item"].isin(["b03", "b04"]), "reverse"] = "1"
    book.to_csv(folder / "codebook.csv", index=False)
    result = construct_reliability(load(folder))
    table = result.reverse_keying.set_index("reading")
    assert set(table["construct"]) == {"non-negotiable"}
    assert table.at[1, "flip"] == "b03, b04" and table.at[1, "likely"]
    assert table.at[2, "flip"] == "b01, b02"
    assert table.at[1, "marked_reverse"] == "b03, b04"
    assert table.at[1, "alpha_fixed"] == pytest.approx(original.alpha("non-negotiable"),
                                                       abs=1e-12)
    assert result.alpha("non-negotiable") < original.alpha("non-negotiable")


def test_no_reverse_keying_table_when_constructs_hold(listwise) -> None:
    assert listwise.reverse_keying.empty
    assert "reverse_keying" not in listwise.tables()
