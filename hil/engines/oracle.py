"""The host oracle: the built-in engine's own load step (fb reader, graph load, every kernel's
prepare, the planner) compiled for this machine, asked before anything is built for a target.

It answers exactly as the firmware would (the same C code, the same one-line message) and
gives the arena the model needs, so a model the engine cannot run, or one too large for the
board's arena, is refused in one line before building. It is a 32-bit host program, not a
library: a 64-bit process cannot load 32-bit code, and only the ILP32 layout (with 8-byte
aligned 64-bit members, -malign-double) gives the persistent structures the Cortex-M sizes, so
the arena figures equal the firmware's READY byte for byte. Built once per source hash in
$HIL_CACHE_DIR with the host gcc (setup.sh installs gcc-multilib for -m32).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from hil import paths
from hil.boards.profile import BoardProfile
from hil.engines.table import float_ops
from hil.errors import ConfigError, UnsupportedModelError
from hil.link.protocol import TFLITE_DTYPE_NAMES
from hil.model.tflite import ModelInfo

# hil_error codes (firmware/agent/hil_protocol.h) the host tells apart.
OK, ARENA_TOO_SMALL = 0, 9
FLAGS = ["-m32", "-malign-double", "-msse2", "-mfpmath=sse", "-O1", "-std=c11", "-DHIL_FLOAT_KERNELS"]
NO_DSP_CORES = {"cortex-m0", "cortex-m0plus", "cortex-m1", "cortex-m3", "cortex-m23"}
_MISSING_CELL = re.compile(r"builtin code (\d+) \(type (\d+)\) at op #(\d+)")


@dataclass(frozen=True)
class Answer:
    status: int  # hil_error of the load with the board's arena (0: it loads)
    arena_used: int  # what the firmware reports in READY; 0 when it loads in no arena
    arena_needed: int  # the smallest arena (multiple of 16 bytes) it loads in; 0 likewise
    message: str  # the engine's one-line message, as the firmware words it ("" when it loads)
    breakdown: tuple[tuple[str, int], ...] = ()  # a plain model that loads: what arena_used is made of


# The parts of a built-in engine arena (host/oracle.c arena_breakdown), in the order printed.
ARENA_PARTS = {
    "tensors": "activation tensors in the plan, each alive from its producer to its last reader",
    "alignment": "16-byte offsets in the plan and 8-byte rounding of persistent allocations",
    "input_kept_alive": "the graph inputs held through the whole invoke, so a repeated invoke sees them",
    "scratch": "the kernels' scratch buffers (im2col windows, column buffers, widened weights)",
    "subgraph_table": "the subgraph table of a model with several subgraphs",
    "tensor_table": "the engine's table of every tensor (and scratch buffer)",
    "node_table": "the engine's table of every operator",
    "state": "variable tensors (state kept across invokes)",
    "kernel_data": "what kernels prepare once at load (requantization, per-channel multipliers and shifts)",
}


def _sources() -> list[Path]:
    engine = paths.firmware_dir() / "engines" / "builtin"
    return sorted([*engine.glob("*.c"), *engine.glob("kernels/*.c"), engine / "host" / "oracle.c"])


def _headers() -> list[Path]:
    fw = paths.firmware_dir()
    engine = fw / "engines" / "builtin"
    return sorted([*engine.glob("*.h"), *engine.glob("*.def"), *engine.glob("kernels/*.h"),
                   *(fw / "agent").glob("*.h")])


def _compile(out: Path) -> None:
    gcc = shutil.which("gcc")
    if gcc is None:
        raise ConfigError("the host gcc is missing (the model check compiles the engine for this machine): "
                          "run ./setup.sh (or apt-get install gcc gcc-multilib)")
    engine = paths.firmware_dir() / "engines" / "builtin"
    sources = [s for s in _sources() if s.name not in ("builtin_engine.c", "debug_tensors.c")]
    cmd = [gcc, *FLAGS, f"-I{paths.firmware_dir() / 'agent'}", f"-I{engine}", *map(str, sources), "-lm", "-o", str(out)]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode:
        first = next((ln for ln in result.stderr.splitlines() if "error" in ln), result.stderr.strip()[-300:])
        hint = " (32-bit support missing: run ./setup.sh or apt-get install gcc-multilib)" \
            if "Scrt1.o" in result.stderr or "bits/" in result.stderr or "gnu/stubs-32" in result.stderr else ""
        raise ConfigError(f"building the host model check failed{hint}: {first}")


@functools.cache
def oracle_binary() -> Path:
    """The oracle program for the current engine sources, built once per source hash."""
    h = hashlib.sha256(" ".join(FLAGS).encode())
    for path in [*_sources(), *_headers()]:
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    folder = paths.cache_dir() / f"oracle-{h.hexdigest()[:16]}"
    binary = folder / "hil_oracle"
    if binary.exists():
        return binary
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # pytest-xdist workers share the cache
        if not binary.exists():
            tmp = folder / "hil_oracle.tmp"
            _compile(tmp)
            tmp.replace(binary)
    return binary


@functools.lru_cache(maxsize=256)
def _ask(model: str, sha256: str, arena_bytes: int, dsp: bool) -> Answer:
    result = subprocess.run([str(oracle_binary()), model, str(arena_bytes), "1" if dsp else "0"],
                            capture_output=True, text=True, timeout=120)
    lines = result.stdout.split("\n")
    if result.returncode or len(lines) < 2:
        raise ConfigError(f"the host model check failed on {model}: {(result.stderr.strip() or '?').splitlines()[-1]}")
    status, used, needed = (int(v) for v in lines[0].split())
    parts = tuple((k, int(v)) for k, _, v in (pair.partition("=") for pair in lines[2].split())) \
        if len(lines) > 2 else ()
    return Answer(status, used, needed, lines[1], parts)


def board_arena_bytes(profile: BoardProfile) -> int:
    """HIL_ARENA_BYTES of the board's firmware port (firmware/boards/<board>/board.cmake)."""
    path = paths.firmware_dir() / "boards" / profile.firmware_board / "board.cmake"
    found = re.search(r"set\(\s*HIL_ARENA_BYTES\s+(\d+)\s*\)", path.read_text()) if path.is_file() else None
    if not found:
        raise ConfigError(f"{path} sets no HIL_ARENA_BYTES: add `set(HIL_ARENA_BYTES <bytes>)` to the board port")
    return int(found.group(1))


def has_dsp(profile: BoardProfile) -> bool:
    """Whether the core has the DSP extension (the optimized kernels then take their paths)."""
    return profile.core.lower() not in NO_DSP_CORES


def ask(model: ModelInfo | Path, profile: BoardProfile, arena_bytes: int | None = None) -> Answer:
    """The built-in engine's answer for this model (parsed, or any file) on this board's firmware,
    or with another arena size."""
    path = model if isinstance(model, Path) else model.path
    sha = hashlib.sha256(path.read_bytes()).hexdigest() if isinstance(model, Path) else model.sha256
    arena = board_arena_bytes(profile) if arena_bytes is None else arena_bytes
    return _ask(str(path), sha, arena, has_dsp(profile))


def arena_breakdown(model: Path, profile: BoardProfile, arena_used: int) -> dict[str, int] | None:
    """What the built-in engine's arena of this plain model is made of (ARENA_PARTS, bytes), computed
    by the engine's own load code on the host; None for a pipeline, or when the parts do not sum to
    `arena_used`, the figure the firmware reported (a breakdown of another arena would mislead)."""
    parts = dict(ask(model, profile).breakdown)
    return parts if parts and sum(parts.values()) == arena_used else None


def breakdown_text(parts: dict[str, int]) -> str:
    """'49,152 tensors + 3,072 input kept alive + ...', the non-zero parts."""
    return " + ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in parts.items() if v)


_STAGE = re.compile(r"stage (\d+): ")


def name_ops(message: str, model: ModelInfo) -> str:
    """The engine's message with its builtin-code and TensorType numbers named from the model:
    'builtin code 44 (type 9) at op #0' -> 'UNIDIRECTIONAL_SEQUENCE_LSTM (int8) at op #0'; for a
    pipeline, from the stage the message names ('stage 1: ...')."""
    found = _STAGE.match(message) if model.pipeline is not None else None
    if found and int(found.group(1)) < len(model.pipeline.stages):
        view = model.pipeline.stages[int(found.group(1))]
        return view.prefix() + name_ops(message[found.end():], view.info)
    def named(found: re.Match) -> str:
        code, dtype, index = (int(v) for v in found.groups())
        name = model.ops[index].name if index < len(model.ops) else f"builtin code {code}"
        return f"{name} ({TFLITE_DTYPE_NAMES.get(dtype, f'type {dtype}')}) at op #{index}"
    return _MISSING_CELL.sub(named, message)


def refusal(model: ModelInfo, profile: BoardProfile) -> str | None:
    """Why the built-in engine would refuse this model on this board (one line), or None."""
    answer = ask(model, profile)
    if answer.status == OK:
        return None
    if answer.status == ARENA_TOO_SMALL and answer.arena_needed:
        return (f"it needs {answer.arena_needed:,} bytes of tensor arena and board {profile.name} has "
                f"{board_arena_bytes(profile):,} (HIL_ARENA_BYTES, firmware/boards/{profile.firmware_board}/"
                f"board.cmake): use a board with more RAM or a smaller model")
    return name_ops(answer.message, model)


def check_fpu(model: ModelInfo, profile: BoardProfile) -> None:
    """Refuses, in one line and before building or flashing, a float model on a core without an
    FPU: the float kernels are built for hard-float cores only."""
    ops = float_ops(model)
    if not ops or profile.fpu:
        return
    names = ", ".join(dict.fromkeys(op.name for op in ops))
    raise UnsupportedModelError(
        f"{model.path.name}: float model ({len(ops)} operators on float kernels: {names}) on board {profile.name} "
        f"({profile.core}), which has no FPU; the built-in engine runs float models only on cores with one "
        f"(Cortex-M4F, M7, M55): use the int8 model or a board with an FPU. Nothing was built or flashed.")


def refuse_pipeline(model: ModelInfo, engine: str) -> None:
    """Pipelines run on the built-in engine only: another engine's adapter runs one model."""
    if model.pipeline is not None:
        raise UnsupportedModelError(f"{model.path.name}: pipelines run on the built-in engine (the {engine} adapter "
                                    "runs one model): use --engine builtin. Nothing was built or flashed.")


def refuse(model: ModelInfo, engine: str, reason: str | None) -> None:
    """The one-line refusal of a model an engine cannot run, before anything is built."""
    if reason:
        raise UnsupportedModelError(f"{model.path.name}: the {engine} engine cannot run this model: {reason}. "
                                    f"Nothing was built or flashed.")


def check_supported(model: ModelInfo, profile: BoardProfile) -> None:
    """Refuses, in one line and before anything is built, a model the built-in engine cannot run
    on this board: an operator, type or option it has no kernel for, a model too large for the
    board's arena, a float model on a core without an FPU."""
    refuse(model, "builtin", refusal(model, profile))
    check_fpu(model, profile)
