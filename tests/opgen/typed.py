"""Tensors of any TFLite type for models written with opgen/flatbuffer.py: the quantization a
converter would give each type (int8 asymmetric, int16 symmetric, the rest unquantized), random
constant data, and random shapes."""

from __future__ import annotations

import numpy as np

from .flatbuffer import Tensor

INT8, INT16, INT32, INT64 = np.int8, np.int16, np.int32, np.int64
UINT8, UINT32, BOOL, FLOAT32 = np.uint8, np.uint32, np.bool_, np.float32


def quantization(rng: np.random.Generator, dtype) -> tuple[float | None, int]:
    """(scale, zero point): int8 a random scale and zero point, int16 symmetric, others none."""
    if dtype == INT8:
        return float(rng.uniform(0.005, 0.1)), int(rng.integers(-40, 41))
    if dtype == INT16:
        return float(rng.uniform(1e-4, 1e-2)), 0
    return None, 0


def tensor(shape, dtype, quant: tuple[float | None, int] = (None, 0), data: np.ndarray | None = None) -> Tensor:
    scale, zero_point = quant
    return Tensor(tuple(int(d) for d in shape), dtype, scale, zero_point, data)


def values(rng: np.random.Generator, dtype, shape) -> np.ndarray:
    """Random data over the type's range (floats: normal, scale 1; bool: either)."""
    shape = tuple(int(d) for d in shape)
    if dtype == BOOL:
        return rng.integers(0, 2, size=shape).astype(BOOL)
    if dtype == FLOAT32:
        return rng.normal(0, 1, size=shape).astype(FLOAT32)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=dtype)


def shape(rng: np.random.Generator, low_rank: int, high_rank: int, high_dim: int = 5) -> tuple[int, ...]:
    """A shape of rank in [low_rank, high_rank], each dimension in [1, high_dim]."""
    return tuple(int(d) for d in rng.integers(1, high_dim + 1, size=int(rng.integers(low_rank, high_rank + 1))))


def axis_written(rng: np.random.Generator, axis: int, rank: int) -> int:
    """The axis as a model may write it: positive, or negative half of the time."""
    return axis - rank if rng.random() < 0.5 else axis
