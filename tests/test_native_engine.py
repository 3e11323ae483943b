"""The built-in engine compiled for the host (ASan + UBSan) against the TFLM interpreter."""

import subprocess

import numpy as np
import pytest
from native import build_native, run_native

from hil.model import catalog
from hil.model.pipeline import PipelineReference
from hil.model.reference import TflmReference
from hil.verdicts.parity import compare_outputs


@pytest.fixture(scope="module")
def native_build():
    return build_native()


def test_c_unit_tests_pass(native_build):
    result = subprocess.run(["ctest", "--output-on-failure"], cwd=native_build, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize("model", [m for m in catalog.discover() if not m.missing_reason], ids=lambda m: m.name)
def test_catalog_model_bit_exact_natively(model, native_build):
    info = model.info()
    vectors = model.vectors(limit=20).inputs
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    got = run_native(model.tflite, vectors, specs, native_build)  # state (if any) carried over every vector
    ref = PipelineReference(info, TflmReference) if info.pipeline else TflmReference(model.tflite)
    for i, vector in enumerate(vectors):
        parity = compare_outputs(got[i], ref.run(vector))
        assert parity.exact, f"vector {i}: {parity.message()}"


def test_broken_rounding_build_is_detected():
    """The test-only defect changes outputs natively too, so this comparison can fail."""
    model = next(m for m in catalog.discover() if m.name == "hello_world")
    info = model.info()
    vectors = model.vectors().inputs
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    got = run_native(model.tflite, vectors, specs, build_native(("HIL_TEST_BREAK_ROUNDING",)))
    ref = TflmReference(model.tflite)
    assert any(not np.array_equal(g[0], ref.run(v)[0]) for g, v in zip(got, vectors, strict=True))
