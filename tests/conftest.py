"""Shared fixtures: the sample (one workbook, one run), the real data sets, and a factory of
tiny workbooks for unit tests with hand-computed answers."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED_REAL = Path(os.environ.get("CULTURE_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def wb():
    """The sample organisation, loaded once (frozen; tests change copies, never this one)."""
    from diagnostics import load

    return load(SAMPLE)


@pytest.fixture(scope="session")
def sample_run(wb):
    """Every diagnostic of the sample with seed 0: the run the integration tests share."""
    from diagnostics import RunOptions, run_all

    return run_all(wb, RunOptions(seed=0))


def make_workbook(answers: Mapping[str, Sequence[float | None]], *,
                  kinds: Mapping[str, str] | None = None, scale: tuple[int, int] = (1, 5),
                  constructs: Mapping[str, str] | None = None,
                  non_negotiable: Sequence[str] = (),
                  attributes: Mapping[str, Sequence[str]] | None = None,
                  waves: Sequence[str] | None = None, ids: Sequence[str] | None = None,
                  leaders: Sequence[str] = (),
                  ties: Sequence[tuple[str, str]] = (), relation: str = "influence",
                  actions: Sequence[tuple[str, str]] = (),
                  min_group_size: int = 1):
    """A tiny trusted workbook from plain lists, for answers worked out by hand.

    ``answers`` maps item -> one answer per respondent (``None``: unanswered). An item's kind
    defaults from its first letter as in the sample (``m`` motivation, ``b`` behaviour, ``e``
    energy, ``o`` outcome, else other). Respondents are ``P1``, ``P2``, ... unless ``ids``
    are given; ``waves`` gives each row's wave (default one wave, ``W1``). ``ties`` are
    ``(source, target)`` pairs of one relation; ``actions`` are ``(respondent, action)``.
    Hand-computed cases describe people one by one, so the minimum group size defaults to 1;
    a minimum below the safe one is asked for explicitly (``allow_small_groups``), as a user
    would have to.

    Examples
    --------
    >>> book = make_workbook({"m1": [1, 2, 3], "m2": [3, 2, None]}, attributes={"team": list("AAB")})
    >>> book.items_of("motivation"), list(book.survey["team"])
    (['m1', 'm2'], ['A', 'A', 'B'])
    """
    import pandas as pd

    from diagnostics.config import Config
    from diagnostics.workbook import Workbook

    n = len(next(iter(answers.values())))
    ids = list(ids) if ids is not None else [f"P{i + 1}" for i in range(n)]
    prefix = {"m": "motivation", "b": "behaviour", "e": "energy", "o": "outcome"}
    kinds = {item: (kinds or {}).get(item, prefix.get(item[0], "other")) for item in answers}
    survey = pd.DataFrame({"respondent_id": ids,
                           "wave": list(waves) if waves is not None else ["W1"] * n,
                           "is_leader": [i in set(leaders) for i in ids]})
    for name, values in (attributes or {}).items():
        survey[name] = pd.Series(list(values), dtype="str")
    for item, values in answers.items():
        survey[item] = pd.Series([float("nan") if v is None else float(v) for v in values])
    codebook = pd.DataFrame({
        "kind": [kinds[i] for i in answers], "scale_min": float(scale[0]),
        "scale_max": float(scale[1]), "label": list(answers),
        "construct": [(constructs or {}).get(i, "") for i in answers], "reverse": False,
        "non_negotiable": [i in set(non_negotiable) for i in answers],
    }, index=pd.Index(list(answers), name="item"))
    network = None
    if ties:
        network = pd.DataFrame({"source": [s for s, _ in ties], "target": [t for _, t in ties],
                                "relation": relation, "weight": 1.0, "wave": None})
    acts = None
    if actions:
        acts = pd.DataFrame({"respondent_id": [p for p, _ in actions],
                             "action": [a for _, a in actions]})
    from diagnostics.privacy import SAFE_MIN_GROUP_SIZE, SAFE_MIN_TEXT_GROUP_SIZE

    text_minimum = max(min_group_size, 1)
    config = Config(organisation="Tiny", min_group_size=min_group_size,
                    min_text_group_size=text_minimum,
                    allow_small_groups=(min_group_size < SAFE_MIN_GROUP_SIZE
                                        or text_minimum < SAFE_MIN_TEXT_GROUP_SIZE))
    return Workbook.build(folder=Path("tiny"), config=config, survey=survey, codebook=codebook,
                          attributes=tuple(attributes or {}), network=network, actions=acts)


@pytest.fixture(name="make_workbook")
def _make_workbook_fixture():
    """The factory :func:`make_workbook` (tests take it as a fixture)."""
    return make_workbook


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctests and tests use paths relative to the project root."""
    monkeypatch.chdir(ROOT)
