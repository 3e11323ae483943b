"""The pytest stash keys the HIL plugins share, named in one place so that no plugin module
imports another for them."""

from __future__ import annotations

import pytest

from hil.harness.runner import Harness

HARNESS_KEY = pytest.StashKey[Harness]()   # config: the session's harness
MODELS_KEY = pytest.StashKey[list]()       # config: the ModelConfigs of the run
SUMMARY_KEY = pytest.StashKey[list]()      # config: (section, line) of the end-of-session summary
RECORD_KEY = pytest.StashKey[dict]()       # item: what the test measured (the hil_record fixture)
RESULT_STATE_KEY = pytest.StashKey[dict]()  # item: outcome and duration gathered across phases

OPTION_GROUP = ("hil", "TinyML hardware-in-the-loop")  # the --help group of every HIL option
