"""Power monitors (PPK2, Joulescope) for measured energy per inference; see monitor.py."""

from __future__ import annotations

from hil.errors import ConfigError

# The user's power monitor settings, as pytest options and `hil` command options of the same names.
POWER_OPTIONS = ("power_monitor", "power_port", "power_sync", "power_voltage", "power_mode")


def make_monitor(kind: str, port: str | None, voltage_v: float | None, mode: str = "ampere"):
    """The monitor object for --power-monitor KIND."""
    if kind == "ppk2":
        from hil.power.ppk2 import Ppk2Monitor

        if port is None:
            raise ConfigError("--power-monitor ppk2 needs --power-port (the PPK2's serial port, e.g. /dev/ttyACM0)")
        if voltage_v is None:
            raise ConfigError("--power-monitor ppk2 needs --power-voltage (the board's supply), or a [power] supply_v "
                              "in the board profile")
        return Ppk2Monitor(port, voltage_v, mode)
    if kind == "joulescope":
        from hil.power.joulescope import JoulescopeMonitor

        return JoulescopeMonitor(port)
    raise ConfigError(f"--power-monitor {kind}: known monitors are ppk2 and joulescope")


def attach_power_monitor(harness, options: dict) -> None:
    """Opens the monitor the options name (if any) and attaches it to the harness."""
    kind = options.get("power_monitor")
    if not kind:
        return
    power = harness.profile.power
    voltage = options.get("power_voltage") or (power.supply_v if power else None)
    mode = options.get("power_mode") or "ampere"
    harness.power_monitor = make_monitor(kind, options.get("power_port"), voltage, mode)
    harness.power_sync = options.get("power_sync") or "gpio"
