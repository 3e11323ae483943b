"""`hil report`: the regression report of a run from the results history, as self-contained
HTML (plus JSON and a Markdown summary on request)."""

from __future__ import annotations

import sys
from pathlib import Path

from hil.errors import ConfigError
from hil.results.store import ResultsStore, default_db_path, describe_state


def load_report_package():
    """hil.report needs matplotlib (the `report` extra); imported on use so that the other
    `hil` commands work without it."""
    try:
        import hil.report
    except ImportError as exc:
        raise ConfigError(f"hil report needs matplotlib ({exc}): pip install 'tinyml-hil[report]'") from None
    return hil.report


def parse_tolerance(text: str) -> float:
    """'2%' or '0.02' -> 0.02."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ConfigError(f"--tolerance {text!r}: give a fraction (0.02) or a percentage (2%)") from None
    if value < 0:
        raise ConfigError(f"--tolerance {text!r} must not be negative")
    return value


def add_report_options(parser) -> None:
    """Options shared by `hil report` and `hil nightly`."""
    parser.add_argument("--db", type=Path, default=None,
                        help="results database (default: $HIL_RESULTS_DB, else reports/results.sqlite)")
    parser.add_argument("--trend-runs", type=int, default=20, metavar="N", help="runs in the trend charts (20)")
    parser.add_argument("--tolerance", default="2%", help="cycle growth that counts as a regression, e.g. 2%% or "
                        "0.02 (default 2%%; a model's [timing] cycles_tolerance wins)")
    parser.add_argument("--footprint-tolerance", type=int, default=0, metavar="BYTES",
                        help="flash/RAM/arena growth allowed before it is a regression (default 0)")
    parser.add_argument("--no-step-summary", action="store_true",
                        help="do not append the Markdown summary to $GITHUB_STEP_SUMMARY")


def options_from(args):
    if args.trend_runs < 1:
        raise ConfigError("--trend-runs must be at least 1")
    return load_report_package().ReportOptions(trend_runs=args.trend_runs, tolerance=parse_tolerance(args.tolerance),
                         footprint_tolerance_bytes=args.footprint_tolerance)


def print_outcome(written, stream=None) -> None:
    stream = stream or sys.stdout
    report = written.report
    s, run = report["summary"], report["run"]
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(s["outcomes"].items()))
    prev = report["previous_run"]
    against = f"vs {report['against']}" if prev else "(no previous comparable run)"
    state = "" if run["complete"] else f" [{describe_state(run)}]"
    print(f"run #{run['id']} on {run.get('board')}{state}: {s['total']} tests ({outcomes}); "
          f"{len(written.regressions)} regressions {against}", file=stream)
    for reg in written.regressions:
        print(f"  REGRESSION [{reg['kind']}] {reg['message']}", file=stream)
    for label, path in (("html", written.html), ("json", written.json), ("markdown", written.markdown),
                        ("step summary", written.step_summary)):
        if path is not None:
            print(f"  {label}: {path}", file=stream)


def list_runs(db: Path) -> int:
    with ResultsStore(db, create=False) as store:
        runs = store.runs(limit=50)
    if not runs:
        print(f"{db}: no runs with results yet")
        return 0
    for run in runs:
        state = "" if run["complete"] else f" ({describe_state(run)})"
        print(f"#{run['id']:<5} {run['started_at']}  {run.get('board')}/{run.get('engine')}  {run['tests']:>4} tests  "
              f"{(run.get('git_commit') or '')[:10]}{' dirty' if run.get('git_dirty') else ''}{state}  "
              f"{run.get('summary') and run['summary'].get('outcomes') or ''}")
    return 0


def run(args) -> int:
    db = args.db or default_db_path()
    if args.list:
        return list_runs(db)
    report = load_report_package()
    written = report.write_report(db, run_id=args.run, html=args.out, json_path=args.json, markdown=args.markdown,
                                  options=options_from(args), step_summary=not args.no_step_summary)
    print_outcome(written)
    options = {args.out: "--out", args.json: "--json", args.markdown: "--markdown"}
    if print_unwritten(written, options):
        return 1
    return 1 if args.fail_on_regression and written.regressions else 0


def print_unwritten(written, options: dict, prefix: str = "hil") -> bool:
    """One line per report file that could not be written, naming the option that sets it."""
    for path, reason in written.unwritten.items():
        option = options.get(path)
        todo = (f"pass {option} with a path in a writable folder" if option
                else "point GITHUB_STEP_SUMMARY at a writable file or pass --no-step-summary")
        print(f"{prefix}: could not write {path} ({reason}): {todo}", file=sys.stderr)
    return bool(written.unwritten)


def register(sub) -> None:
    parser = sub.add_parser("report", help="regression report (HTML/JSON/Markdown) from the results history")
    add_report_options(parser)
    parser.add_argument("--run", type=int, default=None, metavar="ID", help="the run to report (default: latest)")
    parser.add_argument("--out", type=Path, default=Path("reports") / "report.html", metavar="HTML",
                        help="HTML file to write (default reports/report.html)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH", help="also write the report as JSON")
    parser.add_argument("--markdown", type=Path, default=None, metavar="PATH",
                        help="also write a short Markdown summary (CI job summary)")
    parser.add_argument("--fail-on-regression", action="store_true", help="exit 1 when there are regressions")
    parser.add_argument("--list", action="store_true", help="list the recorded runs and exit")
    parser.set_defaults(func=run)
