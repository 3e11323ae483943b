"""The harness core, independent of pytest: build and start a target per model, stream vectors,
compare with the host reference. The pytest plugin and the `hil` CLI are thin layers on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from hil.boards import BoardProfile, make_backend
from hil.boards.base import Session
from hil.build import Firmware, build_firmware
from hil.catalog import ModelConfig
from hil.compare import Parity, compare_outputs
from hil.errors import Category, HilError
from hil.model import ModelInfo
from hil.reference import TflmReference
from hil.support import check_supported
from hil.timing import Clock
from hil.vectors import VectorSet


@dataclass
class VectorResult:
    model: str
    index: int
    outputs: list[np.ndarray]
    reference: list[np.ndarray]
    parity: Parity
    ticks: list[int]
    cycles: list[int]
    clock: Clock


@dataclass
class Target:
    """A model's firmware running on a started board, with its host reference."""

    config: ModelConfig
    info: ModelInfo
    firmware: Firmware
    session: Session
    reference: TflmReference
    vectors: VectorSet
    reference_cache: dict[int, list[np.ndarray]] = field(default_factory=dict)

    @property
    def device(self):
        return self.session.device

    @property
    def clock(self) -> Clock:
        return self.session.clock

    def expected(self, index: int) -> list[np.ndarray]:
        if index not in self.reference_cache:
            self.reference_cache[index] = self.reference.run(self.vectors.inputs[index])
        return self.reference_cache[index]


class Harness:
    """Keeps at most one target alive (the last model used), so a worker runs one emulator."""

    def __init__(self, profile: BoardProfile, *, engine: str = "builtin", defines: tuple[str, ...] = (),
                 backend_options: dict | None = None, progress: Callable[[str], None] | None = None,
                 vector_limit: int | None = None):
        self.profile = profile
        self.engine = engine
        self.defines = defines
        self.backend = make_backend(profile, **(backend_options or {}))
        self.progress = progress
        self.vector_limit = vector_limit
        self._target: Target | None = None

    def check_tools(self) -> None:
        self.backend.check_tools()

    def build(self, config: ModelConfig) -> Firmware:
        check_supported(config.info(), self.engine)  # refuse before building or flashing
        return build_firmware(self.profile.firmware_board, config.tflite, engine=self.engine,
                              defines=self.defines, progress=self.progress)

    def target(self, config: ModelConfig) -> Target:
        current = self._target
        if current is not None and current.config.tflite == config.tflite and current.session.alive():
            return current
        self.close()
        info = config.info()
        firmware = self.build(config)
        if self.progress:
            self.progress(f"starting {self.profile.name} with {firmware.elf.name}")
        session = self.backend.start(firmware.elf)
        try:
            session.device.check_model_loaded()
        except HilError:
            session.stop()
            raise
        self._target = Target(config, info, firmware, session, TflmReference(config.tflite),
                              config.vectors(self.vector_limit))
        return self._target

    def run_vector(self, config: ModelConfig, index: int, repeat: int = 1) -> VectorResult:
        target = self.target(config)
        try:
            inference = target.device.infer(target.vectors.inputs[index], repeat=repeat)
        except HilError as exc:
            self.discard()
            raise target.session.explain(exc) from None
        expected = target.expected(index)
        parity = compare_outputs(inference.outputs, expected, config.tolerance_lsb)
        cycles = [target.clock.cycles(t) for t in inference.ticks]
        return VectorResult(config.name, index, inference.outputs, expected, parity, inference.ticks,
                            cycles, target.clock)

    def discard(self) -> None:
        """Drops the current target after a failure; the next request starts a fresh one."""
        if self._target is not None:
            self._target.session.stop()
            self._target = None

    close = discard


def parity_failure_message(config: ModelConfig, index: int, result: VectorResult) -> str:
    return f"[{Category.PARITY.value}] {config.name} vector {index}: {result.parity.message()}"
