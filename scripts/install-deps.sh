#!/usr/bin/env bash
# Installs the Debian packages Stockroom needs to build, run and test.
# Idempotent: calls apt-get only for packages that are missing, and runs
# `apt-get update` first only when something must be installed.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsodium-dev libsqlite3-dev libcli11-dev libfmt-dev libicu-dev
  john-data
  libgtest-dev libgmock-dev
  python3-pytest python3-requests python3-jwt python3-cryptography
  sqlite3 curl jq
)
# Optional groups, selected by argument: `bench` adds the benchmark tools (and libjwt, the
# library the jose benchmarks compare with), `fuzz` clang with libFuzzer.
for group in "$@"; do
  case "$group" in
    bench) packages+=(libbenchmark-dev wrk nginx-light libjwt-dev) ;;
    fuzz) packages+=(clang libclang-rt-dev) ;;
    *) echo "install-deps: unknown group '$group'" >&2; exit 2 ;;
  esac
done

# Node.js runs the interoperability tests (tests/interop). A node and npm from elsewhere
# (for example NodeSource's package, which bundles npm and conflicts with Debian's) will do.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
