#!/usr/bin/env bash
# Installs the Debian 12 packages purecache needs, skipping those already present.
set -euo pipefail
exec >&2  # apt output is progress, not a result: keep stdout for the callers
packages=(g++ cmake make ninja-build catch2 libcli11-dev nlohmann-json3-dev libbenchmark-dev libbenchmark-tools
          libzstd-dev zstd clang python3-matplotlib python3-scipy parallel slurm-wlm munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have stale package lists: refresh once and retry before giving up.
"${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}" ||
  { "${as_root[@]}" apt-get update && "${as_root[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; }
