"""Subcommands of `hil`; every module here is registered by hil/cli.py."""
