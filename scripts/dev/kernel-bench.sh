#!/bin/sh
# Builds ck_bench.c with the CKernels sources at the CKernels target's flags (-O3, as a
# release build) and runs it: single-thread matvec GB/s per weight type, dispatched and
# portable. Holds the shared build lock so it neither disturbs nor is disturbed by builds.
# Usage: scripts/dev/kernel-bench.sh [Q4_0 Q8_0 ...]   (default: every type)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
clang=${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$clang" -O3 -fno-math-errno -ffp-contract=off -I"$root/Sources/CKernels/include" -I"$root/Sources/CKernels" \
    "$root"/Sources/CKernels/*.c "$root/scripts/dev/ck_bench.c" -lm -lpthread -o "$out/ck_bench"
flock /tmp/swift-build.lock "$out/ck_bench" "$@"
