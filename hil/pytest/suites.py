"""Assertions for HIL suites, reusable in users' own pytest files:

    from hil.pytest.suites import assert_deadline
    @pytest.mark.deadline(us=500)
    def test_my_latency(hil, request):
        assert_deadline(hil, catalog.adhoc("my.tflite"), request)
"""

from __future__ import annotations

import pytest

from hil.errors import Category, HilError
from hil.harness.runner import Harness, ModelTiming
from hil.model.catalog import ModelConfig
from hil.pytest.plugin import fail, summary_line
from hil.verdicts.baselines import compare, load_baseline, save_baseline
from hil.verdicts.energy import EnergyStats, budget_failure, energy_text
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
    stats = timing.stats
    if record is not None:
        record.update(timing.record(), deadline_us=deadline_us, max_cycles=max_cycles)
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
    current = {"board": board, "engine": engine, "model": model.name, "model_sha256": timing.target["model_sha256"],
               "cycles": stats.wcet, "cycles_min": stats.bcet, "provenance": stats.clock.provenance,
               "macs": macs, "per_op": [{k: op[k] for k in ("index", "op", "cycles", "macs")} for op in timing.per_op]}
    record["cycles_per_mac"] = stats.wcet / macs if macs else None
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
    record.update(baseline_cycles=result.baseline, cycles_change=result.change)
    per_mac = f", {stats.wcet / macs:.2f} cycles/MAC" if macs else ""
    line = (f"{model.name:<24} {stats.wcet:,} cycles vs baseline {result.baseline:,} ({result.change:+.2%})"
            f"{per_mac} [{stats.clock.provenance}]")
    summary_line(request.config, "cycles", line + (" IMPROVED: update the baseline" if result.improved else ""))
    if result.regressed:
        _fail(Category.CYCLES, f"{model.name} on {board}/{engine}: worst case {stats.wcet:,} cycles, baseline "
                               f"{result.baseline:,} ({result.change:+.2%}, tolerance {result.tolerance:.1%}) "
                               f"[{stats.clock.provenance}]; grew most: {result.describe_ops()}")
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
        record.update(stats.record(), energy_budget_uj=budget)
    summary_line(request.config, "energy", f"{model.name:<24} {stats.summary()}; budget {energy_text(budget)}")
    message = budget_failure(stats, budget)
    if message:
        _fail(Category.ENERGY, f"{model.name} on {hil.profile.name}: {message}")
    return stats
