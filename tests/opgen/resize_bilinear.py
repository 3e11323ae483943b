"""RESIZE_BILINEAR, written with the flatbuffer object API (no TensorFlow conversion): one int8
and one float32 node per model, up or down in each axis, with align_corners, half_pixel_centers or
neither. int8 input and output share their quantization, as the converter writes them (the
kernel does not requantize). Keras' UpSampling2D(interpolation="bilinear") is in
tests/keras_patterns.py."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import FLOAT32, INT8, INT32, quantization, tensor

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


@generator("RESIZE_BILINEAR", quant="none")
def resize_bilinear(rng: np.random.Generator) -> bytes:
    g = Graph()
    for dtype in (INT8, FLOAT32):
        batches, depth = int(rng.integers(1, 3)), int(rng.integers(1, 4))
        in_hw = [int(v) for v in rng.integers(1, 9, 2)]
        out_hw = [int(v) for v in rng.integers(1, 13, 2)]
        mode = int(rng.integers(0, 3))  # 0: neither, 1: align_corners, 2: half_pixel_centers
        options = schema.ResizeBilinearOptionsT()
        options.alignCorners, options.halfPixelCenters = mode == 1, mode == 2
        quant = quantization(rng, dtype)
        g.op(OPS.RESIZE_BILINEAR,
             [tensor((batches, *in_hw, depth), dtype, quant), tensor((2,), INT32, data=np.asarray(out_hw, INT32))],
             [tensor((batches, *out_hw, depth), dtype, quant)], OPTIONS.ResizeBilinearOptions, options)
    return g.build()
