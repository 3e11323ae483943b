"""Training-time parity: the device's frontend (a pipeline's first stage, on the target) turns the
model's recordings into the features its training data had. A model states how its training data
was preprocessed in model.toml's [training] table (reference features or a Python function, and
the training frontend's settings); a model without one is skipped. docs/pipelines.md."""

from hil.pytest.suites import assert_training_parity


def test_training_parity(hil, hil_model, hil_record):
    assert_training_parity(hil, hil_model, hil_record)
