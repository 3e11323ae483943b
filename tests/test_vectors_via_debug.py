"""Vectors through the debug connection, against real QEMU and its gdbstub: the same outputs and
the same instruction counts as the UART, vector by vector (no memory access falls inside a
measured region); the UART carries only the short RUN request; a refused or dropped GDB
connection is one line, the run goes on, and no emulator outlives the harness."""

from __future__ import annotations

import shutil
import socket
import threading

import numpy as np
import pytest

from hil.boards import find_profile
from hil.boards.bench_standin import start_standin
from hil.boards.qemu import QemuBackend
from hil.boards.serial import SerialBackend
from hil.errors import Category, HilError
from hil.harness.build import build_firmware
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.link.gdb_remote import GdbRemote, GdbRemoteError
from hil.link.mailbox import MailboxError, parse_mailbox
from hil.link.protocol import MAILBOX_HEAD, MAILBOX_MAGIC, MAILBOX_TENSOR, Ready, TensorSpec
from hil.model import catalog
from hil.paths import models_dir, shared_models_dir

needs_qemu = pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="qemu-system-arm is not installed")
MODEL = "person_detect"  # 9 KB of input: over the UART it takes SET_INPUT chunks, so both paths differ most


def harness(vectors_via: str, vectors: int = 3) -> Harness:
    return Harness(HarnessConfig(find_profile("qemu"), backend_options={"vectors_via": vectors_via},
                                 vector_limit=vectors))


@pytest.fixture(scope="module")
def model() -> catalog.ModelConfig:
    if not (shared_models_dir() / f"{MODEL}.tflite").is_file():
        pytest.skip(f"the third-party model {MODEL} is not in the shared models")
    return next(m for m in catalog.discover() if m.name == MODEL)


@needs_qemu
def test_debug_and_uart_agree_on_outputs_and_cycles_vector_by_vector(model):
    uart, debug = harness("uart"), harness("debug")
    try:
        for i in range(3):
            a, b = uart.run_vector(model, i), debug.run_vector(model, i)
            assert a.parity.exact and b.parity.exact
            assert all((x == y).all() for x, y in zip(a.outputs, b.outputs, strict=True))
            assert a.ticks == b.ticks, f"vector {i}: UART {a.ticks} vs debug {b.ticks} ticks"
        assert uart.target(model).device.debug is None and debug.target(model).device.debug is not None
        stats = debug.target(model).device.client.stats
        assert stats.bytes_out < 100 * stats.requests, "the inputs went over the UART"
    finally:
        uart.close()
        debug.close()


@needs_qemu
@pytest.mark.parametrize("mode", ["auto", "debug"])
def test_refused_gdb_connection_is_one_line_and_auto_goes_on_over_the_uart(model, mode, monkeypatch):
    with socket.socket() as closed:  # a port nothing listens on: connecting is refused
        closed.bind(("127.0.0.1", 0))
        refused = closed.getsockname()[1]
    monkeypatch.setattr(QemuBackend, "_gdbstub", staticmethod(lambda port: GdbRemote.connect(
        f"127.0.0.1:{refused}", advice=" (--vectors-via uart keeps vectors on the UART)")))
    h = harness(mode, vectors=1)
    warnings: list[str] = []
    h.warn = warnings.append
    try:
        if mode == "debug":
            with pytest.raises(GdbRemoteError) as info:
                h.run_vector(model, 0)
            line = info.value.one_line()
            assert "\n" not in line and f"127.0.0.1:{refused}" in line and "--vectors-via uart" in line
            assert not h._targets  # nothing left running
        else:
            assert h.run_vector(model, 0).parity.exact
            assert h.target(model).device.debug is None
            assert len(warnings) == 1 and "vectors go over the UART" in warnings[0] and "\n" not in warnings[0]
    finally:
        h.close()


class Forwarder:
    """A TCP relay between the harness and QEMU's gdbstub that the test can cut, as a dropped
    network link would (QEMU itself keeps running)."""

    def __init__(self, port: int):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._serve, args=(port,), daemon=True).start()

    def _serve(self, port: int) -> None:
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", port))
        self.sockets = [client, server]
        for a, b in ((client, server), (server, client)):
            threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        for s in (*self.sockets, self.listener):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


@needs_qemu
def test_dropped_gdb_connection_fails_one_vector_in_one_line_and_the_next_runs_on_a_fresh_emulator(model, monkeypatch):
    relays: list[Forwarder] = []
    connect = QemuBackend._gdbstub

    def through_relay(port: int) -> GdbRemote:
        relays.append(Forwarder(port))
        return connect(relays[-1].port)

    monkeypatch.setattr(QemuBackend, "_gdbstub", staticmethod(through_relay))
    h = harness("debug")
    try:
        kept = h.run_vector(model, 0)
        first = h.target(model).session.process
        relays[0].cut()
        with pytest.raises(HilError) as info:
            h.run_vector(model, 1)
        line = info.value.one_line()
        assert info.value.category == Category.EMULATOR_EXITED and "dropped the connection" in line
        assert "\n" not in line and "--vectors-via uart" in line
        assert first.poll() is not None, "the emulator whose GDB link dropped was left running"
        assert h.run_vector(model, 1).parity.exact and kept.parity.exact  # a fresh emulator, earlier result kept
        second = h.target(model).session.process
    finally:
        h.close()
    assert second.poll() is not None


@pytest.mark.skipif(shutil.which("qemu-system-arm") is None or not (shutil.which("gdb-multiarch")
                    or shutil.which("arm-none-eabi-gdb")), reason="needs qemu-system-arm and gdb-multiarch")
def test_a_board_on_a_serial_port_takes_vectors_through_its_gdb_server_and_runs_on_after():
    """The physical backend on the bench stand-in (netduinoplus2, USART2 on a pty, flashed through
    its GDB server): vectors through that server (acknowledged packets, one at a time, as with
    OpenOCD), and the board left running when the session ends."""
    elf = build_firmware("stm32f4", models_dir() / "hello_world" / "hello_world.tflite").elf
    board = start_standin()
    try:
        profile = find_profile("qemu-stm32-bench")
        session = SerialBackend(profile, port=board.pty, flasher="gdb", gdb_remote=board.gdb_remote,
                                vectors_via="debug").start(elf)
        try:
            spec = session.device.ready.inputs[0]
            inputs = [[np.full(spec.shape, v, spec.np_dtype)] for v in (-100, 0, 100)]
            debug = [session.device.infer(i) for i in inputs]
            assert session.device.debug is not None and len({r.outputs[0].tobytes() for r in debug}) == 3
            assert session.device.client.stats.bytes_out < 100 * session.device.client.stats.requests
        finally:
            session.stop()
        again = SerialBackend(profile, port=board.pty, flasher="none", vectors_via="uart").start(elf)
        try:  # still running after the session let go of its GDB server; the UART gives the same
            uart = [again.device.infer(i) for i in inputs]
            assert [(u.outputs[0].tobytes(), u.ticks) for u in uart] == [(d.outputs[0].tobytes(), d.ticks)
                                                                         for d in debug]
        finally:
            again.stop()
    finally:
        board.stop()


@needs_qemu
def test_auto_keeps_tiny_tensors_on_the_uart():
    tiny = next(m for m in catalog.discover() if m.name == "hello_world")  # 1 byte in, 1 byte out
    h = harness("auto", vectors=1)
    try:
        assert h.run_vector(tiny, 0).parity.exact and h.target(tiny).device.debug is None
    finally:
        h.close()


def test_a_mailbox_that_does_not_match_ready_is_refused_in_one_line():
    spec = TensorSpec(9, (1, 4), 1.0, 0, 4)
    ready = Ready(1, 1, 256, 1, 1, 0, 0, 0, 0, 0, "", "board", "engine", "", [spec], [spec])
    head = MAILBOX_HEAD.pack(MAILBOX_MAGIC, 1, 1, 1, 0)
    good = head + MAILBOX_TENSOR.pack(0x20000000, 4) + MAILBOX_TENSOR.pack(0x20000010, 4)
    assert parse_mailbox(0x100, good, ready).outputs == [(0x20000010, 4)]
    for bad in (bytes(len(good)), head + MAILBOX_TENSOR.pack(0x20000000, 5) + MAILBOX_TENSOR.pack(0x20000010, 4)):
        with pytest.raises(MailboxError) as info:
            parse_mailbox(0x100, bad, ready)
        assert "\n" not in info.value.one_line() and "0x00000100" in str(info.value)
