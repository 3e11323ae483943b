"""Parity: the target's outputs equal the host TFLM reference, vector by vector
(0 LSB by default; a model's config may allow more). On a failure the vector is rerun on a
debug firmware to name the first operator whose output differs (hil/verdicts/divergence.py)."""

from hil.pytest.suites import assert_parity


def test_parity(hil, hil_model, hil_vector, hil_record):
    assert_parity(hil, hil_model, hil_vector, hil_record)
