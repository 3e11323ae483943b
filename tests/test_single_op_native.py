"""Generated single-operator models through the built-in engine on the host vs TFLM: integer
models bit-exact, float32 models (generators with quant "none" and float tensors) within the
float tolerance of hil/verdicts/float_parity.py on the build with float kernels.

`--opgen-seeds N` runs N seeds per generator (default 3 in CI; more finds more)."""

import opgen
import pytest
from native import NativeRefusal, build_native, run_native

from hil.engines.table import float_ops
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.verdicts.float_parity import compare_float
from hil.verdicts.parity import compare_outputs


def pytest_generate_tests(metafunc):
    if "op_case" in metafunc.fixturenames:
        seeds = range(metafunc.config.getoption("opgen_seeds"))
        all_cases = opgen.cases(seeds=seeds)
        metafunc.parametrize("op_case", all_cases, ids=[c.id for c in all_cases])


def test_single_op_bit_exact_natively(op_case):
    info = load_model(op_case.tflite)
    vectors = op_case.vectors(8, seed=op_case.seed)
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    is_float = bool(float_ops(info))
    try:
        got = run_native(op_case.tflite, vectors, specs, build_native(("HIL_FLOAT_KERNELS",) if is_float else ()))
    except NativeRefusal as exc:
        pytest.fail(f"engine refused {op_case.id}: {exc}")
    ref = TflmReference(op_case.tflite)
    for i, vector in enumerate(vectors):
        expected = ref.run(vector)
        parity = compare_float(got[i], expected) if is_float else compare_outputs(got[i], expected)
        ok = parity.within_tolerance if is_float else parity.exact
        assert ok, f"{op_case.id} vector {i} ({info.op_histogram()}): {parity.message()}"
    assert sum(a.size for vector in got for a in vector) > 0  # outputs may differ in shape
