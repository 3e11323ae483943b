"""`hil run`: any .tflite, one command: build, flash, stream vectors, compare with TFLM."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from hil.boards import BACKEND_OPTIONS, find_profile
from hil.errors import ConfigError
from hil.harness.build import stderr_progress
from hil.harness.runner import Harness, summarize
from hil.link.protocol import MAX_REPEAT
from hil.model import catalog


def add_board_options(parser) -> None:
    """Board selection options shared by the commands that talk to a target."""
    parser.add_argument("--board", default="qemu", help="board profile name or alias (`hil boards`)")
    parser.add_argument("--engine", default="builtin", help="builtin or tflm")
    parser.add_argument("--tflm-root", default=os.environ.get("TFLM_ROOT"), metavar="DIR",
                        help="--engine tflm: TFLM tree with a built libtensorflow-microlite.a (default $TFLM_ROOT)")
    parser.add_argument("--tflm-lib", default=None, metavar="LIB",
                        help="--engine tflm: the library to link (default $TFLM_LIB, else the tree's only one "
                             "for the board)")
    parser.add_argument("--cpu-hz", type=int, default=None, help="override the profile's core clock")
    parser.add_argument("--port", default=None, help="serial port of a physical board")
    parser.add_argument("--baud", type=int, default=None, help="serial baud rate (default: the board profile's)")
    parser.add_argument("--flasher", choices=["pyocd", "gdb", "none"], default=None)
    parser.add_argument("--target", default=None, help="pyOCD target type")
    parser.add_argument("--probe", default=None, help="debug probe unique ID")
    parser.add_argument("--gdb-remote", default=None, metavar="HOST:PORT")
    parser.add_argument("--renode-path", default=None)


def make_harness(args, progress=stderr_progress) -> Harness:
    options = {k: getattr(args, k) for k in BACKEND_OPTIONS}
    harness = Harness(find_profile(args.board), engine=args.engine, backend_options=options,
                      progress=progress, tflm_root=getattr(args, "tflm_root", None),
                      tflm_lib=getattr(args, "tflm_lib", None))
    harness.check_tools()
    return harness


def check_counts(args) -> None:
    """Counts that would make a run measure nothing are refused before anything is built."""
    if args.vectors < 1:
        raise ConfigError(f"--vectors {args.vectors}: a run needs at least 1 vector")
    if not 1 <= args.repeat <= MAX_REPEAT:
        raise ConfigError(f"--repeat {args.repeat}: give 1 to {MAX_REPEAT} inferences per vector (the agent keeps "
                          f"the ticks of at most {MAX_REPEAT} per request)")


def run(args) -> int:
    check_counts(args)
    config = catalog.adhoc(Path(args.model), vectors=args.vectors, seed=args.seed)
    if args.inputs:
        config.vectors_file = Path(args.inputs).resolve()
    config.vectors(args.vectors)  # an unreadable or empty --inputs file is refused before building
    harness = make_harness(args, progress=None if args.json else stderr_progress)
    try:
        summary = summarize(harness, config, limit=args.vectors, repeat=args.repeat)
    finally:
        harness.close()
    if args.json:
        print(json.dumps(summary.as_json(), indent=2))
    else:
        print(summary.table())
    if not summary.exact:
        print(f"hil: {summary.mismatching} of {summary.vectors} vectors differ from TFLM", file=sys.stderr)
    return 0 if summary.exact else 1


def register(sub) -> None:
    parser = sub.add_parser("run", help="run any int8 .tflite on a board and compare with TFLM")
    parser.add_argument("model", help="the .tflite file")
    parser.add_argument("--vectors", type=int, default=20, help="number of vectors (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random vectors")
    parser.add_argument("--inputs", default=None, help=".npz/.npy of inputs instead of random vectors")
    parser.add_argument("--repeat", type=int, default=1, help="inferences per vector (timing)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_board_options(parser)
    parser.set_defaults(func=run)
