"""Host-side view of a .tflite model through the TFLite schema module shipped by the
tflite-micro wheel: tensors, operators, MACs per operator."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil.errors import ConfigError
from hil.link.protocol import TensorType
from hil.model.pipeline import PipelineFacts, StageView, is_container, stacked, stage_files

OPCODE_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
# TFLM's custom operators with state of their own across invokes (a reset function in their
# registration: the signal library's delay lines, framers, stackers, noise estimates).
STATEFUL_CUSTOM_OPS = frozenset({"SignalDelay", "SignalFramer", "SignalOverlapAdd", "SignalStacker",
                                 "SignalFilterBankSpectralSubtraction"})


@dataclass
class TensorInfo(TensorType):
    index: int
    name: str
    dtype: int
    shape: tuple[int, ...]
    scales: list[float]
    zero_points: list[int]
    quantized_dimension: int
    is_const: bool

    @property
    def scale(self) -> float:
        return self.scales[0] if self.scales else 0.0

    @property
    def zero_point(self) -> int:
        return self.zero_points[0] if self.zero_points else 0

    @property
    def size(self) -> int:
        return int(np.prod(self.shape)) if self.shape else 1


@dataclass
class OpInfo:
    index: int
    opcode: int
    name: str
    inputs: list[int]
    outputs: list[int]
    options: object | None
    custom: bool = False
    macs: int = 0


@dataclass
class ModelInfo:
    path: Path
    sha256: str
    size: int
    tensors: list[TensorInfo]
    ops: list[OpInfo]
    inputs: list[int]
    outputs: list[int]
    subgraphs: int = 1
    stateful: bool = False  # keeps state from one invoke to the next (see _keeps_state)
    description: str = ""
    raw: object = field(repr=False, default=None)
    pipeline: object = None  # a pipeline container's stages (hil.model.pipeline.PipelineFacts), else None

    @property
    def input_tensors(self) -> list[TensorInfo]:
        return [self.tensors[i] for i in self.inputs]

    @property
    def output_tensors(self) -> list[TensorInfo]:
        return [self.tensors[i] for i in self.outputs]

    @property
    def total_macs(self) -> int:
        return sum(op.macs for op in self.ops)

    @property
    def name(self) -> str:
        return self.path.stem

    def op_histogram(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for op in self.ops:
            counts[op.name] = counts.get(op.name, 0) + 1
        return counts


def _tensor_info(index: int, t, buffers) -> TensorInfo:
    q = t.quantization
    scales = [float(s) for s in (q.scale if q is not None and q.scale is not None else [])]
    zps = [int(z) for z in (q.zeroPoint if q is not None and q.zeroPoint is not None else [])]
    buf = buffers[t.buffer] if t.buffer < len(buffers) else None
    is_const = buf is not None and ((buf.data is not None and len(buf.data) > 0) or (buf.offset or 0) > 1)
    name = t.name.decode() if isinstance(t.name, bytes) else (t.name or "")
    return TensorInfo(index, name, int(t.type), tuple(int(d) for d in (t.shape if t.shape is not None else [])),
                      scales, zps, int(q.quantizedDimension) if q is not None else 0, is_const)


def _macs(op: OpInfo, tensors: list[TensorInfo]) -> int:
    """Multiply-accumulates of the compute-heavy operators (conv, depthwise conv, FC)."""
    if not op.outputs or not op.inputs or len(op.inputs) < 2 or op.inputs[1] < 0:
        return 0
    out = tensors[op.outputs[0]]
    weights = tensors[op.inputs[1]]
    if op.name == "CONV_2D":  # weights [out_c, kh, kw, in_c]
        return out.size * int(np.prod(weights.shape[1:]))
    if op.name == "DEPTHWISE_CONV_2D":  # weights [1, kh, kw, out_c]
        return out.size * weights.shape[1] * weights.shape[2]
    if op.name == "FULLY_CONNECTED":  # weights [units, depth]
        return out.size * weights.shape[-1]
    return 0


def _keeps_state(model) -> bool:
    """Whether invokes depend on earlier ones, in any subgraph: variable tensors (RNN states, SVDF
    histories), resource variables (VAR_HANDLE) or a custom operator with state of its own."""
    for sg in model.subgraphs or []:
        if any(t.isVariable for t in sg.tensors or []):
            return True
        for op in sg.operators or []:
            code = model.operatorCodes[op.opcodeIndex]
            if max(int(code.builtinCode), int(code.deprecatedBuiltinCode)) == schema.BuiltinOperator.VAR_HANDLE:
                return True
            if code.customCode is not None and code.customCode.decode() in STATEFUL_CUSTOM_OPS:
                return True
    return False


@functools.lru_cache(maxsize=64)
def _load_cached(path: str, mtime: float) -> ModelInfo:
    data = Path(path).read_bytes()
    if is_container(data):
        return _pipeline_info(Path(path), hashlib.sha256(data).hexdigest(), len(data))
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ConfigError(f"{path} is not a TFLite model (no TFL3 identifier): give a .tflite file written by the "
                          "TFLite converter")
    try:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    except Exception as exc:  # noqa: BLE001 - the schema module raises anything on bad input
        raise ConfigError(f"{path} could not be parsed as a TFLite flatbuffer ({exc}): give a .tflite file written "
                          "by the TFLite converter") from None
    sg = model.subgraphs[0]
    buffers = model.buffers or []
    tensors = [_tensor_info(i, t, buffers) for i, t in enumerate(sg.tensors or [])]
    ops = []
    for i, op in enumerate(sg.operators or []):
        code = model.operatorCodes[op.opcodeIndex]
        opcode = max(int(code.builtinCode), int(code.deprecatedBuiltinCode))
        custom = code.customCode is not None
        name = (code.customCode.decode() if custom else OPCODE_NAMES.get(opcode, f"BUILTIN_{opcode}"))
        info = OpInfo(i, opcode, name, [int(x) for x in (op.inputs if op.inputs is not None else [])],
                      [int(x) for x in (op.outputs if op.outputs is not None else [])],
                      op.builtinOptions, custom)
        info.macs = _macs(info, tensors)
        ops.append(info)
    desc = model.description.decode() if isinstance(model.description, bytes) else (model.description or "")
    return ModelInfo(Path(path), hashlib.sha256(data).hexdigest(), len(data), tensors, ops,
                     [int(x) for x in sg.inputs], [int(x) for x in sg.outputs],
                     len(model.subgraphs), _keeps_state(model), desc, model)


def load_model(path: Path | str) -> ModelInfo:
    path = Path(path).resolve()
    if not path.is_file():
        raise ConfigError(f"model file {path} does not exist")
    return _load_cached(str(path), path.stat().st_mtime)


def _pipeline_info(path: Path, sha256: str, size: int) -> ModelInfo:
    """A ModelInfo for a container: inputs are stage 0's, outputs every stage's, each with a
    leading dimension of invokes when its stage runs more than once; ops every stage's in turn,
    their MACs per pipeline run (times the stage's invokes)."""
    stages = stage_files(path)
    infos = [load_model(s.tflite) for s in stages]
    tensors, ops, inputs, outputs, views = [], [], [], [], []

    def add(tensor, invokes: int, to: list[int]) -> None:
        tensors.append(replace(tensor, index=len(tensors), shape=stacked(tensor.shape, invokes)))
        to.append(len(tensors) - 1)

    for k, (stage, info) in enumerate(zip(stages, infos, strict=True)):
        views.append(StageView(k, stage, info, len(outputs), len(ops)))
        for index in info.inputs if k == 0 else []:
            add(info.tensors[index], stage.invokes, inputs)
        for index in info.outputs:
            add(info.tensors[index], stage.invokes, outputs)
        ops += [replace(op, index=len(ops), macs=op.macs * stage.invokes) for op in info.ops]
    return ModelInfo(path, sha256, size, tensors, ops, inputs, outputs, max(i.subgraphs for i in infos),
                     any(i.stateful for i in infos), "pipeline of " + ", ".join(s.tflite.name for s in stages),
                     pipeline=PipelineFacts(views))
