"""Generated single-operator models on the target (QEMU Cortex-M4, the real firmware) against
TFLM: one seed per generator in CI (`--opgen-target-seeds N` for more). The same models run
natively with more seeds in test_single_op_native.py. Integer models must match bit for bit
(the ad-hoc models' tolerance is 0 LSB), float models within the float tolerance."""

import opgen
import pytest

from hil.boards import find_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog

VECTORS = 4


def pytest_generate_tests(metafunc):
    if "op_case" in metafunc.fixturenames:
        seeds = range(metafunc.config.getoption("opgen_target_seeds"))
        cases = opgen.cases(seeds=seeds)
        metafunc.parametrize("op_case", cases, ids=[c.id for c in cases])


@pytest.fixture(scope="module")
def harness():
    h = Harness(HarnessConfig(find_profile("qemu"), vector_limit=VECTORS))
    yield h
    h.close()


def test_single_op_bit_exact_on_target(op_case, harness):
    op_case.write_vectors(VECTORS, seed=op_case.seed)  # bounded inputs (indices, LOG's domain) as natively
    model = catalog.adhoc(op_case.tflite, vectors=VECTORS, seed=op_case.seed)
    results = [harness.run_vector(model, i) for i in range(VECTORS)]
    harness.discard(model)  # one emulator at a time: each case has its own firmware
    for i, result in enumerate(results):  # float models: the runner's float tolerance (verdicts/float_parity.py)
        assert result.parity.within_tolerance, f"{op_case.id} vector {i}: {result.parity.message()}"
