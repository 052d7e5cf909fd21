#!/usr/bin/env bash
# Makes sure TorchSharp 0.107's native library (libLibTorchSharp.so) can load on this machine.
#
# libLibTorchSharp.so from TorchSharp 0.107 needs the libstdc++ symbol version GLIBCXX_3.4.32.
# Debian 12 (bookworm) ships libstdc++ only up to GLIBCXX_3.4.30. The verified fix is to take
# libstdc++6 from Debian 13 (trixie), with trixie added as an apt source pinned low (priority 100)
# so that nothing else is upgraded unless asked for.
#
# The script does nothing where the symbol is already there (Ubuntu 24.04, Debian 13, a machine
# fixed before) or on a system that is not Linux. It is idempotent. It exits non-zero with a clear
# message when the fix is needed but cannot be applied (not root and no sudo, no apt).
#
# Two variables exist for the project's own tests (tests/ResTuning.Tests/Native/EnsureNativeScriptTests.cs),
# which must reproduce a machine without the fix on one that has it:
#   RESTUNING_LIBSTDCXX=FILE      check FILE instead of the libstdc++ the loader would pick
#   RESTUNING_NATIVE_DRY_RUN=1    say what would be installed, change nothing, exit 0
set -euo pipefail

# Several test projects may build in parallel: only one of them runs the fix at a time.
exec 9>"${TMPDIR:-/tmp}/restuning-ensure-native.lock"
flock 9 2>/dev/null || true

log() { echo "[ensure-native] $*"; }

if [[ "$(uname -s)" != "Linux" ]]; then
  log "not Linux: nothing to do"
  exit 0
fi

find_libstdcxx() {
  local path
  if [[ -n "${RESTUNING_LIBSTDCXX:-}" ]]; then
    echo "$RESTUNING_LIBSTDCXX"
    return
  fi
  path="$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}')"
  if [[ -z "$path" ]]; then
    path="$(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 / {print $NF; exit}')"
  fi
  echo "$path"
}

has_symbol() {
  local lib
  lib="$(find_libstdcxx)"
  [[ -n "$lib" ]] && grep -q 'GLIBCXX_3\.4\.32' "$lib"
}

if has_symbol; then
  log "libstdc++ provides GLIBCXX_3.4.32: nothing to do"
  exit 0
fi

log "libstdc++ ($(find_libstdcxx)) lacks GLIBCXX_3.4.32, which TorchSharp 0.107's native library needs."

. /etc/os-release 2>/dev/null || true
if [[ "${ID:-}" != "debian" ]]; then
  log "ERROR: automatic fix is only known for Debian 12 (this is '${PRETTY_NAME:-unknown}')."
  log "Install a libstdc++6 that provides GLIBCXX_3.4.32 (GCC 13 or newer) and run again."
  exit 2
fi

if [[ "${RESTUNING_NATIVE_DRY_RUN:-}" == "1" ]]; then
  log "dry run: would add Debian trixie pinned at priority 100 and install libstdc++6 from it (as $(id -un))"
  exit 0
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    log "ERROR: the fix needs root (apt-get), and this user is not root and has no password-less sudo."
    log "Run as root: bash build/ensure-native.sh   (adds Debian trixie pinned at priority 100 and installs libstdc++6 from it)"
    exit 3
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  log "ERROR: apt-get not found; install a libstdc++6 with GLIBCXX_3.4.32 by hand."
  exit 4
fi

SRC=/etc/apt/sources.list.d/restuning-trixie.sources
PIN=/etc/apt/preferences.d/restuning-trixie-pin
if [[ ! -f "$SRC" ]]; then
  log "adding the Debian trixie suite as an apt source ($SRC)"
  $SUDO tee "$SRC" >/dev/null <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi
if [[ ! -f "$PIN" ]]; then
  log "pinning trixie at priority 100 ($PIN)"
  $SUDO tee "$PIN" >/dev/null <<'PINS'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PINS
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
$SUDO apt-get update -qq || log "warning: apt-get update reported errors (some sources unreachable?); trying the install anyway"
log "installing libstdc++6 from trixie (this also upgrades libc6 and a few runtime packages)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -t trixie \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold libstdc++6 >/dev/null

if has_symbol; then
  log "done: libstdc++ now provides GLIBCXX_3.4.32"
else
  log "ERROR: libstdc++6 was installed from trixie but GLIBCXX_3.4.32 is still missing."
  exit 5
fi
