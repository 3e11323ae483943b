"""A fault-injecting wrapper around any Transport, for testing the protocol's recovery: seeded
garbage bytes, bit flips, dropped bytes and truncated frames, host-to-target (`tx`) and
target-to-host (`rx`), at rates per byte or as one-shot faults on the next frame.

The stream is processed byte by byte with its SLIP frame boundaries (END bytes) tracked per
direction, so faults mean the same whatever chunks the OS delivers (an emulator's UART often
arrives one byte per read).

    link = FaultyTransport(transport, seed=1, tx=Faults(bit_flip=1e-3), rx=Faults(drop=1e-4))
    link.once("tx", "truncate")   # cut the next request short
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from hil.link.transport import Transport

END = 0xC0
# One-shot kinds. garbage: 1-16 random bytes just before the next frame; bit_flip / drop: one
# byte of the next frame's body (within its first 8 bytes, which every frame has); truncate: the
# next frame cut inside its body, the rest of it and its END lost; drop_end: the END that closes
# the next frame lost (the frame never ends).
KINDS = ("garbage", "bit_flip", "drop", "truncate", "drop_end")


@dataclass(frozen=True)
class Faults:
    """Probabilities per byte."""

    garbage: float = 0.0   # a burst of 1-16 random bytes inserted before the byte
    bit_flip: float = 0.0  # one random bit of the byte inverted
    drop: float = 0.0      # the byte lost
    truncate: float = 0.0  # the link dead from this byte to the end of the frame (END included)


@dataclass
class _Direction:
    rates: Faults = field(default_factory=Faults)
    waiting: list[str] = field(default_factory=list)      # one-shots for the next frame
    active: dict[int, str] = field(default_factory=dict)  # body offset -> one-shot, this frame
    drop_end: bool = False  # lose the END closing the current frame
    in_frame: bool = False
    body_pos: int = 0
    cutting: bool = False


class FaultyTransport:
    def __init__(self, inner: Transport, *, seed: int = 0, tx: Faults | None = None, rx: Faults | None = None):
        self.inner = inner
        self.name = f"faulty({inner.name})"
        self.injected: Counter[str] = Counter()  # "tx.bit_flip" -> count
        self._rng = random.Random(seed)
        self._dirs = {"tx": _Direction(tx or Faults()), "rx": _Direction(rx or Faults())}

    def once(self, direction: str, kind: str) -> None:
        """One fault of `kind` (see KINDS) on the next frame in `direction` ("tx" or "rx")."""
        if direction not in self._dirs or kind not in KINDS:
            raise ValueError(f"unknown fault {direction}/{kind}")
        self._dirs[direction].waiting.append(kind)

    def set_rates(self, direction: str, faults: Faults) -> None:
        self._dirs[direction].rates = faults

    # ---- Transport ----

    def write(self, data: bytes) -> None:
        out = self._mangle("tx", data)
        if out:
            self.inner.write(out)

    def read(self, timeout: float) -> bytes:
        return self._mangle("rx", self.inner.read(timeout))

    def close(self) -> None:
        self.inner.close()

    # ---- faults ----

    def _count(self, direction: str, kind: str) -> None:
        self.injected[f"{direction}.{kind}"] += 1

    def _burst(self) -> bytes:
        return bytes(self._rng.randrange(256) for _ in range(self._rng.randint(1, 16)))

    def _start_frame(self, d: _Direction) -> None:
        """The first body byte of a frame: the waiting one-shots become this frame's."""
        d.in_frame, d.body_pos = True, 0
        for kind in d.waiting:
            if kind == "drop_end":
                d.drop_end = True
            elif kind != "garbage":
                d.active[self._rng.randint(1, 8)] = kind
        d.waiting = [k for k in d.waiting if k == "garbage"]

    def _mangle(self, direction: str, data: bytes) -> bytes:
        d = self._dirs[direction]
        out = bytearray()
        for byte in data:
            if d.cutting:
                if byte == END:
                    d.cutting, d.in_frame = False, False
                continue
            if byte == END:
                self._end_byte(direction, d, out)
                continue
            if not d.in_frame:
                self._start_frame(d)
            d.body_pos += 1
            kind = d.active.pop(d.body_pos, None)
            if kind:
                self._count(direction, kind)
            byte = self._body_byte(direction, d, byte, kind, out)
            if byte is not None:
                out.append(byte)
        return bytes(out)

    def _end_byte(self, direction: str, d: _Direction, out: bytearray) -> None:
        if d.in_frame and d.drop_end:
            d.drop_end = False
            self._count(direction, "drop_end")
            return  # the frame goes on into the next one
        if not d.in_frame and "garbage" in d.waiting:  # a leading END: noise just before it
            d.waiting.remove("garbage")
            self._count(direction, "garbage")
            out += self._burst()
        d.in_frame = False
        d.active.clear()
        out.append(END)

    def _body_byte(self, direction: str, d: _Direction, byte: int, kind: str | None,
                   out: bytearray) -> int | None:
        """The byte to send (None: lost), after one-shot and rate faults."""
        rng, rates = self._rng, d.rates
        if rates.garbage and rng.random() < rates.garbage:
            self._count(direction, "garbage")
            out += self._burst()
        if kind == "truncate" or (rates.truncate and rng.random() < rates.truncate):
            if kind != "truncate":
                self._count(direction, "truncate")
            d.cutting = True
            return None
        if kind == "drop" or (rates.drop and rng.random() < rates.drop):
            if kind != "drop":
                self._count(direction, "drop")
            return None
        if kind == "bit_flip" or (rates.bit_flip and rng.random() < rates.bit_flip):
            if kind != "bit_flip":
                self._count(direction, "bit_flip")
            byte ^= 1 << rng.randrange(8)
        return byte
