"""Board profile loading: shipped profiles, aliases, user profiles on HIL_BOARDS_PATH, errors."""

import pytest

from hil.boards import find_profile
from hil.boards.profile import all_profiles
from hil.errors import ConfigError


def test_default_profile_is_qemu_mps2_an386():
    profile = find_profile("qemu")
    assert profile.backend == "qemu" and profile.firmware_board == "mps2_an386"
    assert profile.cpu_hz == 25_000_000 and profile.provenance == "virtual"
    assert profile.setting("instructions_per_tick") == 40


def test_alias_resolves_to_the_same_profile():
    assert find_profile("mps2-an386").name == "qemu"


def test_unknown_board_lists_the_known_ones():
    with pytest.raises(ConfigError, match="unknown board 'nope'.*qemu"):
        find_profile("nope")


def test_user_profile_on_search_path_overrides(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(
        'name = "my-board"\naliases = ["mb"]\nbackend = "qemu"\nfirmware_board = "mps2_an386"\n'
        'cpu_hz = 100_000_000\ncore = "cortex-m4"\nprovenance = "virtual"\n[qemu]\nmachine = "mps2-an386"\n')
    monkeypatch.setenv("HIL_BOARDS_PATH", str(tmp_path))
    assert "my-board" in all_profiles()
    assert find_profile("mb").cpu_hz == 100_000_000


def test_profile_missing_fields_is_a_clear_error(tmp_path, monkeypatch):
    (tmp_path / "bad.toml").write_text('name = "bad"\n')
    monkeypatch.setenv("HIL_BOARDS_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="lacks backend"):
        all_profiles()
