"""No emulator outlives the harness: a closed terminal (SIGHUP), an OOM kill or a cancelled CI job
(SIGKILL) and `kill` (SIGTERM) sent to `hil run` or to pytest leave no qemu-system-arm behind, and
what pytest recorded before stays in the results database. SIGTERM ends a pytest run like Ctrl-C:
at once, the tests so far kept, no test failed by the signal, a non-zero exit status.

Real QEMU, real processes; the survivors are looked for with psutil among the qemu-system-arm
processes that were descendants of the harness before the signal."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from emulator_watch import qemu_descendants, rows

ROOT = Path(__file__).resolve().parents[1]
MODEL = "kws_dscnn"  # about 50 ms per vector on QEMU: a run lasts long enough to be signalled midway
VECTORS = 100
ENV = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}  # HIL_RESULTS_DB: a temporary one (conftest.py)
ENV["TF_CPP_MIN_LOG_LEVEL"] = "3"




def wait_for(condition, proc: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)


def signal_mid_run(cmd: list[str], signum: int, started, *, settle: float = 0.0):
    """Starts `cmd`, waits until `started()` and a QEMU child runs, sends `signum` and returns
    (the QEMU processes it had, the process's exit status, its output, seconds from signal to exit)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=ENV,
                            start_new_session=True)  # like a job in its own terminal session
    victims: list[psutil.Process] = []
    try:
        wait_for(lambda: started() and qemu_descendants(proc.pid), proc)
        time.sleep(settle)
        victims = qemu_descendants(proc.pid)
        assert victims, f"no QEMU ran: {proc.communicate(timeout=60)[0][-3000:] if proc.poll() is not None else ''}"
        signalled = time.monotonic()
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=120)
        return victims, proc.returncode, out, time.monotonic() - signalled
    except BaseException:
        for survivor in psutil.wait_procs(victims, timeout=0)[1]:  # never leave an emulator behind
            survivor.kill()
        raise
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def assert_emulators_gone(victims: list[psutil.Process]) -> None:
    _, alive = psutil.wait_procs(victims, timeout=10)
    left = [(p.pid, p.ppid()) for p in alive if p.is_running()]
    for p in alive:
        p.kill()
    assert not left, f"qemu-system-arm (pid, parent) left running after the harness died: {left}"


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGKILL, signal.SIGTERM], ids=lambda s: s.name)
def test_hil_run_takes_its_emulator_along(signum):
    cmd = [sys.executable, "-m", "hil.cli", "run", "--vectors", "400", f"models/{MODEL}/{MODEL}.tflite"]
    victims, code, out, _ = signal_mid_run(cmd, signum, lambda: True, settle=1.0)
    assert code != 0, out[-2000:]
    assert_emulators_gone(victims)


def pytest_cmd(db: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "test_suites/test_parity.py", f"--only-model={MODEL}",
            f"--vectors={VECTORS}", f"--results-db={db}", "-q", "-p", "no:randomly", *extra]


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGKILL], ids=lambda s: s.name)
def test_pytest_killed_takes_its_emulator_along_and_keeps_results(signum, tmp_path):
    db = tmp_path / "results.sqlite"
    before: list[tuple] = []

    def started() -> bool:
        before[:] = rows(db)
        return len(before) >= 3

    victims, code, out, _ = signal_mid_run(pytest_cmd(db), signum, started)
    assert code == -signum, out[-2000:]
    assert_emulators_gone(victims)
    assert rows(db)[:len(before)] == before, "results recorded before the signal changed or vanished"


def test_pytest_xdist_killed_takes_every_workers_emulator_along(tmp_path):
    db = tmp_path / "results.sqlite"
    victims, code, out, _ = signal_mid_run(pytest_cmd(db, "-n", "2"), signal.SIGKILL,
                                           lambda: len(rows(db)) >= 3)
    assert_emulators_gone(victims)
    assert len(rows(db)) >= 3


def test_sigterm_ends_a_pytest_run_like_ctrl_c(tmp_path):
    db = tmp_path / "results.sqlite"
    before: list[tuple] = []

    def started() -> bool:
        before[:] = rows(db)
        return len(before) >= 3

    victims, code, out, seconds = signal_mid_run(pytest_cmd(db), signal.SIGTERM, started)
    assert code != 0 and code != -signal.SIGTERM, out[-2000:]  # pytest ended the session itself
    assert seconds < 15, f"the run went on for {seconds:.1f} s after SIGTERM"
    assert "Interrupted" in out or "KeyboardInterrupt" in out, out[-2000:]
    assert_emulators_gone(victims)
    after = rows(db)
    assert after[:len(before)] == before
    assert len(after) < VECTORS, "the run went on after SIGTERM"
    assert all(outcome == "passed" for _, outcome, _ in after), f"SIGTERM failed a test: {after[len(before):]}"


LAUNCHER_HARNESS = """\
import sys, time
from pathlib import Path
from hil.boards.process import spawn
spawn(["sh", "-c", "sleep 600 & echo $! > " + sys.argv[1] + "; wait"], "launcher", scratch=(Path(sys.argv[2]),))
time.sleep(600)
"""


def test_children_of_a_launcher_script_die_with_the_harness(tmp_path):
    """Renode's launcher is a shell script that runs mono as its child, out of reach of the
    parent-death signal: the watchdog kills the spawned process's whole group, then removes the
    process's log and scratch folder (a Renode session's script, ELF copy and pty link)."""
    pid_file = tmp_path / "grandchild.pid"
    own_tmp, scratch = tmp_path / "tmp", tmp_path / "tmp" / "hil-renode-session"
    scratch.mkdir(parents=True)
    (scratch / "board.resc").write_text("start\n")
    harness = subprocess.Popen([sys.executable, "-c", LAUNCHER_HARNESS, str(pid_file), str(scratch)], cwd=ROOT,
                               env={**ENV, "TMPDIR": str(own_tmp)})
    try:
        deadline = time.monotonic() + 30
        while not (pid_file.exists() and pid_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.05)
        grandchild = psutil.Process(int(pid_file.read_text()))
        assert grandchild.ppid() != harness.pid and grandchild.is_running()
        harness.send_signal(signal.SIGKILL)
        harness.wait()
    finally:
        if harness.poll() is None:
            harness.kill()
    assert_emulators_gone([grandchild])
    deadline = time.monotonic() + 10
    while list(own_tmp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(own_tmp.iterdir()) == []  # neither the log (hil-launcher-*.log) nor the scratch folder
