"""The model zoo: the sources under models/<name>/ and what their build produces.

Every model directory holds a `build.py` with one common interface, used by `hil models build`:

    SEED = 1234                        # seeds Python, NumPy and TensorFlow before training
    TASK = "classification"            # or "regression", "anomaly"
    PARITY_VECTORS = 100               # vectors.npz holds the first N test samples
    STORE_X = False                    # also store the float inputs as `x` (anomaly scores need them)
    CLASS_NAMES = [...]                # classifiers
    CARD = {"goal": ..., "dataset": ..., "design": ...}   # prose of the generated CARD.md
    CALIBRATION = 500                  # the first N training samples calibrate the int8 and int16x8 conversions,
                                        # or def calibration(data) -> np.ndarray for other samples

    def dataset() -> Dataset            # float32 train/test split, deterministic
    def keras_model() -> keras.Model    # the architecture, untrained
    def train(data, progress) -> keras.Model

Optional, for a model that needs more files than the conversions (a pipeline's other stages,
recordings, reference features):

    EXTRA_FILES = ["frontend.tflite", ...]     # file names the build also writes and --check compares
    def write_extra(out_dir, progress) -> None   # writes them, after the conversions

This module imports no TensorFlow: the build runs in a child process (hil.zoo.build).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from hil import paths
from hil.errors import ConfigError

TASKS = ("classification", "regression", "anomaly")
VECTORS = "vectors.npz"   # parity vectors (the first PARITY_VECTORS test samples)
VECTORS_16X8 = "vectors_int16x8.npz"  # the same samples quantized for the int16x8 conversion
TEST = "test.npz"         # the whole test split, for the quality suite, when larger than VECTORS
CARD = "CARD.md"


@dataclass
class Dataset:
    """Float32 samples shaped like the model input (leading axis = sample) and their targets."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    notes: dict[str, str] = field(default_factory=dict)  # extra facts for the model card


def source_dirs(root: Path | None = None) -> list[Path]:
    """Every models/<name>/ that has a build.py, sorted by name."""
    root = root or paths.models_dir()
    return sorted(p.parent for p in root.glob("*/build.py"))


def names(root: Path | None = None) -> list[str]:
    return [d.name for d in source_dirs(root)]


def model_dir(name: str, root: Path | None = None) -> Path:
    root = root or paths.models_dir()
    path = root / name
    if not (path / "build.py").is_file():
        known = ", ".join(names(root)) or "none"
        raise ConfigError(f"no model source models/{name}/build.py (known: {known})")
    return path


def load_source(name: str, root: Path | None = None) -> ModuleType:
    """Imports models/<name>/build.py as module `hil_model_<name>` and checks its interface."""
    path = model_dir(name, root) / "build.py"
    spec = importlib.util.spec_from_file_location(f"hil_model_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    missing = [f for f in ("dataset", "keras_model", "train", "SEED", "TASK", "CARD") if not hasattr(module, f)]
    if not hasattr(module, "CALIBRATION") and not hasattr(module, "calibration"):
        missing.append("CALIBRATION (or calibration(data))")
    if missing:
        raise ConfigError(f"{path} lacks {', '.join(missing)} (see hil/zoo/__init__.py for the interface)")
    if module.TASK not in TASKS:
        raise ConfigError(f"{path}: TASK = {module.TASK!r}, expected one of {', '.join(TASKS)}")
    return module


def artifacts(name: str, test_split: bool, root: Path | None = None) -> list[str]:
    """The files a build writes into the model directory, in build order."""
    files = [f"{name}.tflite", f"{name}_float32.tflite", f"{name}_fp16.tflite", f"{name}_int16x8.tflite", VECTORS,
             VECTORS_16X8]
    if test_split:
        files.append(TEST)
    return [*files, CARD, *getattr(load_source(name, root), "EXTRA_FILES", [])]
