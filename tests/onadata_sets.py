"""Real organisational networks shipped by the ``onadata`` package, written as data folders.

``onadata`` (Keith McNulty, *Handbook of Graphs and Networks in People Analytics*) ships,
among others, two workplace networks used here:

* ``workfrance``: face-to-face contacts between 211 employees of a French office building
  (SocioPatterns, Génois & Barrat 2018), with each employee's department; undirected, the
  weight is minutes of contact.
* ``email``: e-mails between 1,005 members of a European research institution
  (email-Eu-core, Leskovec et al. 2007; SNAP), with each member's department (42);
  directed: the sender names the recipient.

The package's CSV files are read from its installed folder (its own loader needs
``pkg_resources``). Nothing is edited: ties become ``network.csv`` rows (an undirected
contact in both directions), departments go into ``survey.csv``.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import pandas as pd

__all__ = ["ONADATA", "onadata_folder"]


def _data_dir() -> Path | None:
    spec = find_spec("onadata")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "data"


#: The package's data folder (``None`` when onadata is not installed).
ONADATA = _data_dir()


def onadata_folder(name: str, dest: Path) -> Path:
    """Write ``workfrance`` or ``email`` as a data folder (survey of people + network)."""
    assert ONADATA is not None
    edges = pd.read_csv(ONADATA / f"{name}_edgelist.csv")
    people = pd.read_csv(ONADATA / f"{name}_vertices.csv")
    edges = edges[edges["from"] != edges["to"]]
    if name == "workfrance":
        weight = edges["mins"].astype(float)
        ties = pd.concat([pd.DataFrame({"source": edges["from"], "target": edges["to"],
                                        "weight": weight}),
                          pd.DataFrame({"source": edges["to"], "target": edges["from"],
                                        "weight": weight})])
    else:
        ties = edges.rename(columns={"from": "source", "to": "target"}).assign(weight=1.0)
    ties = ties.groupby(["source", "target"], as_index=False)["weight"].sum()
    label = lambda v: "E" + pd.Series(v).astype(str).str.zfill(4)  # noqa: E731
    dest.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"respondent_id": label(people["id"]).to_numpy(),
                  "department": "D-" + people["dept"].astype(str).to_numpy()}
                 ).to_csv(dest / "survey.csv", index=False)
    pd.DataFrame({"source": label(ties["source"]).to_numpy(),
                  "target": label(ties["target"]).to_numpy(), "relation": "contact",
                  "weight": ties["weight"].to_numpy()}).to_csv(dest / "network.csv", index=False)
    return dest
