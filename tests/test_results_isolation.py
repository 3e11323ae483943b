"""The harness's own tests never write into the user's results history: the tests that run HIL
sub-sessions (a firmware with a broken kernel, a slowed operator, the committed deadlines) must
record into a temporary database, or a 1-test run built with HIL_TEST_SLOW_OPCODE becomes the
baseline of the user's next real run."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUB_SESSION_TESTS = ["tests/test_parity_can_fail.py", "tests/test_timing.py::test_committed_deadlines_pass",
                     "tests/test_timing.py::test_slowed_kernel_fails_cycles_and_is_named"]


def fingerprint(path: Path) -> tuple | None:
    """Content hash and mtime of a database file and its journal, None when absent."""
    if not path.exists():
        return None
    return tuple((p.name, hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
                 for p in sorted(path.parent.glob(path.name + "*")))


def test_sub_sessions_leave_the_users_results_history_alone():
    user_db = ROOT / "reports" / "results.sqlite"  # the default history of a run from this checkout
    before = fingerprint(user_db)
    env = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}
    proc = subprocess.run([sys.executable, "-m", "pytest", *SUB_SESSION_TESTS, "-q", "-p", "no:randomly"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800,
                          env=dict(env, TF_CPP_MIN_LOG_LEVEL="3"))
    assert proc.returncode == 0 and "3 passed" in proc.stdout, proc.stdout[-3000:]
    assert fingerprint(user_db) == before, f"{user_db} was written by the harness's own tests"
