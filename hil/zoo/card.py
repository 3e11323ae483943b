"""The generated model card (models/<name>/CARD.md): the prose from the model's build.py, and
facts measured from the built artifacts: operators, parameters, MACs per operator, arena
estimates, flash sizes, quantization parameters and float vs int8 quality on the test split."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from pathlib import Path

import numpy as np

from hil.model.tflite import ModelInfo, TensorInfo
from hil.verdicts.quality import PRIMARY
from hil.zoo.check import Tolerance


def activation_peak_bytes(info: ModelInfo) -> int:
    """Largest total size of the activation tensors alive at once, running the ops in order
    (a tensor lives from the op that writes it, or the start for inputs, to its last reader, or
    the end for outputs). A lower bound of any arena plan: no alignment, no scratch buffers."""
    first: dict[int, int] = {i: -1 for i in info.inputs}
    last: dict[int, int] = {i: len(info.ops) for i in info.outputs}
    for op in info.ops:
        for t in op.outputs:
            first.setdefault(t, op.index)
        for t in op.inputs:
            if t >= 0 and not info.tensors[t].is_const:
                last[t] = max(last.get(t, -1), op.index)
    peak = 0
    for step in range(len(info.ops)):
        live = [t for t, start in first.items() if start <= step <= last.get(t, start)]
        peak = max(peak, sum(info.tensors[t].size * info.tensors[t].np_dtype.itemsize for t in live))
    return peak


def tflm_arena_bytes(tflite: Path) -> int | None:
    """The arena TFLM's host interpreter allocates (its RecordingMicroAllocator prints it on
    stderr). An x86-64 figure: 64-bit pointers make TFLM's own structs larger than on a
    Cortex-M, so it overestimates a 32-bit target slightly."""
    from tflite_micro import runtime

    interp = runtime.Interpreter.from_file(str(tflite))
    with tempfile.TemporaryFile() as log:
        saved = os.dup(2)
        try:
            os.dup2(log.fileno(), 2)
            interp.print_allocations()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        log.seek(0)
        text = log.read().decode(errors="replace")
    match = re.search(r"Arena allocation total (\d+) bytes", text)
    return int(match.group(1)) if match else None


def _params(info: ModelInfo, op) -> int:
    return sum(info.tensors[t].size for t in op.inputs if t >= 0 and info.tensors[t].is_const)


def _quant(t: TensorInfo) -> str:
    if not t.scales:
        return f"{t.dtype_name} {list(t.shape)}"
    return f"{t.dtype_name} {list(t.shape)}, scale {t.scale:.6g}, zero point {t.zero_point}"


def op_table(info: ModelInfo) -> list[str]:
    lines = ["| # | operator | output shape | constant values | MACs |", "|---|---|---|---:|---:|"]
    for op in info.ops:
        shape = list(info.tensors[op.outputs[0]].shape) if op.outputs else []
        lines.append(f"| {op.index} | {op.name} | {shape} | {_params(info, op):,} | {op.macs:,} |")
    total = sum(_params(info, op) for op in info.ops)
    lines.append(f"| | **total** | | **{total:,}** | **{info.total_macs:,}** |")
    return lines


def _metric(value: float, metric: str) -> str:
    return f"{value:.4f}" if metric in ("mae", "auc") else f"{value:.2%}"


def quality_section(task: str, metrics: dict, budget: float | None, class_names: list[str] | None) -> list[str]:
    metric, higher = PRIMARY[task]
    f, q = metrics["float"][metric], metrics["int8"][metric]
    loss = f - q if higher else q - f
    lines = [f"| model | {metric} |", "|---|---:|", f"| float32 (Keras) | {_metric(f, metric)} |",
             f"| int8 (TFLM interpreter on the host) | {_metric(q, metric)} |", "",
             f"Quantization loss: {loss:+.4f} ({metric}, positive = int8 worse)"
             + (f"; budget {budget:g} (model.toml `[quality] max_loss`)." if budget is not None else ".")]
    if task == "classification":
        agree = float(np.mean(metrics["float"]["predictions"] == metrics["int8"]["predictions"]))
        lines += [f"Top-1 agreement float vs int8: {agree:.2%}.", "", "Confusion matrix of the int8 model "
                  "(rows: true class, columns: predicted):", ""]
        names = class_names or [str(i) for i in range(len(metrics["int8"]["confusion"]))]
        lines += ["| | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
        for name, row in zip(names, metrics["int8"]["confusion"], strict=True):
            lines.append(f"| **{name}** | " + " | ".join(str(int(c)) for c in row) + " |")
    return lines


def render(name: str, module, data, info: ModelInfo, sizes: dict[str, int], metrics: dict,
           keras_params: int, parity_vectors: int, test_file: str | None, model_dir: Path) -> str:
    card = module.CARD
    toml_path = model_dir / "model.toml"
    settings = tomllib.loads(toml_path.read_text()) if toml_path.is_file() else {}
    quality = settings.get("quality", {})
    arena = tflm_arena_bytes(info.path)
    synthetic = "synthetic" if card.get("synthetic") else "real (shipped with an installed package)"
    lines = [
        f"# {name}",
        "",
        f"_Generated by `hil models build {name}` from `models/{name}/build.py` (edit the text there); "
        "`hil models build --check` verifies it with the other artifacts._",
        "",
        "## Goal", "", card["goal"].strip(), "",
        "## Dataset", "", f"Data: {synthetic}. " + card["dataset"].strip(), "",
        f"Split: {len(data.x_train)} training samples, {len(data.x_test)} test samples (fixed, seeded). "
        f"Parity vectors: the first {parity_vectors} test samples (`vectors.npz`). "
        + (f"Quality suite: the whole test split (`{test_file}`)." if test_file
           else "Quality suite: the same file (it holds the whole test split)."),
        *[f"- {k}: {v}" for k, v in data.notes.items()], "",
        "## Design", "", card["design"].strip(), "",
        f"Keras parameters: {keras_params:,}. Training seed: {module.SEED}.", "",
        "## Operators (int8 model)", "", *op_table(info), "",
        f"Input: {_quant(info.input_tensors[0])}. Output: {_quant(info.output_tensors[0])}.", "",
        "## Memory", "",
        f"- Flash (model flatbuffer): int8 {sizes['int8']:,} B; float32 {sizes['float32']:,} B; "
        f"float16 weights {sizes['fp16']:,} B; int16x8 {sizes['int16x8']:,} B. The firmware's total flash is measured "
        "per board by the suites.",
        f"- Tensor arena estimate: activations peak {activation_peak_bytes(info):,} B (live tensors in "
        "operator order, no alignment or scratch); TFLM host interpreter "
        + (f"{arena:,} B" if arena is not None else "n/a")
        + " (x86-64, so TFLM's structs are larger than on a Cortex-M). The target reports its own "
        "figure in the ready frame.",
        "",
        "## Quality on the test split", "",
        *quality_section(module.TASK, metrics, quality.get("max_loss"), getattr(module, "CLASS_NAMES", None)),
        "",
        "The int8 model on the target: `pytest test_suites/test_quality.py` (reports/quality.json).",
        "",
    ]
    tolerance = Tolerance.from_table(settings.get("build", {}))
    lines += ["## Reproducibility", "",
              f"`hil models build {name}` retrains from seed {module.SEED} in float64 on one thread (TensorFlow's "
              "float32 GEMM dispatches on the CPU; see docs/models.md) and writes every file above; on one machine "
              "two builds are byte-identical. `hil models build --check` rebuilds and compares byte for byte; if "
              "the rebuild differs (the int8 calibration runs TFLite float kernels that pick SIMD paths at run "
              f"time), it passes only within this tolerance, and says so: {tolerance.describe()}.", ""]
    if card.get("notes"):
        lines += ["## Notes", "", card["notes"].strip(), ""]
    return "\n".join(lines)
