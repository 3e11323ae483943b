"""Cycle counts against the committed baselines (baselines/<board>/<engine>/<model>.json).
A regression beyond the model's tolerance fails and names the operators that grew most;
improvements are reported. `--update-baselines` rewrites the baselines."""

from hil.pytest.suites import assert_cycles_baseline


def test_cycles(hil, hil_model, hil_record, request):
    assert_cycles_baseline(hil, hil_model, request, hil_record)
