"""Engines side by side: the built-in engine and each given TFLM build on the same models and
board in one run: instructions (or cycles) per MAC, per operator type, arena and flash.

    .venv/bin/python -m bench.run --tflm-root DIR [--tflm-lib LIB ...] [--board qemu-m55]

Each TFLM build is labelled with the commit, kernel set and build type read from its tree and
library (hil/engines/tflm_tree.py). Every vector is also checked against host TFLM: a figure
counts only from a run whose outputs matched it, so a mismatching run shows "mismatch" instead
of a number. A model an engine refuses ("refused") or that fails to build or run ("failed")
gets its one-line reason below the tables.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from hil import paths
from hil.boards import BoardProfile
from hil.errors import Category, HilError
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
    """Instructions per MAC overall and per operator type, arena and flash of one engine on one model,
    and how many of its vectors matched host TFLM."""
    try:
        target = harness.target(model)
        parity = [harness.run_vector(model, i).parity for i in range(len(target.vectors))]
        timing = harness.timing(model, repeat=1)
    except HilError as exc:
        return {"error": exc.one_line(), "refused": exc.category is Category.UNSUPPORTED}
    macs = model.info().total_macs
    by_type: dict[str, list[int]] = {}
    for op in timing.per_op:
        cycles_macs = by_type.setdefault(op["op"], [0, 0])
        cycles_macs[0] += op["cycles"]
        cycles_macs[1] += op["macs"]
    profiled = any(op["cycles"] for op in timing.per_op)  # a BUILD_TYPE=release TFLM reports no per-op events
    return {"vectors": len(parity), "mismatching": sum(not p.within_tolerance for p in parity),
            "max_abs_diff": max(p.max_abs_diff for p in parity),
            "cycles": timing.stats.wcet, "macs": macs, "per_mac": timing.stats.wcet / macs if macs else None,
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


def _cell(entry: dict, value: float | None, fmt: str) -> str:
    """A figure of one engine on one model, or why there is none."""
    if "error" in entry:
        return "refused" if entry["refused"] else "failed"
    if entry["mismatching"]:
        return "mismatch"
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
        print(f"{name:<18}{macs:>12,}" + "".join(f"{_cell(row[label], row[label].get('per_mac'), '.2f'):>12}"
                                                  for label in labels))
    print(f"\n{'model / op type':<30}{head}")
    for name, row in result["models"].items():
        types = dict.fromkeys(t for e in row.values() for t in e.get("by_op_type", {}))
        for op in types:
            cells = "".join(f"{_cell(row[label], row[label].get('by_op_type', {}).get(op), '.2f'):>12}"
                            for label in labels)
            print(f"{name + ' ' + op:<30}{cells}")
    print(f"\n{'model':<18}" + "".join(f"{f'[{i}] arena / flash':>24}" for i in range(len(labels))))
    for name, row in result["models"].items():
        cells = "".join(f"{_cell(e, e.get('arena_bytes'), ',') + ' / ' + _cell(e, e.get('flash_bytes'), ','):>24}"
                        for e in (row[label] for label in labels))
        print(f"{name:<18}{cells}")
    print_parity(result)


def print_parity(result: dict) -> None:
    """How many runs matched host TFLM, then each mismatch, refusal and failure in one line."""
    entries = [(name, label, e) for name, row in result["models"].items() for label, e in row.items()]
    ran = [e for _, _, e in entries if "error" not in e]
    matched = [e for e in ran if not e["mismatching"]]
    worst = max((e["max_abs_diff"] for e in matched), default=0)
    print(f"\noutputs against host TFLM: {len(matched)} of {len(ran)} engine x model runs matched on every vector "
          f"({sum(e['vectors'] for e in ran)} vectors; max |diff| of those {worst:g})")
    for name, label, e in entries:
        if "error" in e:
            print(f"{name} on {label}: {e['error']}")
        elif e["mismatching"]:
            print(f"{name} on {label}: {e['mismatching']} of {e['vectors']} vectors differ from host TFLM "
                  f"(max |diff| {e['max_abs_diff']:g})")
