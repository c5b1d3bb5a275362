#!/usr/bin/env bash
# Installs the Debian packages Candor needs to build and test, only when missing.
# `apt-get update` runs only if something has to be installed.
#
#   scripts/install-deps.sh          # build + test needs (BLAS/LAPACK, readstat, libcrypto)
#
# R and the Python peers are NOT needed to build or test: fixtures are committed.
# The peer benchmarks install their own tools (Benchmarks/peers/README.md).
set -euo pipefail

packages=(libopenblas-dev liblapacke-dev libreadstat-dev libssl-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing missing system packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
