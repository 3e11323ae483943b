"""Parity over every output of a model: a difference in any output fails, and the message
names the output that holds it (models with two heads of different types)."""

from types import SimpleNamespace

import numpy as np
import pytest

from hil.verdicts.float_parity import FloatParity, compare_float
from hil.verdicts.parity import Parity, ParityRule, compare_outputs


def _two_heads():
    scores = np.array([[12, -7, 30]], np.int8)
    boxes = np.array([[100, -2000, 31000, 5]], np.int16)
    return [scores, boxes]


def test_identical_outputs_of_two_heads_match_exactly():
    parity = compare_outputs(_two_heads(), _two_heads())
    assert parity.exact and parity.elements == 7 and parity.output_index == -1


def test_a_difference_in_the_second_output_fails_parity_and_is_named():
    target, reference = _two_heads(), _two_heads()
    target[1][0, 2] += 3
    parity = compare_outputs(target, reference, tolerance_lsb=1)
    assert not parity.exact and not parity.within_tolerance and parity.mismatches == 1
    assert parity.output_index == 1 and parity.first_index == (0, 2) and parity.max_abs_diff == 3
    assert "first at output 1 index [0, 2]: target 31003, reference 31000" in parity.message()


def test_an_argmax_change_in_the_second_head_is_not_top1_agreement():
    target, reference = _two_heads(), _two_heads()
    target[1][0, 0] = 32000
    assert not compare_outputs(target, reference).top1_agree


def test_rmse_and_cosine_are_over_every_element_of_every_output():
    target = [np.array([3, 0], np.int8), np.array([0, 4], np.int16)]
    reference = [np.array([0, 0], np.int8), np.array([0, 0], np.int16)]
    parity = compare_outputs(target, reference, tolerance_lsb=4)
    assert parity.rmse == 2.5  # sqrt((9 + 16) / 4)
    assert parity.max_abs_diff == 4 and parity.within_tolerance  # the tolerance itself is allowed
    assert not compare_outputs(target, reference, tolerance_lsb=3.5).within_tolerance
    assert parity.cosine == 0.0  # one side all zero, the other not
    assert compare_outputs(reference, reference).cosine == 1.0  # both all zero: identical
    same_direction = compare_outputs([np.array([2, 4], np.int16)], [np.array([1, 2], np.int16)])
    assert same_direction.cosine == pytest.approx(1.0) and same_direction.mismatches == 2
    orthogonal = compare_outputs([np.array([1, 0], np.int16)], [np.array([0, 1], np.int16)])
    assert orthogonal.cosine == 0.0 and orthogonal.max_abs_diff == 1


def test_a_sub_lsb_float_difference_counts_as_a_mismatch_of_one_lsb():
    parity = compare_outputs([np.array([0.25], np.float32)], [np.array([0.0], np.float32)])
    assert parity.mismatches == 1 and parity.max_abs_diff == 1.0 and not parity.exact


def test_integers_beyond_float_precision_are_compared_as_integers():
    big = np.array([2**60, 2**60 + 1], np.int64)
    parity = compare_outputs([big], [np.array([2**60 + 1, 2**60 + 1], np.int64)])
    assert parity.mismatches == 1 and parity.first_index == (0,)


def test_metrics_and_messages_of_a_match():
    parity = compare_outputs(_two_heads(), _two_heads())
    assert parity.message() == "outputs match exactly"
    assert parity.metrics() == {"exact": True, "max_abs_diff_lsb": 0.0, "mismatches": 0, "rmse": 0.0,
                                "cosine": pytest.approx(1.0), "top1_agree": True}


def test_outputs_of_different_counts_or_shapes_are_refused():
    with pytest.raises(ValueError, match="target has 1 outputs, reference 2"):
        compare_outputs(_two_heads()[:1], _two_heads())
    with pytest.raises(ValueError, match="output 1: target shape"):
        compare_outputs([_two_heads()[0], np.zeros((1, 3), np.int16)], _two_heads())


def test_more_target_outputs_or_a_larger_shape_are_refused_by_name():
    with pytest.raises(ValueError, match="target has 2 outputs, reference 1"):
        compare_outputs(_two_heads(), _two_heads()[:1])
    with pytest.raises(ValueError, match=r"output 0: target shape \(1, 4\) != reference \(1, 3\)"):
        compare_outputs([np.zeros((1, 4), np.int8)], [np.zeros((1, 3), np.int8)])


def test_default_tolerance_is_bit_exact():
    parity = compare_outputs([np.array([5], np.int8)], [np.array([4], np.int8)])
    assert parity.tolerance_lsb == 0 and not parity.within_tolerance


def test_differences_below_the_tolerance_are_within_it():
    parity = compare_outputs([np.array([5, 0], np.int8)], [np.array([1, 0], np.int8)], tolerance_lsb=5)
    assert parity.within_tolerance and not parity.exact and parity.max_abs_diff == 4


def test_top1_disagrees_whichever_side_has_the_later_argmax():
    later, earlier = [np.array([1, 5], np.int8)], [np.array([5, 1], np.int8)]
    assert not compare_outputs(later, earlier).top1_agree
    assert not compare_outputs(earlier, later).top1_agree


def test_identical_float_outputs_match_exactly():
    values = [np.array([0.0, -1.5, 2.25], np.float32)]
    parity = compare_outputs(values, [v.copy() for v in values])
    assert parity.exact and parity.mismatches == 0 and parity.max_abs_diff == 0.0


def test_empty_outputs_match_with_zero_error():
    parity = compare_outputs([np.zeros(0, np.int8)], [np.zeros(0, np.int8)])
    assert parity.exact and parity.elements == 0 and parity.rmse == 0.0 and parity.cosine == 1.0
    assert parity.max_abs_diff == 0.0


def test_cosine_is_zero_when_only_the_target_is_all_zero():
    assert compare_outputs([np.array([0, 0], np.int8)], [np.array([3, 4], np.int8)]).cosine == 0.0


def test_the_first_difference_is_the_earliest_of_several():
    parity = compare_outputs([np.array([1, 9, 8, 7], np.int8)], [np.array([1, 2, 3, 4], np.int8)])
    assert parity.first_index == (1,) and parity.target_value == 9 and parity.mismatches == 3


def test_the_rule_is_float_when_any_output_is_float():
    outputs = [SimpleNamespace(np_dtype=np.int8), SimpleNamespace(np_dtype=np.float32)]
    assert ParityRule.for_outputs(outputs) == ParityRule(True, 0)
    assert ParityRule.for_outputs(outputs[:1], 2) == ParityRule(False, 2)
    assert ParityRule.for_outputs(outputs[:1]).tolerance_lsb == 0  # bit-exact unless asked otherwise


def test_the_rule_sends_float_outputs_to_the_float_comparison_and_integers_here():
    floats, ints = [np.array([1.0, 2.0], np.float32)], [np.array([1, 2], np.int8)]
    assert isinstance(ParityRule(True).compare(floats, floats), FloatParity)
    assert isinstance(ParityRule(False).compare(ints, ints), Parity)
    assert ParityRule(False) == ParityRule(False, 0)
    assert {ParityRule(False): "one rule per target"}[ParityRule(False, 0)]  # a hashable value


def test_nan_on_one_side_is_a_mismatch_and_on_both_sides_agrees():
    """A NaN compares false with every tolerance: without care it reads as a match."""
    nan, inf = float("nan"), float("inf")
    reference = [np.array([1.0, nan, inf, -inf], np.float32)]
    assert compare_outputs([reference[0].copy()], reference).exact
    assert compare_float([reference[0].copy()], reference).within_tolerance
    for bad in ([1.0, 0.0, inf, -inf], [nan, nan, inf, -inf], [1.0, nan, -inf, -inf]):
        target = [np.array(bad, np.float32)]
        parity = compare_outputs(target, reference, tolerance_lsb=1e9)
        assert not parity.within_tolerance and parity.mismatches == 1, (bad, parity)
        assert not compare_float(target, reference).within_tolerance, bad
