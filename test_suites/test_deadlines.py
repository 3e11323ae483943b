"""Hard real-time deadlines: the worst case over every vector and repetition must meet the
model's [timing] deadline_us / max_cycles (or a @pytest.mark.deadline override)."""

from hil.pytest.suites import assert_deadline


def test_deadline(hil, hil_model, hil_record, request):
    assert_deadline(hil, hil_model, request, hil_record)
