"""The survey-scores panels: their main control redraws the main figure with the new choice."""

from __future__ import annotations

import pytest

from diagnostics import load
from diagnostics.panels import scores


@pytest.fixture(scope="module")
def wb():
    return load("data/sample")


def test_drivers_panel_outcome_redraws(wb) -> None:
    box = scores.drivers_panel(wb, resamples=100)
    before = box.main_figure.figure.layout.title.text
    box.main_control.value = "intent to stay"
    after = box.main_figure.figure.layout.title.text
    assert before != after and "intent to stay" in after


def test_heatmap_panel_attribute_redraws(wb) -> None:
    box = scores.heatmap_panel(wb)
    box.main_control.value = "location"
    assert "location" in box.main_figure.figure.layout.title.text
    assert "Eindhoven" in list(box.main_figure.figure.data[0].x)
    assert box.result.attribute == "location"


def test_favourability_and_enps_panels(wb) -> None:
    fav = scores.favourability_panel(wb)
    control = fav.children[0]
    control.value = control.options[1][1]
    assert fav.result.key == "favourability"
    box = scores.enps_panel(wb)
    box.children[0].value = "location"
    assert "location" in box.children[1].figure.layout.title.text
