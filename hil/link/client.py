"""The host side of the protocol: one request at a time, matched to its reply by sequence
number, with bounded retransmission and every wait bounded by a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from hil.errors import Category, HilError, ProtocolError, TargetError, TransportTimeout
from hil.link.protocol import (
    NAK_OVERFLOW,
    BadFrame,
    Fault,
    Frame,
    FrameDecoder,
    Msg,
    Ready,
    encode,
    parse_error,
    parse_ready,
)
from hil.link.transport import Transport

# What a frame means for the request in flight (besides being its reply).
_RESEND_NOW, _RESEND_LATER, _RESEND_BLIND, _WAIT = object(), object(), object(), object()


class TargetFault(HilError):
    """The target reported a hard fault (see hil/verdicts/triage.py for decoding)."""

    category = Category.HARD_FAULT

    def __init__(self, fault: Fault, message: str | None = None):
        super().__init__(message or f"hard fault: exception {fault.exception}, PC=0x{fault.pc:08x}")
        self.fault = fault


class DeviceReset(HilError):
    """A READY frame arrived in the middle of a request: the device restarted."""

    category = Category.DEVICE_RESET

    def __init__(self, ready: Ready):
        super().__init__(f"the device reset mid-test (an unexpected READY frame from {ready.board})")
        self.ready = ready


@dataclass
class ClientStats:
    requests: int = 0
    retransmits: int = 0
    bad_frames: int = 0
    stale_frames: int = 0
    bytes_out: int = 0
    bytes_in: int = 0
    probes: int = 0  # lone END bytes sent because the link went quiet


class Client:
    def __init__(self, transport: Transport, *, retries: int = 3,
                 on_log: Callable[[str], None] | None = None, silence_probe_s: float = 0.5):
        self.transport = transport
        self.retries = retries
        self.silence_probe_s = silence_probe_s
        self._last_activity = 0.0
        self.on_log = on_log
        self.logs: list[str] = []
        self.stats = ClientStats()
        self._decoder = FrameDecoder()
        self._pending: list[Frame | BadFrame] = []
        self._seq = 0
        self.max_payload: int | None = None  # learnt from READY

    # ---- reading ----

    def _next_frame(self, deadline: float) -> Frame | BadFrame | None:
        """The next frame or bad frame, or None at the deadline. Logs are consumed here."""
        while True:
            while self._pending:
                item = self._pending.pop(0)
                if isinstance(item, Frame) and item.type == Msg.LOG:
                    self._log(item.payload.decode("utf-8", "replace"))
                    continue
                return item
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            data = self.transport.read(min(remaining, 0.5))
            if data:
                self._last_activity = time.monotonic()
                self.stats.bytes_in += len(data)
                self._pending.extend(self._decoder.feed(data))

    def _log(self, text: str) -> None:
        self.logs.append(text)
        if self.on_log:
            self.on_log(text)

    def wait_ready(self, timeout: float) -> Ready:
        """Waits for the READY frame the firmware sends after reset, discarding boot noise."""
        deadline = time.monotonic() + timeout
        while True:
            item = self._next_frame(deadline)
            if item is None:
                raise TransportTimeout(f"no READY frame within {timeout:.1f} s on {self.transport.name}",
                                       Category.NO_READY)
            if isinstance(item, Frame) and item.type == Msg.READY:
                ready = parse_ready(item.payload)
                self.max_payload = ready.max_payload
                return ready
            if isinstance(item, Frame) and item.type == Msg.FAULT:
                raise TargetFault(Fault.parse(item.payload))

    # ---- requests ----

    def _send(self, msg_type: int, seq: int, payload: bytes) -> None:
        data = encode(msg_type, seq, payload)
        self.stats.bytes_out += len(data)
        self.transport.write(data)
        self._last_activity = time.monotonic()

    def request(self, msg_type: int, payload: bytes, expect: int, timeout: float) -> Frame:
        """Sends one request and returns its reply of type `expect`.

        A NAK naming this request triggers a retransmission at once (requests are idempotent);
        evidence that may concern it (a corrupted frame, a NAK without a usable seq) triggers
        one when the link goes quiet and the reply has not come, so line noise next to an
        intact reply costs nothing; both give the request a fresh `timeout` (the target is
        alive). At most `self.retries` retransmissions. While the link is quiet the client
        recovers lost frame ends (see _on_silence), so a lost END costs `silence_probe_s`. A
        reply lost without a trace is sent for again once, blindly, after half the timeout
        (the deadline stays). Silence until `timeout` raises.
        """
        if self.max_payload is not None and len(payload) > self.max_payload:
            raise ProtocolError(f"{Msg(msg_type).name} payload of {len(payload)} bytes exceeds the target's "
                                f"maximum of {self.max_payload} (announced in READY): send it in chunks")
        self._seq = self._seq % 0xFFFE + 1  # 0 marks unsolicited frames, 0xFFFF an unknown seq
        seq = self._seq
        self.stats.requests += 1
        self._send(msg_type, seq, payload)
        attempts = 0
        suspect = False
        deadline = time.monotonic() + timeout
        blind_at = time.monotonic() + timeout / 2
        while True:
            item = self._next_frame(min(deadline, blind_at, self._last_activity + self.silence_probe_s))
            verdict = _WAIT
            if item is not None:
                verdict = self._classify(item, seq, expect)
            elif time.monotonic() >= deadline:
                raise TransportTimeout(
                    f"no reply to {Msg(msg_type).name} within {timeout:.1f} s on {self.transport.name}")
            elif time.monotonic() >= blind_at:
                verdict, blind_at = _RESEND_BLIND, deadline
            else:
                item = self._on_silence(probe=not suspect)
                if item is not None:
                    verdict = self._classify(item, seq, expect)
                elif suspect:
                    verdict = _RESEND_NOW
            if isinstance(verdict, Frame):
                return verdict
            if verdict is _RESEND_LATER:
                suspect = True
            elif verdict is _RESEND_NOW or verdict is _RESEND_BLIND:
                attempts += 1
                if attempts > self.retries:
                    raise ProtocolError(
                        f"{Msg(msg_type).name} failed after {self.retries} retransmissions "
                        f"({self.stats.bad_frames} corrupted frames seen): the link is too noisy")
                self.stats.retransmits += 1
                self._send(msg_type, seq, payload)
                suspect = False
                if verdict is _RESEND_NOW:
                    deadline = time.monotonic() + timeout
                    blind_at = time.monotonic() + timeout / 2

    def _on_silence(self, probe: bool) -> Frame | BadFrame | None:
        """Nothing arrived for `silence_probe_s`. A reply whose final END was lost is taken from
        the decoder (a partial that does not decode comes back as a bad frame). Otherwise, when
        `probe`, a lone END goes out: it completes a request whose final END was lost, so the
        target answers or NAKs it, and the target ignores it as an empty frame in every other
        case. Returns what was pending, or None."""
        self._last_activity = time.monotonic()
        pending = self._decoder.take_pending()
        if pending is None and probe:
            self.stats.probes += 1
            self.transport.write(b"\xc0")
        return pending

    def _classify(self, item: Frame | BadFrame, seq: int, expect: int) -> Frame | object:
        """The reply itself, or _RESEND_NOW, _RESEND_LATER (if no reply comes), _WAIT."""
        if isinstance(item, BadFrame):
            self.stats.bad_frames += 1
            return _RESEND_LATER  # our reply, or noise next to it
        if item.type == Msg.FAULT:
            raise TargetFault(Fault.parse(item.payload))
        if item.type == Msg.READY and (expect != Msg.READY or item.seq != seq):
            raise DeviceReset(parse_ready(item.payload))
        if item.type == Msg.NAK:
            if item.payload[:1] == bytes([NAK_OVERFLOW]) and item.seq in (seq, 0xFFFF):
                raise ProtocolError("the target dropped a frame larger than its receive buffer (NAK overflow)")
            # Another seq: a stale NAK, or ours with a corrupted header.
            return _RESEND_NOW if item.seq == seq else _RESEND_LATER
        if item.seq != seq:
            self.stats.stale_frames += 1  # a reply to an earlier, retransmitted request
            return _WAIT
        if item.type == Msg.ERROR:
            raise TargetError(*parse_error(item.payload))
        if item.type != expect:
            raise ProtocolError(f"expected {Msg(expect).name}, got message type 0x{item.type:02x}")
        return item

    def hello(self, timeout: float) -> Ready:
        return parse_ready(self.request(Msg.HELLO, b"", Msg.READY, timeout).payload)
