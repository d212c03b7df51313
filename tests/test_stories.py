"""Story themes: the planted themes and overlap (truth.json), stop words, the free-text guard,
escaping of hostile text, options and properties."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import jensenshannon

from diagnostics import ConfigError, InsufficientDataError
from diagnostics.panels.stories import quotes_html
from diagnostics.stories import DUTCH_STOP_WORDS, STOP_WORDS, overlap_score, story_themes

SAMPLE = "data/sample"


@pytest.fixture(scope="module")
def truth():
    return json.loads(Path(SAMPLE, "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(wb):
    return story_themes(wb)


def _found(result, depth: int = 10) -> list[set[str]]:
    return [set(t["terms"][:depth]) for t in result.to_json()["themes"]]


def test_the_planted_number_of_themes_is_chosen(result, truth) -> None:
    assert result.n_themes == len(truth["themes"]) and result.chosen_by == "elbow"
    assert result.selection.loc[result.selection["chosen"], "k"].item() == 6


def test_every_planted_theme_is_matched_by_a_found_theme(result, truth) -> None:
    found = _found(result)
    for terms in truth["themes"]:  # the five core terms
        assert max(len(set(terms) & f) for f in found) >= 4, terms
    for name, terms in truth["theme_terms"].items():  # eight terms, top ten found
        assert max(len(set(terms) & f) for f in found) >= 5, name
    # one planted theme per found theme: the matching is one to one
    best = [max(range(len(found)), key=lambda i, t=t: len(set(t) & found[i]))
            for t in truth["themes"]]
    assert len(set(best)) == len(truth["themes"])


def test_direction_mix_and_overlap_match_the_planted_weights(result, truth) -> None:
    names = truth["theme_names"]
    found = _found(result)
    match = {n: max(range(len(found)), key=lambda i, n=n: len(set(truth["theme_terms"][n]) & found[i]))
             for n in names}
    mix = result.mix.set_index(["direction", "theme"])["share"]
    planted = {d: np.array([truth["theme_weights"][d].get(n, 0.0) for n in names])
               for d in ("top-down", "bottom-up")}
    for d, weights in planted.items():
        got = np.array([mix[(d, match[n] + 1)] for n in names])
        assert np.abs(got - weights).max() < 0.08, (d, got, weights)
    expected = 1 - jensenshannon(planted["top-down"], planted["bottom-up"], base=2)
    assert result.overlap == pytest.approx(expected, abs=0.05)
    low, high = result.overlap_ci
    assert low <= result.overlap <= high and 0 <= low and high <= 1
    # themes the directions share (customer, safety) are in both mixes
    shared = [match[n] + 1 for n in names if len(truth["theme_directions"][n]) == 2]
    assert all(mix[("top-down", t)] > 0.1 and mix[("bottom-up", t)] > 0.1 for t in shared)


def test_overlap_score_known_values() -> None:
    assert overlap_score([0.2, 0.8], [0.2, 0.8]) == 1.0
    assert overlap_score([1, 0, 0], [0, 0.5, 0.5]) == 0.0
    # by hand: m = (.75, .25); JS = (KL(p|m) + KL(q|m)) / 2 = (0.20752 + 0.41504) / 2
    assert overlap_score([0.5, 0.5], [1, 0]) == pytest.approx(1 - np.sqrt(0.311278), abs=1e-5)
    # symmetric and in [0, 1]
    rng = np.random.default_rng(0)
    for _ in range(20):
        p, q = rng.random(5), rng.random(5)
        assert overlap_score(p, q) == pytest.approx(overlap_score(q, p))
        assert 0 <= overlap_score(p, q) <= 1


def test_stop_words_english_and_dutch(result) -> None:
    assert {"de", "het", "een", "en", "niet", "wij", "zijn"} <= DUTCH_STOP_WORDS
    assert {"the", "and", "we"} <= STOP_WORDS and DUTCH_STOP_WORDS <= STOP_WORDS
    terms = set(result.terms["term"])
    assert not terms & STOP_WORDS


def test_dutch_stop_words_are_left_out_of_dutch_stories(wb) -> None:
    dutch = ["De werkdruk is hoog en we maken veel overuren, het is niet te doen.",
             "Door de werkdruk maken we overuren in het weekend; het is te hoog.",
             "Mijn collega nam mijn dienst over, dat is echte teamgeest van het team.",
             "Een collega helpt altijd; de teamgeest in het team is sterk.",
             "Na het incident spreken we elkaar aan op veiligheid en de risico's.",
             "Veiligheid eerst: het incident met de heftruck was een les over risico's."] * 4
    stories = pd.DataFrame({"story_id": [f"D{i}" for i in range(len(dutch))], "text": dutch,
                            "direction": ["bottom-up", "top-down"] * (len(dutch) // 2)})
    res = story_themes(replace(wb, stories=stories), n_themes=3, quotes_per_theme=0)
    terms = set(res.terms["term"])
    assert {"werkdruk", "overuren", "teamgeest", "veiligheid", "incident"} <= terms
    assert not terms & {"de", "het", "en", "we", "is", "niet", "te", "in", "zijn"}


def test_quotes_only_for_groups_at_the_free_text_minimum(wb, result) -> None:
    minimum = wb.guard.min_text_group_size
    authors = wb.stories.set_index("story_id")["author_id"]
    assert not result.quotes.empty
    assert result.assigned["author"].str.match(r"^P-[0-9a-f]{6,64}$").all()
    named = story_themes(wb, names=True, quotes_per_theme=0).assigned
    assert list(named["author"]) == list(wb.stories["author_id"])
    cells = result.assigned.groupby(["theme", "direction"])["author"].nunique()
    for theme, direction in result.quotes[["theme", "direction"]].drop_duplicates().itertuples(
            index=False):
        assert cells[(theme, direction)] >= minimum
    quoted = result.assigned.set_index("story_id").loc[result.quotes["story_id"]]
    assert (quoted["theme"].to_numpy() == result.quotes["theme"].to_numpy()).all()
    strict = replace(wb, config=replace(wb.config, min_text_group_size=10_000))
    none = story_themes(strict)
    assert none.quotes.empty
    assert any(s.dimension == "story theme x direction" for s in none.suppressed)
    assert "No quotes can be shown" in quotes_html(none)
    assert set(result.quotes["story_id"]) <= set(authors.index)


def test_hostile_story_text_is_escaped_and_never_evaluated(wb, result) -> None:
    text = wb.stories["text"]
    script = text[text.str.contains("<script>", regex=False)].iloc[0]
    formula = text[text.str.startswith("=")].iloc[0]
    quotes = pd.DataFrame({"theme": [1, 1], "name": ["<b>x</b>", "<b>x</b>"],
                           "direction": ["bottom-up", "bottom-up"], "story_id": ["a", "b"],
                           "weight": [1.0, 0.9], "text": [script, formula]})
    page = quotes_html(replace(result, quotes=quotes))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>x</b>" not in page and "=SUM(A1:A2)" in page  # shown as text, as it was
    # the JSON and every figure carry no raw markup from the stories
    blob = json.dumps(result.to_json()) + "".join(
        f.to_json() for f in result.figures().values())
    assert "<script>" not in blob and "alert(1)" not in blob
    # the stored story text is unchanged data (not rewritten, not evaluated)
    assert script in set(wb.stories["text"]) and formula.startswith("=SUM(")


def test_resonance_by_group_passes_the_guard(wb, result) -> None:
    r = result.resonance
    assert not r.empty and "Legal" not in set(r["group"])
    assert (r.groupby("group")["authors"].first() >= wb.guard.min_group_size).all()
    sums = r.groupby("group")["share"].sum()
    assert np.allclose(sums, 1.0)
    segments = pd.Series({p: ("A" if i % 2 else "B") for i, p in enumerate(wb.people.index)})
    by_segment = story_themes(wb, groups=segments, by="segment", quotes_per_theme=0)
    assert set(by_segment.resonance["group"]) == {"A", "B"}
    assert set(by_segment.resonance["by"]) == {"segment"}


def test_the_runner_uses_segments_when_they_ran(sample_run) -> None:
    assert "segments" in sample_run.ran()
    assert set(sample_run.results["stories"].resonance["by"]) == {"segment"}


@pytest.mark.parametrize("k", [3, 8])
def test_the_number_of_themes_can_be_set(wb, k: int) -> None:
    res = story_themes(wb, n_themes=k, quotes_per_theme=0)
    assert res.n_themes == k and res.chosen_by == "option" and len(res.themes) == k
    assert np.allclose(res.mix.groupby("direction")["share"].sum(), 1.0)


@pytest.mark.parametrize("bad", [1, 0, "six", 99])
def test_bad_number_of_themes_is_a_config_error(wb, bad) -> None:
    with pytest.raises(ConfigError, match="n_themes"):
        story_themes(wb, n_themes=bad)


def test_too_few_stories_are_skipped_with_a_reason(wb) -> None:
    with pytest.raises(InsufficientDataError):
        story_themes(replace(wb, stories=wb.stories.head(2)))
    with pytest.raises(InsufficientDataError, match="stories.csv"):
        story_themes(replace(wb, stories=None))


def test_one_direction_only_gives_no_overlap(wb) -> None:
    bottom = wb.stories[wb.stories["direction"] == "bottom-up"]
    res = story_themes(replace(wb, stories=bottom), quotes_per_theme=0)
    assert np.isnan(res.overlap) and "one direction only" in res.findings()[0].headline


@pytest.mark.parametrize("seed", [3, 11])
def test_row_order_does_not_matter_and_inputs_are_not_mutated(wb, result, seed: int) -> None:
    shuffled = wb.stories.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    copy = shuffled.copy()
    res = story_themes(replace(wb, stories=shuffled))
    pd.testing.assert_frame_equal(shuffled, copy)
    assert res.n_themes == result.n_themes
    assert sorted(map(sorted, _found(res, 5))) == sorted(map(sorted, _found(result, 5)))
    assert res.overlap == pytest.approx(result.overlap, abs=0.02)


def test_the_theme_slider_redraws_the_theme_chart(wb) -> None:
    from diagnostics.panels.stories import themes_panel

    box = themes_panel(wb)
    assert "cdw-main-control" in box.main_control._dom_classes
    assert "cdw-main-figure" in box.main_figure._dom_classes
    assert len(box.main_figure.data[0].y) == 6
    box.main_control.value = 4
    assert len(box.main_figure.data[0].y) == 4 and box.result.n_themes == 4
