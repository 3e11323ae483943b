"""A model with more inputs or outputs than the firmware agent exchanges (HIL_MAX_IO in
firmware/agent/hil_agent.h; the agent would silently drop the rest) is refused by `hil run` in
one line naming the count and the define to raise, before anything is built."""

from __future__ import annotations

import numpy as np
from cli_helpers import hil, one_line
from opgen.typed import INT8, tensor
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil.harness.agent_limits import max_io
from hil.model import writer


def _split_model(outputs: int) -> bytes:
    """One SPLIT of an int8 vector into `outputs` parts (the converter's usual many-output op)."""
    graph = writer.Graph()
    axis = tensor((), np.int32, data=np.asarray(0, np.int32))
    options = schema.SplitOptionsT()
    options.numSplits = outputs
    graph.op(schema.BuiltinOperator.SPLIT, [axis, tensor((outputs * 2,), INT8, (0.05, 0))],
             [tensor((2,), INT8, (0.05, 0)) for _ in range(outputs)], schema.BuiltinOptions.SplitOptions, options)
    return graph.build()


def test_the_limit_is_read_from_the_agent_source():
    assert max_io() == 16  # firmware/agent/hil_agent.h today; the check follows the source if it changes


def test_hil_run_refuses_more_outputs_than_the_agent_carries(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "MAX_IO", max_io() + 1)  # the model writer itself refuses such models
    model = tmp_path / "split17.tflite"
    model.write_bytes(_split_model(max_io() + 1))
    line = one_line(hil("run", "--board", "qemu", model, HIL_CACHE_DIR=str(tmp_path / "cache")))
    n = max_io()
    assert line == (f"hil: [unsupported-model] split17.tflite: the model has {n + 1} outputs, the firmware agent "
                    f"exchanges at most {n}: raise HIL_MAX_IO in firmware/agent/hil_agent.h to {n + 1} or more. "
                    "Nothing was built or flashed."), line
    assert not (tmp_path / "cache" / "firmware").exists()
