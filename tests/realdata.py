"""Convert the real public data sets in ``../shared/data/real`` into workbook data folders.

The files there are kept as their curators converted them; these functions write them in the
data-folder contract (``survey.csv``, ``codebook.csv``, ``network.csv``) so that tests load them
with :func:`diagnostics.load` like any client folder. Nothing is edited by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from conftest import SHARED_REAL

__all__ = ["REAL", "NETWORK_SETS", "available", "network_info", "network_folder",
           "werte_folder", "attitude_frame"]

REAL = SHARED_REAL
#: The network data sets (each has nodes.csv, network_info.csv and edges_<Network>.csv).
NETWORK_SETS: tuple[str, ...] = (
    "krackhardt_hightech", "sampson_monastery", "kapferer_tailorshop", "karate_club",
    "padgett_florentine", "hawthorne_bankwiring", "freeman_eies",
)
_ITEM_LIKE = re.compile(r"^[A-Za-z]{1,6}[_.]?\d+([_.]\d+)?$")
_WAVE = re.compile(r"^(.*?)(T\d)$")


def available(name: str) -> bool:
    """Whether the real set ``name`` is on this machine."""
    return (REAL / name).is_dir()


def network_info(name: str) -> pd.DataFrame:
    """``network_info.csv`` of a set: one row per network with ``Directed`` as bool."""
    info = pd.read_csv(REAL / name / "network_info.csv")
    info["Directed"] = info["Directed"].astype(str).str.lower() == "true"
    return info.set_index("NetworkName")


def _nodes(name: str) -> pd.DataFrame:
    nodes = pd.read_csv(REAL / name / "nodes.csv", dtype=str, keep_default_na=False)
    id_col = "id" if "id" in nodes.columns else "NodeName"
    nodes = nodes.rename(columns={id_col: "respondent_id"})
    # attribute names that look like survey items (e.g. Degree116) would need a codebook row
    return nodes.rename(columns={c: f"{c}_value" for c in nodes.columns if _ITEM_LIKE.match(c)})


def network_folder(name: str, dest: Path, *, networks: list[str] | None = None,
                   leaders: list[str] | None = None, symmetrise: bool = True) -> Path:
    """Write real set ``name`` as a data folder with a survey of people and a network.

    Parameters
    ----------
    name
        A folder of :data:`NETWORK_SETS`.
    dest
        The folder to write (created).
    networks
        The networks to include (default all). A name ending in ``T1``, ``T2``, ... becomes
        relation = the stem (lower case) with wave = ``T1``...; other names become the
        relation (lower case) with no wave.
    leaders
        Ids to flag ``is_leader`` = 1.
    symmetrise
        Write an undirected network's ties in both directions (the files list each once).

    Returns
    -------
    Path
        ``dest``.
    """
    dest.mkdir(parents=True, exist_ok=True)
    nodes = _nodes(name)
    if leaders is not None:
        nodes["is_leader"] = nodes["respondent_id"].isin(set(leaders)).astype(int).astype(str)
    nodes.to_csv(dest / "survey.csv", index=False)
    info = network_info(name)
    frames = []
    by_lower = {n.lower(): n for n in info.index}
    for network in (by_lower[n.lower()] for n in networks or list(info.index)):
        files = {f.name.lower(): f for f in (REAL / name).glob("edges_*.csv")}
        edges = pd.read_csv(files[f"edges_{network.lower()}.csv"],
                            dtype={"source": str, "target": str})
        if "weight" not in edges:
            edges["weight"] = 1.0
        if symmetrise and not info.at[network, "Directed"]:
            flipped = edges.rename(columns={"source": "target", "target": "source"})
            edges = pd.concat([edges, flipped]).drop_duplicates(["source", "target"])
        match = _WAVE.match(network)
        edges["relation"] = (match.group(1) if match else network).lower()
        edges["wave"] = match.group(2) if match else ""
        frames.append(edges[["source", "target", "relation", "weight", "wave"]])
    ties = pd.concat(frames, ignore_index=True)
    if not ties["wave"].astype(bool).any():
        ties = ties.drop(columns=["wave"])
    ties.to_csv(dest / "network.csv", index=False)
    return dest


def werte_folder(dest: Path) -> Path:
    """The Werte human-values survey (1000 x 15 items, 1-7) as a folder of motivation items.

    Constructs follow the SOURCE.md's expected Schwartz-type groupings (a hypothesis).
    """
    dest.mkdir(parents=True, exist_ok=True)
    answers = pd.read_csv(REAL / "werte_human_values" / "Werte.csv", dtype=str)
    groups = {
        "hedonism": ["Spass", "Freude", "Aufregung"], "power": ["Fuehrung", "Entscheidung"],
        "tradition": ["Religioesitaet", "Respekt", "Demut"],
        "security": ["Gefahrenvermeidung", "Sicherheit", "Ordentlichkeit"],
        "self-direction": ["Unabhaengigkeit", "Zuhoeren", "Umweltbewusstsein", "Interesse"],
    }
    construct = {item: c for c, items in groups.items() for item in items}
    survey = answers.copy()
    survey.insert(0, "respondent_id", [f"W{i:04d}" for i in range(1, len(answers) + 1)])
    survey.to_csv(dest / "survey.csv", index=False)
    pd.DataFrame({"item": answers.columns, "kind": "motivation", "scale_min": 1, "scale_max": 7,
                  "label": answers.columns, "construct": [construct[c] for c in answers.columns],
                  "reverse": 0}).to_csv(dest / "codebook.csv", index=False)
    return dest


def attitude_frame() -> pd.DataFrame:
    """The Chatterjee-Price attitude data: 30 departments, percent favourable per question."""
    return pd.read_csv(REAL / "attitude_clerical_employees" / "attitude.csv")
