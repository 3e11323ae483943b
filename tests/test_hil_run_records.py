"""`hil run` on QEMU keeps what it measures: every vector goes into the results database as it
is measured (the store and record keys of the pytest suites), long runs show progress, and an
interrupted run (Ctrl-C, SIGTERM) prints what it measured and exits non-zero; a killed one
keeps its rows. `hil report` then says the run did not finish."""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"
MANY = "20000"  # random vectors: about 40 s of streaming, so there is time to interrupt
# Keys that say where and when a row was written, not what was measured.
BOOKKEEPING = {"id", "run_id", "nodeid", "suite", "outcome", "category", "message", "duration_s", "worker",
               "recorded_at", "anchor", "model_anchor"}


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}
    return {**env, "TF_CPP_MIN_LOG_LEVEL": "3"}


def hil_run(db: Path, *args: str, **popen) -> subprocess.Popen:
    """`hil run` on hello_world recording into `db` ($HIL_RESULTS_DB, as for pytest)."""
    return subprocess.Popen([sys.executable, "-m", "hil.cli", "run", str(HELLO), *args], cwd=ROOT,
                            env={**_env(), "HIL_RESULTS_DB": str(db)}, text=True, **popen)


def rows(db: Path) -> int:
    if not db.is_file():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute("SELECT count(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is being created
        return 0
    finally:
        conn.close()


def wait_for_rows(db: Path, proc: subprocess.Popen, count: int, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while rows(db) < count:
        assert proc.poll() is None, "hil run ended before it measured enough vectors"
        assert time.monotonic() < deadline, f"fewer than {count} vectors recorded in {timeout:.0f} s"
        time.sleep(0.1)


def report_json(db: Path, tmp_path: Path) -> dict:
    out = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "hil.cli", "report", "--db", str(db), "--out",
                           str(tmp_path / "report.html"), "--json", str(out), "--no-step-summary"],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(out.read_text())


def test_every_vector_is_recorded_with_the_keys_the_parity_suite_records(tmp_path):
    db = tmp_path / "run.sqlite"
    proc = hil_run(tmp_path / "not-this.sqlite", "--vectors", "12", "--json", "--results-db", str(db),
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    summary = json.loads(out)
    data = report_json(db, tmp_path)
    tests = data["tests"]
    assert sorted(t["vector"] for t in tests) == list(range(12))
    assert all(t["outcome"] == "passed" and t["exact"] is True and t["model"] == "hello_world" for t in tests)
    assert max(t["cycles"] for t in tests) == summary["cycles"] and {t["provenance"] for t in tests} == {"virtual"}
    assert data["run"]["state"] == "complete" and data["run"]["board"] == "qemu"
    assert data["run"]["command"].startswith("hil run") and not (tmp_path / "not-this.sqlite").exists()
    # the parity suite on the same model records the same measurements per vector
    suite_db = tmp_path / "suite.sqlite"
    suite = subprocess.run([sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--only-model", "hello_world",
                            "--vectors", "2", f"--results-db={suite_db}", "-p", "no:cacheprovider", "-q"],
                           cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=600)
    assert suite.returncode == 0, suite.stdout[-3000:]
    suite_tests = report_json(suite_db, tmp_path / "suite")["tests"]
    measured = {k for t in tests for k, v in t.items() if v is not None} - BOOKKEEPING
    assert measured == {k for t in suite_tests for k, v in t.items() if v is not None} - BOOKKEEPING


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_prints_and_keeps_what_it_measured(tmp_path, signum):
    db = tmp_path / "run.sqlite"
    proc = hil_run(db, "--vectors", MANY, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_rows(db, proc, 400)
    if signum == signal.SIGINT:
        time.sleep(11)  # past the first plain progress line (every 10 s when stderr is no terminal)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, err
    assert "Traceback" not in err, err
    recorded = rows(db)
    assert 400 <= recorded < int(MANY)
    match = re.search(r"interrupted after (\d+) of 20000 vectors", err)
    assert match and int(match.group(1)) == recorded, err
    assert re.search(rf"^vectors\s+{recorded}\b", out, re.M), out  # the summary of what was measured
    assert re.search(r"^parity\s+\d+ exact", out, re.M), out
    if signum == signal.SIGINT:
        progress = [line for line in err.splitlines() if re.search(r"\d+/20000 vectors", line)]
        assert progress and "\r" not in err, err
        assert re.search(r"\d+/20000 vectors .*[\d.]+ vectors/s.*ETA", progress[0]), progress
    data = report_json(db, tmp_path)
    assert data["run"]["state"] == "interrupted" and len(data["tests"]) == recorded
    assert data["run"]["exit_status"] == 128 + signum


def test_a_killed_run_keeps_every_vector_it_measured(tmp_path):
    db = tmp_path / "run.sqlite"
    proc = hil_run(db, "--vectors", MANY, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_rows(db, proc, 400)
    emulators = children(proc.pid)
    proc.kill()
    proc.wait(timeout=60)
    end_orphans(emulators)
    data = report_json(db, tmp_path)
    assert len(data["tests"]) >= 400 and data["run"]["state"] == "incomplete"
    assert sorted(t["vector"] for t in data["tests"]) == list(range(len(data["tests"])))


def children(pid: int) -> list[int]:
    """The direct children of a process (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def end_orphans(pids: list[int]) -> None:
    """A SIGKILLed `hil run` cannot stop its emulator itself (that emulators die with their
    parent is defect 5's fix, tested there); this test ends any emulator it left behind."""
    for pid in pids:
        try:
            if b"qemu-system" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass  # already gone


def test_progress_is_a_live_line_on_a_terminal(tmp_path):
    db = tmp_path / "run.sqlite"
    master, slave = pty.openpty()
    proc = hil_run(db, "--vectors", "3000", stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    text = b"".join(chunks).decode(errors="replace")
    updates = re.findall(r"\r(\d+)/3000 vectors", text)
    assert len(updates) >= 2 and int(updates[-1]) == 3000, text[-2000:]
    assert "vectors/s" in text and "ETA" in text
