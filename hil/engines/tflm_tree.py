"""The TFLM tree and library a `--engine tflm` build uses: which libtensorflow-microlite.a fits
the board, and what it was built as (TFLM commit, kernel set, build type), read from the tree.

TFLM's Makefile writes `gen/<target>_<arch>_<build type>[_<kernels>]_<toolchain>/lib/` at the
top of the tree since 2022, and under `tensorflow/lite/micro/tools/make/gen/` before; both are
searched. firmware/engines/tflm/tflm.cmake does the same search for direct CMake users; the
harness always passes the library it chose, so its error messages name its own options.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from hil.boards import BoardProfile
from hil.errors import ConfigError

LIB_NAME = "libtensorflow-microlite.a"
GEN_DIRS = ("gen", "tensorflow/lite/micro/tools/make/gen")  # current layout first, then before 2022
CMSIS_NN_SCRIPT = "tensorflow/lite/micro/tools/make/ext_libs/cmsis_nn_download.sh"
BUILD_TYPES = ("release_with_logs", "no_tf_lite_static_memory", "release", "debug", "default")
PICK = "choose one with --tflm-lib PATH (or TFLM_LIB=PATH)"


def target_arch(profile: BoardProfile) -> str:
    """TFLM's TARGET_ARCH for a board: its plain cortex-m4/m7 are soft-float builds."""
    if profile.fpu and profile.core in ("cortex-m4", "cortex-m7"):
        return f"{profile.core}+fp"
    return profile.core


def find_libraries(root: Path, arch: str | None = None) -> list[Path]:
    """Every cortex_m_generic library under the tree's gen directories, for `arch` if given."""
    prefix = f"cortex_m_generic_{arch}_" if arch else ""
    return sorted(lib for gen in GEN_DIRS for lib in (root / gen).glob(f"*/lib/{LIB_NAME}")
                  if lib.parent.parent.name.startswith(prefix))


def built_for(lib: Path) -> str | None:
    """The TARGET_ARCH a library was built for, from its gen directory's name (None outside gen/)."""
    name = lib.parent.parent.name
    prefix = "cortex_m_generic_"
    if not name.startswith(prefix):
        return None
    return name[len(prefix):].split("_")[0] or None


def check_root(tflm_root: str | Path | None) -> Path:
    """The TFLM tree (--tflm-root or $TFLM_ROOT); a missing one is refused in one line."""
    tflm_root = tflm_root or os.environ.get("TFLM_ROOT")
    if not tflm_root:
        raise ConfigError("--engine tflm needs a TensorFlow Lite Micro tree: pass --tflm-root DIR or set TFLM_ROOT "
                          "(see docs/porting.md)")
    root = Path(tflm_root).expanduser().resolve()
    if not (root / "tensorflow" / "lite" / "micro" / "micro_interpreter.h").is_file():
        raise ConfigError(f"--tflm-root {root}: tensorflow/lite/micro/micro_interpreter.h not found "
                          f"(expected a tflite-micro checkout or a create_tflm_tree.py tree; see docs/porting.md)")
    return root


def choose_library(root: Path, arch: str, tflm_lib: str | Path | None = None) -> Path:
    """--tflm-lib (or $TFLM_LIB) if given, else the tree's only library for `arch`."""
    tflm_lib = tflm_lib or os.environ.get("TFLM_LIB")
    if tflm_lib:
        lib = Path(tflm_lib).expanduser().resolve()
        if not lib.is_file():
            raise ConfigError(f"--tflm-lib {lib} not found")
        if built_for(lib) not in (arch, None):  # e.g. TFLM_LIB of an M4 build left set for an M55 run
            raise ConfigError(f"--tflm-lib {lib} was built for TARGET_ARCH={built_for(lib)} (its gen directory), "
                              f"this board needs {arch}: pass a library built for it (or unset TFLM_LIB)")
        return lib
    libs = find_libraries(root, arch)
    if len(libs) == 1:
        return libs[0]
    where = " or ".join(str(root / gen) for gen in GEN_DIRS)
    if libs:
        listed = ", ".join(str(lib.relative_to(root)) for lib in libs)
        raise ConfigError(f"{len(libs)} TFLM libraries for TARGET_ARCH={arch} under {root}: {listed}; {PICK}")
    others = ", ".join(lib.parent.parent.name for lib in find_libraries(root))
    raise ConfigError(f"no {LIB_NAME} for TARGET_ARCH={arch} under {where}" + (f" (found only {others})" if others
                      else "") + f": build it with TFLM's Makefile, TARGET=cortex_m_generic TARGET_ARCH={arch} "
                      "(docs/porting.md), or pass --tflm-lib PATH")


@dataclass(frozen=True)
class TflmBuild:
    """One TFLM library for one board, in the tree whose headers it was built from."""

    root: Path
    lib: Path
    arch: str

    @classmethod
    def resolve(cls, profile: BoardProfile, tflm_root: str | Path | None = None,
                tflm_lib: str | Path | None = None) -> TflmBuild:
        root = check_root(tflm_root)
        arch = target_arch(profile)
        return cls(root, choose_library(root, arch, tflm_lib), arch)

    def cmake_args(self) -> tuple[str, ...]:
        """tflm.cmake checks the tree and library in depth; the fingerprint changes the build cache
        key when the library or the resolver generator changes."""
        return (f"-DTFLM_ROOT={self.root}", f"-DTFLM_LIB={self.lib}", f"-DHIL_PYTHON={sys.executable}",
                f"-DHIL_TFLM_FINGERPRINT={self.fingerprint()}")

    def fingerprint(self) -> str:
        h = hashlib.sha256((Path(__file__).parent / "tflm.py").read_bytes())
        stat = self.lib.stat()
        h.update(f"{self.lib}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        return h.hexdigest()[:16]

    @cached_property
    def _symbols(self) -> str | None:
        nm = shutil.which("arm-none-eabi-nm")
        if nm is None:
            return None
        result = subprocess.run([nm, "-g", "--defined-only", str(self.lib)], capture_output=True, text=True)
        return result.stdout if result.returncode == 0 else None

    @property
    def commit(self) -> str:
        """The tree's git commit (12 digits), or 'unknown' for a tree that is no git checkout."""
        try:
            result = subprocess.run(["git", "-C", str(self.root), "rev-parse", "--show-toplevel", "--short=12", "HEAD"],
                                    capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        lines = result.stdout.split()
        if result.returncode != 0 or len(lines) != 2 or Path(lines[0]).resolve() != self.root:
            return "unknown"  # no checkout, or a checkout around the tree rather than of it
        return lines[1]

    @property
    def kernels(self) -> str:
        """'CMSIS-NN <commit the tree's download script pins>' or 'reference', from the library's symbols."""
        if self._symbols is None:
            return "unknown"
        if not re.search(r" [TW] arm_convolve_s8$", self._symbols, re.M):
            return "reference"
        script = self.root / CMSIS_NN_SCRIPT
        pinned = re.search(r'ZIP_PREFIX_NN="([0-9a-f]{8})', script.read_text()) if script.is_file() else None
        return f"CMSIS-NN {pinned.group(1)}" if pinned else "CMSIS-NN"

    @property
    def build_type(self) -> str:
        """BUILD_TYPE from the gen directory's name; 'unknown' for a library outside gen/."""
        name = self.lib.parent.parent.name
        prefix = f"cortex_m_generic_{self.arch}_"
        rest = name[len(prefix):] if name.startswith(prefix) else ""
        return next((t for t in BUILD_TYPES if rest.startswith(t + "_")), "unknown")

    @property
    def per_op_profile(self) -> bool | None:
        """False for a library without error strings (BUILD_TYPE=release): TFLM then emits no
        per-operator profiler events."""
        if self._symbols is None:
            return None
        return bool(re.search(r" [TW] _Z11MicroPrintfPKcz$", self._symbols, re.M))

    def label(self) -> str:
        """e.g. 'TFLM 90b983c2b3f1 CMSIS-NN 4ab83cc3 release'."""
        return f"TFLM {self.commit} {self.kernels} {self.build_type}"

    def describe(self) -> dict:
        return {"root": str(self.root), "lib": str(self.lib), "arch": self.arch, "commit": self.commit,
                "kernels": self.kernels, "build_type": self.build_type, "per_op_profile": self.per_op_profile}
