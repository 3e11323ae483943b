"""DETECTION_POSTPROCESS (the custom operator "TFLite_Detection_PostProcess", float32): SSD box
decoding and non-maximum suppression, regular (per class) and fast (best class per box), with
random box counts, classes with and without a background class, detection limits and
thresholds; the options are a flexbuffer map as the converter writes them. Written with the
schema's object API (opgen/flatbuffer.py); float32, held to the float tolerance. Anchors have
positive sizes, so every decoded box is valid (TFLM fails an invoke on an empty box). TFLM's
fast NMS fills only the slots it selects (the others hold uninitialized memory), so here it
suppresses nothing (IoU threshold 1), keeps every score and selects at most the box count:
every slot is written and the outputs compare whole. Fast NMS with suppression is compared
slot by slot up to the count in tests/test_detection_postprocess.py."""

import numpy as np
from flatbuffers import flexbuffers

from . import generator
from .flatbuffer import Tensor, single_op_model


def _model(rng: np.random.Generator, regular: bool) -> bytes:
    boxes, classes = int(rng.integers(4, 40)), int(rng.integers(1, 6))
    background = int(rng.integers(0, 2))
    max_det = int(rng.integers(1, min(boxes, 10) + 1))
    options = {"max_detections": max_det, "max_classes_per_detection": 1, "num_classes": classes,
               "nms_score_threshold": float(rng.uniform(-0.5, 0.2)) if regular else -10.0,
               "nms_iou_threshold": float(rng.uniform(0.2, 0.8)) if regular else 1.0, "y_scale": 10.0, "x_scale": 10.0,
               "h_scale": 5.0, "w_scale": 5.0, "use_regular_nms": regular,
               "detections_per_class": int(rng.integers(1, 8))}
    anchors = np.concatenate([rng.uniform(0.1, 0.9, (boxes, 2)), rng.uniform(0.05, 0.4, (boxes, 2))], axis=1)
    return single_op_model(
        0,
        [Tensor((1, boxes, 4), np.float32), Tensor((1, boxes, classes + background), np.float32),
         Tensor((boxes, 4), np.float32, data=anchors.astype(np.float32))],
        [Tensor((1, max_det, 4), np.float32), Tensor((1, max_det), np.float32), Tensor((1, max_det), np.float32),
         Tensor((1,), np.float32)],
        custom=("TFLite_Detection_PostProcess", flexbuffers.Dumps(options)))


@generator("TFLite_Detection_PostProcess", quant="none", written=True)
def detection_regular_nms(rng: np.random.Generator) -> bytes:
    return _model(rng, regular=True)


@generator("TFLite_Detection_PostProcess", quant="none", written=True)
def detection_fast_nms(rng: np.random.Generator) -> bytes:
    return _model(rng, regular=False)
