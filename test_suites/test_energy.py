"""Energy per inference: the median over the measured inferences must stay within the model's
[energy] budget_uj (or a @pytest.mark.energy(uj=...) override). Estimated from the counted cycles
and the board's [power] model, or measured with --power-monitor (docs/energy.md)."""

from hil.pytest.suites import assert_energy


def test_energy(hil, hil_model, hil_record, request):
    assert_energy(hil, hil_model, request, hil_record)
