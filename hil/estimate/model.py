"""Estimated cycles of a part from an instruction mix: the core's TRM timings per class, taken-branch
refills, the flash latency of cache misses, and the calibrated term of calibration.toml (fitted on
published silicon figures, its leave-one-out error as the band; docs/timing.md)."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil.estimate.cores import CORES, CoreTiming
from hil.estimate.mix import INDEX
from hil.estimate.parts import Part

CALIBRATION = Path(__file__).parent / "calibration.toml"


@dataclass(frozen=True)
class Calibration:
    """One core's model parameters and what they were validated on."""

    refill: float               # extra cycles per taken branch (TRM: P)
    miss_penalty: float = 1.0   # cycles per flash line miss, in units of the part's wait states
    seq_factor: float = 1.0     # the share of a sequential miss's penalty a prefetcher leaves
    extra_class: str = "alu"    # the class of the fitted term
    extra: float = 0.0          # fitted: cycles per instruction of extra_class beyond the TRM's
    band: float | None = None   # the largest leave-one-out error (fraction) on validated_part
    validated_part: str = ""
    basis: str = "TRM timings only (no silicon figure fitted)"


@functools.cache
def calibrations() -> dict[str, Calibration]:
    data = tomllib.loads(CALIBRATION.read_text())
    fields = set(Calibration.__dataclass_fields__)
    return {core: Calibration(**{k: v for k, v in c.items() if k in fields}) for core, c in data.items()}


@dataclass(frozen=True)
class Estimator:
    part: Part
    core: CoreTiming
    calibration: Calibration

    @classmethod
    def for_part(cls, part: Part) -> Estimator:
        core = CORES[part.core]
        return cls(part, core, calibrations().get(part.core) or Calibration(core.refill))

    def terms(self, mix: np.ndarray) -> dict[str, float]:
        """Cycles by cause: core (TRM issue cycles), branches (taken-branch refills), flash (cache
        misses x wait states) and calibrated (the fitted term)."""
        cal = self.calibration
        core = sum(mix[INDEX[c]] * t for c, t in self.core.cycles.items())
        ws = self.part.wait_states * cal.miss_penalty
        flash = ws * (mix[INDEX["imiss"]] + mix[INDEX["dmiss"]]
                      + cal.seq_factor * (mix[INDEX["imiss_seq"]] + mix[INDEX["dmiss_seq"]]))
        return {"core": float(core), "branches": float(mix[INDEX["br_taken"]] * cal.refill), "flash": float(flash),
                "calibrated": float(mix[INDEX[cal.extra_class]] * cal.extra)}

    def cycles(self, mix: np.ndarray) -> int:
        return round(sum(self.terms(mix).values()))

    @property
    def band(self) -> float | None:
        """The error band where it was measured: on the part the calibration was validated on."""
        return self.calibration.band if self.part.spec == self.calibration.validated_part else None

    def band_text(self) -> str:
        cal = self.calibration
        if self.band is not None:
            return (f"±{self.band:.1%}: the largest leave-one-out error of the calibration on {cal.validated_part}, "
                    f"measured for TFLM + CMSIS-NN mixes only (docs/timing.md)")
        if cal.band is not None:
            return (f"unknown for {self.part.spec}: the model's ±{cal.band:.1%} was measured on {cal.validated_part} "
                    f"only")
        return f"unknown: no silicon figure calibrates {self.core.name}"
