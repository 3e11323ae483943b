"""Engines side by side: the built-in engine and each given TFLM build on the same models and
board in one run: instructions (or cycles) per MAC, per operator type, arena and flash.

    .venv/bin/python -m bench.run --tflm-root DIR [--tflm-lib LIB ...] [--board qemu-m55]

Each TFLM build is labelled with the commit, kernel set and build type read from its tree and
library (hil/engines/tflm_tree.py). A model an engine refuses gets its one-line reason instead.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from hil import paths
from hil.boards import BoardProfile
from hil.errors import HilError
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog


def checkout_commit() -> str:
    result = subprocess.run(["git", "-C", str(paths.REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
                            capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def engine_harnesses(profile: BoardProfile, tflm_root: str, tflm_libs: list[str], vectors: int,
                     progress: Callable[[str], None]) -> list[tuple[str, dict, Harness]]:
    """(label, description, harness) for the built-in engine, then each TFLM library (or the
    tree's only library for the board when none is named)."""
    setup = HarnessConfig(profile, vector_limit=vectors)
    builtin = Harness(setup, progress=progress)
    engines = [("builtin", {"engine": "builtin", "commit": checkout_commit()}, builtin)]
    for lib in tflm_libs or [None]:
        harness = Harness(setup.variant(engine="tflm", tflm_root=tflm_root, tflm_lib=lib), progress=progress)
        harness.check_tools()  # an ambiguous or missing library is one line here, before any build
        engines.append((harness.engine.tflm.label(), {"engine": "tflm", **harness.engine.tflm.describe()}, harness))
    return engines


def measure(harness: Harness, model: catalog.ModelConfig) -> dict:
    """Instructions per MAC overall and per operator type, arena and flash of one engine on one model."""
    try:
        timing = harness.timing(model, repeat=1)
        target = harness.target(model)
    except HilError as exc:
        return {"error": exc.one_line()}
    macs = model.info().total_macs
    by_type: dict[str, list[int]] = {}
    for op in timing.per_op:
        cycles_macs = by_type.setdefault(op["op"], [0, 0])
        cycles_macs[0] += op["cycles"]
        cycles_macs[1] += op["macs"]
    profiled = any(op["cycles"] for op in timing.per_op)  # a BUILD_TYPE=release TFLM reports no per-op events
    return {"cycles": timing.stats.wcet, "macs": macs, "per_mac": timing.stats.wcet / macs if macs else None,
            "by_op_type": {op: c / m for op, (c, m) in by_type.items() if m and profiled},
            "arena_bytes": target.device.ready.arena_used, "flash_bytes": target.firmware.footprint.flash_bytes}


def side_by_side(profile: BoardProfile, models: list[catalog.ModelConfig], tflm_root: str, tflm_libs: list[str],
                 vectors: int, progress: Callable[[str], None]) -> dict:
    engines = engine_harnesses(profile, tflm_root, tflm_libs, vectors, progress)
    result: dict = {"engines": [{"label": label, **desc} for label, desc, _ in engines], "models": {}}
    try:
        for model in models:
            row = result["models"].setdefault(model.name, {})
            for label, _, harness in engines:
                progress(f"{model.name} on {label}")
                row[label] = measure(harness, model)
                harness.discard(model)  # one emulator at a time per engine
    finally:
        for _, _, harness in engines:
            harness.close()
    return result


def _cell(entry: dict, key: str, fmt: str) -> str:
    if "error" in entry:
        return "refused"
    value = entry.get(key)
    return "-" if value is None else format(value, fmt)


def print_side_by_side(result: dict, unit: str) -> None:
    labels = [e["label"] for e in result["engines"]]
    print(f"\nengines side by side (one run): {unit} per MAC; arena / flash in bytes")
    for i, engine in enumerate(result["engines"]):
        where = f" ({engine['lib']})" if engine["engine"] == "tflm" else f" (tinyml-hil {engine['commit']})"
        print(f"  [{i}] {engine['label']}{where}")
    head = "".join(f"{f'[{i}]':>12}" for i in range(len(labels)))
    print(f"\n{'model':<18}{'MACs':>12}{head}")
    for name, row in result["models"].items():
        macs = next((e["macs"] for e in row.values() if "macs" in e), 0)
        print(f"{name:<18}{macs:>12,}" + "".join(f"{_cell(row[label], 'per_mac', '.2f'):>12}" for label in labels))
    print(f"\n{'model / op type':<30}{head}")
    for name, row in result["models"].items():
        types = dict.fromkeys(t for e in row.values() for t in e.get("by_op_type", {}))
        for op in types:
            cells = "".join(f"{_fmt(row[label].get('by_op_type', {}).get(op)):>12}" for label in labels)
            print(f"{name + ' ' + op:<30}{cells}")
    print(f"\n{'model':<18}" + "".join(f"{f'[{i}] arena / flash':>24}" for i in range(len(labels))))
    for name, row in result["models"].items():
        cells = "".join(f"{_cell(row[label], 'arena_bytes', ',') + ' / ' + _cell(row[label], 'flash_bytes', ','):>24}"
                        for label in labels)
        print(f"{name:<18}{cells}")
    for name, row in result["models"].items():
        for label in labels:
            if "error" in row[label]:
                print(f"{name} on {label}: {row[label]['error']}")


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"
