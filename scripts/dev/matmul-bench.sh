#!/bin/sh
# Builds matmul_bench.c with the CKernels sources at the CKernels target's flags (-O3, as a
# release build) and runs it under the shared build lock: single-thread ck_matmul GFLOP/s
# (thread CPU time) on Gemma 2 2B's shapes with 512 activation rows.
# Usage: scripts/dev/matmul-bench.sh [Q4_0 Q5_0 Q8_0 Q4_K Q6_K]   (default: every type)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
clang=${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$clang" -O3 -fno-math-errno -ffp-contract=off -Wall -Wextra -I"$root/Sources/CKernels/include" -I"$root/Sources/CKernels" \
    "$root"/Sources/CKernels/*.c "$root/scripts/dev/matmul_bench.c" -lm -lpthread -o "$out/matmul_bench"
flock /tmp/swift-build.lock "$out/matmul_bench" "$@"
