#!/usr/bin/env bash
# Runs one fuzz target for a while: fuzz/run.sh BUILD_DIR FUZZER SECONDS [libFuzzer flags...]
# Reads the seeds in fuzz/corpus/<name> (never writes there); new inputs go to
# BUILD_DIR/corpus/<name> and crash reproducers to BUILD_DIR/artifacts/FUZZER-*.
# Exits non-zero when the fuzzer finds a crash, a leak, a timeout or a broken invariant.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 BUILD_DIR FUZZER SECONDS [libFuzzer flags...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
fuzzer=$2
seconds=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
name=${fuzzer%_fuzzer}
# Tokens up to a little over VerifyPolicy::max_token_bytes (8192), so rule 1 is reachable.
max_len=4096
[ "$name" = verify ] && max_len=8300
mkdir -p "$build/corpus/$name" "$build/artifacts"
set -x
exec "$build/fuzz/$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
  -print_final_stats=1 -dict="$here/jose.dict" -artifact_prefix="$build/artifacts/$fuzzer-" "$@" \
  "$build/corpus/$name" "$here/corpus/$name"
