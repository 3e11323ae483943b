"""The pytest plugin: command-line options, the `hil` fixture, and the parametrization of
the HIL suites by (model, vector)."""

from __future__ import annotations

import contextlib
import os
import sys

import pytest

from hil.boards import BACKEND_OPTIONS, BoardProfile, find_profile
from hil.boards.debug_link import VECTORS_VIA
from hil.boards.process import stop_on_sigterm
from hil.errors import HilError
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.catalog import ModelConfig
from hil.power import POWER_OPTIONS, attach_power_monitor
from hil.pytest.keys import HARNESS_KEY, MODELS_KEY, OPTION_GROUP, RECORD_KEY, SUMMARY_KEY
from hil.pytest.rootdir import reanchor

# Registered with this plugin; each adds its own options to the "hil" group after these.
pytest_plugins = ["hil.pytest.results", "hil.verdicts.quality"]


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    group = parser.getgroup(*OPTION_GROUP)
    if pluginmanager.is_blocked("labgrid"):  # else labgrid's plugin adds these (same names, same meaning)
        group.addoption("--lg-coordinator", dest="lg_coordinator", metavar="HOST:PORT",
                        help="--board=labgrid: the labgrid coordinator (default $LG_COORDINATOR, else 127.0.0.1:20408)")
        group.addoption("--lg-env", dest="lg_env", metavar="FILE",
                        help="--board=labgrid: a labgrid environment file naming the place (RemotePlace) and the "
                             "coordinator (default $LG_ENV)")
    group.addoption("--board", default="qemu", help="board profile name or alias (`hil boards`); default qemu")
    group.addoption("--port", default=None, help="serial port of a physical board (COM3, /dev/ttyACM0)")
    group.addoption("--baud", type=int, default=None,
                    help="serial baud rate of a physical board (default: the profile's, else 115200)")
    group.addoption("--flasher", default=None, choices=["pyocd", "gdb", "none"],
                    help="how to flash a physical board (default from the board profile)")
    group.addoption("--target", default=None, help="pyOCD target type, e.g. stm32f446re")
    group.addoption("--probe", default=None, help="debug probe unique ID (pyOCD)")
    group.addoption("--gdb-remote", default=None, metavar="HOST:PORT",
                    help="GDB server to flash through (OpenOCD, pyOCD gdbserver, ST-LINK gdbserver, QEMU -s)")
    group.addoption("--lg-place", default=os.environ.get("LG_PLACE"), metavar="NAME",
                    help="--board=labgrid: the labgrid place to reserve and acquire (default $LG_PLACE)")
    group.addoption("--lg-tags", action="append", default=[], metavar="KEY=VALUE",
                    help="--board=labgrid: any free place with these tags, e.g. hil_board=qemu-m7 (repeatable)")
    group.addoption("--lg-timeout", type=float, default=600.0, metavar="S",
                    help="--board=labgrid: how long to wait for a matching place (default 600 s)")
    group.addoption("--board-profile", default=None, metavar="NAME",
                    help="--board=labgrid: the board profile of the place (default: its hil_board tag)")
    group.addoption("--cross-boards", action="append", default=[], metavar="BOARD,BOARD",
                    help="the cross-target suite's targets: boards (qemu,qemu-m7,qemu-m55), labgrid:PLACE or "
                         "labgrid:KEY=VALUE (repeatable, comma-separated)")
    group.addoption("--cross-engines", default="builtin", metavar="ENGINE,ENGINE",
                    help="engines every cross-target board runs, e.g. builtin,tflm (default builtin)")
    group.addoption("--renode-path", default=None, help="the renode executable, if not on PATH")
    group.addoption("--vectors-via", default="auto", choices=VECTORS_VIA,
                    help="vectors through the debug connection's memory access (QEMU's gdbstub, --gdb-remote, a "
                         "pyOCD probe; auto: when the board has one, the default) or the UART")
    group.addoption("--cpu-hz", type=int, default=None, help="override the board profile's core clock")
    group.addoption("--estimate-for", default=None, metavar="PART[@MHz]",
                    help="estimate cycles for this part from QEMU's instruction mix (e.g. stm32l4r5@120MHz; "
                         "default: the profile's [estimate] part) and check deadlines against the estimate")
    group.addoption("--engine", default="builtin", help="inference engine in the firmware: builtin or tflm")
    group.addoption("--tflm-root", default=os.environ.get("TFLM_ROOT"), metavar="DIR",
                    help="--engine tflm: TFLM checkout (or create_tflm_tree.py tree) with a built "
                         "libtensorflow-microlite.a; default $TFLM_ROOT (docs/porting.md)")
    group.addoption("--tflm-lib", default=None, metavar="LIB",
                    help="--engine tflm: the libtensorflow-microlite.a to link; default $TFLM_LIB, else the "
                         "tree's only library for the board")
    group.addoption("--model", action="append", default=[], metavar="PATH.tflite",
                    help="add a model to the suites (repeatable); vectors: PATH.npz beside it, else random")
    group.addoption("--vectors", type=int, default=None, metavar="N",
                    help="at most N vectors per model (and N random vectors for --model files)")
    group.addoption("--pipeline", action="append", default=[], metavar="A.tflite[:N],B.tflite",
                    help="also run a pipeline of these models on one target (repeatable; stages comma-separated, "
                         "N: a stage's runs per pipeline run, its outputs stacked; docs/pipelines.md)")
    group.addoption("--seed", type=int, default=1, help="seed of random vectors for --model files")
    group.addoption("--steps", type=int, default=None, metavar="N",
                    help="--model files with state (RNN, SVDF, variables): vectors per sequence, the state carried "
                         "over within one and reset before each (default: the vector file's `sequence`, else 4; "
                         "0: one sequence)")
    group.addoption("--only-model", action="append", default=[], metavar="NAME",
                    help="run only these models of the catalog (repeatable)")
    group.addoption("--update-baselines", action="store_true",
                    help="rewrite the cycle baselines (baselines/<board>/<engine>/<model>.json) from this run")
    group.addoption("--timing-repeat", type=int, default=2, metavar="R",
                    help="inferences per vector in the timing suites (first run + steady state); default 2")
    group.addoption("--soak", type=int, default=300, metavar="N",
                    help="vectors the soak test streams through one board session (default 300)")
    group.addoption("--power-monitor", default=None, choices=["ppk2", "joulescope"],
                    help="measure energy with a power monitor (default: estimate it from the board's [power] model)")
    group.addoption("--power-port", default=None, metavar="PORT",
                    help="the PPK2's serial port, or the Joulescope's device path (default: the only one found)")
    group.addoption("--power-sync", default="gpio", choices=["gpio", "ticks"],
                    help="cut inference windows by the sync GPIO's edges (default) or by the target's tick durations")
    group.addoption("--power-voltage", type=float, default=None, metavar="V",
                    help="PPK2: the board's supply (ampere mode) or the voltage to supply (source mode); "
                         "default the profile's [power] supply_v")
    group.addoption("--power-mode", default="ampere", choices=["ampere", "source"], help="PPK2 mode")
    group.addoption("--hil-define", action="append", default=[], metavar="NAME[=VALUE]",
                    help="test-only firmware defect, e.g. HIL_TEST_BREAK_ROUNDING (used by tests/ only)")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, args: list[str]) -> None:
    reanchor(early_config, args)  # `--port /dev/ttyS0` must not make /dev the rootdir


def _profile(config: pytest.Config) -> BoardProfile:
    if config.getoption("board") == "labgrid":
        from hil.farm.place import resolve_profile

        return resolve_profile(_place_request(config), config.getoption("board_profile"))
    return find_profile(config.getoption("board"))


def _place_request(config: pytest.Config):
    """--board=labgrid: the place to ask the coordinator for (hil/farm/place.py)."""
    from hil.farm.place import place_request

    return place_request(place=config.getoption("lg_place"), tags=config.getoption("lg_tags"),
                         coordinator=getattr(config.option, "lg_coordinator", None),
                         env_file=getattr(config.option, "lg_env", None) or os.environ.get("LG_ENV"),
                         timeout=config.getoption("lg_timeout"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "hil: a test that needs a target board or emulator")
    config.addinivalue_line("markers", "deadline(us=None, max_cycles=None): hard real-time limits for the "
                            "test's model, overriding [timing] in its model.toml")
    config.addinivalue_line("markers", "energy(uj=None): energy budget per inference for the test's model, "
                            "overriding [energy] budget_uj in its model.toml")
    config.stash[SUMMARY_KEY] = []
    stop_on_sigterm()  # SIGTERM ends the session as Ctrl-C does, keeping every result so far
    try:
        profile = _profile(config)
        setup = HarnessConfig(profile, engine=config.getoption("engine"),
                              defines=tuple(config.getoption("hil_define")), tflm_root=config.getoption("tflm_root"),
                              tflm_lib=config.getoption("tflm_lib"), backend_options=_backend_options(config),
                              vector_limit=config.getoption("vectors"))
        harness = Harness(setup, progress=lambda msg: _progress(config, msg), warn=lambda msg: _warning(config, msg))
        harness.check_tools()
        attach_power_monitor(harness, {k: config.getoption(k) for k in POWER_OPTIONS})
        config.stash[MODELS_KEY] = _models(config)
    except HilError as exc:
        raise pytest.UsageError(exc.one_line()) from None
    config.stash[HARNESS_KEY] = harness


def _backend_options(config: pytest.Config) -> dict:
    options = {name: config.getoption(name) for name in BACKEND_OPTIONS}
    if config.getoption("board") == "labgrid":
        options.update(labgrid=_place_request(config), progress=lambda msg: _notice(config, msg))
    return options


def _models(config: pytest.Config) -> list[ModelConfig]:
    models = catalog.discover()
    only = set(config.getoption("only_model"))
    if only:
        models = [m for m in models if m.name in only]
    n = config.getoption("vectors") or 20
    models += [catalog.adhoc(p, vectors=n, seed=config.getoption("seed"), steps=config.getoption("steps"))
               for p in config.getoption("model")]
    models += [catalog.adhoc_pipeline(spec.split(","), vectors=n, seed=config.getoption("seed"),
                                      steps=config.getoption("steps"))
               for spec in config.getoption("pipeline")]
    return models


def _progress(config: pytest.Config, message: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"[hil] {message}")


def _notice(config: pytest.Config, message: str) -> None:
    """A line the user must see even while a test runs (e.g. waiting for a labgrid place): written
    to stderr past pytest's capture, so it also reaches the terminal from an xdist worker."""
    capman = config.pluginmanager.getplugin("capturemanager")
    worker = getattr(config, "workerinput", {}).get("workerid")
    with capman.global_and_fixture_disabled() if capman else contextlib.nullcontext():
        sys.stderr.write(f"[hil{' ' + worker if worker else ''}] {message}\n")
        sys.stderr.flush()


def pytest_unconfigure(config: pytest.Config) -> None:
    harness = config.stash.get(HARNESS_KEY, None)
    if harness is not None:
        harness.close()


@pytest.fixture(scope="session")
def hil(pytestconfig: pytest.Config) -> Harness:
    """The session's harness: builds, flashes and talks to targets."""
    return pytestconfig.stash[HARNESS_KEY]


@pytest.fixture(scope="session")
def hil_targets(pytestconfig: pytest.Config):
    """Several targets at once (hil/harness/multi.py): a harness per --cross-boards board and
    --cross-engines engine; skips when fewer than two are given. Places are released at the end."""
    from hil.farm.coordinator import coordinator_address
    from hil.harness.multi import TargetSet, parse_targets

    config = pytestconfig
    try:
        specs = parse_targets(config.getoption("cross_boards"),
                              coordinator_address(getattr(config.option, "lg_coordinator", None)),
                              config.getoption("lg_timeout"))
        engines = cross_engines(config)
        if len(specs) * len(engines) < 2:
            pytest.skip(CROSS_TARGET_SKIP)
        targets = TargetSet(specs, engines, config.stash[HARNESS_KEY].config, progress=lambda m: _progress(config, m),
                            notice=lambda m: _notice(config, m))
    except HilError as exc:  # a configuration every test of the suite would fail on: one line, and stop
        pytest.exit(exc.one_line(), returncode=pytest.ExitCode.USAGE_ERROR)
    yield targets
    targets.close()


@pytest.fixture
def hil_record(request: pytest.FixtureRequest) -> dict:
    """What this test measured (model, parity metrics, cycles, provenance, footprint...), kept
    with its outcome by the results store (hil/pytest/results.py)."""
    record: dict = {}
    request.node.stash[RECORD_KEY] = record
    return record


@pytest.fixture(scope="session")
def hil_models(pytestconfig: pytest.Config) -> list[ModelConfig]:
    return pytestconfig.stash[MODELS_KEY]


def model_vector_params(config: pytest.Config) -> list:
    """pytest.param(model, index) for every vector of every model in the run."""
    params = []
    limit = config.getoption("vectors")
    for model in config.stash[MODELS_KEY]:
        if model.missing_reason:
            params.append(pytest.param(model, 0, id=f"{model.name}", marks=pytest.mark.skip(model.missing_reason)))
            continue
        count = len(model.vectors(limit))
        params += [pytest.param(model, i, id=f"{model.name}-v{i:03d}") for i in range(count)]
    return params


def model_params(config: pytest.Config) -> list:
    """pytest.param(model) for every model in the run (third-party models absent here are skipped)."""
    return [pytest.param(m, id=m.name, marks=[pytest.mark.skip(m.missing_reason)] if m.missing_reason else [])
            for m in config.stash[MODELS_KEY]]


CROSS_TARGET_SKIP = ("cross-target suite: give two or more targets, e.g. --cross-boards qemu,qemu-m7,qemu-m55 "
                     "or --cross-engines builtin,tflm --tflm-root DIR")


def cross_engines(config: pytest.Config) -> list[str]:
    return [e.strip() for e in config.getoption("cross_engines").split(",") if e.strip()]


def cross_targets_given(config: pytest.Config) -> int:
    """How many targets the cross-target options name (boards or places, times engines), read from
    the option text alone: collection must not reach a labgrid coordinator."""
    from hil.harness.multi import target_names

    return len(target_names(config.getoption("cross_boards"))) * len(cross_engines(config))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = set(metafunc.fixturenames)
    if "hil_targets" in names and cross_targets_given(metafunc.config) < 2:
        # one skipped item, not one per model and vector: the summary stays readable
        metafunc.parametrize(("hil_model", "hil_vector"), [pytest.param(None, None, id="no-targets",
                                                                        marks=pytest.mark.skip(reason=CROSS_TARGET_SKIP))])
    elif {"hil_model", "hil_vector"} <= names:
        metafunc.parametrize(("hil_model", "hil_vector"), model_vector_params(metafunc.config))
    elif "hil_model" in names:
        metafunc.parametrize("hil_model", model_params(metafunc.config))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Every HIL test's record names the labgrid place that ran it (before the results plugin reads it)."""
    place = getattr(getattr(item.config.stash.get(HARNESS_KEY, None), "backend", None), "place", None)
    if place:
        item.stash.setdefault(RECORD_KEY, {}).setdefault("place", place)
    return (yield)


def summary_line(config: pytest.Config, section: str, text: str) -> None:
    """A line for the end-of-session HIL summary (timing tables, baseline improvements)."""
    config.stash[SUMMARY_KEY].append((section, text))


def _warning(config: pytest.Config, text: str) -> None:
    """A warning about the run (e.g. errors Renode carried on after), once, in the summary: a line
    written while a test runs would be captured with its output."""
    if ("warnings", text) not in config.stash[SUMMARY_KEY]:
        summary_line(config, "warnings", text)


_WORKER_SUMMARY = "hil_summary"


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: its summary lines travel to the controller
        workeroutput[_WORKER_SUMMARY] = [list(line) for line in session.config.stash.get(SUMMARY_KEY, [])]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # xdist, on the controller: a worker finished
    lines = getattr(node, "workeroutput", {}).get(_WORKER_SUMMARY, [])
    node.config.stash[SUMMARY_KEY].extend(tuple(line) for line in lines)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    lines = config.stash.get(SUMMARY_KEY, [])
    for section in sorted({s for s, _ in lines}):
        terminalreporter.write_sep("-", f"hil: {section}")
        for text in sorted({text for s, text in lines if s == section}):  # one order, once, whichever worker
            terminalreporter.write_line(text)


def fail(exc: HilError, record: dict | None = None) -> None:
    """Fails the current test with the error's one-line, categorised message; its details (e.g.
    decoded fault registers) go into the test's record for the results store."""
    if record is not None and exc.details:
        record["failure_details"] = exc.details
    raise pytest.fail.Exception(exc.one_line(), pytrace=False) from None  # no chained traceback
