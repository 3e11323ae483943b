"""Parity between target and reference outputs: integer outputs in units of their least significant
bit; ParityRule, decided once per target from its output types, picks this or the float tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hil.results.fields import Field
from hil.verdicts.float_parity import FloatParity, abs_error, compare_float

if TYPE_CHECKING:
    from hil.model.tflite import TensorInfo


@dataclass
class Parity:
    exact: bool
    within_tolerance: bool
    tolerance_lsb: float
    max_abs_diff: float      # LSB for integer outputs, absolute for float outputs
    mismatches: int
    elements: int
    output_index: int        # output tensor holding the first difference (-1 when none)
    first_index: tuple[int, ...] | None
    target_value: float | None
    reference_value: float | None
    rmse: float
    cosine: float
    top1_agree: bool

    def message(self) -> str:
        if self.first_index is None:
            return "outputs match exactly"
        return (f"max |diff| {self.max_abs_diff:g} LSB (tolerance {self.tolerance_lsb:g}); "
                f"{self.mismatches}/{self.elements} elements differ; first at output {self.output_index} "
                f"index {list(self.first_index)}: target {self.target_value:g}, reference "
                f"{self.reference_value:g}")

    def metrics(self) -> dict:
        return {Field.EXACT: self.exact, Field.MAX_ABS_DIFF_LSB: self.max_abs_diff, Field.MISMATCHES: self.mismatches,
                Field.RMSE: self.rmse, Field.COSINE: self.cosine, Field.TOP1_AGREE: self.top1_agree}


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 and nb == 0:
        return 1.0
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def compare_outputs(target: list[np.ndarray], reference: list[np.ndarray], tolerance_lsb: float = 0) -> Parity:
    if len(target) != len(reference):
        raise ValueError(f"target has {len(target)} outputs, reference {len(reference)}")
    max_diff, mismatches, elements = 0.0, 0, 0
    first: tuple[int, tuple[int, ...], float, float] | None = None
    sq_sum, t_all, r_all = 0.0, [], []
    for out_index, (t, r) in enumerate(zip(target, reference, strict=True)):
        t64, r64 = np.asarray(t, np.float64), np.asarray(r, np.float64)
        if t64.shape != r64.shape:
            raise ValueError(f"output {out_index}: target shape {t64.shape} != reference {r64.shape}")
        diff = abs_error(t64, r64)
        elements += diff.size
        # integers compared as integers: float64 cannot tell uint64 values above 2^53 apart
        integer = np.issubdtype(np.asarray(t).dtype, np.integer) and np.issubdtype(np.asarray(r).dtype, np.integer)
        differs = np.asarray(t) != np.asarray(r) if integer else diff > 0
        diff = np.where(differs, np.maximum(diff, 1.0), diff)
        mismatches += int(differs.sum())
        if diff.size:
            max_diff = max(max_diff, float(diff.max()))
        if first is None and differs.any():
            idx = tuple(int(i) for i in np.argwhere(differs)[0])
            first = (out_index, idx, float(t64[idx]), float(r64[idx]))
        sq_sum += float((diff ** 2).sum())
        t_all.append(t64.ravel())
        r_all.append(r64.ravel())
    tv, rv = np.concatenate(t_all), np.concatenate(r_all)
    pairs = zip(target, reference, strict=True)
    top1 = all(int(np.argmax(t)) == int(np.argmax(r)) for t, r in pairs if np.size(t))
    return Parity(
        exact=mismatches == 0, within_tolerance=max_diff <= tolerance_lsb, tolerance_lsb=tolerance_lsb,
        max_abs_diff=max_diff, mismatches=mismatches, elements=elements,
        output_index=first[0] if first else -1, first_index=first[1] if first else None,
        target_value=first[2] if first else None, reference_value=first[3] if first else None,
        rmse=float(np.sqrt(sq_sum / elements)) if elements else 0.0, cosine=_cosine(tv, rv), top1_agree=top1)


@dataclass(frozen=True)
class ParityRule:
    """How one target's outputs are held to the reference, decided once from the model's output
    types: float outputs within the float tolerance (verdicts/float_parity.py: float kernels round
    differently from the host's), integer outputs within `tolerance_lsb` LSB (0: bit-exact)."""

    floating: bool
    tolerance_lsb: float = 0

    @classmethod
    def for_outputs(cls, outputs: list[TensorInfo], tolerance_lsb: float = 0) -> ParityRule:
        return cls(any(np.issubdtype(t.np_dtype, np.floating) for t in outputs), tolerance_lsb)

    def compare(self, target: list[np.ndarray], reference: list[np.ndarray]) -> Parity | FloatParity:
        if self.floating:
            return compare_float(target, reference)
        return compare_outputs(target, reference, self.tolerance_lsb)
