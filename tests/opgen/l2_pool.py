"""L2_POOL_2D (float32 only in TFLM): the converter emits no L2_POOL_2D (sqrt(avg_pool(x^2))
stays three operators), so the model is written with the schema's object API
(opgen/flatbuffer.py): random pool sizes, strides, padding and fused activations."""

import numpy as np

from . import generator
from .flatbuffer import Tensor, options, single_op_model


@generator("L2_POOL_2D", quant="none", written=True)
def l2_pool(rng: np.random.Generator) -> bytes:
    h, w, c = int(rng.integers(2, 12)), int(rng.integers(2, 12)), int(rng.integers(1, 9))
    fh, fw = int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1))
    sh, sw, same = int(rng.integers(1, 4)), int(rng.integers(1, 4)), bool(rng.integers(0, 2))
    oh = (h + sh - 1) // sh if same else (h - fh + sh) // sh
    ow = (w + sw - 1) // sw if same else (w - fw + sw) // sw
    return single_op_model(12, [Tensor((1, h, w, c), np.float32)], [Tensor((1, oh, ow, c), np.float32)],
                           *options("Pool2DOptions", padding=0 if same else 1, strideW=sw, strideH=sh, filterWidth=fw,
                                    filterHeight=fh, fusedActivationFunction=int(rng.choice([0, 1, 2, 3]))))
