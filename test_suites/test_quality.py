"""Quality: each model's test split on the target, side by side with the float Keras model
(the float outputs committed with the vectors) and the int8 model on the host (TFLM).

Fails when any target output differs from the int8 host output (beyond the model's parity
tolerance); warns, or fails with --quality-strict or `[quality] strict = true`, when the int8
model loses more than the card's `[quality] max_loss` against float. The table goes to the
terminal summary and reports/quality.json.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from hil.errors import ConfigError, HilError
from hil.model.catalog import ModelConfig
from hil.model.reference import TflmReference
from hil.model.vectors import VectorSet, dequantize, load_vectors
from hil.pytest.plugin import fail
from hil.verdicts import quality


def _quality_vectors(model: ModelConfig, table: dict, limit: int | None) -> VectorSet:
    path = model.config_path.parent / table["vectors"] if "vectors" in table else model.vectors_file
    if path is None:
        raise ConfigError(f"{model.name}: [quality] needs a vector file (`vectors`) with labels and float_outputs")
    vectors = load_vectors(path, model.info().input_tensors, limit)
    missing = [k for k in ("float_outputs",) if k not in vectors.extra] + (["labels"] if vectors.labels is None else [])
    if missing:
        raise ConfigError(f"{path} lacks {', '.join(missing)} (rebuild it with `hil models build {model.name}`)")
    if table["task"] == "anomaly" and "x" not in vectors.extra:
        raise ConfigError(f"{path} lacks `x` (the float inputs the anomaly scores compare with)")
    return vectors


def _dequantized(outputs: list[np.ndarray], model: ModelConfig) -> np.ndarray:
    t = model.info().output_tensors[0]
    return dequantize(np.stack(outputs), t.scale, t.zero_point)


def _evaluate(task: str, outputs: np.ndarray, vectors: VectorSet, inputs: np.ndarray, classes: int | None) -> dict:
    return quality.evaluate(task, outputs, vectors.labels, inputs, classes)


def _target_outputs(hil, model: ModelConfig, vectors: VectorSet) -> list[np.ndarray]:
    target = hil.target(model)
    return [hil.infer(target, vector).outputs[0] for vector in vectors.inputs]


def test_quality(hil, hil_model, hil_record, request):
    table = hil_model.extra.get("quality")
    if not table:
        pytest.skip(f"{hil_model.name}: no [quality] table in its model.toml")
    task = table["task"]
    metric = quality.PRIMARY[task][0]
    try:
        vectors = _quality_vectors(hil_model, table, hil.config.vector_limit)
    except HilError as exc:
        fail(exc)
    info = hil_model.info()
    in_t = info.input_tensors[0]
    q_inputs = np.stack([v[0] for v in vectors.inputs])
    classes = int(vectors.extra["float_outputs"][0].size) if task == "classification" else None

    float_m = _evaluate(task, vectors.extra["float_outputs"], vectors, vectors.extra.get("x"), classes)
    ref = TflmReference(hil_model.tflite)
    host = [ref.run(v)[0] for v in vectors.inputs]
    deq_inputs = dequantize(q_inputs, in_t.scale, in_t.zero_point)
    host_m = _evaluate(task, _dequantized(host, hil_model), vectors, deq_inputs, classes)
    row = quality.QualityRow(hil_model.name, task, metric, len(vectors), float_m[metric], host_m[metric],
                             loss=quality.loss_vs_float(task, float_m[metric], host_m[metric]),
                             budget=table.get("max_loss"))
    if task == "classification":
        row.top1_agreement_float_host = float(np.mean(float_m["predictions"] == host_m["predictions"]))

    try:
        target = _target_outputs(hil, hil_model, vectors)
        hil_record.update(hil.target_record(hil.target(hil_model)))
    except HilError as exc:
        row.status = f"target-error: {exc.one_line()}"
        quality.record(row)
        fail(exc)
    target_m = _evaluate(task, _dequantized(target, hil_model), vectors, deq_inputs, classes)
    row.int8_target = target_m[metric]
    rule = hil.target(hil_model).parity
    parities = [rule.compare([t], [h]) for t, h in zip(target, host, strict=True)]
    differing = [i for i, p in enumerate(parities) if not p.within_tolerance]
    row.target_vs_host_mismatches = len(differing)
    if task == "classification":
        row.top1_agreement_target_host = float(np.mean(target_m["predictions"] == host_m["predictions"]))
        row.confusion_target = target_m["confusion"].tolist()
    over = row.budget is not None and row.loss > row.budget
    row.status = "target-differs" if differing else ("over-budget" if over else "ok")
    quality.record(row)
    hil_record.update({"model": hil_model.name, "quality_metric": metric, "quality_float": row.float,
                       "quality_int8_host": row.int8_host, "quality_int8_target": row.int8_target,
                       "quality_loss": row.loss, "quality_vectors": row.vectors,
                       "target_vs_host_mismatches": row.target_vs_host_mismatches})

    if differing:
        first = differing[0]
        pytest.fail(f"[parity] {hil_model.name}: {len(differing)}/{len(vectors)} test vectors differ between the "
                    f"target and the int8 host reference (TFLM); first: vector {first}: "
                    f"{parities[first].message()}", pytrace=False)
    if over:
        message = (f"[quality] {hil_model.name}: int8 {metric} {row.int8_host:.4f} vs float {row.float:.4f}, "
                   f"loss {row.loss:+.4f} exceeds the budget {row.budget:g} ([quality] max_loss)")
        if table.get("strict") or request.config.getoption("quality_strict"):
            pytest.fail(message, pytrace=False)
        warnings.warn(quality.QualityBudgetWarning(message), stacklevel=1)
