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
HEADER = struct.Struct("<BBH")  # type, flags, seq
CRC = struct.Struct("<I")  # CRC-32 of header and payload, after the payload
FLAG_DUPLICATE = 0x01  # frame flag: the reply to a request the target had already executed
RUN_FLAG_OUTPUTS = 0x1  # RUN_RESULT flag: the outputs follow the ticks
NAK_OVERFLOW = 4  # NAK reason (hil_bad_reason): the frame did not fit the target's receive buffer


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


# The fixed head of each payload (little-endian; what follows it is message-specific). Named after
# the layouts commented in firmware/agent/hil_protocol.h, which tests/test_protocol_header.py
# holds equal to these.
HEADS: dict[Msg, struct.Struct] = {
    Msg.SET_INPUT: struct.Struct("<BBHI"),      # index, 0, 0, offset; data
    Msg.INVOKE: struct.Struct("<H"),            # repeat
    Msg.GET_OUTPUT: struct.Struct("<BBHII"),    # index, 0, 0, offset, max_len
    Msg.RUN: struct.Struct("<HH"),              # repeat, 0; inputs
    Msg.PROFILE: struct.Struct("<H"),           # first op
    Msg.CALIBRATE: struct.Struct("<I"),         # iterations
    Msg.TRANSFER: struct.Struct("<I"),          # reply_len; bytes
    Msg.LIST_TENSORS: struct.Struct("<H"),      # first tensor
    Msg.GET_TENSOR: struct.Struct("<HHII"),     # index, 0, offset, max_len
    Msg.READY: struct.Struct("<BBHIIIIIBBBB"),  # see parse_ready
    Msg.INVOKE_RESULT: struct.Struct("<HH"),    # n, 0; n x u64 ticks
    Msg.OUTPUT_DATA: struct.Struct("<BBHII"),   # index, 0, 0, offset, total; data
    Msg.RUN_RESULT: struct.Struct("<HH"),       # n, flags; n x u64 ticks, outputs
    Msg.PROFILE_DATA: struct.Struct("<HHHH"),   # total, first, count, 0; count x PROFILE_ENTRY
    Msg.CALIBRATE_RESULT: struct.Struct("<IIQ"),  # iterations, instructions per iteration, ticks
    Msg.TENSOR_LIST: struct.Struct("<HHHH"),    # total, first, count, flags; count x tensor entry
    Msg.TENSOR_DATA: struct.Struct("<HHII"),    # index, 0, offset, total; data
    Msg.FAULT: struct.Struct("<9I"),            # see Fault
    Msg.NAK: struct.Struct("<BBHI"),            # reason, 0, seq, bytes received
    Msg.ERROR: struct.Struct("<HHI"),           # code, 0, detail; text
}
# Records inside payloads (the "record" lines of hil_protocol.h).
PROFILE_ENTRY = struct.Struct("<HHQ")     # op index, builtin opcode, ticks
TENSOR_SPEC_HEAD = struct.Struct("<BB")   # dtype, ndim; then ndim x i32 dims
TENSOR_SPEC_TAIL = struct.Struct("<fiI")  # after the dims: scale, zero point, bytes
TENSOR_ENTRY_HEAD = struct.Struct("<BB")  # flags, name length; then the name and a tensor spec


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
    body += CRC.pack(zlib.crc32(body))
    return _END + body.replace(_ESC, _ESC_ESC).replace(_END, _ESC_END) + _END


class BadFrame(Exception):
    """A delimited chunk that is not a valid frame (CRC, escape or length)."""


def decode_body(chunk: bytes) -> Frame:
    """Decodes the bytes between two END delimiters."""
    if chunk.count(_ESC) != chunk.count(_ESC_END) + chunk.count(_ESC_ESC):
        raise BadFrame("invalid SLIP escape")
    body = chunk.replace(_ESC_END, _END).replace(_ESC_ESC, _ESC)
    if len(body) < HEADER.size + CRC.size:
        raise BadFrame(f"frame of {len(body)} bytes is shorter than header and CRC")
    (crc,) = CRC.unpack_from(body, len(body) - CRC.size)
    if zlib.crc32(body[:-CRC.size]) != crc:
        raise BadFrame("CRC mismatch")
    msg_type, flags, seq = HEADER.unpack_from(body)
    return Frame(msg_type, seq, bytes(body[HEADER.size:-CRC.size]), flags)


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


def _read_str(buf: bytes, pos: int) -> tuple[str, int]:
    n = buf[pos]
    return buf[pos + 1:pos + 1 + n].decode("utf-8", "replace"), pos + 1 + n


def _read_spec(buf: bytes, pos: int) -> tuple[TensorSpec, int]:
    dtype, ndim = TENSOR_SPEC_HEAD.unpack_from(buf, pos)
    pos += TENSOR_SPEC_HEAD.size
    shape = struct.unpack_from(f"<{ndim}i", buf, pos)
    pos += 4 * ndim
    scale, zp, nbytes = TENSOR_SPEC_TAIL.unpack_from(buf, pos)
    return TensorSpec(dtype, tuple(shape), scale, zp, nbytes), pos + TENSOR_SPEC_TAIL.size


def parse_ready(payload: bytes) -> Ready:
    try:
        head = HEADS[Msg.READY].unpack_from(payload)
        (version, kind, max_payload, counter_hz, cpu_hz, arena_size, arena_used, model_size,
         status, n_in, n_out, _) = head
        pos = HEADS[Msg.READY].size
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
        if len(payload) < HEADS[Msg.FAULT].size:
            raise BadFrame("short FAULT payload")
        return cls(*HEADS[Msg.FAULT].unpack_from(payload))


# Request payload builders (the target's handlers in firmware/agent/hil_agent.c mirror these).

def set_input_payload(index: int, offset: int, data: bytes) -> bytes:
    return HEADS[Msg.SET_INPUT].pack(index, 0, 0, offset) + data


def get_output_payload(index: int, offset: int, max_len: int) -> bytes:
    return HEADS[Msg.GET_OUTPUT].pack(index, 0, 0, offset, max_len)


def get_tensor_payload(index: int, offset: int, max_len: int) -> bytes:
    return HEADS[Msg.GET_TENSOR].pack(index, 0, offset, max_len)


def invoke_payload(repeat: int) -> bytes:
    return HEADS[Msg.INVOKE].pack(repeat)


def profile_payload(first_op: int) -> bytes:
    return HEADS[Msg.PROFILE].pack(first_op)


def list_tensors_payload(first: int) -> bytes:
    return HEADS[Msg.LIST_TENSORS].pack(first)


def calibrate_payload(iterations: int) -> bytes:
    return HEADS[Msg.CALIBRATE].pack(iterations)


def transfer_payload(reply_len: int, send: bytes) -> bytes:
    return HEADS[Msg.TRANSFER].pack(reply_len) + send


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
        total, first, count, list_flags = HEADS[Msg.TENSOR_LIST].unpack_from(payload)
        pos, entries = HEADS[Msg.TENSOR_LIST].size, []
        for i in range(count):
            flags, name_len = TENSOR_ENTRY_HEAD.unpack_from(payload, pos)
            pos += TENSOR_ENTRY_HEAD.size
            name = payload[pos:pos + name_len].decode("utf-8", "replace")
            spec, pos = _read_spec(payload, pos + name_len)
            entries.append(TensorEntry(first + i, name, flags, spec))
    except (struct.error, IndexError) as exc:
        raise BadFrame(f"malformed TENSOR_LIST payload: {exc}") from None
    return total, list_flags, first, entries


def run_payload(repeat: int, inputs: bytes = b"") -> bytes:
    return HEADS[Msg.RUN].pack(repeat, 0) + inputs


def parse_ticks(payload: bytes) -> tuple[list[int], int, int]:
    """(ticks per repetition, flags, offset of what follows) from INVOKE/RUN results."""
    n, flags = HEADS[Msg.RUN_RESULT].unpack_from(payload)
    pos = HEADS[Msg.RUN_RESULT].size
    ticks = list(struct.unpack_from(f"<{n}Q", payload, pos))
    return ticks, flags, pos + 8 * n


def parse_chunk(msg: Msg, payload: bytes) -> tuple[int, int, bytes]:
    """(offset, total, data) of an OUTPUT_DATA or TENSOR_DATA reply: a piece of a larger buffer."""
    head = HEADS[msg]
    *_, offset, total = head.unpack_from(payload)
    return offset, total, payload[head.size:]


@dataclass
class OpProfile:
    index: int
    opcode: int
    ticks: int


def parse_profile(payload: bytes) -> tuple[int, list[OpProfile]]:
    """(operators in the model, the entries of this PROFILE_DATA reply)."""
    total, _, count, _ = HEADS[Msg.PROFILE_DATA].unpack_from(payload)
    start = HEADS[Msg.PROFILE_DATA].size
    return total, [OpProfile(*PROFILE_ENTRY.unpack_from(payload, start + PROFILE_ENTRY.size * i))
                   for i in range(count)]


def parse_calibrate(payload: bytes) -> tuple[int, int, int]:
    """(loop iterations, instructions per iteration, counter ticks) of CALIBRATE_RESULT."""
    return HEADS[Msg.CALIBRATE_RESULT].unpack_from(payload)


def parse_error(payload: bytes) -> tuple[int, int, str]:
    """(error code, detail, text) of an ERROR reply."""
    code, _, detail = HEADS[Msg.ERROR].unpack_from(payload)
    return code, detail, payload[HEADS[Msg.ERROR].size:].decode("utf-8", "replace")
