"""A stand-in for a board on a bench: QEMU's netduinoplus2 (STM32F405) with USART2 on a pty
and a GDB server, halted until flashed. It lets CI exercise the physical backend for real
(pyserial on a tty, flashing through the GDB remote protocol) without hardware:

    python -m hil.boards.bench_standin
    # prints: pytest --board=qemu-stm32-bench --port /dev/pts/N --flasher gdb --gdb-remote 127.0.0.1:PORT

The GDB server listens on 127.0.0.1 only (QEMU's `-s` would listen on every interface).
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from hil.boards.process import kill_process_group, log_tail, spawn
from hil.boards.qemu import QEMU_BINARY, free_port
from hil.errors import Category, ConfigError, HilError

BENCH_PROFILE = "qemu-stm32-bench"


@dataclass
class StandIn:
    pty: str
    gdb_remote: str
    process: subprocess.Popen
    log: Path

    def pytest_args(self, board: str = BENCH_PROFILE) -> list[str]:
        return [f"--board={board}", "--port", self.pty, "--flasher", "gdb", "--gdb-remote", self.gdb_remote]

    def stop(self) -> None:
        kill_process_group(self.process)


def standin_command(gdb_port: int, machine: str = "netduinoplus2", serial_index: int = 1) -> list[str]:
    """QEMU halted (-S) with a GDB server on localhost and serial `serial_index` on a pty."""
    serials = ["-serial", "null"] * serial_index + ["-serial", "pty"]
    return [QEMU_BINARY, "-M", machine, "-nographic", "-monitor", "none", "-icount", "shift=0,sleep=off",
            *serials, "-gdb", f"tcp:127.0.0.1:{gdb_port}", "-S"]


def start_standin(machine: str = "netduinoplus2", serial_index: int = 1, timeout: float = 10.0) -> StandIn:
    if shutil.which(QEMU_BINARY) is None:
        raise ConfigError(f"{QEMU_BINARY} not found: run ./setup.sh (or apt-get install qemu-system-arm)")
    for _ in range(3):  # another process may take the free port before QEMU binds it
        port = free_port()
        proc, log = spawn(standin_command(port, machine, serial_index), "standin")
        pattern = re.compile(rf"char device redirected to (\S+) \(label serial{serial_index}\)")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and proc.poll() is None:
            match = pattern.search(log.read_text(errors="replace"))
            if match:
                return StandIn(match.group(1), f"127.0.0.1:{port}", proc, log)
            time.sleep(0.05)
        tail = log_tail(log)
        kill_process_group(proc)
        if "Address already in use" not in tail:
            break
    raise HilError(f"the bench stand-in (QEMU {machine}) did not come up: {tail or 'no output'}",
                   Category.EMULATOR_EXITED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machine", default="netduinoplus2")
    parser.add_argument("--serial-index", type=int, default=1, help="which -serial is the board's console")
    args = parser.parse_args(argv)
    try:
        standin = start_standin(args.machine, args.serial_index)
    except HilError as exc:
        print(exc.one_line(), file=sys.stderr)
        return 2
    print(f"bench stand-in: QEMU {args.machine} (pid {standin.process.pid}), halted until flashed")
    print(f"  serial port: {standin.pty}\n  GDB server:  {standin.gdb_remote}")
    print("run, in another shell:\n  pytest " + " ".join(standin.pytest_args()), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop QEMU on kill, not only on Ctrl-C
    try:
        standin.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
