"""The mix plugin's Thumb-2 decoder (hil/estimate/thumb_decode.h) against GNU objdump: every
instruction of real firmware images (the built-in engine on Cortex-M4 and on Cortex-M55 with Helium)
gets the timing class, branch kind, memory flag and register count that its disassembly implies."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from hil import paths
from hil.estimate.mix import CLASSES
from hil.estimate.plugin import HEADER
from hil.harness.build import build_firmware

# kws_dscnn on M4 (convolutions: the DSP paths); hello_world on M55 (its FULLY_CONNECTED Helium path),
# the images other tests build too
IMAGES = {"mps2_an386": paths.models_dir() / "kws_dscnn" / "kws_dscnn.tflite",
          "mps3_an547": paths.models_dir() / "hello_world" / "hello_world.tflite"}
DRIVER = r"""
#include <stdio.h>
#include "thumb_decode.h"
int main(void)
{
    char line[128];
    unsigned a, b;
    while (fgets(line, sizeof line, stdin)) {
        int n = sscanf(line, "%x %x", &a, &b);
        decoded d = n == 2 ? decode32(a, b) : decode16(a);
        printf("%d %d %d %d\n", d.cls, d.regs, d.branch, d.mem);
    }
    return 0;
}
"""
CONDITIONS = ("eq", "ne", "cs", "cc", "hs", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al")
FIXED = {
    "mul": "mul", "muls": "mul", "mla": "mac", "mls": "mac", "sdiv": "div", "udiv": "div",
    "ldrd": "ldd", "strd": "std", "tbb": "ld", "tbh": "ld", "pop": "ldm", "push": "stm",
    "vpush": "fp_ldst", "vpop": "fp_ldst", "vdiv": "fp_div", "vsqrt": "fp_div",
    "vpst": "mve", "vctp": "mve",
    "usad8": "simd", "usada8": "simd", "sel": "simd", "pkhbt": "simd", "pkhtb": "simd", "qadd": "simd",
    "qsub": "simd", "qdadd": "simd", "qdsub": "simd", "ssat16": "simd", "usat16": "simd",
}
PATTERNS = [
    (r"(s|q|sh|u|uq|uh)(add|sub|asx|sax)(8|16)", "simd"), (r"[su]xta?b16", "simd"),
    (r"smla[bt][bt]|smlaw[bt]|smul[bt][bt]|smulw[bt]|smlsdx?|smladx?|smuadx?|smusdx?|smm(la|ls|ul)r?", "dspmul"),
    (r"[su]mull|[su]mlal|umaal|smlal[bt][bt]|smlaldx?|smlsldx?", "mull"),
    (r"ldr(b|h|sb|sh)?t?|ldrex[bh]?", "ld"), (r"str(b|h)?t?|strex[bh]?", "st"),
    (r"ldm(ia|db|fd|ea)?", "ldm"), (r"stm(ia|db|fd|ea)?", "stm"),
    (r"vpt|vpte+|vpt+e*", "mve"),
    (r"vldr|vstr|vldm(ia|db)?|vstm(ia|db)?", "fp_ldst"), (r"v(n?ml[as]|f[nm]?[ma][as]?)", "fp_mac"),
]
BRANCHES = re.compile(r"b|bl|bx|blx|cbn?z|wls|le|letp|wlstp")  # DLS, DLSTP set a loop up: no transfer
LINE = re.compile(r"^\s*[0-9a-f]+:\s+([0-9a-f]{4})(?: ([0-9a-f]{4}))?\s+(\S+)\s*(.*)$")


def expected(mnemonic: str, operands: str) -> tuple[str, bool]:
    """The class objdump's mnemonic implies, and whether it reads or writes memory."""
    base = mnemonic.split(".")[0]
    if re.search(r"\bq\d", operands) and base.startswith("v"):
        return "mve", "[" in operands or base.startswith(("vldr", "vstr"))
    for name in (base, *(base[:-2] for c in CONDITIONS if base.endswith(c) and len(base) > 2)):
        if name in FIXED:
            cls = FIXED[name]
            return cls, cls in ("ld", "ldd", "ldm", "st", "std", "stm", "fp_ldst")
        for pattern, cls in PATTERNS:
            if re.fullmatch(pattern, name):
                return cls, cls in ("ld", "ldm", "st", "stm", "fp_ldst")
    if base.startswith("v"):
        return "fp", False
    return ("simd" if re.fullmatch(r"[su]xtab16|[su]xtb16", base) else "alu"), False


def is_branch(mnemonic: str, operands: str) -> bool:
    base = mnemonic.split(".")[0]
    names = {base, *(base[:-2] for c in CONDITIONS if base.endswith(c))}
    if any(BRANCHES.fullmatch(n) for n in names) or base in ("tbb", "tbh"):
        return True
    first = operands.split(",")[0].strip()
    return (base.startswith(("pop", "ldm")) and "pc" in operands) or (base.startswith("ldr") and first == "pc") \
        or (base.startswith(("mov", "add")) and first == "pc")


ARCH = {"mps2_an386": "armv7e-m", "mps3_an547": "armv8.1-m.main"}  # objdump decodes MVE only when told


def disassembly(board: str) -> list[tuple[str, str, str, str]]:
    elf = build_firmware(board, IMAGES[board]).elf
    out = subprocess.run(["arm-none-eabi-objdump", "-d", "-m", ARCH[board], str(elf)],
                         capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        m = LINE.match(line)
        if m and not m.group(3).startswith((".", "udf", "bkpt", "svc")):
            rows.append((m.group(1), m.group(2) or "", m.group(3), m.group(4).split(";")[0]))
    return rows


@pytest.fixture(scope="module")
def decoder(tmp_path_factory):
    if shutil.which("gcc") is None or shutil.which("arm-none-eabi-objdump") is None:
        pytest.skip("needs the host gcc and arm-none-eabi-objdump (./setup.sh)")
    folder = tmp_path_factory.mktemp("decode")
    (folder / "driver.c").write_text(DRIVER)
    exe = folder / "driver"
    subprocess.run(["gcc", "-O1", "-I", str(HEADER.parent), "-o", str(exe), str(folder / "driver.c")], check=True)

    def decode(rows):
        text = "".join(f"{a} {b}\n" if b else f"{a}\n" for a, b, _, _ in rows)
        out = subprocess.run([str(exe)], input=text, capture_output=True, text=True, check=True).stdout
        return [tuple(int(v) for v in line.split()) for line in out.splitlines()]
    return decode


@pytest.mark.parametrize("board", ["mps2_an386", "mps3_an547"])
def test_every_instruction_of_a_firmware_decodes_as_its_disassembly_says(decoder, board):
    rows = disassembly(board)
    assert len(rows) > 3000
    wrong = []
    for (a, b, mnemonic, operands), (cls, regs, branch, mem) in zip(rows, decoder(rows), strict=True):
        want, want_mem = expected(mnemonic, operands)
        got = CLASSES[cls]
        if got != want or bool(mem) != want_mem or bool(branch) != is_branch(mnemonic, operands):
            wrong.append(f"{a} {b} {mnemonic} {operands}: {got} mem={mem} branch={branch}")
        elif want in ("ldm", "stm") and "{" in operands:
            listed = operands[operands.index("{") + 1:operands.index("}")]
            count = sum(_span(r) for r in listed.split(","))
            if count != regs:
                wrong.append(f"{a} {b} {mnemonic} {operands}: {regs} registers")
    assert not wrong, f"{len(wrong)} of {len(rows)} instructions misdecoded, e.g. {wrong[:15]}"


def _span(text: str) -> int:
    """Registers in one element of a register list ("r4", "r4-r7")."""
    if "-" not in text:
        return 1
    lo, hi = (int(re.sub(r"\D", "", part)) for part in text.split("-"))
    return hi - lo + 1
