"""One contract test over every registered diagnostic, and the JSON shape of the contract."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from diagnostics import DiagnosticResult, RunOptions, load, run_all
from diagnostics.runner import CONTRACT_KEYS, steps

#: Keys each contract entry must hold when its diagnostic ran (../shared/CONTRACT.md).
REQUIRED = {
    "segments": {"k", "assignments", "silhouette", "stability", "profiles", "sizes"},
    "non_negotiables": {"items", "glue_index"},
    "tribes": {"assignments", "modularity", "department_overlap"},
    "hyper_connected": {"people"},
    "backstage_leaders": {"people"},
    "movement_seeds": {"people", "reach", "reach_leaders", "reach_random"},
    "reach_to_top": {"within_2_steps"},
    "activism": {"levels"},
    "tandems": {"quadrants"},
    "stories": {"themes", "overlap"},
    "waves": {"changes"},
    "enps": {"score", "low", "high", "n", "by"},
}


@pytest.fixture(scope="module")
def results(sample_run):
    return sample_run


def test_every_step_is_registered_once() -> None:
    keys = [s.key for s in steps()]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("step", steps(), ids=lambda s: s.key)
def test_result_has_the_one_shape(step, results) -> None:
    result = results.results[step.key]
    assert isinstance(result, DiagnosticResult), f"{step.key}: {result}"
    assert result.key == step.key and result.title and result.method
    frame = result.to_frame()
    assert isinstance(frame, pd.DataFrame) and not frame.empty
    assert result.columns, f"{type(result).__name__}.columns documents to_frame()"
    assert set(result.columns) <= set(frame.columns)
    fig = result.figure()
    assert isinstance(fig, go.Figure) and len(fig.data) > 0
    for name, table in result.tables().items():
        assert isinstance(table, pd.DataFrame), name
    for name, figure in result.figures().items():
        assert isinstance(figure, go.Figure), name
    json.dumps(result.to_json(), allow_nan=False)
    html = result._repr_html_()
    assert result.title in html


@pytest.mark.parametrize("step", steps(), ids=lambda s: s.key)
def test_same_seed_same_result(step, results) -> None:
    # the same seed and the same pseudonym key (random for each load unless given)
    again = run_all(load("data/sample", pseudonym_key=results.workbook.config.pseudonym_key),
                    RunOptions(seed=0), only=[step.key])
    assert again.results[step.key].to_json() == results.results[step.key].to_json()


def test_json_has_every_contract_key(results) -> None:
    data = results.to_json()
    json.dumps(data, allow_nan=False)
    assert set(CONTRACT_KEYS) <= set(data) and isinstance(data["warnings"], list)
    for key in CONTRACT_KEYS:
        entry = data[key]
        if "skipped" in entry:
            assert isinstance(entry["skipped"], str) and entry["skipped"]
        elif key in REQUIRED:
            assert REQUIRED[key] <= set(entry), f"{key} lacks {REQUIRED[key] - set(entry)}"
