#!/usr/bin/env bash
# Installs the Debian packages vigil needs to build and test, if missing.
# Runs apt-get only when something is absent (needs root or sudo then).
set -euo pipefail
PKGS=(build-essential cmake pkg-config re2c bison libyaml-dev libpcre2-dev
      libjansson-dev libcriterion-dev zlib1g-dev clang libclang-rt-14-dev
      python3 valgrind sysdig)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  # --no-install-recommends: sysdig would otherwise pull a kernel-module build.
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
