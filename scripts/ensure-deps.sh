#!/usr/bin/env bash
# Installs what watchpost needs and is missing: Debian packages (ffmpeg, redis-server,
# and for the test suite chromium) and the npm dependencies. Safe to run again: it
# only acts on what is missing. Usage: scripts/ensure-deps.sh [demo|test]
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "watchpost needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))." >&2
  exit 1
fi

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ "$mode" = test ]; then
  # redis-cli makes the Redis Cluster of the cluster test; Sentinel runs as redis-server --sentinel.
  command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get)
  elif sudo -n true 2>/dev/null; then apt_get=(sudo apt-get)
  else
    echo "watchpost needs these Debian packages: ${need[*]}. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing ${need[*]} with apt-get..." >&2
  "${apt_get[@]}" update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# npm ci when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)..." >&2
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error >&2
fi
