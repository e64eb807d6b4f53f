#!/usr/bin/env bash
# Installs the system packages RealAlgo builds and tests with, when they are missing.
# Usage: scripts/ensure-deps.sh [build|test]
#   build: C libraries (Lua 5.4, SQLite, libcrypto) and pkg-config
#   test:  also the sqlite3 shell and a headless browser for the end-to-end suite
# Installs with apt-get when running as root (or with passwordless sudo); otherwise prints the
# exact command to run and fails.
set -euo pipefail
mode=${1:-build}

missing=()
pkg-config --version >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists lua5.4 2>/dev/null || missing+=(liblua5.4-dev)
pkg-config --exists sqlite3 2>/dev/null || missing+=(libsqlite3-dev)
pkg-config --exists libcrypto 2>/dev/null || missing+=(libssl-dev)
if [[ $mode == test ]]; then
    command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
((${#missing[@]} == 0)) && exit 0

command="apt-get update && apt-get install -y ${missing[*]}"
if [[ $(id -u) == 0 ]]; then
    echo "Installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "Installing ${missing[*]} with sudo" >&2
    sudo DEBIAN_FRONTEND=noninteractive sh -c "$command" >/dev/null
else
    echo "RealAlgo needs these packages: ${missing[*]}" >&2
    echo "Install them with:  sudo sh -c '$command'" >&2
    exit 1
fi
