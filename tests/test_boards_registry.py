"""The board registry: every shipped profile is complete and consistent, names and aliases are
unambiguous, `hil boards` lists them all, and user profiles join through the search path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hil.boards import all_profiles, find_profile, make_backend
from hil.boards.profile import BUILTIN_DIR, load_profile, search_path
from hil.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(BUILTIN_DIR.glob("*.toml"))
BACKENDS = {"qemu", "renode", "serial"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_profile_is_complete(path):
    profile = load_profile(path)
    assert profile.backend in BACKENDS
    assert (ROOT / "firmware" / "boards" / profile.firmware_board / "board.cmake").is_file()
    assert profile.uart and profile.flasher and profile.description
    if profile.emulated:
        assert profile.setting("instructions_per_tick") > 0
    if profile.backend == "qemu":
        assert profile.setting("machine")
    make_backend(profile)  # constructible without command-line options


def test_names_and_aliases_are_unambiguous():
    seen: dict[str, str] = {}
    for profile in all_profiles().values():
        for key in [profile.name, *profile.aliases]:
            assert key not in seen, f"'{key}' names both {seen[key]} and {profile.name}"
            seen[key] = profile.name
    for key, name in seen.items():
        assert find_profile(key).name == name


@pytest.mark.parametrize(("alias", "name", "board"), [
    ("mps2-an500", "qemu-m7", "mps2_an500"), ("mps3-an547", "qemu-m55", "mps3_an547"),
    ("netduinoplus2", "qemu-stm32", "stm32f4"), ("stm32f4_discovery", "renode", "stm32f4"),
    ("nucleo-f4", "stm32", "stm32f4"), ("stm32-standin", "qemu-stm32-bench", "stm32f4")])
def test_board_option_accepts_aliases(alias, name, board):
    profile = find_profile(alias)
    assert (profile.name, profile.firmware_board) == (name, board)


def test_every_emulated_profile_says_virtual_and_the_physical_one_dwt():
    profiles = all_profiles()
    for name in ("qemu", "qemu-m7", "qemu-m55", "qemu-stm32", "qemu-stm32-bench", "renode"):
        assert profiles[name].provenance == "virtual"
    assert profiles["stm32"].provenance == "dwt" and not profiles["stm32"].emulated


def test_hil_boards_lists_every_profile_with_its_tools(tmp_path, monkeypatch):
    (tmp_path / "bench.toml").write_text(
        'name = "my-nucleo"\naliases = ["mine"]\nbackend = "serial"\nfirmware_board = "stm32f4"\n'
        'cpu_hz = 100_000_000\ncore = "cortex-m4"\nprovenance = "dwt"\nuart = "USART2"\nflasher = "none"\n'
        '[serial]\nflasher = "none"\n')
    env_path = str(tmp_path)
    result = subprocess.run([sys.executable, "-m", "hil.cli", "boards"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env={**__import__("os").environ, "HIL_BOARDS_PATH": env_path})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    header = out.splitlines()[0].split()
    assert header[:7] == ["board", "aliases", "core", "cpu_hz", "backend", "uart", "flasher"]
    monkeypatch.setenv("HIL_BOARDS_PATH", env_path)
    for profile in all_profiles().values():
        row = next(line for line in out.splitlines() if line.split()[0] == profile.name)
        assert ",".join(profile.aliases) in row and profile.core in row and f"{profile.cpu_hz:,}" in row
        assert profile.backend in row
    qemu_row = next(line for line in out.splitlines() if line.startswith("qemu "))
    assert qemu_row.rstrip().endswith("yes")  # qemu-system-arm is installed on CI machines
    assert f"profile search path: {BUILTIN_DIR}, {tmp_path}" in out


def test_search_path_order_is_builtin_then_env_then_cwd(tmp_path, monkeypatch):
    monkeypatch.setenv("HIL_BOARDS_PATH", f"{tmp_path / 'a'}:{tmp_path / 'b'}")
    monkeypatch.chdir(tmp_path)
    assert search_path() == [BUILTIN_DIR, tmp_path / "a", tmp_path / "b", tmp_path / "boards"]


def test_unknown_backend_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "x.toml").write_text('name = "x"\nbackend = "jtag"\nfirmware_board = "stm32f4"\ncpu_hz = 1\n'
                                     'core = "cortex-m4"\nprovenance = "dwt"\n')
    monkeypatch.setenv("HIL_BOARDS_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="unknown backend 'jtag'"):
        make_backend(find_profile("x"))
