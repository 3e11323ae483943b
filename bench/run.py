"""The tinyml-hil benchmark: harness throughput against the raw link, target cost per MAC and
per operator type, suite wall time serial and parallel, and footprint. Every ratio is measured
within one run.

    .venv/bin/python -m bench.run [--boards qemu,qemu-m55] [--vectors 20] [--workers 2] [--skip-suites]
    .venv/bin/python -m bench.run --tflm-root DIR [--tflm-lib LIB ...]   # engines side by side (bench/engines.py)

Prints tables and writes reports/bench.json (or --json PATH).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.engines import print_side_by_side, side_by_side
from hil import paths
from hil.boards import find_profile
from hil.errors import HilError
from hil.harness.build import code_size_by_library
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog

BENCH_MODELS = Path(__file__).resolve().parent / "models"


def bench_models(names: list[str] | None, extra: list[str], transfer: bool = True) -> list[catalog.ModelConfig]:
    """The catalog (or the named part of it), transfer16k for the link figures, then the user's own
    models (--model: e.g. the MLPerf Tiny reference models, which the repo does not carry)."""
    models = [m for m in catalog.discover() if not m.missing_reason]
    if transfer:
        models.append(catalog.adhoc(BENCH_MODELS / "transfer16k.tflite", vectors=20))
    chosen = [m for m in models if not names or m.name in names]
    return chosen + [catalog.adhoc(Path(path)) for path in extra]


def raw_link_seconds(device, send: int, reply: int) -> float:
    """The same bytes as one inference, through the minimal TRANSFER path in the same frame
    sizes the harness would use (chunks of the announced max payload)."""
    chunk = device.ready.max_payload - 4
    started = time.perf_counter()
    sent = 0
    while send - sent > chunk:
        device.transfer(bytes(chunk), 0)
        sent += chunk
    device.transfer(bytes(send - sent), reply)
    return time.perf_counter() - started


@contextmanager
def over_uart(device):
    """The device with its debug path set aside: vectors go over the UART meanwhile."""
    debug, device.debug = device.debug, None
    try:
        yield
    finally:
        device.debug = debug


def timed_pass(harness: Harness, model: catalog.ModelConfig, target, n: int) -> float:
    """Seconds for n vectors end to end on a cold reference cache, so every path pays for the host
    interpreter alike."""
    target.reference_cache.clear()
    started = time.perf_counter()
    for i in range(n):
        harness.run_vector(model, i)
    return time.perf_counter() - started


def raw_debug_seconds(device, data: list[bytes]) -> float:
    """The same bytes as one inference through the debug connection alone: the inputs written
    into target RAM (with the mailbox mark) and the outputs read back, no RUN request."""
    started = time.perf_counter()
    device.debug.write_inputs(data)
    device.debug.read_outputs()
    return time.perf_counter() - started


def throughput(harness: Harness, model: catalog.ModelConfig, vectors: int) -> dict:
    """Vectors per second end to end over the UART and, when the board has one, through the debug
    connection (inputs and outputs in target RAM), each against its raw link (the same bytes moved
    with nothing else); the target's compute is measured apart (an INVOKE exchange)."""
    target = harness.target(model)
    n = min(vectors, len(target.vectors))
    in_bytes = sum(s.nbytes for s in target.device.ready.inputs)
    out_bytes = sum(s.nbytes for s in target.device.ready.outputs)
    harness.run_vector(model, 0)  # warm: reference interpreter and caches
    raw, compute = 0.0, 0.0
    with over_uart(target.device):
        e2e = timed_pass(harness, model, target, n)
        for _ in range(n):
            raw += raw_link_seconds(target.device, in_bytes, out_bytes)
            started = time.perf_counter()
            target.device.invoke(1)
            compute += time.perf_counter() - started
    result = {"vectors": n, "input_bytes": in_bytes, "output_bytes": out_bytes,
              "e2e_vectors_per_s": n / e2e, "raw_vectors_per_s": n / raw, "ratio": raw / e2e,
              "compute_s_per_vector": compute / n, "ratio_without_compute": raw / max(e2e - compute, 1e-9)}
    if target.device.debug is not None:
        debug = timed_pass(harness, model, target, n)
        data = [target.device.encode_inputs(target.vectors.inputs[i]) for i in range(n)]
        raw_debug = sum(raw_debug_seconds(target.device, d) for d in data)
        result.update(debug_vectors_per_s=n / debug, debug_raw_vectors_per_s=n / raw_debug,
                      debug_remote=target.device.debug.memory.remote)
    return result


def target_cost(harness: Harness, model: catalog.ModelConfig) -> dict:
    timing = harness.timing(model, repeat=1)
    stats, info = timing.stats, model.info()
    by_type: dict[str, dict] = {}
    for op in timing.per_op:
        entry = by_type.setdefault(op["op"], {"cycles": 0, "macs": 0, "count": 0})
        entry["cycles"] += op["cycles"]
        entry["macs"] += op["macs"]
        entry["count"] += 1
    for entry in by_type.values():
        entry["cycles_per_mac"] = entry["cycles"] / entry["macs"] if entry["macs"] else None
    macs = info.total_macs
    return {"cycles": stats.wcet, "provenance": stats.clock.provenance, "macs": macs,
            "cycles_per_mac": stats.wcet / macs if macs else None, "by_op_type": by_type}


def footprint(harness: Harness, model: catalog.ModelConfig) -> dict:
    target = harness.target(model)
    record = {**harness.target_record(target), **harness.ram_record(target)}  # RAM used and reserved
    libs = code_size_by_library(target.firmware.elf.with_suffix(".map"))
    return {"flash_bytes": record["flash_bytes"], "ram_bytes": record["ram_bytes"],
            "ram_reserved_bytes": record["ram_reserved_bytes"], "arena_bytes": record["arena_bytes"],
            "arena_breakdown": target.arena_breakdown(),
            "model_bytes": target.info.size, "engine_code_bytes": libs.get("libhil_engine_builtin.a", 0),
            "agent_code_bytes": libs.get("libhil_agent.a", 0)}


def suite_wall_time(board: str, workers: int) -> dict:
    """The default suites (pytest --board=BOARD), serial and with `workers` parallel boards,
    after a warm-up run so firmware builds are cached for both."""
    def run(extra: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", f"--board={board}", "-q", "--no-results", *extra],
                       cwd=paths.REPO_ROOT, capture_output=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"),
                       check=False)
        return time.perf_counter() - started
    run(["--co"])
    warm = run([])
    serial = run([])
    parallel = run(["-n", str(workers)])
    return {"warmup_s": warm, "serial_s": serial, f"parallel_{workers}_s": parallel, "workers": workers,
            "speedup": serial / parallel}


def print_tables(result: dict) -> None:
    print(f"\nboard {result['board']}  (cycles are {result['provenance']})")
    print(f"\n{'model':<18}{'in B':>8}{'out B':>7}{'e2e vec/s':>11}{'raw vec/s':>11}{'ratio':>7}"
          f"{'ratio w/o compute':>19}{'debug e2e vec/s':>17}{'debug raw vec/s':>17}")
    for name, m in result["models"].items():
        t = m["throughput"]
        debug = [f"{t[k]:.2f}" if k in t else "-" for k in ("debug_vectors_per_s", "debug_raw_vectors_per_s")]
        print(f"{name:<18}{t['input_bytes']:>8}{t['output_bytes']:>7}{t['e2e_vectors_per_s']:>11.2f}"
              f"{t['raw_vectors_per_s']:>11.2f}{t['ratio']:>7.2f}{t['ratio_without_compute']:>19.2f}{debug[0]:>17}"
              f"{debug[1]:>17}")
    print("(e2e and raw: over the UART; debug: inputs and outputs through the debug connection's memory access, "
          "the UART carrying the RUN request; raw: the same bytes moved with nothing else)")
    print(f"\n{'model':<18}{'MACs':>11}{'cycles':>13}{'cyc/MAC':>9}  per op type (cycles/MAC)")
    for name, m in result["models"].items():
        c = m["cost"]
        per_mac = f"{c['cycles_per_mac']:.2f}" if c["cycles_per_mac"] else "-"
        types = ", ".join(f"{k} {v['cycles_per_mac']:.2f}" for k, v in c["by_op_type"].items() if v["macs"])
        print(f"{name:<18}{c['macs']:>11,}{c['cycles']:>13,}{per_mac:>9}  {types}")
    print(f"\n{'model':<18}{'flash B':>10}{'RAM used B':>11}{'arena B':>10}{'model B':>10}{'engine code B':>15}")
    for name, m in result["models"].items():
        f = m["footprint"]
        print(f"{name:<18}{f['flash_bytes']:>10,}{f['ram_bytes']:>11,}{f['arena_bytes']:>10,}"
              f"{f['model_bytes']:>10,}{f['engine_code_bytes']:>15,}")
    print_arena_breakdown(result)
    if "suites" in result:
        s = result["suites"]
        parallel = s[f"parallel_{s['workers']}_s"]
        print(f"\ndefault suites: serial {s['serial_s']:.1f} s, {s['workers']} workers {parallel:.1f} s, "
              f"speedup {s['speedup']:.2f}x")


def print_arena_breakdown(result: dict) -> None:
    """What each model's arena is made of (the built-in engine's plain models; hil.engines.oracle.ARENA_PARTS)."""
    rows = {name: m["footprint"]["arena_breakdown"] for name, m in result["models"].items()
            if m["footprint"].get("arena_breakdown")}
    if not rows:
        return
    parts = list(next(iter(rows.values())))
    print(f"\narena breakdown (bytes; the parts sum to the arena B above)\n{'model':<18}"
          + "".join(f"{p.replace('_', ' '):>{max(len(p), 7) + 2}}" for p in parts))
    for name, row in rows.items():
        print(f"{name:<18}" + "".join(f"{row[p]:>{max(len(p), 7) + 2},}" for p in parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=" ".join(__doc__.split("\n\n")[0].split()),
                                     epilog="Prints tables and writes the figures as JSON (--json).")
    parser.add_argument("--boards", "--board", dest="boards", default="qemu,qemu-m55", metavar="NAMES",
                        help="board profile names or aliases, comma-separated (`hil boards`); default qemu,qemu-m55 "
                             "(Cortex-M4 and Cortex-M55, each measured and then compared in one table)")
    parser.add_argument("--models", nargs="*", help="catalog names (default: all, plus transfer16k)")
    parser.add_argument("--model", action="append", default=[], metavar="PATH",
                        help="a .tflite of your own, after the catalog ones (repeatable; --models '' for only these)")
    parser.add_argument("--vectors", type=int, default=20, help="vectors per model in the throughput runs (default 20)")
    parser.add_argument("--workers", type=int, default=2,
                        help="xdist workers of the parallel suite run, beside the serial one (default 2)")
    parser.add_argument("--skip-suites", action="store_true", help="skip the suite wall-time runs")
    parser.add_argument("--define", action="append", default=[], metavar="NAME[=VALUE]",
                        help="firmware define, e.g. HIL_REFERENCE_KERNELS (the engine without its optimized kernels)")
    parser.add_argument("--tflm-root", metavar="DIR", help="measure the built-in engine and TFLM side by side instead")
    parser.add_argument("--tflm-lib", nargs="*", default=[], metavar="LIB",
                        help="with --tflm-root: the TFLM libraries to compare (default: the tree's one for each board)")
    parser.add_argument("--json", default=str(paths.REPO_ROOT / "reports" / "bench.json"), metavar="PATH",
                        help="where the figures are written (default reports/bench.json)")
    args = parser.parse_args(argv)
    if args.tflm_lib and not args.tflm_root:
        parser.error("--tflm-lib needs --tflm-root (the tree whose headers the libraries were built from)")
    try:
        return side_by_side_main(args) if args.tflm_root else harness_main(args)
    except HilError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2


def board_names(args) -> list[str]:
    return [name.strip() for name in args.boards.split(",") if name.strip()]


def side_by_side_main(args) -> int:
    models = bench_models(args.models, args.model, transfer=False)
    results = {}
    for name in board_names(args):
        profile = find_profile(name)
        results[profile.name] = {"board": profile.name, "provenance": profile.provenance,
                                 **side_by_side(profile, models, args.tflm_root, args.tflm_lib, args.vectors,
                                                lambda m: print(f"[bench] {m}", file=sys.stderr))}
        unit = "instructions" if profile.provenance == "virtual" else "cycles"
        print(f"\nboard {profile.name} ({profile.core}), {unit} [{profile.provenance}], up to {args.vectors} vectors")
        print_side_by_side(results[profile.name], unit)
    write_json(args.json, {"boards": results})
    print(f"\nwrote {args.json}")
    return 0


def write_json(path: str, result: dict) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(result, indent=2))


def measure_board(args, name: str) -> dict:
    """Every model's throughput, cost and footprint on one board (the built-in engine)."""
    profile = find_profile(name)
    harness = Harness(HarnessConfig(profile, defines=tuple(args.define)),
                      progress=lambda m: print(f"[bench] {m}", file=sys.stderr))
    result: dict = {"board": profile.name, "core": profile.core, "provenance": profile.provenance,
                    "defines": args.define, "models": {}}
    try:
        for model in bench_models(args.models, args.model):
            print(f"[bench] {profile.name}: {model.name}", file=sys.stderr)
            result["models"][model.name] = {"throughput": throughput(harness, model, args.vectors),
                                            "cost": target_cost(harness, model),
                                            "footprint": footprint(harness, model)}
    finally:
        harness.close()
    return result


def print_cores(results: dict) -> None:
    """Instructions (or cycles) per MAC, arena and flash of every model on every board, side by side. An MVE
    (Helium) instruction does more work than a scalar one (beats): compare counts between kernels on one
    core, not across cores."""
    boards = list(results)
    head = "".join(f"{b + ' /MAC':>16}{'arena B':>10}{'flash B':>10}" for b in boards)
    print(f"\ncores side by side (one run; per MAC: instructions on emulators, counted per core)\n{'model':<18}{head}")
    names = dict.fromkeys(n for r in results.values() for n in r["models"])
    for name in names:
        cells = ""
        for b in boards:
            m = results[b]["models"].get(name)
            per_mac = m["cost"]["cycles_per_mac"] if m else None
            cells += f"{per_mac:>16.2f}" if per_mac else f"{'-':>16}"
            cells += f"{m['footprint']['arena_bytes']:>10,}{m['footprint']['flash_bytes']:>10,}" if m else f"{'-':>20}"
        print(f"{name:<18}{cells}")


def harness_main(args) -> int:
    results = {}
    for name in board_names(args):
        result = measure_board(args, name)
        results[result["board"]] = result
    first = next(iter(results.values()))
    if not args.skip_suites:  # the suites' wall time on the first board only
        first["suites"] = suite_wall_time(first["board"], args.workers)
    write_json(args.json, {"boards": results})
    for result in results.values():
        print_tables(result)
    print_cores(results)
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
