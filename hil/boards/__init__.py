"""Board profiles and the backends that start, flash and connect to each kind of target."""

from __future__ import annotations

from hil.boards.profile import BoardProfile, all_profiles, find_profile
from hil.errors import ConfigError

# The user's board settings, as pytest options and `hil` command options of the same names.
BACKEND_OPTIONS = ("cpu_hz", "port", "baud", "flasher", "target", "probe", "gdb_remote", "renode_path",
                   "estimate_for", "vectors_via")


def make_backend(profile: BoardProfile, **options):
    """The backend object for a profile; options are the user's command-line settings."""
    cpu_hz = options.get("cpu_hz")
    if cpu_hz is not None and cpu_hz <= 0:  # latency = cycles / clock: a clock below 1 Hz means nothing
        raise ConfigError(f"--cpu-hz {cpu_hz}: give the core clock in Hz, a positive integer such as 168000000")
    if options.get("labgrid") is not None or profile.backend == "renode":  # vectors over the UART only
        from hil.boards.debug_link import check_vectors_via

        check_vectors_via(options.get("vectors_via"), profile.name, False,
                          "the harness reaches labgrid places and Renode over their UART only")
    if options.get("labgrid") is not None:  # --board=labgrid: the profile is the place's board
        from hil.boards.labgrid import LabgridBackend

        return LabgridBackend(profile, request=options["labgrid"], cpu_hz=options.get("cpu_hz"),
                              progress=options.get("progress"))
    if profile.backend == "qemu":
        from hil.boards.qemu import QemuBackend

        return QemuBackend(profile, cpu_hz=options.get("cpu_hz"), estimate_for=options.get("estimate_for"),
                           vectors_via=options.get("vectors_via"))
    if options.get("estimate_for"):
        raise ConfigError(f"--estimate-for: estimated cycles come from QEMU's instruction mix; board "
                          f"'{profile.name}' uses the {profile.backend} backend (use a qemu board)")
    if profile.backend == "renode":
        from hil.boards.renode import RenodeBackend

        return RenodeBackend(profile, renode_path=options.get("renode_path"), cpu_hz=options.get("cpu_hz"))
    if profile.backend == "serial":
        from hil.boards.serial import SerialBackend

        keys = ("port", "baud", "flasher", "target", "probe", "gdb_remote", "cpu_hz", "vectors_via")
        return SerialBackend(profile, **{k: options.get(k) for k in keys})
    raise ConfigError(f"board '{profile.name}' uses unknown backend '{profile.backend}'")


__all__ = ["BACKEND_OPTIONS", "BoardProfile", "all_profiles", "find_profile", "make_backend"]
