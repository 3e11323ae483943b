"""The board facts written twice, once per side, held equal: each shipped profile in
hil/boards/profiles/ against the firmware port it builds (firmware/boards/<firmware_board>/):
the core (-mcpu in board.cmake), the FPU (the float ABI there) and the core clock (board.c, or
the STM32F4 clock plans in clock.c)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hil import paths
from hil.boards.profile import BUILTIN_DIR, load_profile

PROFILES = sorted(BUILTIN_DIR.glob("*.toml"))


def cpu_flags(board_dir: Path) -> list[str]:
    match = re.search(r"set\(HIL_CPU_FLAGS ([^)]*)\)", (board_dir / "board.cmake").read_text())
    assert match, f"{board_dir}/board.cmake sets no HIL_CPU_FLAGS"
    return match.group(1).split()


def firmware_core(flags: list[str]) -> str:
    (cpu,) = [f.removeprefix("-mcpu=") for f in flags if f.startswith("-mcpu=")]
    return cpu


def firmware_fpu(flags: list[str]) -> bool:
    """hard and softfp use the FPU; soft (or no float ABI) compiles for a core without one."""
    abi = [f.removeprefix("-mfloat-abi=") for f in flags if f.startswith("-mfloat-abi=")]
    return abi[-1:] in (["hard"], ["softfp"])


def firmware_clocks(board_dir: Path) -> set[int]:
    """Every core clock the port can configure: `.cpu_hz = N` of a CMSDK board (board.c), or the
    sysclk of each clock plan (`static const clock_plan PLAN_x = {N, ...}` in clock.c)."""
    text = "".join(p.read_text() for p in sorted(board_dir.glob("*.c")))
    fixed = re.findall(r"\.cpu_hz\s*=\s*(\d+)u", text)
    plans = re.findall(r"clock_plan\s+\w+\s*=\s*\{\s*(\d+)u", text)
    return {int(v) for v in fixed + plans}


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_profile_matches_its_firmware_port(path):
    profile = load_profile(path)
    board_dir = paths.firmware_dir() / "boards" / profile.firmware_board
    flags = cpu_flags(board_dir)
    assert firmware_core(flags) == profile.core, f"{path.name}: core differs from {board_dir}/board.cmake"
    assert firmware_fpu(flags) == profile.fpu, f"{path.name}: fpu differs from the float ABI of {board_dir}"
    clocks = firmware_clocks(board_dir)
    assert clocks, f"{board_dir}: no core clock found"
    if profile.models_part:  # e.g. qemu-l4r5: the latency is given at the modelled part's clock
        assert profile.emulated, f"{path.name}: models_part is for emulated profiles standing for another part"
        return
    assert profile.cpu_hz in clocks, f"{path.name}: cpu_hz {profile.cpu_hz} is none of {sorted(clocks)} in {board_dir}"


def test_every_firmware_port_has_a_profile():
    ports = {p.name for p in (paths.firmware_dir() / "boards").iterdir() if (p / "board.cmake").exists()}
    assert ports == {load_profile(p).firmware_board for p in PROFILES}


def test_the_readers_see_a_difference(tmp_path):
    """The parsers themselves, on a port that disagrees with the profile it would need."""
    (tmp_path / "board.cmake").write_text("set(HIL_CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)\n")
    (tmp_path / "board.c").write_text("static const hil_cmsdk_board b = {\n    .cpu_hz = 12000000u,\n};\n")
    flags = cpu_flags(tmp_path)
    assert (firmware_core(flags), firmware_fpu(flags), firmware_clocks(tmp_path)) == ("cortex-m3", False, {12000000})
