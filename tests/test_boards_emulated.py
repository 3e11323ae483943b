"""Every QEMU board: its firmware comes up on the emulator, its profile's instructions-per-tick
matches a CALIBRATE measurement, it passes the parity suite through `pytest --board`, and the
large shared model (person_detect, 300 KB) still fits the small boards' memory."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hil.boards import find_profile, make_backend
from hil.errors import BuildError
from hil.harness.build import build_firmware
from hil.link.protocol import CounterKind
from hil.paths import shared_models_dir

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"
QEMU_BOARDS = ["qemu", "qemu-m7", "qemu-m55", "qemu-stm32"]

pytestmark = pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm is not installed")


@pytest.mark.parametrize("board", QEMU_BOARDS)
def test_instructions_per_tick_in_the_profile_is_measured(board):
    """CALIBRATE runs a 2-instruction loop; with -icount shift=0 the instructions per SysTick tick
    are 1e9 / the clock QEMU gives SysTick (25, 25, 32 and 168 MHz)."""
    profile = find_profile(board)
    session = make_backend(profile).start(build_firmware(profile.firmware_board, HELLO).elf)
    try:
        ready = session.device.ready
        assert ready.board == profile.firmware_board
        assert ready.counter_kind == CounterKind.SYSTICK  # QEMU has no DWT cycle counter
        instructions, ticks = session.device.calibrate(2_000_000)
        assert instructions / ticks == pytest.approx(profile.setting("instructions_per_tick"), rel=5e-4)
        assert session.clock.provenance == "virtual"
        payload = os.urandom(ready.max_payload)
        assert session.device.echo(payload) == payload  # a full-size frame both ways
    finally:
        session.stop()


@pytest.mark.parametrize("board", ["qemu-m7", "qemu-m55", "qemu-stm32"])
def test_parity_suite_passes_on_the_board(board):
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", f"--board={board}",
           "--only-model", "hello_world", "--vectors", "3", "--no-results", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert re.search(r"\b3 passed\b", out), out[-3000:]


@pytest.mark.parametrize(("board", "flash_limit", "ram_limit", "stack"), [
    ("stm32f4", 1024 * 1024, 128 * 1024, 8 * 1024),
    ("mps3_an547", 512 * 1024, 512 * 1024, 16 * 1024)])
def test_person_detect_fits_the_smaller_boards(board, flash_limit, ram_limit, stack):
    model = shared_models_dir() / "person_detect.tflite"
    if not model.is_file():
        pytest.skip(f"{model} is not available")
    footprint = build_firmware(board, model).footprint
    assert footprint.flash_bytes <= flash_limit
    assert footprint.ram_bytes + stack <= ram_limit


def test_a_model_too_big_for_flash_fails_with_a_clear_link_error(tmp_path, monkeypatch):
    monkeypatch.setenv("HIL_CACHE_DIR", str(tmp_path / "cache"))  # keep the failed build out of the shared cache
    big = tmp_path / "big.tflite"
    big.write_bytes(os.urandom(1100 * 1024))  # never parsed: only embedded, to overflow 1 MB of flash
    with pytest.raises(BuildError, match="error: FLASH overflow: code plus the embedded model exceed"):
        build_firmware("stm32f4", big)
