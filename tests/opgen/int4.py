"""CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED with int4 packed weights (two per byte, TFLM
unpacks them to int8 before its int8 kernels): written with the schema's object API
(opgen/flatbuffer.py), as no converter path here emits int4. int8 activations, int32 bias;
weights per-channel for the convolutions, per-tensor for FULLY_CONNECTED (TFLM refuses
per-channel int4 there); random shapes, padding, strides, dilation, depth multipliers and
activations. Scales are chosen so outputs spread over the int8 range rather than saturate.
Each generator keeps its helpers in this module: the model cache is keyed by its source."""

import numpy as np

from . import generator
from .flatbuffer import INT4, Tensor, options, pack_int4, single_op_model


def _window(size: int, k: int, stride: int, dilation: int, same: bool) -> int:
    effective = (k - 1) * dilation + 1
    return (size + stride - 1) // stride if same else (size - effective + stride) // stride


def _geometry(rng: np.random.Generator):
    """Input size, kernel, stride, dilation, padding and output size of a random 2-D window."""
    h, w = int(rng.integers(3, 10)), int(rng.integers(3, 10))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride, dil = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    same = bool(rng.integers(0, 2))
    oh, ow = _window(h, kh, stride, dil, same), _window(w, kw, stride, dil, same)
    if oh <= 0 or ow <= 0:
        same, oh, ow = True, _window(h, kh, stride, dil, True), _window(w, kw, stride, dil, True)
    return h, w, kh, kw, stride, dil, same, oh, ow


def _quant(rng: np.random.Generator, channels: int, depth: int, per_channel: bool):
    """Input, weight and output scales, zero points, and the int32 bias."""
    in_scale, in_zp = float(rng.uniform(0.01, 0.1)), int(rng.integers(-20, 20))
    w_scales = rng.uniform(0.01, 0.2, channels if per_channel else 1)
    out_scale = float(in_scale * w_scales.max() * 100 * np.sqrt(depth) / 8)
    bias = rng.integers(-2000, 2000, channels).astype(np.int32)
    return in_scale, in_zp, w_scales, out_scale, int(rng.integers(-10, 10)), bias


@generator("CONV_2D", written=True)
def conv2d_int4(rng: np.random.Generator) -> bytes:
    h, w, kh, kw, stride, dil, same, oh, ow = _geometry(rng)
    c, oc = int(rng.integers(1, 9)), int(rng.integers(1, 12))
    in_scale, in_zp, w_scales, out_scale, out_zp, bias = _quant(rng, oc, kh * kw * c, True)
    weights = Tensor((oc, kh, kw, c), INT4, w_scales, 0, pack_int4(rng.integers(-8, 8, (oc, kh, kw, c))))
    return single_op_model(
        3, [Tensor((1, h, w, c), np.int8, in_scale, in_zp), weights,
            Tensor((oc,), np.int32, in_scale * w_scales, 0, bias)],
        [Tensor((1, oh, ow, oc), np.int8, out_scale, out_zp)],
        *options("Conv2DOptions", padding=0 if same else 1, strideW=stride, strideH=stride, dilationWFactor=dil,
                 dilationHFactor=dil, fusedActivationFunction=int(rng.choice([0, 1, 3]))))


@generator("DEPTHWISE_CONV_2D", written=True)
def depthwise_int4(rng: np.random.Generator) -> bytes:
    h, w, kh, kw, stride, dil, same, oh, ow = _geometry(rng)
    c, mult = int(rng.integers(1, 9)), int(rng.integers(1, 3))
    oc = c * mult
    in_scale, in_zp, w_scales, out_scale, out_zp, bias = _quant(rng, oc, kh * kw, True)
    weights = Tensor((1, kh, kw, oc), INT4, w_scales, 0, pack_int4(rng.integers(-8, 8, (1, kh, kw, oc))),
                     quantized_dimension=3)
    return single_op_model(
        4, [Tensor((1, h, w, c), np.int8, in_scale, in_zp), weights,
            Tensor((oc,), np.int32, in_scale * w_scales, 0, bias)],
        [Tensor((1, oh, ow, oc), np.int8, out_scale, out_zp)],
        *options("DepthwiseConv2DOptions", padding=0 if same else 1, strideW=stride, strideH=stride,
                 depthMultiplier=mult, dilationWFactor=dil, dilationHFactor=dil,
                 fusedActivationFunction=int(rng.choice([0, 1, 3]))))


@generator("FULLY_CONNECTED", written=True)
def dense_int4(rng: np.random.Generator) -> bytes:
    batches, depth, units = int(rng.integers(1, 4)), int(rng.integers(1, 80)), int(rng.integers(1, 24))
    in_scale, in_zp, w_scales, out_scale, out_zp, bias = _quant(rng, units, depth, False)
    weights = Tensor((units, depth), INT4, float(w_scales[0]), 0, pack_int4(rng.integers(-8, 8, (units, depth))))
    bias_t = Tensor((units,), np.int32, float(in_scale * w_scales[0]), 0, bias) if rng.integers(0, 2) else None
    return single_op_model(
        9, [Tensor((batches, depth), np.int8, in_scale, in_zp), weights, bias_t],
        [Tensor((batches, units), np.int8, out_scale, out_zp)],
        *options("FullyConnectedOptions", fusedActivationFunction=int(rng.choice([0, 1, 3]))))
