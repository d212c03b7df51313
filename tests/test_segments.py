"""Frame segmentation: planted segments found, no segments invented, order and seed, privacy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from realdata import available, werte_folder
from scipy import stats
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture

from diagnostics import ConfigError, InsufficientDataError, Workbook, load, segment_frames
from diagnostics.clustering import (
    ClusterModel,
    adjusted_rand,
    copula_reference,
    match_labels,
    silhouette,
)
from diagnostics.config import Config
from diagnostics.segments import LOW_CERTAINTY, NO_SEGMENTS, Segmentation, search_segments

TRUTH = json.loads(Path("data/sample/truth.json").read_text(encoding="utf-8")) if Path(
    "data/sample/truth.json").exists() else json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "sample" / "truth.json").read_text(
        encoding="utf-8"))


@pytest.fixture(scope="module")
def seg(wb) -> Segmentation:
    return segment_frames(wb)


def _ari(result: Segmentation, truth: dict[str, str]) -> float:
    ids = [i for i in result.assignments.index if i in truth]
    assert len(ids) >= 0.95 * len(result.assignments)
    return adjusted_rand_score([truth[i] for i in ids], result.assignments[ids])


def _workbook(values: np.ndarray, *, seed: int = 0, constructs: int = 3,
              labels: list[str] | None = None) -> Workbook:
    """A workbook of motivation items (1-7) from a matrix of answers."""
    n, p = values.shape
    items = [f"m{j + 1:02d}" for j in range(p)]
    rng = np.random.default_rng(seed)
    survey = pd.DataFrame(values, columns=items)
    survey.insert(0, "respondent_id", [f"R{i:05d}" for i in range(n)])
    survey.insert(1, "wave", "W1")
    survey.insert(2, "department", rng.choice(["North", "South", "East", "West"], n))
    book = pd.DataFrame({"kind": "motivation", "scale_min": 1.0, "scale_max": 7.0,
                         "label": labels or items,
                         "construct": [f"c{j // constructs + 1}" for j in range(p)],
                         "reverse": 0, "non_negotiable": 0}, index=pd.Index(items, name="item"))
    return Workbook.build(folder=Path("."), config=Config(), survey=survey, codebook=book,
                          attributes=["department"])


def _likert(z: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(4 + 1.3 * z), 1, 7)


def _unstructured(kind: str, n: int = 300, p: int = 12, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "independent":
        return _likert(rng.normal(size=(n, p)))
    if kind == "uniform":
        return rng.integers(1, 8, size=(n, p)).astype(float)
    if kind == "one factor":  # strongly correlated items, one continuous cloud
        return _likert(0.9 * rng.normal(size=(n, 1)) + 0.6 * rng.normal(size=(n, p)))
    if kind == "correlated constructs":  # four correlated constructs, no groups
        mix = np.array([[1, .5, .3, .2], [0, 1, .4, .3], [0, 0, 1, .3], [0, 0, 0, 1]])
        factors = rng.normal(size=(n, 4)) @ mix
        return _likert(factors @ (np.repeat(np.eye(4), 3, axis=0) * 0.8).T
                       + 0.6 * rng.normal(size=(n, p)))
    if kind == "skewed":
        return np.clip(np.rint(6.4 - np.abs(1.4 * rng.normal(size=(n, p)))), 1, 7)
    raise AssertionError(kind)


# --------------------------------------------------------------------------- known answers

def test_the_planted_segments_are_found(seg: Segmentation) -> None:
    truth = TRUTH["segments_by_wave"][TRUTH["waves"][-1]]
    assert seg.k == len(set(truth.values())) == 5
    assert seg.chosen_automatically and seg.structure and seg.clarity == "clear"
    assert _ari(seg, truth) >= 0.9
    assert seg.silhouette > 0.25 and seg.stability >= 0.9


@pytest.mark.parametrize(("use", "method"), [("constructs", "kmeans"), ("items", "gmm"),
                                             ("constructs", "gmm")])
def test_every_variant_finds_the_planted_segments(wb, use: str, method: str) -> None:
    result = segment_frames(wb, use=use, method=method)
    assert result.k == 5 and result.structure
    assert _ari(result, TRUTH["segments_by_wave"][TRUTH["waves"][-1]]) >= 0.9


def test_segments_are_named_after_their_planted_motivation(wb, seg: Segmentation) -> None:
    truth = TRUTH["segments_by_wave"][TRUTH["waves"][-1]]
    profiles = TRUTH["segment_profiles"]
    for name in seg.sizes.index:
        members = seg.assignments.index[seg.assignments == name]
        planted = pd.Series([truth[i] for i in members if i in truth]).mode()[0]
        dominant = max(profiles[planted], key=profiles[planted].get)
        assert name.lower().startswith(dominant), (name, planted)
        row = seg.segments.set_index("segment").loc[name]
        assert row["high"].startswith(dominant)
        assert dominant not in row["low"] and row["lead_with"].startswith("Lead with")


def test_profiles_sizes_and_intervals(seg: Segmentation) -> None:
    assert int(seg.sizes.sum()) == len(seg.assignments)
    assert list(seg.sizes) == sorted(seg.sizes, reverse=True)
    frame = seg.to_frame()
    assert set(Segmentation.columns) <= set(frame.columns)
    assert ((frame["share_low"] <= frame["share"]) & (frame["share"] <= frame["share_high"])).all()
    # z-scores: the size-weighted mean of each profile column is the organisation's mean, 0
    weighted = (seg.profiles.mul(seg.sizes, axis=0).sum() / seg.sizes.sum())
    assert np.abs(weighted.to_numpy()).max() < 0.05
    assert set(seg.items) <= set(seg.profiles.columns)
    assert {"purpose", "growth", "security", "recognition", "belonging"} <= set(seg.profiles)


def test_movers_between_waves_are_found_with_assign(wb, seg: Segmentation) -> None:
    first, last = TRUTH["waves"]
    again = seg.assign(wb.responses(last))
    assert again.sort_index().equals(seg.assignments.sort_index())
    earlier = seg.assign(wb.responses(first))
    assert adjusted_rand_score([TRUTH["segments_by_wave"][first][i] for i in earlier.index],
                               earlier) >= 0.9
    both = earlier.index.intersection(seg.assignments.index)
    moved = set(both[(earlier[both] != seg.assignments[both]).to_numpy()])
    planted = set(TRUTH["segment_movers"])
    assert len(moved & planted) >= 0.9 * len(planted)
    assert len(moved & planted) >= 0.75 * len(moved)


def test_low_certainty_is_flagged_not_forced(wb, seg: Segmentation) -> None:
    assert seg.certainty.between(0, 1).all()
    assert set(seg.uncertain) == set(seg.certainty.index[seg.certainty < LOW_CERTAINTY])
    assert seg.segments["uncertain"].sum() == len(seg.uncertain)
    assert set(seg.to_json()["uncertain"]) == set(seg.uncertain)
    gmm = segment_frames(wb, method="gmm", k=5)
    assert gmm.certainty.between(0.2, 1.0).all()  # posterior probability of the segment
    # a fixed, too large k splits real segments: more people sit between segments
    eight = segment_frames(wb, k=8)
    assert len(eight.uncertain) > len(seg.uncertain)


def test_missing_answers_are_not_imputed(wb, seg: Segmentation) -> None:
    rows = wb.responses()
    items = wb.items_of("motivation")
    answered = rows[items].notna().mean(axis=1)
    assert set(seg.assignments.index) == set(rows.loc[answered >= 2 / 3 - 1e-12, "respondent_id"])
    partial = rows.loc[(answered < 1) & (answered >= 2 / 3 - 1e-12), "respondent_id"]
    assert len(partial) > 20 and set(partial) <= set(seg.assignments.index)
    assert any("fewer than two thirds" in n for n in seg.notes)
    assert any("assigned from the answers they gave" in n for n in seg.notes)


# --------------------------------------------------------------------------- no structure

@pytest.mark.parametrize("kind", ["independent", "uniform", "one factor",
                                  "correlated constructs", "skewed"])
def test_no_segments_are_invented_on_unclustered_data(kind: str) -> None:
    result = segment_frames(_workbook(_unstructured(kind)))
    assert not result.structure and result.k == 1 and result.clarity == "none"
    assert set(result.assignments) == {NO_SEGMENTS}
    assert any("No distinct motivational segments" in w for w in result.warnings)
    assert "do not fall into distinct motivational groups" in result.findings()[0].headline
    data = result.to_json()
    json.dumps(data, allow_nan=False)
    assert data["k"] == 1 and data["silhouette"] is None and data["structure"] is False
    assert len(result.criteria) == 7  # the criteria are still shown
    assert result.figure().data and result.figures()


def test_clustered_generated_data_do_show_structure() -> None:
    rng = np.random.default_rng(5)
    centres = np.repeat(np.eye(4), 3, axis=1) * 2.2 - 0.5
    labels = rng.integers(0, 4, 300)
    result = segment_frames(_workbook(_likert(centres[labels] + 0.8 * rng.normal(size=(300, 12)))))
    assert result.structure and result.k == 4
    assert adjusted_rand_score(labels, result.assignments.to_numpy()) >= 0.9


def test_one_group_on_request(wb) -> None:
    result = segment_frames(wb, k=1)
    assert result.k == 1 and set(result.assignments) == {NO_SEGMENTS}
    assert result.assign(wb.responses()).eq(NO_SEGMENTS).all()
    assert not result.warnings and result.figure().data


def test_a_fixed_k_on_unclustered_data_warns() -> None:
    result = segment_frames(_workbook(_unstructured("correlated constructs")), k=3)
    assert result.k == 3 and not result.structure and result.clarity == "fixed"
    assert any("no clear cluster structure" in w for w in result.warnings)


# --------------------------------------------------------------------------- shared ground

def test_shared_ground_is_what_every_segment_rates_high() -> None:
    rng = np.random.default_rng(11)
    n = 360
    labels = rng.integers(0, 3, n)
    centres = np.repeat(np.eye(3), 3, axis=1) * 2.4 - 0.6
    values = _likert(centres[labels] + 0.7 * rng.normal(size=(n, 9)))
    proud = np.clip(np.rint(6.2 + 0.6 * rng.normal(size=(n, 1))), 1, 7)
    labels_text = [f"item {j}" for j in range(9)] + ["I am proud of our customers."]
    wb = _workbook(np.hstack([values, proud]), labels=labels_text)
    result = segment_frames(wb)
    assert result.k == 3
    shared = result.shared_ground[result.shared_ground["shared"]]
    assert list(shared["item"]) == ["m10"]
    assert any("proud of our customers" in f.headline for f in result.findings())
    assert result.to_json()["shared_ground"] == ["m10"]


# --------------------------------------------------------------------------- order and seed

def test_same_seed_same_result(wb) -> None:
    a = segment_frames(wb, k=5, seed=3)
    b = segment_frames(wb, k=5, seed=3)
    assert a.to_json() == b.to_json()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(use_true_random=False))
def test_labels_do_not_depend_on_row_order(wb, rnd) -> None:
    base = segment_frames(wb, k=5)
    order = list(range(len(wb.survey)))
    rnd.shuffle(order)
    survey = wb.survey.iloc[order].reset_index(drop=True)
    shuffled = Workbook(wb.folder, wb.config, survey, wb.codebook, wb.attributes,
                        wb.waves)
    before = survey.copy()
    again = segment_frames(shuffled, k=5)
    assert survey.equals(before)  # inputs are not mutated
    assert again.assignments.sort_index().equals(base.assignments.sort_index())
    assert again.to_json() == base.to_json()


# --------------------------------------------------------------------------- privacy

def test_the_small_department_never_appears(seg: Segmentation, wb) -> None:
    spread = seg.spread
    assert "Legal" not in set(spread["group"])
    assert (spread["n"] >= wb.guard.min_group_size).all()
    assert any(s.group == "Legal" for s in seg.suppressed)
    for name, table in seg.tables().items():
        assert "Legal" not in table.to_csv(), name
    for name, fig in seg.figures().items():
        assert "Legal" not in json.dumps(fig.to_plotly_json(), default=str), name
    assert "Legal" not in json.dumps(seg.to_json())


def test_segments_below_the_privacy_minimum_are_withheld(wb) -> None:
    strict = Workbook(wb.folder, wb.config.with_options(min_group_size=60),
                      wb.survey, wb.codebook, wb.attributes, wb.waves)
    result = segment_frames(strict, k=5)
    assert (result.sizes >= 60).all() and len(result.sizes) < 5
    assert set(result.profiles.index) == set(result.sizes.index)
    assert any(s.dimension == "segment" for s in result.suppressed)
    assert set(result.assignments) > set(result.sizes.index)  # people keep their segment


# --------------------------------------------------------------------------- options

@pytest.mark.parametrize(("option", "value"), [("use", "answers"), ("method", "dbscan"),
                                               ("k", 0), ("k", 2.5), ("items", ["nope"]),
                                               ("items", ["m01"]), ("wave", "1999")])
def test_bad_options_name_the_option(wb, option: str, value: object) -> None:
    with pytest.raises(ConfigError, match=option):
        segment_frames(wb, **{option: value})


def test_too_few_respondents_is_insufficient() -> None:
    with pytest.raises(InsufficientDataError, match="at least 30"):
        segment_frames(_workbook(_unstructured("independent", n=20)))


def test_search_builds_every_k_from_one_fit(wb) -> None:
    search = search_segments(wb, ks=[4, 5, 6])
    assert search.ks == [4, 5, 6]
    five = search.segmentation(5)
    assert search.segmentation(5) is five  # cached
    assert five.assignments.equals(segment_frames(wb, k=5).assignments)
    assert search.segmentation().k == 5
    with pytest.raises(ConfigError, match="k must be one of"):
        search.segmentation(7)


@pytest.mark.skipif(not available("werte_human_values"), reason="Werte set not present")
def test_the_werte_real_set_runs_and_shows_its_criteria(tmp_path: Path) -> None:
    result = segment_frames(load(werte_folder(tmp_path / "werte")))
    criteria = result.criteria
    assert list(criteria["k"]) == list(range(2, 9))
    assert np.isfinite(criteria[["silhouette", "bic", "stability", "reference"]]).all().all()
    assert result.k == (result.k if result.structure else 1)
    assert len(result.assignments) == 1000
    assert result.figures()["criteria"].data


# --------------------------------------------------------------------------- the numerical core

@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.integers(2, 6), st.integers(12, 80))
def test_silhouette_and_rand_equal_scikit_learn(seed: int, k: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, 4))
    labels = rng.integers(0, k, n)
    other = rng.integers(0, k, n)
    assert adjusted_rand(labels, other) == pytest.approx(adjusted_rand_score(labels, other),
                                                         abs=1e-12)
    if len(np.unique(labels)) > 1:
        assert silhouette(z, labels, chunk=7) == pytest.approx(silhouette_score(z, labels),
                                                               abs=1e-9)
    matched = match_labels(labels, (labels + 1) % k, k)
    assert (matched == labels).all()


def test_mixture_scores_equal_the_gaussian_density() -> None:
    rng = np.random.default_rng(2)
    z = np.vstack([rng.normal(size=(150, 3)) + [2, 0, 0], rng.normal(size=(150, 3)) - [2, 0, 0]])
    gm = GaussianMixture(2, covariance_type="tied", random_state=0).fit(z)
    model = ClusterModel("gmm", gm.means_, gm.weights_, gm.covariances_)
    assert (model.predict(z) == gm.predict(z)).all()
    assert np.allclose(model.proba(z), gm.predict_proba(z))
    partial = z[:5].copy()
    partial[:, 2] = np.nan  # marginal over the answered items
    expected = np.column_stack([
        np.log(gm.weights_[j]) + stats.multivariate_normal(
            gm.means_[j, :2], gm.covariances_[:2, :2]).logpdf(z[:5, :2]) for j in range(2)])
    assert np.allclose(model.scores(partial), expected)


def test_the_unclustered_reference_keeps_margins_and_correlation() -> None:
    x = _unstructured("correlated constructs", n=2000)
    draw = copula_reference(x, np.random.default_rng(0), 2000)
    for j in range(x.shape[1]):
        assert set(np.unique(draw[:, j])) <= set(np.unique(x[:, j]))
        assert abs(draw[:, j].mean() - x[:, j].mean()) < 0.15
    gap = np.abs(np.corrcoef(draw, rowvar=False) - np.corrcoef(x, rowvar=False)).max()
    assert gap < 0.1


# --------------------------------------------------------------------------- the panel

def test_the_panel_redraws_the_main_figure_when_k_changes(wb) -> None:
    from diagnostics.panels import frames

    box = frames.segments_panel(wb, progress=False)
    control, figure = box.main_control, box.main_figure
    assert "cdw-main-control" in control._dom_classes
    assert "cdw-main-figure" in figure._dom_classes
    assert control.value == 0 and len(figure.data[0].y) == 5  # 0: auto, the criteria choose
    control.value = 3
    assert len(figure.data[0].y) == 3
    control.value = 8
    assert len(figure.data[0].y) == 8
    assert not box.children[-1].outputs  # no error shown in the page
    reliability = frames.reliability_panel(wb)
    assert reliability.children[2].data  # the alpha figure
