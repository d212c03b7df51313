"""The real public data sets load through the same loader as any client folder."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from realdata import NETWORK_SETS, REAL, available, network_folder, werte_folder

from diagnostics import load

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="real data sets not on this machine")


@pytest.mark.parametrize("name", NETWORK_SETS)
def test_network_sets_load(name: str, tmp_path: Path) -> None:
    if not available(name):
        pytest.skip(f"{name} not present")
    wb = load(network_folder(name, tmp_path / name))
    nodes = pd.read_csv(REAL / name / "nodes.csv")
    assert wb.survey["respondent_id"].nunique() == len(nodes)
    assert wb.network is not None and len(wb.network) > 0
    assert not wb.problems, [str(p) for p in wb.problems]


def test_krackhardt_advice_has_its_published_190_arcs(tmp_path: Path) -> None:
    wb = load(network_folder("krackhardt_hightech", tmp_path / "k", networks=["advice"]))
    assert len(wb.network) == 190
    assert set(wb.network["relation"]) == {"advice"}


def test_sampson_waves(tmp_path: Path) -> None:
    wb = load(network_folder("sampson_monastery", tmp_path / "s",
                             networks=["LikeT1", "LikeT2", "LikeT3"]))
    assert sorted(wb.network["wave"].unique()) == ["T1", "T2", "T3"]
    assert set(wb.network["relation"]) == {"like"}


def test_werte_loads_as_motivation_items(tmp_path: Path) -> None:
    wb = load(werte_folder(tmp_path / "w"))
    assert len(wb.survey) == 1000 and len(wb.items_of("motivation")) == 15
    assert wb.survey[wb.items].notna().all().all()
    assert set(wb.constructs("motivation")) == {"hedonism", "power", "tradition", "security",
                                                "self-direction"}


def test_network_waves_can_be_selected_in_a_network_only_folder(tmp_path: Path) -> None:
    from diagnostics import ConfigError
    from diagnostics.cli import main

    folder = network_folder("sampson_monastery", tmp_path / "s",
                            networks=["LikeT1", "LikeT2", "LikeT3"])
    picked = load(folder).select_waves(["T1", "T3"])
    assert sorted(picked.network["wave"].unique()) == ["T1", "T3"]
    assert len(picked.survey) == 18
    with pytest.raises(ConfigError, match="T9"):
        load(folder).select_waves(["T1", "T9"])
    out = tmp_path / "r.json"
    assert main(["run", str(folder), "--json", str(out), "--waves", "T1,T3", "--quiet"]) == 0
