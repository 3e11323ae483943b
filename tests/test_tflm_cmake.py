"""-DHIL_ENGINE=tflm configure checks (firmware/engines/tflm/tflm.cmake) and the harness's
--engine tflm plumbing, without a TFLM tree (none can be installed on these machines).

Configuring with a missing or incomplete TFLM_ROOT must fail in one line naming what is
missing. The "skeleton" trees below are empty placeholder files at the paths the checks look
for, plus a tiny archive standing in for libtensorflow-microlite.a, so the checks that follow
(library search, float ABI, symbol probes) can be exercised; nothing here compiles TFLM code.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hil import paths

FIRMWARE = paths.firmware_dir()
TOOLCHAIN = FIRMWARE / "cmake" / "arm-none-eabi.cmake"
MODEL = paths.models_dir() / "hello_world" / "hello_world.tflite"
HEADERS = ("micro_interpreter.h", "micro_mutable_op_resolver.h", "micro_profiler_interface.h", "micro_log.h")
# Where TFLM's Makefile writes the library: at the tree's top since 2022, under tools/make before.
GEN_LAYOUTS = {"current": "gen/{}/lib", "before_2022": "tensorflow/lite/micro/tools/make/gen/{}/lib"}

pytestmark = pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="needs arm-none-eabi-gcc")

# Symbols a real microlite library defines (mangled as in TFLM 2026, tflite::micro), and the
# cortex_m_generic log callback, so the probes in tflm.cmake have something to find.
STAND_IN_LIB_C = """
void invoke(void) __asm__("_ZN6tflite5micro16MicroInterpreter6InvokeEv");
void invoke(void) {}
void log_cb(void (*f)(const char *)) __asm__("RegisterDebugLogCallback");
void log_cb(void (*f)(const char *)) { (void)f; }
void micro_printf(const char *f, ...) __asm__("_Z11MicroPrintfPKcz");
void micro_printf(const char *f, ...) { (void)f; }
"""


def configure(tmp_path: Path, *args: str, build: str = "build") -> subprocess.CompletedProcess:
    cmd = ["cmake", "-S", str(FIRMWARE), "-B", str(tmp_path / build),
           f"-DCMAKE_TOOLCHAIN_FILE={TOOLCHAIN}", "-DHIL_BOARD=mps2_an386", f"-DHIL_MODEL={MODEL}",
           "-DHIL_ENGINE=tflm", f"-DHIL_PYTHON={sys.executable}", *args]
    if shutil.which("ninja"):
        cmd += ["-G", "Ninja"]
    env = {k: v for k, v in __import__("os").environ.items() if k not in ("TFLM_ROOT", "TFLM_LIB")}
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def error_line(result: subprocess.CompletedProcess) -> str:
    """The one line of the failure: tflm.cmake prints its message unwrapped after CMake's header."""
    assert result.returncode != 0, result.stdout[-2000:]
    lines = [ln.strip() for ln in result.stderr.splitlines() if "HIL_ENGINE=tflm:" in ln]
    assert len(lines) == 1, result.stderr
    return lines[0]


def skeleton(root: Path, *, headers=HEADERS, flatbuffers: str | None = "checkout", makefile: bool = True,
             log_callback: bool = True) -> Path:
    micro = root / "tensorflow" / "lite" / "micro"
    micro.mkdir(parents=True)
    for name in headers:
        (micro / name).write_text("/* placeholder */\n")
    if makefile:
        (micro / "tools" / "make").mkdir(parents=True)
        (micro / "tools" / "make" / "Makefile").write_text("# placeholder\n")
    if log_callback:
        (micro / "cortex_m_generic").mkdir()
        (micro / "cortex_m_generic" / "debug_log_callback.h").write_text("/* placeholder */\n")
    base = {"checkout": micro / "tools" / "make" / "downloads", "exported": root / "third_party"}.get(flatbuffers)
    if base is not None:
        fb = base / "flatbuffers" / "include" / "flatbuffers"
        fb.mkdir(parents=True)
        (fb / "flatbuffers.h").write_text("/* placeholder */\n")
    return root


def stand_in_lib(path: Path, *, float_abi: str = "hard") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    src = path.parent / "stand_in.c"
    src.write_text(STAND_IN_LIB_C)
    obj = path.parent / "stand_in.o"
    flags = ["-mcpu=cortex-m4", "-mthumb", f"-mfloat-abi={float_abi}"]
    flags += ["-mfpu=fpv4-sp-d16"] if float_abi == "hard" else []
    subprocess.run(["arm-none-eabi-gcc", *flags, "-c", str(src), "-o", str(obj)], check=True)
    subprocess.run(["arm-none-eabi-ar", "rc", str(path), str(obj)], check=True)
    return path


def checkout_lib(root: Path, gen: str = "cortex_m_generic_cortex-m4+fp_default_cmsis_nn_gcc", layout: str = "current",
                 **kw) -> Path:
    return stand_in_lib(root / GEN_LAYOUTS[layout].format(gen) / "libtensorflow-microlite.a", **kw)


# ---- missing or incomplete TFLM_ROOT: one line naming what was expected ----

def test_no_tflm_root(tmp_path):
    line = error_line(configure(tmp_path))
    assert "TFLM_ROOT is not set" in line and "-DTFLM_ROOT=" in line


def test_tflm_root_not_a_directory(tmp_path):
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={tmp_path / 'nowhere'}"))
    assert f"{tmp_path / 'nowhere'} is not a directory" in line


def test_empty_tree_names_the_interpreter_header(tmp_path):
    (tmp_path / "tflm").mkdir()
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={tmp_path / 'tflm'}"))
    assert f"{tmp_path / 'tflm'}/tensorflow/lite/micro/micro_interpreter.h not found" in line


def test_missing_profiler_header_is_named(tmp_path):
    root = skeleton(tmp_path / "tflm", headers=("micro_interpreter.h", "micro_mutable_op_resolver.h"))
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "micro_profiler_interface.h not found" in line


def test_checkout_without_downloads_says_to_run_the_makefile(tmp_path):
    root = skeleton(tmp_path / "tflm", flatbuffers=None)
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "tools/make/downloads/flatbuffers/include/flatbuffers/flatbuffers.h not found" in line
    assert "TARGET=cortex_m_generic TARGET_ARCH=cortex-m4+fp" in line


def test_tree_without_flatbuffers_names_both_layouts(tmp_path):
    root = skeleton(tmp_path / "tflm", flatbuffers=None, makefile=False)
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "third_party/flatbuffers/include/flatbuffers/flatbuffers.h" in line and "downloads" in line


def test_checkout_without_a_library_names_the_expected_path(tmp_path):
    root = skeleton(tmp_path / "tflm")
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert f"{root}/gen/cortex_m_generic_cortex-m4+fp_*/lib/libtensorflow-microlite.a not found" in line
    assert "tensorflow/lite/micro/tools/make/gen" in line and "TARGET_TOOLCHAIN_ROOT=" in line


@pytest.mark.parametrize("layout", GEN_LAYOUTS)
def test_the_library_is_found_in_either_gen_layout(tmp_path, layout):
    root = skeleton(tmp_path / "tflm")
    lib = checkout_lib(root, gen="cortex_m_generic_cortex-m4+fp_release_cmsis_nn_gcc", layout=layout)
    result = configure(tmp_path, f"-DTFLM_ROOT={root}")
    assert result.returncode == 0, result.stderr
    assert f"library {lib}" in result.stdout


def test_library_for_another_cpu_is_not_taken(tmp_path):
    root = skeleton(tmp_path / "tflm")
    checkout_lib(root, gen="cortex_m_generic_cortex-m4_default_gcc", float_abi="soft")
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "no libtensorflow-microlite.a for TARGET_ARCH=cortex-m4+fp" in line
    assert "cortex_m_generic_cortex-m4_default_gcc" in line


def test_two_candidate_libraries_are_listed_with_how_to_choose(tmp_path):
    root = skeleton(tmp_path / "tflm")
    libs = [checkout_lib(root, gen="cortex_m_generic_cortex-m4+fp_default_gcc", layout="before_2022"),
            checkout_lib(root, gen="cortex_m_generic_cortex-m4+fp_release_with_logs_cmsis_nn_gcc")]
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "2 libraries for TARGET_ARCH=cortex-m4+fp" in line and all(str(lib) in line for lib in libs)
    assert "-DTFLM_LIB=" in line and "--tflm-lib" in line


def test_soft_float_library_for_a_hard_float_board(tmp_path):
    root = skeleton(tmp_path / "tflm")
    lib = stand_in_lib(tmp_path / "soft" / "libtensorflow-microlite.a", float_abi="soft")
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}", f"-DTFLM_LIB={lib}"))
    assert "soft-float calling convention" in line and "TARGET_ARCH=cortex-m4+fp" in line


def test_exported_tree_needs_tflm_lib(tmp_path):
    root = skeleton(tmp_path / "tflm", flatbuffers="exported", makefile=False)
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "exported tree has no library" in line and "-DTFLM_LIB=" in line


def test_missing_tflm_lib_file(tmp_path):
    root = skeleton(tmp_path / "tflm", flatbuffers="exported", makefile=False)
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}", f"-DTFLM_LIB={tmp_path / 'no.a'}"))
    assert f"TFLM_LIB={tmp_path / 'no.a'} not found" in line


def test_archive_without_tflm_symbols_is_refused(tmp_path):
    root = skeleton(tmp_path / "tflm", flatbuffers="exported", makefile=False)
    lib = tmp_path / "other" / "libtensorflow-microlite.a"
    lib.parent.mkdir()
    (lib.parent / "x.c").write_text("int unrelated(void) { return 1; }\n")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
                    "-c", str(lib.parent / "x.c"), "-o", str(lib.parent / "x.o")], check=True)
    subprocess.run(["arm-none-eabi-ar", "rc", str(lib), str(lib.parent / "x.o")], check=True)
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}", f"-DTFLM_LIB={lib}"))
    assert "defines no MicroInterpreter" in line


# ---- a tree whose layout passes every check: configure succeeds, and what it sets up ----

@pytest.mark.parametrize("layout", ["checkout", "exported"])
def test_complete_layout_configures_the_adapter_build(tmp_path, layout):
    root = skeleton(tmp_path / "tflm", flatbuffers=layout, makefile=layout == "checkout")
    lib = checkout_lib(root) if layout == "checkout" else stand_in_lib(tmp_path / "lib" / "libtensorflow-microlite.a")
    extra = [] if layout == "checkout" else [f"-DTFLM_LIB={lib}"]
    result = configure(tmp_path, f"-DTFLM_ROOT={root}", *extra)
    assert result.returncode == 0, result.stderr
    assert f"TFLM: {layout} tree {root}, library {lib}" in result.stdout
    ninja = (tmp_path / "build" / "build.ninja")
    if not ninja.exists():
        pytest.skip("layout details are checked in the Ninja build file")
    text = ninja.read_text()
    assert "CXX_EXECUTABLE_LINKER__firmware" in text  # linked by g++ (libstdc++/libsupc++ nano)
    assert str(lib) in text
    flags = next(ln for ln in text.splitlines() if "-fno-rtti" in ln)
    for flag in ("-std=c++17", "-fno-exceptions", "-fno-threadsafe-statics", "-mfloat-abi=hard",
                 "-mcpu=cortex-m4"):
        assert flag in flags
    defines = next(ln for ln in text.splitlines() if "-DTF_LITE_STATIC_MEMORY" in ln)
    assert "-DHIL_TFLM_HAVE_LOG_CALLBACK=1" in defines and "-DCPU_M4=1" in defines
    assert "TF_LITE_STRIP_ERROR_STRINGS" not in defines  # the stand-in defines MicroPrintf
    third = "third_party" if layout == "exported" else "tensorflow/lite/micro/tools/make/downloads"
    assert f"-isystem {root}/{third}/flatbuffers/include" in text


# ---- the harness: --engine tflm needs a tree, and says so in one line ----

def test_harness_refuses_tflm_without_a_root(monkeypatch):
    from hil.boards import find_profile
    from hil.errors import ConfigError
    from hil.harness.config import HarnessConfig
    from hil.harness.runner import Harness

    monkeypatch.delenv("TFLM_ROOT", raising=False)
    with pytest.raises(ConfigError) as info:
        Harness(HarnessConfig(find_profile("qemu"), engine="tflm")).check_tools()
    message = info.value.one_line()
    assert "\n" not in message and "--tflm-root" in message and "TFLM_ROOT" in message


def test_hil_run_with_tflm_and_a_bad_root_is_one_line(tmp_path):
    result = subprocess.run([sys.executable, "-m", "hil.cli", "run", str(MODEL), "--engine", "tflm",
                             "--tflm-root", str(tmp_path / "missing")], capture_output=True, text=True)
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.strip().splitlines() if ln]
    assert len(lines) == 1 and "missing" in lines[0] and "Traceback" not in result.stderr


# ---- the post-link check: the board startup runs no static constructors ----

@pytest.mark.parametrize("with_ctor", [False, True])
def test_post_link_check_finds_static_constructors(tmp_path, with_ctor):
    src = tmp_path / "image.cc"
    src.write_text("extern \"C\" void Reset_Handler() { for (;;) {} }\n"
                   "struct Counter { int n; Counter() : n(1) {} };\n"
                   + ("Counter made_at_startup;\n" if with_ctor else "")
                   + "int plain = 3;\n")
    elf = tmp_path / "image.elf"
    subprocess.run(["arm-none-eabi-g++", "-mcpu=cortex-m4", "-mthumb", "-O1", "-nostartfiles", "--specs=nano.specs",
                    "--specs=nosys.specs", "-Wl,-eReset_Handler", str(src), "-o", str(elf)], check=True)
    result = subprocess.run(["cmake", "-DREADELF=arm-none-eabi-readelf", f"-DELF={elf}", "-P",
                             str(FIRMWARE / "engines" / "tflm" / "check_no_ctors.cmake")],
                            capture_output=True, text=True)
    if with_ctor:
        assert result.returncode != 0 and "has static constructors (.init_array" in result.stderr
    else:
        assert result.returncode == 0, result.stderr


def test_tree_whose_kernels_include_gemmlowp_needs_it(tmp_path):
    root = skeleton(tmp_path / "tflm")
    internal = root / "tensorflow" / "lite" / "kernels" / "internal"
    internal.mkdir(parents=True)
    (internal / "common.h").write_text('#include "fixedpoint/fixedpoint.h"\n')
    checkout_lib(root)
    line = error_line(configure(tmp_path, f"-DTFLM_ROOT={root}"))
    assert "tools/make/downloads/gemmlowp/fixedpoint/fixedpoint.h not found" in line
    assert "tensorflow/lite/kernels/internal/common.h includes it" in line


def test_library_symbols_select_the_adapter_defines(tmp_path):
    """A library without MicroPrintf was built with TF_LITE_STRIP_ERROR_STRINGS (BUILD_TYPE=release),
    one with arm_convolve_s8 with CMSIS-NN; without RegisterDebugLogCallback there is no log capture."""
    root = skeleton(tmp_path / "tflm", flatbuffers="exported", makefile=False)
    src = tmp_path / "lib" / "release.c"
    src.parent.mkdir()
    src.write_text('void invoke(void) __asm__("_ZN6tflite16MicroInterpreter6InvokeEv");\nvoid invoke(void) {}\n'
                   "void arm_convolve_s8(void) {}\n")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
                    "-c", str(src), "-o", str(src.with_suffix(".o"))], check=True)
    lib = src.parent / "libtensorflow-microlite.a"
    subprocess.run(["arm-none-eabi-ar", "rc", str(lib), str(src.with_suffix(".o"))], check=True)
    result = configure(tmp_path, f"-DTFLM_ROOT={root}", f"-DTFLM_LIB={lib}")
    assert result.returncode == 0, result.stderr
    assert "built without error strings" in result.stdout
    ninja = tmp_path / "build" / "build.ninja"
    if not ninja.exists():
        pytest.skip("defines are checked in the Ninja build file")
    defines = next(ln for ln in ninja.read_text().splitlines() if "-DTF_LITE_STATIC_MEMORY" in ln)
    assert "-DTF_LITE_STRIP_ERROR_STRINGS" in defines and "-DCMSIS_NN" in defines
    assert "-DHIL_TFLM_HAVE_LOG_CALLBACK=0" in defines
