"""Parity: the target's outputs equal the host TFLM reference, vector by vector
(0 LSB by default; a model's config may allow more)."""

import pytest

from hil.errors import HilError
from hil.plugin import fail
from hil.runner import parity_failure_message


def test_parity(hil, hil_model, hil_vector, hil_record):
    try:
        result = hil.run_vector(hil_model, hil_vector)
    except HilError as exc:
        fail(exc)
    hil_record.update(hil.target_record(hil.target(hil_model)), **result.record())
    if not result.parity.within_tolerance:
        pytest.fail(parity_failure_message(hil_model, hil_vector, result), pytrace=False)
