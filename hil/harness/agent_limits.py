"""What the firmware's agent can carry, read from its header (firmware/agent/hil_agent.h) so the
host and the firmware share one number: the agent exchanges at most HIL_MAX_IO model inputs and
outputs and would silently drop the rest, so a model with more is refused before building."""

from __future__ import annotations

import functools
import re

from hil import paths
from hil.errors import ConfigError, UnsupportedModelError
from hil.model.tflite import ModelInfo

AGENT_HEADER = "firmware/agent/hil_agent.h"
_MAX_IO = re.compile(r"^#define HIL_MAX_IO (\d+)\b", re.MULTILINE)


@functools.cache
def max_io() -> int:
    """HIL_MAX_IO as the agent's header defines it."""
    source = paths.firmware_dir() / "agent" / "hil_agent.h"
    found = _MAX_IO.search(source.read_text())
    if not found:
        raise ConfigError(f"{source} defines no HIL_MAX_IO: restore `#define HIL_MAX_IO <count>` there")
    return int(found.group(1))


def refuse_io_count(model: ModelInfo) -> None:
    """One line, before anything is built, for a model with more inputs or outputs than the agent carries."""
    limit = max_io()
    for kind, tensors in (("inputs", model.input_tensors), ("outputs", model.output_tensors)):
        if len(tensors) > limit:
            raise UnsupportedModelError(
                f"{model.path.name}: the model has {len(tensors)} {kind}, the firmware agent exchanges at most "
                f"{limit}: raise HIL_MAX_IO in {AGENT_HEADER} to {len(tensors)} or more. Nothing was built or flashed.")
