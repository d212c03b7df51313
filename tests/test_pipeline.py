"""The run's wiring: the graph of steps, ``only=`` resolution, typed inputs, and the snapshot of
the run's figures taken before the wiring moved into ``diagnostics/pipeline.py``."""

from __future__ import annotations

import ast
import json
import typing
from pathlib import Path

import pytest
from key_figures import SNAPSHOT_DIR, differences, summarise

import diagnostics
from diagnostics import ConfigError, DiagnosticResult, RunOptions, Segmentation, run_all
from diagnostics.pipeline import (
    OPTIONS,
    PIPELINE,
    WORKBOOK,
    Input,
    Step,
    call,
    optional,
    resolve,
    step,
)
from diagnostics.waves import WaveComparison

PACKAGE = Path(diagnostics.__file__).resolve().parent
#: Modules that wire or present the run; every other module is analysis.
NOT_ANALYSIS = {"pipeline", "runner", "cli", "__main__"}
NOT_ANALYSIS_PACKAGES = {"panels", "report"}


# --------------------------------------------------------------------------- snapshot

def test_run_gives_the_figures_of_the_snapshot(sample_run) -> None:
    """The run of the sample (seed 0, as ``culture-diagnostics run data/sample --json`` runs
    it) equals the snapshot taken from main before the pipeline change (see
    tests/key_figures.py). ``tests/test_cli.py`` compares the command itself, with
    ``--seed 3 --min-group-size 8``, with the other snapshot."""
    want = json.loads((SNAPSHOT_DIR / "run_default.json").read_text(encoding="utf-8"))
    got = summarise(json.loads(json.dumps(sample_run.to_json(), allow_nan=False)))
    problems = differences(want, got)
    assert not problems, f"{len(problems)} figures differ, e.g.:\n" + "\n".join(problems[:20])


def test_the_snapshot_comparison_can_fail() -> None:
    want = {"a": {"b": [1.0, "x"], "assignments": {"E1": "A", "E2": "B"}}}
    assert differences(summarise(want), summarise(want)) == []
    moved = {"a": {"b": [1.0 + 1e-6, "x"], "assignments": {"E1": "B", "E2": "A"}}}
    problems = differences(summarise(want), summarise(moved))
    assert any(p.startswith("a/b/0") for p in problems)
    assert any("sha256" in p for p in problems)
    assert differences(summarise(want), {"a": {}})  # missing figures count


# --------------------------------------------------------------------------- the graph

def _hints(function: typing.Callable[..., object]) -> dict[str, typing.Any]:
    """Annotations resolved (names imported under TYPE_CHECKING from the public API)."""
    public = {name: getattr(diagnostics, name) for name in diagnostics.__all__}
    return typing.get_type_hints(function, localns=public)


def test_every_input_comes_from_an_earlier_step_with_that_result_class() -> None:
    seen: dict[str, type[DiagnosticResult]] = {}
    for s in PIPELINE:
        hints = _hints(s.function)
        for keyword, wanted in s.inputs.items():
            assert wanted.key in seen, f"{s.key} takes {wanted.key} before it runs"
            assert keyword in hints, f"{s.function.__name__} has no keyword {keyword}"
            accepted = typing.get_args(hints[keyword]) or (hints[keyword],)
            assert wanted.result in accepted, f"{s.key}.{keyword}: {hints[keyword]}"
            assert (type(None) in accepted) == wanted.optional, f"{s.key}.{keyword}"
        returned = hints["return"]
        assert issubclass(returned, DiagnosticResult) and returned.key == s.key, s.key
        seen[s.key] = returned


def test_options_map_onto_existing_keywords() -> None:
    for s in PIPELINE:
        hints = _hints(s.function)
        for option, keyword in s.options.items():
            assert option in {"seed", "progress", "waves", "smallest_effect",
                              "smallest_share_change"}, option
            assert keyword in hints, f"{s.function.__name__} has no keyword {keyword}"


def test_only_resolves_what_the_steps_take() -> None:
    assert [s.key for s in resolve(["waves"])] == ["segments", "waves"]
    assert [s.key for s in resolve(["reliability"])] == ["reliability"]
    assert [s.key for s in resolve([])] == []
    indicators = [s.key for s in resolve(["indicators"])]
    assert indicators == ["segments", "tribes", "hyper_connected", "activism", "waves",
                          "indicators"]
    with pytest.raises(ConfigError, match="no diagnostic 'wave'"):
        resolve(["wave"])


def test_only_waves_runs_waves_with_the_segments(wb) -> None:
    results = run_all(wb, RunOptions(seed=0), only=["waves"])
    assert list(results.results) == ["segments", "waves"]
    segmentation, waves = results.get(Segmentation), results.get(WaveComparison)
    assert segmentation is not None and waves is not None
    assert waves.flows["from_segment"].isin([*segmentation.assignments, "small flows (combined)"]
                                            ).all()
    assert not results.missing_inputs


def test_a_missing_optional_input_is_none_with_its_reason(wb) -> None:
    bare = wb.select_waves(list(wb.waves))
    codebook = bare.codebook.assign(kind=bare.codebook["kind"].replace("motivation", "other"))
    from dataclasses import replace

    no_motivation = replace(bare, codebook=codebook)
    results = run_all(no_motivation, only=["stories"])
    assert results.to_json()["segments"]["skipped"].startswith("the codebook has fewer than two")
    assert results.missing_inputs == {
        "stories": {"segments": results.to_json()["segments"]["skipped"]}}
    assert set(results.results["stories"].resonance["by"]) == {"department"}


def test_a_step_that_cannot_run_takes_nothing(wb) -> None:
    from dataclasses import replace

    results = run_all(replace(wb, stories=None), only=["stories"])
    assert list(results.results) == ["stories"]
    assert results.to_json()["stories"] == {"skipped": "no stories.csv in the data folder"}


def test_a_required_input_that_did_not_run_skips_the_step(wb) -> None:
    from dataclasses import replace

    from diagnostics.pipeline import required
    from diagnostics.stories import story_themes

    strict = Step("stories", "Stories", files=("stories",),
                  call=call(story_themes, WORKBOOK, segments=required(Segmentation)))
    assert strict.inputs["segments"] == Input(Segmentation, optional=False)
    codebook = wb.codebook.assign(
        kind=wb.codebook["kind"].replace("motivation", "other"))
    book = replace(wb, codebook=codebook)
    from diagnostics import runner

    original = runner.resolve
    try:
        runner.resolve = lambda only: [step("segments"), strict]  # type: ignore[assignment]
        results = run_all(book)
    finally:
        runner.resolve = original
    assert "needs" in results.to_json()["stories"]["skipped"]


def test_placeholders_are_declared() -> None:
    with pytest.raises(AttributeError, match="no option"):
        OPTIONS.sed  # noqa: B018
    with pytest.raises(ValueError, match="why"):
        optional(Segmentation, "")
    with pytest.raises(ValueError, match="no workbook table"):
        Step("x", "X", files=("netwerk",), call=call(lambda wb: None, WORKBOOK))  # type: ignore[arg-type, return-value]
    assert step("activism").options == {"seed": "seed"}


WRONG_STEP = """
from diagnostics.activism import activism_ladder
from diagnostics.network import Tribes
from diagnostics.pipeline import OPTIONS, WORKBOOK, Step, call, optional

Step("activism", "Activism", call=call(activism_ladder, WORKBOOK, seed=OPTIONS.seed,
                                       hyper_connected=optional(Tribes, "a wrong type")))
Step("activism", "Activism", call=call(activism_ladder, WORKBOOK, random_seed=OPTIONS.seed))
"""


def test_the_type_checker_rejects_a_wrong_result_type(tmp_path: Path) -> None:
    """mypy (run by ``make test``) catches a step that passes the wrong result type or a
    keyword the function does not have."""
    pytest.importorskip("mypy")
    import subprocess
    import sys

    wrong = tmp_path / "wrong_step.py"
    wrong.write_text(WRONG_STEP, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--config-file", "pyproject.toml",
                           "--follow-imports", "silent", str(wrong)],
                          capture_output=True, text=True, check=False, timeout=600)
    out = done.stdout
    assert done.returncode == 1, out
    assert 'Argument "hyper_connected" to "call" has incompatible type "Tribes | None"' in out
    assert 'Unexpected keyword argument "random_seed"' in out
    assert "Found 2 errors in 1 file" in out, out  # the package itself is clean


def test_min_group_size_is_set_once_on_the_workbook(wb) -> None:
    assert wb.with_min_group_size(9).guard.min_group_size == 9
    assert wb.guard.min_group_size == 5
    with pytest.warns(DeprecationWarning, match="min_group_size"):
        options = RunOptions(min_group_size=9)
    results = run_all(wb, options, only=["reliability"])
    assert results.workbook.guard.min_group_size == 9


# --------------------------------------------------------------------------- imports

def _modules() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their own name)."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(["diagnostics", *parts])] = path
    return out


MODULES = frozenset(_modules())


def _imports(name: str, path: Path, *, runtime_only: bool) -> set[str]:
    """Modules of ``diagnostics`` that ``name`` imports (optionally: not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    skip: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("diagnostics"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("diagnostics"):
                # ``from pkg import sub`` imports the submodule; ``from pkg import name``
                # the package (or module) that defines the name
                subs = {f"{mod}.{a.name}" for a in node.names} & MODULES
                found |= subs
                if len(subs) < len(node.names):
                    found.add(mod)
    return found


def test_no_analysis_module_imports_the_pipeline_or_the_runner() -> None:
    offenders = []
    for name, path in _modules().items():
        parts = name.split(".")
        if name == "diagnostics" or parts[-1] in NOT_ANALYSIS or (len(parts) > 1 and parts[1] in NOT_ANALYSIS_PACKAGES):
            continue
        bad = {m for m in _imports(name, path, runtime_only=False)
               if m.startswith(("diagnostics.pipeline", "diagnostics.runner"))}
        if bad:
            offenders.append(f"{name}: {sorted(bad)}")
        assert "STEPS" not in path.read_text(encoding="utf-8"), name
    assert not offenders, offenders


def test_no_import_cycle_in_diagnostics() -> None:
    """No module of ``diagnostics`` imports itself back through others (imports inside
    functions count; imports under ``TYPE_CHECKING`` do not)."""
    modules = _modules()
    graph = {name: {m for m in _imports(name, path, runtime_only=True)
                    if m in modules and m != name}
             for name, path in modules.items()}
    cycles = _cycles(graph)
    assert not cycles, "\n".join(" -> ".join([*c, c[0]]) for c in cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found

