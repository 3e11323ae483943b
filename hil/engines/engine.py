"""The inference engine a firmware is built with, as an object: what the host checks before
building, the CMake arguments of the build, and whether intermediate tensors can be read on the
target. One class per engine; a name without a class is passed to CMake, which refuses it."""

from __future__ import annotations

from pathlib import Path

from hil.boards.profile import BoardProfile
from hil.engines import tflm_support
from hil.engines.oracle import check_supported, refuse, refuse_pipeline
from hil.engines.table import float_ops
from hil.engines.tflm_tree import TflmBuild
from hil.errors import ConfigError
from hil.model.tflite import ModelInfo, load_model


class Engine:
    """An engine the firmware's CMake knows by `name`, with no host-side knowledge of its own."""

    tensor_access = False  # LIST_TENSORS / GET_TENSOR answer (first-divergent-layer analysis)

    def __init__(self, name: str):
        self.name = name

    def check_tools(self) -> None:
        """Refuses a missing prerequisite in one line, before anything is built."""
        self.cmake_args()

    def check_model(self, model: ModelInfo, profile: BoardProfile) -> None:
        """Refuses, in one line, a model the engine cannot run on this board (nothing built yet)."""
        refuse_pipeline(model, self.name)

    def cmake_args(self) -> tuple[str, ...]:
        """CMake arguments of every firmware build with this engine."""
        return ()

    def model_cmake_args(self, model: Path) -> tuple[str, ...]:
        """CMake arguments that depend on the model embedded in the firmware."""
        return ()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


class BuiltinEngine(Engine):
    """firmware/engines/builtin: its operators and their refusals are known on the host."""

    tensor_access = True

    def __init__(self):
        super().__init__("builtin")

    def check_model(self, model: ModelInfo, profile: BoardProfile) -> None:
        check_supported(model, profile)  # the engine's own load step (hil/engines/oracle.py), the FPU rule

    def model_cmake_args(self, model: Path) -> tuple[str, ...]:
        """The float kernels only where the model uses them; a file the host cannot parse is
        left to the firmware's loader to refuse."""
        try:
            needs_float = bool(float_ops(load_model(model)))
        except ConfigError:
            needs_float = False
        return ("-DHIL_FLOAT_KERNELS=ON",) if needs_float else ()


class TflmEngine(Engine):
    """firmware/engines/tflm over the user's TFLM tree (`--tflm-root`, else $TFLM_ROOT) and its
    library for the board (`--tflm-lib`, else $TFLM_LIB, else the tree's only one)."""

    def __init__(self, profile: BoardProfile | None = None, tflm_root: str | Path | None = None,
                 tflm_lib: str | Path | None = None):
        super().__init__("tflm")
        self.profile, self.tflm_root, self.tflm_lib = profile, tflm_root, tflm_lib
        self._tflm: TflmBuild | None = None

    @property
    def tflm(self) -> TflmBuild:
        """The tree and library, found on first use (a missing one is one line)."""
        if self._tflm is None:
            if self.profile is None:
                raise ConfigError("--engine tflm: no board to choose a TFLM library for")
            self._tflm = TflmBuild.resolve(self.profile, self.tflm_root, self.tflm_lib)
        return self._tflm

    def check_model(self, model: ModelInfo, profile: BoardProfile) -> None:
        """What TFLM's kernels refuse and the host can see (tflm_support.py); the rest its build
        decides at link time."""
        refuse_pipeline(model, self.name)
        refuse(model, self.name, tflm_support.refusal(model))

    def cmake_args(self) -> tuple[str, ...]:
        return self.tflm.cmake_args()


def engine_for(name: str, profile: BoardProfile | None = None, tflm_root: str | Path | None = None,
               tflm_lib: str | Path | None = None) -> Engine:
    if name == "builtin":
        return BuiltinEngine()
    if name == "tflm":
        return TflmEngine(profile, tflm_root, tflm_lib)
    return Engine(name)
