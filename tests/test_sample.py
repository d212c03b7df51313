"""The sample generator: byte-stable files, a sound schema, and planted truth that plain tools recover.

These are sanity checks of the generator itself, with plain scikit-learn, igraph and scipy;
each diagnostic's own tests check that *it* finds the planted truth.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score, silhouette_score

from diagnostics import validate
from diagnostics.errors import ConfigError, OutputError
from diagnostics.sample import MIN_PEOPLE, SAMPLE_FILES, generate_sample, write_sample

WAVES = ("2025-H1", "2025-H2")


@pytest.fixture(scope="module")
def org():
    return generate_sample(people=600, seed=7)


@pytest.fixture(scope="module")
def scored(org) -> pd.DataFrame:
    """Survey answers as floats, reverse-coded per the codebook (what the loader does)."""
    book = org.codebook.set_index("item")
    survey = org.survey.copy()
    for item in book.index:
        values = survey[item].astype("float64")
        if book.at[item, "reverse"] == 1:
            values = book.at[item, "scale_min"] + book.at[item, "scale_max"] - values
        survey[item] = values
    return survey


@pytest.fixture(scope="module")
def influence(org):
    """The wave-1 influence network (planted bad ties dropped), directed and undirected."""
    people = sorted(set(org.survey["respondent_id"]))
    index = {p: i for i, p in enumerate(people)}
    net = org.network
    ties = net[(net["relation"] == "influence") & (net["wave"] == WAVES[0])
               & net["target"].isin(index) & (net["source"] != net["target"])]
    g = ig.Graph(n=len(people), edges=list(zip(ties["source"].map(index), ties["target"].map(index),
                                               strict=True)), directed=True)
    g.vs["name"] = people
    g = g.induced_subgraph(np.flatnonzero(np.array(g.degree()) > 0))
    return g, g.as_undirected(mode="collapse")


def _leader(org) -> pd.Series:
    return org.survey.drop_duplicates("respondent_id", keep="last").set_index("respondent_id")["is_leader"]


# --------------------------------------------------------------------------- files

def test_write_sample_reproduces_the_committed_sample(tmp_path: Path, sample_dir: Path) -> None:
    folder = write_sample(tmp_path / "sample", people=600, seed=7)
    assert folder == tmp_path / "sample"
    for name in SAMPLE_FILES:
        assert (folder / name).read_bytes() == (sample_dir / name).read_bytes(), (
            f"{name} differs from data/sample: regenerate it with "
            "`culture-diagnostics sample data/sample --people 600 --seed 7` and commit it")


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    a = generate_sample(people=200, seed=3).files()
    b = generate_sample(people=200, seed=3).files()
    c = generate_sample(people=200, seed=4).files()
    assert a == b
    assert list(a) == list(SAMPLE_FILES)
    for name in ("survey.csv", "network.csv", "actions.csv", "initiatives.csv", "stories.csv",
                 "truth.json"):
        assert a[name] != c[name], name
    assert a["codebook.csv"] == c["codebook.csv"]


def test_truth_json_is_sorted_and_indented(sample_dir: Path) -> None:
    text = (sample_dir / "truth.json").read_text(encoding="utf-8")
    truth = json.loads(text)
    assert text == json.dumps(truth, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    for key in ("segments", "tribes", "hyper_connected", "backstage_leaders", "weak_groups",
                "wave_changes", "themes"):
        assert truth[key], key


def test_write_is_whole_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out"
    target.mkdir()
    (target / "survey.csv").write_text("old", encoding="utf-8")
    real = Path.write_bytes
    calls = {"n": 0}

    def failing(self: Path, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(OutputError):
        write_sample(target, people=200, seed=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    assert [p.name for p in target.iterdir()] == ["survey.csv"]
    assert (target / "survey.csv").read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize("people", [MIN_PEOPLE - 1, 0, -5, 2.5, True])
def test_too_few_people_is_a_config_error(people: object) -> None:
    with pytest.raises(ConfigError, match="people"):
        generate_sample(people=people, seed=1)  # type: ignore[arg-type]


def test_negative_seed_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="seed"):
        generate_sample(people=200, seed=-1)


def test_the_loader_accepts_it_and_warns_about_the_planted_ties(sample_dir: Path) -> None:
    report = validate(sample_dir)
    assert report.ok, report.problems
    warnings = " ".join(str(p) for p in report.warnings)
    assert "2 ties go from a person to themselves" in warnings
    assert "3 ties name people who are not in survey.csv" in warnings
    assert len(report.warnings) == 2


# --------------------------------------------------------------------------- schema

def test_answers_are_whole_numbers_on_their_scale(org, sample_dir: Path) -> None:
    book = org.codebook.set_index("item")
    raw = pd.read_csv(sample_dir / "survey.csv", dtype=str, keep_default_na=False)
    for item in book.index:
        answered = raw[item][raw[item] != ""]
        assert answered.str.fullmatch(r"\d+").all(), item
        values = answered.astype(int)
        assert values.between(book.at[item, "scale_min"], book.at[item, "scale_max"]).all(), item
    missing = (raw[list(book.index)] == "").to_numpy().mean()
    assert 0.02 <= missing <= 0.04
    assert (raw[list(book.index)] == "").all(axis=1).sum() == 0  # non-respondents have no row


def test_codebook_design(org) -> None:
    book = org.codebook
    assert list(book.columns) == ["item", "kind", "scale_min", "scale_max", "label", "construct",
                                  "reverse", "non_negotiable", "importance_of"]
    mot = book[book["kind"] == "motivation"]
    assert len(mot) == 15 and mot["construct"].value_counts().eq(3).all()
    assert (mot["scale_min"] == 1).all() and (mot["scale_max"] == 7).all()
    assert mot.loc[mot["reverse"] == 1, "construct"].nunique() >= 3
    beh = book[book["kind"] == "behaviour"]
    assert len(beh) == 10 and beh["non_negotiable"].sum() == 4
    pairs = book[book["importance_of"] != ""]
    assert len(pairs) == 3 and set(pairs["importance_of"]) <= set(beh["item"])
    assert (pairs["kind"] == "other").all()
    energy = book[book["kind"] == "energy"]
    assert len(energy) == 3 and energy["reverse"].sum() == 1
    assert (book["kind"] == "outcome").sum() == 3  # o03: the 0-10 recommendation (eNPS)
    assert book["label"].str.len().gt(20).all()


def test_people_waves_and_departments(org) -> None:
    survey = org.survey
    assert set(survey["wave"]) == set(WAVES)
    assert not survey.duplicated(["respondent_id", "wave"]).any()
    assert survey["respondent_id"].str.fullmatch(r"E\d{4}").all()
    people = survey["respondent_id"].nunique()
    assert people == 600
    w1 = set(survey.loc[survey["wave"] == WAVES[0], "respondent_id"])
    w2 = set(survey.loc[survey["wave"] == WAVES[1], "respondent_id"])
    assert w1 - w2 and w2 - w1 and len(w1 & w2) > 0.5 * people  # attrition, newcomers, panel
    for wave, ids in zip(WAVES, (w1, w2), strict=True):
        assert 0.15 <= 1 - len(ids) / org.truth["headcount"][wave] <= 0.20  # non-response
    assert org.truth["headcount_by_department"][WAVES[0]]["Legal"] == 3
    per_dept = survey.groupby("department")["respondent_id"].nunique()
    assert per_dept["Legal"] == 3 and (per_dept.drop("Legal") >= 20).all()
    assert per_dept.idxmax() == "Operations" and 6 <= len(per_dept) <= 8
    assert survey.groupby("wave")["department"].apply(lambda d: (d == "Legal").sum()).eq(3).all()
    levels = survey.drop_duplicates("respondent_id")["level"].value_counts()
    pyramid = ["Executive", "Senior manager", "Manager", "Professional", "Associate"]
    assert list(levels[pyramid].sort_values(kind="stable").index[:3]) == pyramid[:3]
    lead = survey["level"].isin(pyramid[:2])
    assert survey.loc[lead, "is_leader"].eq(1).all()
    assert survey.loc[survey["level"].isin(pyramid[3:]), "is_leader"].eq(0).all()


def test_every_network_id_answered_a_wave_except_the_planted_ones(org) -> None:
    net = org.network
    people = set(org.survey["respondent_id"])
    unknown = net[~net["target"].isin(people)]
    assert sorted(unknown["target"]) == ["X9001", "X9002", "X9003"]
    assert net["source"].isin(people).all()
    assert (net["source"] == net["target"]).sum() == 2
    assert set(net["relation"]) == {"influence", "advice", "energy"}
    assert set(net.loc[net["relation"] == "energy", "weight"]) == {-1, 1}
    assert not net.duplicated(["source", "target", "relation", "wave"]).any()
    per_wave = net.groupby("wave").size()
    assert per_wave[WAVES[1]] < per_wave[WAVES[0]]
    # a respondent of a wave names colleagues present in that wave
    for wave in WAVES:
        answered = set(org.survey.loc[org.survey["wave"] == wave, "respondent_id"])
        assert net.loc[net["wave"] == wave, "source"].isin(answered).all()


# --------------------------------------------------------------------------- planted truth

@pytest.mark.parametrize("wave", WAVES)
def test_kmeans_recovers_the_segments(org, scored, wave: str) -> None:
    items = list(org.codebook.loc[org.codebook["kind"] == "motivation", "item"])
    rows = scored[scored["wave"] == wave]
    x = rows[items].fillna(rows[items].mean())
    z = ((x - x.mean()) / x.std()).to_numpy()
    labels = {k: KMeans(k, n_init=10, random_state=0).fit_predict(z) for k in range(2, 9)}
    truth = rows["respondent_id"].map(org.truth["segments_by_wave"][wave])
    ari = adjusted_rand_score(truth, labels[5])
    assert 0.9 <= ari < 0.995  # recoverable, but not trivially
    silhouette = {k: silhouette_score(z, labels[k]) for k in labels}
    assert max(silhouette, key=silhouette.get) == 5


def test_segments_cut_across_departments_and_are_skewed(org) -> None:
    truth = org.truth
    assert truth["segments"] == truth["segments_by_wave"][WAVES[0]]
    dept = org.survey.set_index(["wave", "respondent_id"]).loc[WAVES[0], "department"]
    seg = pd.Series(truth["segments"]).reindex(dept.index)
    assert normalized_mutual_info_score(seg, dept) < 0.1
    sizes = pd.Series(truth["segment_sizes"]).sort_values()
    assert sizes.iloc[-1] > 2 * sizes.iloc[0]
    movers = truth["segment_movers"]
    both = len(set(truth["segments_by_wave"][WAVES[0]]) & set(truth["segments_by_wave"][WAVES[1]]))
    assert 0.08 <= len(movers) / both <= 0.12
    for person, (before, after) in movers.items():
        assert before != after and truth["segments_by_wave"][WAVES[1]][person] == after


def test_leiden_recovers_the_tribes(org, influence) -> None:
    _, undirected = influence
    part = leidenalg.find_partition(undirected, leidenalg.ModularityVertexPartition, seed=0)
    tribes = [org.truth["tribes"][p] for p in undirected.vs["name"]]
    assert normalized_mutual_info_score(tribes, part.membership) >= 0.85
    people = org.survey.drop_duplicates("respondent_id")
    overlap = normalized_mutual_info_score(people["respondent_id"].map(org.truth["tribes"]),
                                           people["department"])
    assert overlap < 0.3
    sizes = pd.Series(org.truth["tribes"]).value_counts()
    assert 8 <= len(sizes) <= 10 and sizes.max() > 2 * sizes.min()


def test_hyper_connected_top_in_degree_and_pagerank(org, influence) -> None:
    directed, _ = influence
    names = np.array(directed.vs["name"])
    hubs = set(org.truth["hyper_connected"])
    assert len(hubs) == 6
    top = set(names[np.argsort(-np.array(directed.indegree()), kind="stable")[: len(hubs)]])
    assert top == hubs
    top = set(names[np.argsort(-np.array(directed.pagerank()), kind="stable")[: len(hubs)]])
    assert top == hubs


def test_backstage_leaders_top_betweenness_among_non_leaders(org, influence) -> None:
    _, undirected = influence
    names = np.array(undirected.vs["name"])
    leader = _leader(org)
    brokers = set(org.truth["backstage_leaders"])
    assert len(brokers) == 5
    people = org.survey.drop_duplicates("respondent_id").set_index("respondent_id")
    assert people.loc[sorted(brokers), "is_leader"].eq(0).all()
    assert people.loc[sorted(brokers), "level"].isin(["Professional", "Associate"]).all()
    betweenness = np.array(undirected.betweenness())
    # the hyper-connected bridge everything too; set them aside
    eligible = [i for i, n in enumerate(names)
                if leader[n] == 0 and n not in set(org.truth["hyper_connected"])]
    ranked = sorted(eligible, key=lambda i: -betweenness[i])
    assert set(names[ranked[: len(brokers)]]) == brokers
    tribes = org.truth["tribes"]
    for b in brokers:
        i = int(np.flatnonzero(names == b)[0])
        reached = {tribes[names[j]] for j in undirected.neighbors(i)} - {tribes[b]}
        assert len(reached) >= 3
        assert undirected.degree(i) < min(undirected.degree(int(np.flatnonzero(names == h)[0]))
                                          for h in org.truth["hyper_connected"])


def test_only_the_planted_items_change_between_waves(org, scored) -> None:
    items = list(org.codebook["item"])
    a, b = (scored[scored["wave"] == w] for w in WAVES)
    p = {i: stats.ttest_ind(a[i].dropna(), b[i].dropna(), equal_var=False).pvalue for i in items}
    planted = org.truth["wave_changes"]
    assert 3 <= len(planted) <= 4
    assert all(p[i] < 0.01 for i in planted)
    assert sum(p[i] < 0.01 for i in items if i not in planted) <= 1
    for item, shift in org.truth["wave_change_details"].items():
        observed = b[item].mean() - a[item].mean()
        assert np.sign(observed) == np.sign(shift) and abs(observed - shift) < 0.15


def test_weak_groups_and_no_others_on_non_negotiables(org, scored) -> None:
    nn = list(org.codebook.loc[org.codebook["non_negotiable"] == 1, "item"])
    planted = {(w["item"], w["attribute"], w["group"]) for w in org.truth["weak_groups"]}
    assert len(planted) == 3
    for wave in WAVES:
        rows = scored[scored["wave"] == wave]
        for item in nn:
            weak = pd.Series(False, index=rows.index)
            for i, attribute, group in planted:
                if i == item:
                    weak |= rows[attribute] == group
            for attribute in ("department", "location"):
                for group, inside in rows.groupby(attribute):
                    if len(inside) < 30:
                        continue
                    outside = rows.loc[(rows[attribute] != group) & ~weak, item].dropna()
                    if (item, attribute, group) in planted:
                        values = inside[item].dropna()
                        assert len(values) >= 30 and 0.75 <= outside.mean() - values.mean() <= 1.2
                        assert stats.ttest_ind(outside, values, equal_var=False).pvalue < 1e-6
                    else:  # no systematic gap with everyone outside the planted weak group
                        # (about 80 comparisons: a p-value threshold that allows for that)
                        values = inside.loc[~weak[inside.index], item].dropna()
                        p = stats.ttest_ind(outside, values, equal_var=False).pvalue
                        assert p > 1e-4 and abs(outside.mean() - values.mean()) < 0.35, (
                            wave, attribute, group, item)
        # non-negotiables are high and (outside the weak groups) hold with little spread
        # between departments; the other behaviours vary more
        others = [i for i in org.codebook.loc[org.codebook["kind"] == "behaviour", "item"] if i not in nn]
        assert rows[nn].mean().min() > 4.0
        rows = rows[rows["department"] != "Legal"]
        spread = {}
        for item in nn:
            weak = pd.Series(False, index=rows.index)
            for i, attribute, group in planted:
                if i == item:
                    weak |= rows[attribute] == group
            spread[item] = rows[~weak].groupby("department")[item].mean().std()
        assert rows.groupby("department")[others].mean().std().mean() > 2 * max(spread.values())


def test_say_do_gap(org, scored) -> None:
    book = org.codebook.set_index("item")
    for item, gap in org.truth["say_do_gaps"].items():
        practice = book.at[item, "importance_of"]
        assert scored[item].mean() - scored[practice].mean() > 0.5 and gap > 0.5


def test_tandem_rates_as_planted(org) -> None:
    ini = org.initiatives
    assert ini["initiative_id"].is_unique and 150 <= len(ini) <= 250
    assert set(ini["outcome"]) == {"success", "failure", "ongoing"}
    leaders = set(org.survey.loc[org.survey["is_leader"] == 1, "respondent_id"])
    assert ini.loc[ini["sponsor_level"] != "none", "sponsor_id"].isin(leaders).all()
    done = ini[ini["outcome"] != "ongoing"]
    broad = done["supporters"] >= org.truth["grassroots_threshold"]
    sponsored = done["sponsor_level"] != "none"
    quadrant = np.where(broad, np.where(sponsored, "tandem", "grassroots only"),
                        np.where(sponsored, "leadership only", "neither"))
    rates = (done["outcome"] == "success").groupby(quadrant).mean()
    planted = org.truth["tandem_rates"]
    for name, rate in planted.items():
        assert abs(rates[name] - rate) < 0.03, name
    order = sorted(planted, key=planted.get, reverse=True)
    assert list(rates[order]) == sorted(rates, reverse=True)


def test_activism_levels_match_the_actions(org) -> None:
    ladder = tomllib.loads(org.workbook_toml)["ladder"]
    rungs = ["spectator", "clicktivist", "contributor", "activist", "advocate"]
    acts = org.actions
    assert pd.to_datetime(acts["date"], format="%Y-%m-%d").dt.year.eq(2025).all()
    highest = acts["action"].map(ladder).map(rungs.index).groupby(acts["respondent_id"]).max()
    levels = pd.Series(org.truth["activism_levels"])
    assert set(levels.index) == set(org.survey["respondent_id"])
    assert (levels[highest.index] == highest.map(lambda r: rungs[r])).all()
    assert set(levels[levels == "spectator"].index).isdisjoint(acts["respondent_id"])
    counts = levels.value_counts()
    assert counts["clicktivist"] > counts["contributor"] > counts["activist"] > counts["advocate"]


def test_stories_carry_the_planted_themes(org) -> None:
    stories = org.stories
    truth = org.truth
    assert stories["story_id"].is_unique and 250 <= len(stories) <= 350
    leaders = set(org.survey.loc[org.survey["is_leader"] == 1, "respondent_id"])
    top = stories["direction"] == "top-down"
    assert stories.loc[top, "author_id"].isin(leaders).all()
    assert not stories.loc[~top, "author_id"].isin(leaders).any()
    texts = stories["text"]
    assert texts.str.contains("<script>alert(1)</script>", regex=False).sum() == 1
    assert texts.str.startswith("=").sum() == 1
    assert texts.str.contains('"', regex=False).sum() >= 1
    n_sentences = texts.str.count(r"[.!?](?:\s|$)")
    assert n_sentences.between(2, 5).mean() > 0.95
    theme = stories["story_id"].map(truth["story_themes"])
    for name, terms in zip(truth["theme_names"], truth["themes"], strict=True):
        hits = texts.str.lower().apply(lambda t, terms=terms: sum(term in t for term in terms))
        assert hits[theme == name].mean() > 3 * hits[theme != name].mean() + 1, name
    shared = [t for t, d in truth["theme_directions"].items() if len(d) == 2]
    assert sorted(shared) == ["customer", "safety"]
    assert not {t for terms in truth["themes"] for t in terms} & ENGLISH_STOP_WORDS


def test_nmf_recovers_the_story_themes(org) -> None:
    vectoriser = TfidfVectorizer(stop_words="english", min_df=3)
    x = vectoriser.fit_transform(org.stories["text"])
    model = NMF(len(org.truth["themes"]), random_state=0, init="nndsvd").fit(x)
    vocabulary = np.array(vectoriser.get_feature_names_out())
    found = [set(vocabulary[np.argsort(-c)[:8]]) for c in model.components_]
    for terms in org.truth["themes"]:
        assert max(len(set(terms) & f) for f in found) >= 4, terms


# --------------------------------------------------------------------------- sizes

@pytest.mark.parametrize("people", [200, 5000])
def test_other_sizes(people: int) -> None:
    org = generate_sample(people=people, seed=11)
    assert org.survey["respondent_id"].nunique() == people
    assert org.survey.groupby("department")["respondent_id"].nunique()["Legal"] == 3
    assert len(org.truth["hyper_connected"]) == max(2, round(0.01 * people))
    assert set(org.truth["tribes"]) == set(org.survey["respondent_id"])


@pytest.mark.slow
def test_100000_people(tmp_path: Path) -> None:
    """The generator scales (its speed is measured in benchmarks/bench_sample.py, not here)."""
    write_sample(tmp_path / "big", people=100_000, seed=7)
    survey = pd.read_csv(tmp_path / "big" / "survey.csv", usecols=["respondent_id", "wave"])
    assert survey["respondent_id"].nunique() == 100_000
    assert not survey.duplicated().any()
