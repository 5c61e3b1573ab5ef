#!/bin/sh
# Cross-compiles the CKernels C target with the check driver ck_check.c for ARM64 Linux and
# runs it under qemu: on a Cortex-A76 (NEON + dot product: the NEON DOTPROD kernels must
# match the portable ones) and on a Cortex-A53 (no dot product: the dispatcher must choose
# the portable kernels). Timings under qemu mean nothing; correctness does.
# Needs Debian packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user, and clang
# (Swift's own, /opt/swift/usr/bin/clang, finds the cross sysroot).
# Usage: scripts/dev/arm64-kernel-check.sh   (from the package root or anywhere)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
clang=${CLANG:-$(command -v clang || echo /opt/swift/usr/bin/clang)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# the same flags as the CKernels target in Package.swift
"$clang" --target=aarch64-linux-gnu -O3 -fno-math-errno -ffp-contract=off -Wall -Wextra -Werror \
    -fuse-ld=lld -I"$root/Sources/CKernels/include" -I"$root/Sources/CKernels" \
    "$root"/Sources/CKernels/*.c "$root/scripts/dev/ck_check.c" -lm -lpthread -o "$out/ck_check"

status=0
echo "== qemu-aarch64 -cpu cortex-a76 (expects NEON DOTPROD)"
qemu-aarch64 -cpu cortex-a76 -L /usr/aarch64-linux-gnu "$out/ck_check" "NEON DOTPROD" || status=1
echo "== qemu-aarch64 -cpu cortex-a53 (expects portable)"
qemu-aarch64 -cpu cortex-a53 -L /usr/aarch64-linux-gnu "$out/ck_check" "portable" || status=1
exit $status
