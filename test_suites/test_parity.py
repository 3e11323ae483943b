"""Parity: the target's outputs equal the host TFLM reference, vector by vector
(0 LSB by default; a model's config may allow more). On a failure the vector is rerun on a
debug firmware to name the first operator whose output differs (hil/verdicts/divergence.py)."""

import pytest

from hil.errors import HilError
from hil.harness.runner import parity_failure_message
from hil.pytest.plugin import fail
from hil.verdicts.divergence import explain_parity_failure


def test_parity(hil, hil_model, hil_vector, hil_record):
    try:
        result = hil.run_vector(hil_model, hil_vector)
    except HilError as exc:
        fail(exc, hil_record)
    hil_record.update(hil.target_record(hil.target(hil_model)), **result.record())
    if not result.parity.within_tolerance:
        divergence = explain_parity_failure(hil, hil_model, hil_vector)
        hil_record["divergence"] = divergence.record()
        pytest.fail(f"{parity_failure_message(hil_model, hil_vector, result)}; {divergence.message()}", pytrace=False)
