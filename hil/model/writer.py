"""Writes .tflite models with the flatbuffer object API of the wheel's schema module: a Graph of
operators on tensors added as they come, custom operators (flexbuffer options) included. Used by
the opgen test models (tests/opgen) and by model sources that write a model no converter emits
(an audio frontend of signal operators, hil/zoo/frontend.py). Constant buffers start 16-byte
aligned, as the converter writes them (the engine refuses constants misaligned for their type)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil.harness.agent_limits import max_io

INT4 = "int4"  # a Tensor dtype: int4 values packed two per byte (data: pack_int4's bytes)
_TYPES = {INT4: schema.TensorType.INT4,
          np.dtype(np.float32): schema.TensorType.FLOAT32, np.dtype(np.int32): schema.TensorType.INT32,
          np.dtype(np.int16): schema.TensorType.INT16, np.dtype(np.int8): schema.TensorType.INT8,
          np.dtype(np.uint8): schema.TensorType.UINT8, np.dtype(np.int64): schema.TensorType.INT64,
          np.dtype(np.bool_): schema.TensorType.BOOL, np.dtype(np.uint32): schema.TensorType.UINT32,
          np.dtype(np.uint64): schema.TensorType.UINT64}


BOUNDS_KEY = "opgen_input_bounds"
MAX_IO = max_io()  # the agent exchanges at most this many inputs and outputs (HIL_MAX_IO)


def input_bounds(model: bytes) -> dict[int, tuple]:
    """{model input index: (low, high)} a Graph recorded with bound(), else {}."""
    m = schema.Model.GetRootAs(model, 0)
    for i in range(m.MetadataLength()):
        meta = m.Metadata(i)
        if meta.Name() == BOUNDS_KEY.encode():
            text = m.Buffers(meta.Buffer()).DataAsNumpy().tobytes()
            return {int(k): tuple(v) for k, v in json.loads(text).items()}
    return {}


@dataclass
class Tensor:
    """A tensor of the model: shape and element type, optional quantization (per tensor, or per
    channel along quantized_dimension when scale is a sequence), and data when it is a constant
    (an array of dtype, or the packed bytes of an INT4 tensor)."""
    shape: tuple[int, ...]
    dtype: type | np.dtype | str
    scale: float | list[float] | np.ndarray | None = None
    zero_point: int | list[int] = 0
    data: np.ndarray | bytes | None = None
    name: str = ""
    quantized_dimension: int = 0
    variable: bool = False  # state kept across invokes (an LSTM's, an SVDF's): not a model input


def pack_int4(values: np.ndarray) -> bytes:
    """int4 values (-8..7) two per byte, element 2i in the low nibble (TFLM's packing)."""
    flat = (np.asarray(values, np.int64).ravel() & 0xF).astype(np.uint8)
    if flat.size % 2:
        flat = np.append(flat, np.uint8(0))
    return (flat[0::2] | (flat[1::2] << 4)).astype(np.uint8).tobytes()


class _AlignedBuffer(schema.BufferT):
    """A buffer whose bytes start 16-byte aligned."""

    def Pack(self, builder):  # noqa: N802 (the object API's name)
        raw = bytes(self.data) if self.data is not None else b""
        data = None
        if raw:
            builder.StartVector(1, len(raw), 16)
            builder.head -= len(raw)
            builder.Bytes[builder.head:builder.head + len(raw)] = raw
            data = builder.EndVector()
        schema.BufferStart(builder)
        if data is not None:
            schema.BufferAddData(builder, data)
        return schema.BufferEnd(builder)


def _tensor(t: Tensor, buffer: int, index: int) -> schema.TensorT:
    out = schema.TensorT()
    out.shape = np.asarray(t.shape, np.int32)
    out.type = _TYPES[t.dtype if t.dtype == INT4 else np.dtype(t.dtype)]
    out.buffer = buffer
    out.name = t.name or f"t{index}"
    out.isVariable = t.variable
    if t.scale is not None:
        scales = np.atleast_1d(np.asarray(t.scale, np.float32))
        q = schema.QuantizationParametersT()
        q.scale = scales
        q.zeroPoint = np.broadcast_to(np.asarray(t.zero_point, np.int64), scales.shape).copy()
        q.quantizedDimension = t.quantized_dimension
        out.quantization = q
    return out


def _data(t: Tensor) -> bytes:
    return t.data if isinstance(t.data, bytes) else np.ascontiguousarray(t.data, dtype=t.dtype).tobytes()


def options(name: str, **fields) -> tuple[int, object]:
    """(options type, options table) for single_op_model: the schema's `name` table (e.g.
    "Conv2DOptions") with its object-API attributes set from `fields`."""
    table = getattr(schema, f"{name}T")()
    for key, value in fields.items():
        setattr(table, key, value)
    return getattr(schema.BuiltinOptions, name), table


class Graph:
    """A model of several operators on tensors added as they come: model inputs are the
    non-constant tensors no operator writes (variable ones, an operator's state, excepted), model
    outputs the tensors an operator writes and none reads, both in the order they were added. One
    graph may hold one node per type of an operator, so one model (and one firmware) covers every
    cell of it."""

    def __init__(self) -> None:
        self.tensors: list[Tensor] = []
        self.codes: list[tuple[int, str | None]] = []  # (builtin code, custom code)
        self.ops: list[tuple[int, list[int], list[int], int, object | None, bytes | None]] = []
        self.bounds: dict[int, tuple] = {}
        self.outputs: list[int] | None = None  # the model's outputs when not every unread written tensor

    def bound(self, tensor: int, low, high) -> None:
        """Test inputs of this model input stay within [low, high]: numbers, or nested lists that
        broadcast to its shape (a bound per element). Read back with input_bounds."""
        self.bounds[tensor] = (np.asarray(low).tolist(), np.asarray(high).tolist())

    def tensor(self, t: Tensor) -> int:
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, opcode: int, inputs: list[Tensor | int | None], outputs: list[Tensor | int], options_type: int = 0,
           options: object | None = None, custom: tuple[str, bytes] | None = None) -> list[int]:
        """Adds an operator; Tensor arguments are added as new tensors, ints name earlier ones, None
        is an absent optional input. `custom` makes it a custom operator: (custom code, flexbuffer
        options); opcode is then ignored. Returns the output tensor indices."""
        def index(t: Tensor | int | None) -> int:
            return -1 if t is None else (t if isinstance(t, int) else self.tensor(t))
        ins = [index(t) for t in inputs]
        outs = [index(t) for t in outputs]
        code = (schema.BuiltinOperator.CUSTOM, custom[0]) if custom is not None else (opcode, None)
        if code not in self.codes:
            self.codes.append(code)
        self.ops.append((self.codes.index(code), ins, outs, options_type, options,
                         None if custom is None else custom[1]))
        return outs

    def build(self) -> bytes:
        model = schema.ModelT()
        model.version = 3
        model.operatorCodes = []
        for opcode, custom_code in self.codes:
            code = schema.OperatorCodeT()
            code.builtinCode = opcode
            code.customCode = custom_code
            code.deprecatedBuiltinCode = min(opcode, 127)
            code.version = 1
            model.operatorCodes.append(code)
        model.buffers = [schema.BufferT()]  # buffer 0: the empty buffer of every non-constant tensor
        graph = schema.SubGraphT()
        graph.tensors = []
        for i, t in enumerate(self.tensors):
            buffer = 0
            if t.data is not None:
                buf = _AlignedBuffer()
                buf.data = _data(t)
                model.buffers.append(buf)
                buffer = len(model.buffers) - 1
            graph.tensors.append(_tensor(t, buffer, i))
        written = {o for _, _, outs, *_ in self.ops for o in outs}
        read = {i for _, ins, *_ in self.ops for i in ins}
        graph.inputs = np.asarray([i for i, t in enumerate(self.tensors)
                                   if t.data is None and not t.variable and i not in written], np.int32)
        unread = [i for i in range(len(self.tensors)) if i in written and i not in read]
        graph.outputs = np.asarray(unread if self.outputs is None else self.outputs, np.int32)
        assert max(len(graph.inputs), len(graph.outputs)) <= MAX_IO, f"more than {MAX_IO} model inputs or outputs"
        graph.operators = []
        for code, ins, outs, options_type, options, custom_options in self.ops:
            op = schema.OperatorT()
            op.opcodeIndex = code
            op.inputs = np.asarray(ins, np.int32)
            op.outputs = np.asarray(outs, np.int32)
            op.builtinOptionsType = options_type
            op.builtinOptions = options
            if custom_options is not None:
                op.customOptions = np.frombuffer(custom_options, np.uint8)
            graph.operators.append(op)
        model.subgraphs = [graph]
        if self.bounds:  # by model input index, in the model's metadata (engines ignore it)
            order = {int(t): i for i, t in enumerate(graph.inputs)}
            text = json.dumps({order[t]: b for t, b in self.bounds.items()}).encode()
            buf = schema.BufferT()
            buf.data = np.frombuffer(text, np.uint8)
            model.buffers.append(buf)
            meta = schema.MetadataT()
            meta.name = BOUNDS_KEY
            meta.buffer = len(model.buffers) - 1
            model.metadata = [meta]
        builder = flatbuffers.Builder(1024)
        builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())


def single_op_model(opcode: int, inputs: list[Tensor | None], outputs: list[Tensor], options_type: int = 0,
                    options: object | None = None, custom: tuple[str, bytes] | None = None) -> bytes:
    """A model of one operator; inputs without data are model inputs, in order (None: an absent
    optional input, variable tensors: the operator's state); `custom` as in Graph.op."""
    graph = Graph()
    graph.op(opcode, list(inputs), list(outputs), options_type, options, custom)
    return graph.build()
