"""The run, declared once: every diagnostic of ``run_all``, what it needs, how it is called.

:data:`PIPELINE` lists the steps in running order. Each :class:`Step` names its JSON key and
title, the data files it needs, an optional check of the data, and one :func:`call` of a
plain diagnostic function, written as you would call it yourself, with three kinds of
placeholder in place of the values the run fills in:

- :data:`WORKBOOK`: the loaded data folder (after ``--waves`` has been applied);
- ``required(ResultClass)`` / ``optional(ResultClass, "why")``: the result of another step,
  named by its result class (the step is the one whose ``key`` is ``ResultClass.key``). A
  required input that did not run skips this step with the reason; a missing optional input
  is passed as ``None`` and the reason is kept in ``RunResults.missing_inputs``;
- ``OPTIONS.<field>``: one of the :class:`RunOptions` (``seed``, ``progress``, ...), mapped
  onto whatever keyword the function uses.

Because :func:`call` is typed with the function's own signature (``ParamSpec``), the type
checker (``mypy``, run by ``make test``) rejects a step that passes the wrong result type, an
option of the wrong type, or a keyword the function does not have. The runner
(:func:`diagnostics.runner.run_all`) only reads this module: it resolves ``only=`` to the
chosen steps plus everything they take (:func:`resolve`), skips steps whose files or data
are missing, fills in the placeholders and collects the results.

Adding a diagnostic
-------------------
1. Write the analysis in its own module (``diagnostics/drivers.py``): a function taking the
   :class:`~diagnostics.workbook.Workbook` (or tidy frames) and keyword-only options, returning
   a frozen result class derived from :class:`~diagnostics.results.DiagnosticResult` with a
   class variable ``key`` (its JSON key) and ``title``. If it builds on another diagnostic,
   take that diagnostic's *result class* as a keyword argument (``segments: Segmentation |
   None = None``), never a dict, JSON or ``Any``. The module must not import this module nor
   the runner, and must not learn the running order.
2. Add one entry to :data:`PIPELINE`, after every step whose result it takes::

       Step("drivers", DriverAnalysis.title, files=("survey",),
            check=_needs_outcomes,
            call=call(driver_analysis, WORKBOOK,
                      segments=optional(Segmentation, "drivers per segment"),
                      seed=OPTIONS.seed)),

   ``files`` are attribute names of the Workbook (``network``, ``actions``, ``initiatives``,
   ``stories``, ...): the step is skipped with "no network.csv in the data folder" when one is
   absent or empty. ``check(workbook)`` returns a one-line reason to skip, or ``None``; put
   it in this module (next to the others below). A function raising
   :class:`~diagnostics.errors.InsufficientDataError` is skipped with its message.
3. Add the key to ``CONTRACT_KEYS`` in ``runner.py`` only if it is part of the outside
   contract (``../shared/CONTRACT.md``); every step's result lands in the JSON either way.
4. Run ``mypy`` and ``tests/test_contract.py``: the contract test runs every step of this list
   on the sample and checks the one shape of a result; ``tests/test_pipeline.py`` checks the
   graph (order, inputs, no cycle of imports).

See ``docs/DEVELOPING.md`` for a worked example (module, plot builder, panel, this entry).
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, ParamSpec, TypeVar, cast

from .activism import ActivismLadder, activism_ladder
from .behaviours import NonNegotiables, non_negotiables
from .comments import Comments, comment_themes
from .drivers import PREDICTOR_KINDS, KeyDrivers, key_drivers
from .enps import ENPS, enps, enps_item
from .errors import ConfigError
from .favourability import DEFAULT_KINDS, Favourability, favourability
from .heatmap import ItemHeatmap, item_heatmap
from .indicators import MovementIndicators, movement_indicators
from .network import (
    BackstageLeaders,
    HyperConnected,
    MovementSeeds,
    NetworkChange,
    ReachToTop,
    Tribes,
    backstage_leaders,
    default_relation,
    find_tribes,
    hyper_connected,
    movement_seeds,
    network_change,
    reach_to_top,
    relation_waves,
)
from .participation import ResponseRates, response_rates
from .plan import MovementPlan, PlanRevisit, movement_plan, revisit_plan
from .reliability import Reliability, construct_reliability
from .results import DiagnosticResult
from .segments import Segmentation, segment_frames
from .stories import StoryThemes, story_themes
from .tandems import TandemAnalysis, tandem_analysis
from .waves import WaveComparison, network_waves, wave_changes
from .workbook import Workbook

__all__ = ["PIPELINE", "RunOptions", "Step", "Call", "Input", "Option", "call", "required",
           "optional", "WORKBOOK", "OPTIONS", "resolve", "step"]

P = ParamSpec("P")
R = TypeVar("R", bound=DiagnosticResult)
R_co = TypeVar("R_co", bound=DiagnosticResult, covariant=True)


# =========================================================================== the run's options

@dataclass(frozen=True)
class RunOptions:
    """Options shared by ``run`` and ``report``.

    Attributes
    ----------
    seed
        Seed of every random step (bootstraps, clustering starts, Leiden, simulations).
    waves
        Waves to use, in order (default: all).
    progress
        Show progress bars.
    smallest_effect, smallest_share_change
        The smallest change between waves that matters, in standard deviations and as a
        share (``None``: workbook.toml, else 0.1 and 0.03); see
        :func:`~diagnostics.waves.wave_changes`.
    min_group_size
        Deprecated: set the privacy minimum once, on the workbook
        (``load(folder, min_group_size=n)`` or ``workbook.with_min_group_size(n)``). Still
        applied for one release, with a ``DeprecationWarning``.
    """

    min_group_size: int | None = None
    seed: int = 0
    waves: tuple[str, ...] | None = None
    progress: bool = False
    smallest_effect: float | None = None
    smallest_share_change: float | None = None

    def __post_init__(self) -> None:
        if self.min_group_size is not None:
            warnings.warn("RunOptions(min_group_size=...) is deprecated: set the privacy minimum "
                          "once on the workbook, load(folder, min_group_size=n).",
                          DeprecationWarning, stacklevel=3)


# =========================================================================== placeholders

@dataclass(frozen=True)
class Input:
    """Another step's result, as it appears in a step's :func:`call`."""

    result: type[DiagnosticResult]
    optional: bool
    why: str = ""

    @property
    def key(self) -> str:
        return self.result.key


@dataclass(frozen=True)
class Option:
    """One of the :class:`RunOptions`, as it appears in a step's :func:`call`."""

    name: str


class _WorkbookSlot:
    def __repr__(self) -> str:
        return "WORKBOOK"


class _OptionSlots:
    def __getattr__(self, name: str) -> Option:
        if name.startswith("_") or name not in {f.name for f in dataclasses.fields(RunOptions)}:
            raise AttributeError(f"RunOptions has no option {name!r}")
        return Option(name)

    def __repr__(self) -> str:
        return "OPTIONS"


#: Stands for the workbook in a step's :func:`call`.
WORKBOOK: Workbook = cast(Workbook, _WorkbookSlot())
#: ``OPTIONS.seed`` etc. stand for the run's options in a step's :func:`call`.
OPTIONS: RunOptions = cast(RunOptions, _OptionSlots())


def required(result: type[R]) -> R:
    """The result of the step with key ``result.key``; without it this step is skipped."""
    return cast(R, Input(result, optional=False))


def optional(result: type[R], why: str) -> R | None:
    """The result of the step with key ``result.key``, or ``None`` (with the reason kept).

    ``why`` says what the input adds (for the methods appendix and the reader of the graph).
    """
    if not why:
        raise ValueError("say why the input is taken")
    return cast(R, Input(result, optional=True, why=why))


@dataclass(frozen=True)
class Call(Generic[R_co]):
    """A diagnostic function with its arguments; placeholders are filled in at run time."""

    function: Callable[..., R_co]
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any]

    def bind(self, workbook: Workbook, options: RunOptions,
             results: Mapping[str, DiagnosticResult | None]) -> R_co:
        """Call the function with the placeholders replaced (``results``: input key -> result)."""
        def fill(value: Any) -> Any:
            if isinstance(value, _WorkbookSlot):
                return workbook
            if isinstance(value, Option):
                return getattr(options, value.name)
            if isinstance(value, Input):
                return results[value.key]
            return value

        args = [fill(a) for a in self.args]
        kwargs = {k: fill(v) for k, v in self.kwargs.items()}
        return self.function(*args, **kwargs)


def call(function: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Call[R]:
    """Declare how a step calls its function (checked against its signature by mypy)."""
    return Call(function, tuple(args), dict(kwargs))


# =========================================================================== steps

_FILES = frozenset(f.name for f in dataclasses.fields(Workbook)) - {"folder", "config",
                                                                       "attributes", "waves",
                                                                       "problems"}


@dataclass(frozen=True)
class Step:
    """One diagnostic in the run (see the module's docstring).

    Attributes
    ----------
    key
        The result's JSON key (equal to the result class's ``key``).
    title
        Shown in progress bars and reports.
    call
        The function and its arguments, with placeholders (:func:`call`).
    files
        Workbook tables the step needs (``network``, ``actions``, ...).
    check
        Further condition on the data: a one-line reason to skip, or ``None``.
    """

    key: str
    title: str
    call: Call[DiagnosticResult]
    files: tuple[str, ...] = ()
    check: Callable[[Workbook], str | None] | None = None

    def __post_init__(self) -> None:
        unknown = [f for f in self.files if f not in _FILES]
        if unknown:
            raise ValueError(f"step {self.key!r}: no workbook table {unknown}; "
                             f"tables: {sorted(_FILES)}")

    @property
    def function(self) -> Callable[..., DiagnosticResult]:
        return self.call.function

    @property
    def inputs(self) -> dict[str, Input]:
        """Keyword -> the other step's result it receives."""
        return {k: v for k, v in self.call.kwargs.items() if isinstance(v, Input)}

    @property
    def options(self) -> dict[str, str]:
        """Run option -> the function's keyword that receives it."""
        return {v.name: k for k, v in self.call.kwargs.items() if isinstance(v, Option)}

    @property
    def needs(self) -> tuple[str, ...]:
        """Keys of the steps whose results this one takes (required or optional)."""
        return tuple(dict.fromkeys(i.key for i in self.inputs.values()))

    def requires(self, workbook: Workbook) -> str | None:
        """A one-line reason to skip the step on this workbook, or ``None``."""
        for name in self.files:
            table = getattr(workbook, name)
            if table is None or table.empty:
                return f"no {name}.csv in the data folder"
        return self.check(workbook) if self.check is not None else None


# --------------------------------------------------------------------------- data checks

def _constructs(workbook: Workbook) -> str | None:
    if not any(len(items) >= 2 for items in workbook.constructs().values()):
        return "no construct in codebook.csv has two or more items (column construct)"
    return None


def _motivation(workbook: Workbook) -> str | None:
    if len(workbook.items_of("motivation")) < 2:
        return "the codebook has fewer than two motivation items (kind = motivation)"
    return None


def _leaders(workbook: Workbook) -> str | None:
    if not workbook.leaders:
        return "no formal leaders are flagged (is_leader = 1 or leader_levels in workbook.toml)"
    return None


def _network_waves(workbook: Workbook) -> str | None:
    if len(relation_waves(workbook, default_relation(workbook))) < 2:
        return "the network's ties carry fewer than two waves"
    return None


def _non_negotiables(workbook: Workbook) -> str | None:
    if not workbook.items_of("behaviour"):
        return "the codebook has no behaviour items"
    if not workbook.non_negotiables:
        return "no behaviour item is flagged non_negotiable in codebook.csv"
    return None


def _two_waves(workbook: Workbook) -> str | None:
    if len(workbook.waves) >= 2 or len(network_waves(workbook)) >= 2:
        return None
    return "only one wave in the data (survey.csv has one wave, network.csv no second wave)"


def _survey_waves_and_non_negotiables(workbook: Workbook) -> str | None:
    if len(workbook.waves) < 2:
        return "only one survey wave: there is no earlier plan to revisit"
    return _non_negotiables(workbook)


def _scored_items(workbook: Workbook) -> str | None:
    if not workbook.codebook["kind"].isin(DEFAULT_KINDS).any():
        return "codebook.csv has no behaviour, energy or outcome item"
    return None


def _grouped_items(workbook: Workbook) -> str | None:
    if not workbook.attributes:
        return "survey.csv has no attribute column (e.g. department) to compare groups"
    return _scored_items(workbook)


def _enps_item(workbook: Workbook) -> str | None:
    if enps_item(workbook) is None:
        return ("no eNPS item: no outcome item on a 0-10 scale and none flagged enps = 1 in "
                "codebook.csv")
    return None


def _drivers(workbook: Workbook) -> str | None:
    if not workbook.items_of("outcome"):
        return "codebook.csv has no outcome item (kind = outcome)"
    if not any(workbook.items_of(kind) for kind in PREDICTOR_KINDS):
        return "codebook.csv has no motivation, behaviour or energy item to use as a predictor"
    return None


# --------------------------------------------------------------------------- the graph

#: Every step of a run, in running order (a step comes after every step it takes).
PIPELINE: tuple[Step, ...] = (
    Step("participation", ResponseRates.title, files=("roster",),
         call=call(response_rates, WORKBOOK)),
    Step("reliability", Reliability.title, check=_constructs,
         call=call(construct_reliability, WORKBOOK)),
    Step("segments", Segmentation.title, check=_motivation,
         call=call(segment_frames, WORKBOOK, seed=OPTIONS.seed,
                   progress=OPTIONS.progress)),
    Step("tribes", Tribes.title, files=("network",),
         call=call(find_tribes, WORKBOOK, seed=OPTIONS.seed,
                   segments=optional(Segmentation, "the segment mix of each tribe"))),
    Step("hyper_connected", HyperConnected.title, files=("network",),
         call=call(hyper_connected, WORKBOOK, seed=OPTIONS.seed)),
    Step("backstage_leaders", BackstageLeaders.title, files=("network",),
         call=call(backstage_leaders, WORKBOOK, seed=OPTIONS.seed,
                   tribes=optional(Tribes, "the tribes to bridge (else found afresh)"),
                   hyper=optional(HyperConnected,
                                  "the hyper-connected to set aside (else found afresh)"))),
    Step("movement_seeds", MovementSeeds.title, files=("network",),
         call=call(movement_seeds, WORKBOOK, seed=OPTIONS.seed, progress=OPTIONS.progress)),
    Step("reach_to_top", ReachToTop.title, files=("network",), check=_leaders,
         call=call(reach_to_top, WORKBOOK)),
    Step("network_change", NetworkChange.title, files=("network",), check=_network_waves,
         call=call(network_change, WORKBOOK, seed=OPTIONS.seed)),
    Step("non_negotiables", NonNegotiables.title, check=_non_negotiables,
         call=call(non_negotiables, WORKBOOK,
                   segments=optional(Segmentation, "adherence per segment"),
                   tribes=optional(Tribes, "adherence per tribe"))),
    Step("activism", ActivismLadder.title, files=("actions",),
         call=call(activism_ladder, WORKBOOK, seed=OPTIONS.seed,
                   hyper_connected=optional(HyperConnected,
                                            "which advocates are hyper-connected"),
                   tribes=optional(Tribes, "how many tribes have an advocate"))),
    Step("tandems", TandemAnalysis.title, files=("initiatives",),
         call=call(tandem_analysis, WORKBOOK)),
    Step("stories", StoryThemes.title, files=("stories",),
         call=call(story_themes, WORKBOOK, seed=OPTIONS.seed,
                   segments=optional(Segmentation, "the themes' resonance per segment"))),
    Step("waves", WaveComparison.title, check=_two_waves,
         call=call(wave_changes, WORKBOOK, seed=OPTIONS.seed, progress=OPTIONS.progress,
                   smallest_effect=OPTIONS.smallest_effect,
                   smallest_share_change=OPTIONS.smallest_share_change,
                   segmentation=optional(Segmentation,
                                         "the number of segments movers are followed across"))),
    Step("favourability", Favourability.title, check=_scored_items,
         call=call(favourability, WORKBOOK)),
    Step("heatmap", ItemHeatmap.title, check=_grouped_items,
         call=call(item_heatmap, WORKBOOK)),
    Step("enps", ENPS.title, check=_enps_item, call=call(enps, WORKBOOK)),
    Step("drivers", KeyDrivers.title, check=_drivers,
         call=call(key_drivers, WORKBOOK, seed=OPTIONS.seed, progress=OPTIONS.progress)),
    Step("comments", Comments.title, files=("comments",),
         call=call(comment_themes, WORKBOOK, seed=OPTIONS.seed)),
    Step("indicators", MovementIndicators.title,
         call=call(movement_indicators, WORKBOOK,
                   ladder=optional(ActivismLadder, "the activism levels influence spreads from"),
                   waves=optional(WaveComparison,
                                  "which behaviour changes are significant"))),
    Step("plan", MovementPlan.title,
         call=call(movement_plan, WORKBOOK,
                   hyper_connected=optional(HyperConnected, "the movement starters to engage"),
                   backstage_leaders=optional(BackstageLeaders, "the backstage leaders to engage"),
                   tribes=optional(Tribes, "a connector in every tribe"),
                   segments=optional(Segmentation, "the frame to lead with per segment"),
                   non_negotiables=optional(NonNegotiables, "the weakest links to work on"),
                   tandems=optional(TandemAnalysis, "the grassroots threshold"),
                   indicators=optional(MovementIndicators, "the indicators to track"))),
    Step("revisit", PlanRevisit.title, check=_survey_waves_and_non_negotiables,
         call=call(revisit_plan, WORKBOOK,
                   waves=optional(WaveComparison, "which behaviours moved"))),
)


def step(key: str) -> Step:
    """The step with this key.

    Examples
    --------
    >>> step("waves").needs
    ('segments',)
    >>> step("waves").options  # doctest: +NORMALIZE_WHITESPACE
    {'seed': 'seed', 'progress': 'progress', 'smallest_effect': 'smallest_effect',
     'smallest_share_change': 'smallest_share_change'}
    """
    for s in PIPELINE:
        if s.key == key:
            return s
    raise ConfigError(f"no diagnostic {key!r}; diagnostics: {', '.join(s.key for s in PIPELINE)}.")


def resolve(only: Sequence[str] | None = None,
            pipeline: Sequence[Step] = PIPELINE) -> list[Step]:
    """The steps to run for ``only`` (all when ``None``): those and every step they take.

    Examples
    --------
    >>> [s.key for s in resolve(["waves"])]
    ['segments', 'waves']
    >>> [s.key for s in resolve(["activism"])]
    ['segments', 'tribes', 'hyper_connected', 'activism']
    """
    if only is None:
        return list(pipeline)
    by_key = {s.key: s for s in pipeline}
    unknown = [k for k in only if k not in by_key]
    if unknown:
        raise ConfigError(f"no diagnostic {', '.join(map(repr, unknown))}; diagnostics: "
                          f"{', '.join(by_key)}.")
    wanted: set[str] = set()
    todo = list(only)
    while todo:
        key = todo.pop()
        if key not in wanted:
            wanted.add(key)
            todo.extend(by_key[key].needs)
    return [s for s in pipeline if s.key in wanted]


def _check(pipeline: Sequence[Step]) -> None:
    """Keys unique; every input comes from an earlier step."""
    seen: set[str] = set()
    for s in pipeline:
        if s.key in seen:
            raise ValueError(f"step {s.key!r} is declared twice")
        late = [k for k in s.needs if k not in seen]
        if late:
            raise ValueError(f"step {s.key!r} takes {late}, which must come earlier")
        seen.add(s.key)


_check(PIPELINE)
