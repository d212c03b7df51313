"""Run every diagnostic the data allow, in order, and gather the contract's JSON."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import DiagnosticsError, InsufficientDataError
from .privacy import check_minimums
from .results import DiagnosticResult, Skipped, jsonable
from .workbook import Workbook

__all__ = ["Step", "RunOptions", "RunResults", "run_all", "CONTRACT_KEYS", "steps"]

#: Top-level keys of the JSON results, in the contract's order.
CONTRACT_KEYS: tuple[str, ...] = (
    "segments", "non_negotiables", "tribes", "hyper_connected", "backstage_leaders",
    "movement_seeds", "reach_to_top", "activism", "tandems", "stories", "waves", "reliability",
)

#: Modules that define a module-level ``STEPS`` list of :class:`Step` (in running order).
_STEP_MODULES: tuple[str, ...] = (
    "diagnostics.reliability",
    "diagnostics.segments",
    "diagnostics.network",
    "diagnostics.behaviours",
    "diagnostics.activism",
    "diagnostics.tandems",
    "diagnostics.stories",
    "diagnostics.waves",
    "diagnostics.indicators",  # last: it reads activism and waves from the results so far
)


@dataclass(frozen=True)
class RunOptions:
    """Options shared by ``run`` and ``report``."""

    min_group_size: int | None = None
    #: Accept a minimum below 3 (figures) or 5 (free text); every output then says so.
    allow_small_groups: bool = False
    seed: int = 0
    waves: tuple[str, ...] | None = None
    progress: bool = False


@dataclass(frozen=True)
class Step:
    """One diagnostic in the run.

    ``requires`` returns a one-line reason to skip, or ``None`` when the workbook has
    what the diagnostic needs; ``run`` computes it, given the results so far.
    """

    key: str
    title: str
    requires: Callable[[Workbook], str | None]
    run: Callable[[Workbook, RunOptions, Mapping[str, DiagnosticResult]], DiagnosticResult]


@dataclass(frozen=True)
class RunResults:
    """What one run produced: a result or a skip per key, and warnings."""

    workbook: Workbook
    results: dict[str, DiagnosticResult | Skipped]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def ran(self) -> dict[str, DiagnosticResult]:
        return {k: v for k, v in self.results.items() if isinstance(v, DiagnosticResult)}

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON: every key present, ``{"skipped": reason}`` when it did not run."""
        out: dict[str, Any] = {}
        for key in CONTRACT_KEYS:
            value = self.results.get(key, Skipped(key, "not available in this version"))
            out[key] = value.to_json()
        for key, value in self.results.items():
            if key not in out:
                out[key] = value.to_json()
        out["warnings"] = list(self.warnings)
        return jsonable(out)


def steps() -> list[Step]:
    """All registered steps, in running order (modules not yet present are passed over)."""
    found: list[Step] = []
    for name in _STEP_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name == name:
                continue
            raise
        found.extend(getattr(module, "STEPS", []))
    return found


def run_all(workbook: Workbook, options: RunOptions = RunOptions(), *,
            only: Sequence[str] | None = None,
            on_step: Callable[[str], None] | None = None) -> RunResults:
    """Run every diagnostic the workbook allows.

    Parameters
    ----------
    workbook
        A loaded data folder.
    options
        Minimum group size, seed, waves, progress bars.
    only
        Run only these keys (and what they need).
    on_step
        Called with each step's title before it runs (for a progress bar).

    Returns
    -------
    RunResults

    Examples
    --------
    >>> from diagnostics import load
    >>> results = run_all(load("data/sample"))
    >>> data = results.to_json()
    >>> set(CONTRACT_KEYS) <= set(data) and isinstance(data["warnings"], list)
    True
    """
    if options.min_group_size is not None or options.allow_small_groups:
        config = workbook.config.with_options(
            min_group_size=options.min_group_size,
            allow_small_groups=options.allow_small_groups or workbook.config.allow_small_groups)
        check_minimums(config.min_group_size, config.min_text_group_size,
                       allow_small_groups=config.allow_small_groups)
        workbook = Workbook(workbook.folder, config, workbook.survey, workbook.codebook,
            workbook.attributes, workbook.waves, workbook.network, workbook.actions,
            workbook.initiatives, workbook.stories, workbook.problems)
    if options.waves:
        workbook = workbook.select_waves(list(options.waves))
    warnings: list[str] = list(workbook.warnings)
    if workbook.config.privacy_warning:
        warnings.insert(0, workbook.config.privacy_warning)
    results: dict[str, DiagnosticResult | Skipped] = {}
    done: dict[str, DiagnosticResult] = {}
    for step in steps():
        if only is not None and step.key not in only:
            continue
        if on_step is not None:
            on_step(step.title)
        reason = step.requires(workbook)
        if reason is not None:
            results[step.key] = Skipped(step.key, reason)
            continue
        try:
            result = step.run(workbook, options, done)
        except InsufficientDataError as err:
            results[step.key] = Skipped(step.key, str(err))
            continue
        except DiagnosticsError as err:
            results[step.key] = Skipped(step.key, str(err))
            warnings.append(f"{step.title} did not run: {err}")
            continue
        results[step.key] = result
        done[step.key] = result
    results, release_notes = release_step(workbook, options, results, done)
    for key, result in results.items():
        if isinstance(result, DiagnosticResult):
            title = next((s.title for s in steps() if s.key == key), key)
            warnings.extend(f"{title}: {w}" for w in result.warnings)
    warnings.extend(release_notes)
    return RunResults(workbook, results, tuple(warnings))


def release_step(workbook: Workbook, options: RunOptions,
                 results: dict[str, DiagnosticResult | Skipped],
                 done: Mapping[str, DiagnosticResult]
                 ) -> tuple[dict[str, DiagnosticResult | Skipped], list[str]]:
    """The release control over every group figure of the run (:mod:`diagnostics.release`).

    A diagnostic whose figures could be subtracted from another's is run again with the
    group withheld; returns the released results and a sentence per withheld group.
    """
    from .release import release

    by_key = {s.key: s for s in steps()}

    def rerun(key: str, withholding: Workbook) -> DiagnosticResult:
        earlier = {k: v for k, v in done.items() if k != key}
        return by_key[key].run(withholding, options, earlier)

    released, notes, _ = release(dict(results), workbook, rerun=rerun)
    return released, notes
