"""Elementwise arithmetic and activation kernels beyond int8 (ops-math: SUB, LEAKY_RELU,
HARD_SWISH, int16 ADD / SUB / MUL / LOGISTIC / TANH / SOFTMAX / RELU / RELU6, int32 ADD / SUB /
MUL, QUANTIZE and DEQUANTIZE pairs) on the host (ASan + UBSan) against the TFLM interpreter of
the tflite-micro wheel, beyond the seeded generators of test_single_op_native.py: the lookup
tables the int16 kernels interpolate, whole int16 input ranges, every integer pair QUANTIZE
requantizes between, and models TFLM refuses, which the engine must refuse too. Also every input
pair of int8 DIV and SQUARED_DIFFERENCE, every int16 input of PRELU against every int8 alpha,
every int8 input of ELU's table, and the rows LOG_SOFTMAX and L2_NORMALIZATION treat apart."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
from native import NativeRefusal, build_native, run_native
from opgen.flatbuffer import Tensor, single_op_model
from opgen.quantization import _REQUANTIZE_PAIRS
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil import paths
from hil.model.reference import TflmReference

OP = schema.BuiltinOperator
INT16_ALL = np.arange(-32768, 32768, dtype=np.int16)


@pytest.fixture(scope="module")
def native_build() -> Path:
    return build_native()


def _write(tmp_path: Path, model: bytes, name: str = "m.tflite") -> Path:
    path = tmp_path / name
    path.write_bytes(model)
    return path


def _assert_same(path: Path, inputs: list[np.ndarray], build: Path) -> None:
    expected = TflmReference(path).run(inputs)
    got = run_native(path, [inputs], [(e.shape, e.dtype) for e in expected], build)[0]
    for g, e in zip(got, expected, strict=True):
        differs = np.flatnonzero(g != e)
        assert differs.size == 0, f"{path.name}: {differs.size} elements differ, first at {differs[0]}: " \
                                  f"engine {g.ravel()[differs[0]]}, TFLM {e.ravel()[differs[0]]}"


# ---- int16 LOGISTIC and TANH: the sigmoid table and whole input ranges ----

def _c_table(name: str) -> list[int]:
    source = (paths.firmware_dir() / "engines" / "builtin" / "kernels" / name).read_text()
    body = source[source.index("= {"):source.index("};")]
    return [int(v) for v in re.findall(r"-?\d+", body)]


def test_sigmoid_table_entries_are_tflms(tmp_path):
    """With input scale 1/48, TFLM's int16 TANH rescales x to 256 x (multiplier 16384, shift 6),
    so the input x lands exactly on table entry x and the output is entry - 32768: the reference
    interpreter gives entries 0..254 directly (entry 255 is only interpolated towards; the range
    sweeps below cover it)."""
    x = np.arange(255, dtype=np.int16)
    model = single_op_model(OP.TANH, [Tensor(x.shape, np.int16, float(np.float32(1 / 48)))],
                            [Tensor(x.shape, np.int16, 2.0 ** -15)])
    entries = TflmReference(_write(tmp_path, model)).run([x])[0].astype(np.int64) + 32768
    table = _c_table("sigmoid_i16_lut.c")
    assert len(table) == 256 and table[:255] == entries.tolist()


@pytest.mark.parametrize("opcode", [OP.LOGISTIC, OP.TANH], ids=["LOGISTIC", "TANH"])
@pytest.mark.parametrize("scale", [2.0 ** -12, 2.0 ** -11, 2.0 ** -13, 1 / 96, 1 / 384, 3.1e-4, 1.7e-5])
def test_int16_sigmoid_over_every_input(opcode, scale, tmp_path, native_build):
    """All 65,536 inputs at power-of-two scales (TFLM's multiplier-free path where the shift is 0
    or 1), scales whose rescale lands on table steps, and arbitrary ones."""
    model = single_op_model(opcode, [Tensor(INT16_ALL.shape, np.int16, scale)],
                            [Tensor(INT16_ALL.shape, np.int16, 2.0 ** -15)])
    _assert_same(_write(tmp_path, model), [INT16_ALL], native_build)


# ---- int16 SOFTMAX ----

def test_softmax_int16_tables_are_tflms_construction(native_build):
    """The committed exp and 1 / (1 + x) tables equal TFLM's LUTPopulate<int16_t> recomputed in
    C with this host's libm (firmware/tests/test_softmax_i16_lut.c)."""
    result = subprocess.run([str(native_build / "test_softmax_i16_lut")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def test_softmax_int16_rows_with_extremes(tmp_path, native_build):
    """Rows of one value, of the int16 extremes, long rows (sums near the reciprocal table's
    ends) and a wide input scale (differences past the exp table's -10)."""
    rng = np.random.default_rng(5)
    rows = [np.full(7, 1234), np.array([-32768, 32767] * 4), rng.integers(-32768, 32768, 300),
            rng.integers(-50, 50, 300), np.zeros(1)]
    for scale in (1e-3, 3e-5):
        for i, row in enumerate(rows):
            x = row.astype(np.int16)[None]
            model = single_op_model(OP.SOFTMAX, [Tensor(x.shape, np.int16, scale)],
                                    [Tensor(x.shape, np.int16, 1.0 / 32768)],
                                    schema.BuiltinOptions.SoftmaxOptions, _softmax_options(1.0))
            _assert_same(_write(tmp_path, model, f"softmax{i}.tflite"), [x], native_build)


def _softmax_options(beta: float) -> schema.SoftmaxOptionsT:
    options = schema.SoftmaxOptionsT()
    options.beta = beta
    return options


# ---- QUANTIZE: every integer pair ----

@pytest.mark.parametrize("src,dst", _REQUANTIZE_PAIRS, ids=[f"{np.dtype(a).name}-{np.dtype(b).name}"
                                                            for a, b in _REQUANTIZE_PAIRS])
def test_requantize_every_pair_over_its_input_range(src, dst, tmp_path, native_build):
    """Each pair TFLM's QUANTIZE requantizes between, over every input value (a random sample for
    int32), at a scale ratio below and above one; int8 <-> uint8 also at one scale with zero points
    128 apart (TFLM's sign-bit flip)."""
    info = np.iinfo(src)
    x = (np.arange(info.min, info.max + 1) if info.bits <= 16
         else np.random.default_rng(0).integers(-(1 << 20), 1 << 20, 4096)).astype(src)
    zero_points = {np.dtype(np.uint8): 128, np.dtype(np.int8): 3}
    cases = [(0.02, 0.005), (0.003, 0.05)]
    if {np.dtype(src), np.dtype(dst)} == {np.dtype(np.int8), np.dtype(np.uint8)}:
        cases.append((0.02, 0.02))
    for k, (s_in, s_out) in enumerate(cases):
        zp_in = zero_points.get(np.dtype(src), 0) if src != np.int8 or k < 2 else 0
        zp_out = zero_points.get(np.dtype(dst), 0) if dst != np.int8 or k < 2 else 0
        model = single_op_model(OP.QUANTIZE, [Tensor(x.shape, src, s_in, zp_in)], [Tensor(x.shape, dst, s_out, zp_out)])
        _assert_same(_write(tmp_path, model, f"q{k}.tflite"), [x], native_build)


# ---- models TFLM refuses in its prepare: the engine refuses them at load too ----

def _unary(opcode: int, dtype, in_q: tuple[float, int], out_q: tuple[float, int]) -> bytes:
    return single_op_model(opcode, [Tensor((4,), dtype, *in_q)], [Tensor((4,), dtype, *out_q)])


def _binary(opcode: int, dtype, zero_point: int, quantized: bool = True) -> bytes:
    q = (0.01, zero_point) if quantized else (None, 0)
    return single_op_model(opcode, [Tensor((4,), dtype, *q), Tensor((4,), dtype, *q)], [Tensor((4,), dtype, *q)])


def _l2_norm_options(activation: int) -> schema.L2NormOptionsT:
    options = schema.L2NormOptionsT()
    options.fusedActivationFunction = activation
    return options


REFUSED = {
    "logistic-int16-zero-point": (_unary(OP.LOGISTIC, np.int16, (1e-3, 5), (2.0 ** -15, 0)),
                                  "int16 input and output need zero points of 0 (as in TFLM)"),
    "tanh-int16-output-scale": (_unary(OP.TANH, np.int16, (1e-3, 0), (2.0 ** -14, 0)),
                                "int16 output scale must be 2^-15 (as in TFLM)"),
    "softmax-int16-output-scale": (_unary(OP.SOFTMAX, np.int16, (1e-3, 0), (2.0 ** -14, 0)),
                                   "int16 output must have scale 1/32768"),
    "relu-int16-zero-point": (_unary(OP.RELU, np.int16, (1e-3, 0), (1e-3, 2)),
                              "int16 input and output need zero points of 0 (as in TFLM)"),
    "mul-int16-zero-point": (_binary(OP.MUL, np.int16, 1),
                             "int16 inputs and output need zero points of 0 (as in TFLM)"),
    "sub-int32-quantized": (_binary(OP.SUB, np.int32, 0), "int32 tensors must not be quantized (as in TFLM)"),
    "abs-int8-unquantized": (_unary(OP.ABS, np.int8, (None, 0), (None, 0)),
                             "input and output need quantization (as in TFLM)"),
    "hard-swish-scale-ratio": (_unary(OP.HARD_SWISH, np.int8, (1.0, 0), (1e-3, 0)),
                               "input scale above 128 x output scale (TFLM rejects it)"),
    "div-int32-quantized": (_binary(OP.DIV, np.int32, 0), "int32 tensors must not be quantized (as in TFLM)"),
    "squared-difference-int16-zero-point": (_binary(OP.SQUARED_DIFFERENCE, np.int16, 1),
                                            "int16 inputs and output need zero points of 0 (as in TFLM)"),
    "add-n-int8-scales": (single_op_model(OP.ADD_N, [Tensor((4,), np.int8, 0.01), Tensor((4,), np.int8, 0.02)],
                                          [Tensor((4,), np.int8, 0.03)]),
                          "int8 inputs need one scale and zero point (as in TFLM)"),
    "prelu-int16-alpha-int16": (single_op_model(OP.PRELU, [Tensor((4,), np.int16, 0.01), Tensor((4,), np.int16, 0.01)],
                                                [Tensor((4,), np.int16, 0.01)]),
                                "int16 kernel: int16 input and output, int8 alpha (as in TFLM)"),
    "log-softmax-int8-output-scale": (_unary(OP.LOG_SOFTMAX, np.int8, (0.1, 0), (0.1, 127)),
                                      "int8 output must have scale 16/256 and zero point 127"),
    "l2-normalization-relu": (single_op_model(OP.L2_NORMALIZATION, [Tensor((4,), np.int8, 0.1)],
                                              [Tensor((4,), np.int8, 1 / 128)], schema.BuiltinOptions.L2NormOptions,
                                              _l2_norm_options(1)),
                              "fused activation must be NONE (as in TFLM)"),
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_like_tflm(name, tmp_path, native_build):
    model, reason = REFUSED[name]
    path = _write(tmp_path, model)
    with pytest.raises(RuntimeError, match="failed to allocate tensors"):  # TFLM fails in the kernel prepare
        TflmReference(path)
    with pytest.raises(NativeRefusal) as refused:
        run_native(path, [[np.zeros(4, np.int8)]], [((4,), np.int8)], native_build)
    assert str(refused.value).endswith(f"(op #0): {reason}"), str(refused.value)


# ---- float32 functions: rounding ties; RSQRT below the zero point ----

def test_round_halves_to_even(tmp_path):
    """ROUND (TFLM's RoundToNearest) at every half from -8.5 to 8.5 and beside them."""
    halves = np.arange(-8, 9, dtype=np.float32) + np.float32(0.5)
    x = np.concatenate([halves, np.nextafter(halves, np.float32(9)), np.nextafter(halves, np.float32(-9)),
                        np.float32([0.0, -0.0, 1e9, -1e9])]).astype(np.float32)
    model = single_op_model(OP.ROUND, [Tensor(x.shape, np.float32)], [Tensor(x.shape, np.float32)])
    path = _write(tmp_path, model)
    _assert_same(path, [x], build_native(("HIL_FLOAT_KERNELS",)))
    assert (TflmReference(path).run([x])[0][:17] == np.round(halves)).all()  # numpy rounds halves to even too


def test_rsqrt_int8_below_the_zero_point_fails_like_tflm(tmp_path, native_build):
    x = np.int8([5, 4, 3])
    model = single_op_model(OP.RSQRT, [Tensor(x.shape, np.int8, 0.1, 4)], [Tensor(x.shape, np.int8, 0.05, 0)])
    path = _write(tmp_path, model)
    with pytest.raises(RuntimeError):
        TflmReference(path).run([x])
    with pytest.raises(NativeRefusal):
        run_native(path, [[x]], [((3,), np.int8)], native_build)


# ---- DIV, SQUARED_DIFFERENCE, PRELU, ELU, ADD_N: every input (pair) ----

INT8_ALL = np.arange(-128, 128, dtype=np.int8)


def _every_int8_pair(divisor_zero_point: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(256, 256) x broadcast against a (256,) y: all 65,536 pairs; a y equal to
    divisor_zero_point (a division by zero) moved one up."""
    y = INT8_ALL.copy()
    if divisor_zero_point is not None:
        y[y == divisor_zero_point] = divisor_zero_point + 1
    return np.repeat(INT8_ALL, 256).reshape(256, 256), y


@pytest.mark.parametrize("scales", [(0.05, 0.01, 0.05 / (0.01 * 64)), (0.002, 0.3, 0.002 / (0.3 * 900)),
                                    (0.1, 0.1, 0.1 / (0.1 * 3000))], ids=["ratio64", "ratio900", "ratio3000"])
def test_div_int8_every_pair(scales, tmp_path, native_build):
    """Scale ratios input1 / (input2 * output) of 64 and more, where TFLM's shifts stay in range
    for every pair (kernels/div.c), zero points away from 0, with a fused ReLU6."""
    x, y = _every_int8_pair(divisor_zero_point=-7)
    options = schema.DivOptionsT()
    options.fusedActivationFunction = 3
    model = single_op_model(OP.DIV, [Tensor(x.shape, np.int8, scales[0], 5), Tensor(y.shape, np.int8, scales[1], -7)],
                            [Tensor(x.shape, np.int8, scales[2], -3)], schema.BuiltinOptions.DivOptions, options)
    _assert_same(_write(tmp_path, model), [x, y], native_build)


@pytest.mark.parametrize("out_scale", [0.02, 0.3, 4.0])
def test_squared_difference_int8_every_pair(out_scale, tmp_path, native_build):
    x, y = _every_int8_pair()
    inputs = [Tensor(x.shape, np.int8, 0.03, 4), Tensor(y.shape, np.int8, 0.05, -9)]
    model = single_op_model(OP.SQUARED_DIFFERENCE, inputs, [Tensor(x.shape, np.int8, out_scale, -128)])
    _assert_same(_write(tmp_path, model), [x, y], native_build)


def test_squared_difference_int16_extremes(tmp_path, native_build):
    """int16 differences as large as they get, one input against the other's extremes."""
    x = INT16_ALL.reshape(256, 256)
    y = np.int16([-32768, -1, 0, 1, 32767] * 51 + [12345])
    model = single_op_model(OP.SQUARED_DIFFERENCE, [Tensor(x.shape, np.int16, 1e-4), Tensor(y.shape, np.int16, 3e-4)],
                            [Tensor(x.shape, np.int16, 4e-3)])
    _assert_same(_write(tmp_path, model), [x, y], native_build)


@pytest.mark.parametrize("scales", [(1e-3, 0.01, 1e-3), (3e-5, 0.004, 1e-4), (0.01, 0.02, 2e-3)])
def test_prelu_int16_every_input_against_every_alpha(scales, tmp_path, native_build):
    """Each row of 256 int16 inputs meets all 256 int8 alphas, the rows covering every int16."""
    x = INT16_ALL.reshape(256, 256)
    model = single_op_model(OP.PRELU, [Tensor(x.shape, np.int16, scales[0]),
                                       Tensor((256,), np.int8, scales[1], 3, INT8_ALL)],
                            [Tensor(x.shape, np.int16, scales[2])])
    _assert_same(_write(tmp_path, model), [x], native_build)


@pytest.mark.parametrize("scales", [(0.05, -10, 0.02, -80), (0.004, 60, 0.01, -28), (0.3, 0, 0.2, -123)])
def test_elu_int8_every_input(scales, tmp_path, native_build):
    """ELU's 256-entry table, including outputs that saturate."""
    model = single_op_model(OP.ELU, [Tensor((256,), np.int8, scales[0], scales[1])],
                            [Tensor((256,), np.int8, scales[2], scales[3])])
    _assert_same(_write(tmp_path, model), [INT8_ALL], native_build)


def test_add_n_int8_every_input(tmp_path, native_build):
    """Four inputs at one scale, every int8 value in each, at an output scale where sums saturate."""
    rng = np.random.default_rng(3)
    xs = [rng.permutation(INT8_ALL) for _ in range(4)]
    model = single_op_model(OP.ADD_N, [Tensor((256,), np.int8, 0.02, -6) for _ in xs],
                            [Tensor((256,), np.int8, 0.05, 10)])
    _assert_same(_write(tmp_path, model), xs, native_build)


# ---- LOG_SOFTMAX and L2_NORMALIZATION: rows they treat apart ----

ROWS = [np.full(9, 7), np.full(9, -128), np.array([127] + [-128] * 8), np.array([-128, 127] * 4 + [0]),
        np.arange(-128, 127, 28)[:9], np.zeros(9)]


@pytest.mark.parametrize("scale", [0.01, 0.2, 2.0])
def test_log_softmax_int8_rows(scale, tmp_path, native_build):
    """Rows of one value, of one maximum among minima (most below diff_min), alternating extremes."""
    x = np.stack(ROWS).astype(np.int8)
    model = single_op_model(OP.LOG_SOFTMAX, [Tensor(x.shape, np.int8, scale, -5)],
                            [Tensor(x.shape, np.int8, 16 / 256, 127)])
    _assert_same(_write(tmp_path, model), [x], native_build)


@pytest.mark.parametrize("zero_point", [0, -128, 7])
def test_l2_normalization_int8_rows(zero_point, tmp_path, native_build):
    """Rows whose offset values sum to 0 or 1 in squares (TFLM's 1 / sqrt gives 1 there) and
    rows of extremes."""
    rows = ROWS + [np.array([zero_point + 1] + [zero_point] * 8), np.full(9, zero_point)]
    x = np.clip(np.stack(rows), -128, 127).astype(np.int8)
    model = single_op_model(OP.L2_NORMALIZATION, [Tensor(x.shape, np.int8, 0.1, zero_point)],
                            [Tensor(x.shape, np.int8, 1 / 128, 0)])
    _assert_same(_write(tmp_path, model), [x], native_build)


# ---- ADD, SUB, MUL, LEAKY_RELU, HARD_SWISH: every int8 input (pair), int16 samples ----

def _options(kind: str, **fields):
    options = getattr(schema, f"{kind}OptionsT")()
    for name, value in fields.items():
        setattr(options, name, value)
    return getattr(schema.BuiltinOptions, f"{kind}Options"), options


BINARY_SCALES = [(0.02, 4, 0.05, -9, 0.06, 3), (0.3, -128, 0.001, 0, 0.2, 127), (0.004, 17, 0.004, 17, 0.01, -20)]


@pytest.mark.parametrize("kind,opcode", [("Add", OP.ADD), ("Sub", OP.SUB), ("Mul", OP.MUL)], ids=["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("scales", BINARY_SCALES, ids=["mixed", "skewed", "equal"])
def test_int8_arithmetic_every_pair(kind, opcode, scales, tmp_path, native_build):
    """All 65,536 pairs, at input scales far apart and equal, with a fused ReLU."""
    x, y = _every_int8_pair()
    s1, z1, s2, z2, so, zo = scales
    model = single_op_model(opcode, [Tensor(x.shape, np.int8, s1, z1), Tensor(y.shape, np.int8, s2, z2)],
                            [Tensor(x.shape, np.int8, so, zo)], *_options(kind, fusedActivationFunction=1))
    _assert_same(_write(tmp_path, model), [x, y], native_build)


@pytest.mark.parametrize("kind,opcode", [("Add", OP.ADD), ("Sub", OP.SUB), ("Mul", OP.MUL)], ids=["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("scales", [(1e-4, 3e-4, 2e-4), (2e-3, 2e-3, 1e-3), (3e-5, 0.01, 0.02)],
                         ids=["mixed", "equal", "skewed"])
def test_int16_arithmetic_every_input(kind, opcode, scales, tmp_path, native_build):
    """Every int16 value of input 1 against a row of int16 extremes and random values."""
    x = INT16_ALL.reshape(256, 256)
    y = np.concatenate([np.int16([-32768, -1, 0, 1, 32767]),
                        np.random.default_rng(1).integers(-32768, 32768, 251)]).astype(np.int16)
    model = single_op_model(opcode, [Tensor(x.shape, np.int16, scales[0]), Tensor(y.shape, np.int16, scales[1])],
                            [Tensor(x.shape, np.int16, scales[2])], *_options(kind, fusedActivationFunction=0))
    _assert_same(_write(tmp_path, model), [x, y], native_build)


@pytest.mark.parametrize("alpha", [0.1, 0.73, -0.4, 2.5])
@pytest.mark.parametrize("dtype", [np.int8, np.int16], ids=["int8", "int16"])
def test_leaky_relu_every_input(alpha, dtype, tmp_path, native_build):
    x = INT8_ALL if dtype == np.int8 else INT16_ALL
    zero_points = (-5, 12) if dtype == np.int8 else (0, 0)
    scales = (0.05, 0.03) if dtype == np.int8 else (3e-4, 2e-4)
    model = single_op_model(OP.LEAKY_RELU, [Tensor(x.shape, dtype, scales[0], zero_points[0])],
                            [Tensor(x.shape, dtype, scales[1], zero_points[1])], *_options("LeakyRelu", alpha=alpha))
    _assert_same(_write(tmp_path, model), [x], native_build)


@pytest.mark.parametrize("scales", [(0.05, -10, 0.03, -100), (0.004, 60, 0.002, -128), (0.1, 0, 0.09, 20),
                                    (0.02, 3, 0.1, -120)])
def test_hard_swish_int8_every_input(scales, tmp_path, native_build):
    model = single_op_model(OP.HARD_SWISH, [Tensor((256,), np.int8, scales[0], scales[1])],
                            [Tensor((256,), np.int8, scales[2], scales[3])])
    _assert_same(_write(tmp_path, model), [INT8_ALL], native_build)
