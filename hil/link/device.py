"""A connected target running the agent: typed operations on top of the protocol client."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from hil.errors import ProtocolError, TargetError, UnsupportedModelError
from hil.link.client import Client
from hil.link.mailbox import DebugPath
from hil.link.protocol import (
    RUN_FLAG_OUTPUTS,
    RUN_IN_MEMORY,
    MemoryInfo,
    Msg,
    OpProfile,
    Ready,
    TensorEntry,
    TensorSpec,
    calibrate_payload,
    get_output_payload,
    get_tensor_payload,
    invoke_payload,
    list_tensors_payload,
    parse_calibrate,
    parse_chunk,
    parse_memory_info,
    parse_profile,
    parse_tensor_list,
    parse_ticks,
    profile_payload,
    run_payload,
    set_input_payload,
    transfer_payload,
)
from hil.verdicts.timing import TimeoutPolicy

UNKNOWN_MESSAGE = 1  # ERROR code of a request the agent does not know


@dataclass
class Inference:
    outputs: list[np.ndarray]
    ticks: list[int]  # counter ticks of each repetition


@dataclass
class Device:
    client: Client
    ready: Ready
    timeouts: TimeoutPolicy = field(default_factory=TimeoutPolicy)
    max_ticks_seen: int = 0
    debug: DebugPath | None = None  # vectors through the debug connection's memory access, when attached

    def check_model_loaded(self) -> None:
        if self.ready.status != 0:
            raise UnsupportedModelError(f"the firmware refused the model: {self.ready.message}")

    # ---- tensors ----

    def _to_bytes(self, spec: TensorSpec, value: np.ndarray, index: int) -> bytes:
        arr = np.asarray(value)
        if arr.dtype != spec.np_dtype:
            raise ProtocolError(f"input {index} has dtype {arr.dtype}, the model wants {spec.np_dtype}")
        data = np.ascontiguousarray(arr).tobytes()
        if len(data) != spec.nbytes:
            raise ProtocolError(f"input {index} has {arr.size} elements {list(arr.shape)}, the model "
                                f"wants {spec.describe()} ({spec.nbytes} bytes)")
        return data

    def _from_bytes(self, spec: TensorSpec, data: bytes) -> np.ndarray:
        return np.frombuffer(data, dtype=spec.np_dtype).reshape(spec.shape).copy()

    def _fits_one_frame(self, nbytes: int, repeat: int) -> bool:
        return 4 + 8 * repeat + nbytes <= self.ready.max_payload

    # ---- operations ----

    def encode_inputs(self, inputs: list[np.ndarray]) -> list[bytes]:
        """The inputs as the target wants them; a wrong count, dtype or size is refused here,
        before any exchange (ProtocolError naming the sizes)."""
        self.check_model_loaded()
        if len(inputs) != len(self.ready.inputs):
            raise ProtocolError(f"the model has {len(self.ready.inputs)} inputs, got {len(inputs)}")
        pairs = enumerate(zip(self.ready.inputs, inputs, strict=True))
        return [self._to_bytes(s, v, i) for i, (s, v) in pairs]

    def infer(self, inputs: list[np.ndarray], repeat: int = 1) -> Inference:
        """Sets every input, runs `repeat` inferences and reads every output, in as few
        exchanges as the frame size allows (one, for small models)."""
        return self.run(self.encode_inputs(inputs), repeat)

    def run(self, data: list[bytes], repeat: int = 1) -> Inference:
        """infer() for inputs already encoded by encode_inputs(): through the debug connection's
        memory access when one is attached, else over the UART."""
        if self.debug is not None:
            return self._run_in_memory(data, repeat)
        joined = b"".join(data)
        if self._fits_one_frame(len(joined), repeat):
            payload = run_payload(repeat, joined)
        else:
            for index, blob in enumerate(data):
                self.set_input(index, blob)
            payload = run_payload(repeat)
        ticks, flags, rest = self._run_request(payload, repeat)
        if flags & RUN_FLAG_OUTPUTS:
            outputs, pos = [], 0
            for spec in self.ready.outputs:
                outputs.append(self._from_bytes(spec, rest[pos:pos + spec.nbytes]))
                pos += spec.nbytes
        else:
            outputs = [self.get_output(i) for i in range(len(self.ready.outputs))]
        return Inference(outputs, ticks)

    def _run_in_memory(self, data: list[bytes], repeat: int) -> Inference:
        """The inputs written into target RAM, a RUN request of four bytes, the outputs read back:
        the debug connection touches memory only before and after the request, never while the
        inference is measured."""
        self.debug.write_inputs(data)
        ticks, _, _ = self._run_request(run_payload(repeat, flags=RUN_IN_MEMORY), repeat)
        blobs = self.debug.read_outputs()
        return Inference([self._from_bytes(s, b) for s, b in zip(self.ready.outputs, blobs, strict=True)], ticks)

    def _run_request(self, payload: bytes, repeat: int) -> tuple[list[int], int, bytes]:
        """One RUN exchange: (ticks per repetition, reply flags, the bytes after the ticks)."""
        started = time.monotonic()
        reply = self.client.request(Msg.RUN, payload, Msg.RUN_RESULT, self.timeouts.invoke(repeat, len(payload)))
        self.timeouts.observe_run((time.monotonic() - started) / repeat)
        ticks, flags, pos = parse_ticks(reply.payload)
        self.max_ticks_seen = max([self.max_ticks_seen, *ticks])
        return ticks, flags, reply.payload[pos:]

    def set_input(self, index: int, data: bytes) -> None:
        chunk = self.ready.max_payload - 8
        for offset in range(0, len(data), chunk):
            part = data[offset:offset + chunk]
            self.client.request(Msg.SET_INPUT, set_input_payload(index, offset, part), Msg.ACK,
                                self.timeouts.transfer(len(part)))

    def get_output(self, index: int) -> np.ndarray:
        spec = self.ready.outputs[index]
        data = self._read_chunks(f"output {index}", Msg.GET_OUTPUT, Msg.OUTPUT_DATA, spec.nbytes,
                                 lambda offset: get_output_payload(index, offset, spec.nbytes))
        return self._from_bytes(spec, data)

    def _read_chunks(self, what: str, request: int, reply_type: int, nbytes: int, payload) -> bytes:
        """`nbytes` read in as many replies as the frame size needs; each reply's offset and total
        must continue what was read so far."""
        buf = bytearray()
        while len(buf) < nbytes:
            reply = self.client.request(request, payload(len(buf)), reply_type,
                                        self.timeouts.transfer(self.ready.max_payload))
            offset, total, data = parse_chunk(Msg(reply_type), reply.payload)
            if offset != len(buf) or total != nbytes or not data:
                raise ProtocolError(f"{Msg(reply_type).name} for {what} at offset {offset} of {total} "
                                    f"does not continue the {len(buf)} bytes read so far")
            buf += data
        return bytes(buf)

    def invoke(self, repeat: int = 1) -> list[int]:
        """Runs the inputs already set `repeat` times; returns the ticks of each run."""
        reply = self.client.request(Msg.INVOKE, invoke_payload(repeat), Msg.INVOKE_RESULT,
                                    self.timeouts.invoke(repeat, 0))
        ticks, _, _ = parse_ticks(reply.payload)
        self.max_ticks_seen = max([self.max_ticks_seen, *ticks])
        return ticks

    def reset_state(self) -> None:
        """Returns the model's state across invokes (RNN states, SVDF histories, variables) to its
        initial value, as TFLM's MicroInterpreter::Reset does."""
        self.check_model_loaded()
        self.client.request(Msg.RESET_STATE, b"", Msg.ACK, self.timeouts.transfer(0))

    def profile(self) -> list[OpProfile]:
        """Ticks per operator of the last inference."""
        ops: list[OpProfile] = []
        while True:
            reply = self.client.request(Msg.PROFILE, profile_payload(len(ops)), Msg.PROFILE_DATA,
                                        self.timeouts.transfer(self.ready.max_payload))
            total, batch = parse_profile(reply.payload)
            ops += batch
            if len(ops) >= total or not batch:
                return ops

    def list_tensors(self) -> tuple[list[TensorEntry], int]:
        """Every model tensor (engines with tensor access) and the list flags
        (protocol.TENSORS_OWN_MEMORY: a debug firmware where no tensor reuses another's memory)."""
        entries: list[TensorEntry] = []
        while True:
            reply = self.client.request(Msg.LIST_TENSORS, list_tensors_payload(len(entries)), Msg.TENSOR_LIST,
                                        self.timeouts.transfer(self.ready.max_payload))
            total, list_flags, _, batch = parse_tensor_list(reply.payload)
            entries += batch
            if len(entries) >= total or not batch:
                return entries, list_flags

    def get_tensor(self, entry: TensorEntry) -> np.ndarray:
        """One tensor's bytes as the last inference left them, read in chunks."""
        spec = entry.spec
        data = self._read_chunks(f"tensor {entry.index}", Msg.GET_TENSOR, Msg.TENSOR_DATA, spec.nbytes,
                                 lambda offset: get_tensor_payload(entry.index, offset, spec.nbytes))
        return self._from_bytes(spec, data)

    def memory(self) -> MemoryInfo:
        """The stack reserve and its high-water mark since boot. An agent from before the MEMORY
        request answers ERROR 1 (unknown message): reported as not measured."""
        try:
            reply = self.client.request(Msg.MEMORY, b"", Msg.MEMORY_INFO, self.timeouts.transfer(16))
        except TargetError as exc:
            if exc.code == UNKNOWN_MESSAGE:
                return MemoryInfo(0, 0)
            raise
        return parse_memory_info(reply.payload)

    def calibrate(self, iterations: int) -> tuple[int, int]:
        """(instructions executed, counter ticks) of a fixed two-instruction loop."""
        reply = self.client.request(Msg.CALIBRATE, calibrate_payload(iterations), Msg.CALIBRATE_RESULT,
                                    self.timeouts.cap)
        iters, per_iter, ticks = parse_calibrate(reply.payload)
        return iters * per_iter, ticks

    def transfer(self, send: bytes, reply_len: int) -> bytes:
        """The raw link alone: `send` goes out, `reply_len` bytes come back, no engine work."""
        reply = self.client.request(Msg.TRANSFER, transfer_payload(reply_len, send), Msg.TRANSFER_REPLY,
                                    self.timeouts.transfer(len(send) + reply_len))
        if len(reply.payload) != reply_len:
            raise ProtocolError(f"TRANSFER returned {len(reply.payload)} bytes, asked for {reply_len}")
        return reply.payload

    def echo(self, data: bytes) -> bytes:
        reply = self.client.request(Msg.ECHO, data, Msg.ECHO_REPLY, self.timeouts.transfer(2 * len(data)))
        return reply.payload
