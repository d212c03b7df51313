"""Run every diagnostic the data allow, in order, and gather the contract's JSON.

The steps, their order, inputs and options are declared in :mod:`diagnostics.pipeline`;
this module runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .errors import DiagnosticsError, InsufficientDataError
from .pipeline import PIPELINE, RunOptions, Step, resolve
from .results import DiagnosticResult, Skipped, jsonable
from .workbook import Workbook

__all__ = ["Step", "RunOptions", "RunResults", "run_all", "CONTRACT_KEYS", "steps",
           "RELEASE_TITLE"]

R = TypeVar("R", bound=DiagnosticResult)

#: What ``on_step`` is called with before the release control (after every step).
RELEASE_TITLE = "Privacy audit of what is released"

#: Top-level keys of the JSON results, in the contract's order.
CONTRACT_KEYS: tuple[str, ...] = (
    "segments", "non_negotiables", "tribes", "hyper_connected", "backstage_leaders",
    "movement_seeds", "reach_to_top", "activism", "tandems", "stories", "waves", "reliability",
    "drivers", "enps", "plan", "participation",
)


@dataclass(frozen=True)
class RunResults:
    """What one run produced: a result or a skip per key, and warnings."""

    workbook: Workbook
    results: dict[str, DiagnosticResult | Skipped]
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: Optional inputs a step ran without: ``{step: {keyword: reason}}``.
    missing_inputs: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, result: type[R]) -> R | None:
        """The result of this class when its step ran, else ``None`` (typed lookup).

        Examples
        --------
        >>> from diagnostics import Segmentation, load
        >>> run_all(load("data/sample"), only=["reliability"]).get(Segmentation) is None
        True
        """
        value = self.results.get(result.key)
        return value if isinstance(value, result) else None

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
        data: dict[str, Any] = jsonable(out)
        return data


def steps() -> list[Step]:
    """All steps of the pipeline, in running order."""
    return list(PIPELINE)


def run_all(workbook: Workbook, options: RunOptions | None = None, *,
            only: Sequence[str] | None = None,
            on_step: Callable[[str], None] | None = None) -> RunResults:
    """Run every diagnostic the workbook allows.

    Parameters
    ----------
    workbook
        A loaded data folder (its privacy minimum is the one used).
    options
        Seed, waves, progress bars (default: ``RunOptions()``).
    only
        Run only these keys and every step whose result they take (see
        :func:`diagnostics.pipeline.resolve`).
    on_step
        Called with each step's title before it runs, then with :data:`RELEASE_TITLE`
        before the release control (for a progress bar or a profile).

    Returns
    -------
    RunResults

    Raises
    ------
    ConfigError
        When ``only`` names a step that does not exist, or ``options.waves`` a wave that is not
        in the data.

    Examples
    --------
    >>> from diagnostics import load
    >>> results = run_all(load("data/sample"), only=["waves"])
    >>> list(results.results)
    ['segments', 'waves']
    >>> data = results.to_json()
    >>> set(CONTRACT_KEYS) <= set(data) and isinstance(data["warnings"], list)
    True
    """
    chosen = resolve(only)
    options = RunOptions() if options is None else options
    if options.min_group_size is not None:  # deprecated route, kept for one release
        workbook = workbook.with_min_group_size(options.min_group_size)
    if options.waves:
        workbook = workbook.select_waves(list(options.waves))
    if only is not None:  # what only a step that cannot run would take is not computed
        runnable = [s.key for s in chosen if s.key in only and s.requires(workbook) is None]
        keep = {s.key for s in resolve(runnable)} | set(only)
        chosen = [s for s in chosen if s.key in keep]
    warnings: list[str] = list(workbook.warnings)
    if workbook.config.privacy_warning:
        warnings.insert(0, workbook.config.privacy_warning)
    # groups below the minimum counted together once, for every step (diagnostics.privacy)
    workbook, pooled = workbook.pool_small_groups()
    warnings.extend(pooled)
    results: dict[str, DiagnosticResult | Skipped] = {}
    missing_inputs: dict[str, dict[str, str]] = {}
    inputs_of: dict[str, dict[str, DiagnosticResult | None]] = {}
    for step in chosen:
        if on_step is not None:
            on_step(step.title)
        reason = step.requires(workbook)
        inputs: dict[str, DiagnosticResult | None] = {}
        for keyword, wanted in step.inputs.items():
            got = results.get(wanted.key)
            if isinstance(got, DiagnosticResult):
                inputs[wanted.key] = got
                continue
            why = got.reason if isinstance(got, Skipped) else "it did not run"
            if wanted.optional:
                inputs[wanted.key] = None
                missing_inputs.setdefault(step.key, {})[keyword] = why
            elif reason is None:
                reason = f"it needs {wanted.result.title}, which did not run: {why}"
        if reason is not None:
            results[step.key] = Skipped(step.key, reason)
            continue
        try:
            result = step.call.bind(workbook, options, inputs)
        except InsufficientDataError as err:
            results[step.key] = Skipped(step.key, str(err))
            continue
        except DiagnosticsError as err:
            results[step.key] = Skipped(step.key, str(err))
            warnings.append(f"{step.title} did not run: {err}")
            continue
        results[step.key] = result
        inputs_of[step.key] = inputs
        warnings.extend(f"{step.title}: {w}" for w in result.warnings)
    if on_step is not None:
        on_step(RELEASE_TITLE)
    results, release_notes = release_step(workbook, options, results, inputs_of)
    warnings.extend(release_notes)
    return RunResults(workbook, results, tuple(warnings), missing_inputs)


def release_step(workbook: Workbook, options: RunOptions,
                 results: dict[str, DiagnosticResult | Skipped],
                 inputs_of: dict[str, dict[str, DiagnosticResult | None]]
                 ) -> tuple[dict[str, DiagnosticResult | Skipped], list[str]]:
    """The release control over every group figure of the run (:mod:`diagnostics.release`).

    A diagnostic whose figures could be subtracted from another's is run again, with the
    inputs it had, on a workbook whose guard withholds the group; returns the released
    results and a sentence per withheld group. Steps that took its result as an input keep
    the one they had (they read no group figure of it).
    """
    from .release import release

    by_key = {s.key: s for s in PIPELINE}

    def rerun(key: str, withholding: Workbook) -> DiagnosticResult:
        return by_key[key].call.bind(withholding, options, inputs_of.get(key, {}))

    released, notes, _ = release(dict(results), workbook, rerun=rerun)
    return released, notes
