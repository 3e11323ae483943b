"""Float parity metrics (hil/verdicts/float_parity.py) and the host reference of float16-weights models:
the DEQUANTIZE -> RESHAPE rewrite TFLM runs must compute exactly what TensorFlow Lite's
reference kernels compute on the original float16 file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.verdicts.float_parity import compare_float, fp16_dequantize_ops, host_reference_model, ulp_distance

ROOT = Path(__file__).resolve().parents[1]
FP16_MODELS = sorted((ROOT / "models").glob("*/*_fp16.tflite"))


def test_ulp_distance():
    one = np.float32(1.0)
    up = np.nextafter(one, np.float32(2))
    assert ulp_distance(one, up) == 1 and ulp_distance(up, one) == 1
    assert ulp_distance(np.float32(0.0), np.float32(-0.0)) == 0
    tiny = np.float32(np.finfo(np.float32).smallest_subnormal)
    assert ulp_distance(tiny, -tiny) == 2  # across zero
    assert ulp_distance(np.float32(2.0), np.float32(1.0)) == 1 << 23


def test_compare_float_tolerance_and_metrics():
    ref = np.array([[0.0, 1.0, 100.0, -3.0]], np.float32)
    same = compare_float([ref.copy()], [ref])
    assert same.exact and same.within_tolerance and same.worst_index is None and "identical" in same.message()
    near = ref + np.array([[5e-6, 5e-5, 5e-3, 0.0]], np.float32)  # each inside 1e-5 + 1e-4 |ref|
    p = compare_float([near], [ref])
    assert p.within_tolerance and p.differing == 3 and p.mismatches == 0
    assert p.worst_index == (0, 2) and p.max_abs_error == pytest.approx(5e-3, rel=1e-3)
    assert p.max_rel_error == pytest.approx(5e-5, rel=1e-2)  # over |ref| >= 1e-5: 5e-5 / 1 beats 5e-3 / 100
    far = ref + np.array([[2e-5, 0.0, 0.0, 0.0]], np.float32)
    q = compare_float([far], [ref])
    assert not q.within_tolerance and q.mismatches == 1 and "1/4 elements outside it" in q.message()
    nan = compare_float([np.array([np.nan], np.float32)], [np.array([1.0], np.float32)])
    assert not nan.within_tolerance and nan.max_abs_error == float("inf")
    assert compare_float([np.array([np.nan], np.float32)], [np.array([np.nan], np.float32)]).within_tolerance


def test_int8_and_float32_models_are_their_own_reference():
    int8 = ROOT / "models/digits_cnn/digits_cnn.tflite"
    assert host_reference_model(int8) == int8
    assert isinstance(host_reference_model(ROOT / "models/digits_cnn/digits_cnn_float32.tflite"), Path)


@pytest.mark.parametrize("model", FP16_MODELS, ids=lambda p: p.stem)
def test_fp16_rewrite_matches_tflite_on_the_original(model):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    rewritten = host_reference_model(model)
    assert isinstance(rewritten, bytes)
    parsed = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(rewritten, 0))
    assert fp16_dequantize_ops(parsed) == []
    info = load_model(model)
    assert len(parsed.subgraphs[0].operators) == len(info.ops)  # same operator and tensor indices
    assert len(parsed.subgraphs[0].tensors) == len(info.tensors)

    interpreter = tf.lite.Interpreter(model_path=str(model),
                                      experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    reference = TflmReference(rewritten)
    rng = np.random.default_rng(7)
    for _ in range(5):
        inputs = [rng.normal(0, 1, t.shape).astype(np.float32) for t in info.input_tensors]
        for detail, value in zip(interpreter.get_input_details(), inputs, strict=True):
            interpreter.set_tensor(detail["index"], value)
        interpreter.invoke()
        tflite = [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
        tflm = reference.run(inputs)
        assert all(np.array_equal(a, b) for a, b in zip(tflite, tflm, strict=True)), model.name


def test_ulp_distance_maps_either_argument_across_zero():
    tiny = np.float32(np.finfo(np.float32).smallest_subnormal)
    assert ulp_distance(-tiny, tiny) == 2 and ulp_distance(-tiny, -tiny) == 0
    minus_one = np.float32(-1.0)
    assert ulp_distance(minus_one, np.nextafter(minus_one, np.float32(-2))) == 1
    assert ulp_distance(np.float32(-2.0), np.float32(-1.0)) == 1 << 23


def test_compare_float_identity_shapes_and_worst_place():
    ref = [np.array([1.0, 2.0], np.float32), np.array([3.0], np.float32)]
    same = compare_float([r.copy() for r in ref], ref)
    assert same.output_index == -1 and same.exact and same.differing == 0
    off = compare_float([ref[0] + np.float32(1e-6), ref[1].copy()], ref)
    assert not off.exact and off.within_tolerance  # not bit-identical, yet within the tolerance
    tie = compare_float([ref[0] + np.array([0.0, 0.5], np.float32), ref[1] + np.float32(0.5)], ref)
    assert (tie.output_index, tie.worst_index) == (0, (1,))  # the first of equal worst errors
    later = compare_float([ref[0].copy(), ref[1] + np.float32(0.5)], ref)
    assert (later.output_index, later.worst_index) == (1, (0,))
    with pytest.raises(ValueError, match="outputs"):
        compare_float(ref[:1], ref)
    with pytest.raises(ValueError, match="outputs"):
        compare_float(ref + ref[:1], ref)
    for shape in ((1,), (3,)):
        with pytest.raises(ValueError, match="shape"):
            compare_float([np.zeros(shape, np.float32), ref[1]], ref)


def test_relative_error_counts_references_at_the_absolute_tolerance():
    p = compare_float([np.array([0.75], np.float32)], [np.array([0.5], np.float32)], abs_tol=0.5, rel_tol=0.0)
    assert p.max_rel_error == pytest.approx(0.5)


def test_top1_agreement_in_both_directions():
    ref = [np.array([0.1, 0.9, 0.0], np.float32)]
    assert compare_float([np.array([0.2, 0.8, 0.0], np.float32)], ref).top1_agree
    assert not compare_float([np.array([0.9, 0.1, 0.0], np.float32)], ref).top1_agree
    assert not compare_float([np.array([0.0, 0.1, 0.9], np.float32)], ref).top1_agree
