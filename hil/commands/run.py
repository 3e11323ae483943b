"""`hil run`: any .tflite, one command: build, flash, stream vectors, compare with TFLM."""

from __future__ import annotations

import json
import os
import shlex
import sys
from pathlib import Path

from hil.boards import BACKEND_OPTIONS, find_profile
from hil.boards.debug_link import VECTORS_VIA
from hil.errors import Category, ConfigError, HilError
from hil.harness.build import stderr_progress
from hil.harness.config import HarnessConfig
from hil.harness.interrupt import Interrupted, SignalGuard
from hil.harness.progress import Progress
from hil.harness.runner import Harness, RunSummary, Target, VectorResult, op_profile_rows, parity_failure_message
from hil.link.protocol import MAX_REPEAT
from hil.model import catalog
from hil.model.recordings import Framing, is_recording
from hil.power import attach_power_monitor
from hil.results.fields import Field
from hil.results.recorder import RunRecorder, run_metadata
from hil.results.store import default_db_path


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
    parser.add_argument("--estimate-for", default=None, metavar="PART[@MHz]",
                        help="estimate cycles for this part from QEMU's instruction mix (e.g. stm32l4r5@120MHz; "
                             "default: the profile's [estimate] part) and check deadlines against the estimate")
    parser.add_argument("--port", default=None, help="serial port of a physical board")
    parser.add_argument("--baud", type=int, default=None, help="serial baud rate (default: the board profile's)")
    parser.add_argument("--flasher", choices=["pyocd", "gdb", "none"], default=None)
    parser.add_argument("--target", default=None, help="pyOCD target type")
    parser.add_argument("--probe", default=None, help="debug probe unique ID")
    parser.add_argument("--gdb-remote", default=None, metavar="HOST:PORT")
    parser.add_argument("--vectors-via", choices=VECTORS_VIA, default="auto",
                        help="vectors through the debug connection's memory access (auto: when the board has one) "
                             "or the UART")
    parser.add_argument("--renode-path", default=None)
    parser.add_argument("--lg-place", default=os.environ.get("LG_PLACE"), metavar="NAME",
                        help="--board labgrid: the labgrid place to use (default $LG_PLACE; docs/farm.md)")
    parser.add_argument("--lg-tags", action="append", default=[], metavar="KEY=VALUE",
                        help="--board labgrid: any free place with these tags (repeatable)")
    parser.add_argument("--lg-coordinator", default=None, metavar="HOST:PORT",
                        help="--board labgrid: the coordinator (default $LG_COORDINATOR, else 127.0.0.1:20408)")
    parser.add_argument("--lg-env", default=os.environ.get("LG_ENV"), metavar="FILE",
                        help="--board labgrid: a labgrid environment file naming the place")
    parser.add_argument("--lg-timeout", type=float, default=600.0, metavar="S",
                        help="--board labgrid: how long to wait for a place (default 600 s)")
    parser.add_argument("--board-profile", default=None, metavar="NAME",
                        help="--board labgrid: the place's board profile (default: its hil_board tag)")


def add_power_options(parser) -> None:
    """The power monitor options, as the pytest plugin has them."""
    parser.add_argument("--power-monitor", choices=["ppk2", "joulescope"], default=None,
                        help="measure with a power monitor (default: estimate from the board's [power] model)")
    parser.add_argument("--power-port", default=None, metavar="PORT",
                        help="the PPK2's serial port, or the Joulescope's device path (default: the only one)")
    parser.add_argument("--power-sync", choices=["gpio", "ticks"], default="gpio",
                        help="cut inference windows by the sync GPIO's edges (default) or the target's tick durations")
    parser.add_argument("--power-voltage", type=float, default=None, metavar="V",
                        help="PPK2: the board's supply voltage (default: the profile's [power] supply_v)")
    parser.add_argument("--power-mode", choices=["ampere", "source"], default="ampere", help="PPK2 mode")


def make_harness(args, progress=stderr_progress) -> Harness:
    options = {k: getattr(args, k) for k in BACKEND_OPTIONS}
    profile = find_profile(args.board) if args.board != "labgrid" else None
    if profile is None:  # a board of a labgrid farm (hil/boards/labgrid.py)
        from hil.farm.place import place_request, resolve_profile

        request = place_request(place=args.lg_place, tags=args.lg_tags, coordinator=args.lg_coordinator,
                                env_file=args.lg_env, timeout=args.lg_timeout)
        profile = resolve_profile(request, args.board_profile)
        options.update(labgrid=request, progress=stderr_progress)
    config = HarnessConfig(profile, engine=args.engine, backend_options=options,
                           tflm_root=getattr(args, "tflm_root", None), tflm_lib=getattr(args, "tflm_lib", None))
    harness = Harness(config, progress=progress)
    harness.check_tools()
    return harness


def check_counts(args) -> None:
    """Counts that would make a run measure nothing are refused before anything is built."""
    if args.vectors < 1:
        raise ConfigError(f"--vectors {args.vectors}: a run needs at least 1 vector")
    if args.steps is not None and args.steps < 0:
        raise ConfigError(f"--steps {args.steps}: give the vectors per sequence (>= 1), or 0 for one sequence")
    if not 1 <= args.repeat <= MAX_REPEAT:
        raise ConfigError(f"--repeat {args.repeat}: give 1 to {MAX_REPEAT} inferences per vector (the agent keeps "
                          f"the ticks of at most {MAX_REPEAT} per request)")


SUITE = "hil-run"  # the suite name of `hil run` rows in the results history


def check_state(args, config) -> None:
    """A model with state runs each vector once in its sequence: --repeat would advance it."""
    if args.repeat != 1 and config.info().stateful:
        raise ConfigError(f"--repeat {args.repeat}: {config.tflite.name} keeps state across invokes, so each vector "
                          "runs once in its sequence (--steps); give --repeat 1 (the cycles suite repeats whole "
                          "sequences)")


def model_config(args):
    """The model, or the pipeline, `hil run` was given, with its inputs: a vector file, or WAV/CSV
    recordings framed into the first stage's input windows."""
    if (args.model is None) == (args.pipeline is None):
        raise ConfigError("give one model (hil run MODEL.tflite) or a pipeline (hil run --pipeline "
                          "A.tflite[:INVOKES] B.tflite ...), not both or neither")
    if args.pipeline is not None:
        config = catalog.adhoc_pipeline(args.pipeline, vectors=args.vectors, seed=args.seed, steps=args.steps)
    else:
        config = catalog.adhoc(Path(args.model), vectors=args.vectors, seed=args.seed, steps=args.steps)
    files = [Path(f).resolve() for f in args.inputs or []]
    if files and all(is_recording(f) for f in files):
        config.recordings, config.vectors_file = files, None
        config.framing = Framing(args.window, args.stride, args.sample_rate)
    elif len(files) == 1:
        config.vectors_file = files[0]
    elif files:
        raise ConfigError("--inputs: one .npz/.npy vector file, or WAV/CSV recordings (one or more)")
    return config


def run(args) -> int:
    check_counts(args)
    config = model_config(args)
    check_state(args, config)
    total = len(config.vectors(args.vectors))  # an unreadable or empty --inputs file is refused before building
    harness = make_harness(args, progress=None if args.json else stderr_progress)
    recorder = None if args.no_results else RunRecorder(
        Path(args.results_db) if args.results_db else default_db_path(),
        run_metadata(Path.cwd(), board=harness.profile.name, engine=harness.engine.name,
                     command=shlex.join(["hil", *sys.argv[1:]]), defines=harness.config.defines), planned=total)
    results: list[VectorResult] = []
    target: Target | None = None
    try:
        with SignalGuard() as guard:
            try:
                target = harness.target(config)
                stream(harness, config, target, total, args.repeat, results, recorder, guard)
                summary = RunSummary(target, harness.profile.name, results, op_profile_rows(target),
                                     harness.ram_record(target))
                if args.power_monitor:  # measured energy replaces the estimate (never mixed)
                    attach_power_monitor(harness, vars(args))
                    summary.energy = harness.measure_energy(config, max(args.repeat, 5))
            except Interrupted as stop:
                return interrupted(stop, harness, target, results, total, recorder, args)
            except HilError:
                finish(recorder, 1, completed=False)
                raise
    finally:
        harness.close()
    status = 0 if summary.exact else 1
    finish(recorder, status, completed=True)
    print(json.dumps(summary.as_json(), indent=2) if args.json else summary.table())
    if not summary.exact:
        print(f"hil: {summary.mismatching} of {summary.vectors} vectors differ from TFLM", file=sys.stderr)
    return status


def stream(harness: Harness, config, target: Target, total: int, repeat: int, results: list[VectorResult],
           recorder: RunRecorder | None, guard: SignalGuard) -> None:
    """Runs every vector, recording each as it is measured (a failing vector too, before its
    error ends the run), with a progress line on long runs."""
    progress = Progress(total, "vectors")
    try:
        for index in range(total):
            try:
                result = harness.run_vector(config, index, repeat=repeat)
            except HilError as exc:
                with guard.critical():
                    record_vector(recorder, harness, target, config, index, None, exc)
                raise
            with guard.critical():
                record_vector(recorder, harness, target, config, index, result, None)
                results.append(result)
            progress.update(len(results))
    finally:
        progress.close()


def record_vector(recorder: RunRecorder | None, harness: Harness, target: Target, config, index: int,
                  result: VectorResult | None, error: HilError | None) -> None:
    """The vector's row, with the record keys of the parity suite (test_suites/test_parity.py)."""
    if recorder is None:
        return
    record = {**harness.target_record(target), **(result.record() if result else {Field.VECTOR: index})}
    if error is not None:
        outcome, category, message = "failed", error.category.value, error.one_line()
    elif result.parity.within_tolerance:
        outcome, category, message = "passed", None, None
    else:
        outcome, category, message = "failed", Category.PARITY.value, parity_failure_message(config, index, result)
    recorder.record(f"hil run::{config.name}[v{index:03d}]", outcome=outcome, suite=SUITE, record=record,
                    category=category, message=message)


def interrupted(stop: Interrupted, harness: Harness, target: Target | None, results: list[VectorResult], total: int,
                recorder: RunRecorder | None, args) -> int:
    """Ctrl-C or SIGTERM: what was measured is printed and kept, and the run is marked interrupted."""
    finish(recorder, stop.exit_status, completed=False)
    if results and target is not None:
        summary = RunSummary(target, harness.profile.name, results, [])
        print(json.dumps(summary.as_json(), indent=2) if args.json else summary.table(), flush=True)
    kept = f"; kept in {recorder.path}" if recorder is not None and recorder.run_id is not None else ""
    print(f"hil: interrupted after {len(results)} of {total} vectors ({stop}){kept}", file=sys.stderr)
    return stop.exit_status


def finish(recorder: RunRecorder | None, status: int, completed: bool) -> None:
    if recorder is None:
        return
    recorder.finish(status, completed)
    line = recorder.closing_line()
    if line and recorder.error:
        print(f"hil: {line}", file=sys.stderr)


def register(sub) -> None:
    parser = sub.add_parser("run", help="run any int8 .tflite on a board and compare with TFLM")
    parser.add_argument("model", nargs="?", default=None, help="the .tflite file")
    parser.add_argument("--pipeline", nargs="+", default=None, metavar="MODEL[:INVOKES]",
                        help="several models run in sequence on one target (instead of MODEL), each stage's outputs "
                             "feeding the next; INVOKES: runs of a stage per pipeline run, its outputs stacked "
                             "(docs/pipelines.md)")
    parser.add_argument("--vectors", type=int, default=20, help="number of vectors (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random vectors")
    parser.add_argument("--inputs", nargs="+", default=None, metavar="FILE",
                        help=".npz/.npy of inputs instead of random vectors, or WAV (mono 16-bit) / CSV recordings "
                             "framed into the (first stage's) input windows")
    parser.add_argument("--window", type=int, default=None,
                        help="recordings: samples per invoke of the first stage (default: what its input holds)")
    parser.add_argument("--stride", type=int, default=None,
                        help="recordings: samples between consecutive windows (default: the window)")
    parser.add_argument("--sample-rate", type=int, default=None, help="recordings: the WAV sample rate expected")
    parser.add_argument("--repeat", type=int, default=1, help="inferences per vector (timing)")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="a model with state (RNN, SVDF, variables): vectors per sequence, the state carried "
                             "over within one and reset before each (default: the --inputs file's `sequence` "
                             "array, else 4; 0: one sequence)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--results-db", default=None, metavar="PATH",
                        help="record every vector in this results database (default: $HIL_RESULTS_DB, else "
                             "reports/results.sqlite in the current directory)")
    parser.add_argument("--no-results", action="store_true", help="do not record this run in the results database")
    add_board_options(parser)
    add_power_options(parser)
    parser.set_defaults(func=run)
