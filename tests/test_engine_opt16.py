"""The optimized 16x8 kernels of the built-in engine (gemm_dsp16, conv_2d_i16_dsp.c,
depthwise_conv_2d_i16_dsp.c, the FULLY_CONNECTED path of fully_connected_i16.c), checked
bit-exact against the TFLM interpreter and against the reference kernels:

- natively (ASan + UBSan), optimized and HIL_REFERENCE_KERNELS builds: int16x8 models built
  here with the shapes that reach each path and its tails (pointwise and im2col convolutions,
  a depth above 256 that flushes the int32 partial sums, odd pixel and channel counts, the
  four-channel depthwise path and its channel tail, a depth multiplier that keeps the
  reference, batched and single-row FULLY_CONNECTED); the random-layer C test of the paths
  (test_opt_kernels16.c) runs in both builds in tests/test_engine_opt.py;
- on QEMU (mps2-an386, Cortex-M4, where the DSP instructions run): the same models through
  the optimized firmware, and one model through a firmware forced to the reference kernels,
  printing both instruction counts (the speed-up docs/performance.md quotes).
"""

from __future__ import annotations

import numpy as np
import pytest
from native import build_native
from test_engine_opt import assert_bit_exact_natively, generated

from hil.boards import find_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.tflite import load_model


def _samples(shape: tuple[int, ...], count: int = 24) -> list[np.ndarray]:
    rng = np.random.default_rng(5)
    return [rng.normal(0, 1, shape).astype(np.float32) for _ in range(count)]


def conv16_pointwise():
    """1x1 over 63 pixels (a lone last pixel), 12 -> 9 channels (a lone last channel)."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((9, 7, 12)), tf.keras.layers.Conv2D(9, 1, activation="relu")]), \
        _samples((9, 7, 12))


def conv16_im2col_s2():
    """3x3 stride 2 SAME over 3 channels: K = 27 (a three-value tail), every border."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((11, 9, 3)), tf.keras.layers.Conv2D(
        16, 3, strides=2, padding="same", activation="relu6")]), _samples((11, 9, 3))


def conv16_deep():
    """3x3 over 40 channels: K = 360, partial sums flushed into int64 every 256 products."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((6, 5, 40)), tf.keras.layers.Conv2D(7, 3, padding="valid")]), \
        _samples((6, 5, 40))


def dw16_c13():
    """Depthwise 3x3, 13 channels: three four-channel blocks and a tail channel."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((7, 8, 13)), tf.keras.layers.DepthwiseConv2D(
        3, padding="same", activation="relu")]), _samples((7, 8, 13))


def dw16_multiplier2():
    """Depth multiplier 2: the reference path inside an optimized build."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((6, 5, 4)), tf.keras.layers.DepthwiseConv2D(
        (3, 2), strides=2, padding="same", depth_multiplier=2)]), _samples((6, 5, 4))


def fc16_rows():
    """FULLY_CONNECTED over 3 rows (two packed together, one alone), depth 301, 11 units."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((3, 301), batch_size=1), tf.keras.layers.Dense(11)]), \
        _samples((3, 301))


def block16():
    """Expand, depthwise, project, dense: a 16x8 MobileNet-style chain with aliased buffers."""
    import tensorflow as tf
    return tf.keras.Sequential([
        tf.keras.Input((10, 10, 8), batch_size=1),
        tf.keras.layers.Conv2D(24, 1, activation="relu6"),
        tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu6"),
        tf.keras.layers.Conv2D(8, 1),
        tf.keras.layers.Reshape((800,)),
        tf.keras.layers.Dense(10),
    ]), _samples((10, 10, 8))


BUILDERS = [conv16_pointwise, conv16_im2col_s2, conv16_deep, dw16_c13, dw16_multiplier2, fc16_rows, block16]


@pytest.fixture(scope="module", params=["optimized", "reference"])
def native(request):
    return build_native(("HIL_REFERENCE_KERNELS",) if request.param == "reference" else ())


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_16x8_model_bit_exact_natively(build, native):
    model = generated(build, quant="int16")
    info = load_model(model)
    assert info.input_tensors[0].dtype_name == "int16"
    assert {op.name for op in info.ops} & {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}
    assert_bit_exact_natively(model, native)


def test_16x8_models_bit_exact_on_target():
    harness = Harness(HarnessConfig(find_profile("qemu")))
    try:
        for build in BUILDERS:
            config = catalog.adhoc(generated(build, quant="int16"), vectors=3, seed=5)
            for i in range(3):
                result = harness.run_vector(config, i)
                assert result.parity.exact, f"{build.__name__} vector {i}: {result.parity.message()}"
            harness.discard(config)
    finally:
        harness.close()


def test_16x8_reference_firmware_on_target_and_speedup():
    """block16 through a firmware forced to the reference kernels: bit-exact too, and slower.
    Prints both instruction counts per MAC (measured here, quoted in docs/performance.md)."""
    config = catalog.adhoc(generated(block16, quant="int16"), vectors=2, seed=5)
    reference = Harness(HarnessConfig(find_profile("qemu"), defines=("HIL_REFERENCE_KERNELS",)))
    optimized = Harness(HarnessConfig(find_profile("qemu")))
    try:
        for i in range(2):
            assert reference.run_vector(config, i).parity.exact
            assert optimized.run_vector(config, i).parity.exact
        slow = reference.timing(config, repeat=1).stats.wcet
        fast = optimized.timing(config, repeat=1).stats.wcet
    finally:
        reference.close()
        optimized.close()
    macs = config.info().total_macs
    print(f"block16 (16x8, {macs} MACs): reference kernels {slow} instructions ({slow / macs:.2f}/MAC), "
          f"optimized {fast} ({fast / macs:.2f}/MAC), {slow / fast:.2f}x")
    assert fast < slow
