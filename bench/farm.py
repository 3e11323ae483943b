"""A suite on one labgrid place against the same suite on two, measured in one run: a lab of two
emulated boards on 127.0.0.1 (hil/farm/lab.py), the parity suite through `--board=labgrid`
on one place (one process), then with `-n 2` over both places, then with `-n 2` on one place
(the second worker waits for the first). Firmware builds are warmed first, so every row pays
the same: reserving, flashing through GDB, READY, vectors, releasing.

    .venv/bin/python -m bench.farm [--vectors 10] [--board qemu] [--only-model NAME ...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from hil.farm.lab import BoardSpec, LoopbackLab

ROOT = Path(__file__).resolve().parents[1]


def run_suite(lab: LoopbackLab, extra: list[str], args: argparse.Namespace) -> tuple[float, str]:
    models = [f"--only-model={m}" for m in args.only_model]
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=labgrid", "--lg-coordinator",
           lab.address, f"--vectors={args.vectors}", "--no-results", "-q", "-p", "no:randomly", *models, *extra]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "LG_PLACE", "LG_COORDINATOR")}
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    elapsed = time.monotonic() - started
    summary = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
    if proc.returncode != 0:
        raise SystemExit(f"bench.farm: `{' '.join(cmd)}` failed: {summary}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.farm", description=__doc__.split("\n\n")[0] + ".")
    parser.add_argument("--vectors", type=int, default=10, help="vectors per model (default 10)")
    parser.add_argument("--board", default="qemu", help="the board profile both places emulate (default qemu)")
    parser.add_argument("--only-model", action="append", default=[], metavar="NAME",
                        help="run only these catalog models (repeatable; default: all)")
    args = parser.parse_args(argv)
    tag = f"--lg-tags=hil_board={args.board}"
    rows = [("1 place, 1 process", ["--lg-place=farm-a"]),
            ("2 places, -n 2", [tag, "-n", "2"]),
            ("1 place, -n 2 (one worker waits)", ["--lg-place=farm-a", "-n", "2"])]
    with LoopbackLab([BoardSpec("farm-a", args.board, "lab-a"), BoardSpec("farm-b", args.board, "lab-b")]) as lab:
        print(f"lab: coordinator {lab.address}, places farm-a and farm-b ({args.board}); load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
        run_suite(lab, ["--lg-place=farm-a", "--vectors=1"], args)  # builds every firmware once
        results = []
        for name, extra in rows:
            elapsed, summary = run_suite(lab, extra, args)
            results.append((name, elapsed, summary))
            print(f"  {name:34s} {elapsed:7.1f} s   {summary}", flush=True)
    base = results[0][1]
    print("\n| configuration | wall time | speedup vs 1 place |\n|---|---|---|")
    for name, elapsed, _ in results:
        print(f"| {name} | {elapsed:.1f} s | {base / elapsed:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
