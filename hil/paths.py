"""Where the harness finds the firmware sources, the models and its cache."""

from __future__ import annotations

import os
from pathlib import Path

from hil.errors import ConfigError

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_DIR.parent


def firmware_dir() -> Path:
    """The firmware sources: $HIL_FIRMWARE_DIR, else the checkout this package lives in."""
    return Path(os.environ.get("HIL_FIRMWARE_DIR", REPO_ROOT / "firmware")).resolve()


def models_dir() -> Path:
    return Path(os.environ.get("HIL_MODELS_DIR", REPO_ROOT / "models")).resolve()


def shared_models_dir() -> Path:
    """Third-party models kept beside the checkout (../shared/models), never copied into it."""
    return Path(os.environ.get("HIL_SHARED_MODELS", REPO_ROOT.parent / "shared" / "models")).resolve()


def cache_dir() -> Path:
    """Firmware builds: $HIL_CACHE_DIR, else .hil-cache in the checkout."""
    path = Path(os.environ.get("HIL_CACHE_DIR", REPO_ROOT / ".hil-cache"))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cache_error(path, exc) from None
    return path.resolve()


def cache_error(path: Path, exc: OSError) -> ConfigError:
    return ConfigError(f"the firmware cache {path} cannot be written ({exc.strerror or exc}): set HIL_CACHE_DIR to "
                       "a writable folder")
