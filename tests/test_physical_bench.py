"""The physical backend for real, with QEMU netduinoplus2 standing in for a bench board (no board
or probe on CI): USART2 on a pty opened with pyserial, the firmware flashed through QEMU's GDB
server with gdb-multiarch, exactly the code path of `--board=stm32 --flasher gdb`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.boards.bench_standin import start_standin
from hil.boards.serial import SerialBackend
from hil.errors import ConfigError
from hil.harness.build import build_firmware
from hil.paths import shared_models_dir

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"

pytestmark = pytest.mark.skipif(
    shutil.which("qemu-system-arm") is None or shutil.which("gdb-multiarch") is None
    and shutil.which("arm-none-eabi-gdb") is None, reason="needs qemu-system-arm and gdb-multiarch")


@pytest.fixture
def standin():
    board = start_standin()
    yield board
    board.stop()


@pytest.fixture(scope="module")
def hello_elf() -> Path:
    return build_firmware("stm32f4", HELLO).elf


def test_parity_suite_passes_through_the_physical_backend_on_the_standin(standin):
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", *standin.pytest_args(),
           "--only-model", "hello_world", "--vectors", "3", "--no-results", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-3000:]
    assert re.search(r"\b3 passed\b", out), out[-3000:]


def test_gdb_flash_then_flasher_none_finds_the_running_board_with_hello(standin, hello_elf):
    profile = find_profile("qemu-stm32-bench")
    flashed = SerialBackend(profile, port=standin.pty, flasher="gdb", gdb_remote=standin.gdb_remote).start(hello_elf)
    try:
        assert flashed.device.ready.board == "stm32f4"
        instructions, ticks = flashed.device.calibrate(1_000_000)
        assert instructions / ticks == pytest.approx(profile.setting("instructions_per_tick"), rel=1e-3)
    finally:
        flashed.stop()
    # The board booted long ago: its READY is gone, so the harness must ask with HELLO.
    again = SerialBackend(profile, port=standin.pty, flasher="none").start(hello_elf)
    try:
        assert again.device.ready.model_sha256 == flashed.device.ready.model_sha256
        assert again.device.echo(b"bench") == b"bench"
    finally:
        again.stop()


def test_a_board_running_another_model_is_refused(standin, hello_elf):
    other = shared_models_dir() / "hello_world_int8.tflite"
    if not other.is_file():
        pytest.skip(f"{other} is not available")
    other_elf = build_firmware("stm32f4", other).elf
    profile = find_profile("qemu-stm32-bench")
    SerialBackend(profile, port=standin.pty, flasher="gdb", gdb_remote=standin.gdb_remote).start(hello_elf).stop()
    with pytest.raises(ConfigError, match=r"runs firmware for model \w{12}, this test needs \w{12}.*--flasher"):
        SerialBackend(profile, port=standin.pty, flasher="none").start(other_elf)
