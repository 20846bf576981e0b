#!/usr/bin/env bash
# Installs everything the workbench needs on a fresh Debian machine: the Debian packages
# (Chromium for the end-to-end tests, the Fashion-MNIST package, build tools, redis-server for the
# distributed-evaluation queue and its tests) and the npm
# dependencies (Node 22 comes with them, as the 'node' package). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(chromium dataset-fashion-mnist python3 make g++ redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The Electron binary cannot be downloaded everywhere; the app falls back to web mode without it.
# tfjs-node-gpu is optional: its install fails without internet access and npm carries on without it.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
npm ci --no-audit --no-fund
echo "Installed. Node for npm scripts: $(node_modules/.bin/node -v)"
