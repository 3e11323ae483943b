"""Renode backend (issue 5 completes it). Without a renode binary it fails fast, in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

from hil.boards.profile import BoardProfile
from hil.errors import ConfigError

INSTALL_HINT = ("install Renode: the portable Linux package from https://builds.renode.io "
                "(put `renode` on PATH or pass --renode-path), or `pip install "
                "git+https://github.com/antmicro/renode-run` then `renode-run download`")


class RenodeBackend:
    def __init__(self, profile: BoardProfile, *, renode_path: str | None = None, **_: object):
        self.profile = profile
        self.renode_path = renode_path

    def find_renode(self) -> str:
        path = self.renode_path or shutil.which("renode")
        if not path:
            raise ConfigError(f"board '{self.profile.name}' needs Renode, which is not installed here: "
                              f"{INSTALL_HINT}")
        return path

    def check_tools(self) -> None:
        self.find_renode()

    def start(self, elf: Path):
        self.find_renode()
        raise ConfigError("the Renode backend is not implemented yet in this version (issue 5)")
