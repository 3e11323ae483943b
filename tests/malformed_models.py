"""Malformed .tflite files made from a real model, each with the refusal the built-in engine's
loader must answer (error code and a piece of its one-line message).

Two kinds: schema-level edits through the TFLite object API (the flatbuffer stays well formed,
its content is inconsistent), and byte-level edits of the flatbuffer itself (offsets, vtables,
vector lengths), located with a minimal reader of the FlatBuffers layout.
"""

from __future__ import annotations

import copy
import struct
from collections.abc import Callable
from dataclasses import dataclass

import flatbuffers
import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

MODEL_INVALID = 10
UNSUPPORTED = 6
ARENA_TOO_SMALL = 9


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    code: int | None  # None: any refusal code (several checks may fire first)
    message: str      # a piece of the loader's one-line message ("": any message)
    may_load: bool = False  # well formed enough that loading is acceptable: only no crash counts


# ---- schema-level edits ----

def _unpack(model: bytes) -> schema.ModelT:
    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))


def _pack(m: schema.ModelT) -> bytes:
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _fc_ops(m: schema.ModelT) -> list:
    return m.subgraphs[0].operators


def _const_tensor(m: schema.ModelT) -> int:
    """Index of the first weights tensor (a constant input 1 of the first operator)."""
    return int(_fc_ops(m)[0].inputs[1])


WHILE = schema.BuiltinOperator.WHILE  # control flow: outside the built-in engine's scope


def with_operator(model: bytes, op_index: int, code: int) -> bytes:
    """A real model with one operator's code replaced by `code`, say an operator the engine has no
    kernel for (WHILE), to check refusals on a model that is otherwise well formed."""
    m = _unpack(model)
    opcode = schema.OperatorCodeT()
    opcode.builtinCode, opcode.deprecatedBuiltinCode, opcode.version = code, min(code, 127), 1
    m.operatorCodes.append(opcode)
    m.subgraphs[0].operators[op_index].opcodeIndex = len(m.operatorCodes) - 1
    return _pack(m)


def _edit(fn: Callable[[schema.ModelT], None]) -> Callable[[schema.ModelT], bytes]:
    def apply(m: schema.ModelT) -> bytes:
        m = copy.deepcopy(m)
        fn(m)
        return _pack(m)
    return apply


def _set_buffer_index(m, value):
    m.subgraphs[0].tensors[_const_tensor(m)].buffer = value


def _set_shape(m, shape, tensor=None):
    index = tensor if tensor is not None else int(_fc_ops(m)[0].outputs[0])
    m.subgraphs[0].tensors[index].shape = np.array(shape, dtype=np.int32)


def _set_op_input(m, k, value):
    _fc_ops(m)[0].inputs[k] = value


def _short_buffer(m):
    t = m.subgraphs[0].tensors[_const_tensor(m)]
    m.buffers[t.buffer].data = m.buffers[t.buffer].data[:-1]


def _external_buffer(m, offset, size):
    t = m.subgraphs[0].tensors[_const_tensor(m)]
    m.buffers[t.buffer].data = None
    m.buffers[t.buffer].offset = offset
    m.buffers[t.buffer].size = size


def _quant(m, tensor=None):
    index = tensor if tensor is not None else int(_fc_ops(m)[0].outputs[0])
    return m.subgraphs[0].tensors[index].quantization


def _set_scale(m, value, tensor=None):
    _quant(m, tensor).scale = np.array([value], dtype=np.float32)


def _per_channel_mismatch(m):
    q = _quant(m, _const_tensor(m))
    q.scale = np.ones(3, dtype=np.float32) * 0.01
    q.zeroPoint = np.zeros(3, dtype=np.int64)
    q.quantizedDimension = 0


def _zero_point_count(m):
    q = _quant(m, _const_tensor(m))
    n = len(q.scale)
    q.scale = np.ones(max(n, 2), dtype=np.float32) * 0.01
    q.zeroPoint = np.zeros(max(n, 2) + 1, dtype=np.int64)


def _drop_quantization(m):
    m.subgraphs[0].tensors[int(_fc_ops(m)[0].outputs[0])].quantization = None


def _fc_shape_overflow(m):
    """One FULLY_CONNECTED whose batches x units (65536 x 65537) wraps to 65536 in 32 bits:
    the output tensor holds 65536 elements, the kernel would write 2^32 + 65536."""
    sg = m.subgraphs[0]
    op = copy.deepcopy(_fc_ops(m)[0])
    weights = sg.tensors[int(op.inputs[1])]
    m.buffers[weights.buffer].data = np.ones(65537, dtype=np.uint8)
    weights.shape = np.array([65537, 1], dtype=np.int32)
    weights.quantization.scale = weights.quantization.scale[:1]
    weights.quantization.zeroPoint = weights.quantization.zeroPoint[:1]
    sg.tensors[int(op.inputs[0])].shape = np.array([65536, 1], dtype=np.int32)
    sg.tensors[int(op.outputs[0])].shape = np.array([65536], dtype=np.int32)
    op.inputs = np.array([op.inputs[0], op.inputs[1], -1], dtype=np.int32)
    sg.operators = [op]
    sg.inputs = np.array([op.inputs[0]], dtype=np.int32)
    sg.outputs = np.array([op.outputs[0]], dtype=np.int32)


def _two_subgraphs(m):
    m.subgraphs.append(copy.deepcopy(m.subgraphs[0]))


def _custom_op(m):
    m.operatorCodes[0].customCode = b"MyCustomOp"


def _sparse(m):
    m.subgraphs[0].tensors[_const_tensor(m)].sparsity = schema.SparsityParametersT()


def _variable(m):
    m.subgraphs[0].tensors[int(_fc_ops(m)[0].outputs[0])].isVariable = True


SCHEMA_CASES: list[tuple[str, Callable[[schema.ModelT], None], int | None, str]] = [
    ("buffer-index-past-end", lambda m: _set_buffer_index(m, 1000), MODEL_INVALID, "buffer that does not exist"),
    ("buffer-index-max", lambda m: _set_buffer_index(m, 0xFFFFFFFF), MODEL_INVALID, "buffer that does not exist"),
    ("huge-dimension", lambda m: _set_shape(m, [1, 0x7FFFFFFF]), MODEL_INVALID, "too large"),
    ("dimension-product-overflow", lambda m: _set_shape(m, [65536, 65536, 65536, 65536]), MODEL_INVALID,
     "too large"),
    ("negative-dimension", lambda m: _set_shape(m, [1, -3]), UNSUPPORTED, "dynamic or empty dimension"),
    ("zero-dimension", lambda m: _set_shape(m, [1, 0]), UNSUPPORTED, "dynamic or empty dimension"),
    ("seven-dimensions", lambda m: _set_shape(m, [1] * 7), UNSUPPORTED, "more than 6 dimensions"),
    ("negative-input-index", lambda m: _set_op_input(m, 0, -5), MODEL_INVALID, "tensor that does not exist"),
    ("input-index-past-end", lambda m: _set_op_input(m, 1, 999), MODEL_INVALID, "tensor that does not exist"),
    ("absent-output", lambda m: setattr(_fc_ops(m)[0], "outputs", np.array([-1], dtype=np.int32)), MODEL_INVALID,
     "tensor that does not exist"),
    ("negative-graph-input", lambda m: setattr(m.subgraphs[0], "inputs", np.array([-2], dtype=np.int32)),
     MODEL_INVALID, "tensor that does not exist"),
    ("graph-output-past-end", lambda m: setattr(m.subgraphs[0], "outputs", np.array([4096], dtype=np.int32)),
     MODEL_INVALID, "tensor that does not exist"),
    ("opcode-index-past-end", lambda m: setattr(_fc_ops(m)[0], "opcodeIndex", 7), MODEL_INVALID,
     "opcode that does not exist"),
    ("constant-buffer-short", _short_buffer, MODEL_INVALID, "does not match its buffer"),
    ("external-buffer-outside", lambda m: _external_buffer(m, 1 << 40, 16), MODEL_INVALID,
     "buffer offset points outside"),
    ("external-buffer-size-wraps", lambda m: _external_buffer(m, 64, (1 << 64) - 32), MODEL_INVALID,
     "buffer offset points outside"),
    ("per-channel-count-mismatch", _per_channel_mismatch, MODEL_INVALID, "per-channel scales"),
    ("zero-point-count-mismatch", _zero_point_count, MODEL_INVALID, "counts differ"),
    ("nan-scale", lambda m: _set_scale(m, float("nan")), MODEL_INVALID, "scale is not a positive finite"),
    ("zero-scale", lambda m: _set_scale(m, 0.0), MODEL_INVALID, "scale is not a positive finite"),
    ("negative-scale", lambda m: _set_scale(m, -0.5), MODEL_INVALID, "scale is not a positive finite"),
    ("inf-scale", lambda m: _set_scale(m, float("inf")), MODEL_INVALID, "scale is not a positive finite"),
    ("zero-point-out-of-range", lambda m: setattr(_quant(m), "zeroPoint", np.array([1 << 40], dtype=np.int64)),
     MODEL_INVALID, "zero point is out of range"),
    ("fc-shape-overflow", _fc_shape_overflow, MODEL_INVALID, "shapes do not agree"),
    ("no-subgraph", lambda m: setattr(m, "subgraphs", []), MODEL_INVALID, "no subgraph"),
    ("schema-version-2", lambda m: setattr(m, "version", 2), MODEL_INVALID, "schema version"),
    ("custom-operator", _custom_op, UNSUPPORTED, "no kernel for builtin code 32 (type 9) at op #0"),
    ("sparse-tensor", _sparse, UNSUPPORTED, "sparse tensors"),
]

# Models the loader must not crash on but may legitimately load: the engine's kernels decide.
SURVIVE_CASES: list[tuple[str, Callable[[schema.ModelT], None]]] = [
    ("unquantized-output", _drop_quantization),
    ("tiny-output-scale", lambda m: _set_scale(m, 1e-38)),
    ("huge-output-scale", lambda m: _set_scale(m, 3e38)),
    # Once refused, now run as TFLM runs them: a second subgraph nothing calls, and an operator
    # output marked variable (state kept across invokes, in persistent memory).
    ("two-subgraphs", _two_subgraphs),
    ("variable-tensor", _variable),
]


# ---- byte-level edits ----

class FlatView:
    """Positions inside a flatbuffer: tables, vtables, fields and vectors (no validation)."""

    def __init__(self, data: bytes):
        self.data = data

    def u16(self, pos: int) -> int:
        return struct.unpack_from("<H", self.data, pos)[0]

    def u32(self, pos: int) -> int:
        return struct.unpack_from("<I", self.data, pos)[0]

    def i32(self, pos: int) -> int:
        return struct.unpack_from("<i", self.data, pos)[0]

    def root(self) -> int:
        return self.u32(0)

    def vtable(self, table: int) -> int:
        return table - self.i32(table)

    def vt_entry(self, table: int, field: int) -> int:
        """Position of the vtable slot holding `field`'s offset."""
        return self.vtable(table) + 4 + 2 * field

    def field(self, table: int, field: int) -> int:
        return table + self.u16(self.vt_entry(table, field))

    def ref(self, table: int, field: int) -> int:
        pos = self.field(table, field)
        return pos + self.u32(pos)

    def vec_elem_table(self, vector: int, i: int) -> int:
        pos = vector + 4 + 4 * i
        return pos + self.u32(pos)


def _patch(data: bytes, pos: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, pos, value)
    return bytes(out)


MODEL_SUBGRAPHS, SG_TENSORS, SG_OPERATORS = 2, 0, 3


def byte_cases(data: bytes) -> list[Case]:
    v = FlatView(data)
    root = v.root()
    subgraphs = v.ref(root, MODEL_SUBGRAPHS)
    sg = v.vec_elem_table(subgraphs, 0)
    tensors = v.ref(sg, SG_TENSORS)
    t0 = v.vec_elem_table(tensors, 0)
    n = len(data)
    root_msg = "root table is outside the file"
    outside = "points outside the file"
    cases = [
        Case("empty-file", b"", MODEL_INVALID, "no TFL3 identifier"),
        Case("identifier-only", data[:8], MODEL_INVALID, root_msg),
        Case("root-offset-past-end", _patch(data, 0, "<I", n + 100), MODEL_INVALID, root_msg),
        Case("root-offset-near-4g", _patch(data, 0, "<I", 0xFFFFFFFC), MODEL_INVALID, root_msg),
        Case("root-vtable-before-start", _patch(data, root, "<i", root + 64), MODEL_INVALID, root_msg),
        Case("root-vtable-past-end", _patch(data, root, "<i", -(n + 64)), MODEL_INVALID, root_msg),
        Case("root-vtable-is-table", _patch(data, root, "<i", 0), MODEL_INVALID, root_msg),
        Case("root-vtable-odd-size", _patch(data, v.vtable(root), "<H", 5), MODEL_INVALID, root_msg),
        Case("root-vtable-zero-size", _patch(data, v.vtable(root), "<H", 0), MODEL_INVALID, root_msg),
        Case("root-vtable-huge-size", _patch(data, v.vtable(root), "<H", 0xFFFE), MODEL_INVALID, root_msg),
        Case("field-offset-past-table", _patch(data, v.vt_entry(root, MODEL_SUBGRAPHS), "<H", 0xFFF0),
             MODEL_INVALID, outside),
        Case("subgraphs-uoffset-wraps", _patch(data, v.field(root, MODEL_SUBGRAPHS), "<I", 0xFFFFFFF0),
             MODEL_INVALID, outside),
        Case("subgraphs-uoffset-past-end", _patch(data, v.field(root, MODEL_SUBGRAPHS), "<I", n),
             MODEL_INVALID, outside),
        Case("subgraphs-length-huge", _patch(data, subgraphs, "<I", 0x7FFFFFFF), MODEL_INVALID, outside),
        Case("tensors-length-huge", _patch(data, tensors, "<I", 0x3FFFFFFF), MODEL_INVALID, "tensor list"),
        Case("tensors-length-one-too-many", _patch(data, tensors, "<I", v.u32(tensors) + 1), MODEL_INVALID,
             "tensor table is malformed"),
        # A tensor entry pointing back at the tensors vector itself: the vector's length word is
        # read as the table's vtable offset (a degenerate cycle).
        Case("tensor-points-at-its-vector", _patch(data, tensors + 4, "<I", (1 << 32) - 4), MODEL_INVALID,
             "tensor table is malformed"),
        # The subgraph entry points at the root Model table: a table of the wrong type.
        Case("subgraph-is-model-table", _patch(data, subgraphs + 4, "<I", (root - (subgraphs + 4)) % (1 << 32)),
             MODEL_INVALID, "malformed"),
        Case("tensor-vtable-is-table", _patch(data, t0, "<i", 0), MODEL_INVALID, "tensor table is malformed"),
    ]
    for cut in sorted({1, 4, 7, 12, 16, 32, root + 2, subgraphs + 2, tensors + 2, t0 + 2, n // 4, n // 2, n - 1}):
        if 0 < cut < n:
            msg = "no TFL3 identifier" if cut < 8 else "malformed"
            cases.append(Case(f"truncated-at-{cut}", data[:cut], MODEL_INVALID, msg))
    return cases


def all_cases(model: bytes) -> list[Case]:
    base = _unpack(model)
    cases = [Case(name, _edit(fn)(base), code, msg) for name, fn, code, msg in SCHEMA_CASES]
    cases += [Case(name, _edit(fn)(base), None, "", may_load=True) for name, fn in SURVIVE_CASES]
    return cases + byte_cases(model)
