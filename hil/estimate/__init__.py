"""Estimated silicon cycles from what the emulator executed: the dynamic instruction mix (a QEMU
plugin, mix_plugin.c), a target part (core timings and memory system, parts/*.toml) and a cost
model calibrated on published silicon figures (model.py, calibration.toml). docs/timing.md."""
