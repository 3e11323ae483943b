"""The physical (serial) backend without a board: port errors, the GDB flasher against a real
gdb-multiarch, and pyOCD with its real Session/FileProgrammer code and a fake probe (no probe
is attached to CI machines). The full path with a target is in test_physical_bench.py."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hil.boards import find_profile, make_backend
from hil.boards.flashers import FlashError, GdbFlasher, PyocdFlasher, check_gdb_output, vector_table
from hil.boards.qemu import free_port
from hil.boards.serial import SerialBackend
from hil.errors import Category, ConfigError, HilError
from hil.link.transport import SerialTransport

ROOT = Path(__file__).resolve().parents[1]

VECTORS_S = """
    .syntax unified
    .thumb
    .section .vectors, "a"
    .word 0x20001000
    .word reset + 1
    .text
    .thumb_func
reset:
    b reset
"""


@pytest.fixture(scope="module")
def tiny_elf(tmp_path_factory) -> Path:
    """A two-word vector table at 0x08000000 and a loop: enough for the vector-table reader."""
    if shutil.which("arm-none-eabi-gcc") is None:
        pytest.skip("arm-none-eabi-gcc is not installed")
    d = tmp_path_factory.mktemp("elf")
    (d / "v.S").write_text(VECTORS_S)
    (d / "v.ld").write_text("SECTIONS { . = 0x08000000; .vectors : { KEEP(*(.vectors)) } .text : { *(.text) } }\n")
    elf = d / "tiny.elf"
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-nostdlib", "-T", str(d / "v.ld"), "-Wl,-e,reset",
                    "-o", str(elf), str(d / "v.S")], check=True)
    return elf


def pty_pair() -> tuple[int, str]:
    master, slave = os.openpty()
    name = os.ttyname(slave)
    os.close(slave)
    return master, name


# ---------------------------------------------------------------- ports


def test_missing_port_is_one_actionable_line():
    backend = make_backend(find_profile("stm32"))
    with pytest.raises(ConfigError, match="pass --port"):
        backend.check_tools()


def test_nonexistent_port_fails_pytest_in_under_5s_with_one_line():
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "test_suites", "--board=stm32", "--port",
                             "/dev/does-not-exist", "-p", "no:cacheprovider", "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    assert result.returncode != 0
    assert elapsed < 5.0, f"took {elapsed:.1f} s"
    assert len(lines) == 1, lines
    assert "/dev/does-not-exist" in lines[0] and "cannot open serial port" in lines[0]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs ptys")
def test_busy_port_names_the_port():
    master, name = pty_pair()
    holder = SerialTransport(name)  # another program holding the port (pyserial's exclusive lock)
    try:
        backend = SerialBackend(find_profile("stm32"), port=name, flasher="none")
        with pytest.raises(ConfigError, match=f"cannot open serial port {name}.*lock"):
            backend.check_tools()
    finally:
        holder.close()
        os.close(master)


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs ptys")
def test_silent_port_says_what_was_tried(tmp_path):
    master, name = pty_pair()
    profile = find_profile("stm32")
    profile = dataclasses.replace(profile, settings={**profile.settings, "listen_s": 0.3, "ready_timeout": 1.5})
    try:
        backend = SerialBackend(profile, port=name, flasher="none")
        with pytest.raises(HilError) as info:
            backend.start(tmp_path / "unused.elf")
        assert info.value.category == Category.NO_READY
        message = str(info.value)
        assert name in message and "HELLO" in message and "--flasher none" in message
        assert os.read(master, 4096)  # the HELLO frames really went out on the port
    finally:
        os.close(master)


def test_unknown_flasher_is_refused():
    with pytest.raises(ConfigError, match="unknown flasher 'jlink'"):
        SerialBackend(find_profile("stm32"), port="/dev/null", flasher="jlink")


# ---------------------------------------------------------------- GDB flasher


def test_vector_table_comes_from_the_elf(tiny_elf):
    base, sp, reset = vector_table(tiny_elf)
    assert (base, sp) == (0x08000000, 0x20001000)
    assert reset & 1 and 0x08000000 < reset < 0x08001000


def test_gdb_command_loads_then_starts_from_the_reset_vector(tiny_elf):
    if shutil.which("gdb-multiarch") is None and shutil.which("arm-none-eabi-gdb") is None:
        pytest.skip("no GDB for Arm installed")
    _, sp, reset = vector_table(tiny_elf)
    cmd = GdbFlasher("127.0.0.1:3333", before_load=["monitor reset halt"]).command(tiny_elf)
    script = [cmd[i + 1] for i, arg in enumerate(cmd) if arg == "-ex"]
    assert script[4:] == ["target extended-remote 127.0.0.1:3333", "monitor reset halt", "load",
                          "set $xpsr = 0x01000000", "set $xPSR = 0x01000000", f"set $sp = {sp:#x}",
                          f"set $pc = {reset & ~1:#x}",
                          "set *(unsigned int *)0xe000ed08 = 0x8000000", "detach"]
    assert cmd[1:3] == ["-nx", "-batch"] and cmd[-1] == str(tiny_elf)


def test_gdb_server_not_listening_is_one_line(tiny_elf):
    if shutil.which("gdb-multiarch") is None and shutil.which("arm-none-eabi-gdb") is None:
        pytest.skip("no GDB for Arm installed")
    remote = f"127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(FlashError, match=f"GDB server {remote} failed: .*(refused|timed out)"):
        GdbFlasher(remote, timeout=60).flash(tiny_elf)


def test_gdb_output_without_a_completed_load_is_a_failure():
    with pytest.raises(FlashError, match="did not report a completed load"):
        check_gdb_output("Remote debugging using 127.0.0.1:3333\n0x00000000 in ?? ()\n", "x:1")
    with pytest.raises(FlashError, match="Error erasing flash"):
        check_gdb_output("Error erasing flash with vFlashErase packet\n", "x:1")
    check_gdb_output("Loading section .text, size 0x6e38 lma 0x8000000\nStart address 0x08000218, "
                     "load size 28224\nTransfer rate: 27562 KB/sec, 1881 bytes/write.\n", "x:1")


def test_gdb_flasher_needs_a_remote():
    with pytest.raises(ConfigError, match="--gdb-remote"):
        SerialBackend(find_profile("stm32"), port="/dev/null", flasher="gdb").flasher.check()


# ---------------------------------------------------------------- pyOCD


def test_pyocd_without_a_probe_attached_here_is_one_line(tiny_elf):
    """Real pyOCD probe enumeration: CI machines have no debug probe."""
    pytest.importorskip("pyocd")
    flasher = PyocdFlasher()
    try:
        flasher.choose_probe()
    except FlashError as exc:
        assert "pyOCD found no debug probe" in str(exc) and "pyocd list" in str(exc)
    else:
        pytest.skip("a debug probe is attached to this machine")


def _fake_probe_class():
    """A pyOCD DebugProbe whose USB side is missing: everything above it is pyOCD's own code."""
    from pyocd.core.exceptions import ProbeError
    from pyocd.probe.debug_probe import DebugProbe

    class UnpluggedProbe(DebugProbe):
        def __init__(self, uid: str):
            super().__init__()
            self._uid = uid

        unique_id = property(lambda self: self._uid)
        description = property(lambda self: "STM32 STLink (stand-in: no probe on CI)")
        vendor_name = property(lambda self: "STMicroelectronics")
        product_name = property(lambda self: "STM32 STLink")
        supported_wire_protocols = property(lambda self: set())
        wire_protocol = property(lambda self: None)
        is_open = property(lambda self: False)
        capabilities = property(lambda self: set())

        def create_associated_board(self):
            return None

        def open(self):
            raise ProbeError("Unable to open device: USB busy")

        def close(self):
            pass

    return UnpluggedProbe


@pytest.fixture
def fake_probes(monkeypatch):
    """Replaces only pyOCD's USB probe enumeration (the probe boundary)."""
    pytest.importorskip("pyocd")
    from pyocd.probe.aggregator import DebugProbeAggregator

    probes: list = []
    monkeypatch.setattr(DebugProbeAggregator, "get_all_connected_probes",
                        staticmethod(lambda unique_id=None: [p for p in probes
                                                             if unique_id is None or unique_id in p.unique_id]))
    return probes, _fake_probe_class()


def test_pyocd_several_probes_need_the_probe_option_stand_in_probes(fake_probes, tiny_elf):
    probes, probe_cls = fake_probes
    probes += [probe_cls("0671FF3833"), probe_cls("066DFF4955")]
    with pytest.raises(FlashError, match=r"found 2 debug probes: 066DFF4955 \(.*\), 0671FF3833 .*--probe UID"):
        PyocdFlasher().flash(tiny_elf)
    assert PyocdFlasher(probe="4955").choose_probe().unique_id == "066DFF4955"


def test_pyocd_probe_failure_is_one_line_stand_in_probe(fake_probes, tiny_elf):
    probes, probe_cls = fake_probes
    probes.append(probe_cls("066DFF4955"))
    with pytest.raises(FlashError, match=r"pyOCD could not flash tiny.elf \(probe 066DFF4955, target "
                                         r"stm32f412xg\): Unable to open device: USB busy"):
        PyocdFlasher(target="stm32f412xg").flash(tiny_elf)


def test_pyocd_unknown_target_says_how_to_add_it_stand_in_probe(fake_probes, tiny_elf):
    probes, probe_cls = fake_probes
    probes.append(probe_cls("066DFF4955"))
    with pytest.raises(FlashError, match="not recognized.*pyocd pack install stm32f446re"):
        PyocdFlasher(target="stm32f446re").flash(tiny_elf)
