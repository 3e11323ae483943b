"""Path-valued options in the space form (`--port /dev/ttyS0`, `--model /tmp/x.tflite`) must not
move pytest's rootdir.

pytest finds its rootdir and config file before plugins add their options, so it takes the value
of `--port /dev/ttyS0` for a path argument: rootdir /dev, no pyproject.toml (neither testpaths
nor addopts), the harness's own tests collected, the results database under /dev/reports. Once
every option is known (pytest_load_initial_conftests: before the initial conftests load and the
arguments are decided) the plugin redoes that step with pytest's own rules on the real path
arguments and, when the answer differs, applies it as pytest would have.
"""

from __future__ import annotations

import copy

import pytest


def reanchor(config: pytest.Config, args: list[str]) -> None:
    """Re-determines rootdir and config file from the real path arguments; `args` (pytest's
    argument list, addopts included) is updated in place."""
    try:
        setup = _determine(config)
        if setup[:2] == (config.rootpath, config.inipath):
            return
        _apply(config, args, *setup)
    except (AttributeError, TypeError) as exc:  # a pytest whose internals differ from 8.1-9.x
        raise pytest.UsageError(f"this pytest cannot tell option values from path arguments ({exc}): write "
                                f"path options as --port=VALUE, --model=PATH, --tflm-root=DIR") from None


def _determine(config: pytest.Config) -> tuple:
    from _pytest.config.findpaths import determine_setup

    ns = config.known_args_namespace
    return determine_setup(inifile=ns.inifilename, override_ini=ns.override_ini, args=ns.file_or_dir,
                           rootdir_cmd_arg=ns.rootdir or None, invocation_dir=config.invocation_params.dir)


def _apply(config: pytest.Config, args: list[str], rootpath, inipath, inicfg, ignored) -> None:
    """What pytest's Config.parse does with its rootdir and config file before the initial
    conftests: swap the wrong config's addopts for the right one's, re-parse, take its plugins
    (-p no:cacheprovider), python path and conftest cut-off."""
    stale = config.getini("addopts")
    if stale and args[:len(stale)] == stale:
        del args[:len(stale)]
    config._rootpath, config._inipath, config._inicfg = rootpath, inipath, inicfg
    config._ignored_config_files = ignored
    config._inicache.clear()
    config._parser.extra_info.update(rootdir=str(rootpath), inifile=str(inipath))
    addopts = config._validate_args(config.getini("addopts"), "via addopts config")
    args[:0] = addopts
    config.known_args_namespace = ns = config._parser.parse_known_args(args, namespace=copy.copy(config.option))
    config._inicfg = _determine(config)[2]  # with the -o overrides of the addopts too
    config._inicache.clear()
    config.pluginmanager.consider_preparse(addopts, exclude_only=False)
    config._configure_python_path()
    if ns.confcutdir is None:  # pytest's default: the config file's folder, else the rootdir
        ns.confcutdir = str(inipath.parent if inipath is not None else rootpath)
