"""The harness's view of a TFLM tree (hil/engines/tflm_tree.py): which library fits the board in
either gen layout, one line listing the candidates when several fit, and what a library was
built as (commit, kernel set, build type), without a real TFLM tree: placeholder headers and
tiny archives compiled here stand in for TFLM's (the real tree is exercised by
tests/test_tflm_engine.py where TFLM_ROOT is set)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.engines.tflm_tree import GEN_DIRS, TflmBuild, built_for, target_arch
from hil.errors import ConfigError

M4 = "cortex_m_generic_cortex-m4+fp_{}_gcc"


def tree(root: Path) -> Path:
    micro = root / "tensorflow" / "lite" / "micro"
    micro.mkdir(parents=True)
    (micro / "micro_interpreter.h").write_text("/* placeholder */\n")
    return root


def lib(root: Path, gen: str, layout: str = GEN_DIRS[0], symbols: str = "") -> Path:
    path = root / layout / gen / "lib" / "libtensorflow-microlite.a"
    path.parent.mkdir(parents=True)
    if not symbols:
        path.write_bytes(b"!<arch>\n")
        return path
    src = path.parent / "s.c"
    src.write_text(symbols)
    obj = src.with_suffix(".o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-c", str(src), "-o", str(obj)], check=True)
    subprocess.run(["arm-none-eabi-ar", "rc", str(path), str(obj)], check=True)
    return path


def resolve(root: Path, board: str = "qemu", tflm_lib: Path | None = None) -> TflmBuild:
    return TflmBuild.resolve(find_profile(board), root, tflm_lib)


@pytest.fixture(autouse=True)
def no_tflm_environment(monkeypatch):
    monkeypatch.delenv("TFLM_ROOT", raising=False)
    monkeypatch.delenv("TFLM_LIB", raising=False)


def test_target_arch_follows_the_boards_float_abi():
    assert [target_arch(find_profile(b)) for b in ("qemu", "qemu-m7", "qemu-m55", "qemu-m3")] == \
        ["cortex-m4+fp", "cortex-m7+fp", "cortex-m55", "cortex-m3"]


@pytest.mark.parametrize("layout", GEN_DIRS)
def test_the_boards_only_library_is_found_in_either_layout(tmp_path, layout):
    root = tree(tmp_path / "tflm")
    wanted = lib(root, M4.format("release_cmsis_nn"), layout)
    lib(root, "cortex_m_generic_cortex-m55_release_cmsis_nn_gcc", layout)  # another board's
    lib(root, "cortex_m_generic_cortex-m4_release_gcc", layout)  # soft-float: not this board's
    build = resolve(root)
    assert build.lib == wanted and build.arch == "cortex-m4+fp" and build.build_type == "release"
    assert f"-DTFLM_LIB={wanted}" in build.cmake_args()


def test_several_libraries_are_listed_with_how_to_choose(tmp_path):
    root = tree(tmp_path / "tflm")
    a = lib(root, M4.format("release"))
    b = lib(root, M4.format("release_with_logs_cmsis_nn"), GEN_DIRS[1])
    with pytest.raises(ConfigError) as info:
        resolve(root)
    line = info.value.one_line()
    assert "\n" not in line and "2 TFLM libraries for TARGET_ARCH=cortex-m4+fp" in line
    assert str(a.relative_to(root)) in line and str(b.relative_to(root)) in line and "--tflm-lib" in line
    assert resolve(root, tflm_lib=b).lib == b


def test_no_library_for_the_board_names_what_was_found(tmp_path):
    root = tree(tmp_path / "tflm")
    lib(root, "cortex_m_generic_cortex-m55_release_gcc")
    with pytest.raises(ConfigError) as info:
        resolve(root)
    line = info.value.one_line()
    assert "no libtensorflow-microlite.a for TARGET_ARCH=cortex-m4+fp" in line
    assert "found only cortex_m_generic_cortex-m55_release_gcc" in line and "--tflm-lib" in line


def test_a_missing_tflm_lib_is_one_line(tmp_path):
    root = tree(tmp_path / "tflm")
    with pytest.raises(ConfigError, match="--tflm-lib .*no.a not found"):
        resolve(root, tflm_lib=tmp_path / "no.a")


def test_tflm_lib_from_the_environment(tmp_path, monkeypatch):
    root = tree(tmp_path / "tflm")
    lib(root, M4.format("release"))
    chosen = lib(root, M4.format("release_cmsis_nn"))
    monkeypatch.setenv("TFLM_LIB", str(chosen))
    assert resolve(root).lib == chosen


def test_a_library_built_for_another_core_is_refused(tmp_path, monkeypatch):
    """TFLM_LIB of an M4 build left set for an M55 run would link and run (the M55 executes M4 code)
    and be reported as if it were an M55 build."""
    root = tree(tmp_path / "tflm")
    m4 = lib(root, M4.format("release_cmsis_nn"))
    m55 = lib(root, "cortex_m_generic_cortex-m55_release_cmsis_nn_gcc")
    monkeypatch.setenv("TFLM_LIB", str(m4))
    with pytest.raises(ConfigError) as info:
        resolve(root, "qemu-m55")
    line = info.value.one_line()
    assert f"--tflm-lib {m4} was built for TARGET_ARCH=cortex-m4+fp" in line and "needs cortex-m55" in line
    assert resolve(root, "qemu-m55", tflm_lib=m55).lib == m55 and resolve(root, "qemu").lib == m4


def test_a_library_outside_gen_is_taken_for_any_board(tmp_path):
    """An exported tree's library (create_tflm_tree.py) has no gen directory naming its core."""
    root = tree(tmp_path / "tflm")
    exported = tmp_path / "out" / "libtensorflow-microlite.a"
    exported.parent.mkdir()
    exported.write_bytes(b"!<arch>\n")
    assert built_for(exported) is None
    assert resolve(root, "qemu-m55", tflm_lib=exported).lib == resolve(root, "qemu", tflm_lib=exported).lib == exported


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="needs arm-none-eabi-gcc")
def test_kernel_set_and_profile_are_read_from_the_library_and_tree(tmp_path):
    root = tree(tmp_path / "tflm")
    script = root / "tensorflow/lite/micro/tools/make/ext_libs/cmsis_nn_download.sh"
    script.parent.mkdir(parents=True)
    script.write_text('ZIP_PREFIX_NN="4ab83cc3cc98fb85ed6dafb55e8ca02f1628dcae"\n')
    cmsis = resolve(root, tflm_lib=lib(root, M4.format("release_with_logs_cmsis_nn"), symbols=(
        "void arm_convolve_s8(void) {}\n"
        'void micro_printf(const char *f, ...) __asm__("_Z11MicroPrintfPKcz");\n'
        "void micro_printf(const char *f, ...) { (void)f; }\n")))
    assert cmsis.kernels == "CMSIS-NN 4ab83cc3" and cmsis.per_op_profile is True
    assert cmsis.build_type == "release_with_logs"
    reference = resolve(root, tflm_lib=lib(root, M4.format("release"), symbols="void other(void) {}\n"))
    assert reference.kernels == "reference" and reference.per_op_profile is False
    assert reference.commit == "unknown"  # not a git checkout
