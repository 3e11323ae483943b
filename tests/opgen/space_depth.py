"""ops-core SPACE_TO_DEPTH and DEPTH_TO_SPACE, written with the flatbuffer object API (the
converter emits them only from tf.nn calls), one node per TFLM type (int8, float32) in one
model: block sizes 1-3, batches 1-2."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import FLOAT32, INT8, quantization, tensor

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


def _space_shape(rng: np.random.Generator, block: int) -> tuple[int, int, int, int]:
    """NHWC with height and width multiples of the block."""
    return (int(rng.integers(1, 3)), block * int(rng.integers(1, 4)), block * int(rng.integers(1, 4)),
            int(rng.integers(1, 5)))


@generator("SPACE_TO_DEPTH", quant="none")
def space_to_depth(rng: np.random.Generator):
    g = Graph()
    for dtype in (INT8, FLOAT32):
        block = int(rng.integers(1, 4))
        n, h, w, c = _space_shape(rng, block)
        quant = quantization(rng, dtype)
        options = schema.SpaceToDepthOptionsT()
        options.blockSize = block
        g.op(OPS.SPACE_TO_DEPTH, [tensor((n, h, w, c), dtype, quant)],
             [tensor((n, h // block, w // block, c * block * block), dtype, quant)],
             OPTIONS.SpaceToDepthOptions, options)
    return g.build()


@generator("DEPTH_TO_SPACE", quant="none")
def depth_to_space(rng: np.random.Generator):
    g = Graph()
    for dtype in (INT8, FLOAT32):
        block = int(rng.integers(1, 4))
        n, h, w, c = _space_shape(rng, 1)
        quant = quantization(rng, dtype)
        options = schema.DepthToSpaceOptionsT()
        options.blockSize = block
        g.op(OPS.DEPTH_TO_SPACE, [tensor((n, h, w, c * block * block), dtype, quant)],
             [tensor((n, h * block, w * block, c), dtype, quant)], OPTIONS.DepthToSpaceOptions, options)
    return g.build()
