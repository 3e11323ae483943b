"""Assertions for HIL suites, one per check (parity, footprint, quality, deadlines, cycles,
energy): test_suites/ calls them, and users' own pytest files can too:

    from hil.pytest.suites import assert_deadline
    @pytest.mark.deadline(us=500)
    def test_my_latency(hil, request):
        assert_deadline(hil, catalog.adhoc("my.tflite"), request)

Each takes the test's hil_record (`record`) and fills it before it can fail, so a failure keeps
what was measured.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from hil.errors import Category, ConfigError, HilError
from hil.harness.runner import Harness, ModelTiming, VectorResult, parity_failure_message, ram_text
from hil.model.catalog import ModelConfig
from hil.model.reference import TflmReference
from hil.model.vectors import VectorSet, dequantize, load_vectors
from hil.pytest.plugin import fail, summary_line
from hil.results.fields import Field
from hil.units import bytes_text
from hil.verdicts import quality, training_parity
from hil.verdicts.baselines import compare, load_baseline, save_baseline, stale_reason
from hil.verdicts.energy import EnergyStats, budget_failure, energy_text
from hil.verdicts.stage_divergence import explain_failure
from hil.verdicts.timing import deadline_failure, deadline_margin


def _fail(category: Category, text: str) -> None:
    fail(HilError(text, category))


def measure(hil: Harness, model: ModelConfig, request: pytest.FixtureRequest,
            record: dict | None = None) -> ModelTiming:
    try:
        return hil.timing(model, repeat=request.config.getoption("timing_repeat"))
    except HilError as exc:
        fail(exc, record)
        raise  # unreachable: pytest.fail raises


def deadline_limits(model: ModelConfig, request: pytest.FixtureRequest) -> tuple[float | None, int | None]:
    """The test's deadline marker if any, else the model's [timing] config."""
    marker = request.node.get_closest_marker("deadline")
    if marker is not None:
        return marker.kwargs.get("us"), marker.kwargs.get("max_cycles")
    return model.deadline_us, model.max_cycles


def assert_deadline(hil: Harness, model: ModelConfig, request: pytest.FixtureRequest,
                    record: dict | None = None) -> ModelTiming:
    """Fails unless the worst case over every vector and repetition meets the limits; `record`
    (the test's hil_record) receives the measurements first, so a failure keeps them."""
    deadline_us, max_cycles = deadline_limits(model, request)
    if deadline_us is None and max_cycles is None:
        pytest.skip(f"{model.name}: no deadline_us or max_cycles in [timing] of its model.toml or a deadline marker")
    timing = measure(hil, model, request, record)
    try:
        stats = timing.checked(hil.deadline_clock)  # virtual (or silicon) cycles, or the part's estimate
    except HilError as exc:
        fail(exc, record)
        raise  # unreachable: pytest.fail raises
    if record is not None:
        record.update({**timing.record(), Field.DEADLINE_US: deadline_us, Field.MAX_CYCLES: max_cycles,
                       Field.DEADLINE_CLOCK: stats.clock.provenance})
    message = deadline_failure(stats, deadline_us, max_cycles)
    limit = deadline_margin(stats, deadline_us) if deadline_us is not None else f"max_cycles {max_cycles:,}"
    summary_line(request.config, "deadlines", f"{model.name:<24} {stats.summary()}; {limit}")
    if message:
        _fail(Category.DEADLINE, f"{model.name} on {hil.profile.name}: {message}")
    return timing


def assert_cycles_baseline(hil: Harness, model: ModelConfig, request: pytest.FixtureRequest,
                           record: dict) -> ModelTiming:
    """Fails when the worst case exceeds the committed baseline by more than the tolerance."""
    timing = measure(hil, model, request, record)
    record.update(timing.record())
    board, engine, stats = hil.profile.name, hil.engine.name, timing.stats
    macs = timing.target.get("macs") or model.info().total_macs
    current = {Field.BOARD: board, Field.ENGINE: engine, Field.MODEL: model.name,
               Field.MODEL_SHA256: timing.target[Field.MODEL_SHA256], Field.CYCLES: stats.wcet,
               Field.CYCLES_MIN: stats.bcet, Field.PROVENANCE: stats.clock.provenance,
               Field.IMAGE_SHA256: timing.target[Field.IMAGE_SHA256], Field.INFERENCES: len(stats.samples),
               Field.MACS: macs,
               Field.PER_OP: [{k: op[k] for k in ("index", "op", "cycles", "macs")} for op in timing.per_op]}
    record[Field.CYCLES_PER_MAC] = stats.wcet / macs if macs else None
    if request.config.getoption("update_baselines"):
        path = save_baseline(board, engine, model.name, current)
        summary_line(request.config, "cycle baselines", f"{model.name:<24} updated {path}")
        return timing
    baseline = load_baseline(board, engine, model.name)
    if baseline is None:
        pytest.skip(f"no cycle baseline for {model.name} on {board}/{engine}: "
                    f"run with --update-baselines and commit it")
    if baseline.get("model_sha256") != current["model_sha256"]:
        _fail(Category.CYCLES, f"{model.name}: the baseline was recorded for another version of the model "
                               f"(sha256 {baseline.get('model_sha256', '?')[:12]}): rerun with --update-baselines")
    result = compare(baseline, stats.wcet, timing.per_op, model.cycles_tolerance)
    record.update({Field.BASELINE_CYCLES: result.baseline, Field.CYCLES_CHANGE: result.change})
    per_mac = f", {stats.wcet / macs:.2f} cycles/MAC" if macs else ""
    line = (f"{model.name:<24} {stats.wcet:,} cycles vs baseline {result.baseline:,} ({result.change:+.2%})"
            f"{per_mac} [{stats.clock.provenance}]")
    summary_line(request.config, "cycles", line + (" IMPROVED: update the baseline" if result.improved else ""))
    if result.regressed:
        _fail(Category.CYCLES, f"{model.name} on {board}/{engine}: worst case {stats.wcet:,} cycles, baseline "
                               f"{result.baseline:,} ({result.change:+.2%}, tolerance {result.tolerance:.1%}) "
                               f"[{stats.clock.provenance}]; grew most: {result.describe_ops()}")
    stale = stale_reason(baseline, current)
    if stale:
        _fail(Category.CYCLES, f"{model.name} on {board}/{engine}: stale cycle baseline: {stale}")
    return timing


def energy_budget(model: ModelConfig, request: pytest.FixtureRequest) -> float | None:
    """The test's energy marker if any, else the model's [energy] budget_uj."""
    marker = request.node.get_closest_marker("energy")
    if marker is not None:
        return marker.kwargs.get("uj")
    return model.energy_budget_uj


def assert_energy(hil: Harness, model: ModelConfig, request: pytest.FixtureRequest,
                  record: dict | None = None) -> EnergyStats:
    """Fails when the median energy per inference exceeds the budget; measured when a power
    monitor is attached (--power-monitor), else estimated from the board's [power] model. The
    failure message says which."""
    budget = energy_budget(model, request)
    if budget is None:
        pytest.skip(f"{model.name}: no budget_uj in [energy] of its model.toml or an energy marker")
    try:
        stats = hil.energy(model, repeat=request.config.getoption("timing_repeat"))
    except HilError as exc:
        fail(exc, record)
        raise
    if stats is None:
        pytest.skip(f"{hil.profile.name} has no [power] model and no power monitor is attached (--power-monitor): "
                    f"add [power] to the board profile (docs/energy.md)")
    if record is not None:
        record.update({**stats.record(), Field.ENERGY_BUDGET_UJ: budget})
    summary_line(request.config, "energy", f"{model.name:<24} {stats.summary()}; budget {energy_text(budget)}")
    message = budget_failure(stats, budget)
    if message:
        _fail(Category.ENERGY, f"{model.name} on {hil.profile.name}: {message}")
    return stats


# ---- parity, footprint, quality ----


def assert_parity(hil: Harness, model: ModelConfig, vector: int, record: dict) -> VectorResult:
    """Fails unless vector `vector`'s outputs meet the target's parity rule (integer outputs within
    the model's LSB tolerance, float outputs within the float tolerance); a failure reruns the
    vector on the debug firmware to name the first divergent operator (of a pipeline: in the first
    stage that differs)."""
    try:
        result = hil.run_vector(model, vector)
    except HilError as exc:
        fail(exc, record)
    record.update(hil.target_record(hil.target(model)), **result.record())
    if not result.parity.within_tolerance:
        divergence = explain_failure(hil, model, vector, result)
        record[Field.DIVERGENCE] = divergence.record()
        pytest.fail(f"{parity_failure_message(model, vector, result)}; {divergence.message()}", pytrace=False)
    return result


def assert_training_parity(hil: Harness, model: ModelConfig, record: dict) -> training_parity.TrainingParity:
    """Fails unless the device's frontend (a pipeline's first stage) turns the model's recordings
    into the features its training data had ([training] in model.toml): one line naming each
    setting that differs, how far and where the features differ, and the model's top-1 agreement
    between device and training features. Skipped for a model without [training]."""
    if "training" not in model.extra:
        pytest.skip(f"{model.name}: no [training] in its model.toml (how its training data was preprocessed)")
    try:
        result = training_parity.check(hil, model)
    except HilError as exc:
        fail(exc, record)
    record.update(hil.target_record(hil.target(model)), **result.record())
    if not result.passed:
        _fail(Category.PARITY, result.message())
    return result


def assert_footprint(hil: Harness, model: ModelConfig, request: pytest.FixtureRequest, record: dict) -> dict:
    """Flash, RAM used (static + arena + stack peak after an inference) and arena against the
    model's [budgets]; skipped without budgets, after the figures are recorded and summarised."""
    try:
        hil.run_vector(model, 0)  # the stack's high-water mark counts once an inference has run
        target = hil.target(model)
        figures = {**hil.target_record(target), **hil.ram_record(target)}
    except HilError as exc:
        fail(exc, record)
    record.update(figures)
    summary_line(request.config, "footprint", f"{model.name:<24} flash {bytes_text(figures['flash_bytes'])}, "
                 f"RAM {ram_text(figures)}")
    if not model.budgets:
        pytest.skip(f"{model.name}: no [budgets] in its model.toml")
    over = [f"{key} {figures[key]:,} B > budget {limit:,} B" for key, limit in sorted(model.budgets.items())
            if figures.get(key, 0) > limit]
    if over:
        pytest.fail(f"[footprint] {model.name} on {hil.profile.name}: " + "; ".join(over), pytrace=False)
    return figures


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


def assert_quality(hil: Harness, model: ModelConfig, request: pytest.FixtureRequest,
                   record: dict) -> quality.QualityRow:
    """The model's test split (its [quality] table) on the target beside the float Keras model
    and the int8 model on the host: fails when a target output differs from the host's beyond
    the parity rule; warns, or fails with --quality-strict or `strict = true`, when int8 loses
    more than `max_loss` against float. The row goes to reports/quality.json."""
    table = model.extra.get("quality")
    if not table:
        pytest.skip(f"{model.name}: no [quality] table in its model.toml")
    task = table["task"]
    metric = quality.PRIMARY[task][0]
    try:
        vectors = _quality_vectors(model, table, hil.config.vector_limit)
    except HilError as exc:
        fail(exc)
    in_t = model.info().input_tensors[0]
    classes = int(vectors.extra["float_outputs"][0].size) if task == "classification" else None

    def evaluate(outputs: np.ndarray, inputs: np.ndarray | None) -> dict:
        return quality.evaluate(task, outputs, vectors.labels, inputs, classes)

    float_m = evaluate(vectors.extra["float_outputs"], vectors.extra.get("x"))
    ref = TflmReference(model.tflite)
    host = [ref.run(v)[0] for v in vectors.inputs]
    deq_inputs = dequantize(np.stack([v[0] for v in vectors.inputs]), in_t.scale, in_t.zero_point)
    host_m = evaluate(_dequantized(host, model), deq_inputs)
    row = quality.QualityRow(model.name, task, metric, len(vectors), float_m[metric], host_m[metric],
                             loss=quality.loss_vs_float(task, float_m[metric], host_m[metric]),
                             budget=table.get("max_loss"))
    if task == "classification":
        row.top1_agreement_float_host = float(np.mean(float_m["predictions"] == host_m["predictions"]))

    try:
        target = hil.target(model)
        outputs = [hil.infer(target, vector).outputs[0] for vector in vectors.inputs]
        record.update(hil.target_record(target))
    except HilError as exc:
        row.status = f"target-error: {exc.one_line()}"
        quality.record(row)
        fail(exc)
    target_m = evaluate(_dequantized(outputs, model), deq_inputs)
    row.int8_target = target_m[metric]
    parities = [target.compare([t], [h]) for t, h in zip(outputs, host, strict=True)]
    differing = [i for i, p in enumerate(parities) if not p.within_tolerance]
    row.target_vs_host_mismatches = len(differing)
    if task == "classification":
        row.top1_agreement_target_host = float(np.mean(target_m["predictions"] == host_m["predictions"]))
        row.confusion_target = target_m["confusion"].tolist()
    over = row.budget is not None and row.loss > row.budget
    row.status = "target-differs" if differing else ("over-budget" if over else "ok")
    quality.record(row)
    record.update({Field.MODEL: model.name, "quality_metric": metric, "quality_float": row.float,
                   "quality_int8_host": row.int8_host, "quality_int8_target": row.int8_target,
                   "quality_loss": row.loss, "quality_vectors": row.vectors,
                   "target_vs_host_mismatches": row.target_vs_host_mismatches})

    if differing:
        first = differing[0]
        pytest.fail(f"[parity] {model.name}: {len(differing)}/{len(vectors)} test vectors differ between the "
                    f"target and the int8 host reference (TFLM); first: vector {first}: "
                    f"{parities[first].message()}", pytrace=False)
    if over:
        message = (f"[quality] {model.name}: int8 {metric} {row.int8_host:.4f} vs float {row.float:.4f}, "
                   f"loss {row.loss:+.4f} exceeds the budget {row.budget:g} ([quality] max_loss)")
        if table.get("strict") or request.config.getoption("quality_strict"):
            pytest.fail(message, pytrace=False)
        warnings.warn(quality.QualityBudgetWarning(message), stacklevel=1)
    return row
