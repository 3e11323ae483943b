"""A stand-in suite shaped like the HIL suites (test_parity per model and vector, test_cycles
per model; figures from environment variables, no target), recorded through the real results
plugin by `pytest` and `hil nightly` subprocesses, and `hil report` on the result: sequences of
runs for the report tests."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

SUITE = textwrap.dedent('''
    """Stand-in HIL suite: eight models, three parity vectors each, one cycles test each."""
    import os
    import signal

    import pytest

    MODELS = [f"model_{c}" for c in "abcdefgh"]
    SLOW = set(os.environ.get("SYNTH_SLOW", "").split(","))           # models 10% slower
    FAIL_CYCLES = set(os.environ.get("SYNTH_FAIL_CYCLES", "").split(","))
    STOP = os.environ.get("SYNTH_STOP", "")                            # "SIGINT@5": signal at the 5th test
    CALLS = [0]


    def _stop_if_asked():
        CALLS[0] += 1
        if STOP and CALLS[0] == int(STOP.split("@")[1]):
            os.kill(os.getpid(), getattr(signal, STOP.split("@")[0]))


    def _record(record, model, **more):
        cycles = round(10_000 * (1.1 if model in SLOW else 1.0))
        record.update(board="qemu", engine="builtin", model=model, provenance="virtual", cpu_hz=25_000_000,
                      cycles=cycles, cycles_min=cycles, flash_bytes=30_000, ram_bytes=8_192, arena_bytes=1_752,
                      **more)


    @pytest.mark.parametrize("model", MODELS)
    @pytest.mark.parametrize("vector", range(3))
    def test_parity(hil_record, model, vector):
        _stop_if_asked()
        _record(hil_record, model, vector=vector, exact=True, max_abs_diff_lsb=0.0)


    @pytest.mark.parametrize("model", MODELS)
    def test_cycles(hil_record, model):
        _stop_if_asked()
        _record(hil_record, model)
        if model in FAIL_CYCLES:
            pytest.fail(f"[cycles] {model}: worst case 11,000 virtual cycles, baseline 10,000 (+10.0%)",
                        pytrace=False)
''')

# A plugin that breaks after a few reports: pytest ends the session with exit status 3.
CRASHING_CONFTEST = textwrap.dedent('''
    import os

    SEEN = [0]


    def pytest_runtest_logreport(report):
        if os.environ.get("SYNTH_CRASH_AFTER") and report.when == "call":
            SEEN[0] += 1
            if SEEN[0] == int(os.environ["SYNTH_CRASH_AFTER"]):
                raise RuntimeError("a plugin broke")
''')

TOTAL = 32  # 8 models x (3 parity vectors + 1 cycles test)
SLOW_FIVE = "model_c,model_d,model_e,model_f,model_g"


def clean_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SYNTH_", "HIL_RESULTS", "GITHUB_STEP_SUMMARY", "PYTEST_ADDOPTS"))}
    return {**env, **extra}


def workdir(base: Path) -> Path:
    (base / "synth_suite.py").write_text(SUITE)
    (base / "conftest.py").write_text(CRASHING_CONFTEST)
    return base


def session(base: Path, db: Path, *args: str, **env: str) -> tuple[int, int | None, str]:
    """One pytest session of the stand-in suite; (exit status, run id, output)."""
    run_file = base / "run-id"
    run_file.unlink(missing_ok=True)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "synth_suite.py",
                           f"--results-db={db}", *args], cwd=base, capture_output=True, text=True, timeout=300,
                          env=clean_env(HIL_RESULTS_RUN_FILE=str(run_file), **env))
    run_id = int(run_file.read_text()) if run_file.is_file() else None
    return proc.returncode, run_id, proc.stdout + proc.stderr


def nightly(base: Path, db: Path, out: str, **env: str) -> tuple[int, dict, str, str]:
    """`hil nightly` on the stand-in suite; (exit status, report.json, summary.md, output)."""
    proc = subprocess.run([sys.executable, "-m", "hil.cli", "nightly", "--suites", str(base / "synth_suite.py"),
                           "--db", str(db), "--out", str(base / out), "--no-step-summary"],
                          cwd=base, capture_output=True, text=True, timeout=300, env=clean_env(**env))
    report = base / out / "report.json"
    assert report.is_file(), proc.stdout + proc.stderr
    return (proc.returncode, json.loads(report.read_text()), (base / out / "summary.md").read_text(),
            proc.stdout + proc.stderr)


def report(base: Path, db: Path, *args: str) -> tuple[int, dict, str, str, str]:
    """`hil report` (in this process: the command's own entry point, without the seconds a new
    interpreter takes to import); (exit status, report.json, report.html, summary.md, output)."""
    from hil.cli import main

    out, stream = base / "report", io.StringIO()
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
        rc = main(["report", "--db", str(db), "--out", str(out / "r.html"), "--json", str(out / "r.json"),
                   "--markdown", str(out / "r.md"), "--no-step-summary", *args])
    assert rc in (0, 1), stream.getvalue()
    return (rc, json.loads((out / "r.json").read_text()), (out / "r.html").read_text(), (out / "r.md").read_text(),
            stream.getvalue())


def badge(html: str) -> tuple[str, str]:
    """(css class, text) of the status badge in the report's header."""
    match = re.search(r'<span class="status (\w+)" id="status">([^<]*)</span>', html)
    assert match, html[:2000]
    return match.group(1), match.group(2)


def regression_keys(data: dict) -> set[tuple]:
    return {(r["kind"], r.get("model"), r.get("nodeid")) for r in data["regressions"]}
