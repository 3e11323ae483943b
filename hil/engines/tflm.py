"""The TFLM engine's op resolver, generated from the model at firmware build time.

    python -m hil.engines.tflm model.tflite -o hil_tflm_ops.h

writes a header for firmware/engines/tflm/tflm_engine.cc with the resolver's size (the
number of distinct operators) and one MicroMutableOpResolver::AddXxx() call per operator, so
the firmware registers exactly the model's ops and links only their kernels.

The method names follow tensorflow/lite/micro/micro_mutable_op_resolver.h (2025 version read
through the project's code index; DYNAMIC_UPDATE_SLICE and REDUCE_ALL from a 2026 resolver
that registers every op). tests/test_tflm_codegen.py checks that every builtin here has its
Register_<OP>() kernel in the TFLM build inside the tflite-micro wheel (commit 8f6596d).
An operator without a known method is refused in one line before anything is compiled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hil.errors import HilError, UnsupportedModelError
from hil.model.tflite import OPCODE_NAMES, ModelInfo, load_model

# BuiltinOperator name -> MicroMutableOpResolver method.
BUILTIN_METHODS: dict[str, str] = {
    "ABS": "AddAbs", "ADD": "AddAdd", "ADD_N": "AddAddN", "ARG_MAX": "AddArgMax", "ARG_MIN": "AddArgMin",
    "ASSIGN_VARIABLE": "AddAssignVariable", "AVERAGE_POOL_2D": "AddAveragePool2D",
    "BATCH_MATMUL": "AddBatchMatMul", "BATCH_TO_SPACE_ND": "AddBatchToSpaceNd",
    "BROADCAST_ARGS": "AddBroadcastArgs", "BROADCAST_TO": "AddBroadcastTo", "CALL_ONCE": "AddCallOnce",
    "CAST": "AddCast", "CEIL": "AddCeil", "CONCATENATION": "AddConcatenation", "CONV_2D": "AddConv2D",
    "COS": "AddCos", "CUMSUM": "AddCumSum", "DEPTH_TO_SPACE": "AddDepthToSpace",
    "DEPTHWISE_CONV_2D": "AddDepthwiseConv2D", "DEQUANTIZE": "AddDequantize", "DIV": "AddDiv",
    "DYNAMIC_UPDATE_SLICE": "AddDynamicUpdateSlice", "ELU": "AddElu",
    "EMBEDDING_LOOKUP": "AddEmbeddingLookup", "EQUAL": "AddEqual", "EXP": "AddExp",
    "EXPAND_DIMS": "AddExpandDims", "FILL": "AddFill", "FLOOR": "AddFloor", "FLOOR_DIV": "AddFloorDiv",
    "FLOOR_MOD": "AddFloorMod", "FULLY_CONNECTED": "AddFullyConnected", "GATHER": "AddGather",
    "GATHER_ND": "AddGatherNd", "GREATER": "AddGreater", "GREATER_EQUAL": "AddGreaterEqual",
    "HARD_SWISH": "AddHardSwish", "IF": "AddIf", "L2_NORMALIZATION": "AddL2Normalization",
    "L2_POOL_2D": "AddL2Pool2D", "LEAKY_RELU": "AddLeakyRelu", "LESS": "AddLess",
    "LESS_EQUAL": "AddLessEqual", "LOG": "AddLog", "LOGICAL_AND": "AddLogicalAnd",
    "LOGICAL_NOT": "AddLogicalNot", "LOGICAL_OR": "AddLogicalOr", "LOGISTIC": "AddLogistic",
    "LOG_SOFTMAX": "AddLogSoftmax", "MAXIMUM": "AddMaximum", "MAX_POOL_2D": "AddMaxPool2D",
    "MEAN": "AddMean", "MINIMUM": "AddMinimum", "MIRROR_PAD": "AddMirrorPad", "MUL": "AddMul",
    "NEG": "AddNeg", "NOT_EQUAL": "AddNotEqual", "PACK": "AddPack", "PAD": "AddPad", "PADV2": "AddPadV2",
    "PRELU": "AddPrelu", "QUANTIZE": "AddQuantize", "READ_VARIABLE": "AddReadVariable",
    "REDUCE_ALL": "AddReduceAll", "REDUCE_MAX": "AddReduceMax", "REDUCE_MIN": "AddReduceMin",
    "RELU": "AddRelu", "RELU6": "AddRelu6", "RESHAPE": "AddReshape",
    "RESIZE_BILINEAR": "AddResizeBilinear", "RESIZE_NEAREST_NEIGHBOR": "AddResizeNearestNeighbor",
    "REVERSE_V2": "AddReverseV2", "ROUND": "AddRound", "RSQRT": "AddRsqrt", "SELECT_V2": "AddSelectV2",
    "SHAPE": "AddShape", "SIN": "AddSin", "SLICE": "AddSlice", "SOFTMAX": "AddSoftmax",
    "SPACE_TO_BATCH_ND": "AddSpaceToBatchNd", "SPACE_TO_DEPTH": "AddSpaceToDepth", "SPLIT": "AddSplit",
    "SPLIT_V": "AddSplitV", "SQRT": "AddSqrt", "SQUARE": "AddSquare",
    "SQUARED_DIFFERENCE": "AddSquaredDifference", "SQUEEZE": "AddSqueeze",
    "STRIDED_SLICE": "AddStridedSlice", "SUB": "AddSub", "SUM": "AddSum", "SVDF": "AddSvdf",
    "TANH": "AddTanh", "TRANSPOSE": "AddTranspose", "TRANSPOSE_CONV": "AddTransposeConv",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "AddUnidirectionalSequenceLSTM", "UNPACK": "AddUnpack",
    "VAR_HANDLE": "AddVarHandle", "WHILE": "AddWhile", "ZEROS_LIKE": "AddZerosLike",
}

# Custom operator name (OperatorCode.custom_code) -> the method that registers it under that name.
CUSTOM_METHODS: dict[str, str] = {
    "CIRCULAR_BUFFER": "AddCircularBuffer",
    "TFLite_Detection_PostProcess": "AddDetectionPostprocess",
    "ethos-u": "AddEthosU",
    "SignalDelay": "AddDelay", "SignalEnergy": "AddEnergy", "SignalFftAutoScale": "AddFftAutoScale",
    "SignalFilterBank": "AddFilterBank", "SignalFilterBankLog": "AddFilterBankLog",
    "SignalFilterBankSquareRoot": "AddFilterBankSquareRoot",
    "SignalFilterBankSpectralSubtraction": "AddFilterBankSpectralSubtraction",
    "SignalFramer": "AddFramer", "SignalIrfft": "AddIrfft", "SignalOverlapAdd": "AddOverlapAdd",
    "SignalPCAN": "AddPCAN", "SignalRfft": "AddRfft", "SignalStacker": "AddStacker",
    "SignalWindow": "AddWindow",
}


def resolver_method(name: str, custom: bool) -> str:
    """The AddXxx method registering operator `name`; refuses an unknown one in one line."""
    method = (CUSTOM_METHODS if custom else BUILTIN_METHODS).get(name)
    if method is None:
        kind = "custom operator" if custom else "operator"
        raise UnsupportedModelError(f"the tflm engine has no MicroMutableOpResolver method for {kind} {name}: "
                                    f"register it in a resolver of your own (docs/porting.md)")
    return method


def resolver_ops(model: ModelInfo) -> list[tuple[str, str]]:
    """(operator name, method) for each distinct operator, in order of first use."""
    ops: dict[str, str] = {}
    for op in model.ops:
        if op.name not in ops:
            ops[op.name] = resolver_method(op.name, op.custom)
    if model.subgraphs > 1:
        # Control flow ops (IF, WHILE, CALL_ONCE) run other subgraphs; their ops need registering too.
        for sub in model.raw.subgraphs[1:]:
            for op in sub.operators or []:
                code = model.raw.operatorCodes[op.opcodeIndex]
                custom = code.customCode is not None
                name = code.customCode.decode() if custom else _builtin_name(code)
                if name not in ops:
                    ops[name] = resolver_method(name, custom)
    return list(ops.items())


def _builtin_name(code) -> str:
    opcode = max(int(code.builtinCode), int(code.deprecatedBuiltinCode))
    return OPCODE_NAMES.get(opcode, f"BUILTIN_{opcode}")


def render_header(model: ModelInfo) -> str:
    """The generated header: HIL_TFLM_OP_COUNT and HilTflmAddOps(resolver, &failed_op)."""
    ops = resolver_ops(model)
    lines = [
        f"/* Generated by hil/engines/tflm.py from {model.path.name} (sha256 {model.sha256[:16]}...).",
        " * Do not edit: the firmware build regenerates it whenever the model changes. */",
        "#pragma once",
        "",
        f"#define HIL_TFLM_OP_COUNT {max(len(ops), 1)}u",
        "",
        "/* Registers exactly the model's operators; on failure names the operator in *failed. */",
        "template <typename Resolver>",
        "static bool HilTflmAddOps(Resolver &resolver, const char **failed)",
        "{",
    ]
    for name, method in ops:
        lines += [f"    if (!HilTflmOk(resolver.{method}())) {{", f'        *failed = "{name}";',
                  "        return false;", "    }"]
    lines += ["    (void)failed;", "    return true;", "}", ""]
    return "\n".join(lines)


def write_header(model_path: Path, out: Path) -> None:
    text = render_header(load_model(model_path))
    if not out.exists() or out.read_text() != text:  # unchanged output keeps the adapter compiled
        out.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hil.engines.tflm", description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path, help="the .tflite model")
    parser.add_argument("-o", "--output", type=Path, required=True, help="header to write")
    args = parser.parse_args(argv)
    try:
        write_header(args.model, args.output)
    except HilError as exc:
        print(f"error: {exc}", file=sys.stderr)  # "error:" so the build log summary shows this line
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
