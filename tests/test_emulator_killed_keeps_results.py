"""Killing the emulator in the middle of a suite loses no result already measured: the results
store holds every vector measured before the kill, the vector in flight fails as
emulator-exited, and the harness starts a fresh emulator for the rest."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from emulator_watch import qemu_descendants, rows

from hil import paths

ROOT = Path(__file__).resolve().parents[1]
MODEL = "person_detect"  # 9 KB inputs: each exchange takes long enough to be killed midway




def test_killing_qemu_mid_run_keeps_earlier_results(tmp_path):
    if not (paths.shared_models_dir() / f"{MODEL}.tflite").is_file():
        pytest.skip(f"the third-party model {MODEL} is not present")
    db = tmp_path / "results.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "test_suites/test_parity.py", f"--only-model={MODEL}", "--vectors=8",
         f"--results-db={db}", "-q", "-p", "no:randomly"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    try:
        deadline = time.monotonic() + 300
        while len(rows(db)) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
        before = rows(db)
        victims = qemu_descendants(proc.pid)
        assert len(before) >= 3 and victims, f"the run did not get going: {before}"
        for victim in victims:
            victim.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    after = rows(db)
    assert after[:len(before)] == before, "results measured before the kill changed or vanished"
    assert len(after) == 8, out[-2000:]
    failed = [r for r in after if r[1] != "passed"]
    assert len(failed) <= 1 and all(r[2] == "emulator-exited" for r in failed), failed
    # The emulator was killed, so every later pass ran on a fresh one the harness started.
    assert after[-1][1] == "passed" and "exited with code -9" in out, out[-2000:]
