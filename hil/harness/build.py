"""Firmware builds, cached by content: one ELF per (firmware sources, toolchain, board, engine,
test defines, model). A second run with nothing changed builds nothing.

Each (board, engine, defines, sources) gets one CMake build tree shared by all models, so
switching models recompiles only the model blob and relinks.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from hil import paths
from hil.engines.engine import engine_for
from hil.errors import BuildError, ConfigError

TOOLCHAIN_GCC = "arm-none-eabi-gcc"
SKIP_DIRS = {"tests", "__pycache__", "examples"}  # examples/ are not part of the reference firmware


@dataclass(frozen=True)
class Footprint:
    flash_bytes: int  # code + read-only data + initialised data image (what is flashed)
    ram_bytes: int    # data + bss, the tensor arena and the stack reserve included
    text_bytes: int
    data_bytes: int
    bss_bytes: int


@dataclass(frozen=True)
class Firmware:
    elf: Path
    key: str
    board: str
    engine: str
    model: Path
    model_sha256: str
    footprint: Footprint
    cached: bool  # True when this call built nothing


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def source_hash(root: Path) -> str:
    """Hash of every firmware source file (names and contents), host-only tests excluded."""
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not (set(rel.parts) & SKIP_DIRS):
            h.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


@functools.cache
def toolchain_version() -> str:
    gcc = shutil.which(TOOLCHAIN_GCC)
    if gcc is None:
        raise ConfigError(f"{TOOLCHAIN_GCC} not found: run ./setup.sh (or apt-get install gcc-arm-none-eabi "
                          f"libnewlib-arm-none-eabi)")
    out = subprocess.run([gcc, "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def elf_footprint(elf: Path) -> Footprint:
    """Sizes from the ELF's allocated sections, as arm-none-eabi-size would count them."""
    from elftools.elf.elffile import ELFFile

    text = data = bss = 0
    with open(elf, "rb") as f:
        for section in ELFFile(f).iter_sections():
            flags = section["sh_flags"]
            if not flags & 0x2:  # SHF_ALLOC
                continue
            if section["sh_type"] == "SHT_NOBITS":
                bss += section["sh_size"]
            elif flags & 0x1:  # SHF_WRITE
                data += section["sh_size"]
            else:
                text += section["sh_size"]
    return Footprint(text + data, data + bss, text, data, bss)


@functools.lru_cache(maxsize=64)  # a cached ELF's name holds its content hash: it never changes
def image_sha256(elf: Path) -> str:
    """Hash of what the target executes: every allocated section with contents (code, read-only
    data, initialised data), by name. Debug info and paths do not enter it, so the same sources
    built in two checkouts give the same hash, and any change to the code run gives another."""
    from elftools.elf.elffile import ELFFile

    h = hashlib.sha256()
    with open(elf, "rb") as f:
        for section in ELFFile(f).iter_sections():
            if section["sh_flags"] & 0x2 and section["sh_type"] != "SHT_NOBITS":  # SHF_ALLOC, with bytes
                h.update(section.name.encode() + b"\0" + section.data() + b"\0")
    return h.hexdigest()


def _first_error(text: str) -> str | None:
    """The first error line of a build log; for CMake's "CMake Error at f:n (message):" header,
    the message line under it."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "error" in line.lower():
            if line.startswith("CMake Error") and line.rstrip().endswith(":"):
                following = [ln.strip() for ln in lines[i + 1:i + 3] if ln.strip()]
                return following[0] if following else line.strip()
            return line.strip()
    return None


def _run(cmd: list[str], log: Path, what: str) -> None:
    with open(log, "ab") as out:
        out.write(("\n$ " + " ".join(cmd) + "\n").encode())
        out.flush()
        start = out.tell()
        result = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        with open(log, "rb") as f:  # only this command's output: the log accumulates across runs
            f.seek(start)
            first = _first_error(f.read().decode(errors="replace"))
        raise BuildError(f"{what} failed: {first or f'exit code {result.returncode}'} (full log: {log})")


@contextlib.contextmanager
def _cache_writes(cache: Path) -> Iterator[None]:
    """Writes into the firmware cache: a read-only or full file system is one line naming it."""
    try:
        yield
    except OSError as exc:
        raise paths.cache_error(cache, exc) from None


def build_firmware(board: str, model: Path, *, engine: str = "builtin", defines: tuple[str, ...] = (),
                   cmake_args: tuple[str, ...] = (),
                   progress: Callable[[str], None] | None = None) -> Firmware:
    """The firmware ELF for `model` on `board`, from the cache when nothing changed."""
    model = Path(model).resolve()
    if not model.is_file():
        raise ConfigError(f"model file {model} does not exist")
    fw_dir = paths.firmware_dir()
    if not (fw_dir / "boards" / board / "board.cmake").is_file():
        raise ConfigError(f"no firmware port for board '{board}' under {fw_dir}/boards")
    model_sha = _sha256_file(model)
    cmake_args = (*cmake_args, *engine_for(engine).model_cmake_args(model))
    tree_key = hashlib.sha256("\0".join([source_hash(fw_dir), toolchain_version(), board, engine,
                                         *sorted(defines), *cmake_args]).encode()).hexdigest()
    key = hashlib.sha256((tree_key + model_sha).encode()).hexdigest()[:20]
    cache = paths.cache_dir()
    out_dir = cache / "firmware"
    with _cache_writes(cache):
        out_dir.mkdir(exist_ok=True)
    elf_out = out_dir / f"{board}-{engine}-{key}.elf"
    common = dict(board=board, engine=engine, model=model, model_sha256=model_sha, key=key)
    if elf_out.exists():
        return Firmware(elf_out, footprint=elf_footprint(elf_out), cached=True, **common)

    # ELFs are shared by content across checkouts, build trees are not: CMake refuses a build tree
    # configured from another source directory.
    tree_dir = hashlib.sha256(f"{tree_key}\0{fw_dir.resolve()}".encode()).hexdigest()[:16]
    build_dir = cache / "build" / f"{board}-{engine}-{tree_dir}"
    with _cache_writes(cache):
        build_dir.mkdir(parents=True, exist_ok=True)
        lock = open(build_dir / ".lock", "w")  # held for the build below
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel workers share build trees
        if elf_out.exists():  # another worker built it while we waited
            return Firmware(elf_out, footprint=elf_footprint(elf_out), cached=True, **common)
        if progress:
            progress(f"building firmware: board {board}, engine {engine}, model {model.name}")
        log = build_dir / "build.log"
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        _run(["cmake", "-S", str(fw_dir), "-B", str(build_dir), *generator,
              f"-DCMAKE_TOOLCHAIN_FILE={fw_dir / 'cmake' / 'arm-none-eabi.cmake'}",
              f"-DHIL_BOARD={board}", f"-DHIL_ENGINE={engine}", f"-DHIL_MODEL={model}",
              f"-DHIL_TEST_DEFINES={';'.join(defines)}", *cmake_args], log, "CMake configure")
        _run(["cmake", "--build", str(build_dir), "--parallel", str(os.cpu_count() or 2)], log,
             "firmware build")
        with _cache_writes(cache):
            shutil.copyfile(build_dir / "firmware.map", elf_out.with_suffix(".map"))
            tmp = elf_out.with_suffix(".tmp")
            shutil.copyfile(build_dir / "firmware.elf", tmp)
            os.replace(tmp, elf_out)  # atomic: readers never see half an ELF
    fp = elf_footprint(elf_out)
    if progress:
        progress(f"built {elf_out.name}: flash {fp.flash_bytes} B, RAM {fp.ram_bytes} B")
    return Firmware(elf_out, footprint=fp, cached=False, **common)


def stderr_progress(message: str) -> None:
    print(f"[hil] {message}", file=sys.stderr, flush=True)


_MAP_ENTRY = re.compile(r"^ (\.(?:text|rodata)\S*)\s*\n?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", re.M)


def code_size_by_library(map_path: Path) -> dict[str, int]:
    """Bytes of code and read-only data each static library (or object) placed in the image,
    from the linker map (sections discarded by --gc-sections are not counted)."""
    text = map_path.read_text(errors="replace")
    text = text[text.find("Linker script and memory map"):]
    sizes: dict[str, int] = {}
    for _, address, size, origin in _MAP_ENTRY.findall(text):
        if int(address, 16) == 0:
            continue
        lib = Path(origin.split("(")[0]).name
        sizes[lib] = sizes.get(lib, 0) + int(size, 16)
    return sizes
