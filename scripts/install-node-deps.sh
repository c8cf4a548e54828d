#!/usr/bin/env bash
# Installs the npm packages of the black-box interoperability tests (tests/interop), once.
# Idempotent: does nothing when they are installed.
set -euo pipefail
cd "$(dirname "$0")/../tests/interop"
if [ ! -f node_modules/jose/package.json ]; then
  echo "install-node-deps: npm install in tests/interop" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
