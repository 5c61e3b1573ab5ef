#!/bin/sh
# Builds the CKernels C target with the check driver ck_check.c so that every x86-64 path
# runs on this CPU: the AVX-512 and VNNI intrinsics come from SIMD Everywhere (Debian
# libsimde-dev, through ck_simde_x86.h), AVX2 / FMA / F16C stay native. ck_check then runs
# each path's kernels against the portable ones and requires every SIMD path to give the
# AVX2 path's bits. This checks the kernels' arithmetic (lane layouts, VNNI sums), not the
# compiler's AVX-512 code: on a CPU with AVX-512 or AVX-VNNI the test suite runs those paths
# natively (KernelsTests go over every path the CPU has).
# Needs: clang (Swift's own will do), libsimde-dev, an x86-64 CPU with AVX2, FMA and F16C.
# Usage: scripts/dev/x86-kernel-check.sh   (from the package root or anywhere)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
# clang: $CLANG, or the one beside the Swift toolchain's swift, or any on the PATH
swift_bin=$(dirname "$(readlink -f "$(command -v swift || echo /opt/swift/usr/bin/swift)")")
clang=${CLANG:-$( [ -x "$swift_bin/clang" ] && echo "$swift_bin/clang" || command -v clang || echo clang)}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
[ -f /usr/include/simde/x86/avx512.h ] || { echo "x86-kernel-check: needs libsimde-dev (scripts/install)" >&2; exit 2; }

# the flags of the CKernels target in Package.swift, plus the emulation
"$clang" -O1 -fno-math-errno -ffp-contract=off -Wall -Wextra -Werror -Wno-psabi -mavx2 -mfma -mf16c -DCK_SIMDE=1 \
    -I"$root/Sources/CKernels/include" -I"$root/Sources/CKernels" -I"$root/scripts/dev" \
    "$root"/Sources/CKernels/*.c "$root/scripts/dev/ck_check.c" -lm -lpthread -o "$out/ck_check"
"$out/ck_check" "AVX2 FMA F16C AVX512F AVX512BW AVX512VL AVX512VNNI"
