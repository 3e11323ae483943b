"""Fault triage against the real firmware on QEMU: test-only builds that fault (a bus error, an
undefined instruction, a division by zero) or hang at the second invoke (firmware/app/test_hooks.c),
started through hil.boards and driven through the Device API. The FAULT frame from
firmware/boards/common/faults.c is decoded by hil/verdicts/triage.py and symbolised against the ELF.

QEMU's mps2-an386 emulates the CMSDK watchdog, but the reference firmware does not use it: the
host's timeout is the hang detector there. A test build may arm the watchdog around invokes
(HIL_TEST_WATCHDOG_TICKS), and then the NMI it raises reports where the firmware hung."""

from __future__ import annotations

import shutil
import time

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile, make_backend
from hil.errors import Category, HilError, TransportTimeout
from hil.harness.build import build_firmware
from hil.link.client import TargetFault
from hil.link.protocol import Fault
from hil.verdicts.timing import TimeoutPolicy
from hil.verdicts.triage import explain_fault, triage

MODEL = paths.models_dir() / "hello_world" / "hello_world.tflite"
ZERO = [np.zeros((1, 1), np.int8)]
needs_qemu = pytest.mark.skipif(shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None,
                                reason="needs qemu-system-arm and arm-none-eabi-gcc (./setup.sh)")


def _start(*defines: str, board: str = "qemu"):
    profile = find_profile(board)
    firmware = build_firmware(profile.firmware_board, MODEL, defines=defines)
    return firmware, make_backend(profile).start(firmware.elf)


def _second_infer_fails(session, timeouts: TimeoutPolicy | None = None) -> tuple[HilError, float]:
    device = session.device
    if timeouts is not None:
        device.timeouts = timeouts
    device.infer(ZERO)  # the first invoke runs normally: the firmware itself is fine
    started = time.monotonic()
    with pytest.raises(HilError) as info:
        device.infer(ZERO)
    return info.value, time.monotonic() - started


FAULTS = [
    # kind, exception, status bits, what the one-line message must say
    ("1", "BusFault", ["PRECISERR", "BFARVALID"], "precise data bus error at address 0x60000000"),
    ("2", "UsageFault", ["UNDEFINSTR"], "undefined instruction"),
    ("3", "UsageFault", ["DIVBYZERO"], "division by zero"),
]


@needs_qemu
@pytest.mark.parametrize(("kind", "exception", "bits", "cause"), FAULTS, ids=["bus", "undef", "divzero"])
def test_injected_fault_is_decoded_and_symbolised(kind, exception, bits, cause):
    firmware, session = _start("HIL_TEST_FAULT_AT_INVOKE=2", f"HIL_TEST_FAULT_KIND={kind}")
    try:
        error, elapsed = _second_infer_fails(session)
    finally:
        session.stop()
    assert isinstance(error, TargetFault) and error.category == Category.HARD_FAULT, error.one_line()
    assert elapsed < 5.0
    decoded = explain_fault(error, firmware.elf)
    details = decoded.details
    assert decoded.category == Category.HARD_FAULT
    assert details["exception_name"] == exception and details["cfsr_bits"] == bits
    assert details["hfsr_bits"] == []
    assert details["pc_function"] == "hil_test_fault"
    assert details["pc_location"].startswith("firmware/app/test_hooks.c:")
    assert details["lr_function"] == "hooked_invoke"
    assert details["bfar"] == (0x60000000 if "BFARVALID" in bits else None)
    line = decoded.one_line()
    assert line.startswith("[hard-fault] hard fault on the target: ") and "\n" not in line
    assert cause in line and "hil_test_fault (firmware/app/test_hooks.c:" in line


# The address with no memory behind it, per board: the mps2 machines' 0x60000000 is DDR on
# mps3-an547, where a load from it read 0 and the bus-fault test did not fault (its board.cmake
# names another address).
BAD_ADDRESS = {"qemu-m55": 0x08000000}


@needs_qemu
@pytest.mark.parametrize("board", list(BAD_ADDRESS))
def test_bus_fault_on_a_board_with_memory_at_the_default_address(board):
    firmware, session = _start("HIL_TEST_FAULT_AT_INVOKE=2", "HIL_TEST_FAULT_KIND=1", board=board)
    try:
        error, _ = _second_infer_fails(session)
    finally:
        session.stop()
    assert isinstance(error, TargetFault), error.one_line()
    details = explain_fault(error, firmware.elf).details
    assert (details["exception_name"], details["cfsr_bits"]) == ("BusFault", ["PRECISERR", "BFARVALID"])
    assert details["bfar"] == BAD_ADDRESS[board] and details["pc_function"] == "hil_test_fault"


@needs_qemu
def test_hang_ends_in_timeout_within_its_bound():
    policy = TimeoutPolicy(base_s=1.0, first_invoke_s=3.0, margin=5.0, cap=3.0)
    _, session = _start("HIL_TEST_HANG_AT_INVOKE=2")
    try:
        error, elapsed = _second_infer_fails(session, policy)
        explained = session.explain(error)
        alive = session.alive()
    finally:
        session.stop()
    assert isinstance(error, TransportTimeout) and explained.category == Category.TIMEOUT, error.one_line()
    assert alive, "a hang is not an emulator exit"
    assert elapsed <= policy.cap + 0.5
    assert "no reply to RUN" in str(error)


@needs_qemu
def test_watchdog_nmi_reports_where_the_firmware_hung():
    # 250,000 ticks of the 25 MHz watchdog clock: 10 ms of virtual time, 1e7 instructions.
    policy = TimeoutPolicy(base_s=20.0, first_invoke_s=20.0, cap=20.0)
    firmware, session = _start("HIL_TEST_HANG_AT_INVOKE=2", "HIL_TEST_WATCHDOG_TICKS=250000")
    try:
        error, elapsed = _second_infer_fails(session, policy)
    finally:
        session.stop()
    assert isinstance(error, TargetFault), error.one_line()
    decoded = explain_fault(error, firmware.elf)
    assert decoded.category == Category.TIMEOUT, decoded.one_line()
    assert decoded.details["exception_name"] == "NMI" and decoded.details["cfsr_bits"] == []
    assert decoded.details["pc_function"] == "hil_test_hang"
    assert "watchdog" in decoded.one_line() and elapsed < 10.0


# ---- decoding alone (no emulator) ----

def _fault(**fields) -> Fault:
    values = dict(exception=3, cfsr=0, hfsr=0, mmfar=0, bfar=0, pc=0x100, lr=0x201, xpsr=0x01000000,
                  exc_return=0xFFFFFFF9)
    values.update(fields)
    return Fault(**values)


def test_forced_hardfault_names_the_escalated_fault():
    result = triage(_fault(cfsr=1 << 1 | 1 << 7, hfsr=1 << 30, mmfar=0x20001000))
    assert result.cfsr_bits == ["DACCVIOL", "MMARVALID"] and result.hfsr_bits == ["FORCED"]
    assert result.mmfar == 0x20001000 and result.bfar is None
    assert "data access violates the MPU at address 0x20001000" in result.one_line()


def test_address_registers_only_reported_when_valid():
    result = triage(_fault(exception=5, cfsr=1 << 10, bfar=0xDEADBEEF))
    assert result.bfar is None and "0xdeadbeef" not in result.one_line()
    assert "[IMPRECISERR]: imprecise data bus error (the PC is later than the faulting store)" in result.one_line()


def test_all_usage_fault_bits_decode():
    cfsr = sum(1 << b for b in (16, 17, 18, 19, 24, 25))
    assert triage(_fault(exception=6, cfsr=cfsr)).cfsr_bits == [
        "UNDEFINSTR", "INVSTATE", "INVPC", "NOCP", "UNALIGNED", "DIVBYZERO"]


def test_exc_return_lr_and_missing_elf_are_explained():
    result = triage(_fault(lr=0xFFFFFFF1))
    assert result.lr.function is None
    assert any("EXC_RETURN" in n for n in result.notes) and any("no ELF" in n for n in result.notes)
    assert result.to_dict()["pc_function"] is None
