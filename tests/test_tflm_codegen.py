"""The TFLM op-resolver generator (hil/engines/tflm.py): exactly the model's ops, the right
MicroMutableOpResolver methods, one-line refusals, and method names that match real TFLM."""

import re
from pathlib import Path

import pytest

from hil import paths
from hil.engines.tflm import BUILTIN_METHODS, main, render_header, resolver_method
from hil.errors import UnsupportedModelError
from hil.model.tflite import OPCODE_NAMES, load_model

SHARED = paths.shared_models_dir()

# Expected ops per model: the tables in ../shared/models/README.md (written independently of
# the generator) with TFLM's method for each.
EXPECTED = {
    "person_detect.tflite": {"CONV_2D": "AddConv2D", "DEPTHWISE_CONV_2D": "AddDepthwiseConv2D",
                             "AVERAGE_POOL_2D": "AddAveragePool2D", "RESHAPE": "AddReshape",
                             "SOFTMAX": "AddSoftmax"},
    "micro_speech_quantized.tflite": {"DEPTHWISE_CONV_2D": "AddDepthwiseConv2D",
                                      "FULLY_CONNECTED": "AddFullyConnected", "RESHAPE": "AddReshape",
                                      "SOFTMAX": "AddSoftmax"},
    "hello_world_int8.tflite": {"FULLY_CONNECTED": "AddFullyConnected"},
}


def _generated_calls(text: str) -> dict[str, str]:
    """{op name: method} from the generated header's register-or-fail blocks."""
    pairs = re.findall(r"resolver\.(\w+)\(\)\)\) \{\n\s+\*failed = \"(\w+)\";", text)
    return {name: method for method, name in pairs}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_registers_exactly_the_models_ops(name):
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} not present (third-party models live in ../shared/models)")
    text = render_header(load_model(path))
    assert _generated_calls(text) == EXPECTED[name]
    assert f"#define HIL_TFLM_OP_COUNT {len(EXPECTED[name])}u" in text
    assert text.count("resolver.") == len(EXPECTED[name])  # one call per distinct op, no extras


def test_cli_writes_the_header_and_keeps_an_unchanged_file(tmp_path):
    model = paths.models_dir() / "hello_world" / "hello_world.tflite"
    out = tmp_path / "ops.h"
    assert main([str(model), "-o", str(out)]) == 0
    ops = {op.name for op in load_model(model).ops}
    assert set(_generated_calls(out.read_text())) == ops
    mtime = out.stat().st_mtime_ns
    assert main([str(model), "-o", str(out)]) == 0
    assert out.stat().st_mtime_ns == mtime  # rewriting identical text would recompile the adapter


def test_unknown_operator_is_refused_in_one_line():
    with pytest.raises(UnsupportedModelError) as info:
        resolver_method("STABLEHLO_COMPOSITE", custom=False)
    assert "\n" not in str(info.value) and "STABLEHLO_COMPOSITE" in str(info.value)
    with pytest.raises(UnsupportedModelError, match="custom operator MyVendorOp"):
        resolver_method("MyVendorOp", custom=True)


def test_cli_reports_a_refusal_as_one_error_line(tmp_path, capsys, monkeypatch):
    import hil.engines.tflm as codegen

    monkeypatch.delitem(codegen.BUILTIN_METHODS, "FULLY_CONNECTED")
    model = paths.models_dir() / "hello_world" / "hello_world.tflite"
    assert main([str(model), "-o", str(tmp_path / "ops.h")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "FULLY_CONNECTED" in err and "\n" not in err
    assert not (tmp_path / "ops.h").exists()


def test_every_mapped_builtin_is_a_schema_operator():
    assert set(BUILTIN_METHODS) <= set(OPCODE_NAMES.values())


def _runtime_register_functions() -> set[str]:
    """Names X of every tflite[::micro]::Register_X() exported by the TFLM build in the
    tflite-micro wheel (its _runtime.so registers every op TFLM has)."""
    from elftools.elf.elffile import ELFFile
    from tflite_micro.python import tflite_micro as pkg

    so = next(Path(pkg.__path__[0]).glob("_runtime*.so"))
    with open(so, "rb") as f:
        symbols = ELFFile(f).get_section_by_name(".dynsym").iter_symbols()
        names = [s.name for s in symbols]
    found = set()
    for name in names:
        m = re.fullmatch(r"_ZN6tflite(?:5micro)?\d+Register_(\w+?)Ev", name)
        if m:
            found.add(m.group(1))
    return found


def test_mapped_builtins_exist_in_the_tflm_build_of_the_wheel():
    """Every builtin the generator maps has its kernel registration in real, current TFLM
    (the tflite-micro wheel's build, commit 8f6596d), so the AddXxx() call can link."""
    registered = _runtime_register_functions()
    assert len(registered) > 50, "could not read the wheel's TFLM symbols"
    missing = sorted(op for op in BUILTIN_METHODS if op not in registered)
    assert missing == []
