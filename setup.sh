#!/usr/bin/env bash
# One-command setup for a fresh Debian 12 machine (idempotent): the cross toolchain, QEMU and
# the other system tools, then a virtualenv in .venv with tinyml-hil and its dependencies.
# Every tool is checked afterwards; a missing one ends the script with one clear line.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib binutils-arm-none-eabi
  qemu-system-arm gdb-multiarch cmake ninja-build
  clang llvm libclang-rt-14-dev      # host-native sanitizer builds and libFuzzer targets
  gcc gcc-multilib                   # the host model check: the engine's load step built -m32 (hil/engines/oracle.py)
  chromium chromium-driver           # the report's browser test
  python3-venv
)
PIP_PINS=("tensorflow-cpu==2.21.*" "tflite-micro==0.dev20261023182759")

say() { printf '[setup] %s\n' "$*"; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

install_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then say "Debian packages already installed"; return; fi
  say "installing Debian packages: ${missing[*]}"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    sudo="sudo"
  fi
  $sudo apt-get update -qq || die "apt-get update failed: check network access to the Debian mirrors"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
}

python_for_venv() {
  for py in python3.11 python3; do
    if command -v "$py" >/dev/null && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$py"; return
    fi
  done
  die "Python 3.11 or newer is required (tflite-micro and tensorflow-cpu 2.21 wheels)"
}

install_venv() {
  local stamp=.venv/.hil-setup-stamp
  local want
  want=$(cat pyproject.toml setup.sh | sha256sum | cut -c1-16)
  if [[ -f $stamp && $(cat "$stamp") == "$want" ]]; then say "virtualenv .venv up to date"; return; fi
  if [[ ! -x .venv/bin/python ]]; then
    say "creating virtualenv .venv"
    "$(python_for_venv)" -m venv .venv || die "could not create .venv (install python3-venv)"
  fi
  say "installing tinyml-hil and its dependencies into .venv (first run: a few minutes)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q "${PIP_PINS[@]}" -e ".[models,report,dev]" \
    || die "pip install failed: check access to PyPI"
  echo "$want" > "$stamp"
}

PY_CHECK='
import importlib.metadata as md
import tensorflow, tflite_micro, numpy, serial, pyocd, pytest, ppk2_api, pyjoulescope_driver, labgrid.remote.client, hil
names = ["numpy", "tensorflow-cpu", "tflite-micro", "pyserial", "pyocd", "pytest", "ppk2-api", "pyjoulescope_driver",
         "labgrid", "tinyml-hil"]
print(", ".join(f"{n} {md.version(n)}" for n in names))'

check_tool() {  # name, command printing a version
  local name=$1; shift
  local output
  output=$("$@" 2>/dev/null) || die "$name is missing or broken after setup: '$*' failed"
  printf '  %-20s %s\n' "$name" "$(head -n1 <<<"$output")"
}

check_everything() {
  say "installed versions:"
  check_tool arm-none-eabi-gcc arm-none-eabi-gcc --version
  check_tool qemu-system-arm qemu-system-arm --version
  check_tool gdb-multiarch gdb-multiarch --version
  check_tool cmake cmake --version
  check_tool ninja ninja --version
  check_tool clang clang --version
  check_tool "gcc -m32" sh -c 'printf "int main(void){return 0;}" | gcc -m32 -x c - -o /dev/null && gcc --version'
  check_tool chromium chromium --version
  check_tool python .venv/bin/python --version
  check_tool "python packages" .venv/bin/python -c "$PY_CHECK"
  .venv/bin/hil --version >/dev/null || die "the hil command is not installed in .venv"
}

export TF_CPP_MIN_LOG_LEVEL=3
install_apt_packages
install_venv
check_everything
say "ready: run '.venv/bin/python -m pytest --board=qemu' (or activate .venv and run 'pytest --board=qemu')"
