"""Single-operator .tflite models written with the flatbuffer object API of the wheel's schema
module, for cells the converter does not emit (fused activations on int32 operators, type pairs
and scales it never chooses, probes of the reference's lookup tables). A generator may return
the bytes of such a model instead of (keras_model, representative)."""

from __future__ import annotations

from dataclasses import dataclass

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

_TYPES = {np.dtype(np.float32): schema.TensorType.FLOAT32, np.dtype(np.int32): schema.TensorType.INT32,
          np.dtype(np.int16): schema.TensorType.INT16, np.dtype(np.int8): schema.TensorType.INT8,
          np.dtype(np.uint8): schema.TensorType.UINT8, np.dtype(np.int64): schema.TensorType.INT64,
          np.dtype(np.bool_): schema.TensorType.BOOL, np.dtype(np.uint32): schema.TensorType.UINT32,
          np.dtype(np.uint64): schema.TensorType.UINT64}


@dataclass
class Tensor:
    """A tensor of the model: shape and element type, optional per-tensor quantization, and data
    when it is a constant."""
    shape: tuple[int, ...]
    dtype: type | np.dtype
    scale: float | None = None
    zero_point: int = 0
    data: np.ndarray | None = None
    name: str = ""


def _tensor(t: Tensor, buffer: int, index: int) -> schema.TensorT:
    out = schema.TensorT()
    out.shape = np.asarray(t.shape, np.int32)
    out.type = _TYPES[np.dtype(t.dtype)]
    out.buffer = buffer
    out.name = t.name or f"t{index}"
    if t.scale is not None:
        q = schema.QuantizationParametersT()
        q.scale = np.asarray([t.scale], np.float32)
        q.zeroPoint = np.asarray([t.zero_point], np.int64)
        out.quantization = q
    return out


def single_op_model(opcode: int, inputs: list[Tensor], outputs: list[Tensor], options_type: int = 0,
                    options: object | None = None, custom: tuple[str, bytes] | None = None) -> bytes:
    """A model of one operator; inputs without data are model inputs, in order. `custom` makes it
    a custom operator: (custom code, flexbuffer options); opcode is then ignored."""
    model = schema.ModelT()
    model.version = 3
    code = schema.OperatorCodeT()
    if custom is not None:
        opcode = schema.BuiltinOperator.CUSTOM
        code.customCode = custom[0]
    code.builtinCode = opcode
    code.deprecatedBuiltinCode = min(opcode, 127)
    code.version = 1
    model.operatorCodes = [code]
    model.buffers = [schema.BufferT()]  # buffer 0: the empty buffer of every non-constant tensor
    graph = schema.SubGraphT()
    graph.tensors = []
    for i, t in enumerate(inputs + outputs):
        buffer = 0
        if t.data is not None:
            buf = schema.BufferT()
            buf.data = np.frombuffer(np.ascontiguousarray(t.data, dtype=t.dtype).tobytes(), np.uint8)
            model.buffers.append(buf)
            buffer = len(model.buffers) - 1
        graph.tensors.append(_tensor(t, buffer, i))
    graph.inputs = np.asarray([i for i, t in enumerate(inputs) if t.data is None], np.int32)
    graph.outputs = np.arange(len(inputs), len(inputs) + len(outputs), dtype=np.int32)
    op = schema.OperatorT()
    op.opcodeIndex = 0
    op.inputs = np.arange(len(inputs), dtype=np.int32)
    op.outputs = graph.outputs.copy()
    op.builtinOptionsType = options_type
    op.builtinOptions = options
    if custom is not None:
        op.customOptions = np.frombuffer(custom[1], np.uint8)
    graph.operators = [op]
    model.subgraphs = [graph]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
