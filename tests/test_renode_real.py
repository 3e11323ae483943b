"""Real Renode, where it is installed (--renode-path, PATH or renode-run; CI has none): the stock
platform starts offline, the counter calibration, cycles that agree with QEMU for the same ELF,
the fault kinds Renode raises and does not raise, a clean exit, Renode dying with a killed harness,
and the parity suite end to end.
Verified with Renode 1.14.0 (docs/boards.md)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

from hil.boards import find_profile, make_backend
from hil.boards.base import Session
from hil.boards.renode import find_renode
from hil.errors import Category, ConfigError
from hil.harness.build import build_firmware
from hil.link.client import TargetFault
from hil.verdicts.triage import explain_fault

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"
KWS = ROOT / "models" / "kws_dscnn" / "kws_dscnn.tflite"
# Renode 1.14 moves virtual time in 1 us steps: 100 instructions at the stock 100 MIPS.
RENODE_STEP_INSTRUCTIONS = 100


@pytest.fixture(scope="module")
def renode(request) -> str:
    try:
        return find_renode(request.config.getoption("renode_path", None))
    except ConfigError as exc:
        pytest.skip(f"needs Renode: {exc}")


def _start(board: str, elf: Path, renode: str) -> Session:
    options = {"renode_path": renode} if board == "renode" else {}
    return make_backend(find_profile(board), **options).start(elf)


def _stop_cleanly(session: Session) -> None:
    """Renode quits with 0; a pty closed under it would make mono report a fatal error and exit 1."""
    session.stop()
    assert session.process.returncode == 0


def _zeros(session: Session) -> list[np.ndarray]:
    return [np.zeros(spec.shape, spec.np_dtype) for spec in session.device.ready.inputs]


def test_stock_platform_starts_offline_and_is_calibrated(renode):
    """Offline the platform's SVD download fails ([ERROR] lines): a warning, not a failure."""
    session = _start("renode", build_firmware("stm32f4", HELLO).elf, renode)
    try:
        log = session.log_path.read_text(errors="replace")
        assert re.search(r"hil-step: started", log)
        assert bool(re.search(r"\[ERROR\]", log)) == any(w.startswith("Renode logged errors") for w in session.warnings)
        assert not any("CALIBRATE" in w for w in session.warnings)  # the profile's figure holds
        assert session.clock.instructions_per_tick == pytest.approx(100 / 72, rel=1e-6)
        instructions, ticks = session.device.calibrate(2_000_000)
        assert instructions / ticks == pytest.approx(100 / 72, rel=1e-4)
    finally:
        _stop_cleanly(session)


def test_cycles_agree_with_qemu_stm32_for_the_same_elf(renode):
    """kws_dscnn, one ELF: instruction counts from Renode's 72 MHz SysTick and QEMU's 168 MHz one
    differ by at most the two counters' resolutions (100 and 6 instructions) and 0.01%."""
    elf = build_firmware("stm32f4", KWS).elf
    cycles = {}
    for board in ("qemu-stm32", "renode"):
        session = _start(board, elf, renode)
        try:
            inference = session.device.infer(_zeros(session), repeat=2)
            cycles[board] = [session.clock.cycles(t) for t in inference.ticks]
        finally:
            session.stop()
    qemu, renode_cycles = min(cycles["qemu-stm32"]), min(cycles["renode"])
    assert qemu > 1_000_000
    bound = RENODE_STEP_INSTRUCTIONS + 2 * 1e9 / 168e6 + 1e-4 * qemu
    assert abs(renode_cycles - qemu) <= bound, cycles


@pytest.mark.parametrize(("kind", "exception", "bits"), [("2", "UsageFault", ["UNDEFINSTR"])], ids=["undef"])
def test_fault_renode_raises_is_decoded_and_symbolised(renode, kind, exception, bits):
    firmware = build_firmware("stm32f4", HELLO, defines=("HIL_TEST_FAULT_AT_INVOKE=2", f"HIL_TEST_FAULT_KIND={kind}"))
    session = _start("renode", firmware.elf, renode)
    try:
        session.device.infer(_zeros(session))
        with pytest.raises(TargetFault) as info:
            session.device.infer(_zeros(session))
    finally:
        _stop_cleanly(session)
    decoded = explain_fault(info.value, firmware.elf)
    assert decoded.category == Category.HARD_FAULT
    assert decoded.details["exception_name"] == exception and decoded.details["cfsr_bits"] == bits
    assert decoded.details["pc_function"] == "hil_test_fault"


@pytest.mark.parametrize("kind", ["1", "3"], ids=["bus", "divzero"])
def test_renode_raises_no_bus_or_divide_fault(renode, kind):
    """Why test_suites/test_robustness.py skips these kinds on Renode: the faulting invoke returns.
    If a Renode release starts raising them, this fails: add them to FAULT_KINDS there."""
    firmware = build_firmware("stm32f4", HELLO, defines=("HIL_TEST_FAULT_AT_INVOKE=2", f"HIL_TEST_FAULT_KIND={kind}"))
    session = _start("renode", firmware.elf, renode)
    try:
        for _ in range(3):
            session.device.infer(_zeros(session))
    finally:
        _stop_cleanly(session)


def test_parity_suite_on_renode_end_to_end(renode):
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=renode", "--renode-path", renode,
           "--only-model", "hello_world", "--vectors", "3", "--no-results", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert re.search(r"\b3 passed\b", out), out[-3000:]
    assert "Fatal error" not in out and "Traceback" not in out  # no shutdown noise, no crash
    if "hil: warnings" in out:  # offline: the SVD download, reported once in the summary
        assert out.count("Renode logged errors and carried on") == 1, out[-3000:]


def _renode_processes(pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            if "Renode.exe" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # a build step that just ended
            pass
    return found


def _emulating(folder: Path) -> bool:
    return any("hil-step: started" in log.read_text(errors="replace") for log in folder.glob("hil-renode-*.log"))


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGHUP], ids=lambda s: s.name)
def test_renode_dies_with_a_killed_pytest_and_leaves_no_files(renode, tmp_path, signum):
    """Renode's launcher script runs mono as its child: the watchdog of hil/boards/process.py
    kills the whole group and removes the session folder and log."""
    own_tmp = tmp_path / "tmp"
    own_tmp.mkdir()
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_soak.py", "--board=renode", f"--renode-path={renode}",
           "--no-results", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "TMPDIR": str(own_tmp)}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    victims: list[psutil.Process] = []
    try:
        deadline = time.monotonic() + 120
        while not victims and time.monotonic() < deadline and proc.poll() is None:
            victims = _renode_processes(proc.pid)
            time.sleep(0.2)
        assert victims, "Renode never started"
        while not _emulating(own_tmp) and time.monotonic() < deadline:  # kill it mid-session, not mid-start
            time.sleep(0.2)
        assert _emulating(own_tmp), "the Renode session never came up"
        proc.send_signal(signum)
        proc.wait(timeout=30)
        _, alive = psutil.wait_procs(victims, timeout=10)
        assert not alive, f"Renode left running after pytest died: {alive}"
        while any(own_tmp.glob("hil-renode-*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(p.name for p in own_tmp.glob("hil-renode-*")) == []
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for survivor in psutil.wait_procs(victims, timeout=0)[1]:
            survivor.kill()
