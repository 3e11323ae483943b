"""PAD int16 / int32 / float32, PADV2 and MIRROR_PAD, written with the flatbuffer object API (no
TensorFlow conversion; the int8 PAD cell's Keras generators are in pad_mean.py), one node per
type in one model. Ranks 1-5, random paddings on every axis (the image-style 4-D case too).
PADV2's value is a constant of the input's type (int8: the output's quantization), or a model
input for one node. MIRROR_PAD in REFLECT and SYMMETRIC modes, up to the largest padding each
allows, int32 or int64 paddings (PAD's int64 form is checked in tests/test_kernels_conv_native.py,
since TFLM reads PAD's paddings as int32)."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import FLOAT32, INT8, INT16, INT32, INT64, quantization, shape, tensor, values

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


def _paddings(rng: np.random.Generator, dims: tuple[int, ...], limit=None, wide: bool = False) -> np.ndarray:
    """[rank, 2] paddings, each in [0, 3] (or [0, limit(dim)]); int32, or int64 at times when
    `wide` (MIRROR_PAD reads either; PAD reads int32 only)."""
    high = [3 if limit is None else limit(d) for d in dims]
    pads = np.asarray([[int(rng.integers(0, h + 1)) for _ in range(2)] for h in high])
    return pads.astype(INT64 if wide and rng.random() < 0.4 else INT32)


def _padded(dims: tuple[int, ...], pads: np.ndarray) -> tuple[int, ...]:
    return tuple(int(d + b + a) for d, (b, a) in zip(dims, pads, strict=True))


@generator("PAD", quant="none")
def pad_types(rng: np.random.Generator) -> bytes:
    g = Graph()
    for dtype in (INT16, INT32, FLOAT32):
        dims = shape(rng, 1, 5, 4)
        pads = _paddings(rng, dims)
        quant = quantization(rng, dtype)
        g.op(OPS.PAD, [tensor(dims, dtype, quant), tensor(pads.shape, pads.dtype, data=pads)],
             [tensor(_padded(dims, pads), dtype, quant)], OPTIONS.PadOptions, schema.PadOptionsT())
    return g.build()


@generator("PADV2", quant="none")
def padv2(rng: np.random.Generator) -> bytes:
    g = Graph()
    computed = int(rng.integers(0, 4))  # the node whose value is a model input
    for i, dtype in enumerate((INT8, INT16, INT32, FLOAT32)):
        dims = shape(rng, 1, 5, 4)
        pads = _paddings(rng, dims)
        quant = quantization(rng, dtype)
        value = tensor((), dtype, quant, data=None if i == computed else values(rng, dtype, ()))
        g.op(OPS.PADV2, [tensor(dims, dtype, quant), tensor(pads.shape, pads.dtype, data=pads), value],
             [tensor(_padded(dims, pads), dtype, quant)], OPTIONS.PadV2Options, schema.PadV2OptionsT())
    return g.build()


@generator("MIRROR_PAD", quant="none")
def mirror_pad(rng: np.random.Generator) -> bytes:
    g = Graph()
    for dtype in (INT8, FLOAT32, INT8, FLOAT32):
        mode = int(rng.integers(0, 2))
        dims = shape(rng, 1, 4, 5)
        offset = 1 if mode == schema.MirrorPadMode.REFLECT else 0
        pads = _paddings(rng, dims, limit=lambda d, o=offset: d - o, wide=True)
        options = schema.MirrorPadOptionsT()
        options.mode = mode
        quant = quantization(rng, dtype)
        g.op(OPS.MIRROR_PAD, [tensor(dims, dtype, quant), tensor(pads.shape, pads.dtype, data=pads)],
             [tensor(_padded(dims, pads), dtype, quant)], OPTIONS.MirrorPadOptions, options)
    return g.build()
