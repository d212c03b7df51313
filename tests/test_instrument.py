"""The questionnaire: its formats, its codebook, and round trips through each tool's export."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from diagnostics import load
from diagnostics.cli import main
from diagnostics.config import DEFAULT_LADDER, LADDER_LEVELS
from diagnostics.errors import ConfigError, DataError
from diagnostics.instrument import (
    ACTIONS,
    LADDERS,
    RELATIONS,
    build_instrument,
    collect_folder,
    split_collected,
)

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
WAVE = "2025-H2"


@pytest.fixture(scope="module")
def instrument():
    return build_instrument(organisation="Northwind", max_names=15)


# -- the questionnaire itself ---------------------------------------------------------------

def test_every_input_of_the_workbook_is_asked(instrument):
    book = instrument.codebook()
    assert {"motivation", "behaviour", "energy", "outcome"} <= set(book["kind"])
    assert book["non_negotiable"].sum() == 4
    assert book.loc[book["enps"] == 1, "item"].tolist() == ["o03"]
    sections = {q.section for q in instrument.questions}
    assert {"actions", "network", "story"} <= sections
    assert {q.relation for q in instrument.questions if q.section == "network"} == set(RELATIONS)
    # the sample's codebook items are asked with the same names, kinds, scales and constructs
    sample = pd.read_csv(SAMPLE / "codebook.csv").set_index("item")
    mine = book.set_index("item")
    for item, row in sample.iterrows():
        assert mine.loc[item, "kind"] == row["kind"], item
        assert (mine.loc[item, "scale_min"], mine.loc[item, "scale_max"]) == (
            row["scale_min"], row["scale_max"]), item
        assert mine.loc[item, "reverse"] == row["reverse"], item


def test_each_question_has_provenance_and_both_languages(instrument):
    table = instrument.provenance()
    assert table["source"].str.len().min() > 10
    assert (table["text_en"] != table["text_nl"]).all()
    assert all(re.fullmatch(r"[a-z][a-z0-9]*", name) for name in table["name"])
    enps = table.set_index("name").loc["o03", "source"]
    assert "Reichheld" in enps


def test_labels_match_each_scale(instrument):
    book = instrument.codebook()
    for _, row in book.iterrows():
        assert len(row["labels"].split("|")) == row["scale_max"] - row["scale_min"] + 1


def test_client_non_negotiables_replace_the_examples():
    inst = build_instrument(non_negotiables=["We keep our word.",
                                             {"en": "We stop when unsafe.", "nl": "We stoppen."}])
    book = inst.codebook()
    assert book.loc[book["non_negotiable"] == 1, "label"].tolist() == [
        "We keep our word.", "We stop when unsafe."]
    # the team practices and their importance items follow and still point at each other
    importance = book.dropna(subset=["importance_of"]).query("importance_of != ''")
    assert set(importance["importance_of"]) <= set(book["item"])
    assert inst.provenance().set_index("name").loc["b02", "text_nl"] == "We stoppen."


@pytest.mark.parametrize("kwargs, expected", [
    ({"languages": ["fr"]}, "Unknown language fr"),
    ({"max_names": 0}, "max_names"),
    ({"non_negotiables": [f"b{i}" for i in range(9)]}, "between one and eight"),
])
def test_bad_options_are_refused_with_a_reason(kwargs, expected):
    with pytest.raises(ConfigError, match=expected):
        build_instrument(**kwargs)


def test_xlsform_converts_with_pyxform(tmp_path, instrument):
    convert = pytest.importorskip("pyxform.xls2xform").convert
    paths = instrument.write(tmp_path / "plain", formats=["xlsform"])
    result = convert(xlsform=str(paths[0]))
    assert "<h:title>Culture survey: Northwind</h:title>" in result.xform
    assert re.search(r'nodeset="/\w+/m01"', result.xform)
    assert re.search(r'nodeset="/\w+/respondent_id"[^>]*required="true\(\)"', result.xform)
    assert not result.warnings
    roster = pd.DataFrame({"respondent_id": ["E1", "E2"], "name": ["Ann", "Bob"]})
    with_roster = build_instrument(roster=roster, max_names=3)
    paths = with_roster.write(tmp_path / "roster", formats=["xlsform"])
    result = convert(xlsform=str(paths[0]))
    assert "count-selected(.) &lt;= 3" in result.xform or "count-selected(.) <= 3" in result.xform
    assert (tmp_path / "roster" / "roster.csv").read_text().splitlines()[1] == "E1,Ann"


def _qualtrics_questions(text: str) -> dict[str, dict[int, str]]:
    """Read back the question ids and their recoded choices from an Advanced Format file."""
    out: dict[str, dict[int, str]] = {}
    current = None
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("[[ID:"):
            current = line[5:-2]
            out[current] = {}
        elif line.startswith("[[Choice:") and current is not None:
            out[current][int(line[9:-2])] = lines[i + 1]
    return out


def test_qualtrics_file_recodes_every_choice_to_its_scale_point(instrument):
    text = instrument.to_qualtrics()
    assert text.startswith("[[AdvancedFormat]]")
    questions = _qualtrics_questions(text)
    book = instrument.codebook().set_index("item")
    for item, row in book.iterrows():
        choices = questions[item]
        assert sorted(choices) == list(range(row["scale_min"], row["scale_max"] + 1)), item
        assert [choices[k] for k in sorted(choices)] == row["labels"].split("|"), item
    assert list(questions["acts"].values()) == [t["en"] for t in ACTIONS.values()]


def test_limesurvey_structure_repeats_every_row_in_each_language(instrument):
    rows = list(csv.DictReader(instrument.to_limesurvey().splitlines(), delimiter="\t"))
    assert list(rows[0]) == ["id", "related_id", "class", "type/scale", "name", "relevance",
                             "text", "help", "language", "validation", "mandatory", "other",
                             "default", "same_default"]
    by_lang = {lang: [r for r in rows if r["language"] == lang] for lang in ("en", "nl")}
    assert len(by_lang["en"]) == len(by_lang["nl"]) > 100
    assert [r["name"] for r in by_lang["en"]] == [r["name"] for r in by_lang["nl"]]
    questions = [r for r in by_lang["en"] if r["class"] == "Q"]
    assert [q["name"] for q in questions] == [q.name for q in instrument.questions]
    # answer codes are the scale points, so LimeSurvey's code export gives the numbers
    enps_id = next(q["id"] for q in questions if q["name"] == "o03")
    codes = [r["name"] for r in by_lang["en"] if r["class"] == "A" and r["id"] == enps_id]
    assert codes == [str(i) for i in range(0, 11)]
    assert LADDERS["likely11"][0] == 0


def test_cli_writes_every_format(tmp_path):
    out = tmp_path / "instrument"
    assert main(["instrument", "--out", str(out), "--organisation", "Acme",
                 "--non-negotiable", "We keep our word."]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "codebook.csv", "instrument-limesurvey.txt", "instrument-qualtrics.txt",
        "instrument.xlsx", "questions.csv"]
    assert main(["instrument", "--out", str(tmp_path / "x"), "--format", "paper"]) == 1
    assert not (tmp_path / "x").exists()


# -- round trips: simulated answers in each tool's export layout, back into a data folder ----

def _sample_wave() -> dict[str, pd.DataFrame]:
    survey = pd.read_csv(SAMPLE / "survey.csv", dtype=str, keep_default_na=False)
    survey = survey[survey["wave"] == WAVE].reset_index(drop=True)
    network = pd.read_csv(SAMPLE / "network.csv", dtype=str)
    network = network[network["wave"] == WAVE]
    actions = pd.read_csv(SAMPLE / "actions.csv", dtype=str)
    actions = actions[actions["wave"] == WAVE]
    # the checklist has no "react" or "act": a respondent ticks the action of the same rung
    actions = actions.assign(action=actions["action"].replace({"react": "like", "act": "volunteer"}))
    stories = pd.read_csv(SAMPLE / "stories.csv", dtype=str)
    stories = stories[stories["wave"] == WAVE].drop_duplicates("author_id")
    stories = stories[stories["author_id"].isin(survey["respondent_id"])]
    return {"survey": survey, "network": network, "actions": actions, "stories": stories}


def _answers(data: dict[str, pd.DataFrame], instrument) -> pd.DataFrame:
    """One row per respondent: items, named colleagues per relation, ticked actions, story."""
    survey = data["survey"]
    items = [i for i in instrument.codebook()["item"]]
    rows = survey[["respondent_id", *items]].copy()
    for relation in RELATIONS:
        named = (data["network"][data["network"]["relation"] == relation]
                 .groupby("source")["target"].agg(list))
        rows[f"named_{relation}"] = rows["respondent_id"].map(named).apply(
            lambda v: v if isinstance(v, list) else [])
    ticked = data["actions"].groupby("respondent_id")["action"].agg(lambda a: sorted(set(a)))
    rows["ticked"] = rows["respondent_id"].map(ticked).apply(
        lambda v: v if isinstance(v, list) else [])
    story = data["stories"].set_index("author_id")
    rows["story"] = rows["respondent_id"].map(story["text"]).fillna("")
    rows["storydir"] = rows["respondent_id"].map(story["direction"]).fillna("")
    return rows


def _odk_export(rows: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({"start": "2025-10-01T09:00:00", "end": "2025-10-01T09:20:00",
                        "respondent_id": rows["respondent_id"]})
    out[items] = rows[items]
    out["acts"] = rows["ticked"].apply(" ".join)
    for action in ACTIONS:  # Kobo also writes one 0/1 column per choice
        out[f"acts/{action}"] = rows["ticked"].apply(lambda t, a=action: int(a in t))
    for relation in RELATIONS:
        out[f"net{relation}"] = rows[f"named_{relation}"].apply(" ".join)
    out["story"] = rows["story"]
    out["storydir"] = rows["storydir"]
    out["_uuid"] = [f"uuid-{i}" for i in range(len(out))]
    out["_submission_time"] = "2025-10-01T09:21:00"
    return out


def _qualtrics_export(rows: pd.DataFrame, items: list[str], max_names: int,
                      labels: dict[str, tuple[int, list[str]]] | None = None,
                      ) -> list[list[str]]:
    names = ["StartDate", "EndDate", "Status", "Progress", "Duration (in seconds)", "Finished",
             "RecordedDate", "ResponseId", "ExternalReference", *items]
    names += [f"acts_{i}" for i in range(1, len(ACTIONS) + 1)]
    for relation in RELATIONS:
        names += [f"net{relation}_{k}" for k in range(1, max_names + 1)]
    names += ["story", "storydir"]
    body = []
    for i, row in rows.iterrows():
        cells = ["2025-10-01 09:00:00", "2025-10-01 09:20:00", "IP Address", "100", "1200",
                 "True", "2025-10-01 09:20:00", f"R_{i:05d}", row["respondent_id"]]
        if labels is None:
            cells += [row[item] for item in items]
        else:  # "export choice text": the answer's words instead of its number
            cells += [labels[item][1][int(row[item]) - labels[item][0]] if row[item] else ""
                      for item in items]
        cells += ["1" if action in row["ticked"] else "" for action in ACTIONS]
        for relation in RELATIONS:
            named = row[f"named_{relation}"]
            cells += [named[k] if k < len(named) else "" for k in range(max_names)]
        cells += [row["story"], {"top-down": "1", "bottom-up": "2"}.get(row["storydir"], "")]
        body.append(cells)
    # an unfinished response and a preview, which the tool marks and collect leaves out
    unfinished = list(body[0])
    unfinished[5], unfinished[8] = "False", "X-unfinished"
    preview = list(body[1])
    preview[2], preview[8] = "Survey Preview", "X-preview"
    texts = [n if n not in items else f"Question {n}" for n in names]
    import_ids = [json.dumps({"ImportId": f"QID{i}"}) for i in range(len(names))]
    return [names, texts, import_ids, *body, unfinished, preview]


def _limesurvey_export(rows: pd.DataFrame, items: list[str], max_names: int) -> pd.DataFrame:
    out = pd.DataFrame({"id": range(1, len(rows) + 1), "submitdate": "2025-10-01 09:20:00",
                        "lastpage": 8, "startlanguage": "en", "seed": 12345,
                        "token": rows["respondent_id"]})
    out[items] = rows[items]
    for action in ACTIONS:
        out[f"acts[{action}]"] = rows["ticked"].apply(lambda t, a=action: "Y" if a in t else "")
    for relation in RELATIONS:
        for k in range(max_names):
            out[f"net{relation}[n{k + 1}]"] = rows[f"named_{relation}"].apply(
                lambda v, k=k: v[k] if k < len(v) else "")
    out["story"] = rows["story"]
    out["storydir"] = rows["storydir"].str.replace("-", "")
    incomplete = out.iloc[[0]].assign(id=len(out) + 1, submitdate="", token="X-incomplete")
    return pd.concat([out, incomplete], ignore_index=True)


def _roster(survey: pd.DataFrame) -> pd.DataFrame:
    return survey[["respondent_id", "department", "level", "location", "tenure_band",
                   "is_leader"]]


def _highest_rung(actions: pd.DataFrame) -> pd.Series:
    rank = {level: i for i, level in enumerate(LADDER_LEVELS)}
    levels = actions["action"].map(DEFAULT_LADDER).map(rank)
    return levels.groupby(actions["respondent_id"]).max().sort_index()


@pytest.mark.parametrize("layout", ["xlsform", "qualtrics", "qualtrics-text", "limesurvey"])
def test_round_trip_through_each_tool_loads_without_editing(tmp_path, instrument, layout):
    data = _sample_wave()
    book = instrument.codebook()
    items = list(book["item"])
    rows = _answers(data, instrument)
    export = tmp_path / "export.csv"
    if layout == "xlsform":
        _odk_export(rows, items).to_csv(export, index=False)
    elif layout.startswith("qualtrics"):
        labels = None
        if layout == "qualtrics-text":
            labels = {r["item"]: (int(r["scale_min"]), r["labels"].split("|"))
                      for _, r in book.iterrows()}
        with export.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(_qualtrics_export(rows, items, instrument.max_names,
                                                           labels))
    else:
        _limesurvey_export(rows, items, instrument.max_names).to_csv(export, index=False)
    instrument.write(tmp_path / "instrument", formats=["xlsform"])
    _roster(data["survey"]).to_csv(tmp_path / "roster.csv", index=False)
    before = export.read_bytes()

    counts = collect_folder(export, codebook=tmp_path / "instrument" / "codebook.csv",
                            out=tmp_path / "folder", roster=tmp_path / "roster.csv")

    assert export.read_bytes() == before
    assert counts["responses"] == len(rows)
    assert counts["left_out"] == {"xlsform": 0, "qualtrics": 2, "qualtrics-text": 2,
                                  "limesurvey": 1}[layout]
    wb = load(tmp_path / "folder")
    original = load(SAMPLE).responses(WAVE).set_index("respondent_id").sort_index()
    got = wb.survey.set_index("respondent_id").sort_index()
    sample_items = [i for i in items if i in original.columns]
    pd.testing.assert_frame_equal(got[sample_items], original[sample_items], check_dtype=False)
    assert (got["department"] == original["department"]).all()
    # every tie comes back, as (source, target, relation)
    ties = set(map(tuple, wb.network[["source", "target", "relation"]].astype(str).values))
    people = set(data["survey"]["respondent_id"])
    asked = data["network"][data["network"]["source"].isin(people)
                            & data["network"]["target"].isin(people)]
    expected = set(map(tuple, asked[["source", "target", "relation"]].values))
    assert len(expected) > 1000
    assert ties == expected
    # each person reaches the same rung of the activism ladder
    acted = data["actions"][data["actions"]["respondent_id"].isin(people)]
    pd.testing.assert_series_equal(_highest_rung(wb.actions), _highest_rung(acted),
                                   check_names=False)
    stories = wb.stories.set_index("author_id")["direction"].astype(str).sort_index()
    assert stories.to_dict() == data["stories"].set_index("author_id")["direction"].to_dict()


def test_round_trip_runs_the_diagnostics(tmp_path, instrument):
    from diagnostics.runner import run_all

    data = _sample_wave()
    rows = _answers(data, instrument)
    items = list(instrument.codebook()["item"])
    _odk_export(rows, items).to_csv(tmp_path / "export.csv", index=False)
    instrument.write(tmp_path / "instrument", formats=["xlsform"])
    _roster(data["survey"]).to_csv(tmp_path / "roster.csv", index=False)
    collect_folder(tmp_path / "export.csv", codebook=tmp_path / "instrument" / "codebook.csv",
                   out=tmp_path / "folder", roster=tmp_path / "roster.csv")
    results = run_all(load(tmp_path / "folder"),
                      only=["segments", "tribes", "activism", "non_negotiables"]).to_json()
    for key in ("segments", "tribes", "activism", "non_negotiables"):
        assert "skipped" not in results[key], (key, results[key])
    assert results["segments"]["k"] == 5  # the planted motivational segments, from the new instrument


def test_split_collected_names_a_bad_answer_with_its_place():
    raw = pd.DataFrame({"respondent_id": ["a", "b"], "acts": ["view", "dance"],
                        "story": ["", "We fixed it."], "storydir": ["", "sideways"]})
    with pytest.raises(DataError) as info:
        split_collected(raw, file="export.csv")
    problems = {(p.line, p.column, p.value) for p in info.value.problems}
    assert problems == {(3, "acts", "dance"), (3, "storydir", "sideways")}


def test_collect_needs_an_id_column(tmp_path, instrument):
    pd.DataFrame({"m01": [1, 2]}).to_csv(tmp_path / "export.csv", index=False)
    instrument.write(tmp_path / "instrument", formats=["qualtrics"])
    with pytest.raises(DataError, match="naming the respondent"):
        collect_folder(tmp_path / "export.csv", codebook=tmp_path / "instrument" / "codebook.csv",
                       out=tmp_path / "folder")
    assert not (tmp_path / "folder").exists()


def test_import_command_takes_the_instruments_export(tmp_path, instrument):
    data = _sample_wave()
    items = list(instrument.codebook()["item"])
    rows = _answers(data, instrument)
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(_qualtrics_export(rows, items, instrument.max_names))
    instrument.write(tmp_path / "instrument", formats=["qualtrics"])
    _roster(data["survey"]).to_csv(tmp_path / "roster.csv", index=False)
    assert main(["import", str(export), "--out", str(tmp_path / "folder"), "--codebook",
                 str(tmp_path / "instrument" / "codebook.csv"), "--roster",
                 str(tmp_path / "roster.csv"), "--wave", WAVE]) == 0
    assert main(["validate", str(tmp_path / "folder")]) == 0
    wb = load(tmp_path / "folder")
    assert wb.waves == [WAVE] or list(wb.waves) == [WAVE]
    assert len(wb.survey) == len(rows)
