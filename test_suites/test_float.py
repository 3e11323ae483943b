"""Float parity: each catalog model's float32 and float16-weights conversions on the target
against TFLM's float reference on the host, held to the float tolerance of
hil/verdicts/float_parity.py (|target - host| <= 1e-5 + 1e-4 x |host|): float kernels are not
bit-exact across compilers (fused multiply-add, summation order, libm's expf / tanhf), so this
suite reports max absolute and relative error and ULP distance instead of LSB.

Inputs are the int8 model's vectors dequantized to float32; FLOAT_VECTORS per variant unless
--vectors says otherwise. With --only-model, a variant runs when its own name is given
(--only-model digits_cnn_float32), so selecting an int8 model does not pull its float
conversions into a run. What the engine refuses on the host before building is skipped with
that one-line reason: float models on a board without an FPU (built-in engine), float16-weights
variants under TFLM (its DEQUANTIZE takes no float16 input). On a failure the vector is rerun on the debug
firmware to name the first divergent operator (hil/verdicts/divergence.py)."""

import pytest

from hil.errors import UnsupportedModelError
from hil.harness.tradeoff import float_variants
from hil.model import catalog
from hil.pytest.suites import assert_parity

FLOAT_VECTORS = 3


def pytest_generate_tests(metafunc):
    if "float_model" not in metafunc.fixturenames:
        return
    config = metafunc.config
    only = set(config.getoption("only_model"))
    limit = config.getoption("vectors") or FLOAT_VECTORS
    params = []
    for model in catalog.discover():
        if model.missing_reason:
            continue
        for variant in float_variants(model):
            if only and variant.name not in only:  # --only-model names the variant: digits_cnn_float32
                continue
            count = min(limit, len(model.vectors(limit)))
            params += [pytest.param(variant, i, id=f"{variant.name}-v{i:03d}") for i in range(count)]
    metafunc.parametrize(("float_model", "float_vector"), params)


def test_float_parity(hil, float_model, float_vector, hil_record):
    try:
        hil.check_model(float_model)  # no FPU (built-in engine), or float16 weights under TFLM
    except UnsupportedModelError as exc:
        pytest.skip(exc.one_line())
    assert_parity(hil, float_model, float_vector, hil_record)
