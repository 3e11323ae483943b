"""The host oracle (hil/engines/oracle.py): the built-in engine's own load step compiled for this
machine answers what the firmware answers. Its refusals are compared with the engine run natively
(the host runner, ASan + UBSan) on malformed and unsupported models, its arena figures with the
READY frame of the real firmware on QEMU, and a model too large for a board is refused before
anything is built."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from cli_helpers import hil
from malformed_models import WHILE, all_cases, with_operator
from native import NativeRefusal, build_native, run_native

from hil import paths
from hil.boards import find_profile
from hil.engines.oracle import ARENA_PARTS, ARENA_TOO_SMALL, OK, ask, board_arena_bytes, refusal
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.tflite import load_model

QEMU = find_profile("qemu")
CASES = all_cases((paths.models_dir() / "hello_world" / "hello_world.tflite").read_bytes())
HELLO = str(paths.models_dir() / "hello_world" / "hello_world.tflite")
HOST_RUNNER_MSG = 159  # tests/../firmware/tests/host_runner.c: char msg[160]; the agent's cap is the same


@pytest.fixture(scope="module")
def native_build():
    return build_native()


def _native_refusal(model, native_build) -> NativeRefusal | None:
    try:
        run_native(model, [[]], [], native_build)
    except NativeRefusal as exc:
        return exc
    return None


@pytest.mark.parametrize("case", [c for c in CASES if not c.may_load], ids=lambda c: c.name)
def test_oracle_refuses_malformed_models_as_the_engine_does(case, native_build, tmp_path):
    model = tmp_path / f"{case.name}.tflite"
    model.write_bytes(case.data)
    answer, native = ask(model, QEMU), _native_refusal(model, native_build)
    assert native is not None and answer.status == native.code, (answer, native)
    assert answer.message[:HOST_RUNNER_MSG] == str(native)


@pytest.mark.parametrize("name, op_index", [("hello_world_int8", 0), ("micro_speech_quantized", 1)])
def test_oracle_refuses_unsupported_models_as_the_engine_does(name, op_index, native_build, tmp_path):
    src = paths.shared_models_dir() / f"{name}.tflite"
    if not src.is_file():
        pytest.skip(f"{src} is absent (third-party models live in ../shared/models)")
    model = tmp_path / f"{name}.tflite"
    model.write_bytes(with_operator(src.read_bytes(), op_index, WHILE))
    answer, native = ask(model, QEMU), _native_refusal(model, native_build)
    assert answer.status == native.code == 6 and answer.message[:HOST_RUNNER_MSG] == str(native)
    assert answer.message.startswith("no kernel for builtin code ")
    first = refusal(load_model(model), QEMU)  # named by the host: operator, type and index
    assert first.startswith(f"no kernel for WHILE (int8) at op #{op_index}"), first


def test_arena_needed_is_the_smallest_arena_the_model_loads_in():
    info = load_model(paths.models_dir() / "hello_world" / "hello_world.tflite")
    needed = ask(info, QEMU).arena_needed
    assert needed >= ask(info, QEMU).arena_used > 0
    assert ask(info, QEMU, arena_bytes=needed).status == OK
    small = ask(info, QEMU, arena_bytes=needed - 16)
    assert small.status == ARENA_TOO_SMALL and "arena too small" in small.message


@pytest.mark.parametrize("board, model", [("qemu", "hello_world"), ("qemu", "person_detect"),
                                          ("qemu-m3", "person_detect")])
def test_oracle_arena_equals_the_firmware_ready(board, model):
    """The arena the firmware reports in READY, byte for byte: ILP32 layouts as on Cortex-M, and
    the DSP paths' scratch only on cores with DSP (qemu-m3 plans without it)."""
    path = paths.shared_models_dir() / "person_detect.tflite" if model == "person_detect" else \
        next(m for m in catalog.discover() if m.name == model).tflite
    if not path.is_file():
        pytest.skip(f"{path} is absent (third-party models live in ../shared/models)")
    harness = Harness(HarnessConfig(find_profile(board), vector_limit=1))
    try:
        target = harness.target(catalog.adhoc(path, vectors=1))
        ready, parts = target.device.ready, target.arena_breakdown()
    finally:
        harness.close()
    answer = ask(load_model(path), find_profile(board))
    assert answer.arena_used == ready.arena_used
    assert parts == dict(answer.breakdown) and sum(parts.values()) == ready.arena_used, parts


def _parts(name: str, board: str) -> dict[str, int]:
    path = paths.shared_models_dir() / f"{name}.tflite"
    if not path.is_file():
        pytest.skip(f"{path} is absent (third-party models live in ../shared/models)")
    answer = ask(load_model(path), find_profile(board))
    parts = dict(answer.breakdown)
    assert list(parts) == list(ARENA_PARTS) and sum(parts.values()) == answer.arena_used, parts
    return parts


def test_arena_breakdown_sums_to_the_arena_and_names_what_costs_it():
    """person_detect: its 96x96 input (9,216 B at most) is kept alive through the invoke; the DSP
    paths' scratch buffers (and their table entries) exist only on a core with DSP (qemu-m3 has none)."""
    m4, m3 = _parts("person_detect", "qemu"), _parts("person_detect", "qemu-m3")
    assert m4["scratch"] > 0 and m3["scratch"] == 0
    assert 0 < m4["input_kept_alive"] <= 9216
    assert m4["tensors"] >= 2 * 18432 and m4["kernel_data"] > 0 and m4["state"] == 0
    assert m4["node_table"] == m3["node_table"]  # the plan's parts differ: other alias limits, other packing
    assert m4["tensor_table"] > m3["tensor_table"] > 0  # the scratch buffers' entries


def test_hil_run_json_reports_the_arena_breakdown():
    result = hil("run", HELLO, "--json", "--vectors", "1", "--no-results", "--board", "qemu")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert sum(out["arena_breakdown"].values()) == out["arena_bytes"] > 0, out["arena_breakdown"]
    assert out["arena_breakdown"]["tensor_table"] > 0


def test_model_too_large_for_the_board_is_refused_before_building(tmp_path):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    from opgen import convert_int8

    shape = (96, 96, 16)  # 147,456 B in and out: more than qemu-stm32's 110,592 B arena
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), tf.keras.layers.ReLU()])
    rng = np.random.default_rng(0)
    big = tmp_path / "big.tflite"
    big.write_bytes(convert_int8(model, [rng.normal(0, 1, shape).astype(np.float32) for _ in range(4)]))
    stm32 = find_profile("qemu-stm32")
    answer = ask(load_model(big), stm32)
    assert answer.status == ARENA_TOO_SMALL and answer.arena_needed > board_arena_bytes(stm32)
    assert ask(load_model(big), QEMU).status == OK  # 2 MB arena
    result = hil("run", "--board", "qemu-stm32", big, HIL_CACHE_DIR=str(tmp_path / "cache"))
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.returncode != 0 and len(lines) == 1, lines
    assert f"needs {answer.arena_needed:,} bytes of tensor arena and board qemu-stm32 has 110,592" in lines[0]
    assert not (tmp_path / "cache" / "firmware").exists()  # nothing was built


def test_reduce_max_with_requantization_is_refused_alike(native_build, tmp_path):
    """TFLM's int8 REDUCE_MAX fails in Invoke when input and output quantization differ; the
    engine refuses such a model at load, the oracle in the same words."""
    import flatbuffers
    import opgen
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    case = opgen.cases(ops=["REDUCE_MAX"], seeds=range(1))[0]
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(case.tflite.read_bytes(), 0))
    out = m.subgraphs[0].tensors[m.subgraphs[0].operators[0].outputs[0]]
    out.quantization.scale = np.asarray(out.quantization.scale, np.float32) * 2
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    edited = tmp_path / "requantized.tflite"
    edited.write_bytes(bytes(builder.Output()))
    want = "REDUCE_MAX (op #0): input and output quantization must be equal (as in TFLM)"
    assert refusal(load_model(edited), QEMU) == want == str(_native_refusal(edited, native_build))


def _with_fused_activation(model: bytes, opcode: int, activation: int) -> bytes:
    """The model with the first `opcode` operator's fused activation replaced (object API)."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    op = next(o for o in m.subgraphs[0].operators if m.operatorCodes[o.opcodeIndex].builtinCode == opcode)
    op.builtinOptions.fusedActivationFunction = activation
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def test_conv_with_a_fused_tanh_is_refused_on_the_host_as_on_the_target(native_build, tmp_path):
    """TFLM's int8 CONV_2D takes only NONE/RELU/RELU6/RELU_N1_TO_1 fused: a converter that fuses
    TANH gets the firmware's refusal from the host, before any build (not a silent clamp-free run)."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    source = paths.models_dir() / "digits_cnn" / "digits_cnn.tflite"
    model = tmp_path / "conv_tanh.tflite"
    model.write_bytes(_with_fused_activation(source.read_bytes(), schema.BuiltinOperator.CONV_2D,
                                             schema.ActivationFunctionType.TANH))
    answer, native = ask(model, QEMU), _native_refusal(model, native_build)
    assert native is not None and answer.status == native.code == 6, (answer, native)
    assert "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1" in answer.message
    assert answer.message[:HOST_RUNNER_MSG] == str(native)
