"""Benchmark: thousands of fuzzed data folders, each ending in a result or a clear error.

The cases are those of the test suite's fuzz test (``tests/fuzzing.py``: random bytes, cell
and header mutations of every file kind, the survey as a mutated .xlsx), generated without
shrinking; every usable folder is also run through every diagnostic, the JSON results and
the HTML and Excel report. A failure (an exception that is not a DataError/ConfigError, a
traceback or a control character printed, an input file changed, a case over the time
limit) is listed in the row with the mutations that caused it. A 4 GB xlsx bomb (4 MB on
disk) is timed on its own.
"""

from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks import timed

ROOT = Path(__file__).resolve().parent.parent
#: A case slower than this is a failure (a hang).
CASE_LIMIT_SECONDS = 30.0


def _bomb(path: Path, unpacked: int) -> None:
    """An .xlsx whose sheet is a valid survey padded with ``unpacked`` bytes of spaces."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fuzzing import _to_xlsx, original_files

    real = _to_xlsx(original_files()["survey.csv"])
    chunk = b" " * 2**20
    with zipfile.ZipFile(io.BytesIO(real)) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, content)
                continue
            head, tail = content.split(b"</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as out:
                out.write(head)
                for _ in range(unpacked // len(chunk)):
                    out.write(chunk)
                out.write(b"</sheetData>" + tail)


def _fuzz(examples: int, run_every: int) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from fuzzing import apply, cases, check, original_files
    from hypothesis import HealthCheck, Phase, given, settings

    original = original_files()
    outcomes: dict[str, int] = {}
    failures: list[str] = []
    slowest = [0.0]
    count = [0]

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(cases)
    def one(mutations) -> None:
        count[0] += 1
        start = time.perf_counter()
        try:
            outcome = check(apply(original, mutations), run=count[0] % run_every == 0)
        except BaseException as err:  # noqa: BLE001 - every failure is recorded
            outcome = "FAILED"
            failures.append(f"{type(err).__name__}: {str(err)[:300]} <- {mutations!r}"[:1200])
        seconds = time.perf_counter() - start
        slowest[0] = max(slowest[0], seconds)
        if seconds > CASE_LIMIT_SECONDS:
            failures.append(f"slow ({seconds:.1f} s) <- {mutations!r}"[:1200])
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    one()
    return {"cases": count[0], "outcomes": outcomes, "failures": len(failures),
            "failure_list": failures[:30], "slowest_case_s": round(slowest[0], 2)}


def run(quick: bool = False) -> list[dict]:
    import os

    examples = 200 if quick else int(os.environ.get("FUZZ_CASES", "3000"))
    seconds, found = timed(lambda: _fuzz(examples, run_every=10))
    rows = [{"benchmark": "fuzz: mutated folders (validate, CLI; run+report every 10th)",
             "size": f"{found['cases']} cases", "seconds": round(seconds, 1), **found}]
    from diagnostics import validate

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for name in ("codebook.csv",):
            (folder / name).write_bytes((ROOT / "tests/fixtures/valid" / name).read_bytes())
        unpacked = (256 if quick else 4096) * 2**20
        _bomb(folder / "survey.xlsx", unpacked)
        size = (folder / "survey.xlsx").stat().st_size
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seconds, report = timed(lambda: validate(folder))
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        rows.append({"benchmark": "fuzz: xlsx bomb refused before unpacking",
                     "size": f"{size / 2**20:.1f} MB -> {unpacked / 2**30:.2f} GB",
                     "seconds": round(seconds, 3), "peak_growth_mb": round(grown, 1),
                     "problem": str(report.problems[0]) if report.problems else "none"})
    return rows
