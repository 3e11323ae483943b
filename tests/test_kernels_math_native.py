"""Elementwise arithmetic and activation kernels beyond int8 (ops-math: SUB, LEAKY_RELU,
HARD_SWISH, int16 ADD / SUB / MUL / LOGISTIC / TANH / SOFTMAX / RELU / RELU6, int32 ADD / SUB /
MUL, QUANTIZE and DEQUANTIZE pairs) on the host (ASan + UBSan) against the TFLM interpreter of
the tflite-micro wheel, beyond the seeded generators of test_single_op_native.py: the lookup
tables the int16 kernels interpolate, whole int16 input ranges, every integer pair QUANTIZE
requantizes between, and models TFLM refuses, which the engine must refuse too."""

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
