"""The wire protocol (docs/protocol.md): SLIP frames carrying type, flags, seq, payload, CRC-32.

Encoding and decoding use bytes.replace and bytes.split, so no Python loop runs per byte.
"""

from __future__ import annotations

import enum
import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

from hil.errors import ProtocolError

PROTOCOL_VERSION = 1
MAX_REPEAT = 256  # inferences per INVOKE/RUN the reference agent runs (HIL_MAX_REPEAT, firmware/agent/hil_agent.c)

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
RUN_IN_MEMORY = 0x1  # RUN request flag: inputs and outputs in the memory the mailbox names (debug connection)
MAILBOX_MAGIC = 0x4D4C4948  # "HILM": the mailbox in target RAM is complete
MAILBOX_VERSION = 1
MODEL_STATEFUL = 0x1  # READY model_flags: the model keeps state across invokes (RESET_STATE returns it)
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
    MEMORY = 0x0C
    RESET_STATE = 0x0D
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
    MEMORY_INFO = 0x8C
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
    Msg.RUN: struct.Struct("<HH"),              # repeat, flags; inputs
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
    Msg.MEMORY_INFO: struct.Struct("<II"),      # stack reserve, stack peak
    Msg.FAULT: struct.Struct("<9I"),            # see Fault
    Msg.NAK: struct.Struct("<BBHI"),            # reason, 0, seq, bytes received
    Msg.ERROR: struct.Struct("<HHI"),           # code, 0, detail; text
}
# Records inside payloads (the "record" lines of hil_protocol.h).
PROFILE_ENTRY = struct.Struct("<HHQ")     # op index, builtin opcode, ticks
TENSOR_SPEC_HEAD = struct.Struct("<BB")   # dtype, ndim; then ndim x i32 dims
TENSOR_SPEC_TAIL = struct.Struct("<fiI")  # after the dims: scale, zero point, bytes
TENSOR_ENTRY_HEAD = struct.Struct("<BB")  # flags, name length; then the name and a tensor spec
MAILBOX_HEAD = struct.Struct("<IHBBI")    # magic, version, inputs, outputs, inputs_written; then the tensors
MAILBOX_TENSOR = struct.Struct("<II")     # address, bytes


# TFLite TensorType -> numpy dtype, for the types a READY frame may announce.
TFLITE_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 6: np.bool_,
                 7: np.int16, 9: np.int8, 12: np.uint64, 15: np.uint32}
TFLITE_DTYPE_NAMES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 6: "bool",
                      7: "int16", 9: "int8", 12: "uint64", 15: "uint32"}


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


class TensorType:
    """numpy's and TFLite's names of a tensor's `dtype` (a TFLite TensorType code): shared by
    the target's tensor specs here and the host's model tensors (hil/model/tflite.py)."""

    dtype: int

    @property
    def np_dtype(self) -> np.dtype:
        return np.dtype(TFLITE_DTYPES.get(self.dtype, np.uint8))

    @property
    def dtype_name(self) -> str:
        return TFLITE_DTYPE_NAMES.get(self.dtype, f"type{self.dtype}")


@dataclass
class TensorSpec(TensorType):
    dtype: int
    shape: tuple[int, ...]
    scale: float
    zero_point: int
    nbytes: int

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
    model_flags: int
    model_sha256: str
    board: str
    engine: str
    message: str
    inputs: list[TensorSpec] = field(default_factory=list)
    outputs: list[TensorSpec] = field(default_factory=list)

    @property
    def stateful(self) -> bool:
        """The model keeps state from one invoke to the next."""
        return bool(self.model_flags & MODEL_STATEFUL)


_READY_FIELDS = ("version, counter kind, max payload, counter Hz, core clock Hz, arena size, arena used, "
                 "model size, status, input and output counts, model flags")


class MalformedFrame(ProtocolError):
    """A frame whose CRC holds but whose payload breaks docs/protocol.md: the agent on the
    target (a user's port of it, typically) sends the wrong layout, so no retry helps."""


class _Fields:
    """Reads a payload field by field; running short names the field that did not fit."""

    def __init__(self, frame: str, payload: bytes):
        self.frame, self.payload, self.pos = frame, payload, 0

    def take(self, layout: struct.Struct | str, field: str) -> tuple:
        layout = layout if isinstance(layout, struct.Struct) else struct.Struct(layout)
        if self.pos + layout.size > len(self.payload):
            raise MalformedFrame(f"{self.frame} frame of {len(self.payload)} bytes ends inside {field}: at least "
                                 f"{self.pos + layout.size} bytes expected (layout in docs/protocol.md)")
        values = layout.unpack_from(self.payload, self.pos)
        self.pos += layout.size
        return values

    def text(self, field: str) -> str:
        (length,) = self.take("<B", f"the length of {field}")
        (raw,) = self.take(f"<{length}s", field)
        return raw.decode("utf-8", "replace")

    def spec(self, field: str) -> TensorSpec:
        dtype, ndim = self.take(TENSOR_SPEC_HEAD, f"{field} (type, ndim)")
        shape = self.take(f"<{ndim}i", f"{field} (dims)")
        scale, zp, nbytes = self.take(TENSOR_SPEC_TAIL, f"{field} (scale, zero point, bytes)")
        return TensorSpec(dtype, tuple(shape), scale, zp, nbytes)

    def rest(self) -> bytes:
        return self.payload[self.pos:]


def parse_ready(payload: bytes) -> Ready:
    fields = _Fields("READY", payload)
    (version, kind, max_payload, counter_hz, cpu_hz, arena_size, arena_used, model_size,
     status, n_in, n_out, model_flags) = fields.take(HEADS[Msg.READY], f"its header ({_READY_FIELDS})")
    if kind not in CounterKind._value2member_map_:
        raise MalformedFrame(f"READY frame: counter_kind is {kind}, expected 0, 1 or 2 (none, SysTick, DWT; "
                             "docs/protocol.md)")
    (sha,) = fields.take("<32s", "the model SHA-256")
    board, engine, message = (fields.text(name) for name in ("the board name", "the engine name", "the load message"))
    specs = [fields.spec(f"input {i} spec" if i < n_in else f"output {i - n_in} spec") for i in range(n_in + n_out)]
    return Ready(version, CounterKind(kind), max_payload, counter_hz, cpu_hz, arena_size, arena_used,
                 model_size, status, model_flags, sha.hex(), board, engine, message, specs[:n_in], specs[n_in:])


@dataclass(frozen=True)
class MemoryInfo:
    """MEMORY_INFO: the stack reserve and the deepest stack use since boot, in bytes; both 0
    when the port does not measure its stack."""

    stack_reserve_bytes: int
    stack_peak_bytes: int

    @property
    def measured(self) -> bool:
        return self.stack_reserve_bytes > 0


def parse_memory_info(payload: bytes) -> MemoryInfo:
    return MemoryInfo(*_Fields("MEMORY_INFO", payload).take(HEADS[Msg.MEMORY_INFO], "its stack reserve and peak"))


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
        return cls(*_Fields("FAULT", payload).take(HEADS[Msg.FAULT], "its nine u32 registers"))


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
    fields = _Fields("TENSOR_LIST", payload)
    total, first, count, list_flags = fields.take(HEADS[Msg.TENSOR_LIST], "its header (total, first, count, flags)")
    entries = []
    for i in range(count):
        flags, name_len = fields.take(TENSOR_ENTRY_HEAD, f"entry {i} (flags, name length)")
        (name,) = fields.take(f"<{name_len}s", f"entry {i} name")
        entries.append(TensorEntry(first + i, name.decode("utf-8", "replace"), flags, fields.spec(f"entry {i} spec")))
    return total, list_flags, first, entries


def run_payload(repeat: int, inputs: bytes = b"", flags: int = 0) -> bytes:
    return HEADS[Msg.RUN].pack(repeat, flags) + inputs


def parse_ticks(payload: bytes) -> tuple[list[int], int, int]:
    """(ticks per repetition, flags, offset of what follows) from INVOKE/RUN results."""
    fields = _Fields("INVOKE/RUN result", payload)
    n, flags = fields.take(HEADS[Msg.RUN_RESULT], "its header (u16 count, u16 flags)")
    ticks = list(fields.take(f"<{n}Q", f"its {n} u64 tick counts"))
    return ticks, flags, fields.pos


def parse_chunk(msg: Msg, payload: bytes) -> tuple[int, int, bytes]:
    """(offset, total, data) of an OUTPUT_DATA or TENSOR_DATA reply: a piece of a larger buffer."""
    fields = _Fields(msg.name, payload)
    *_, offset, total = fields.take(HEADS[msg], "its header")
    return offset, total, fields.rest()


@dataclass
class OpProfile:
    index: int
    opcode: int
    ticks: int


def parse_profile(payload: bytes) -> tuple[int, list[OpProfile]]:
    """(operators in the model, the entries of this PROFILE_DATA reply)."""
    fields = _Fields("PROFILE_DATA", payload)
    total, _, count, _ = fields.take(HEADS[Msg.PROFILE_DATA], "its header (total, first, count, 0)")
    return total, [OpProfile(*fields.take(PROFILE_ENTRY, f"entry {i}")) for i in range(count)]


def parse_calibrate(payload: bytes) -> tuple[int, int, int]:
    """(loop iterations, instructions per iteration, counter ticks) of CALIBRATE_RESULT."""
    return _Fields("CALIBRATE_RESULT", payload).take(HEADS[Msg.CALIBRATE_RESULT], "its iterations and ticks")


def parse_error(payload: bytes) -> tuple[int, int, str]:
    """(error code, detail, text) of an ERROR reply."""
    fields = _Fields("ERROR", payload)
    code, _, detail = fields.take(HEADS[Msg.ERROR], "its header (u16 code, u16 reserved, u32 detail)")
    return code, detail, fields.rest().decode("utf-8", "replace")
