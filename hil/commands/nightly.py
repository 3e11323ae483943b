"""`hil nightly`: run the suites, record them in the results history, write the report (HTML,
JSON, Markdown) and the JUnit XML, and exit non-zero on failures or regressions.

    hil nightly --board qemu --out reports/nightly -- --only-model hello_world --vectors 5
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from hil import paths
from hil.commands.report import add_report_options, load_report_package, options_from, print_outcome, print_unwritten
from hil.errors import ConfigError
from hil.pytest.results import RUN_FILE_ENV, read_run_file
from hil.results.store import default_db_path


def default_suites() -> list[Path]:
    suites = paths.REPO_ROOT / "test_suites"
    if not suites.is_dir():
        raise ConfigError(f"no default suites at {suites}: pass --suites PATH (a directory or test file)")
    return [suites]


def pytest_command(args, db: Path, junit: Path) -> list[str]:
    extra = list(args.pytest_args)
    if extra and extra[0] == "--":
        extra = extra[1:]
    suites = [str(s) for s in (args.suites or default_suites())]
    return [sys.executable, "-m", "pytest", *suites, f"--board={args.board}", f"--results-db={db}",
            f"--junitxml={junit}", "-p", "no:cacheprovider", *extra]


def writable_out(out: Path) -> Path:
    """--out, created and known writable before minutes of tests run."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".write-test"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"--out {out} cannot be written ({exc.strerror or exc}): pass --out with a writable "
                          "folder") from None
    return out


def run(args) -> int:
    out = writable_out(args.out)
    db = (args.db or default_db_path()).resolve()
    junit = (out / "junit.xml").resolve()
    run_file = out / ".run-id"
    run_file.unlink(missing_ok=True)
    command = pytest_command(args, db, junit)
    print(f"hil nightly: {shlex.join(command)}", flush=True)
    rc = subprocess.run(command, env={**os.environ, RUN_FILE_ENV: str(run_file.resolve())}).returncode
    run_id, store_error = read_run_file(run_file)
    if store_error:
        print(f"hil nightly: the results database {db} could not be written ({store_error}); pytest exited with "
              f"{rc}, its results are in {junit}: free space there or pass --db elsewhere", file=sys.stderr)
    if run_id is None:
        if not store_error:
            print(f"hil nightly: pytest exited with {rc} and recorded no HIL test in {db}: nothing to report",
                  file=sys.stderr)
        return rc or 1
    report = load_report_package()
    written = report.write_report(db, run_id=run_id, html=out / "report.html", json_path=out / "report.json",
                                  markdown=out / "summary.md", options=options_from(args),
                                  step_summary=not args.no_step_summary)
    print_outcome(written)
    print(f"  junit: {junit}")
    outputs = dict.fromkeys((out / "report.html", out / "report.json", out / "summary.md"), "--out")
    if print_unwritten(written, outputs, "hil nightly") or store_error:
        return rc or 1
    if rc != 0:
        print(f"hil nightly: pytest exited with {rc} (failing tests)", file=sys.stderr)
        return rc
    summary = written.report["summary"]
    if summary["passed"] + summary["failed"] == 0:
        print(f"hil nightly: no HIL test passed or failed ({summary['total']} skipped): check the board, "
              "--only-model and -k arguments", file=sys.stderr)
        return 5  # pytest's "no tests collected"
    if written.regressions:
        print(f"hil nightly: {len(written.regressions)} regressions", file=sys.stderr)
        return 1
    return 0


def register(sub) -> None:
    parser = sub.add_parser("nightly", help="run the suites, record results, write report + JUnit XML",
                            description="Runs the HIL suites with pytest, records every test in the results "
                                        "database, writes report.html, report.json, summary.md and junit.xml to "
                                        "--out, and exits non-zero on failing tests or regressions. Arguments after "
                                        "`--` go to pytest.")
    parser.add_argument("--board", default="qemu", help="board profile name or alias (`hil boards`)")
    parser.add_argument("--out", type=Path, default=Path("reports") / "nightly", metavar="DIR",
                        help="output directory (default reports/nightly)")
    parser.add_argument("--suites", type=Path, action="append", default=None, metavar="PATH",
                        help="suite directory or file (repeatable; default: this checkout's test_suites/)")
    add_report_options(parser)
    parser.add_argument("pytest_args", nargs="...", help="-- then arguments for pytest, e.g. -- -n 2 --vectors 5")
    parser.set_defaults(func=run)
