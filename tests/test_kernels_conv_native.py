"""CONV_2D, DEPTHWISE_CONV_2D, AVERAGE/MAX_POOL_2D, PAD and MEAN of the built-in engine on the
host (ASan + UBSan) against the TFLM interpreter, beyond what the seeded generators in
tests/opgen cover: their C unit tests, per-tensor weights, batch 2, edited models (MEAN with
equal input/output quantization, PAD with int64 paddings), and refusals that must agree between
the engine and the host. The third-party models that use these kernels (person_detect,
micro_speech) are catalog entries, checked bit-exact by tests/test_native_engine.py."""

from __future__ import annotations

import copy
import hashlib
import inspect
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from model_edit import edit_model
from native import NativeRefusal, build_native, run_native
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil import paths
from hil.boards import find_profile
from hil.engines.oracle import refusal
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import random_vectors
from hil.verdicts.parity import compare_outputs

C_TESTS = ["test_conv", "test_depthwise", "test_pool", "test_pad", "test_mean"]


@pytest.fixture(scope="module")
def native_build() -> Path:
    return build_native()


def _assert_bit_exact(model: Path, build: Path, vectors: int = 8, seed: int = 0) -> None:
    info = load_model(model)
    inputs = random_vectors(info.input_tensors, vectors, seed=seed).inputs
    got = run_native(model, inputs, [(t.shape, t.np_dtype) for t in info.output_tensors], build)
    ref = TflmReference(model)
    for i, vector in enumerate(inputs):
        parity = compare_outputs(got[i], ref.run(vector))
        assert parity.exact, f"{model.name} vector {i} ({info.op_histogram()}): {parity.message()}"


# ---- models converted here (cached like tests/opgen, keyed by the builder's source) ----

def _convert(build: Callable[[], tuple[object, list[np.ndarray]]], per_channel: bool = True) -> Path:
    """Full-int8 conversion of build()'s Keras model; samples carry their batch dimension."""
    key = hashlib.sha256(f"{inspect.getsource(build)}\0{per_channel}".encode()).hexdigest()[:16]
    path = paths.cache_dir() / "opgen" / f"kernels-{build.__name__}-{key}.tflite"
    if path.exists():
        return path
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model, samples = build()
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([s] for s in samples)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = tf.int8
    if not per_channel:
        converter._experimental_disable_per_channel = True
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(converter.convert())
    tmp.replace(path)
    return path


def _samples(shape: tuple[int, ...], count: int = 16) -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.normal(0, 1, shape).astype(np.float32) for _ in range(count)]


def conv_and_depthwise():
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(9, 7, 3)),
        tf.keras.layers.Conv2D(6, 3, strides=2, padding="same", activation="relu6"),
        tf.keras.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="valid"),
    ])
    return model, _samples((1, 9, 7, 3))


def batch2_all_ops():
    """Batch 2 through every kernel of this group: the batch loops and offsets."""
    import tensorflow as tf

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(8, 6, 3), batch_size=2),
        tf.keras.layers.ZeroPadding2D(((1, 0), (0, 2))),
        tf.keras.layers.Conv2D(4, 3, padding="valid", activation="relu"),
        tf.keras.layers.DepthwiseConv2D(2, padding="same"),
        tf.keras.layers.MaxPooling2D(2, padding="same"),
        tf.keras.layers.AveragePooling2D(2, strides=1),
        tf.keras.layers.GlobalAveragePooling2D(),
    ])
    return model, _samples((2, 8, 6, 3))


def test_c_unit_tests_of_these_kernels(native_build):
    for name in C_TESTS:
        result = subprocess.run([str(native_build / name)], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"


def test_per_tensor_weights_bit_exact(native_build):
    model = _convert(conv_and_depthwise, per_channel=False)
    info = load_model(model)
    weights = [info.tensors[op.inputs[1]] for op in info.ops if op.name in ("CONV_2D", "DEPTHWISE_CONV_2D")]
    assert len(weights) == 2 and all(len(w.scales) == 1 for w in weights), "conversion was not per-tensor"
    _assert_bit_exact(model, native_build)


def test_per_channel_weights_bit_exact(native_build):
    model = _convert(conv_and_depthwise)
    info = load_model(model)
    assert all(len(info.tensors[op.inputs[1]].scales) > 1 for op in info.ops), "conversion was not per-channel"
    _assert_bit_exact(model, native_build)


def test_batch_of_two_bit_exact(native_build):
    model = _convert(batch2_all_ops)
    info = load_model(model)
    assert info.input_tensors[0].shape[0] == 2
    assert set(info.op_histogram()) == {"PAD", "CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D",
                                        "AVERAGE_POOL_2D", "MEAN"}
    _assert_bit_exact(model, native_build)


# ---- edited models ----


def _only_op(model: schema.ModelT, name: str):
    ops = model.subgraphs[0].operators
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    found = [op for op in ops if codes[op.opcodeIndex] == getattr(schema.BuiltinOperator, name)]
    assert len(found) == 1, f"expected one {name}"
    return found[0]


def _opgen_case(op: str, variant: str):
    import opgen

    return next(c for c in opgen.cases(ops=[op], seeds=range(2)) if c.variant == variant)


@pytest.mark.parametrize("variant", ["global_average_pooling", "reduce_mean_axes"])
def test_mean_with_equal_quantization_bit_exact(variant, native_build, tmp_path):
    """Older TFLM divided the raw sum with truncation when input and output quantization were
    equal; this checks the engine against the pinned wheel's TFLM on exactly that case."""
    case = _opgen_case("MEAN", variant)

    def same_quantization(model):
        sg = model.subgraphs[0]
        op = _only_op(model, "MEAN")
        sg.tensors[op.outputs[0]].quantization = copy.deepcopy(sg.tensors[op.inputs[0]].quantization)

    edited = edit_model(case.tflite, tmp_path / "mean_equal.tflite", same_quantization)
    info = load_model(edited)
    mean = info.ops[0]
    assert info.tensors[mean.inputs[0]].scales == info.tensors[mean.outputs[0]].scales
    _assert_bit_exact(edited, native_build, vectors=16)


def test_pad_with_int64_paddings_matches_int32(native_build, tmp_path):
    """TFLM reads paddings as int32 only, so the int64 form is checked against TFLM's output for
    the same model with int32 paddings."""
    case = _opgen_case("PAD", "pad_every_axis")

    def int64_paddings(model):
        sg = model.subgraphs[0]
        paddings = sg.tensors[_only_op(model, "PAD").inputs[1]]
        values = np.frombuffer(bytes(model.buffers[paddings.buffer].data), np.int32)
        model.buffers[paddings.buffer].data = np.frombuffer(values.astype(np.int64).tobytes(), np.uint8)
        paddings.type = schema.TensorType.INT64

    edited = edit_model(case.tflite, tmp_path / "pad_int64.tflite", int64_paddings)
    info = load_model(edited)
    assert info.tensors[info.ops[0].inputs[1]].dtype == 4  # INT64
    inputs = random_vectors(info.input_tensors, 4, seed=3).inputs
    got = run_native(edited, inputs, [(t.shape, t.np_dtype) for t in info.output_tensors], native_build)
    ref = TflmReference(case.tflite)
    for i, vector in enumerate(inputs):
        parity = compare_outputs(got[i], ref.run(vector))
        assert parity.exact, f"vector {i}: {parity.message()}"


def _weights_zero_point(model):
    sg = model.subgraphs[0]
    filt = sg.tensors[_only_op(model, "CONV_2D").inputs[1]]
    filt.quantization.zeroPoint = np.full(len(filt.quantization.zeroPoint), 3, np.int64)


def _pool_output_scale(model):
    sg = model.subgraphs[0]
    out = sg.tensors[_only_op(model, "AVERAGE_POOL_2D").outputs[0]]
    out.quantization.scale = np.asarray(out.quantization.scale) * 2


def _negative_paddings(model):
    sg = model.subgraphs[0]
    op = _only_op(model, "PAD")
    paddings = sg.tensors[op.inputs[1]]
    values = np.frombuffer(bytes(model.buffers[paddings.buffer].data), np.int32).copy().reshape(-1, 2)
    values[1] = [-1, values[1, 0] + values[1, 1] + 1]  # same output size, one row cut off the top
    model.buffers[paddings.buffer].data = np.frombuffer(values.tobytes(), np.uint8)


def _depth_multiplier(model):
    _only_op(model, "DEPTHWISE_CONV_2D").builtinOptions.depthMultiplier += 1


REFUSALS = [
    ("CONV_2D", "conv2d", _weights_zero_point, "weights zero point must be 0 (symmetric int8 weights)"),
    ("AVERAGE_POOL_2D", "average_pool", _pool_output_scale, "input and output quantization must be equal"),
    ("PAD", "zero_padding_2d", _negative_paddings, "negative paddings are not supported"),
    ("DEPTHWISE_CONV_2D", "depthwise", _depth_multiplier, "depth multiplier does not match the channel counts"),
]


@pytest.mark.parametrize("op, variant, change, reason", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusal_is_the_same_on_host_and_engine(op, variant, change, reason, native_build, tmp_path):
    edited = edit_model(_opgen_case(op, variant).tflite, tmp_path / "refused.tflite", change)
    info = load_model(edited)
    assert refusal(info, find_profile("qemu")) == f"{op} (op #0): {reason}"  # the host oracle
    with pytest.raises(NativeRefusal) as refused:
        run_native(edited, random_vectors(info.input_tensors, 1, seed=0).inputs,
                   [(t.shape, t.np_dtype) for t in info.output_tensors], native_build)
    assert str(refused.value) == f"{op} (op #0): {reason}"


def test_generated_models_pass_the_host_check():
    import opgen

    ops = ["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D", "PAD", "MEAN"]
    for case in opgen.cases(ops=ops, seeds=range(2)):
        assert refusal(load_model(case.tflite), find_profile("qemu")) is None, case.id

