# Registers the hil pytest plugin when running from this checkout (installed copies load it
# through the pytest11 entry point instead).
import importlib.util

if importlib.util.find_spec("hil") is not None and "hil.pytest.plugin" not in __import__("sys").modules:
    pytest_plugins = ["hil.pytest.plugin"]
