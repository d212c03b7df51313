"""Waves: planted changes found and no others, the tests against scipy, real multi-wave networks."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from realdata import REAL, available, network_folder
from scipy import stats

from diagnostics import ConfigError, InsufficientDataError, RunOptions, load, run_all
from diagnostics.comparisons import overlap_frame
from diagnostics.waves import WaveComparison, wave_changes

HAS_SEGMENTS = importlib.util.find_spec("diagnostics.segments") is not None


@pytest.fixture(scope="module")
def truth():
    return json.loads(Path("data/sample/truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(wb) -> WaveComparison:
    return wave_changes(wb, k=5)  # five segments: as planted, and no costly search for k


# --------------------------------------------------------------------------- planted truth

@pytest.mark.parametrize("test", ["overlap", "welch", "paired"])
def test_planted_changes_found_and_unchanged_items_not(wb, truth, test) -> None:
    res = wave_changes(wb, test=test, segments=False)
    items = res.changes[res.changes["kind"] == "item"].set_index("item")
    planted = truth["wave_change_details"]
    assert items.loc[list(planted), "significant"].all()
    for item, shift in planted.items():
        assert np.sign(items.at[item, "change"]) == np.sign(shift)
        assert items.at[item, "ci_low"] < shift + 0.15 and items.at[item, "ci_high"] > shift - 0.15
    unchanged = items.drop(index=list(planted))
    # Holm keeps the chance of any false flag among these at 5% at most: one is the honest limit
    assert unchanged["significant"].sum() <= 1
    # figures built only on unchanged items do not move either
    nn = res.changes[res.changes["kind"] == "adherence"]
    assert not nn["significant"].any()


def test_group_changes_only_on_planted_figures(result, truth) -> None:
    g = result.group_changes
    sig = g[g["significant"]]
    assert len(sig) > 0
    planted = set(truth["wave_changes"])
    # a significant group change sits on a planted item or on a figure built from one
    moved_from = {"construct: energy": "e01", "say-do gap: i02-b06": "b06",
                  "construct: team practice": "b06"}
    assert {moved_from.get(i, i) for i in sig["item"]} <= planted
    assert "Legal" not in set(g["group"])
    assert (g["n_from"] >= 5).all() and (g["n_to"] >= 5).all()


def test_what_moved_is_ranked_by_effect_size(result, truth) -> None:
    moved = result.what_moved()
    assert moved["significant"].all()
    sizes = moved["effect_size"].abs().to_numpy()
    assert (np.diff(sizes) <= 1e-12).all()
    top_items = set(moved[moved["kind"] == "item"]["item"])
    assert top_items == set(truth["wave_changes"])
    headline = result.findings()[0].headline
    assert "changed clearly" in headline and moved["label"].iloc[0] in headline


def test_null_split_of_one_wave_changes_nothing(wb) -> None:
    """Two random halves of one wave's respondents: every difference is chance."""
    rows = wb.responses(wb.waves[0])
    half = rows.sample(frac=0.5, random_state=11).index
    survey = rows.copy()
    survey["wave"] = np.where(survey.index.isin(half), "A", "B")
    book = dataclasses.replace(wb, survey=survey, waves=("A", "B"), network=None)
    res = wave_changes(book, segments=False)
    assert res.changes["significant"].sum() <= 1
    assert (res.changes["n_paired"] == 0).all()


# --------------------------------------------------------------------------- independent figures

def test_organisation_figures_equal_pandas(result, wb) -> None:
    a, b = (wb.responses(w).set_index("respondent_id") for w in wb.waves[-2:])
    items = result.changes[result.changes["kind"] == "item"].set_index("item")
    for item in wb.items:
        row = items.loc[item]
        assert row["from"] == pytest.approx(a[item].mean())
        assert row["to"] == pytest.approx(b[item].mean())
        assert row["change"] == pytest.approx(b[item].mean() - a[item].mean())
        both = a[item].dropna().index.intersection(b[item].dropna().index)
        assert (row["n_from"], row["n_to"], row["n_paired"]) == (
            a[item].notna().sum(), b[item].notna().sum(), len(both))
    adherence = result.changes.set_index("item").loc["adherence: b02"]
    assert adherence["from"] == pytest.approx((a["b02"].dropna() >= 4).mean())
    gap = result.changes.set_index("item").loc["say-do gap: i02-b06"]
    assert gap["to"] == pytest.approx((b["i02"] - b["b06"]).mean())


def test_group_figures_equal_pandas(result, wb) -> None:
    a, b = (wb.responses(w) for w in wb.waves[-2:])
    g = result.group_changes.set_index(["grouping", "group", "item"])
    row = g.loc[("location", "Eindhoven", "e01")]
    before = a.loc[a["location"] == "Eindhoven", "e01"].dropna()
    after = b.loc[b["location"] == "Eindhoven", "e01"].dropna()
    assert row["from"] == pytest.approx(before.mean()) and row["to"] == pytest.approx(after.mean())
    assert (row["n_from"], row["n_to"]) == (len(before), len(after))


def _overlap_by_the_paper(x: pd.Series, y: pd.Series) -> tuple[float, float]:
    """The partially overlapping samples t-test, written out as in the paper's notation."""
    common = x.index.intersection(y.index)
    x3, x4 = x.loc[common].to_numpy(), y.loc[common].to_numpy()  # paired
    x1 = x.drop(common).to_numpy()  # unpaired in sample 1
    x2 = y.drop(common).to_numpy()  # unpaired in sample 2
    s1, s2 = np.concatenate([x1, x3]), np.concatenate([x2, x4])
    n1, n2, n12, na, nb = len(s1), len(s2), len(x3), len(x1), len(x2)
    r = stats.pearsonr(x3, x4).statistic
    se = np.sqrt(s1.var(ddof=1) / n1 + s2.var(ddof=1) / n2
                 - 2 * r * n12 * s1.std(ddof=1) * s2.std(ddof=1) / (n1 * n2))
    gamma = (s1.var(ddof=1) / n1 + s2.var(ddof=1) / n2) ** 2 / (
        (s1.var(ddof=1) / n1) ** 2 / (n1 - 1) + (s2.var(ddof=1) / n2) ** 2 / (n2 - 1))
    df = (n12 - 1) + (gamma - n12 + 1) / (na + nb + 2 * n12) * (na + nb)
    t = (s2.mean() - s1.mean()) / se
    return float(2 * stats.t.sf(abs(t), df)), float(df)


@pytest.mark.parametrize("overlap", [0, 1.0, 0.6])
def test_overlap_test_known_answers(overlap: float) -> None:
    rng = np.random.default_rng(5)
    n = 60
    shared = int(overlap * n)
    person = rng.normal(size=n + (n - shared))
    ids_a = [f"p{i}" for i in range(n)]
    ids_b = [f"p{i}" for i in range(n - shared, 2 * n - shared)]
    pos = {p: i for i, p in enumerate(sorted(set(ids_a) | set(ids_b), key=lambda s: int(s[1:])))}
    a = pd.Series([person[pos[p]] + rng.normal() for p in ids_a], index=ids_a)
    b = pd.Series([person[pos[p]] + 0.4 + rng.normal() for p in ids_b], index=ids_b)
    got = overlap_frame(a.to_frame("x"), b.to_frame("x")).loc["x"]
    if overlap == 0:
        ref = stats.ttest_ind(b, a, equal_var=False)
        assert got["p"] == pytest.approx(ref.pvalue)
        ci = ref.confidence_interval()
        assert (got["ci_low"], got["ci_high"]) == pytest.approx((ci.low, ci.high))
    elif overlap == 1.0:
        ref = stats.ttest_rel(b.loc[ids_a], a)
        assert got["p"] == pytest.approx(ref.pvalue) and got["df"] == pytest.approx(n - 1)
        ci = ref.confidence_interval()
        assert (got["ci_low"], got["ci_high"]) == pytest.approx((ci.low, ci.high))
    else:
        p, df = _overlap_by_the_paper(a, b)
        assert (got["p"], got["df"]) == pytest.approx((p, df))
        welch = overlap_frame(a.to_frame("x"), b.to_frame("x"), method="welch").loc["x"]
        assert got["se"] < welch["se"]  # pairing through a positive correlation sharpens it
    assert got["change"] == pytest.approx(b.mean() - a.mean())


# --------------------------------------------------------------------------- real multi-wave networks

real = pytest.mark.skipif(not REAL.is_dir(), reason="real data sets not on this machine")


@real
def test_kapferer_two_waves_density_as_published(tmp_path: Path) -> None:
    if not available("kapferer_tailorshop"):
        pytest.skip("kapferer_tailorshop not present")
    book = load(network_folder("kapferer_tailorshop", tmp_path / "k"))
    res = wave_changes(book)
    ref = json.loads((REAL / "kapferer_tailorshop" / "reference_checks.json").read_text())
    c = res.changes.set_index("item")
    assert (res.from_wave, res.to_wave) == ("T1", "T2")
    for relation, directed in (("Sociational", False), ("Instrumental", True)):
        name = relation.lower()
        assert c.at[f"density: {name}", "from"] == pytest.approx(ref[f"{relation}T1"]["density"])
        assert c.at[f"density: {name}", "to"] == pytest.approx(ref[f"{relation}T2"]["density"])
        assert c.at[f"ties: {name}", "from"] == ref[f"{relation}T1"]["ties"]
        assert c.at[f"ties: {name}", "to"] == ref[f"{relation}T2"]["ties"]
        assert c.at[f"density: {name}", "change"] > 0  # ties increased before the strike
        assert (f"reciprocity: {name}" in c.index) == directed
    # the sociational rise is beyond noise before correction; its interval excludes zero
    soc = c.loc["density: sociational"]
    assert soc["ci_low"] > 0 and soc["p"] < 0.05
    # a second implementation of the point figures
    edges = pd.read_csv(REAL / "kapferer_tailorshop" / "edges_InstrumentalT2.csv", dtype=str)
    graph = nx.DiGraph()
    graph.add_nodes_from(pd.read_csv(REAL / "kapferer_tailorshop" / "nodes.csv")["NodeName"])
    graph.add_edges_from(edges[["source", "target"]].itertuples(index=False, name=None))
    assert c.at["density: instrumental", "to"] == pytest.approx(nx.density(graph))
    assert c.at["reciprocity: instrumental", "to"] == pytest.approx(nx.reciprocity(graph))


def _graph(name: str, network: str, directed: bool):
    edges = pd.read_csv(REAL / name / f"edges_{network}.csv", dtype=str)
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(pd.read_csv(REAL / name / "nodes.csv", dtype=str).iloc[:, 0])
    graph.add_edges_from(edges[["source", "target"]].itertuples(index=False, name=None))
    return graph


@real
@pytest.mark.parametrize(("relation", "directed"), [("Sociational", False), ("Instrumental", True)])
def test_network_jackknife_against_networkx_leave_one_out(tmp_path: Path, relation: str,
                                                          directed: bool) -> None:
    if not available("kapferer_tailorshop"):
        pytest.skip("kapferer_tailorshop not present")
    res = wave_changes(load(network_folder("kapferer_tailorshop", tmp_path / "k")))
    graphs = [_graph("kapferer_tailorshop", f"{relation}T{t}", directed) for t in (1, 2)]
    figures = {"density": nx.density,
               "mean degree": lambda g: (g.number_of_edges() * (1 if directed else 2)
                                         / g.number_of_nodes())}
    if directed:
        figures["reciprocity"] = nx.reciprocity
    c = res.changes.set_index("item")
    n = graphs[0].number_of_nodes()
    for figure, fn in figures.items():
        loo = []
        for node in graphs[0].nodes:
            left = [g.copy() for g in graphs]
            for g in left:
                g.remove_node(node)
            loo.append(fn(left[1]) - fn(left[0]))
        loo = np.array(loo)
        se = np.sqrt((n - 1) / n * ((loo - loo.mean()) ** 2).sum())
        row = c.loc[f"{figure}: {relation.lower()}"]
        assert row["change"] == pytest.approx(fn(graphs[1]) - fn(graphs[0]))
        half = stats.t.ppf(0.975, n - 1) * se
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((row["change"] - half,
                                                                 row["change"] + half))


@real
def test_sampson_three_waves_last_two_by_default_and_any_pair(tmp_path: Path) -> None:
    if not available("sampson_monastery"):
        pytest.skip("sampson_monastery not present")
    book = load(network_folder("sampson_monastery", tmp_path / "s",
                               networks=["LikeT1", "LikeT2", "LikeT3"]))
    ref = json.loads((REAL / "sampson_monastery" / "reference_checks.json").read_text())
    res = wave_changes(book)
    assert (res.from_wave, res.to_wave) == ("T2", "T3")
    first_last = wave_changes(book, waves=["T1", "T3"]).changes.set_index("item")
    assert first_last.at["ties: like", "from"] == ref["LikeT1"]["ties"]
    assert first_last.at["ties: like", "to"] == ref["LikeT3"]["ties"]
    # each novice names his top three: the volume of liking cannot change much
    assert not res.changes["significant"].any() and not first_last["significant"].any()


@real
def test_freeman_eies_acquaintance_grew(tmp_path: Path) -> None:
    if not available("freeman_eies"):
        pytest.skip("freeman_eies not present")
    book = load(network_folder("freeman_eies", tmp_path / "e",
                               networks=["AcquaintanceT1", "AcquaintanceT2"]))
    ref = json.loads((REAL / "freeman_eies" / "reference_checks.json").read_text())
    c = wave_changes(book).changes.set_index("item")
    assert c.at["density: acquaintance", "from"] == pytest.approx(ref["AcquaintanceT1"]["density"])
    assert c.at["density: acquaintance", "to"] == pytest.approx(ref["AcquaintanceT2"]["density"])
    assert c.at["density: acquaintance", "significant"]
    assert c.at["reciprocity: acquaintance", "from"] == pytest.approx(
        ref["AcquaintanceT1"]["reciprocity_arc (networkx)"])


@real
def test_run_json_on_a_network_only_folder(tmp_path: Path) -> None:
    if not available("kapferer_tailorshop"):
        pytest.skip("kapferer_tailorshop not present")
    book = load(network_folder("kapferer_tailorshop", tmp_path / "k"))
    data = run_all(book, only=["waves", "non_negotiables"]).to_json()
    assert "skipped" in data["non_negotiables"]
    assert all({"item", "significant"} <= set(c) for c in data["waves"]["changes"])
    assert len(data["waves"]["changes"]) == 7


# --------------------------------------------------------------------------- segment movers

@pytest.mark.skipif(not HAS_SEGMENTS, reason="diagnostics.segments is not in this version yet")
def test_segment_movers_recovered(result, truth) -> None:
    res = result
    planted = set(truth["segment_movers"])
    f = res.followed
    detected = set(f.loc[f["from_segment"] != f["to_segment"], "respondent_id"])
    followed = set(f["respondent_id"])
    assert planted <= followed
    recall = len(detected & planted) / len(planted)
    precision = len(detected & planted) / len(detected)
    assert recall >= 0.9 and precision >= 0.7, (recall, precision)
    assert res.movers_share == pytest.approx(len(detected) / res.n_followed)
    assert res.movers_low < len(planted) / res.n_followed < res.movers_high
    flows = res.flows
    assert flows["n"].sum() == res.n_followed and (flows["n"] >= 5).all()
    sankey = res.figures()["segment movers"].data[0]
    assert sum(sankey.link.value) == res.n_followed
    assert any(x.headline.endswith("moved to another motivational group.") for x in res.findings())
    assert "respondent" not in json.dumps(res.to_json()["segment_movers"])


def test_movers_skip_with_a_note_when_segments_are_missing(result) -> None:
    if HAS_SEGMENTS:
        assert result.n_followed > 0
    else:
        assert any(n.startswith("Segment movers skipped") for n in result.notes)
        assert result.flows.empty and np.isnan(result.movers_share)


# --------------------------------------------------------------------------- options, JSON, properties

def test_json_contract(result) -> None:
    data = result.to_json()
    json.dumps(data, allow_nan=False)
    assert data["changes"] and all({"item", "from", "to", "change", "ci_low", "ci_high", "p",
                                    "significant"} <= set(c) for c in data["changes"])
    assert "Legal" not in json.dumps(data)


def test_run_selects_waves_and_carries_both_keys(wb) -> None:
    data = run_all(wb, RunOptions(waves=("2025-H1", "2025-H2")),
                   only=["non_negotiables", "waves"]).to_json()
    assert {"items", "glue_index"} <= set(data["non_negotiables"])
    assert data["waves"]["from_wave"] == "2025-H1" and data["waves"]["changes"]


def test_one_wave_is_skipped_with_a_reason(wb) -> None:
    data = run_all(wb, RunOptions(waves=("2025-H2",)), only=["waves"]).to_json()
    assert "one wave" in data["waves"]["skipped"]
    with pytest.raises(InsufficientDataError):
        wave_changes(wb.select_waves(["2025-H1"]))


@pytest.mark.parametrize(("option", "value"), [
    ("waves", ["2025-H1"]), ("waves", ["2025-H1", "2031"]), ("test", "bayes"),
    ("correction", "sidak"), ("alpha", 0), ("favourable", 0), ("by", ["shoe_size"]),
])
def test_bad_options_name_the_option(wb, option, value) -> None:
    with pytest.raises(ConfigError, match=option):
        wave_changes(wb, **{option: value})


def test_reversed_pair_mirrors_the_change(wb, result) -> None:
    back = wave_changes(wb, waves=["2025-H2", "2025-H1"], segments=False)
    fwd = result.changes.set_index("item")
    rev = back.changes.set_index("item")
    items = [i for i in wb.items]
    assert np.allclose(rev.loc[items, "change"], -fwd.loc[items, "change"])
    assert np.allclose(rev.loc[items, "p"], fwd.loc[items, "p"])


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000))
def test_row_order_does_not_matter_and_input_unchanged(wb, seed) -> None:
    before = wb.survey.copy()
    base = wave_changes(wb, segments=False)
    shuffled = wb.survey.sample(frac=1, random_state=seed).reset_index(drop=True)
    again = wave_changes(dataclasses.replace(wb, survey=shuffled), segments=False)
    survey_kinds = base.changes["kind"] != "network"
    pd.testing.assert_frame_equal(base.changes[survey_kinds], again.changes[survey_kinds],
                                  check_exact=False)
    pd.testing.assert_frame_equal(wb.survey, before)


def test_figures_carry_the_data(result) -> None:
    fig = result.figure(kind="item")
    bars = fig.data[0]
    assert len(bars.y) == (result.changes["kind"] == "item").sum()
    top = result.what_moved().iloc[0]
    assert list(bars.y)[-1] in set(result.what_moved()["item"])  # largest effect on top
    assert max(abs(np.array(bars.x))) == pytest.approx(abs(top["effect_size"]))
    figs = result.figures()
    assert "network" in figs and len(figs["network"].data[0].y) == 4


# --------------------------------------------------------------------------- practical significance

@pytest.mark.parametrize("paired", [True, False])
def test_equivalence_test_equals_pingouin_tost(paired: bool) -> None:
    """TOST from the overlap test's figures equals pingouin's (a second implementation)."""
    import pingouin

    from diagnostics.comparisons import equivalence_test

    rng = np.random.default_rng(3)
    x = rng.normal(3.0, 1.0, 80)
    y = x * 0.6 + rng.normal(1.25, 0.8, 80) if paired else rng.normal(3.1, 1.2, 95)
    ids_y = np.arange(80) if paired else np.arange(100, 195)
    t = overlap_frame(pd.DataFrame({"v": x}, index=np.arange(80)),
                      pd.DataFrame({"v": y}, index=ids_y),
                      method="paired" if paired else "welch").loc["v"]
    for bound in (0.2, 0.5):
        ours = float(equivalence_test(t["change"], t["se"], t["df"], bound))
        theirs = float(pingouin.tost(y, x, bound=bound, paired=paired,
                                     correction=not paired)["pval"].iloc[0])
        assert ours == pytest.approx(theirs, rel=1e-6, abs=1e-12)


def test_equivalence_matches_the_interval_rule() -> None:
    """Equivalent at alpha exactly when the (1 - 2 alpha) interval lies inside the margin."""
    from diagnostics.comparisons import equivalence_test

    rng = np.random.default_rng(5)
    change, se = rng.normal(0, 0.1, 400), rng.uniform(0.01, 0.1, 400)
    df, margin = rng.uniform(5, 200, 400), rng.uniform(0.05, 0.3, 400)
    half = stats.t.ppf(0.95, df) * se
    inside = (change - half > -margin) & (change + half < margin)
    assert ((equivalence_test(change, se, df, margin) < 0.05) == inside).all()


def _scaled_waves(wb, copies: int, shifts: dict[str, float]):
    """Wave A: the sample's first wave repeated ``copies`` times; wave B: the same people
    with ``shifts`` added to some items (everything else identical but for fresh noise)."""
    rows = wb.responses(wb.waves[0])
    rng = np.random.default_rng(1)
    parts_a, parts_b = [], []
    for c in range(copies):
        a = rows.assign(respondent_id=rows["respondent_id"] + f"-{c}", wave="A")
        b = a.assign(wave="B")
        for item in wb.items:  # the later wave: answers of the same people, reshuffled
            b[item] = rng.permutation(b[item].to_numpy())
        for item, shift in shifts.items():
            b[item] = b[item] + shift
        parts_a.append(a)
        parts_b.append(b)
    survey = pd.concat(parts_a + parts_b, ignore_index=True)
    return dataclasses.replace(wb, survey=survey, waves=("A", "B"), network=None)


def test_tiny_shift_in_a_large_organisation_is_negligible_not_a_change(wb) -> None:
    """About 14,000 people a wave: a shift of 0.03 sd is detectable but does not matter."""
    items = wb.items_of("motivation")
    sd = float(wb.responses(wb.waves[0])[items[0]].std())
    book = _scaled_waves(wb, 25, {items[0]: 0.06 * sd, items[1]: 0.5 * sd})
    res = wave_changes(book, segments=False, by=[], test="welch")
    c = res.changes.set_index("item")
    assert c.at[items[1], "verdict"] == "changed"
    assert c.at[items[0], "verdict"] == "negligible"  # significant, within 0.1 sd
    assert c.at[items[0], "significant"]
    others = c.loc[[i for i in wb.items if i not in items[:2]]]
    assert (others["verdict"] == "no change").all()
    assert items[0] not in set(res.what_moved()["item"])
    assert "too little to matter" in res.findings()[0].statistics
    # a larger smallest effect of interest turns the planted change into a negligible one
    wide = wave_changes(book, segments=False, by=[], test="welch", smallest_effect=0.8)
    assert wide.changes.set_index("item").at[items[1], "verdict"] == "negligible"


def test_smallest_effect_from_workbook_toml_and_bad_values(wb) -> None:
    config = dataclasses.replace(wb.config, smallest_effect=0.4, smallest_share_change=0.1)
    res = wave_changes(dataclasses.replace(wb, config=config), segments=False, by=[])
    assert res.smallest_effect == 0.4 and res.smallest_share_change == 0.1
    shares = res.changes[res.changes["kind"] == "adherence"]
    assert (shares["margin"] == 0.1).all()
    for option, value in [("smallest_effect", 0), ("smallest_share_change", 3)]:
        with pytest.raises(ConfigError, match=option):
            wave_changes(wb, **{option: value})


def test_smallest_effect_read_from_workbook_toml(tmp_path: Path) -> None:
    from diagnostics.config import read_config

    (tmp_path / "workbook.toml").write_text("smallest_effect = 0.2\nsmallest_share_change = 7\n")
    config, problems = read_config(tmp_path / "workbook.toml")
    assert config.smallest_effect == 0.2 and config.smallest_share_change == 0.03
    assert [p.column for p in problems] == ["smallest_share_change"] and problems[0].line == 2
