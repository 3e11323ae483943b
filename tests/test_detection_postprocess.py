"""DETECTION_POSTPROCESS where the float suite cannot compare whole outputs: fast NMS that
suppresses boxes fills fewer slots than max_detections, and TFLM leaves the other slots as they
were (uninitialized memory; the engine zeroes them). Here boxes crowd around a few anchors so
that suppression happens, and the engine's count, and every slot up to it, must equal TFLM's
(natively, float kernels, ASan/UBSan). Also: the custom operator's options are read from its
flexbuffer (a model without a required key is refused in one line, on the host and in the
engine alike)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from flatbuffers import flexbuffers
from native import NativeRefusal, build_native, run_native
from opgen.flatbuffer import Tensor, single_op_model

from hil.boards import find_profile
from hil.engines.oracle import refusal
from hil.model.reference import TflmReference
from hil.model.tflite import load_model

OPTIONS = {"max_detections": 10, "max_classes_per_detection": 1, "num_classes": 3, "nms_score_threshold": 0.2,
           "nms_iou_threshold": 0.4, "y_scale": 10.0, "x_scale": 10.0, "h_scale": 5.0, "w_scale": 5.0}


def crowded_model(path: Path, options: dict, boxes: int = 24, classes: int = 3, seed: int = 0) -> Path:
    """Anchors of one size in three clusters: neighbours overlap, so NMS keeps about one box per
    cluster (and class), fewer than max_detections."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.2, 0.8, (3, 2))[rng.integers(0, 3, boxes)] + rng.normal(0, 0.01, (boxes, 2))
    anchors = np.concatenate([centres, np.full((boxes, 2), 0.2)], axis=1).astype(np.float32)
    det = options["max_detections"]
    path.write_bytes(single_op_model(
        0,
        [Tensor((1, boxes, 4), np.float32), Tensor((1, boxes, classes + 1), np.float32),
         Tensor((boxes, 4), np.float32, data=anchors)],
        [Tensor((1, det, 4), np.float32), Tensor((1, det), np.float32), Tensor((1, det), np.float32),
         Tensor((1,), np.float32)],
        custom=("TFLite_Detection_PostProcess", flexbuffers.Dumps(options))))
    return path


@pytest.fixture(scope="module")
def float_build() -> Path:
    return build_native(("HIL_FLOAT_KERNELS",))


@pytest.mark.parametrize("regular", [False, True], ids=["fast", "regular"])
def test_suppressing_nms_matches_tflm_up_to_the_count(regular, float_build, tmp_path):
    model = crowded_model(tmp_path / "dpp.tflite", {**OPTIONS, "use_regular_nms": regular})
    info = load_model(model)
    rng = np.random.default_rng(1)
    vectors = [[rng.normal(0, 0.1, (1, 24, 4)).astype(np.float32), rng.uniform(0, 1, (1, 24, 4)).astype(np.float32)]
               for _ in range(8)]
    got = run_native(model, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], float_build)
    reference = TflmReference(model)
    suppressed = 0
    for i, vector in enumerate(vectors):
        want = reference.run(vector)
        count = int(want[3][0])
        assert got[i][3][0] == count, f"vector {i}: count {got[i][3][0]} vs TFLM {count}"
        suppressed += count < OPTIONS["max_detections"]
        for out in range(3):  # boxes, classes, scores: the slots TFLM wrote
            np.testing.assert_array_equal(got[i][out][0, :count], want[out][0, :count], err_msg=f"vector {i}")
    assert suppressed, "no vector had boxes suppressed: the test would not exercise the partial outputs"


def test_missing_option_is_refused_on_host_and_engine(float_build, tmp_path):
    options = {k: v for k, v in OPTIONS.items() if k != "num_classes"}
    model = crowded_model(tmp_path / "no_classes.tflite", options)
    info = load_model(model)
    message = "TFLite_Detection_PostProcess (op #0): custom options lack a required key"
    with pytest.raises(NativeRefusal) as refused:
        run_native(model, [[np.zeros((1, 24, 4), np.float32), np.zeros((1, 24, 4), np.float32)]],
                   [(t.shape, t.np_dtype) for t in info.output_tensors], float_build)
    assert str(refused.value) == message
    assert refusal(info, find_profile("qemu")) == message
