"""What an engine can run, decided on the host before anything is built or flashed."""

from __future__ import annotations

from hil.errors import UnsupportedModelError
from hil.model import ModelInfo, OpInfo, builtin_engine_ops

INT8 = 9


def _op_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """Why the built-in engine cannot run this operator, or None."""
    if op.custom:
        return "custom operator"
    if op.opcode not in builtin_engine_ops():
        return "operator not implemented by the built-in engine"
    return None


def unsupported_ops(model: ModelInfo, engine: str = "builtin") -> list[str]:
    """One entry per problem, e.g. 'UNIDIRECTIONAL_SEQUENCE_LSTM at op #0 (operator not implemented ...)'."""
    if engine != "builtin":
        return []  # a TFLM build decides at link time what it supports
    problems = []
    if model.subgraphs > 1:
        problems.append(f"{model.subgraphs} subgraphs (control flow)")
    by_reason: dict[tuple[str, str], list[int]] = {}
    for op in model.ops:
        reason = _op_problem(op, model)
        if reason:
            by_reason.setdefault((op.name, reason), []).append(op.index)
    for (name, reason), indices in by_reason.items():
        where = ", ".join(f"#{i}" for i in indices)
        problems.append(f"{name} at op {where} ({reason})")
    return problems


def check_supported(model: ModelInfo, engine: str = "builtin") -> None:
    problems = unsupported_ops(model, engine)
    if problems:
        raise UnsupportedModelError(f"{model.path.name}: the {engine} engine cannot run this model: "
                                    f"{'; '.join(problems)}. Nothing was built or flashed.")
