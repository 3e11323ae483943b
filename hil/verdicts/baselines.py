"""Cycle baselines per (board, engine, model), committed as reviewable JSON files:

    baselines/<board>/<engine>/<model>.json   {"cycles": worst, "per_op": [{"index", "op", "cycles"}], ...}

`--update-baselines` rewrites them from the current measurements. A regression is the worst
case exceeding the baseline by more than the model's tolerance; the message names the
operators that grew most (from the per-operator profile). Improvements are reported only.

Emulator counts are deterministic, so a baseline also records the hash of the firmware image it
was measured on (hil.harness.build.image_sha256) and how many inferences it took: the same image
and inferences must give the same counts, and counts that moved with a changed image mean the
baseline is stale, even when the change is inside the tolerance (stale_reason).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hil import paths


def baseline_dir() -> Path:
    return paths.REPO_ROOT / "baselines"


def baseline_path(board: str, engine: str, model: str) -> Path:
    return baseline_dir() / board / engine / f"{model}.json"


def load_baseline(board: str, engine: str, model: str) -> dict | None:
    path = baseline_path(board, engine, model)
    return json.loads(path.read_text()) if path.is_file() else None


def save_baseline(board: str, engine: str, model: str, data: dict) -> Path:
    path = baseline_path(board, engine, model)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    return path


@dataclass
class CycleComparison:
    baseline: int
    current: int
    tolerance: float
    grown_ops: list[tuple[int, str, int, int]]  # (index, op, baseline cycles, current cycles)

    @property
    def change(self) -> float:
        return (self.current - self.baseline) / self.baseline if self.baseline else 0.0

    @property
    def regressed(self) -> bool:
        return self.current > self.baseline * (1 + self.tolerance)

    @property
    def improved(self) -> bool:
        return self.current < self.baseline

    def describe_ops(self, top: int = 3) -> str:
        parts = [f"{op} (op #{i}) {old:,} -> {new:,} ({(new - old) / old if old else float('inf'):+.1%})"
                 for i, op, old, new in self.grown_ops[:top]]
        return ", ".join(parts) if parts else "no single operator grew (overhead outside operators)"


UPDATE_COMMAND = "pytest --board={board} test_suites/test_cycles.py --update-baselines"


def stale_reason(baseline: dict, current: dict) -> str | None:
    """Why a baseline no longer describes the firmware measured, or None. Only for emulator
    counts (provenance virtual) over the same number of inferences: silicon counts vary."""
    if current.get("provenance") != "virtual" or baseline.get("inferences") != current["inferences"]:
        return None
    counts = (baseline["cycles"], baseline.get("cycles_min"))
    if counts == (current["cycles"], current["cycles_min"]):
        return None
    moved = (f"worst case {baseline['cycles']:,} -> {current['cycles']:,}, best case "
             f"{baseline.get('cycles_min') or 0:,} -> {current['cycles_min']:,}")
    if baseline.get("image_sha256") == current["image_sha256"]:
        return (f"the same firmware image (sha256 {current['image_sha256'][:12]}) counted differently than when the "
                f"baseline was recorded ({moved}): emulator counts should be deterministic; check the QEMU version")
    recorded = (baseline.get("image_sha256") or "not recorded")[:12]
    return (f"the firmware image changed since the baseline was recorded (sha256 {recorded} -> "
            f"{current['image_sha256'][:12]}) and its counts moved ({moved}): if that is intended, run "
            f"`{UPDATE_COMMAND.format(board=current['board'])}` and commit baselines/")


def compare(baseline: dict, current_cycles: int, current_ops: list[dict], tolerance: float) -> CycleComparison:
    """Compares the worst case and ranks operators by absolute growth."""
    old_ops = {(o["index"], o["op"]): o["cycles"] for o in baseline.get("per_op", [])}
    grown = []
    for op in current_ops:
        old = old_ops.get((op["index"], op["op"]))
        if old is not None and op["cycles"] > old:
            grown.append((op["index"], op["op"], old, op["cycles"]))
    grown.sort(key=lambda g: g[3] - g[2], reverse=True)
    return CycleComparison(int(baseline["cycles"]), current_cycles, tolerance, grown)
