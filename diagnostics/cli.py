"""The ``culture-diagnostics`` command: a thin translator from arguments to library calls."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from .errors import DiagnosticsError, format_problems
from .inputs import printable
from .loading import load, validate
from .outputs import atomic_write_json, check_output
from .profiling import StepProfiler
from .runner import RunOptions, run_all
from .words import count

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_DATA = 0, 1, 2


def _waves(text: str) -> tuple[str, ...]:
    waves = tuple(w.strip() for w in text.split(",") if w.strip())
    if not waves:
        raise argparse.ArgumentTypeError("expected wave names separated by commas, e.g. 2025-H1,2025-H2")
    return waves


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="culture-diagnostics",
        description="Culture diagnostic workbook: validate a data folder, run the diagnostics, "
                    "write the client report, or make a synthetic sample organisation.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a data folder (exit 0 when usable, 2 when not)")
    p.add_argument("data", type=Path, help="the data folder")

    def shared(p: argparse.ArgumentParser) -> None:
        p.add_argument("data", type=Path, help="the data folder")
        p.add_argument("--min-group-size", type=_positive, default=None,
                       help="privacy minimum: no figure about a smaller group (default: "
                            "workbook.toml, else 5)")
        p.add_argument("--allow-small-groups", action="store_true",
                       help="accept a privacy minimum below 3 (or below 5 for comments and "
                            "stories); every output then carries a warning")
        p.add_argument("--pseudonym-key", type=Path, default=None, metavar="FILE",
                       help="key file for pseudonyms that stay the same across runs and waves "
                            "(created when absent; keep it outside the data and output "
                            "folders). Default: a new random key for each run")
        p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
        p.add_argument("--waves", type=_waves, default=None,
                       help="waves to use, in order, e.g. 2025-H1,2025-H2 (default: all)")
        p.add_argument("--quiet", action="store_true", help="no progress bar")
        p.add_argument("--smallest-effect", type=float, default=None, metavar="D",
                       help="smallest change between waves that matters, in standard "
                            "deviations (default: workbook.toml, else 0.1)")
        p.add_argument("--smallest-share-change", type=float, default=None, metavar="P",
                       help="the same for shares, as a share: 0.03 is 3 points (default: "
                            "workbook.toml, else 0.03)")

    p = sub.add_parser("run", help="run every diagnostic the data allow; write JSON results")
    shared(p)
    p.add_argument("--json", type=Path, required=True, dest="json_out", help="where to write the results")
    p.add_argument("--profile", action="store_true",
                   help="print each step's time and the process's peak memory during it")

    p = sub.add_parser("report", help="write the client report")
    shared(p)
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--format", default=None,
                   help="comma-separated formats: html, pdf, pptx, xlsx (default: all; with "
                        "--by: html)")
    p.add_argument("--names", action="store_true",
                   help="show people's ids instead of pseudonyms (analyst use only)")
    p.add_argument("--by", default=None, metavar="ATTRIBUTE|manager",
                   help="one report per group of ATTRIBUTE (e.g. department), or per manager's "
                        "reporting line from roster.csv, with an index page")
    p.add_argument("--profile", action="store_true",
                   help="print each step's time and peak memory, and the report's stages")

    p = sub.add_parser("import", help="turn a raw survey export into a data folder with a "
                                      "drafted codebook")
    p.add_argument("export", type=Path, help="the export (CSV, TSV or XLSX) as the survey "
                                             "tool wrote it")
    p.add_argument("--out", type=Path, required=True, help="the data folder to write (new)")
    p.add_argument("--keep-all", action="store_true",
                   help="keep preview, test, spam and unfinished responses")
    p.add_argument("--id-column", default=None,
                   help="the column that holds the respondent id (default: the tool's "
                        "response or employee id)")
    p.add_argument("--codebook", type=Path, default=None,
                   help="the codebook.csv written by `culture-diagnostics instrument`, when the "
                        "answers were collected with the workbook's questionnaire (its network, "
                        "action and story questions become network.csv, actions.csv and "
                        "stories.csv)")
    p.add_argument("--roster", type=Path, default=None,
                   help="with --codebook: roster.csv whose attributes (department, level, ...) "
                        "are joined to the answers")
    p.add_argument("--wave", default=None, help="with --codebook: the wave of these answers")

    p = sub.add_parser("import-ties", help="turn e-mail or chat metadata into network.csv "
                                           "(never reads message content)")
    p.add_argument("export", type=Path, help="mbox, message-trace CSV, Slack export (zip or "
                                             "folder) or Viva Insights person-to-person CSV")
    p.add_argument("--people", type=Path, required=True,
                   help="CSV with respondent_id and email (roster.csv will do)")
    p.add_argument("--out", type=Path, required=True, help="the network.csv to write")
    p.add_argument("--broadcast", type=_positive, default=10,
                   help="messages to more recipients than this are broadcasts, not ties "
                        "(default 10)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("sample", help="write a synthetic organisation's data folder with its planted truth")
    p.add_argument("dir", type=Path, help="folder to write")
    p.add_argument("--people", type=_positive, default=600, help="people in the organisation (default 600)")
    p.add_argument("--seed", type=int, default=7, help="random seed (default 7)")

    p = sub.add_parser("instrument", help="write the questionnaire that collects the workbook's "
                                          "inputs, with its codebook")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--format", default="xlsform,qualtrics,limesurvey",
                   help="comma-separated: xlsform, qualtrics, limesurvey (default: all)")
    p.add_argument("--lang", default="en,nl", help="languages, base first (default en,nl)")
    p.add_argument("--organisation", default="our organisation",
                   help="the organisation's name as the questions use it")
    p.add_argument("--non-negotiable", action="append", default=None, dest="non_negotiables",
                   metavar="TEXT", help="one of the client's non-negotiable behaviours "
                                        "(repeat for each; default: four examples)")
    p.add_argument("--max-names", type=_positive, default=5,
                   help="colleagues each network question allows (default 5)")
    p.add_argument("--roster", type=Path, default=None,
                   help="roster.csv: invited people (respondent_id, optional name) offered "
                        "as choices in the network questions")
    return parser


def _progress(quiet: bool, total: int, desc: str) -> tqdm:
    return tqdm(total=total, desc=desc, unit="step", disable=quiet, file=sys.stderr, leave=False)


def _run(args: argparse.Namespace) -> int:
    from .pipeline import resolve

    if args.command == "run":
        check_output(args.json_out, data=args.data, kind="file", option="--json")
    else:
        check_output(args.out, data=args.data)
    if args.smallest_effect is not None or args.smallest_share_change is not None:
        from .waves import check_margins

        check_margins(smallest_effect=0.1 if args.smallest_effect is None
                      else args.smallest_effect,
                      smallest_share_change=0.03 if args.smallest_share_change is None
                      else args.smallest_share_change)
    profiler = StepProfiler() if getattr(args, "profile", False) else None
    if profiler is not None:
        profiler.start("loading and validation")
    key_file = args.pseudonym_key
    if key_file is not None:
        out = getattr(args, "out", None) or getattr(args, "json_out", None)
        if out is not None:
            target = Path(out).resolve()
            folder = target if args.command == "report" else target.parent
            where = Path(key_file).expanduser().resolve()
            if where == target or folder in where.parents:
                from .errors import ConfigError

                raise ConfigError(f"--pseudonym-key {key_file}: the key file is inside the output "
                                  f"folder {folder}; keep it elsewhere, or whoever receives the "
                                  "outputs could reverse the pseudonyms.")
    workbook = load(args.data, min_group_size=args.min_group_size,
                    allow_small_groups=args.allow_small_groups, pseudonym_key=key_file)
    options = RunOptions(seed=args.seed, waves=args.waves, progress=not args.quiet,
                         smallest_effect=args.smallest_effect,
                         smallest_share_change=args.smallest_share_change)
    if args.command == "report" and args.by:
        from .report.units import write_unit_reports

        formats = [f.strip().lower() for f in (args.format or "html").split(",") if f.strip()]
        done = write_unit_reports(workbook, args.out, by=args.by, formats=formats,
                                  options=options, names=args.names, progress=not args.quiet)
        _say(f"Wrote {done.index}: {count(len(done.written), 'report')}, {count(len(done.skipped), 'unit')} "
              "without a report (listed there with the reason).")
        return EXIT_OK
    with _progress(args.quiet, len(resolve()) + 1, "diagnostics") as bar:  # + the audit
        def on_step(title: str) -> None:
            if profiler is not None:
                profiler.start(title)
            bar.set_postfix_str(title)
            bar.update(1)
        results = run_all(workbook, options, on_step=on_step)
    if profiler is not None:
        profiler.start("writing the report" if args.command == "report" else "writing the results")
    if args.command == "run":
        atomic_write_json(args.json_out, results.to_json())
        if profiler is not None:
            print(profiler.report())
        ran = len(results.ran())
        _say(f"Wrote {args.json_out}: {count(ran, 'diagnostic')} ran, "
              f"{len(results.results) - ran} skipped, {count(len(results.warnings), 'warning')}.")
        return EXIT_OK
    from .report import write_report

    formats = [f.strip().lower() for f in (args.format or "html,pdf,pptx,xlsx").split(",")
               if f.strip()]
    written = write_report(results, args.out, formats=formats, names=args.names,
                           progress=not args.quiet)
    if profiler is not None:
        print(profiler.report())
        print("report stages, wall seconds (chromium prints the PDF while the other formats "
              "are written): " + ", ".join(f"{k} {v:.2f}" for k, v in written.seconds.items()))
    for path in written:
        _say(f"Wrote {path}")
    return EXIT_OK


def _say(text: object = "", *, file: TextIO | None = None) -> None:
    """Print ``text`` with every control character shown as an escape (no terminal tricks)."""
    print("\n".join(printable(line) for line in str(text).split("\n")),
          file=file or sys.stdout)


def _validate(args: argparse.Namespace) -> int:
    report = validate(args.data)
    errors, warnings = report.errors, report.warnings
    if errors:
        _say(f"{args.data}: NOT usable: {count(len(errors), 'problem')} to fix.")
    else:
        _say(f"{args.data}: usable. {report.workbook!r}")
    if report.files:
        _say("Files read:\n" + "\n".join(f"  {line}" for line in report.files))
    if errors:
        _say(f"{count(len(errors), 'problem')}:")
        _say(format_problems(errors))
    if warnings:
        _say(f"{count(len(warnings), 'warning')} (the data were used after the stated repair):")
        _say(format_problems(warnings))
    return EXIT_DATA if errors else EXIT_OK


def _interrupt(signum: int, _frame: object) -> None:
    """SIGTERM ends the run like Ctrl-C: cleanup code runs, nothing partial is left."""
    raise KeyboardInterrupt


def _instrument(args: argparse.Namespace) -> int:
    from .instrument import build_instrument
    from .reading import read_table

    roster = None
    if args.roster is not None:
        table, problems = read_table(args.roster)
        if table is None or problems:
            from .errors import DataError

            raise DataError(problems or [])
        roster = table.frame
    instrument = build_instrument(organisation=args.organisation,
                                  non_negotiables=args.non_negotiables,
                                  languages=args.lang.split(","), max_names=args.max_names,
                                  roster=roster)
    for path in instrument.write(args.out, formats=args.format.split(",")):
        _say(f"Wrote {path}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``culture-diagnostics``; returns the exit code."""
    args = _parser().parse_args(argv)
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread (a test, an embedding program)
        pass
    try:
        if args.command == "validate":
            code = _validate(args)
        elif args.command == "import" and args.codebook is not None:
            from .instrument import collect_folder

            counts = collect_folder(args.export, codebook=args.codebook, out=args.out,
                                    roster=args.roster, wave=args.wave, keep_all=args.keep_all)
            _say(f"Wrote {args.out}: {counts['responses']} responses "
                 f"({counts['left_out']} unfinished or previews left out), {counts['ties']} "
                 f"ties, {counts['actions']} actions, {counts['stories']} stories.")
            code = EXIT_OK
        elif args.command == "import":
            from .importing import import_export

            result = import_export(args.export, args.out, keep_all=args.keep_all,
                                   id_column=args.id_column)
            if str(result.report):
                _say(str(result.report).rstrip("\n"))
            _say(f"Wrote {result.folder}: survey.csv, codebook.csv"
                 + (", comments.csv" if result.comments else "") + ", import-report.txt.")
            code = EXIT_OK
        elif args.command == "import-ties":
            from .importing.ties import import_ties

            ties = import_ties(args.export, args.people, args.out, broadcast=args.broadcast,
                               progress=not args.quiet)
            if ties.summary():
                _say(ties.summary().rstrip("\n"))
            code = EXIT_OK
        elif args.command == "sample":
            from .sample import write_sample

            folder = write_sample(args.dir, people=args.people, seed=args.seed)
            _say(f"Wrote a synthetic organisation to {folder} (planted truth in truth.json).")
            code = EXIT_OK
        elif args.command == "instrument":
            code = _instrument(args)
        else:
            code = _run(args)
        sys.stdout.flush()
        return code
    except DiagnosticsError as err:
        _say(f"culture-diagnostics: {err}", file=sys.stderr)
        from .errors import DataError

        return EXIT_DATA if isinstance(err, DataError) else EXIT_FAILED
    except KeyboardInterrupt:
        _say("culture-diagnostics: interrupted; nothing partial was written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``validate DATA | head -1``): stop quietly, and keep Python
        # from complaining again when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        return EXIT_FAILED
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
