"""The built-in engine's (operator, type) table, firmware/engines/builtin/ops.def, read on the
host through firmware/cmake/model_ops.py (the parser the firmware build runs), so the harness,
`hil ops` and the per-model linker read the table one way."""

from __future__ import annotations

import functools
import importlib.util
import struct
import sys
from types import ModuleType

from hil import paths
from hil.model.tflite import ModelInfo, OpInfo


@functools.cache
def _model_ops() -> ModuleType:
    path = paths.firmware_dir() / "cmake" / "model_ops.py"
    spec = importlib.util.spec_from_file_location("hil_model_ops", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@functools.cache
def table():
    """The parsed ops.def (model_ops.Table: cells, type-selecting inputs, TensorType names)."""
    return _model_ops().load_table(paths.firmware_dir() / "engines" / "builtin")


def op_cells(model: ModelInfo) -> dict[int, object | None]:
    """{operator index: its ops.def cell, or None when the engine has no kernel for it} for
    every builtin operator of the model, and of every custom operator the engine has a kernel
    for (ops.def rows named by their custom code); other custom operators are left out. For a
    pipeline, every stage's in turn (the pipeline's operator numbering)."""
    if model.pipeline is not None:
        return {view.first_op + i: cell for view in model.pipeline.stages for i, cell in op_cells(view.info).items()}
    t = table()
    try:
        cells = _model_ops().model_cells(model.path.read_bytes(), t)
    except (struct.error, IndexError, ValueError):
        return {}  # a malformed file: the engine's loader (hil/engines/oracle.py) says what is wrong
    return {index: t.find(code, dtype) for code, dtype, index in cells if index >= 0}


def float_ops(model: ModelInfo) -> list[OpInfo]:
    """Operators on float kernels (kind FPU): the firmware then needs HIL_FLOAT_KERNELS and a
    core with an FPU."""
    cells = op_cells(model)
    return [op for op in model.ops if cells.get(op.index) is not None and cells[op.index].kind == "FPU"]
