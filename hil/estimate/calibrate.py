"""Calibration of the cycle model on published silicon figures, with leave-one-out validation.

The published figures (MLPerf Tiny v0.5, closed division, reference submission: TFLM + CMSIS-NN of
2021 on a NUCLEO-L4R5ZI at 120 MHz, median throughput) are of a 2021 stack; the mixes are of
today's TFLM + CMSIS-NN run on QEMU. The hardware part of the model (TRM timings, flash wait
states behind the ART caches) has no free parameter; one additive term, `extra` cycles per
instruction of one class, is fitted. Which class was chosen among CANDIDATES by the smallest
largest leave-one-out error, and all candidates are reported (docs/timing.md)."""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass

import numpy as np

from hil.estimate.mix import CLASSES, INDEX
from hil.estimate.model import CALIBRATION, Calibration, Estimator

PUBLISHED_SOURCE = ("mlcommons/tiny_results_v0.5 closed/reference/results/Nucleo-L4R5ZI, median throughput "
                    "(TFLM + CMSIS-NN, 2021)")
# model file stem -> (task, published inferences per second at 120 MHz)
PUBLISHED = {"ad01_int8": ("anomaly detection", 99.487), "pretrainedResnet_quant": ("image classification", 1.420),
             "kws_ref_model": ("keyword spotting", 5.497), "vww_96_int8": ("visual wake words", 1.665)}
CANDIDATES = ("alu", "insns", "br_taken", "br_not_taken", "sram_ld", "st")
CLOCK_HZ = 120_000_000


@dataclass(frozen=True)
class Figure:
    model: str
    task: str
    published_cycles: float
    mix: np.ndarray  # today's stack on QEMU, one inference


@dataclass(frozen=True)
class Check:
    model: str
    extra: float       # fitted without this model
    estimated: float
    published: float

    @property
    def error(self) -> float:
        return self.estimated / self.published - 1


def figure(model: str, counts: dict[str, int]) -> Figure:
    task, per_s = PUBLISHED[model]
    return Figure(model, task, CLOCK_HZ / per_s, np.array([counts.get(c, 0) for c in CLASSES], dtype=np.int64))


def hardware_only(estimator: Estimator) -> Estimator:
    return dataclasses.replace(estimator, calibration=dataclasses.replace(estimator.calibration, extra=0.0))


def fit_extra(estimator: Estimator, figures: list[Figure], cls: str) -> float:
    """Least squares (through the origin) of published - hardware estimate on the class count."""
    hw = hardware_only(estimator)
    x = np.array([f.mix[INDEX[cls]] for f in figures], dtype=float)
    y = np.array([f.published_cycles - hw.cycles(f.mix) for f in figures])
    return float(x @ y / (x @ x))


def leave_one_out(estimator: Estimator, figures: list[Figure], cls: str) -> list[Check]:
    checks = []
    for left in figures:
        extra = fit_extra(estimator, [f for f in figures if f is not left], cls)
        model = dataclasses.replace(estimator, calibration=dataclasses.replace(
            estimator.calibration, extra_class=cls, extra=extra))
        checks.append(Check(left.model, extra, model.cycles(left.mix), left.published_cycles))
    return checks


def worst(checks: list[Check]) -> float:
    return max(abs(c.error) for c in checks)


def choose(estimator: Estimator, figures: list[Figure]) -> tuple[str, dict[str, list[Check]]]:
    """The candidate class with the smallest largest leave-one-out error, and every candidate's checks."""
    results = {cls: leave_one_out(estimator, figures, cls) for cls in CANDIDATES}
    return min(results, key=lambda cls: worst(results[cls])), results


def calibrated(estimator: Estimator, figures: list[Figure]) -> Calibration:
    cls, results = choose(estimator, figures)
    return dataclasses.replace(estimator.calibration, extra_class=cls, extra=fit_extra(estimator, figures, cls),
                               band=round(worst(results[cls]), 4), validated_part=estimator.part.spec,
                               basis=f"TRM + flash model, {cls} term fitted on 4 MLPerf Tiny v0.5 figures")


def stored_figures() -> list[Figure]:
    data = tomllib.loads(CALIBRATION.read_text()).get("cortex-m4", {}).get("figures", {})
    return [figure(name, f["counts"]) for name, f in data.items()]


def table(estimator: Estimator, figures: list[Figure]) -> str:
    """The leave-one-out table (markdown) of the chosen term, then every candidate's worst error."""
    chosen, results = choose(estimator, figures)
    rows = ["| model | task | published cycles | estimated (fitted without it) | error | fitted term |",
            "|---|---|---|---|---|---|"]
    for f, c in zip(figures, leave_one_out(estimator, figures, chosen), strict=True):
        rows.append(f"| {f.model} | {f.task} | {c.published:,.0f} | {c.estimated:,.0f} | {c.error:+.1%} | "
                    f"{c.extra:.3f} x {chosen} |")
    rows += ["", "| candidate term | largest leave-one-out error |", "|---|---|"]
    rows += [f"| {cls} | {worst(checks):.1%} |" for cls, checks in results.items()]
    return "\n".join(rows)
