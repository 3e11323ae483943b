"""The TFLM adapter's own code compiles: a STAND-IN check, not a TFLM compatibility check.

No package carries TFLM's headers and CI has no TFLM tree, so this builds the adapter target
(firmware/engines/tflm: tflm_engine.cc, cxx_runtime.cc and the op resolver generated from a
real model) through the real CMake rules and flags against stand-in headers written here.
The stand-ins declare only the TFLM names the adapter uses, with the signatures of TFLM's
headers (micro_interpreter.h, micro_mutable_op_resolver.h, micro_profiler_interface.h,
debug_log_callback.h, schema_generated.h), in two namespace layouts:
  - "tflite": declarations in namespace tflite and the C types global (TFLM up to at least
    90b983c2, August 2026, the tree the adapter was verified against for real);
  - "tflite_micro": declarations only in tflite::micro, plus a distinct global TfLiteTensor
    and kTfLiteOk (the later move, as the tflite-micro wheel's symbols show), so an
    unqualified use of those names in the adapter would be ambiguous and fail here.
What this proves: the adapter is valid C++17 under TFLM's flags, uses the agent interface and
the generated header correctly, exports hil_tflm_engine with C linkage and adds no static
constructors. What it does not prove: that a real TFLM tree compiles it; tests/test_tflm_engine.py
does that where TFLM_ROOT is set, and docs/porting.md says which trees were verified.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_tflm_cmake import stand_in_lib

from hil import paths
from hil.engines.tflm import BUILTIN_METHODS, CUSTOM_METHODS

FIRMWARE = paths.firmware_dir()
SHARED = paths.shared_models_dir()

pytestmark = pytest.mark.skipif(shutil.which("arm-none-eabi-g++") is None, reason="needs arm-none-eabi-g++")

SCHEMA = """
#pragma once
#include <stddef.h>
#include <stdint.h>
namespace flatbuffers {
template <typename T> struct Vector { uint32_t size() const; T Get(uint32_t i) const; };
struct String { const char *c_str() const; };
}
namespace tflite {
enum BuiltinOperator : int32_t { BuiltinOperator_CUSTOM = 32, BuiltinOperator_VAR_HANDLE = 142 };
enum TensorType : int8_t { TensorType_FLOAT32 = 0, TensorType_INT8 = 9 };
const char *EnumNameBuiltinOperator(BuiltinOperator e);
struct QuantizationParameters {
  const flatbuffers::Vector<float> *scale() const;
  const flatbuffers::Vector<int64_t> *zero_point() const;
};
struct Tensor {
  const flatbuffers::Vector<int32_t> *shape() const;
  TensorType type() const;
  const QuantizationParameters *quantization() const;
  bool is_variable() const;
};
struct Operator { uint32_t opcode_index() const; };
struct OperatorCode {
  int8_t deprecated_builtin_code() const;
  const flatbuffers::String *custom_code() const;
  BuiltinOperator builtin_code() const;
};
struct SubGraph {
  const flatbuffers::Vector<const Tensor *> *tensors() const;
  const flatbuffers::Vector<int32_t> *inputs() const;
  const flatbuffers::Vector<int32_t> *outputs() const;
  const flatbuffers::Vector<const Operator *> *operators() const;
};
struct Model {
  uint32_t version() const;
  const flatbuffers::Vector<const OperatorCode *> *operator_codes() const;
  const flatbuffers::Vector<const SubGraph *> *subgraphs() const;
};
const Model *GetModel(const void *buf);
bool ModelBufferHasIdentifier(const void *buf);
}
"""

C_TYPES = """
typedef enum TfLiteStatus { kTfLiteOk = 0, kTfLiteError = 1 } TfLiteStatus;
typedef union TfLitePtrUnion { int32_t *i32; int8_t *int8; void *raw; } TfLitePtrUnion;
typedef struct TfLiteTensor { int type; TfLitePtrUnion data; size_t bytes; } TfLiteTensor;
"""

PROFILER = """
class MicroProfilerInterface {
 public:
  virtual ~MicroProfilerInterface() {}
  virtual uint32_t BeginEvent(const char *tag) = 0;
  virtual void EndEvent(uint32_t event_handle) = 0;
};
"""

INTERPRETER = """
class MicroOpResolver { public: virtual ~MicroOpResolver() {} };
class MicroResourceVariables;
class MicroInterpreter {
 public:
  MicroInterpreter(const Model *model, const MicroOpResolver &op_resolver, uint8_t *tensor_arena,
                   size_t tensor_arena_size, MicroResourceVariables *resource_variables = nullptr,
                   MicroProfilerInterface *profiler = nullptr, bool preserve_all_tensors = false);
  ~MicroInterpreter();
  TfLiteStatus AllocateTensors();
  TfLiteStatus Invoke();
  TfLiteTensor *input(size_t index);
  size_t inputs_size() const;
  TfLiteTensor *output(size_t index);
  size_t outputs_size() const;
  TfLiteStatus Reset();
  TfLiteStatus initialization_status() const;
  size_t arena_used_bytes() const;
};
"""


def resolver_class() -> str:
    methods = "\n".join(f"  TfLiteStatus {m}();" for m in sorted({*BUILTIN_METHODS.values(), *CUSTOM_METHODS.values()}))
    return ("template <unsigned int tOpCount>\nclass MicroMutableOpResolver : public MicroOpResolver {\n public:\n"
            f"{methods}\n}};\n")


def stand_in_tree(root: Path, layout: str) -> Path:
    micro = root / "tensorflow" / "lite" / "micro"
    (micro / "cortex_m_generic").mkdir(parents=True)
    (micro / "tools" / "make" / "downloads" / "flatbuffers" / "include" / "flatbuffers").mkdir(parents=True)
    (micro / "tools" / "make" / "Makefile").write_text("# stand-in\n")
    (micro / "tools" / "make" / "downloads" / "flatbuffers" / "include" / "flatbuffers" / "flatbuffers.h").write_text(
        "#pragma once\n")
    (root / "schema_stand_in.h").write_text(SCHEMA)
    if layout == "tflite":
        common = ("#pragma once\n#include <stddef.h>\n#include <stdint.h>\n#include \"schema_stand_in.h\"\n"
                  + C_TYPES + "namespace tflite {\nnamespace micro {\n" + PROFILER + "}\n"
                  "using micro::MicroProfilerInterface;\n" + INTERPRETER + resolver_class() + "}\n")
    else:
        common = ("#pragma once\n#include <stddef.h>\n#include <stdint.h>\n#include \"schema_stand_in.h\"\n"
                  "/* upstream LiteRT C API types, distinct from TFLM's own */\n" + C_TYPES
                  + "namespace tflite {\nnamespace micro {\n" + C_TYPES + PROFILER + INTERPRETER
                  + resolver_class() + "}\n}\n")
    (root / "common_stand_in.h").write_text(common)
    for name in ("micro_interpreter.h", "micro_mutable_op_resolver.h", "micro_profiler_interface.h"):
        (micro / name).write_text('#pragma once\n#include "common_stand_in.h"\n#define TFLITE_SCHEMA_VERSION (3)\n')
    (micro / "micro_log.h").write_text("#pragma once\nvoid MicroPrintf(const char *format, ...);\n")
    (micro / "cortex_m_generic" / "debug_log_callback.h").write_text(
        '#pragma once\nextern "C" {\ntypedef void (*DebugLogCallback)(const char *s);\n'
        "void RegisterDebugLogCallback(DebugLogCallback callback);\n}\n")
    lib = micro / "tools" / "make" / "gen" / "cortex_m_generic_cortex-m4+fp_default_gcc" / "lib"
    stand_in_lib(lib / "libtensorflow-microlite.a")
    return root


@pytest.mark.parametrize("layout", ["tflite", "tflite_micro"])
@pytest.mark.parametrize("model", ["person_detect.tflite", "micro_speech_quantized.tflite"])
def test_adapter_compiles_against_api_stand_in(tmp_path, layout, model):
    tflite = SHARED / model
    if not tflite.is_file():
        pytest.skip(f"{tflite} not present (third-party models live in ../shared/models)")
    root = stand_in_tree(tmp_path / "stand_in", layout)
    build = tmp_path / "build"
    env = {k: v for k, v in os.environ.items() if k not in ("TFLM_ROOT", "TFLM_LIB")}
    generator = ["-G", "Ninja"] if shutil.which("ninja") else []
    configure = subprocess.run(
        ["cmake", "-S", str(FIRMWARE), "-B", str(build), *generator,
         f"-DCMAKE_TOOLCHAIN_FILE={FIRMWARE / 'cmake' / 'arm-none-eabi.cmake'}", "-DHIL_BOARD=mps2_an386",
         f"-DHIL_MODEL={tflite}", "-DHIL_ENGINE=tflm", f"-DTFLM_ROOT={root}", f"-DHIL_PYTHON={sys.executable}"],
        capture_output=True, text=True, env=env)
    assert configure.returncode == 0, configure.stderr
    result = subprocess.run(["cmake", "--build", str(build), "--target", "hil_engine_tflm"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "warning:" not in result.stdout, result.stdout[-4000:]

    archive = build / "libhil_engine_tflm.a"
    symbols = subprocess.run(["arm-none-eabi-nm", "-g", str(archive)], capture_output=True, text=True).stdout
    assert any(line.split()[-2:] in (["R", "hil_tflm_engine"], ["D", "hil_tflm_engine"])
               for line in symbols.splitlines() if line.strip()), symbols  # C linkage: unmangled
    sections = subprocess.run(["arm-none-eabi-objdump", "-h", str(archive)], capture_output=True, text=True).stdout
    assert ".init_array" not in sections and ".ctors" not in sections  # no static constructors
    generated = (build / "tflm" / "hil_tflm_ops.h").read_text()
    assert "HilTflmAddOps" in generated
