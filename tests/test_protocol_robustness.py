"""The protocol's failure handling against the real firmware on QEMU (hil.boards, Client and
Device directly), with faults injected by hil.link.faulty_transport: garbage, bit flips, dropped
bytes and truncated frames in either direction, oversized frames, wrong tensor sizes, an invoke
without input, and the emulator killed mid-run. Each case ends in the right outcome (the right
answer, or the right category) within its timeout."""

from __future__ import annotations

import os
import shutil
import signal
import struct
import threading
import time

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile, make_backend
from hil.errors import Category, HilError, ProtocolError, TargetError
from hil.harness.build import build_firmware
from hil.link.faulty_transport import Faults, FaultyTransport
from hil.link.protocol import FrameDecoder, Msg, encode, run_payload
from hil.model.reference import TflmReference
from hil.verdicts.timing import TimeoutPolicy

MODEL = paths.models_dir() / "hello_world" / "hello_world.tflite"
INPUTS = [np.array([[v]], np.int8) for v in (-128, -40, 0, 17, 90, 127)]
POLICY = TimeoutPolicy(base_s=2.0, first_invoke_s=5.0, cap=5.0)

needs_qemu = pytest.mark.skipif(shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None,
                                reason="needs qemu-system-arm and arm-none-eabi-gcc (./setup.sh)")


def _start():
    firmware = build_firmware(find_profile("qemu").firmware_board, MODEL)
    session = make_backend(find_profile("qemu")).start(firmware.elf)
    session.device.timeouts = TimeoutPolicy(**vars(POLICY))
    return session


@pytest.fixture(scope="module")
def reference():
    ref = TflmReference(MODEL)
    return {int(x[0, 0]): ref.run([x])[0] for x in INPUTS}


@pytest.fixture(scope="module")
def session():
    s = _start()
    yield s
    s.stop()


@pytest.fixture
def link(session):
    """The session's client talking through a FaultyTransport (no faults until a test asks)."""
    client = session.device.client
    faulty = FaultyTransport(client.transport, seed=7)
    client.transport = faulty
    yield faulty
    client.transport = faulty.inner


def _check(device, reference, x=INPUTS[3]):
    started = time.monotonic()
    out = device.infer([x]).outputs[0]
    elapsed = time.monotonic() - started
    np.testing.assert_array_equal(out, reference[int(x[0, 0])])
    return elapsed


def _stats(device):
    s = device.client.stats
    return s.retransmits, s.bad_frames, s.probes


def _delta(before, device):
    return tuple(b - a for a, b in zip(before, _stats(device), strict=True))


# ---- corruption in either direction ----

@needs_qemu
@pytest.mark.parametrize(("direction", "kind", "retransmits", "probes"), [
    # (min, max) retransmissions and END probes each single fault may cost
    ("tx", "garbage", (0, 0), (0, 0)),   # the target NAKs the noise (no seq); the reply still comes
    ("tx", "bit_flip", (1, 1), (0, 0)),  # CRC failure -> NAK (seq, or garbled: on silence) -> resend
    ("rx", "bit_flip", (1, 1), (0, 0)),  # corrupted reply -> resend when no reply follows
    ("tx", "drop", (1, 1), (0, 0)),      # shorter frame: CRC failure -> NAK -> resend
    ("rx", "drop", (1, 1), (0, 0)),
    ("tx", "drop_end", (0, 0), (1, 1)),  # the request never ends: a lone END completes it
    ("rx", "drop_end", (0, 0), (0, 0)),  # the reply never ends: its CRC vouches for it on silence
    ("tx", "truncate", (1, 1), (1, 1)),  # half a request: END probe -> NAK -> resend
    ("rx", "truncate", (1, 1), (0, 0)),  # half a reply: dead on silence -> resend
], ids=lambda v: v if isinstance(v, str) else None)
def test_single_fault_is_recovered(session, link, reference, direction, kind, retransmits, probes):
    device = session.device
    before = _stats(device)
    link.once(direction, kind)
    elapsed = _check(device, reference)
    resent, _, probed = _delta(before, device)
    assert link.injected[f"{direction}.{kind}"] == 1
    assert retransmits[0] <= resent <= retransmits[1], f"{resent} retransmissions"
    assert probes[0] <= probed <= probes[1], f"{probed} probes"
    assert elapsed < 2.0, f"recovery took {elapsed:.2f} s"
    _check(device, reference)  # and the link is clean again


@needs_qemu
def test_garbage_makes_a_duplicate_reply_that_is_recognised_as_stale(session, link, reference):
    device = session.device
    link.once("tx", "garbage")
    stale = device.client.stats.stale_frames
    resent = device.client.stats.retransmits
    _check(device, reference, INPUTS[0])
    _check(device, reference, INPUTS[5])  # must not be answered with the previous input's output
    # Noise costs no retransmission, so no duplicate reply either.
    assert device.client.stats.retransmits == resent and device.client.stats.stale_frames == stale


@needs_qemu
def test_noisy_link_both_directions_loses_nothing(session, link, reference):
    # Per byte: about one exchange in eight (a request and its reply, ~40 bytes) meets a fault.
    noise = Faults(garbage=1e-3, bit_flip=1e-3, drop=1e-3, truncate=5e-4)
    link.set_rates("tx", noise)
    link.set_rates("rx", noise)
    device = session.device
    for i in range(60):
        x = INPUTS[i % len(INPUTS)]
        np.testing.assert_array_equal(device.infer([x]).outputs[0], reference[int(x[0, 0])])
    assert sum(link.injected.values()) >= 5, link.injected


@needs_qemu
def test_persistent_corruption_ends_in_protocol_error_quickly(session, link, reference):
    link.set_rates("tx", Faults(bit_flip=0.1))  # every request frame corrupted
    started = time.monotonic()
    with pytest.raises(ProtocolError) as info:
        session.device.infer([INPUTS[1]])
    elapsed = time.monotonic() - started
    assert info.value.category == Category.PROTOCOL and "retransmissions" in str(info.value)
    assert elapsed < 5.0
    link.set_rates("tx", Faults())
    _check(session.device, reference)


# ---- frames the target must refuse ----

@needs_qemu
def test_oversized_frame_is_refused_with_nak_overflow(session, link, reference):
    client = session.device.client
    max_payload = session.device.ready.max_payload
    # The target's own answer, raw: a NAK with reason overflow that names the request's seq.
    client.transport.write(encode(Msg.ECHO, 0x1234, b"x" * (max_payload + 100)))
    decoder, frames, deadline = FrameDecoder(), [], time.monotonic() + 2.0
    while not frames and time.monotonic() < deadline:
        frames = [f for f in decoder.feed(client.transport.read(0.2)) if not isinstance(f, Exception)]
    assert frames and frames[0].type == Msg.NAK, frames
    reason, _, seq, _ = struct.unpack("<BBHI", frames[0].payload)
    assert (reason, seq) == (4, 0x1234)
    # Through the client (its own size check off): one line, no retransmission storm.
    saved, client.max_payload = client.max_payload, None
    try:
        started = time.monotonic()
        with pytest.raises(ProtocolError) as info:
            client.request(Msg.ECHO, b"y" * (max_payload + 1), Msg.ECHO_REPLY, 2.0)
        assert "overflow" in str(info.value) and time.monotonic() - started < 2.0
    finally:
        client.max_payload = saved
    _check(session.device, reference)


@needs_qemu
def test_wrong_tensor_size_is_one_line_naming_sizes(session, reference):
    with pytest.raises(ProtocolError) as info:
        session.device.infer([np.zeros((2, 2), np.int8)])
    message = info.value.one_line()
    assert "\n" not in message
    assert "4 elements [2, 2]" in message and "int8[1, 1]" in message and "(1 bytes)" in message
    # The target's own check, bypassing the host's: RUN data of the wrong length.
    with pytest.raises(TargetError) as target:
        session.device.client.request(Msg.RUN, run_payload(1, b"\x01\x02\x03"), Msg.RUN_RESULT, 2.0)
    assert target.value.category == Category.TARGET_ERROR and target.value.code == 2
    assert target.value.detail == 1  # the byte count the model wants
    _check(session.device, reference)


@needs_qemu
def test_invoke_without_input_is_a_target_error():
    session = _start()  # fresh: no input has ever been set
    try:
        started = time.monotonic()
        with pytest.raises(TargetError) as info:
            session.device.invoke()
        assert time.monotonic() - started < 2.0
    finally:
        session.stop()
    assert info.value.category == Category.TARGET_ERROR and info.value.code == 8
    assert "no input" in info.value.one_line() and "not fully set" in str(info.value)


# ---- the emulator dies ----

@needs_qemu
def test_emulator_killed_mid_run_is_emulator_exited_with_exit_code():
    session = _start()
    killer = threading.Timer(0.5, lambda: os.killpg(session.process.pid, signal.SIGKILL))
    try:
        killer.start()
        started = time.monotonic()
        with pytest.raises(HilError) as info:
            session.device.calibrate(4_000_000_000)  # minutes of emulated work: killed midway
        elapsed = time.monotonic() - started
        session.process.wait(timeout=5)
        explained = session.explain(info.value)
    finally:
        killer.cancel()
        session.stop()
    assert explained.category == Category.EMULATOR_EXITED, explained.one_line()
    assert explained.details["exit_code"] == -signal.SIGKILL
    assert "exited with code -9" in explained.one_line()
    assert elapsed < 5.0


# ---- the fault injector itself (no emulator) ----

class _Pipe:
    """A Transport stand-in that records writes and serves queued reads."""

    name = "pipe"

    def __init__(self, reads: list[bytes] = ()):
        self.written = bytearray()
        self.reads = list(reads)

    def write(self, data: bytes) -> None:
        self.written += data

    def read(self, timeout: float) -> bytes:
        return self.reads.pop(0) if self.reads else b""

    def close(self) -> None:
        pass


def _frames() -> bytes:
    return encode(Msg.RUN_RESULT, 5, bytes(range(40))) + encode(Msg.ECHO_REPLY, 6, b"abc")


def test_one_shot_faults_hit_the_next_frame_only():
    wire = _frames()
    for kind in ("bit_flip", "drop", "truncate", "drop_end", "garbage"):
        link = FaultyTransport(_Pipe(), seed=3)
        link.once("tx", kind)
        link.write(wire)
        got = FrameDecoder().feed(bytes(link.inner.written) + b"\xc0")
        good = [f for f in got if not isinstance(f, Exception)]
        assert link.injected == {f"tx.{kind}": 1}
        assert good[-1].payload == b"abc", kind  # the second frame is untouched
        if kind == "drop_end":  # the first frame ran into the second one's leading END: intact
            assert [f.seq for f in good] == [5, 6]
        elif kind == "garbage":  # noise before the first frame: one bad chunk, both frames intact
            assert [f.seq for f in good] == [5, 6] and len(got) == 3
        else:
            assert [f.seq for f in good] == [6]


def test_faults_do_not_depend_on_read_chunking():
    wire = _frames() * 20
    noise = Faults(garbage=0.01, bit_flip=0.01, drop=0.01, truncate=0.005)
    whole = FaultyTransport(_Pipe([wire]), seed=11, rx=noise)
    bytewise = FaultyTransport(_Pipe([wire[i:i + 1] for i in range(len(wire))]), seed=11, rx=noise)
    a = whole.read(0.1)
    b = b"".join(bytewise.read(0.1) for _ in range(len(wire)))
    assert a == b and whole.injected == bytewise.injected and sum(whole.injected.values()) > 5
