"""Models with state for the tests: third-party ones from ../shared/models, and copies whose
outputs are every operator's output, so a test sees each intermediate tensor of every invoke
(a kernel's state shows in its own output long before it reaches a saturated final one)."""

from __future__ import annotations

from pathlib import Path

import flatbuffers
import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil import paths


def shared_model(name: str) -> Path:
    """A third-party model of ../shared/models; the test is skipped, saying so, when it is absent."""
    path = paths.shared_models_dir() / name
    if not path.is_file():
        pytest.skip(f"third-party model {path} is not present (see ../shared/models/README.md)")
    return path


def expose_all_outputs(src: Path, dst: Path) -> Path:
    """A copy of `src` whose subgraph-0 outputs are every operator output, in execution order."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(src.read_bytes(), 0))
    graph = model.subgraphs[0]
    outputs = [int(t) for op in graph.operators for t in op.outputs if t >= 0]
    graph.outputs = np.asarray(list(dict.fromkeys(outputs)), np.int32)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    dst.write_bytes(bytes(builder.Output()))
    return dst


# ---- single SVDF models written with the schema's object API (no Keras layer emits SVDF) ----

_TYPES = {np.dtype(np.float32): schema.TensorType.FLOAT32, np.dtype(np.int32): schema.TensorType.INT32,
          np.dtype(np.int16): schema.TensorType.INT16, np.dtype(np.int8): schema.TensorType.INT8}


def _tensor(model: schema.ModelT, shape, dtype, scale=None, zero_point=0, data=None, variable=False) -> schema.TensorT:
    t = schema.TensorT()
    t.shape, t.type, t.isVariable = np.asarray(shape, np.int32), _TYPES[np.dtype(dtype)], variable
    t.buffer = 0
    if data is not None:
        buf = schema.BufferT()
        buf.data = np.frombuffer(np.ascontiguousarray(data, dtype).tobytes(), np.uint8)
        model.buffers.append(buf)
        t.buffer = len(model.buffers) - 1
    if scale is not None:
        t.quantization = schema.QuantizationParametersT()
        t.quantization.scale = np.asarray([scale], np.float32)
        t.quantization.zeroPoint = np.asarray([zero_point], np.int64)
    return t


def svdf_model(rng: np.random.Generator, kind: str) -> bytes:
    """One SVDF of random size and rank: kind "int8" (int8 state and time weights), "int16"
    (int16 state and time weights, int8 input), or "float32". Scales put the feature and time
    sums in range, so states and outputs move with the input instead of saturating."""
    batch, size, memory, rank = int(rng.integers(1, 3)), int(rng.integers(4, 40)), int(rng.integers(2, 10)), \
        int(rng.integers(1, 4))
    units = int(rng.integers(1, 12))
    filters = units * rank
    model = schema.ModelT()
    model.version, model.buffers = 3, [schema.BufferT()]
    code = schema.OperatorCodeT()
    code.builtinCode, code.deprecatedBuiltinCode, code.version = schema.BuiltinOperator.SVDF, \
        schema.BuiltinOperator.SVDF, 1
    model.operatorCodes = [code]
    if kind == "float32":
        tensors = [_tensor(model, [batch, size], np.float32),
                   _tensor(model, [filters, size], np.float32, data=rng.normal(0, 0.5, (filters, size))),
                   _tensor(model, [filters, memory], np.float32, data=rng.normal(0, 0.5, (filters, memory))),
                   _tensor(model, [units], np.float32, data=rng.normal(0, 0.5, units)),
                   _tensor(model, [batch, memory * filters], np.float32, variable=True),
                   _tensor(model, [batch, units], np.float32)]
        activation = int(rng.choice([schema.ActivationFunctionType.NONE, schema.ActivationFunctionType.RELU]))
    else:
        state_type = np.int16 if kind == "int16" else np.int8
        limit = np.iinfo(state_type).max
        in_scale, wf_scale, state_scale = 0.02, 0.01, 0.05
        wt_scale, out_scale = 1.0 / limit, 0.1 * float(np.sqrt(memory * rank))
        tensors = [_tensor(model, [batch, size], np.int8, in_scale, int(rng.integers(-20, 20))),
                   _tensor(model, [filters, size], np.int8, wf_scale, 0, rng.integers(-127, 128, (filters, size))),
                   _tensor(model, [filters, memory], state_type, wt_scale, 0,
                           rng.integers(-limit, limit + 1, (filters, memory))),
                   _tensor(model, [units], np.int32, state_scale * wt_scale, 0,
                           rng.integers(-2000, 2000, units) * (limit // 127)),
                   _tensor(model, [batch, memory * filters], state_type, state_scale,
                           int(rng.integers(-10, 10)) if kind == "int8" else 0, variable=True),
                   _tensor(model, [batch, units], np.int8, out_scale, int(rng.integers(-10, 10)))]
        activation = schema.ActivationFunctionType.NONE
    graph = schema.SubGraphT()
    graph.tensors, graph.inputs, graph.outputs = tensors, np.asarray([0], np.int32), np.asarray([5], np.int32)
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, np.arange(5, dtype=np.int32), np.asarray([5], np.int32)
    op.builtinOptionsType = schema.BuiltinOptions.SVDFOptions
    op.builtinOptions = schema.SVDFOptionsT()
    op.builtinOptions.rank, op.builtinOptions.fusedActivationFunction = rank, activation
    graph.operators = [op]
    model.subgraphs = [graph]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
