#!/usr/bin/env bash
# Makes sure Fashion-MNIST (the images of the classification sample's main job) is on this machine.
#
# Debian and Ubuntu ship it as the package dataset-fashion-mnist: four gzipped IDX files in
# /usr/share/datasets/fashion-mnist. The script does nothing where the files are already there, and
# installs the package only when they are missing and apt can be used (root or password-less sudo).
# Elsewhere (macOS, Windows, no root) it exits non-zero with a message naming the alternative: copy the
# four files into a folder and pass it with --fashion-mnist DIR.
set -euo pipefail

FOLDER=/usr/share/datasets/fashion-mnist
FILES=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
log() { echo "[ensure-fashion-mnist] $*"; }

present() {
  local f
  for f in "${FILES[@]}"; do [[ -f "$FOLDER/$f" ]] || return 1; done
}

if present; then
  log "Fashion-MNIST is in $FOLDER: nothing to do"
  exit 0
fi

ALTERNATIVE="or copy ${FILES[*]} into a folder and pass --fashion-mnist DIR"
if [[ "$(uname -s)" != "Linux" ]] || ! command -v apt-get >/dev/null 2>&1; then
  log "ERROR: Fashion-MNIST is not in $FOLDER and this machine has no apt-get to install dataset-fashion-mnist;"
  log "       $ALTERNATIVE."
  exit 2
fi

SUDO=""
if [[ "$(id -u)" != "0" ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    log "ERROR: installing dataset-fashion-mnist needs root (apt-get); this user is not root and has no password-less sudo."
    log "       Run as root: apt-get install dataset-fashion-mnist   ($ALTERNATIVE)."
    exit 3
  fi
fi

# Several processes may start at once (tests): one installs, the others wait for it.
exec 9>"${TMPDIR:-/tmp}/restuning-ensure-fashion-mnist.lock"
flock 9 2>/dev/null || true
if present; then
  log "Fashion-MNIST is in $FOLDER: nothing to do"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log "installing dataset-fashion-mnist (about 30 MB) into $FOLDER"
if ! $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; then
  log "apt-get install failed; refreshing the package lists (apt-get update) and trying again"
  $SUDO apt-get update -qq || log "warning: apt-get update reported errors"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
fi

if present; then
  log "done: Fashion-MNIST is in $FOLDER"
else
  log "ERROR: dataset-fashion-mnist was installed but $FOLDER lacks the files; $ALTERNATIVE."
  exit 5
fi
