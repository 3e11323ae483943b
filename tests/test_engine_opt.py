"""The optimized int8 kernels of the built-in engine (firmware/engines/builtin/simd.h, gemm_dsp, the DSP
paths of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED) and the aliasing planner, checked
bit-exact against the TFLM interpreter and against the reference kernels:

- natively (ASan + UBSan): the C unit tests of the optimized paths in the default build, the
  HIL_MVE_EMULATION build (the Helium paths through mve.h's portable emulation) and the
  HIL_REFERENCE_KERNELS build; every catalog model and models built here with shapes that
  reach each SIMD path and its tails (channel counts that are and are not multiples of four,
  odd pixel counts, 3x3 windows at the border, one input channel with a depth multiplier,
  other kernel sizes, K % 4 != 0) through both builds;
- on QEMU (mps2-an386, Cortex-M4): the same generated models through the optimized firmware
  (the Arm asm blocks run only there), person_detect within the issue's targets (at most 2.5
  instructions per MAC, an arena no larger than TFLM's 82,292 B, both as the READY frame and
  the profile report them), and a firmware with the reference kernels;
- on QEMU (mps3-an547, Cortex-M55): the generated models through the Helium paths.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from native import build_native, run_native

from hil import paths
from hil.boards import find_profile
from hil.harness.build import code_size_by_library
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.pipeline import PipelineReference
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import random_vectors
from hil.verdicts.parity import compare_outputs

TFLM_PERSON_DETECT_ARENA = 82_292  # docs: /work/shared/ARCHITECTURE.md, "Performance anchors"
TARGET_INSTR_PER_MAC = 2.5
C_TESTS = ["test_opt_kernels", "test_opt_kernels16", "test_opt_requant", "test_opt_alias", "test_conv",
           "test_depthwise"]


# ---- models with the shapes each optimized path handles, converted once and cached ----

def _rng_samples(shape: tuple[int, ...], count: int = 24) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    return [rng.normal(0, 1, shape).astype(np.float32) for _ in range(count)]


def dw3x3_c12_relu6():
    """Four-channel blocks only, every border case of a 3x3 window, stride 1."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((7, 9, 12)), tf.keras.layers.DepthwiseConv2D(
        3, padding="same", activation="relu6")]), _rng_samples((7, 9, 12))


def dw3x3_s2_c13_valid():
    """A channel tail (13 = 3 blocks + 1), stride 2, VALID, no activation."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((8, 11, 13)), tf.keras.layers.DepthwiseConv2D(
        3, strides=2, padding="valid")]), _rng_samples((8, 11, 13))


def dw5x3_c8():
    """A kernel size other than 3x3: the generic window path."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((6, 7, 8)), tf.keras.layers.DepthwiseConv2D(
        (5, 3), padding="same", activation="relu")]), _rng_samples((6, 7, 8))


def dw_one_channel_x8():
    """One input channel, depth multiplier 8, 3x3 stride 2 (person_detect's first layer)."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((13, 10, 1)), tf.keras.layers.DepthwiseConv2D(
        3, strides=2, padding="same", depth_multiplier=8, activation="relu6")]), _rng_samples((13, 10, 1))


def dw_one_channel_10x8():
    """One input channel, a 10x8 window (micro_speech's layer), an odd pixel count."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((15, 12, 1)), tf.keras.layers.DepthwiseConv2D(
        (10, 8), strides=2, padding="same", depth_multiplier=3, activation="relu")]), _rng_samples((15, 12, 1))


def dw_multiplier2():
    """Depth multiplier 2 with several input channels: the reference path."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((5, 6, 3)), tf.keras.layers.DepthwiseConv2D(
        3, padding="same", depth_multiplier=2)]), _rng_samples((5, 6, 3))


def conv1x1_odd_pixels():
    """A pointwise matrix multiply over 63 pixels (a lone last pixel), 12 -> 20 channels."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((9, 7, 12)), tf.keras.layers.Conv2D(
        20, 1, activation="relu6")]), _rng_samples((9, 7, 12))


def conv1x1_k13_c7():
    """K = 13 (a three-value tail) and 7 output channels (a lone last channel)."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((5, 5, 13)), tf.keras.layers.Conv2D(7, 1)]), _rng_samples((5, 5, 13))


def conv3x3_s2_rgb():
    """im2col with K = 27, stride 2, SAME padding at every border."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((11, 9, 3)), tf.keras.layers.Conv2D(
        16, 3, strides=2, padding="same", activation="relu")]), _rng_samples((11, 9, 3))


def conv5x3_valid():
    """im2col with a non-square window and VALID padding, 8 -> 6 channels."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((9, 8, 8)), tf.keras.layers.Conv2D(
        6, (5, 3), padding="valid")]), _rng_samples((9, 8, 8))


def fc_tails():
    """FULLY_CONNECTED with depth 37 then 13 (tails of 1), 13 then 6 units (blocks of 4 + rest)."""
    import tensorflow as tf
    return tf.keras.Sequential([tf.keras.Input((37,)), tf.keras.layers.Dense(13, activation="relu"),
                                tf.keras.layers.Dense(6)]), _rng_samples((37,))


def block_chain():
    """Expand, depthwise, project, as in MobileNet: the planner overlaps each output with the
    input it replaces, so any kernel writing too early corrupts the next layer's input."""
    import tensorflow as tf
    return tf.keras.Sequential([
        tf.keras.Input((10, 10, 8)),
        tf.keras.layers.Conv2D(24, 1, activation="relu6"),
        tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu6"),
        tf.keras.layers.Conv2D(8, 1),
        tf.keras.layers.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6"),
        tf.keras.layers.Conv2D(16, 1, activation="relu6"),
    ]), _rng_samples((10, 10, 8))


def chain_odd_channels():
    """The chain with 13 channels: a depthwise layer whose channel count is not a multiple of
    four reads its last channels after the four-channel blocks, inside an aliased pair."""
    import tensorflow as tf
    return tf.keras.Sequential([
        tf.keras.Input((9, 8, 8)),
        tf.keras.layers.Conv2D(13, 1, activation="relu6"),
        tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu6"),
        tf.keras.layers.Conv2D(6, 1),
    ]), _rng_samples((9, 8, 8))


BUILDERS: list[Callable] = [dw3x3_c12_relu6, dw3x3_s2_c13_valid, dw5x3_c8, dw_one_channel_x8, dw_one_channel_10x8,
                            dw_multiplier2, conv1x1_odd_pixels, conv1x1_k13_c7, conv3x3_s2_rgb, conv5x3_valid,
                            fc_tails, block_chain, chain_odd_channels]
ON_M55 = ["dw3x3_s2_c13_valid", "dw_one_channel_10x8", "conv1x1_k13_c7", "conv3x3_s2_rgb", "fc_tails",
          "chain_odd_channels"]
ON_TARGET = ["dw3x3_c12_relu6", "dw3x3_s2_c13_valid", "dw_one_channel_10x8", "conv1x1_k13_c7", "conv3x3_s2_rgb",
             "fc_tails", "block_chain", "chain_odd_channels"]


def generated(build: Callable, quant: str = "int8") -> Path:
    """build()'s model as full int8 TFLite (or 16x8: quant "int16"), cached by the builder's source."""
    key = hashlib.sha256((inspect.getsource(build) + ("" if quant == "int8" else quant)).encode()).hexdigest()[:16]
    path = paths.cache_dir() / "opgen" / f"opt-{build.__name__}-{key}.tflite"
    if path.exists():
        return path
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    from opgen import convert_int8, convert_int16x8

    tf.keras.utils.set_random_seed(3)
    model, samples = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(convert_int16x8(model, samples) if quant == "int16" else convert_int8(model, samples))
    tmp.replace(path)
    return path


def assert_bit_exact_natively(model: Path, build: Path, vectors: int = 6) -> None:
    info = load_model(model)
    inputs = random_vectors(info.input_tensors, vectors, seed=11).inputs
    got = run_native(model, inputs, [(t.shape, t.np_dtype) for t in info.output_tensors], build)
    ref = TflmReference(model)
    for i, vector in enumerate(inputs):
        parity = compare_outputs(got[i], ref.run(vector))
        assert parity.exact, f"{model.name} vector {i} ({info.op_histogram()}): {parity.message()}"


# ---- native: both builds ----

NATIVE_BUILDS = {"optimized": (), "mve": ("HIL_MVE_EMULATION",), "reference": ("HIL_REFERENCE_KERNELS",)}


@pytest.fixture(scope="module", params=list(NATIVE_BUILDS))
def native(request) -> Path:
    return build_native(NATIVE_BUILDS[request.param])


def test_optimized_path_c_tests(native):
    pattern = "|".join(f"^{t}$" for t in C_TESTS)
    result = subprocess.run(["ctest", "--output-on-failure", "-R", pattern], cwd=native, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{len(C_TESTS)} tests" in result.stdout or "tests passed" in result.stdout


@pytest.mark.parametrize("build", BUILDERS, ids=lambda b: b.__name__)
def test_generated_model_bit_exact_natively(build, native):
    model = generated(build)
    assert {op.name for op in load_model(model).ops} & {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}
    assert_bit_exact_natively(model, native)


@pytest.mark.parametrize("model", [m for m in catalog.discover() if not m.missing_reason], ids=lambda m: m.name)
def test_catalog_model_reference_build_bit_exact(model):
    """The optimized build runs the catalog in tests/test_native_engine.py; this is the other."""
    build = build_native(("HIL_REFERENCE_KERNELS",))
    info = model.info()
    vectors = model.vectors(limit=6).inputs
    got = run_native(model.tflite, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], build)
    ref = PipelineReference(info, TflmReference) if info.pipeline else TflmReference(model.tflite)
    for i, vector in enumerate(vectors):
        parity = compare_outputs(got[i], ref.run(vector))
        assert parity.exact, f"vector {i}: {parity.message()}"


# ---- QEMU (Cortex-M4): the Arm instructions ----

def _model(name: str) -> catalog.ModelConfig:
    return next(m for m in catalog.discover() if m.name == name)


@pytest.fixture(scope="module")
def qemu():
    harness = Harness(HarnessConfig(find_profile("qemu")))
    yield harness
    harness.close()


def _bit_exact_on_target(harness: Harness, names: list[str]) -> None:
    for build in BUILDERS:
        if build.__name__ not in names:
            continue
        config = catalog.adhoc(generated(build), vectors=4, seed=5)
        for i in range(4):
            result = harness.run_vector(config, i)
            assert result.parity.exact, f"{build.__name__} vector {i}: {result.parity.message()}"
        harness.discard(config)


def test_generated_models_bit_exact_on_target(qemu):
    _bit_exact_on_target(qemu, ON_TARGET)


def test_generated_models_bit_exact_on_m55():
    """The Helium paths (arm_mve.h intrinsics) on QEMU's Cortex-M55, on the layers whose tails and
    borders they handle differently from the DSP paths."""
    harness = Harness(HarnessConfig(find_profile("qemu-m55")))
    try:
        _bit_exact_on_target(harness, ON_M55)
    finally:
        harness.close()


def test_person_detect_speed_and_arena_on_target(qemu):
    config = _model("person_detect")
    if config.missing_reason:
        pytest.skip(config.missing_reason)
    for i in range(2):
        assert qemu.run_vector(config, i).parity.exact
    timing = qemu.timing(config, repeat=1)
    macs = config.info().total_macs
    per_mac = timing.stats.wcet / macs
    arena = qemu.target(config).device.ready.arena_used
    print(f"person_detect: {per_mac:.3f} {timing.stats.clock.provenance} instructions per MAC, arena {arena} B")
    assert per_mac <= TARGET_INSTR_PER_MAC
    assert arena <= TFLM_PERSON_DETECT_ARENA
    assert timing.record()["arena_bytes"] == arena


def test_reference_kernel_firmware_on_target():
    """A firmware forced to the reference kernels: bit-exact too, slower, and smaller."""
    config = _model("kws_dscnn")
    reference = Harness(HarnessConfig(find_profile("qemu"), defines=("HIL_REFERENCE_KERNELS",)))
    optimized = Harness(HarnessConfig(find_profile("qemu")))
    try:
        for i in range(3):
            assert reference.run_vector(config, i).parity.exact
        slow = reference.timing(config, repeat=1).stats.wcet
        fast = optimized.timing(config, repeat=1).stats.wcet
        sizes = [code_size_by_library(h.target(config).firmware.elf.with_suffix(".map"))["libhil_engine_builtin.a"]
                 for h in (reference, optimized)]
    finally:
        reference.close()
        optimized.close()
    print(f"kws_dscnn: reference kernels {slow} cycles, {sizes[0]} B engine code; "
          f"optimized {fast} cycles, {sizes[1]} B")
    assert fast < slow / 2
    assert sizes[0] < sizes[1]


def test_firmware_links_only_the_models_kernels():
    """cmake/model_ops.py: a firmware holds the kernels of its model's operators only."""
    from hil.harness.build import build_firmware

    def kernels(name: str | Path) -> set[str]:
        elf = build_firmware("mps2_an386", name if isinstance(name, Path) else _model(name).tflite).elf
        out = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True).stdout
        return {line.split()[-1] for line in out.splitlines() if line.split()[-1].startswith("hil_kernel_")}

    assert kernels("hello_world") == {"hil_kernel_fully_connected"}
    assert kernels("kws_dscnn") >= {"hil_kernel_conv_2d", "hil_kernel_depthwise_conv_2d", "hil_kernel_fully_connected",
                                    "hil_kernel_average_pool_2d", "hil_kernel_softmax"}
    assert "hil_kernel_add" not in kernels("kws_dscnn")
    # one row per (operator, type) cell: a float model links the float kernels, not the int8 ones
    float_kernels = kernels(_model("digits_cnn").tflite.with_name("digits_cnn_float32.tflite"))
    assert "hil_kernel_conv_2d_f32" in float_kernels and "hil_kernel_conv_2d" not in float_kernels


@pytest.mark.parametrize("board", ["qemu-m7", "qemu-m55", "qemu-m3"])
def test_other_cores_bit_exact(board):
    """Cortex-M7 runs the DSP paths, M55 (Armv8.1-M) the Helium paths and the DSP ones where no
    Helium path applies, Cortex-M3 has no DSP extension and must get the reference kernels
    (HIL_OPT_KERNELS 0): each bit-exact on kws_dscnn."""
    harness = Harness(HarnessConfig(find_profile(board)))
    try:
        config = _model("kws_dscnn")
        for i in range(2):
            result = harness.run_vector(config, i)
            assert result.parity.exact, f"{board} vector {i}: {result.parity.message()}"
        elf = harness.target(config).firmware.elf
        out = subprocess.run(["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True).stdout
    finally:
        harness.close()
    assert ("hil_cols_pack" in out) == (board != "qemu-m3")
    assert ("hil_fc_mve_eval" in out) == (board == "qemu-m55")  # Helium only where the core has it
