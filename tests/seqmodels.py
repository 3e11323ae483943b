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

