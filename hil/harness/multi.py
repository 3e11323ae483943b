"""Several targets at once: one harness per (board, engine), boards being local emulators or
labgrid places. The cross-target suite (test_suites/test_cross_target.py) streams each vector
through all of them and asks for the same outputs everywhere.

    --cross-boards qemu,qemu-m7,qemu-m55                      # three local emulators
    --cross-boards labgrid:nucleo-3,labgrid:hil_board=qemu-m7  # a place by name, a place by tag
    --cross-engines builtin,tflm --tflm-root DIR               # every board with both engines
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil.boards.profile import BoardProfile, find_profile
from hil.errors import ConfigError, HilError
from hil.farm.place import PlaceRequest, parse_tags, resolve_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness, VectorResult
from hil.model.catalog import ModelConfig

PLACE_PREFIX = "labgrid:"


@dataclass(frozen=True)
class TargetSpec:
    text: str                            # as the user wrote it
    board: str | None = None             # a local board profile (name or alias)
    place: PlaceRequest | None = None    # or a labgrid place


def target_names(values: list[str]) -> list[str]:
    """The names in `--cross-boards` values (comma-separated, repeatable), blanks dropped."""
    return [t.strip() for value in values for t in value.split(",") if t.strip()]


def parse_targets(values: list[str], coordinator: str, timeout: float) -> list[TargetSpec]:
    """`--cross-boards` values (comma-separated, repeatable): board names, `labgrid:PLACE` or
    `labgrid:KEY=VALUE[+KEY=VALUE]` (any place with these tags)."""
    specs = []
    for text in target_names(values):
        if not text.startswith(PLACE_PREFIX):
            specs.append(TargetSpec(text, board=text))
            continue
        what = text[len(PLACE_PREFIX):]
        if not what:
            raise ConfigError(f"--cross-boards {text}: name a place (labgrid:NAME) or tags (labgrid:hil_board=qemu-m7)")
        request = (PlaceRequest(coordinator, tags=parse_tags(what.split("+")), timeout=timeout) if "=" in what
                   else PlaceRequest(coordinator, name=what, timeout=timeout))
        specs.append(TargetSpec(text, place=request))
    return specs


@dataclass
class CrossResult:
    """One vector on every target: each target's result, or the error that stopped it."""

    results: dict[str, VectorResult]
    errors: dict[str, HilError]

    def mismatches(self) -> list[str]:
        """What disagrees: a target against the host reference (its own parity verdict), and for
        integer outputs any target whose bytes differ from the first target's."""
        found = [f"{label}: {r.parity.message()}" for label, r in self.results.items()
                 if not r.parity.within_tolerance]
        labels = list(self.results)
        for label in labels[1:]:
            first, other = self.results[labels[0]].outputs, self.results[label].outputs
            for i, (a, b) in enumerate(zip(first, other, strict=True)):
                if a.dtype.kind in "iub" and not np.array_equal(a, b):
                    diff = int(np.max(np.abs(a.astype(np.int64) - b.astype(np.int64))))
                    count = int(np.count_nonzero(a != b))
                    found.append(f"{label} differs from {labels[0]} at output {i}: {count}/{a.size} elements, "
                                 f"max |diff| {diff} LSB")
        return found


class TargetSet:
    """A harness per (target, engine), started lazily, closed together (places released)."""

    def __init__(self, specs: list[TargetSpec], engines: list[str], base: HarnessConfig,
                 progress: Callable[[str], None] | None = None, notice: Callable[[str], None] | None = None):
        """`progress`: build and start messages; `notice`: what must be seen at once (waiting for a place)."""
        if not specs:
            raise ConfigError("no targets: pass --cross-boards BOARD,BOARD (e.g. qemu,qemu-m7,qemu-m55)")
        self.harnesses: dict[str, Harness] = {}
        try:
            for spec in specs:
                profile, options = self._board(spec, base, notice or progress)
                for engine in engines:
                    label = self._label(spec, profile, engine, len(engines) > 1)
                    if label in self.harnesses:
                        raise ConfigError(f"--cross-boards names {label} twice")
                    config = base.variant(profile=profile, engine=engine, backend_options=options,
                                          tflm_lib=tflm_lib_for(profile, base.tflm_lib))
                    harness = Harness(config, progress=progress)
                    harness.check_tools()
                    self.harnesses[label] = harness
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _board(spec: TargetSpec, base: HarnessConfig,
               notice: Callable[[str], None] | None) -> tuple[BoardProfile, dict]:
        options = {k: v for k, v in base.backend_options.items() if k not in ("labgrid", "progress")}
        if spec.place is None:
            return find_profile(spec.board), options
        return resolve_profile(spec.place), {**options, "labgrid": spec.place, "progress": notice}

    @staticmethod
    def _label(spec: TargetSpec, profile: BoardProfile, engine: str, with_engine: bool) -> str:
        label = profile.name if spec.place is None else f"{profile.name}@{spec.text[len(PLACE_PREFIX):]}"
        return f"{label}/{engine}" if with_engine else label

    def run_vector(self, model: ModelConfig, index: int) -> CrossResult:
        results, errors = {}, {}
        for label, harness in self.harnesses.items():
            try:
                results[label] = harness.run_vector(model, index)
            except HilError as exc:
                errors[label] = exc
        return CrossResult(results, errors)

    def places(self) -> dict[str, str]:
        """The labgrid place each place-backed target ran on, by label."""
        return {label: h.backend.place for label, h in self.harnesses.items() if getattr(h.backend, "place", None)}

    def close(self) -> None:
        for harness in self.harnesses.values():
            harness.close()


def tflm_lib_for(profile: BoardProfile, lib: str | None) -> str | None:
    """--tflm-lib for the boards whose core it was built for; the others take their tree's only
    library for their core (an M4 library given for an M4 + M55 comparison)."""
    if not lib:
        return None
    from hil.engines.tflm_tree import built_for, target_arch

    return lib if built_for(Path(lib).expanduser().resolve()) in (None, target_arch(profile)) else None


def first_error(result: CrossResult) -> HilError:
    label, exc = next(iter(result.errors.items()))
    more = f" (and {len(result.errors) - 1} more target(s))" if len(result.errors) > 1 else ""
    return HilError(f"{label}: {exc}{more}", exc.category)

