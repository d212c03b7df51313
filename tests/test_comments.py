"""Comments: loading, sensitive comments never quoted, lexicon accuracy, planted themes and tone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from diagnostics import load, validate
from diagnostics.comments import (
    LEXICON_ACCURACY,
    comment_sentiment,
    comment_themes,
    detect_language,
    is_sensitive,
)
from diagnostics.errors import InsufficientDataError

LABELLED = Path(__file__).parent / "fixtures" / "sentiment" / "labelled.csv"


@pytest.fixture(scope="module")
def wb():
    return load("data/sample")


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(Path("data/sample/truth.json").read_text(encoding="utf-8"))["comments"]


@pytest.fixture(scope="module")
def result(wb):
    return comment_themes(wb)


def _latest(wb, truth) -> pd.DataFrame:
    raw = pd.read_csv("data/sample/comments.csv", dtype=str)
    raw["theme_of"] = truth["theme_of"]
    raw["planted"] = truth["sentiment"]
    raw["language"] = truth["language"]
    raw["index"] = range(len(raw))
    return raw[raw["wave"] == wb.latest_wave].reset_index(drop=True)


# --------------------------------------------------------------------------- lexicons

def test_lexicon_accuracy_on_the_labelled_set() -> None:
    labelled = pd.read_csv(LABELLED)
    found = comment_sentiment(labelled["text"].tolist(), labelled["language"].tolist())
    right = found["sentiment"].to_numpy() == labelled["label"].to_numpy()
    for lang in ("en", "nl"):
        acc = right[(labelled["language"] == lang).to_numpy()].mean()
        assert acc == pytest.approx(LEXICON_ACCURACY[lang]), lang
        assert acc >= 0.75
    detected = labelled["text"].map(detect_language)
    assert (detected == labelled["language"]).mean() >= 0.9


def test_planted_tone_and_language_recovered(wb, truth) -> None:
    latest = _latest(wb, truth)
    latest = latest[~latest["index"].isin(truth["sensitive"])]
    found = comment_sentiment(latest["text"].tolist())
    assert (found["language"].to_numpy() == latest["language"].to_numpy()).mean() >= 0.95
    assert (found["sentiment"].to_numpy() == latest["planted"].to_numpy()).mean() >= 0.9


# --------------------------------------------------------------------------- sensitive

def test_sensitive_comments_counted_never_quoted(wb, truth, result) -> None:
    latest = _latest(wb, truth)
    planted = latest["index"].isin(truth["sensitive"])
    assert result.n_sensitive == int(planted.sum()) > 0
    quotes = " | ".join(result.to_frame()["quotes"])
    for text in latest.loc[planted, "text"]:
        assert text not in quotes
    assert not any(is_sensitive(q) for q in quotes.split(" | ") if q)
    assert any("never quoted" in f.headline for f in result.findings())


@pytest.mark.parametrize("text, expected", [
    ("I was harassed by a supplier", True), ("Discrimination in promotions", True),
    ("Safety rules are ignored", True), ("Hij wordt gepest", True), ("Good coffee", False)])
def test_keyword_list(text, expected) -> None:
    assert is_sensitive(text) is expected


# --------------------------------------------------------------------------- themes, privacy

def test_planted_themes_recovered(result, truth) -> None:
    terms = [set(t.split(", ")) for t in result.to_frame()["terms"]]
    for name, planted in truth["themes"].items():
        hits = [len(set(planted) & t) for t in terms]
        assert max(hits) >= 3, name
    assert result.to_frame()["n"].sum() + result.n_sensitive <= result.n_comments


def test_counts_by_group_pass_the_guard(result, wb) -> None:
    groups = result.groups
    assert (groups["respondents"] >= 5).all() and "Legal" not in set(groups["group"])
    assert any(s.group == "Legal" for s in result.suppressed)
    data = result.to_json()
    assert "Legal" not in data["by"]["department"]
    assert data["sensitive"] == result.n_sensitive


def test_quotes_only_from_groups_at_the_text_minimum(wb) -> None:
    from dataclasses import replace

    latest = wb.responses().set_index("respondent_id")["department"]
    comments = wb.comments.copy()
    dept = comments["respondent_id"].map(latest)
    now = comments["wave"] == wb.latest_wave
    hr = now & (dept == "HR")
    assert 0 < comments.loc[hr, "respondent_id"].nunique() < 10  # under the free-text minimum
    comments.loc[hr, "text"] = "The zebra canteen is cold and the zebra canteen menu is dull."
    ops = now & (dept == "Operations")
    comments.loc[ops, "text"] = comments.loc[ops, "text"] + " Mail me: someone@example.com"
    res = comment_themes(replace(wb, comments=comments))
    quotes = [q for q in " | ".join(res.to_frame()["quotes"]).split(" | ") if q]
    assert quotes
    assert not any("zebra" in q for q in quotes)
    assert not any("@" in q for q in quotes)
    assert any("[e-mail]" in q for q in quotes)
    assert any("zebra" in t for t in res.to_frame()["terms"])  # counted, just never quoted


def test_row_order_does_not_change_the_counts(wb, result) -> None:
    shuffled = wb.comments.sample(frac=1.0, random_state=5).reset_index(drop=True)
    from dataclasses import replace

    other = comment_themes(replace(wb, comments=shuffled))
    assert sorted(other.to_frame()["n"]) == sorted(result.to_frame()["n"])
    assert other.sentiment == result.sentiment


# --------------------------------------------------------------------------- loading

def test_loader_reads_comments_and_reports_bad_cells(tmp_path, wb) -> None:
    assert wb.comments is not None and wb.comments["sensitive"].dtype == bool
    folder = tmp_path / "org"
    shutil.copytree("data/sample", folder)
    pd.DataFrame({"respondent_id": ["E0001", "X1", "E0004"], "text": ["fine", "who", "ok"],
                  "sensitive": ["0", "0", "maybe"]}).to_csv(folder / "comments.csv", index=False)
    report = validate(folder)
    errors = [p for p in report.problems if p.file.startswith("comments")]
    assert any(p.column == "sensitive" and p.value == "maybe" and p.line == 4 for p in errors)
    assert any(p.column == "respondent_id" and p.severity == "warning" for p in errors)


def test_without_comments_it_is_skipped(wb) -> None:
    from dataclasses import replace

    with pytest.raises(InsufficientDataError, match="comments.csv"):
        comment_themes(replace(wb, comments=None))
