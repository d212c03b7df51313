"""Run the benchmarks, each module in its own process; print a table and save the rows."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _modules(names: list[str]) -> list[str]:
    found = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if not names:
        return found
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in names]
    unknown = [n for n in wanted if n not in found]
    if unknown:
        sys.exit(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(found)}")
    return wanted


def _run_one(module: str, quick: bool) -> tuple[list[dict], float]:
    code = (f"import json, benchmarks.{module} as m; "
            f"print('\\x1e' + json.dumps(m.run(quick={quick!r})))")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            cwd=HERE.parent, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0 or "\x1e" not in out:
        raise SystemExit(f"{module} failed (exit {proc.returncode})")
    rows = json.loads(out.rsplit("\x1e", 1)[1])
    return rows, usage.ru_maxrss / 1024  # KiB -> MiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes only (a smoke run)")
    args = parser.parse_args()
    rows: list[dict] = []
    for module in _modules(args.names):
        found, peak = _run_one(module, args.quick)
        for row in found:
            row.setdefault("peak_mb_process", round(peak, 1))
            rows.append(row)
            print(f"{row['benchmark']:<45} {str(row['size']):>22} {row['seconds']:>9.2f} s "
                  f"{row['peak_mb_process']:>8.0f} MB", flush=True)
    meta = {"python": platform.python_version(), "machine": platform.machine(),
            "cpus": os.cpu_count()}
    out = HERE / "results" / ("quick.json" if args.quick else "latest.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")
    print(f"saved {out}")


if __name__ == "__main__":
    main()
