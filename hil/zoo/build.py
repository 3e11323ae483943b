"""Builds one model: dataset, training, the three conversions, vectors and the card.

The build runs in a child process (`python -m hil.zoo.build NAME OUT_DIR`) so TensorFlow starts
with the environment that makes it reproducible (hil.zoo.tfutil.ENV) and every model starts from
a fresh TensorFlow; the parent (`hil models build`) streams its progress lines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hil import zoo
from hil.errors import BuildError, ConfigError, HilError

Progress = Callable[[str], None]


# ---- parent side ----


def run_build(name: str, out_dir: Path, progress: Progress, root: Path | None = None) -> float:
    """Builds `name` into `out_dir` in a child process; returns the seconds it took."""
    from hil.zoo.tfutil import ENV

    zoo.model_dir(name, root)  # fail early, in one line, on an unknown name
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **ENV}
    if root is not None:
        env["HIL_MODELS_DIR"] = str(root)
    started = time.monotonic()
    with tempfile.TemporaryFile(mode="w+") as errors:
        proc = subprocess.Popen([sys.executable, "-m", "hil.zoo.build", name, str(out_dir)], env=env,
                                stdout=subprocess.PIPE, stderr=errors, text=True, bufsize=1)
        for line in proc.stdout:
            progress(line.rstrip("\n"))
        code = proc.wait()
        if code != 0:
            errors.seek(0)
            tail = [ln for ln in errors.read().splitlines() if ln.strip()][-12:]
            detail = tail[-1] if tail else f"exit status {code}"
            raise BuildError(f"building model {name} failed: {detail} (full log: run "
                             f"`python -m hil.zoo.build {name} /tmp/out`)", details={"stderr": tail})
    return time.monotonic() - started


def build_in_place(name: str, progress: Progress, root: Path | None = None) -> tuple[list[Path], float]:
    """Rebuilds `name` and replaces its committed artifacts (only after a complete build)."""
    target = zoo.model_dir(name, root)
    with tempfile.TemporaryDirectory(prefix=f"hil-build-{name}-") as tmp:
        seconds = run_build(name, Path(tmp), progress, root)
        written = []
        for file in sorted(Path(tmp).iterdir()):
            shutil.copyfile(file, target / file.name)
            written.append(target / file.name)
    return written, seconds


# ---- child side: the pipeline ----


def _check_int8_io(info, name: str) -> None:
    for kind, tensors in (("input", info.input_tensors), ("output", info.output_tensors)):
        for t in tensors:
            if t.dtype_name != "int8":
                raise ConfigError(f"{name}: the converted model's {kind} is {t.dtype_name}, not int8")


def _host_int8_outputs(tflite: Path, inputs: np.ndarray) -> np.ndarray:
    from hil.model.reference import TflmReference

    ref = TflmReference(tflite)
    return np.stack([ref.run([x])[0] for x in inputs])


def _metrics(module, data, float_out: np.ndarray, int8_out: np.ndarray, info, inputs: np.ndarray) -> dict:
    from hil.model.vectors import dequantize
    from hil.verdicts.quality import evaluate

    out_t, in_t = info.output_tensors[0], info.input_tensors[0]
    classes = len(getattr(module, "CLASS_NAMES", [])) or None
    deq_in = dequantize(inputs, in_t.scale, in_t.zero_point)
    return {"float": evaluate(module.TASK, float_out, data.y_test, data.x_test, classes),
            "int8": evaluate(module.TASK, dequantize(int8_out, out_t.scale, out_t.zero_point), data.y_test,
                             deq_in, classes)}


def build_into(name: str, out_dir: Path, progress: Progress = print) -> None:
    from hil.zoo.tfutil import (
        convert_float32,
        convert_fp16,
        convert_int8,
        float32_copy,
        predict,
        prepare_tensorflow,
        seed_everything,
        use_float64,
    )

    module = zoo.load_source(name)  # before TensorFlow: a broken source fails in a second
    tf = prepare_tensorflow()
    progress(f"{name}: dataset")
    data = module.dataset()
    progress(f"  {len(data.x_train)} train / {len(data.x_test)} test samples, input {list(data.x_train.shape[1:])}")
    seed_everything(module.SEED)
    use_float64()
    progress(f"{name}: training (seed {module.SEED}, TensorFlow {tf.__version__}, float64, 1 thread)")
    started = time.monotonic()
    trained = module.train(data, progress)
    progress(f"{name}: trained in {time.monotonic() - started:.0f} s; converting (int8, float32, float16, int16x8)")
    float_out = predict(trained, data.x_test)  # the float64 model's outputs, rounded to float32
    model = float32_copy(module, trained)
    calibration = module.calibration(data) if hasattr(module, "calibration") else data.x_train[:module.CALIBRATION]
    blobs = {"int8": convert_int8(model, calibration), "float32": convert_float32(model), "fp16": convert_fp16(model),
             "int16x8": convert_int8(model, calibration, scheme="int16x8")}
    files = {"int8": f"{name}.tflite", "float32": f"{name}_float32.tflite", "fp16": f"{name}_fp16.tflite",
             "int16x8": f"{name}_int16x8.tflite"}
    for kind, blob in blobs.items():
        (out_dir / files[kind]).write_bytes(blob)
    _write_vectors_and_card(name, module, data, model, float_out, out_dir, files, blobs, progress)
    if hasattr(module, "write_extra"):
        module.write_extra(out_dir, progress)


def _write_16x8_vectors(tflite: Path, data, count: int, out: Path) -> None:
    """The parity samples quantized for the int16x8 conversion (its own input scale), with labels."""
    from hil.model.tflite import load_model
    from hil.model.vectors import quantize
    from hil.zoo.npzio import write_npz

    t = load_model(tflite).input_tensors[0]
    if t.dtype_name != "int16":
        raise HilError(f"{tflite.name}: the int16x8 conversion has a {t.dtype_name} input, expected int16")
    inputs = quantize(data.x_test[:count], t.scale, t.zero_point, np.int16).reshape(-1, *t.shape)
    write_npz(out, {"inputs": inputs, "labels": data.y_test[:count]})


def _write_vectors_and_card(name, module, data, model, float_out, out_dir, files, blobs, progress) -> None:
    from hil.model.tflite import load_model
    from hil.model.vectors import quantize
    from hil.zoo import card
    from hil.zoo.npzio import write_npz

    info = load_model(out_dir / files["int8"])
    _check_int8_io(info, name)
    in_t, out_t = info.input_tensors[0], info.output_tensors[0]
    inputs = quantize(data.x_test, in_t.scale, in_t.zero_point, np.int8).reshape(-1, *in_t.shape)
    arrays = {"inputs": inputs, "labels": data.y_test,
              "float_outputs": float_out.reshape(len(float_out), *out_t.shape)}
    if getattr(module, "STORE_X", False):
        arrays["x"] = data.x_test.astype(np.float32)
    count = min(int(getattr(module, "PARITY_VECTORS", 100)), len(inputs))
    write_npz(out_dir / zoo.VECTORS, {k: v[:count] for k, v in arrays.items()})
    _write_16x8_vectors(out_dir / files["int16x8"], data, count, out_dir / zoo.VECTORS_16X8)
    test_file = zoo.TEST if len(inputs) > count else None
    if test_file:
        write_npz(out_dir / test_file, arrays)
    progress(f"{name}: {count} parity vectors" + (f", {len(inputs)} test vectors" if test_file else "")
             + "; running the int8 model on the host (TFLM)")
    int8_out = _host_int8_outputs(out_dir / files["int8"], inputs)
    metrics = _metrics(module, data, float_out, int8_out, info, inputs)
    sizes = {k: len(v) for k, v in blobs.items()}
    text = card.render(name, module, data, info, sizes, metrics, int(model.count_params()), count, test_file,
                       zoo.model_dir(name))
    (out_dir / zoo.CARD).write_text(text)
    from hil.verdicts.quality import PRIMARY

    metric = PRIMARY[module.TASK][0]
    progress(f"{name}: {metric} float {metrics['float'][metric]:.4f}, int8 {metrics['int8'][metric]:.4f}; "
             f"int8 {sizes['int8']:,} B, {info.total_macs:,} MACs")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python -m hil.zoo.build NAME OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    # Progress lines go to the real stdout; whatever TensorFlow and Keras print (export
    # summaries, converter statistics) is sent to stderr, which the parent keeps as the log.
    lines = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    try:
        build_into(argv[0], out, lambda message: print(message, file=lines, flush=True))
    except HilError as exc:  # a user's mistake: one line, no traceback
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
