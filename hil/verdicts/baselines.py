"""Cycle baselines per (board, engine, model), committed as reviewable JSON files:

    baselines/<board>/<engine>/<model>.json   {"cycles": worst, "per_op": [{"index", "op", "cycles"}], ...}

`--update-baselines` rewrites them from the current measurements. A regression is the worst
case exceeding the baseline by more than the model's tolerance; the message names the
operators that grew most (from the per-operator profile). Improvements are reported only.
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
