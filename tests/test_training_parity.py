"""The training-time check (hil/verdicts/training_parity.py): the device's frontend must turn the
recordings into the features the model's training data had. The zoo's tones_kws pipeline states
its training preprocessing (models/tones_kws/model_pipeline.toml); here its frontend is swapped for
one with a single setting changed, as happens in the field, and the check must fail naming that
setting, how far the features moved, where, and what it does to the model's answers. On QEMU once
(the real firmware), otherwise with the host TFLM chain standing in for the target."""

from __future__ import annotations

import dataclasses
import textwrap

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile
from hil.errors import ConfigError
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.frontend import frontend_settings, window_shape
from hil.model.pipeline import Stage, write_container
from hil.verdicts.training_parity import check, check_on_host
from hil.zoo.frontend import FrontendSpec, build_frontend, window_weights

MODEL_DIR = paths.REPO_ROOT / "models" / "tones_kws"


@pytest.fixture(scope="module")
def pipeline():
    return catalog.load_config(MODEL_DIR / "model_pipeline.toml")


def with_frontend(config, tmp_path, **changes):
    """The pipeline with its frontend rebuilt from the committed settings with `changes` applied."""
    frontend = tmp_path / "frontend_changed.tflite"
    frontend.write_bytes(build_frontend(dataclasses.replace(FrontendSpec(), **changes)))
    stages = [Stage(frontend, config.stages[0].invokes, "frontend"), config.stages[1]]
    return dataclasses.replace(config, tflite=write_container(stages), stages=stages)


def test_committed_frontend_is_the_one_build_writes():
    assert (MODEL_DIR / "frontend.tflite").read_bytes() == build_frontend(FrontendSpec())


def test_settings_are_read_back_from_a_signal_frontend():
    spec = FrontendSpec(window="hamming", fft_auto_scale=False, channels=12, noise_reduction=False,
                        log_output_scale=32)
    got = frontend_settings(build_frontend(spec))
    assert got == {"window": "hamming", "window_samples": 256, "window_shift": 12, "fft_length": 256,
                   "fft_auto_scale": False, "channels": 12, "filter_bank_bins": got["filter_bank_bins"],
                   "noise_reduction": False, "pcan": False, "log_output_scale": 32, "log_correction_bits": 3}
    for kind in ("hann-symmetric", "hann-half-sample", "rectangular"):
        assert frontend_settings(build_frontend(FrontendSpec(window=kind)))["window"] == kind
    assert np.array_equal(window_weights("hann", 8, 12), np.round(window_shape("hann", 8) * 4096))
    assert frontend_settings(MODEL_DIR / "tones_kws.tflite") == {}  # no signal operators: nothing to read


def test_the_committed_frontend_matches_its_training_features(pipeline):
    result = check_on_host(pipeline)
    assert result.passed, result.message()
    assert result.features.total == 8 * 30 * 16 and result.runs == 8 and result.agree == 8
    assert "matches the training-time preprocessing" in result.message()


@pytest.mark.parametrize("change, named", [
    ({"window": "hamming"}, "window: device 'hamming', training 'hann'"),
    ({"fft_auto_scale": False}, "fft_auto_scale: device False, training True"),
    ({"noise_reduction": False}, "noise_reduction: device False, training True"),
    ({"log_output_scale": 48}, "log_output_scale: device 48, training 64"),
])
def test_a_changed_setting_is_named_with_the_feature_difference(pipeline, tmp_path, change, named):
    result = check_on_host(with_frontend(pipeline, tmp_path, **change))
    assert not result.passed
    assert result.settings_differ == [named]
    assert result.features.max_abs > 0 and result.features.over > 0
    assert f"does NOT match the training-time preprocessing: {named}; features differ by up to" in result.message()
    assert ", channel " in result.message() and "Hz)" in result.message() and "top-1" in result.message()


def test_training_features_from_a_python_function(pipeline, tmp_path):
    """[training] preprocess names the training pipeline's Python function: here one that frames the
    recording with a Hann window made in numpy, not the device's, so the features differ (there is no
    stated setting to name: the features alone decide) and the model's answers are compared."""
    (tmp_path / "train_features.py").write_text(textwrap.dedent('''
        import numpy as np

        def features(samples, sample_rate):
            frames = 1 + (len(samples) - 256) // 128
            window = np.hanning(256)
            spectra = [np.abs(np.fft.rfft(samples[f * 128:f * 128 + 256] * window)) for f in range(frames)]
            bands = np.array([s[4 + 7 * c:11 + 7 * c].sum() for s in spectra for c in range(16)]).reshape(frames, 16)
            return np.clip(np.log1p(bands) * 8 - 128, -128, 127).astype(np.int8)
        '''))
    config = dataclasses.replace(pipeline, config_path=tmp_path / "model.toml",
                                 extra={"training": {"preprocess": "train_features.py:features", "tolerance_lsb": 2}})
    result = check_on_host(config)
    assert not result.passed and not result.settings_differ and result.runs == 8
    assert "features differ by up to" in result.message() and "(tolerance 2)" in result.message()


def test_misconfigured_training_table_is_one_line(pipeline, tmp_path):
    for table, match in (({}, "needs one of `features`"),
                         ({"preprocess": "nowhere.py:f"}, "give \"file.py:function\""),
                         ({"features": "missing.npz"}, "not a readable .npz")):
        config = dataclasses.replace(pipeline, config_path=tmp_path / "model.toml", extra={"training": table})
        with pytest.raises(ConfigError, match=match):
            check_on_host(config)


def test_on_qemu_another_window_is_detected_and_reported(pipeline, tmp_path):
    """The real firmware runs the pipeline with a Hamming-window frontend: the check fails in one
    message naming the window, the feature difference and the top-1 agreement."""
    harness = Harness(HarnessConfig(find_profile("qemu")))
    try:
        result = check(harness, with_frontend(pipeline, tmp_path, window="hamming"))
    finally:
        harness.close()
    assert not result.passed and result.settings_differ == ["window: device 'hamming', training 'hann'"]
    assert result.features.over > 0 and result.runs == 8
    assert result.message().startswith("[training] tones_kws_pipeline: the device frontend (stage 0 'frontend' "
                                       "(1 of 2, 30 invokes per run)) does NOT match the training-time "
                                       "preprocessing: window: device 'hamming', training 'hann'; features differ")
