"""QEMU backend: one emulator per firmware image, its UART on a local TCP socket, and (unless
--vectors-via uart) its gdbstub on another, through which vectors move in target RAM.

The socket chardev uses nodelay=on (QEMU's -serial tcp: would add Nagle's ~40 ms per
exchange) and wait=on (the guest starts only once the harness is connected, so nothing the
firmware prints is lost). -icount shift=0,sleep=off makes virtual time advance exactly with
executed instructions: cycle counts repeat exactly from run to run.
"""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

from hil.boards.base import Session, connect_device
from hil.boards.debug_link import attach_debug_path, check_vectors_via
from hil.boards.process import kill_process_group, log_tail, remove_scratch, spawn
from hil.boards.profile import BoardProfile
from hil.errors import Category, ConfigError, HilError
from hil.estimate.mix import MixLog
from hil.estimate.model import Estimator
from hil.estimate.parts import find_part
from hil.estimate.plugin import plugin_arguments
from hil.link.gdb_remote import GdbRemote
from hil.link.transport import TcpTransport

QEMU_BINARY = "qemu-system-arm"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_command(profile: BoardProfile, elf: Path, port: int, binary: str = QEMU_BINARY) -> list[str]:
    return qemu_machine(profile, port, binary=binary) + ["-kernel", str(elf)]


def qemu_machine(profile: BoardProfile, port: int, *, wait: bool = True, binary: str = QEMU_BINARY) -> list[str]:
    """The emulated board with its UART on 127.0.0.1:port. `wait`: the guest starts only once a
    client is connected (else output sent with no client connected is dropped)."""
    machine = profile.setting("machine")
    shift = profile.setting("icount_shift", 0)
    serial_index = int(profile.setting("serial_index", 0))
    chardev = f"socket,id=hil0,host=127.0.0.1,port={port},server=on,wait={'on' if wait else 'off'},nodelay=on"
    cmd = [binary, "-M", machine, "-nographic", "-monitor", "none",
           "-icount", f"shift={shift},sleep=off", "-chardev", chardev]
    return cmd + ["-serial", "null"] * serial_index + ["-serial", "chardev:hil0"]


class QemuBackend:
    def __init__(self, profile: BoardProfile, *, ready_timeout: float = 20.0, cpu_hz: int | None = None,
                 estimate_for: str | None = None, vectors_via: str | None = None):
        self.profile = profile
        self.ready_timeout = ready_timeout
        self.cpu_hz = cpu_hz
        spec = estimate_for or profile.estimate_part  # the user's part, else the profile's
        self.estimator = Estimator.for_part(find_part(spec)) if spec else None
        self.estimate_required = bool(estimate_for)  # the profile's default part is best effort
        self.vectors_via = check_vectors_via(vectors_via, profile.name, True, "")

    def check_tools(self) -> None:
        if shutil.which(QEMU_BINARY) is None:
            raise ConfigError(f"{QEMU_BINARY} not found: run ./setup.sh (or apt-get install qemu-system-arm)")

    def start(self, elf: Path) -> Session:
        self.check_tools()
        last_error: HilError | None = None
        for _ in range(3):  # another process may take the free port before QEMU binds it
            try:
                return self._start_once(elf, free_port())
            except HilError as exc:
                if "Address already in use" not in str(exc):
                    raise
                last_error = exc
        raise last_error  # type: ignore[misc]

    def _start_once(self, elf: Path, port: int) -> Session:
        plugin, mix, warnings = self._plugin(elf)
        gdb_port = free_port() if self.vectors_via != "uart" else None
        gdbstub = ["-gdb", f"tcp:127.0.0.1:{gdb_port}"] if gdb_port else []  # localhost only, unlike -s
        proc, log = spawn(qemu_command(self.profile, elf, port) + plugin + gdbstub, "qemu",
                          scratch=(mix.path,) if mix else ())
        deadline = time.monotonic() + self.ready_timeout
        try:
            transport = TcpTransport.connect("127.0.0.1", port, deadline, alive=lambda: proc.poll() is None)
            device, clock = connect_device(self.profile, transport, max(1.0, deadline - time.monotonic()),
                                           self.cpu_hz)
        except HilError as exc:
            exited = proc.poll()
            kill_process_group(proc)
            tail = log_tail(log)
            remove_scratch(log, mix.path if mix else None)
            if exited is not None:
                raise HilError(f"QEMU ({self.profile.setting('machine')}) exited with code {exited} before "
                               f"the firmware was ready: {tail or 'no output'}", Category.EMULATOR_EXITED) from None
            raise HilError(f"{self.profile.name}: {exc} (firmware {elf.name}; QEMU output: {tail or 'none'})",
                           exc.category) from None
        session = Session(self.profile, device, clock, transport, proc, log, warnings=warnings, mix=mix,
                          estimator=self.estimator if mix else None)
        if gdb_port:
            try:
                attach_debug_path(session, elf, self.vectors_via, lambda: self._gdbstub(gdb_port))
            except BaseException:
                session.stop()
                raise
        return session

    def _plugin(self, elf: Path) -> tuple[list[str], MixLog | None, list[str]]:
        """QEMU's mix plugin option and its log. An image the estimate cannot read (no agent
        symbols, no host compiler) runs without it, with a warning, unless the user asked for
        the estimate (--estimate-for)."""
        if self.estimator is None:
            return [], None, []
        try:
            return (*plugin_arguments(elf, self.estimator.part), [])
        except ConfigError as exc:
            if self.estimate_required:
                raise
            return [], None, [f"{self.profile.name}: no estimated cycles: {exc}"]

    @staticmethod
    def _gdbstub(port: int) -> GdbRemote:
        """QEMU's gdbstub; it dies with the emulator, so a dropped connection counts as an exit, and
        the emulator is stopped, not left running, at the end. It reads ahead (a packet that
        arrives before the last reply's acknowledgement is taken as that acknowledgement), so
        the accesses of one step go out pipelined."""
        return GdbRemote.connect(f"127.0.0.1:{port}", lost=Category.EMULATOR_EXITED, run_on_close=False,
                                 pipeline=True, advice=" (--vectors-via uart keeps vectors on the UART)")
