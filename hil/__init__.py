"""tinyml-hil: a hardware-in-the-loop test harness for TinyML firmware."""

__version__ = "0.1.0"
