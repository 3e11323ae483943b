"""The built-in engine's (operator, type) table, and the header that keeps only the cells a model
uses in its firmware (registry.c).

    python3 model_ops.py MODEL.tflite engines/builtin/ops.def OUT.h

MODEL may be a pipeline container (engines/builtin/pipeline.h): the kernels of every stage.

The table is engines/builtin/ops.def: one HIL_OP(code, NAME, TYPE, symbol, kind) row per cell.
For every cell the header defines HIL_USE_<NAME>_<TYPE>(...) as its argument when the model has
an operator of that builtin code whose selecting tensor has that type, and as nothing
otherwise, so the kernel table (and, through --gc-sections, the kernel's code) holds only the
model's cells. Standard library only: the firmware build runs it before any harness code, and
the harness imports it (hil/engines/table.py) so both read the table one way. A model it
cannot read keeps every kernel, so the firmware's own loader reports what is wrong with it.
"""

from __future__ import annotations

import re
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

OP_LINE = re.compile(r"^\s*HIL_OP\(\s*(\d+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*,\s*(\w+)\s*\)", re.M)
TYPE_INPUT_LINE = re.compile(r"^\s*HIL_OP_TYPE_INPUT\(\s*(\d+)\s*,\s*(\w+)\s*,\s*(-?\d+)\s*\)", re.M)
INT4 = 17  # TensorType INT4 (graph.h HIL_INT4)
DTYPE_LINE = re.compile(r"^\s*HIL_(\w+)\s*=\s*(\d+)\s*,", re.M)  # the TensorType enum of graph.h
CUSTOM_BASE = 1000  # graph.h HIL_CUSTOM_BASE: ops.def codes of custom operators start here


@dataclass(frozen=True)
class Cell:
    code: int
    name: str
    dtype: str  # TensorType name as in graph.h without HIL_: INT8, FLOAT32, ...
    symbol: str
    kind: str  # REF, OPT or FPU (ops.def)


@dataclass(frozen=True)
class Table:
    cells: list[Cell]
    type_input: dict[int, int]  # builtin code -> index of the input whose type selects the kernel (-1: output 0)
    dtypes: dict[int, str]  # TensorType value -> name

    def find(self, code: int, dtype: int) -> Cell | None:
        name = self.dtypes.get(dtype)
        return next((c for c in self.cells if c.code == code and c.dtype == name), None)


def read_table(ops_def: str, graph_h: str) -> Table:
    cells = [Cell(int(code), name, dtype, symbol, kind) for code, name, dtype, symbol, kind in OP_LINE.findall(ops_def)]
    type_input = {int(code): int(index) for code, _, index in TYPE_INPUT_LINE.findall(ops_def)}
    return Table(cells, type_input, {int(v): k for k, v in DTYPE_LINE.findall(graph_h)})


def load_table(builtin_dir: Path) -> Table:
    return read_table((builtin_dir / "ops.def").read_text(), (builtin_dir / "graph.h").read_text())


# ---- a minimal flatbuffer reader (the firmware's fb_reader.c checks bounds; this one need not) ----

def _table(buf: bytes, pos: int) -> tuple[int, int, int]:
    """(table position, vtable position, vtable size) of the table at pos."""
    vtable = pos - struct.unpack_from("<i", buf, pos)[0]
    return pos, vtable, struct.unpack_from("<H", buf, vtable)[0]


def _field(buf: bytes, table: tuple[int, int, int], index: int) -> int | None:
    """Absolute position of a table field, or None when absent."""
    pos, vtable, size = table
    slot = 4 + 2 * index
    if slot + 2 > size:
        return None
    offset = struct.unpack_from("<H", buf, vtable + slot)[0]
    return pos + offset if offset else None


def _scalar(buf: bytes, table: tuple[int, int, int], index: int, fmt: str, default: int = 0) -> int:
    at = _field(buf, table, index)
    return struct.unpack_from(fmt, buf, at)[0] if at is not None else default


def _vector(buf: bytes, table: tuple[int, int, int], index: int) -> tuple[int, int]:
    """(first element position, element count) of a vector field; (0, 0) when absent."""
    at = _field(buf, table, index)
    if at is None:
        return 0, 0
    start = at + struct.unpack_from("<I", buf, at)[0]
    return start + 4, struct.unpack_from("<I", buf, start)[0]


def _tables(buf: bytes, table: tuple[int, int, int], index: int) -> list[tuple[int, int, int]]:
    first, count = _vector(buf, table, index)
    return [_table(buf, first + 4 * i + struct.unpack_from("<I", buf, first + 4 * i)[0]) for i in range(count)]


def _ints(buf: bytes, table: tuple[int, int, int], index: int) -> list[int]:
    first, count = _vector(buf, table, index)
    return list(struct.unpack_from(f"<{count}i", buf, first)) if count else []


def _string(buf: bytes, table: tuple[int, int, int], index: int) -> str | None:
    at = _field(buf, table, index)
    if at is None:
        return None
    start = at + struct.unpack_from("<I", buf, at)[0]
    return buf[start + 4:start + 4 + struct.unpack_from("<I", buf, start)[0]].decode("utf-8", "replace")


def _operator_code(buf: bytes, code: tuple[int, int, int], table: Table) -> int | None:
    """The ops.def code graph.c gives an operator: for a builtin the larger of the deprecated int8
    and the int32 code fields; for a custom operator the code of the ops.def row named by its
    custom code (HIL_CUSTOM_BASE and up), or None when the engine has no such kernel."""
    custom = _string(buf, code, 1)
    if custom is not None:
        return next((c.code for c in table.cells if c.code >= CUSTOM_BASE and c.name == custom), None)
    return max(_scalar(buf, code, 0, "<b"), _scalar(buf, code, 3, "<i"))


NONE = 255  # graph.h HIL_NONE: the "type" of an operator without tensors (CALL_ONCE)


def _selecting_type(table: Table, code: int, inputs: list[int], outputs: list[int], types: list[int]) -> int:
    """The TensorType graph.c selects the kernel by: the input ops.def names (input 0 by
    default; -1 names output 0), output 0 when the operator has no input, NONE without tensors;
    INT4 when input 1 (weights) is int4 (packed weights select their own cells)."""
    if not inputs and not outputs:
        return NONE
    if len(inputs) > 1 and 0 <= inputs[1] < len(types) and types[inputs[1]] == INT4:
        return INT4
    which = table.type_input.get(code, 0)
    if inputs and which >= 0:
        tensor = inputs[which] if which < len(inputs) else -1
    else:
        tensor = outputs[0] if outputs else -1
    return types[tensor] if 0 <= tensor < len(types) else 9


def model_cells(model: bytes, table: Table) -> list[tuple[int, int, int]]:
    """(ops.def code, TensorType of the selecting tensor, operator index) for every operator of
    every subgraph the engine knows, as graph.c chooses kernels (_operator_code, the type
    _selecting_type names). The index is the operator's in subgraph 0, -1 in other subgraphs
    (CALL_ONCE's init subgraph). Custom operators without a kernel are left out."""
    root = _table(model, struct.unpack_from("<I", model, 0)[0])
    codes = [_operator_code(model, code, table) for code in _tables(model, root, 1)]  # Model.operator_codes
    cells = []
    for number, subgraph in enumerate(_tables(model, root, 2)):
        tensor_types = [_scalar(model, t, 1, "<b") for t in _tables(model, subgraph, 0)]
        for index, op in enumerate(_tables(model, subgraph, 3)):
            code = codes[_scalar(model, op, 0, "<I")]
            if code is not None:
                dtype = _selecting_type(table, code, _ints(model, op, 1), _ints(model, op, 2), tensor_types)
                cells.append((code, dtype, index if number == 0 else -1))
    return cells


PIPELINE_MAGIC = b"HILP"  # a pipeline container (engines/builtin/pipeline.h): several models


def pipeline_models(data: bytes) -> list[bytes]:
    """The .tflite models of a pipeline container, or [data] for a plain model."""
    if data[:4] != PIPELINE_MAGIC:
        return [data]
    count = struct.unpack_from("<I", data, 8)[0]
    entries = [struct.unpack_from("<II", data, 16 + 16 * k) for k in range(count)]
    return [data[offset:offset + size] for offset, size in entries]


def header(table: Table, used: set[tuple[int, int]] | None, stages: int | None = None) -> str:
    """The HIL_USE_<NAME>_<TYPE> switches, and the firmware's pipeline stage count when known."""
    lines = ["/* Generated by firmware/cmake/model_ops.py: the kernels this firmware's model uses. */"]
    if stages is not None:
        lines.append(f"#define HIL_PIPELINE_STAGES {stages}")
    values = {name: value for value, name in table.dtypes.items()}
    for cell in table.cells:
        keep = used is None or (cell.code, values.get(cell.dtype)) in used
        lines.append(f"#define HIL_USE_{cell.name}_{cell.dtype}(...) {'__VA_ARGS__' if keep else ''}".rstrip())
    if used is None or any(dtype == INT4 for _, dtype in used):  # graph.c reads int4 tensors only then
        lines.append("#define HIL_MODEL_HAS_INT4 1")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def main(argv: list[str]) -> int:
    model, ops_def, out = Path(argv[1]), Path(argv[2]), Path(argv[3])
    table = load_table(ops_def.parent)
    try:
        models = pipeline_models(model.read_bytes())
        used: set[tuple[int, int]] | None = set()
        for data in models:
            if data[4:8] != b"TFL3":
                raise ValueError("no TFL3 identifier")
            used |= {(code, dtype) for code, dtype, _ in model_cells(data, table)}
        stages: int | None = len(models)
    except (OSError, ValueError, struct.error, IndexError) as exc:
        print(f"model_ops.py: {model.name}: {exc}; keeping every kernel", file=sys.stderr)
        used, stages = None, None
    out.write_text(header(table, used, stages))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
