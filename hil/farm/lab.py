"""A labgrid lab of emulated boards on 127.0.0.1: a real labgrid coordinator, one real exporter
per lab host, and QEMU boards that stand where physical ones would (halted until flashed, the
UART on a TCP port exported as a NetworkSerialPort, the GDB stub as the place's GDBServer).

Every server binds 127.0.0.1 only; every process is started through hil.boards.process.spawn,
so none outlives the harness, and `stop()` ends them all. Used by the tests and by
docs/farm.md's measurements; a lab of real boards is set up with labgrid's own tools instead.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hil.boards.process import kill_process_group, log_tail, spawn
from hil.boards.profile import find_profile
from hil.boards.qemu import free_port, qemu_machine
from hil.errors import ConfigError
from hil.farm.coordinator import connect
from hil.farm.place import BOARD_TAG, GDB_CLASS, SERIAL_CLASS

LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")


@dataclass(frozen=True)
class BoardSpec:
    place: str      # the place's name (also its resource group on the exporter)
    board: str      # the hil board profile it emulates (qemu, qemu-m7, qemu-m55, ...)
    exporter: str = "lab-a"  # the lab host it hangs off


@dataclass
class Board:
    spec: BoardSpec
    process: subprocess.Popen
    log: Path
    uart_port: int
    gdb_port: int


@dataclass
class LoopbackLab:
    boards: list[BoardSpec]
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="hil-lab-")))
    address: str = ""
    coordinator: subprocess.Popen | None = None
    exporters: dict[str, subprocess.Popen] = field(default_factory=dict)
    running: list[Board] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def __enter__(self) -> LoopbackLab:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- starting ----

    def start(self, timeout: float = 60.0) -> None:
        self.address = self._start_coordinator(timeout)
        for spec in self.boards:
            self.running.append(self._start_board(spec))
        for exporter in dict.fromkeys(spec.exporter for spec in self.boards):
            self.start_exporter(exporter, timeout)
        client = connect(self.address)
        try:
            for board in self.running:
                client.add_place(board.spec.place, [f"{board.spec.exporter}/{board.spec.place}/*"],
                                 {BOARD_TAG: board.spec.board}, comment=f"QEMU {board.spec.board} on 127.0.0.1")
        finally:
            client.close()

    def _spawn(self, cmd: list[str], name: str) -> tuple[subprocess.Popen, Path]:
        proc, log = spawn(cmd, name, cwd=self.workdir)
        self.logs.append(log)
        return proc, log

    def _start_coordinator(self, timeout: float) -> str:
        code = "import sys; from labgrid.remote.coordinator import main; sys.argv[0] = 'labgrid-coordinator'; main()"
        self.coordinator, log = self._spawn([sys.executable, "-u", "-c", code, "-l", "127.0.0.1:0"], "lg-coordinator")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = LISTENING.search(log.read_text(errors="replace"))
            if match:
                return f"127.0.0.1:{match.group(1)}"
            if self.coordinator.poll() is not None:
                break
            time.sleep(0.05)
        raise ConfigError(f"labgrid-coordinator did not start: {log_tail(log) or 'no output'}")

    def _start_board(self, spec: BoardSpec) -> Board:
        profile = find_profile(spec.board)
        if profile.backend != "qemu":
            raise ConfigError(f"the loopback lab emulates QEMU boards only, not {spec.board}")
        uart, gdb = free_port(), free_port()
        cmd = qemu_machine(profile, uart, wait=False) + ["-S", "-gdb", f"tcp:127.0.0.1:{gdb}"]
        proc, log = self._spawn(cmd, f"lab-{spec.place}")
        return Board(spec, proc, log, uart, gdb)

    def exporter_config(self, exporter: str) -> Path:
        lines = []
        for board in self.running:
            if board.spec.exporter != exporter:
                continue
            lines += [f"{board.spec.place}:",
                      f"  {SERIAL_CLASS}:", "    host: 127.0.0.1", f"    port: {board.uart_port}",
                      "    speed: 115200", "    protocol: raw",
                      f"  {GDB_CLASS}:", "    host: 127.0.0.1", f"    port: {board.gdb_port}",
                      "    reset: monitor system_reset", "    target: remote"]
        path = self.workdir / f"{exporter}.yaml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start_exporter(self, exporter: str, timeout: float = 60.0) -> None:
        code = "import sys; from labgrid.remote.exporter import main; sys.argv[0] = 'labgrid-exporter'; main()"
        cmd = [sys.executable, "-u", "-c", code, "-c", self.address, "-n", exporter, "--hostname", "127.0.0.1",
               str(self.exporter_config(exporter))]
        self.exporters[exporter], log = self._spawn(cmd, f"lg-{exporter}")
        groups = {b.spec.place for b in self.running if b.spec.exporter == exporter}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(f"add resource {group}/" in log.read_text(errors="replace") for group in groups):
                return
            if self.exporters[exporter].poll() is not None:
                break
            time.sleep(0.05)
        raise ConfigError(f"labgrid-exporter {exporter} did not start: {log_tail(log) or 'no output'}")

    # ---- failures on purpose, and the end ----

    def kill_exporter(self, exporter: str) -> None:
        """SIGKILL, as a crashed lab host: no goodbye to the coordinator."""
        proc = self.exporters.pop(exporter)
        proc.kill()
        kill_process_group(proc)

    def pids(self) -> list[int]:
        procs = [self.coordinator, *self.exporters.values(), *(b.process for b in self.running)]
        return [p.pid for p in procs if p is not None and p.poll() is None]

    def stop(self) -> None:
        for proc in [*self.exporters.values(), *(b.process for b in self.running), self.coordinator]:
            if proc is not None:
                kill_process_group(proc)
        self.exporters.clear()
        self.running.clear()
        self.coordinator = None
        for log in self.logs:
            log.unlink(missing_ok=True)
        shutil.rmtree(self.workdir, ignore_errors=True)
