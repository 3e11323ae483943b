"""The builtin operators TFLM's audio preprocessors use besides the signal operators: CAST between
every type pair TFLM's kernel takes, and unquantized int32 DIV (the int8 preprocessor's
TruncateDiv). Written with the schema's object API (the converter picks neither the pairs nor
the int32 division on its own)."""

from __future__ import annotations

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Tensor, single_op_model

CAST_IN = (np.int8, np.int16, np.int32, np.uint32, np.float32, np.bool_)
CAST_OUT = (np.int8, np.int16, np.int32, np.float32)  # and uint32 (cast_to_uint32)


def _shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, 7, size=int(rng.integers(1, 4))))


def _sample_cast(rng: np.random.Generator, specs) -> list[np.ndarray]:
    """Integers over their whole range; floats within every output type's range (a float outside
    the integer type is undefined behaviour in TFLM's static_cast), including halves and negatives."""
    (shape, dtype), = specs
    if dtype == np.bool_:
        return [rng.random(shape) < 0.5]
    if np.dtype(dtype).kind == "f":
        return [(np.round(rng.uniform(-127, 127, shape) * 4) / 4 * (rng.random(shape) < 0.9)).astype(dtype)]
    info = np.iinfo(dtype)
    return [rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)]


def _sample_positive_float(rng: np.random.Generator, specs) -> list[np.ndarray]:
    (shape, dtype), = specs
    return [(rng.uniform(0, 255, shape) * (rng.random(shape) < 0.9)).astype(dtype)]


def _cast(rng: np.random.Generator, sources: tuple, targets: tuple) -> bytes:
    src = sources[int(rng.integers(len(sources)))]
    dst = targets[int(rng.integers(len(targets)))]
    shape = _shape(rng)
    return single_op_model(53, [Tensor(shape, src)], [Tensor(shape, dst)])


@generator("CAST", quant="none", sample=_sample_cast)
def cast(rng: np.random.Generator) -> bytes:
    """A random input type to int8, int16, int32 or float32."""
    return _cast(rng, CAST_IN, CAST_OUT)


@generator("CAST", quant="none", sample=_sample_cast)
def cast_to_uint32(rng: np.random.Generator) -> bytes:
    """An integer or bool input to uint32 (negative values wrap, as static_cast does)."""
    return _cast(rng, tuple(t for t in CAST_IN if t != np.float32), (np.uint32,))


@generator("CAST", quant="none", sample=_sample_positive_float)
def cast_float_to_uint32(rng: np.random.Generator) -> bytes:
    """float32 to uint32 on non-negative values (a negative float is undefined behaviour in TFLM)."""
    return _cast(rng, (np.float32,), (np.uint32,))


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
