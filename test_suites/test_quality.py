"""Quality: each model's test split on the target, side by side with the float Keras model
(the float outputs committed with the vectors) and the int8 model on the host (TFLM).

Fails when any target output differs from the int8 host output (beyond the model's parity
tolerance); warns, or fails with --quality-strict or `[quality] strict = true`, when the int8
model loses more than the card's `[quality] max_loss` against float. The table goes to the
terminal summary and reports/quality.json.
"""

from hil.pytest.suites import assert_quality


def test_quality(hil, hil_model, hil_record, request):
    assert_quality(hil, hil_model, request, hil_record)
