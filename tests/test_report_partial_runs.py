"""What a report compares with (defect 2 of issue 14): a partial run between two nightlies
must not hide the second nightly's regressions; each test is compared with the latest earlier
complete run that has it, and the report names those runs."""

from __future__ import annotations

import pytest
from synth_history import SLOW_FIVE, TOTAL, nightly, regression_keys, report, session, workdir


@pytest.fixture(scope="module")
def nightlies(tmp_path_factory) -> dict:
    """A nightly; a developer's partial run of two models; a nightly where five models got 10%
    slower and one cycles test newly fails."""
    base = workdir(tmp_path_factory.mktemp("partial"))
    db = base / "results.sqlite"
    rc, first, _, _ = nightly(base, db, "first")
    assert rc == 0 and first["summary"]["passed"] == TOTAL
    rc, partial, output = session(base, db, "-k", "model_a or model_c")
    assert rc == 0 and partial is not None, output
    rc, second, md, output = nightly(base, db, "second", SYNTH_SLOW=SLOW_FIVE, SYNTH_FAIL_CYCLES="model_c")
    assert rc != 0
    return {"base": base, "first": first["run"]["id"], "partial": partial, "second": second, "md": md,
            "output": output}


def test_a_partial_run_between_nightlies_hides_no_regression(nightlies):
    """Every regression of the second nightly is reported, each test compared with the latest
    earlier run that has it; the report says which runs those are."""
    second, first, partial = nightlies["second"], nightlies["first"], nightlies["partial"]
    newly = [r for r in second["regressions"] if r["kind"] == "newly-failing"]
    assert [r["nodeid"] for r in newly] == ["synth_suite.py::test_cycles[model_c]"], second["regressions"]
    assert f"passed in run #{partial}" in newly[0]["message"]
    slower = {r["model"]: r for r in second["regressions"] if r["kind"] == "cycles"}
    assert sorted(slower) == SLOW_FIVE.split(","), second["regressions"]
    assert all((r["previous"], r["current"], r["tests_over"]) == (10_000, 11_000, 4) for r in slower.values())
    # the report names the runs it compared with: the partial run's two models, the nightly's other six
    compared = {b["run_id"]: b["tests"] for b in second["compared_with"]}
    assert compared == {partial: 8, first: TOTAL - 8}, second["compared_with"]
    assert f"run #{partial} (8 tests)" in nightlies["md"] and f"run #{first} ({TOTAL - 8} tests)" in nightlies["md"]
    assert "REGRESSION [newly-failing] synth_suite.py::test_cycles[model_c]" in nightlies["output"]


def test_the_same_nightlies_without_the_partial_run_report_the_same_regressions(nightlies, tmp_path):
    base, db = nightlies["base"], tmp_path / "without.sqlite"
    assert session(base, db)[0] == 0
    assert session(base, db, SYNTH_SLOW=SLOW_FIVE, SYNTH_FAIL_CYCLES="model_c")[0] == 1
    _, without, _, _, _ = report(tmp_path, db)
    assert regression_keys(without) == regression_keys(nightlies["second"])
    assert len(without["regressions"]) == 6
