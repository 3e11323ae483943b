"""The wire protocol (docs/protocol.md): SLIP frames carrying type, flags, seq, payload, CRC-32.

Encoding and decoding use bytes.replace and bytes.split, so no Python loop runs per byte.
"""

from __future__ import annotations

import enum
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

PROTOCOL_VERSION = 1

END = 0xC0
ESC = 0xDB
_END = b"\xc0"
_ESC = b"\xdb"
_ESC_END = b"\xdb\xdc"
_ESC_ESC = b"\xdb\xdd"
HEADER = struct.Struct("<BBH")
FLAG_DUPLICATE = 0x01


class Msg(enum.IntEnum):
    HELLO = 0x01
    SET_INPUT = 0x02
    INVOKE = 0x03
    GET_OUTPUT = 0x04
    RUN = 0x05
    PROFILE = 0x06
    CALIBRATE = 0x07
    ECHO = 0x08
    TRANSFER = 0x09
    LIST_TENSORS = 0x0A
    GET_TENSOR = 0x0B
    ACK = 0x80
    READY = 0x81
    INVOKE_RESULT = 0x83
    OUTPUT_DATA = 0x84
    RUN_RESULT = 0x85
    PROFILE_DATA = 0x86
    CALIBRATE_RESULT = 0x87
    ECHO_REPLY = 0x88
    TRANSFER_REPLY = 0x89
    TENSOR_LIST = 0x8A
    TENSOR_DATA = 0x8B
    LOG = 0x8E
    FAULT = 0x8F
    NAK = 0xFE
    ERROR = 0xFF


class CounterKind(enum.IntEnum):
    NONE = 0
    SYSTICK = 1
    DWT = 2


# TFLite TensorType -> numpy dtype, for the types a READY frame may announce.
TFLITE_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
                 7: np.int16, 9: np.int8}
TFLITE_DTYPE_NAMES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool",
                      7: "int16", 9: "int8"}


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes
    flags: int = 0


def encode(msg_type: int, seq: int, payload: bytes = b"", flags: int = 0) -> bytes:
    """One complete frame on the wire, delimited by END on both sides."""
    body = HEADER.pack(msg_type, flags, seq & 0xFFFF) + payload
    body += struct.pack("<I", zlib.crc32(body))
    return _END + body.replace(_ESC, _ESC_ESC).replace(_END, _ESC_END) + _END


class BadFrame(Exception):
    """A delimited chunk that is not a valid frame (CRC, escape or length)."""


def decode_body(chunk: bytes) -> Frame:
    """Decodes the bytes between two END delimiters."""
    if chunk.count(_ESC) != chunk.count(_ESC_END) + chunk.count(_ESC_ESC):
        raise BadFrame("invalid SLIP escape")
    body = chunk.replace(_ESC_END, _END).replace(_ESC_ESC, _ESC)
    if len(body) < HEADER.size + 4:
        raise BadFrame(f"frame of {len(body)} bytes is shorter than header and CRC")
    (crc,) = struct.unpack_from("<I", body, len(body) - 4)
    if zlib.crc32(body[:-4]) != crc:
        raise BadFrame("CRC mismatch")
    msg_type, flags, seq = HEADER.unpack_from(body)
    return Frame(msg_type, seq, bytes(body[HEADER.size:-4]), flags)


class FrameDecoder:
    """Splits a byte stream into frames; resynchronises on every END byte."""

    def __init__(self, max_buffer: int = 1 << 20):
        self._buf = bytearray()
        self._max = max_buffer
        self.bad_frames = 0
        self.noise_bytes = 0

    def feed(self, data: bytes) -> list[Frame | BadFrame]:
        self._buf += data
        *chunks, rest = self._buf.split(_END)
        self._buf = bytearray(rest)
        if len(self._buf) > self._max:  # a runaway frame: drop it and wait for the next END
            self.noise_bytes += len(self._buf)
            self._buf.clear()
        out: list[Frame | BadFrame] = []
        for chunk in chunks:
            if not chunk:
                continue
            try:
                out.append(decode_body(bytes(chunk)))
            except BadFrame as exc:
                self.bad_frames += 1
                out.append(exc)
        return out

    def take_pending(self) -> Frame | BadFrame | None:
        """The bytes after the last END, for a link gone quiet: a frame whose final END was lost
        still decodes (its CRC vouches for it); anything else is a broken frame. None when
        nothing is pending."""
        if not self._buf:
            return None
        chunk = bytes(self._buf)
        self._buf.clear()
        try:
            return decode_body(chunk)
        except BadFrame as exc:
            self.bad_frames += 1
            return exc


@dataclass
class TensorSpec:
    dtype: int
    shape: tuple[int, ...]
    scale: float
    zero_point: int
    nbytes: int

    @property
    def np_dtype(self) -> np.dtype:
        return np.dtype(TFLITE_DTYPES.get(self.dtype, np.uint8))

    @property
    def dtype_name(self) -> str:
        return TFLITE_DTYPE_NAMES.get(self.dtype, f"type{self.dtype}")

    def describe(self) -> str:
        return f"{self.dtype_name}{list(self.shape)} scale={self.scale:.6g} zp={self.zero_point}"


@dataclass
class Ready:
    version: int
    counter_kind: CounterKind
    max_payload: int
    counter_hz: int
    cpu_hz: int
    arena_size: int
    arena_used: int
    model_size: int
    status: int
    model_sha256: str
    board: str
    engine: str
    message: str
    inputs: list[TensorSpec] = field(default_factory=list)
    outputs: list[TensorSpec] = field(default_factory=list)


_READY_HEAD = struct.Struct("<BBHIIIIIBBBB")


def _read_str(buf: bytes, pos: int) -> tuple[str, int]:
    n = buf[pos]
    return buf[pos + 1:pos + 1 + n].decode("utf-8", "replace"), pos + 1 + n


def _read_spec(buf: bytes, pos: int) -> tuple[TensorSpec, int]:
    dtype, ndim = buf[pos], buf[pos + 1]
    pos += 2
    shape = struct.unpack_from(f"<{ndim}i", buf, pos)
    pos += 4 * ndim
    scale, zp, nbytes = struct.unpack_from("<fiI", buf, pos)
    return TensorSpec(dtype, tuple(shape), scale, zp, nbytes), pos + 12


def parse_ready(payload: bytes) -> Ready:
    try:
        head = _READY_HEAD.unpack_from(payload)
        (version, kind, max_payload, counter_hz, cpu_hz, arena_size, arena_used, model_size,
         status, n_in, n_out, _) = head
        pos = _READY_HEAD.size
        sha = payload[pos:pos + 32].hex()
        pos += 32
        board, pos = _read_str(payload, pos)
        engine, pos = _read_str(payload, pos)
        message, pos = _read_str(payload, pos)
        specs = []
        for _ in range(n_in + n_out):
            spec, pos = _read_spec(payload, pos)
            specs.append(spec)
    except (struct.error, IndexError) as exc:
        raise BadFrame(f"malformed READY payload: {exc}") from None
    return Ready(version, CounterKind(kind), max_payload, counter_hz, cpu_hz, arena_size, arena_used,
                 model_size, status, sha, board, engine, message, specs[:n_in], specs[n_in:])


@dataclass
class Fault:
    exception: int
    cfsr: int
    hfsr: int
    mmfar: int
    bfar: int
    pc: int
    lr: int
    xpsr: int
    exc_return: int

    @classmethod
    def parse(cls, payload: bytes) -> Fault:
        if len(payload) < 36:
            raise BadFrame("short FAULT payload")
        return cls(*struct.unpack_from("<9I", payload))


# Request payload builders (the target's handlers in firmware/agent/hil_agent.c mirror these).

def set_input_payload(index: int, offset: int, data: bytes) -> bytes:
    return struct.pack("<BBHI", index, 0, 0, offset) + data


def get_output_payload(index: int, offset: int, max_len: int) -> bytes:
    return struct.pack("<BBHII", index, 0, 0, offset, max_len)


def get_tensor_payload(index: int, offset: int, max_len: int) -> bytes:
    return struct.pack("<HHII", index, 0, offset, max_len)


# TENSOR_LIST entry flags (HIL_TENSOR_* in hil_protocol.h) and the list's own flag.
TENSOR_CONST = 0x1
TENSOR_ARENA = 0x2
TENSOR_VALID = 0x4
TENSORS_OWN_MEMORY = 0x1


@dataclass
class TensorEntry:
    """One model tensor as the target describes it (LIST_TENSORS)."""

    index: int
    name: str
    flags: int
    spec: TensorSpec

    @property
    def valid(self) -> bool:
        return bool(self.flags & TENSOR_VALID)


def parse_tensor_list(payload: bytes) -> tuple[int, int, int, list[TensorEntry]]:
    """(total tensors, list flags, first index, entries) of a TENSOR_LIST reply."""
    try:
        total, first, count, list_flags = struct.unpack_from("<HHHH", payload)
        pos, entries = 8, []
        for i in range(count):
            flags, name_len = payload[pos], payload[pos + 1]
            name = payload[pos + 2:pos + 2 + name_len].decode("utf-8", "replace")
            spec, pos = _read_spec(payload, pos + 2 + name_len)
            entries.append(TensorEntry(first + i, name, flags, spec))
    except (struct.error, IndexError) as exc:
        raise BadFrame(f"malformed TENSOR_LIST payload: {exc}") from None
    return total, list_flags, first, entries


def run_payload(repeat: int, inputs: bytes = b"") -> bytes:
    return struct.pack("<HH", repeat, 0) + inputs


def parse_ticks(payload: bytes) -> tuple[list[int], int, int]:
    """(ticks per repetition, flags, offset of what follows) from INVOKE/RUN results."""
    n, flags = struct.unpack_from("<HH", payload)
    ticks = list(struct.unpack_from(f"<{n}Q", payload, 4))
    return ticks, flags, 4 + 8 * n
