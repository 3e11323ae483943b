"""The builtin operator TFLM's audio preprocessors use besides the signal operators and CAST
(opgen/logic.py covers every CAST pair): unquantized int32 DIV (the int8 preprocessor's
TruncateDiv). Written with the schema's object API (the converter does not pick the int32
division on its own)."""

from __future__ import annotations

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Tensor, single_op_model


def _shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, 7, size=int(rng.integers(1, 4))))


def _sample_div(rng: np.random.Generator, specs) -> list[np.ndarray]:
    """Dividends over the whole int32 range, divisors of every size but never 0 (TFLM's int32 DIV
    then traps on x86)."""
    (shape1, _), (shape2, _) = specs
    a = rng.integers(-(1 << 31), (1 << 31) - 1, size=shape1, endpoint=True, dtype=np.int32)
    b = (rng.integers(1, 1 << int(rng.integers(1, 31)), size=shape2, dtype=np.int32)
         * rng.choice(np.array([-1, 1], np.int32), size=shape2)).astype(np.int32)
    return [a, b]


@generator("DIV", quant="none", sample=_sample_div)
def div_int32(rng: np.random.Generator) -> bytes:
    """Broadcasting int32 division with a random fused activation."""
    shape = _shape(rng)
    other = tuple(d if rng.random() < 0.6 else 1 for d in shape)
    options = schema.DivOptionsT()
    options.fusedActivationFunction = int(rng.choice([0, 1, 2, 3]))
    inputs = [Tensor(shape, np.int32), Tensor(other, np.int32)]
    if rng.random() < 0.5:
        inputs.reverse()
    out = tuple(max(a, b) for a, b in zip(inputs[0].shape, inputs[1].shape, strict=True))
    return single_op_model(42, inputs, [Tensor(out, np.int32)], schema.BuiltinOptions.DivOptions, options)
