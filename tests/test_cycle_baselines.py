"""hil.verdicts.baselines without a target: where baselines live, their file format, the
regression and improvement verdicts at their boundaries, and how grown operators are ranked
and named in the failure message."""

import json

import pytest

from hil import paths
from hil.verdicts import baselines
from hil.verdicts.baselines import compare


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)
    return tmp_path


def test_baseline_path_is_board_engine_model_json(repo):
    assert baselines.baseline_path("qemu", "builtin", "hello_world") == repo / "baselines/qemu/builtin/hello_world.json"


def test_saved_baseline_is_sorted_indented_json_and_loads_back(repo):
    data = {"cycles": 1200, "board": "qemu", "per_op": [{"index": 0, "op": "ADD", "cycles": 900}]}
    path = baselines.save_baseline("qemu", "tflm", "m", data)
    assert path == repo / "baselines/qemu/tflm/m.json"
    assert path.read_text() == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert path.read_text().startswith('{\n  "board": "qemu",\n  "cycles": 1200,')
    assert baselines.load_baseline("qemu", "tflm", "m") == data
    baselines.save_baseline("qemu", "tflm", "m", {**data, "cycles": 1300})  # --update-baselines rewrites
    assert baselines.load_baseline("qemu", "tflm", "m")["cycles"] == 1300


def test_missing_baseline_loads_as_none(repo):
    assert baselines.load_baseline("qemu", "builtin", "never_measured") is None


@pytest.mark.parametrize("current, regressed, improved", [
    (1000, False, False),   # unchanged
    (999, False, True),     # faster: reported, never a failure
    (1250, False, False),   # exactly at the 25% tolerance: allowed
    (1251, True, False),
])
def test_regression_and_improvement_at_their_boundaries(current, regressed, improved):
    comparison = compare({"cycles": 1000}, current, [], 0.25)
    assert (comparison.regressed, comparison.improved) == (regressed, improved)
    assert comparison.change == pytest.approx((current - 1000) / 1000)


def test_change_against_a_zero_baseline_is_zero():
    assert compare({"cycles": 0}, 500, [], 0.02).change == 0.0


def _op(index: int, op: str, cycles: int) -> dict:
    return {"index": index, "op": op, "cycles": cycles}


def test_grown_operators_are_ranked_by_absolute_growth():
    baseline = {"cycles": 10_000, "per_op": [_op(0, "CONV_2D", 1000), _op(1, "ADD", 100),
                                             _op(2, "FULLY_CONNECTED", 5000), _op(3, "SOFTMAX", 70),
                                             _op(5, "MUL", 300)]}
    current = [_op(4, "RESHAPE", 50),      # not in the baseline: nothing to compare
               _op(3, "SOFTMAX", 70),      # unchanged: not grown
               _op(5, "MUL", 200),         # faster: not grown
               _op(2, "FULLY_CONNECTED", 5100), _op(1, "ADD", 400), _op(0, "CONV_2D", 1600)]
    comparison = compare(baseline, 11_000, current, 0.02)
    assert comparison.grown_ops == [(0, "CONV_2D", 1000, 1600), (1, "ADD", 100, 400),
                                    (2, "FULLY_CONNECTED", 5000, 5100)]


def test_describe_ops_names_the_top_three_with_their_growth():
    grown = [(0, "CONV_2D", 1000, 1600), (1, "ADD", 100, 400), (2, "FULLY_CONNECTED", 5000, 5100), (5, "MUL", 10, 12)]
    comparison = baselines.CycleComparison(10_000, 11_000, 0.02, grown)
    assert comparison.describe_ops() == ("CONV_2D (op #0) 1,000 -> 1,600 (+60.0%), ADD (op #1) 100 -> 400 (+300.0%), "
                                         "FULLY_CONNECTED (op #2) 5,000 -> 5,100 (+2.0%)")
    assert comparison.describe_ops(top=1) == "CONV_2D (op #0) 1,000 -> 1,600 (+60.0%)"
    from_zero = baselines.CycleComparison(0, 10, 0.02, [(0, "ADD", 0, 10)])
    assert from_zero.describe_ops() == "ADD (op #0) 0 -> 10 (+inf%)"
    assert baselines.CycleComparison(1, 2, 0.02, []).describe_ops() == (
        "no single operator grew (overhead outside operators)")


def test_a_stale_baseline_names_both_image_hashes_by_their_first_12_digits():
    baseline = {"cycles": 100, "cycles_min": 90, "inferences": 4, "image_sha256": "a" * 64}
    current = {"board": "qemu", "cycles": 101, "cycles_min": 90, "inferences": 4, "provenance": "virtual",
               "image_sha256": "b" * 64}
    reason = baselines.stale_reason(baseline, current)
    moved = "and its counts moved (worst case 100 -> 101, best case 90 -> 90)"
    assert f"(sha256 {'a' * 12} -> {'b' * 12}) {moved}" in reason
    unrecorded = baselines.stale_reason({"cycles": 100, "inferences": 4}, current)  # before cycles_min and the hash
    assert "(sha256 not recorded -> bbbbbbbbbbbb)" in unrecorded and "best case 0 -> 90" in unrecorded
    same_image = baselines.stale_reason(baseline, {**current, "image_sha256": "a" * 64})
    assert f"the same firmware image (sha256 {'a' * 12}) counted differently" in same_image


def test_counts_over_another_number_of_inferences_are_never_stale():
    baseline = {"cycles": 100, "cycles_min": 90, "inferences": 4, "image_sha256": "a" * 64}
    for inferences in (3, 5):  # fewer or more vectors than the baseline's: other counts are expected
        current = {"board": "qemu", "cycles": 150, "cycles_min": 80, "inferences": inferences,
                   "provenance": "virtual", "image_sha256": "b" * 64}
        assert baselines.stale_reason(baseline, current) is None
