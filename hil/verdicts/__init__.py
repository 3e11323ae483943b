"""Verdicts on measurements: parity, float parity, timing, cycle baselines, divergence, fault triage, quality."""
