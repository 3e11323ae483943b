"""ADD, MUL, SOFTMAX, LOGISTIC, TANH, RELU, RELU6, QUANTIZE, DEQUANTIZE, CONCATENATION, RESHAPE,
SHAPE, STRIDED_SLICE and PACK of the built-in engine on the host (ASan + UBSan) against the TFLM
interpreter, beyond the seeded generators' parity runs in test_single_op_native.py: every
generated model really contains its operator and passes the host check, the fixed-point and
broadcast C unit tests, float quantization exactly at rounding ties, edited models for the
paths the converter does not emit (int8 -> int16 softmax, int8 / int16 requantization, float
<-> int16), and refusals that must read the same on the host and in the engine."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
from model_edit import edit_model
from native import NativeRefusal, build_native, run_native
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil.boards import find_profile
from hil.engines.oracle import refusal
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import random_vectors
from hil.verdicts.parity import compare_outputs

OPS = ["ADD", "MUL", "SOFTMAX", "LOGISTIC", "TANH", "RELU", "RELU6", "QUANTIZE", "DEQUANTIZE",
       "CONCATENATION", "RESHAPE", "SHAPE", "STRIDED_SLICE", "PACK"]
C_TESTS = ["test_fixedpoint", "test_broadcast"]


@pytest.fixture(scope="module")
def native_build() -> Path:
    return build_native()


def _case(op: str, variant: str, seed: int = 0):
    import opgen

    return next(c for c in opgen.cases(ops=[op], seeds=range(seed + 1)) if c.variant == variant and c.seed == seed)


def _outputs(model: Path, vectors: list[list[np.ndarray]], build: Path) -> list[list[np.ndarray]]:
    info = load_model(model)
    return run_native(model, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], build)


def _assert_bit_exact(model: Path, build: Path, vectors: list[list[np.ndarray]] | None = None) -> None:
    info = load_model(model)
    vectors = vectors or random_vectors(info.input_tensors, 8, seed=0).inputs
    got = _outputs(model, vectors, build)
    ref = TflmReference(model)
    for i, vector in enumerate(vectors):
        parity = compare_outputs(got[i], ref.run(vector))
        assert parity.exact, f"{model.name} vector {i} ({info.op_histogram()}): {parity.message()}"



def _op_index(model: schema.ModelT, name: str) -> int:
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in model.operatorCodes]
    found = [i for i, op in enumerate(model.subgraphs[0].operators)
             if codes[op.opcodeIndex] == getattr(schema.BuiltinOperator, name)]
    assert len(found) == 1, f"expected one {name}, found {len(found)}"
    return found[0]


def _op(model: schema.ModelT, name: str):
    return model.subgraphs[0].operators[_op_index(model, name)]


def _set_quantization(tensor, scale: float, zero_point: int) -> None:
    tensor.quantization = schema.QuantizationParametersT()
    tensor.quantization.scale = np.asarray([scale], np.float32)
    tensor.quantization.zeroPoint = np.asarray([zero_point], np.int64)


# ---- the generators and the C unit tests ----

def test_generated_models_contain_their_op_and_pass_the_host_check(request):
    import opgen

    cases = opgen.cases(ops=OPS, seeds=range(request.config.getoption("opgen_seeds")))
    assert {c.op for c in cases} == set(OPS)
    for case in cases:
        info = load_model(case.tflite)
        assert case.op in info.op_histogram(), f"{case.id} converted to {info.op_histogram()}"
        assert refusal(info, find_profile("qemu")) is None, case.id


def test_flatten_converts_to_the_shape_chain():
    """Keras Flatten (TF 2.21) becomes SHAPE -> STRIDED_SLICE (int32) -> PACK (int32) -> RESHAPE."""
    info = load_model(_case("SHAPE", "flatten").tflite)
    assert [op.name for op in info.ops] == ["SHAPE", "STRIDED_SLICE", "PACK", "RESHAPE"]
    assert info.tensors[info.ops[1].inputs[0]].dtype_name == "int32"
    assert info.tensors[info.ops[2].outputs[0]].dtype_name == "int32"


def test_c_unit_tests_of_these_kernels(native_build):
    for name in C_TESTS:
        result = subprocess.run([str(native_build / name)], capture_output=True, text=True)
        assert result.returncode == 0, f"{name}: {result.stderr[-2000:]}"


# ---- float quantization at the rounding ties ----

def test_quantize_rounds_ties_like_tflm(native_build):
    """x / scale exactly at k + 0.5 (both signs), just beside it, and far outside the int8 range:
    half-away-from-zero rounding and saturation must match TFLM's AffineQuantize."""
    case = _case("QUANTIZE", "float_relu")
    info = load_model(case.tflite)
    spec = info.input_tensors[0]
    quantize = next(op for op in info.ops if op.name == "QUANTIZE")
    scale = np.float32(info.tensors[quantize.outputs[0]].scale)
    candidates = (np.arange(-140, 140) + np.float32(0.5)).astype(np.float32) * scale
    quotient = candidates / scale  # float32 division, as the kernel and TFLM do it
    ties = candidates[quotient - np.floor(quotient) == 0.5]
    assert (ties < 0).sum() > 10, "too few exact negative ties to tell rounding modes apart"
    # far outside the int8 range but inside int32 (beyond int32 TFLM's float -> int cast is undefined)
    far = np.float32([1000, -1000]) * scale
    values = np.concatenate([ties, np.nextafter(ties, np.float32(np.inf)), np.nextafter(ties, np.float32(-np.inf)),
                             far, np.float32([0.0, -0.0])]).astype(np.float32)
    size = int(np.prod(spec.shape))
    values = np.resize(values, (len(values) + size - 1) // size * size)
    vectors = [[chunk.reshape(spec.shape)] for chunk in values.reshape(-1, size)]
    _assert_bit_exact(case.tflite, native_build, vectors)


# ---- edited models: paths the converter does not produce ----

def test_softmax_int8_to_int16_bit_exact(native_build, tmp_path):
    def int16_output(model):
        sg = model.subgraphs[0]
        out = sg.tensors[_op(model, "SOFTMAX").outputs[0]]
        out.type = schema.TensorType.INT16
        _set_quantization(out, 1.0 / 65536, -32768)

    for seed in range(3):
        source = _case("SOFTMAX", "softmax", seed).tflite
        edited = edit_model(source, tmp_path / f"softmax16_{seed}.tflite", int16_output)
        assert load_model(edited).output_tensors[0].dtype_name == "int16"
        _assert_bit_exact(edited, native_build)


@pytest.mark.parametrize("dtype, zero_point", [("INT8", 7), ("INT8", -3), ("INT16", 0)])
def test_quantize_requantizes_integers_bit_exact(dtype, zero_point, native_build, tmp_path):
    """The float model input turned into an int8 / int16 one: QUANTIZE becomes TFLM's Requantize."""
    def integer_input(model):
        sg = model.subgraphs[0]
        quantize = _op(model, "QUANTIZE")
        source = sg.tensors[quantize.inputs[0]]
        target_scale = float(sg.tensors[quantize.outputs[0]].quantization.scale[0])
        source.type = getattr(schema.TensorType, dtype)
        _set_quantization(source, target_scale * (0.37 if dtype == "INT8" else 1 / 97.0), zero_point)

    for seed in range(2):
        edited = edit_model(_case("QUANTIZE", "float_relu", seed).tflite, tmp_path / f"requant_{seed}.tflite",
                       integer_input)
        assert load_model(edited).input_tensors[0].dtype_name == dtype.lower()
        _assert_bit_exact(edited, native_build)


def test_float_int16_round_trip_bit_exact(native_build, tmp_path):
    """QUANTIZE float32 -> int16 straight into DEQUANTIZE int16 -> float32 (the RELU removed)."""
    def int16_middle(model):
        sg = model.subgraphs[0]
        quantize, dequantize = _op(model, "QUANTIZE"), _op(model, "DEQUANTIZE")
        middle = sg.tensors[quantize.outputs[0]]
        middle.type = schema.TensorType.INT16
        _set_quantization(middle, float(middle.quantization.scale[0]) / 200, 0)
        dequantize.inputs = np.asarray([quantize.outputs[0]], np.int32)
        del sg.operators[_op_index(model, "RELU")]

    edited = edit_model(_case("QUANTIZE", "float_relu").tflite, tmp_path / "int16_round_trip.tflite", int16_middle)
    info = load_model(edited)
    assert [op.name for op in info.ops] == ["QUANTIZE", "DEQUANTIZE"]
    assert info.tensors[info.ops[0].outputs[0]].dtype_name == "int16"
    vectors = random_vectors(info.input_tensors, 8, seed=1).inputs
    _assert_bit_exact(edited, native_build, [[v[0] * 1.5] for v in vectors])


# ---- refusals agree between the host and the engine ----

def _softmax_zero_point(model):
    out = model.subgraphs[0].tensors[_op(model, "SOFTMAX").outputs[0]]
    out.quantization.zeroPoint = np.asarray([-127], np.int64)


def _softmax_tiny_beta(model):
    _op(model, "SOFTMAX").builtinOptions.beta = 1e-9


def _logistic_zero_point(model):
    out = model.subgraphs[0].tensors[_op(model, "LOGISTIC").outputs[0]]
    out.quantization.zeroPoint = np.asarray([0], np.int64)


def _add_tiny_output_scale(model):
    out = model.subgraphs[0].tensors[_op(model, "ADD").outputs[0]]
    out.quantization.scale = np.asarray(out.quantization.scale, np.float32) * np.float32(1e-7)


def _concatenation_activation(model):
    _op(model, "CONCATENATION").builtinOptions.fusedActivationFunction = 1


def _strided_slice_ellipsis(model):
    _op(model, "STRIDED_SLICE").builtinOptions.ellipsisMask = 1


def _mul_int16_output(model):
    out = model.subgraphs[0].tensors[_op(model, "MUL").outputs[0]]
    out.type = schema.TensorType.INT16


REFUSALS = [
    ("SOFTMAX", "softmax", _softmax_zero_point, "int8 output must have zero point -128 and scale 1/256"),
    ("SOFTMAX", "softmax", _softmax_tiny_beta, "beta * input scale is too small for TFLM's int8 softmax"),
    ("LOGISTIC", "sigmoid", _logistic_zero_point, "int8 output must have zero point -128 (as in TFLM)"),
    ("ADD", "add_constant", _add_tiny_output_scale,
     "quantization scales give a rescale factor outside (0, 1), which TFLM rejects"),
    ("MUL", "mul_constant", _mul_int16_output, "only int8 inputs and output are supported"),
    ("CONCATENATION", "concatenate_slices", _concatenation_activation,
     "fused activations are not supported (as in TFLM)"),
    ("STRIDED_SLICE", "int8_slice", _strided_slice_ellipsis,
     "ellipsis and new-axis masks are not supported (as in TFLM)"),
]


@pytest.mark.parametrize("op, variant, change, reason", REFUSALS, ids=[r[2].__name__.lstrip("_") for r in REFUSALS])
def test_refusal_is_the_same_on_host_and_engine(op, variant, change, reason, native_build, tmp_path):
    edited = edit_model(_case(op, variant).tflite, tmp_path / "refused.tflite", change)
    raw = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(edited.read_bytes(), 0))
    index = _op_index(raw, op)
    info = load_model(edited)
    assert refusal(info, find_profile("qemu")) == f"{op} (op #{index}): {reason}"  # the host oracle
    with pytest.raises(NativeRefusal) as refused:
        _outputs(edited, random_vectors(info.input_tensors, 1, seed=0).inputs, native_build)
    assert str(refused.value) == f"{op} (op #{index}): {reason}"
