"""Panels draw the next control values ahead: the figure shown is the one computed now."""

from __future__ import annotations

import json
import threading
from typing import Any

import plotly.io as pio
import pytest

from diagnostics.panels.ahead import Ahead, neighbours


def test_neighbours_nearest_first() -> None:
    assert neighbours([1, 2, 3, 4, 5], 3, reach=2) == [4, 2, 5, 1]
    assert neighbours([1, 2, 3], 1) == [2]


def test_a_value_asked_while_computed_ahead_is_computed_once() -> None:
    started, release, calls = threading.Event(), threading.Event(), []

    def slow(key: int) -> int:
        calls.append(key)
        started.set()
        release.wait(5)
        return key * 10

    found = Ahead(slow)
    found.ahead([1])
    assert started.wait(5)
    threading.Timer(0.05, release.set).start()
    assert found.get(1) == 10 and calls == [1]


def test_an_error_ahead_shows_when_its_value_is_asked() -> None:
    calls: list[int] = []

    def failing(key: int) -> int:
        calls.append(key)
        raise ValueError(f"no {key}")

    found = Ahead(failing)
    found.ahead([7])
    found.wait()
    with pytest.raises(ValueError, match="no 7"):
        found.get(7)  # asked again after the error: computed again, the error raised here
    assert calls == [7, 7] and 7 not in found


def _shown(view: Any) -> Any:
    return json.loads(json.dumps(view.spec))


def test_tandem_panel_shows_the_figure_of_the_value_chosen(wb: Any) -> None:
    from diagnostics.panels.movement import tandem_panel
    from diagnostics.tandems import tandem_analysis

    box = tandem_panel(wb)
    start = box.main_control.value
    box.ahead.wait()
    assert start + 1 in box.ahead  # drawn ahead while the page was idle
    for value in (start + 1, start + 2, start):
        box.main_control.value = value
        fresh = tandem_analysis(wb, threshold=value).figure()
        assert _shown(box.main_figure) == json.loads(pio.to_json(fresh, validate=False))


def test_distribution_panel_ahead_follows_the_other_controls(wb: Any) -> None:
    from diagnostics.overview import item_distribution
    from diagnostics.panels.overview import distribution_panel

    box = distribution_panel(wb)
    box.split_control.value = "department"
    box.ahead.wait()
    box.main_control.value = wb.items[1]
    fresh = item_distribution(wb, item=wb.items[1], by="department", wave=wb.latest_wave)
    assert _shown(box.main_figure) == json.loads(pio.to_json(fresh.figure(), validate=False))


def test_waves_panel_shows_the_figure_of_the_kind_chosen(wb: Any) -> None:
    from diagnostics.panels.waves import waves_panel
    from diagnostics.plots.waves import changes_figure

    box = waves_panel(wb)
    box.ahead.wait()
    for _, kind in [*box.main_control.options[1:], box.main_control.options[0]]:
        box.main_control.value = kind
        fresh = changes_figure(box.result, kind=kind)
        assert _shown(box.main_figure) == json.loads(pio.to_json(fresh, validate=False))
