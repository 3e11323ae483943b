"""The QEMU plugin that counts the instruction mix: compiled with the host C compiler at first use,
cached by source hash, and the arguments that point it at a firmware and a part."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hil import paths
from hil.errors import ConfigError
from hil.estimate.mix import MixLog
from hil.estimate.parts import Part

SOURCE = Path(__file__).parent / "mix_plugin.c"
HEADER = SOURCE.with_name("thumb_decode.h")
WINDOW_SYMBOL = "hil_port_sync"    # called just before and after each measured invoke
MARK_SYMBOL = "hil_counter_read"   # each counter read starts a segment (per-operator reads too)


def plugin_library() -> Path:
    """The compiled plugin, built once per source version into the harness cache."""
    source = SOURCE.read_bytes() + HEADER.read_bytes()
    out = paths.cache_dir() / "qemu-plugins" / f"mix-{hashlib.sha256(source).hexdigest()[:16]}.so"
    if out.is_file():
        return out
    cc = shutil.which(os.environ.get("CC", "gcc")) or shutil.which("cc")
    if cc is None:
        raise ConfigError("estimated cycles need a host C compiler to build the QEMU plugin: apt-get install gcc "
                          "(or run without --estimate-for)")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tmp")
    result = subprocess.run([cc, "-O2", "-shared", "-fPIC", "-fvisibility=hidden", "-o", str(tmp), str(SOURCE)],
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise ConfigError(f"building the QEMU mix plugin failed: {result.stderr.strip().splitlines()[-1:]}")
    tmp.replace(out)
    return out


def elf_facts(elf: Path) -> tuple[int, int, tuple[int, int]]:
    """The window and mark function addresses, and the address range of the read-only image (code
    and constants: what lives in the part's flash)."""
    from elftools.common.exceptions import ELFError

    try:
        return _elf_facts(elf)
    except (OSError, ELFError) as exc:
        raise ConfigError(f"{elf.name}: not a readable ELF image for estimated cycles ({exc})") from None


def _elf_facts(elf: Path) -> tuple[int, int, tuple[int, int]]:
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection

    with open(elf, "rb") as f:
        image = ELFFile(f)
        symbols = {}
        for section in image.iter_sections():
            if isinstance(section, SymbolTableSection):
                for name in (WINDOW_SYMBOL, MARK_SYMBOL):
                    found = section.get_symbol_by_name(name)
                    if found:
                        symbols[name] = found[0]["st_value"] & ~1
        spans = [(s["p_vaddr"], s["p_vaddr"] + s["p_memsz"]) for s in image.iter_segments()
                 if s["p_type"] == "PT_LOAD" and not s["p_flags"] & 2 and s["p_memsz"]]
    missing = [n for n in (WINDOW_SYMBOL, MARK_SYMBOL) if n not in symbols]
    if missing:
        raise ConfigError(f"{elf.name} has no {', '.join(missing)}: estimated cycles need the agent's symbols")
    flash = (min(a for a, _ in spans), max(b for _, b in spans)) if spans else (0, 0)
    return symbols[WINDOW_SYMBOL], symbols[MARK_SYMBOL], flash


def plugin_arguments(elf: Path, part: Part) -> tuple[list[str], MixLog]:
    """QEMU's -plugin option for `elf`, and the log it will write (a scratch file of the session)."""
    window, mark, (lo, hi) = elf_facts(elf)
    fd, name = tempfile.mkstemp(prefix="hil-mix-", suffix=".log")
    os.close(fd)
    args = [f"out={name}", f"window={window:#x}", f"mark={mark:#x}"]
    if part.has_flash:
        args.append(f"flash={lo:#x}:{hi:#x}")
        for side, cache in (("i", part.icache), ("d", part.dcache)):
            if cache is not None:
                args += [f"{side}line={cache.line}", f"{side}lines={cache.lines}"]
    return ["-plugin", ",".join([str(plugin_library()), *args])], MixLog(Path(name))
