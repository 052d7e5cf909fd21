#!/usr/bin/env bash
# Rebuilds linux-x64/librestuning_mkl_shim.so from mkl_shim.c (committed prebuilt, so that building the project needs no
# C compiler). No libc: the function needs none.
set -euo pipefail
cd "$(dirname "$0")"
gcc -shared -fPIC -Os -s -nostdlib -Wl,--hash-style=both -Wl,-z,noseparate-code -Wl,-soname,librestuning_mkl_shim.so \
  -o linux-x64/librestuning_mkl_shim.so mkl_shim.c
nm -D linux-x64/librestuning_mkl_shim.so
