"""The harness core, independent of pytest: build and start a target per model, stream vectors,
compare with the host reference. The pytest plugin and the `hil` CLI are thin layers on it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hil.boards import BoardProfile, make_backend
from hil.boards.base import Session
from hil.engines import oracle
from hil.errors import Category, ConfigError, HilError
from hil.estimate.mix import Window
from hil.harness.agent_limits import refuse_io_count
from hil.harness.build import Firmware, Footprint, build_firmware, image_sha256
from hil.harness.config import HarnessConfig
from hil.link.client import TargetFault
from hil.link.device import Inference
from hil.link.protocol import MemoryInfo, Ready
from hil.model.catalog import ModelConfig
from hil.model.pipeline import PipelineReference
from hil.model.reference import TflmReference
from hil.model.tflite import ModelInfo, load_model
from hil.model.vectors import VectorSet
from hil.results.fields import Field
from hil.units import bytes_text, duration_text
from hil.verdicts.energy import EnergyStats, energy_text, estimate, estimate_cycles
from hil.verdicts.float_parity import FloatParity, host_reference_model
from hil.verdicts.parity import Parity, ParityRule
from hil.verdicts.timing import ESTIMATED, Clock, TimingStats
from hil.verdicts.triage import explain_fault

FRESH = -1  # Target.state_ready_for: the state was just reset (or loaded)


@dataclass
class VectorResult:
    model: str
    index: int
    outputs: list[np.ndarray]
    reference: list[np.ndarray]
    parity: Parity | FloatParity
    ticks: list[int]
    cycles: list[int]
    clock: Clock
    step: str = ""  # where the vector stands in its sequence (a model with state), for messages
    stage: str = ""  # a pipeline: the first stage whose outputs differ ("" when none does)
    estimated: list[int] = field(default_factory=list)  # estimated cycles of each repetition (hil/estimate)

    def record(self) -> dict:
        """Flat measurements for the results store."""
        estimated = {Field.ESTIMATED_CYCLES: max(self.estimated),
                     Field.ESTIMATED_CYCLES_MIN: min(self.estimated)} if self.estimated else {}
        return {Field.MODEL: self.model, Field.VECTOR: self.index, **self.parity.metrics(),
                Field.CYCLES: max(self.cycles), Field.CYCLES_MIN: min(self.cycles), **estimated,
                Field.LATENCY_US: self.clock.latency_us(max(self.cycles)), Field.PROVENANCE: self.clock.provenance,
                **({Field.FAILING_STAGE: self.stage} if self.stage else {})}


@dataclass
class ModelTiming:
    stats: TimingStats
    per_op: list[dict]
    worst_vector: int
    target: dict  # Harness.target_record() of the target measured
    estimated: TimingStats | None = None  # the same inferences' estimated cycles on the board's part

    def record(self) -> dict:
        estimate = self.estimated.estimate_record() if self.estimated else {}
        return {**self.target, **self.stats.record(), **estimate, Field.PER_OP: self.per_op,
                Field.WORST_VECTOR: self.worst_vector}

    def checked(self, clock: str) -> TimingStats:
        """The figures a deadline is checked against: the virtual (or silicon) ones, or the estimate."""
        if clock != ESTIMATED:
            return self.stats
        if self.estimated is None:
            raise ConfigError(f"{self.target.get(Field.MODEL)}: deadlines are to be checked against estimated cycles, "
                              f"but this board gives none (--estimate-for needs a qemu board)")
        return self.estimated


@dataclass
class Target:
    """A model's firmware running on a started board, with its host reference."""

    config: ModelConfig
    info: ModelInfo
    firmware: Firmware
    session: Session
    reference: TflmReference
    vectors: VectorSet
    parity: ParityRule  # integer or float comparison, from the model's output types
    reference_cache: dict[int, list[np.ndarray]] = field(default_factory=dict)
    # A model with state: the vector the target's state is ready for (its sequence's vectors
    # before it have run since the last reset), or FRESH (reset, ready for any sequence's start),
    # or None (unknown: the next vector resets and replays).
    state_ready_for: int | None = FRESH
    windows: list[Window] = field(default_factory=list)  # the instruction mix of the latest request's invokes

    @property
    def device(self):
        return self.session.device

    @property
    def clock(self) -> Clock:
        return self.session.clock

    def arena_breakdown(self) -> dict[str, int] | None:
        """What the reported arena is made of (hil.engines.oracle.ARENA_PARTS): the built-in
        engine's plain models only, and only when it sums to the arena the firmware reported."""
        if self.device.ready.engine != "builtin" or self.info.pipeline is not None:
            return None
        return oracle.arena_breakdown(self.info.path, self.session.profile, self.device.ready.arena_used)

    def estimated(self) -> list[int]:
        """Estimated cycles of each invoke of the latest request ([] without an estimator)."""
        estimator = self.session.estimator
        return [estimator.cycles(w.measured) for w in self.windows] if estimator else []

    def expected(self, index: int) -> list[np.ndarray]:
        """The host's outputs for vector `index`; for a model with state, the host runs the whole
        sequence from a reset, as the target does."""
        if index not in self.reference_cache:
            for i, outputs in zip(self.vectors.sequence(index), replay_reference(self.reference, self.vectors, index,
                                                                                 whole=True), strict=True):
                self.reference_cache[i] = outputs
        return self.reference_cache[index]

    def compare(self, outputs: list[np.ndarray], expected: list[np.ndarray]) -> Parity | FloatParity:
        return self.compare_stages(outputs, expected)[0]

    def compare_stages(self, outputs: list[np.ndarray],
                       expected: list[np.ndarray]) -> tuple[Parity | FloatParity, str]:
        """The parity of the outputs, and "" ; for a pipeline, stage by stage (each by its own
        output types): the first stage outside the tolerance and its description, else the first
        stage that is not exact (or the last) and ""."""
        facts = self.info.pipeline
        if facts is None:
            return self.parity.compare(outputs, expected), ""
        parities = []
        for view in facts.stages:
            part = slice(view.outputs.start, view.outputs.stop)
            rule = ParityRule.for_outputs(view.info.output_tensors, self.parity.tolerance_lsb)
            parities.append(rule.compare(outputs[part], expected[part]))
            if not parities[-1].within_tolerance:
                return parities[-1], view.describe(len(facts.stages))
        return next((p for p in parities if not p.exact), parities[-1]), ""

    def prepare_state(self, index: int) -> None:
        """Brings the target's state to where vector `index` expects it: nothing for a model
        without state or for the next vector of the running sequence; otherwise a reset and the
        sequence's earlier vectors again (their outputs unused)."""
        if self.vectors.sequences is None:
            return
        seq = self.vectors.sequence(index)
        if index != seq.start and self.state_ready_for == index:
            return
        if not (index == seq.start and self.state_ready_for == FRESH):
            self.state_ready_for = None
            self.device.reset_state()
        for i in range(seq.start, index):
            self.device.infer(self.vectors.inputs[i])
        self.state_ready_for = index


def make_reference(path: Path, preserve_all_tensors: bool = False):
    """The host's TFLM for a model (its float16-weights rewrite when it has those), or for a
    pipeline container each stage's, chained as on the target (hil.model.pipeline)."""
    info = load_model(path)
    if info.pipeline is not None:
        return PipelineReference(info, lambda stage: TflmReference(host_reference_model(stage)))
    return TflmReference(host_reference_model(path), preserve_all_tensors=preserve_all_tensors)


def replay_reference(reference: TflmReference, vectors: VectorSet, index: int, whole: bool = False) -> list:
    """The host interpreter reset and driven through vector `index`'s sequence up to it (or the
    whole sequence): the outputs of each vector run, in order."""
    seq = vectors.sequence(index)
    if vectors.sequences is not None:
        reference.reset()
    return [reference.run(vectors.inputs[i]) for i in (seq if whole else range(seq.start, index + 1))]


# Failures after which the target is unknown: it is restarted before the next request.
TARGET_LOST = {Category.TIMEOUT, Category.HARD_FAULT, Category.EMULATOR_EXITED, Category.DEVICE_RESET,
               Category.PROTOCOL, Category.NO_READY}


class Harness:
    """Builds, starts and talks to targets. Keeps up to `max_sessions` targets alive (one per
    model, least recently used stopped first), so suites that visit the same models in turn
    do not restart emulators; an idle emulator waits in WFI and costs no CPU. A physical
    backend allows one session. After a target fails (fault, hang, emulator exit) the next
    request starts a fresh one; after `max_restarts` failures of the same model the remaining
    requests fail at once with the same category instead of burning time."""

    def __init__(self, config: HarnessConfig, *, progress: Callable[[str], None] | None = None,
                 warn: Callable[[str], None] | None = None, backend: object | None = None):
        self.config = config
        self.engine = config.make_engine()
        self._owns_backend = backend is None  # a companion shares its parent's, which closes it
        self.backend = backend or make_backend(config.profile, **config.backend_options)
        self.progress = progress
        self.warn = warn  # where warnings go (pytest: the end-of-run summary); else to `progress`
        self.max_sessions = config.max_sessions or int(getattr(self.backend, "max_sessions", 4))
        self._targets: OrderedDict[str, Target] = OrderedDict()
        self._failures: dict[str, list[HilError]] = {}
        self._timings: dict[tuple, ModelTiming] = {}
        self._warned: set[str] = set()
        self.power_monitor = None  # a hil.power monitor: energy is then measured, not estimated
        self.power_sync = "gpio"
        self.companions: list[Harness] = []  # e.g. the debug-firmware harness of hil/verdicts/divergence.py

    @property
    def profile(self) -> BoardProfile:
        return self.config.profile

    @property
    def deadline_clock(self) -> str:
        """What deadlines are checked against: the estimate when the user named a part
        (--estimate-for) or the profile says so ([estimate] deadlines), else the counter's cycles."""
        if self.config.backend_options.get("estimate_for"):
            return ESTIMATED
        return self.profile.deadline_clock

    def check_tools(self) -> None:
        self.backend.check_tools()
        self.engine.check_tools()  # --engine tflm without a TFLM tree fails here, in one line

    def check_model(self, config: ModelConfig) -> None:
        """Refuses, in one line, a model this engine and board cannot run (UnsupportedModelError)."""
        refuse_io_count(config.info())  # the agent's limit, whatever the engine
        self.engine.check_model(config.info(), self.profile)

    def build(self, config: ModelConfig) -> Firmware:
        self.check_model(config)  # refuse before building or flashing
        return build_firmware(self.profile.firmware_board, config.tflite, engine=self.engine.name,
                              defines=self.config.defines, cmake_args=self.engine.cmake_args(),
                              progress=self.progress)

    def target(self, config: ModelConfig) -> Target:
        key = str(config.tflite)
        current = self._targets.get(key)
        if current is not None and current.session.alive():
            self._targets.move_to_end(key)
            return current
        if current is not None:
            self.discard(config)
        failures = self._failures.get(key, [])
        if len(failures) > self.config.max_restarts:
            first = failures[0]
            raise HilError(f"not retried: {config.name} failed {len(failures)} times on {self.profile.name}; "
                           f"first failure: {first}", first.category)
        while len(self._targets) >= self.max_sessions:
            self._targets.popitem(last=False)[1].session.stop()
        self._targets[key] = self._start(config)
        return self._targets[key]

    def _start(self, config: ModelConfig) -> Target:
        info = config.info()
        firmware = self.build(config)
        if self.progress:
            self.progress(f"starting {self.profile.name} with {firmware.elf.name}")
        try:
            session = self.backend.start(firmware.elf)
        except TargetFault as exc:  # faulted while booting, before READY
            raise explain_fault(exc, firmware.elf) from None
        self._warn(session.warnings)
        try:
            session.device.check_model_loaded()
        except HilError:
            session.stop()
            raise
        return Target(config, info, firmware, session, make_reference(config.tflite),
                      config.vectors(self.config.vector_limit),
                      ParityRule.for_outputs(info.output_tensors, config.tolerance_lsb))

    def _warn(self, warnings: list[str]) -> None:
        """Each distinct warning once per run, not once per emulator start."""
        for text in warnings:
            if text in self._warned:
                continue
            self._warned.add(text)
            if self.warn:
                self.warn(text)
            elif self.progress:
                self.progress(f"warning: {text}")

    def target_record(self, target: Target) -> dict:
        """What identifies a target in stored results: board, engine, hashes, footprint (no
        exchange with the target; ram_record() asks it for the RAM really used)."""
        fp = target.firmware.footprint
        ready = target.device.ready
        place = {Field.PLACE: target.session.place} if target.session.place else {}
        return {Field.BOARD: self.profile.name, **place, Field.ENGINE: self.engine.name,
                Field.MODEL: target.config.name, Field.MODEL_SHA256: target.info.sha256,
                Field.FIRMWARE_KEY: target.firmware.key, Field.IMAGE_SHA256: image_sha256(target.firmware.elf),
                Field.FLASH_BYTES: fp.flash_bytes, Field.RAM_RESERVED_BYTES: fp.ram_bytes,
                Field.ARENA_BYTES: ready.arena_used, Field.PROVENANCE: target.clock.provenance,
                Field.CPU_HZ: target.clock.cpu_hz}

    @staticmethod
    def ram_record(target: Target) -> dict:
        """ram_figures() of the target as it is now: the stack's high-water mark counts the
        inferences run so far."""
        return ram_figures(target.firmware.footprint, target.device.ready, target.device.memory())

    def infer(self, target: Target, inputs: list[np.ndarray], repeat: int = 1) -> Inference:
        """The one way suites and tools run an inference on a target: a fault comes back decoded
        (registers, PC/LR as source lines), an emulator that died says so, and a target left in
        an unknown state is counted against its model and restarted by the next request. Inputs
        the model cannot take are refused before any exchange (the target is kept)."""
        data = target.device.encode_inputs(inputs)
        with self._exchange(target):
            inference = target.device.run(data, repeat)
        target.windows = target.session.mix.latest(len(inference.ticks)) if target.session.mix else []
        return inference

    @contextmanager
    def _exchange(self, target: Target):
        """Requests to a target, their failures explained as infer() says."""
        try:
            yield
        except TargetFault as exc:
            explained = explain_fault(exc, target.firmware.elf)  # decoded registers, PC/LR to source lines
            self._failures.setdefault(str(target.config.tflite), []).append(explained)
            self.discard(target.config)
            raise explained from None
        except HilError as exc:
            explained = target.session.explain(exc)
            if explained.category in TARGET_LOST:
                self._failures.setdefault(str(target.config.tflite), []).append(explained)
                self.discard(target.config)
            raise explained from None

    def _infer(self, target: Target, index: int, repeat: int, outputs_unused: bool = False) -> Inference:
        """Vector `index` on the target; a model with state first gets the state the vector
        expects, and runs it once (repeating would advance the state: see timing()), unless its
        outputs are not used (an energy measurement): the state is then left unknown."""
        stateful = target.vectors.sequences is not None
        if stateful and repeat != 1 and not outputs_unused:
            raise ConfigError(f"{target.config.name} keeps state across invokes: each vector runs once in its "
                              f"sequence (repeat {repeat} would advance the state); the timing suites repeat "
                              f"whole sequences instead")
        with self._exchange(target):
            target.prepare_state(index)
        target.state_ready_for = None
        inference = self.infer(target, target.vectors.inputs[index], repeat)
        target.state_ready_for = (index + 1 if repeat == 1 else None) if stateful else FRESH
        return inference

    def run_vector(self, config: ModelConfig, index: int, repeat: int = 1) -> VectorResult:
        target = self.target(config)
        inference = self._infer(target, index, repeat)
        expected = target.expected(index)
        parity, stage = target.compare_stages(inference.outputs, expected)
        cycles = [target.clock.cycles(t) for t in inference.ticks]
        return VectorResult(config.name, index, inference.outputs, expected, parity, inference.ticks,
                            cycles, target.clock, target.vectors.describe_step(index), stage, target.estimated())

    def variant(self, defines: tuple[str, ...]) -> Harness:
        """A harness for the same board and engine whose firmware adds test-only defines."""
        return Harness(self.config.variant(defines), progress=self.progress, warn=self.warn)

    def companion(self, config: HarnessConfig, progress: Callable[[str], None] | None = None) -> Harness:
        """A second harness on this one's board connection (e.g. the debug firmware of
        hil/verdicts/divergence.py), closed with it."""
        companion = Harness(config, progress=progress, warn=self.warn, backend=self.backend)
        self.companions.append(companion)
        return companion

    def timing(self, config: ModelConfig, repeat: int = 2) -> ModelTiming:
        """Worst-case timing over every vector, `repeat` inferences each, and the per-operator
        profile of the worst vector; measured once per model and session. A model with state
        runs its vectors in sequence `repeat` times over (each sequence from a reset)."""
        key = (str(config.tflite), repeat, self.config.vector_limit)
        if key not in self._timings:
            target = self.target(config)
            n = len(target.vectors)
            if target.vectors.sequences is None:
                runs = [self._timed(target, i, repeat) for i in range(n)]
            else:
                passes = [[self._timed(target, i, 1) for i in range(n)] for _ in range(repeat)]
                runs = [(sum((p[i][0] for p in passes), []), sum((p[i][1] for p in passes), [])) for i in range(n)]
            cycles = [[target.clock.cycles(t) for t in ticks] for ticks, _ in runs]
            worst = max(range(len(cycles)), key=lambda i: max(cycles[i]))
            self._infer(target, worst, 1)  # the profile describes the last inference
            stats = TimingStats([c for run in cycles for c in run], [run[0] for run in cycles], target.clock,
                                len(cycles), repeat)
            per_op = op_profile_rows(target)
            record = {**self.target_record(target), **self.ram_record(target)}
            self._timings[key] = ModelTiming(stats, per_op, worst, record, estimated_stats(target, [e for _, e in runs],
                                                                                          repeat))
        return self._timings[key]

    def _timed(self, target: Target, index: int, repeat: int) -> tuple[list[int], list[int]]:
        """The ticks and the estimated cycles of each repetition of vector `index`."""
        ticks = self._infer(target, index, repeat).ticks
        return ticks, target.estimated()

    def energy(self, config: ModelConfig, repeat: int = 2) -> EnergyStats | None:
        """Energy per inference: measured over `max(repeat, 5)` inferences of vector 0 when a power
        monitor is attached, else estimated from the timing run's cycles and the board's [power]
        model; None when neither exists."""
        if self.power_monitor is not None:
            return self.measure_energy(config, max(repeat, 5))
        if self.profile.power is None:
            return None
        timing = self.timing(config, repeat)
        return estimate_cycles(timing.stats.clock, timing.stats.samples, self.profile.power)

    def measure_energy(self, config: ModelConfig, repeat: int, idle_s: float = 0.5) -> EnergyStats:
        """One RUN of `repeat` inferences under the power monitor, windows cut by the sync GPIO
        (or the target's ticks), then the idle power while the agent waits in WFI."""
        import dataclasses
        import time

        from hil.power.monitor import measure, measure_idle

        target = self.target(config)
        clock = target.clock
        _, stats = measure(self.power_monitor, lambda: self._infer(target, 0, repeat, outputs_unused=True),
                           lambda inference: [clock.cycles(t) / clock.cpu_hz for t in inference.ticks],
                           repeat, self.power_sync)
        return dataclasses.replace(stats, idle_w=measure_idle(self.power_monitor, idle_s, time.sleep))

    def discard(self, config: ModelConfig) -> None:
        """Stops a model's target (after a failure); the next request starts a fresh one."""
        target = self._targets.pop(str(config.tflite), None)
        if target is not None:
            target.session.stop()

    def close(self) -> None:
        while self._targets:
            self._targets.popitem()[1].session.stop()
        for companion in self.companions:
            companion.close()
        if self._owns_backend and hasattr(self.backend, "close"):
            self.backend.close()  # e.g. releases a labgrid place
        if self.power_monitor is not None:
            self.power_monitor.close()
            self.power_monitor = None


def ram_figures(fp: Footprint, ready: Ready, memory: MemoryInfo) -> dict:
    """The RAM the firmware really uses: its static data (data + bss without the tensor arena's
    buffer), the arena this model uses and the stack's high-water mark measured on the target;
    beside it the linker's reservation (data + bss, the whole arena buffer included), which is
    the same for every model."""
    static = max(0, fp.ram_bytes - ready.arena_size)
    stack = memory.stack_peak_bytes if memory.measured else None
    return {Field.RAM_BYTES: static + ready.arena_used + (stack or 0), Field.RAM_RESERVED_BYTES: fp.ram_bytes,
            Field.RAM_STATIC_BYTES: static, Field.STACK_PEAK_BYTES: stack,
            Field.STACK_RESERVE_BYTES: memory.stack_reserve_bytes if memory.measured else None}


def ram_text(record: dict) -> str:
    """ram_figures() as one line: "4,000 B used = 1,592 B static + 1,704 B arena + 704 B stack peak ..."."""
    reserved = f"{bytes_text(record['ram_reserved_bytes'])} reserved by the linker (data + bss)"
    if record.get("ram_static_bytes") is None:
        return f"{reserved}; the RAM used was not read from the target"
    stack = (f"{bytes_text(record['stack_peak_bytes'])} stack peak ({bytes_text(record['stack_reserve_bytes'])} "
             f"stack reserve)" if record.get("stack_peak_bytes") is not None else "stack not measured by this port")
    return (f"{bytes_text(record['ram_bytes'])} used = {bytes_text(record['ram_static_bytes'])} static + "
            f"{bytes_text(record['arena_bytes'])} arena + {stack}; {reserved}")


def parity_failure_message(config: ModelConfig, index: int, result: VectorResult) -> str:
    stage = f"{result.stage} differs first: " if result.stage else ""
    return f"[{Category.PARITY.value}] {config.name} vector {index}{result.step}: {stage}{result.parity.message()}"


@dataclass
class RunSummary:
    """The outcome of streaming a model's vectors through a target (for `hil run`)."""

    target: Target
    board: str
    results: list[VectorResult]
    per_op: list[dict]
    ram: dict = field(default_factory=dict)  # ram_figures() after the last vector, when read
    energy: EnergyStats | None = None  # measured by a power monitor; else estimated from the profile

    def energy_stats(self) -> EnergyStats | None:
        """The measured energy if a monitor ran, else the estimate from the board's power model."""
        if self.energy is not None:
            return self.energy
        power = self.target.session.profile.power
        ticks = [t for r in self.results for t in r.ticks]
        return estimate(self.target.clock, ticks, power) if power is not None and ticks else None

    @property
    def vectors(self) -> int:
        return len(self.results)

    @property
    def mismatching(self) -> int:
        return sum(not r.parity.within_tolerance for r in self.results)

    @property
    def exact(self) -> bool:
        return self.mismatching == 0

    @property
    def max_abs_diff(self) -> float:
        return max((r.parity.max_abs_diff for r in self.results), default=0.0)

    @property
    def float(self) -> bool:
        """Float outputs compared with the float tolerance (a float32 or float16-weights model)."""
        return self.target.parity.floating

    @property
    def cycles(self) -> list[int]:
        return [c for r in self.results for c in r.cycles]

    def as_json(self) -> dict:
        t, clock = self.target, self.target.clock
        worst = max(self.cycles) if self.cycles else 0
        return {
            "model": str(t.config.tflite), "model_sha256": t.info.sha256, "board": self.board,
            **({"place": t.session.place} if t.session.place else {}),
            "engine": t.device.ready.engine, "vectors": self.vectors, "vector_source": t.vectors.source,
            "vectors_via": "debug" if t.device.debug is not None else "uart",  # --vectors-via, as it turned out
            "exact": self.exact, "mismatching": self.mismatching, "max_abs_diff_lsb": self.max_abs_diff,
            "arena_bytes": t.device.ready.arena_used, "arena_breakdown": t.arena_breakdown(),
            "flash_bytes": t.firmware.footprint.flash_bytes, "ram_reserved_bytes": t.firmware.footprint.ram_bytes,
            **self.ram, "cycles": worst,
            "cycles_min": min(self.cycles) if self.cycles else 0,
            "latency_us": clock.latency_us(worst), "cpu_hz": clock.cpu_hz, "provenance": clock.provenance,
            "estimated": self.estimate_json(),
            "macs": t.info.total_macs, "per_op": self.per_op, **energy_record(self.energy_stats(), self.board),
            # a model with state: the vectors per sequence (state reset before each), else null
            "sequences": [len(r) for r in t.vectors.sequences] if t.vectors.sequences is not None else None,
            "stages": self._stages(),
        }

    def estimate_json(self) -> dict | None:
        """The estimated cycles of the part the board estimates for, beside the virtual ones; None
        when the board has no estimator (not a qemu board, or no [estimate] part)."""
        estimator = self.target.session.estimator
        samples = [c for r in self.results for c in r.estimated]
        if estimator is None or not samples:
            return None
        worst, part, windows = max(samples), estimator.part, self.target.windows
        terms = {k: round(v) for k, v in estimator.terms(windows[-1].measured).items()} if windows else None
        return {"provenance": ESTIMATED, "part": part.spec, "core": part.core, "cpu_hz": part.hz,
                "cycles": worst, "cycles_min": min(samples), "latency_us": worst / part.hz * 1e6,
                "band": estimator.band, "band_note": estimator.band_text(), "basis": estimator.calibration.basis,
                "terms_last_inference": terms}  # cycles by cause: core, branches, flash, calibrated

    def _stages(self) -> list[dict] | None:
        """A pipeline: each stage, and how many vectors it was the first stage to differ in."""
        facts = self.target.info.pipeline
        if facts is None:
            return None
        return [{"stage": view.index, "name": view.stage.label, "invokes": view.stage.invokes,
                 "ops": len(view.info.ops),
                 "first_to_differ": sum(r.stage == view.describe(len(facts.stages)) for r in self.results)}
                for view in facts.stages]

    def table(self) -> str:
        j, clock = self.as_json(), self.target.clock
        rows = [
            ("model", f"{Path(j['model']).name} (sha256 {j['model_sha256'][:12]})"),
            ("board", f"{self.board} ({self.target.device.ready.board}, engine {j['engine']})"),
            *([("stages", "; ".join(f"{st['name']} x{st['invokes']}" + (f" ({st['first_to_differ']} vectors differ "
                                                                         "first here)" if st["first_to_differ"] else "")
                                     for st in j["stages"]))] if j["stages"] else []),
            ("vectors", f"{j['vectors']} ({j['vector_source']})" + self._sequences_note() + self._via_note()),
            ("parity", f"{j['vectors'] - j['mismatching']} exact, {j['mismatching']} mismatching, "
                       f"max |diff| {j['max_abs_diff_lsb']:g} LSB" if not self.float else
                       f"{j['vectors'] - j['mismatching']} within the float tolerance, {j['mismatching']} outside; "
                       f"worst: {max(self.results, key=lambda r: r.parity.max_abs_diff).parity.message()}"),
            ("cycles", f"worst {j['cycles']:,}, min {j['cycles_min']:,} [{clock.provenance}]"),
            ("latency", f"{duration_text(j['latency_us'])} worst at {clock.cpu_hz / 1e6:g} MHz [{clock.provenance}]"),
            *([("estimated", estimate_row(j["estimated"]))] if j["estimated"] else []),
            ("arena", bytes_text(j["arena_bytes"]) + (f" = {oracle.breakdown_text(j['arena_breakdown'])}"
                                                      if j["arena_breakdown"] else "")),
            ("flash", f"{bytes_text(j['flash_bytes'])} (firmware ELF)"),
            ("RAM", ram_text(j)),
            ("energy", energy_row(self.energy_stats(), self.board)),
        ]
        return "\n".join(f"{k:<12} {v}" for k, v in rows)

    def _via_note(self) -> str:
        debug = self.target.device.debug
        return f", through the debug connection ({debug.memory.remote})" if debug is not None else ", over the UART"

    def _sequences_note(self) -> str:
        seqs = self.target.vectors.sequences
        if seqs is None:
            return ""
        if len(seqs) == 1:
            return ", in one sequence (state reset before the first)"
        return f", in {len(seqs)} sequences of {_sequence_lengths([len(r) for r in seqs])} (state reset before each)"


def estimate_row(e: dict) -> str:
    band = f"±{e['band']:.0%}" if e["band"] is not None else "error band unknown"
    return (f"worst {e['cycles']:,} cycles = {duration_text(e['latency_us'])} on {e['part']} "
            f"[{ESTIMATED} {band}; {e['basis']}]")


def _sequence_lengths(lengths: list[int]) -> str:
    return f"{lengths[0]} each" if len(set(lengths)) == 1 else "/".join(map(str, lengths))


def energy_record(stats: EnergyStats | None, board: str) -> dict:
    """The energy keys of a JSON summary; without a figure, a note saying why."""
    if stats is None:
        return {"energy_uj": None, "energy_note": no_energy_reason(board)}
    return stats.record()


def no_energy_reason(board: str) -> str:
    return (f"board {board} has no [power] model and no power monitor was used: add [power] to its profile "
            f"or pass --power-monitor (docs/energy.md)")


def energy_row(stats: EnergyStats | None, board: str) -> str:
    if stats is None:
        return no_energy_reason(board)
    how = (f"; {stats.cycles:,.0f} estimated silicon cycles = {duration_text(stats.seconds_per_inference * 1e6)} "
           f"on the modelled part" if stats.cycles is not None else "")
    return (f"{energy_text(stats.median_uj)} per inference (min {energy_text(stats.min_uj)}, max "
            f"{energy_text(stats.max_uj)}) [{stats.provenance}{how}]")


def op_profile_rows(target: Target) -> list[dict]:
    """Cycles per operator of the last inference, with each operator's MACs from the model."""
    rows = []
    estimated = operator_estimates(target)
    for entry in target.device.profile():
        op = target.info.ops[entry.index]
        cycles = target.clock.cycles(entry.ticks)
        rows.append({"index": entry.index, "op": op.name, "cycles": cycles, "macs": op.macs,
                     "cycles_per_mac": cycles / op.macs if op.macs else None,
                     "provenance": target.clock.provenance,
                     **({"estimated_cycles": estimated[entry.index]} if estimated else {})})
    return rows


def operator_estimates(target: Target) -> list[int] | None:
    """Estimated cycles of each operator of the latest invoke, when its mix splits by operator."""
    estimator = target.session.estimator
    ops = target.windows[-1].operators(len(target.info.ops)) if estimator and target.windows else None
    return [estimator.cycles(mix) for mix in ops] if ops is not None else None


def estimated_stats(target: Target, per_vector: list[list[int]], repeat: int) -> TimingStats | None:
    """The estimated cycles of the timing run as TimingStats at the part's clock, or None."""
    estimator = target.session.estimator
    if estimator is None or not per_vector or not all(per_vector):
        return None
    return TimingStats([c for run in per_vector for c in run], [run[0] for run in per_vector],
                       Clock.estimated(estimator.part.hz), len(per_vector), repeat, estimator.part.spec, estimator.band)
