"""Host reference runs. The golden reference is the TFLM interpreter from the tflite-micro
wheel: it uses the same kernels (and double-rounding requantization) as firmware built on TFLM.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


class TflmReference:
    """TFLM's Python interpreter for one model."""

    def __init__(self, model: Path | bytes, *, preserve_all_tensors: bool = False):
        from tflite_micro import runtime

        data = Path(model).read_bytes() if isinstance(model, (str, Path)) else bytes(model)
        config = (runtime.InterpreterConfig.kPreserveAllTensors if preserve_all_tensors
                  else runtime.InterpreterConfig.kAllocationRecording)
        subgraph = runtime.convert_bytearray_to_object(data).subgraphs[0]
        self._interp = runtime.Interpreter.from_bytes(data, arena_size=_arena_size(data, subgraph),
                                                      intrepreter_config=config)
        self.n_inputs = len(subgraph.inputs)
        self.n_outputs = len(subgraph.outputs)
        # TFLM leaves variable tensors as the arena found them until a reset; the target starts
        # from the reset state, so the host does too.
        self.reset()

    def run(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        for index, value in enumerate(inputs):
            self._interp.set_input(np.require(value, requirements="C"), index)  # keeps 0-d (scalar) inputs 0-d
        self._interp.invoke()
        return [np.array(self._interp.get_output(i), copy=True) for i in range(self.n_outputs)]

    def reset(self) -> None:
        """Returns the model's state across invokes to its start (MicroInterpreter::Reset)."""
        self._interp.reset()


def _arena_size(data: bytes, subgraph) -> int:
    """TFLM's default (10x the model) is too small for models with big activations and small
    weights; leave room for every tensor twice over plus the interpreter's own structures."""
    activations = sum(int(np.prod(t.shape if t.shape is not None else [1])) * 4 for t in subgraph.tensors)
    return max(10 * len(data), 2 * activations + (256 << 10))
