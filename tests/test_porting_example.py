"""The porting example (firmware/examples/porting_minimal, docs/porting.md): an "existing"
firmware with its own startup, UART driver and timer, plus the agent, the port hooks and the
built-in engine. Built with arm-none-eabi-gcc for mps2-an386 and run on QEMU, it must answer
HELLO with READY and run the model bit-exact with the TFLM interpreter."""

from __future__ import annotations

import os
import shutil
import subprocess

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile, make_backend
from hil.link.protocol import Msg, parse_ready
from hil.model.reference import TflmReference
from hil.model.tflite import load_model

EXAMPLE = paths.firmware_dir() / "examples" / "porting_minimal"
MODEL = paths.models_dir() / "hello_world" / "hello_world.tflite"

pytestmark = pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None or shutil.which("qemu-system-arm") is None,
                                reason="needs arm-none-eabi-gcc and qemu-system-arm")


@pytest.fixture(scope="module")
def example_elf(tmp_path_factory):
    build = tmp_path_factory.mktemp("porting_minimal")
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    subprocess.run(["cmake", "-S", str(EXAMPLE), "-B", str(build), *generator,
                    f"-DCMAKE_TOOLCHAIN_FILE={paths.firmware_dir() / 'cmake' / 'arm-none-eabi.cmake'}",
                    f"-DHIL_MODEL={MODEL}"], check=True, capture_output=True)
    result = subprocess.run(["cmake", "--build", str(build), "--parallel", str(os.cpu_count() or 2)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "warning:" not in result.stdout, result.stdout[-3000:]
    return build / "porting_minimal.elf"


@pytest.fixture(scope="module")
def session(example_elf):
    started = make_backend(find_profile("qemu")).start(example_elf)
    yield started
    started.stop()


def test_example_announces_itself_and_answers_hello(session):
    boot = session.device.ready
    assert (boot.board, boot.engine, boot.status) == ("porting_minimal", "builtin", 0), boot.message
    assert boot.counter_hz == 25_000_000 and boot.arena_used > 0
    reply = session.device.client.request(Msg.HELLO, b"", Msg.READY, 5.0)
    again = parse_ready(reply.payload)
    assert (again.board, again.engine, again.model_sha256) == ("porting_minimal", "builtin", boot.model_sha256)


def test_example_runs_the_model_like_tflm(session):
    reference = TflmReference(MODEL)
    rng = np.random.default_rng(3)
    spec = session.device.ready.inputs[0]
    for _ in range(5):
        x = [rng.integers(-128, 128, size=spec.shape, dtype=np.int8)]
        inference = session.device.infer(x, repeat=2)
        expected = reference.run(x)
        assert all(np.array_equal(a, b) for a, b in zip(inference.outputs, expected, strict=True))
        assert 0 < inference.ticks[0] < 10_000_000  # the example's SysTick counter, started cleanly
    assert [p.opcode for p in session.device.profile()] == [op.opcode for op in load_model(MODEL).ops]
