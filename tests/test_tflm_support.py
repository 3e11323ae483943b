"""What TFLM itself cannot run is refused on the host before building (hil/engines/tflm_support.py):
float16-weights models, whose DEQUANTIZE takes float16 input (TFLM 90b983c2 fails them in
AllocateTensors on the target). Their float32 and int8 siblings are not refused."""

from __future__ import annotations

import pytest

from hil import paths
from hil.boards import find_profile
from hil.engines.oracle import check_supported
from hil.engines.tflm_support import refusal
from hil.errors import UnsupportedModelError
from hil.model.tflite import load_model

DIGITS = paths.models_dir() / "digits_cnn"


def test_float16_weights_are_refused_for_tflm_in_one_line():
    with pytest.raises(UnsupportedModelError) as info:
        check_supported(load_model(DIGITS / "digits_cnn_fp16.tflite"), find_profile("qemu"), "tflm")
    line = info.value.one_line()
    assert "\n" not in line and "the tflm engine cannot run this model" in line
    assert "DEQUANTIZE at op #0" in line and "not float16" in line and "Nothing was built" in line


@pytest.mark.parametrize("name", ["digits_cnn.tflite", "digits_cnn_float32.tflite"])
def test_int8_and_float32_models_are_left_to_tflm(name):
    assert refusal(load_model(DIGITS / name)) is None
    check_supported(load_model(DIGITS / name), find_profile("qemu"), "tflm")

