"""`hil ops`: docs/ops.md is the command's output, and the table it prints agrees with the
engine's table and the TFLM list."""

from cli_helpers import ROOT, hil

from hil.commands.ops import rows
from hil.engines.table import table
from hil.engines.tflm_support import tflm_ops


def test_docs_ops_md_is_the_output_of_hil_ops():
    result = hil("ops")
    assert result.returncode == 0, result.stderr
    assert (ROOT / "docs" / "ops.md").read_text() == result.stdout, \
        "docs/ops.md is stale: regenerate it with `hil ops > docs/ops.md`"


def test_every_engine_cell_is_a_row_and_names_a_tflm_operator():
    listed = {(r.op, r.dtype) for r in rows() if r.builtin != "no"}
    assert listed == {(c.name, c.dtype.lower()) for c in table().cells}
    assert {c.name for c in table().cells} <= set(tflm_ops())  # names as TFLM spells them
