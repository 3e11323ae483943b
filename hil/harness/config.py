"""What a harness builds and runs, in one value: the board, the engine and its firmware options,
how the board is reached, and how many vectors a model gets. Variants (a debug firmware, a
firmware with a test-only defect) are derived from it, so no field is forgotten on the way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from hil.boards.profile import BoardProfile
from hil.engines.engine import Engine, engine_for


@dataclass(frozen=True)
class HarnessConfig:
    profile: BoardProfile
    engine: str = "builtin"                 # builtin or tflm (firmware/engines/<engine>)
    defines: tuple[str, ...] = ()           # test-only firmware defines, e.g. HIL_TEST_BREAK_ROUNDING
    backend_options: Mapping[str, Any] = field(default_factory=dict)  # hil.boards.BACKEND_OPTIONS
    tflm_root: str | None = None            # --engine tflm: the user's TFLM tree (else $TFLM_ROOT)
    tflm_lib: str | None = None             # and its library for this board (else $TFLM_LIB, else the only one)
    vector_limit: int | None = None         # at most this many vectors per model
    max_restarts: int = 2                   # failures of one model after which its requests fail at once
    max_sessions: int | None = None         # targets kept alive at once; None: what the backend allows

    def variant(self, defines: tuple[str, ...] = (), **changes: Any) -> HarnessConfig:
        """This configuration with `defines` added to the firmware's and `changes` applied; every
        other field (the TFLM tree among them) is kept."""
        return replace(self, defines=(*self.defines, *defines), **changes)

    def make_engine(self) -> Engine:
        return engine_for(self.engine, self.profile, self.tflm_root, self.tflm_lib)
