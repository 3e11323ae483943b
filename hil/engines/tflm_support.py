"""What TFLM itself refuses and the host can see before anything is built for `--engine tflm`.

The rest a TFLM build decides at link time (the generated resolver) and at load (its one-line
message from the target). Types come from hil/engines/tflm_ops.toml (TFLM 90b983c2's kernels).
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

from hil.model.tflite import ModelInfo

TFLM_OPS = Path(__file__).resolve().parent / "tflm_ops.toml"

# Operators whose input 0 selects the kernel and that TFLM rejects in Prepare for other types,
# so the refusal happens in AllocateTensors on the target: DEQUANTIZE takes no float16, which
# is what a float16-weights conversion feeds it.
CHECKED_INPUT_TYPES = ("DEQUANTIZE",)


@functools.cache
def tflm_ops() -> dict[str, dict]:
    """TFLM's operators and the input types its kernels accept (hil/engines/tflm_ops.toml)."""
    with open(TFLM_OPS, "rb") as f:
        return tomllib.load(f)


def refusal(model: ModelInfo) -> str | None:
    """Why TFLM cannot run the model, as the host can tell, or None."""
    by_reason: dict[str, list[int]] = {}
    for op in model.ops:
        if op.custom or op.name not in CHECKED_INPUT_TYPES or not op.inputs:
            continue
        accepted = tflm_ops()[op.name]["types"]
        dtype = model.tensors[op.inputs[0]].dtype_name
        if dtype not in accepted:
            reason = f"{op.name} at op {{}} (TFLM's {op.name} takes {', '.join(accepted)} input, not {dtype})"
            by_reason.setdefault(reason, []).append(op.index)
    return "; ".join(r.format(", ".join(f"#{i}" for i in ix)) for r, ix in by_reason.items()) or None
