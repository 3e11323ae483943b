"""Parity over every output of a model: a difference in any output fails, and the message
names the output that holds it (models with two heads of different types)."""

import numpy as np

from hil.verdicts.parity import compare_outputs


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
