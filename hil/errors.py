"""Failure categories and the exceptions that carry them.

Every failure the harness reports belongs to exactly one category, so pytest messages, the
results store and the nightly report can say what happened without parsing text.
"""

from __future__ import annotations

import enum


class Category(enum.StrEnum):
    BUILD_FAILED = "build-failed"
    FLASH_FAILED = "flash-failed"
    NO_READY = "no-ready-frame"
    HARD_FAULT = "hard-fault"
    TIMEOUT = "timeout"
    PROTOCOL = "protocol-error"
    DEVICE_RESET = "device-reset"
    EMULATOR_EXITED = "emulator-exited"
    TARGET_ERROR = "target-error"
    UNSUPPORTED = "unsupported-model"
    CONFIG = "configuration"
    PARITY = "parity"
    DEADLINE = "deadline"
    CYCLES = "cycles"
    FOOTPRINT = "footprint"
    ENERGY = "energy"
    PLACE_LOST = "place-lost"                # a labgrid place's exporter or coordinator went away mid-run
    PLACE_UNAVAILABLE = "place-unavailable"  # no matching labgrid place could be had in time


class HilError(Exception):
    """An error with a category and a one-line, actionable message."""

    category: Category = Category.PROTOCOL

    def __init__(self, message: str, category: Category | None = None, details: dict | None = None):
        super().__init__(message)
        if category is not None:
            self.category = category
        self.details = details or {}

    def one_line(self) -> str:
        return f"[{self.category.value}] {self}"


class ConfigError(HilError):
    category = Category.CONFIG


class BuildError(HilError):
    category = Category.BUILD_FAILED


class UnsupportedModelError(HilError):
    category = Category.UNSUPPORTED


class TransportTimeout(HilError):
    category = Category.TIMEOUT


class TransportClosed(HilError):
    category = Category.EMULATOR_EXITED


class ProtocolError(HilError):
    category = Category.PROTOCOL


class TargetError(HilError):
    """The target answered with an ERROR frame."""

    category = Category.TARGET_ERROR

    def __init__(self, code: int, detail: int, text: str):
        super().__init__(f"target error {code} ({ERROR_NAMES.get(code, 'unknown')}): {text}")
        self.code = code
        self.detail = detail
        self.text = text


ERROR_NAMES = {
    1: "unknown message",
    2: "bad length",
    3: "bad index",
    4: "bad range",
    5: "no model",
    6: "unsupported",
    7: "invoke failed",
    8: "no input",
    9: "arena too small",
    10: "model invalid",
    11: "frame too large",
}
