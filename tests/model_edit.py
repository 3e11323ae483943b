"""A real .tflite edited through the TFLite object API (for tests that need a variant the
converter does not emit: other quantization, int64 paddings, a refused option)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import flatbuffers
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema


def edit_model(source: Path, target: Path, change: Callable[[schema.ModelT], None]) -> Path:
    """Writes `source` with `change` applied to its object tree to `target`."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(source.read_bytes(), 0))
    change(model)
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    target.write_bytes(builder.Output())
    return target
