#!/usr/bin/env python3
"""Golden data for the Kernels tests: ggml block bytes -> float32, and float32 rows -> ggml bytes.

Writes Tests/Fixtures/quant/ (layout in Tests/Fixtures/quant/README.md).

Dequantization goldens: real blocks sampled from the fixture GGUFs in /work/shared/reference/
(and from the Gemma 3 270M Q4_K_M file when it is present), blocks made by gguf-py's quantizers
where a fixture lacks the type, and random bytes (with finite scale fields) for every type.
The expected floats come from `gguf.quants.dequantize` (Q8_K, which gguf-py lacks, from numpy).

Quantization goldens: float32 rows -> bytes, computed by numpy emulations written here of ggml's
ggml-quants.c quantize_row_q8_0_ref / quantize_row_q4_0_ref / quantize_row_q8_K_ref,
ggml_compute_fp32_to_fp16 / ggml_compute_fp32_to_bf16 (ggml-impl.h), and of the two SIMD
quantize_row_q8_0 variants in ggml-cpu/arch/{x86,arm}/quants.c. Every emulation runs in float32,
one IEEE operation at a time (no fused multiply-add), as the C code reads in ISO C.
Cross-checks against gguf-py's quantizers are printed (and must agree, see README.md).

(Past 500 lines because the emulations, the case builders and the cross-checks belong together
in one self-contained script.)

Needs: python3 -m venv /tmp/venv-dev && /tmp/venv-dev/bin/pip install gguf numpy
Run:   /tmp/venv-dev/bin/python scripts/dev/make_quant_goldens.py
"""

import argparse
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf.quants import dequantize as gguf_dequantize, quantize as gguf_quantize

F32 = np.float32
QK_K = 256

# ---------------------------------------------------------------------------------------------
# Type table: elements per block, bytes per block, byte offsets of the fp16 scale fields.
# (ggml-common.h: block_q4_0 {d; qs}, block_q4_1 {d; m; qs}, block_q5_0 {d; qh; qs},
#  block_q5_1 {d; m; qh; qs}, block_q8_0 {d; qs}, block_q2_K {scales; qs; d; dmin},
#  block_q3_K {hmask; qs; scales; d}, block_q4_K {d; dmin; scales; qs},
#  block_q5_K {d; dmin; scales; qh; qs}, block_q6_K {ql; qh; scales; d}, block_q8_K {d(f32); qs; bsums})
# ---------------------------------------------------------------------------------------------
TYPES = {
    "F32": (T.F32, 1, 4, []),
    "F16": (T.F16, 1, 2, []),
    "BF16": (T.BF16, 1, 2, []),
    "Q4_0": (T.Q4_0, 32, 18, [0]),
    "Q4_1": (T.Q4_1, 32, 20, [0, 2]),
    "Q5_0": (T.Q5_0, 32, 22, [0]),
    "Q5_1": (T.Q5_1, 32, 24, [0, 2]),
    "Q8_0": (T.Q8_0, 32, 34, [0]),
    "Q2_K": (T.Q2_K, 256, 84, [80, 82]),
    "Q3_K": (T.Q3_K, 256, 110, [108]),
    "Q4_K": (T.Q4_K, 256, 144, [0, 2]),
    "Q5_K": (T.Q5_K, 256, 176, [0, 2]),
    "Q6_K": (T.Q6_K, 256, 210, [208]),
    "Q8_K": (T.Q8_K, 256, 292, []),
}

LEGACY_BLOCKS = 256   # blocks sampled per (32-element type, source)
K_BLOCKS = 64         # blocks sampled per (256-element type, source)
PLAIN_ELEMENTS = 4096 # elements sampled per (F32/F16/BF16, source)


# ---------------------------------------------------------------------------------------------
# Emulations of ggml's scalar conversions and reference quantizers
# ---------------------------------------------------------------------------------------------

def f32_bits(x):
    return int(np.array([x], dtype=F32).view(np.uint32)[0])


def fp32_to_fp16_bits(x):
    """ggml_compute_fp32_to_fp16: IEEE round-to-nearest-even; every NaN -> sign | 0x7E00."""
    w = f32_bits(x)
    sign = (w >> 16) & 0x8000
    if (w & 0x7FFFFFFF) > 0x7F800000:
        return sign | 0x7E00
    h = np.array([x], dtype=F32).astype(np.float16).view(np.uint16)[0]  # numpy: RNE incl. subnormals
    return int(h)


def fp32_to_fp16_bits_exact(x):
    """An independent fp16 rounding in exact rational arithmetic, to cross-check numpy's."""
    w = f32_bits(x)
    sign = (w >> 16) & 0x8000
    if (w & 0x7FFFFFFF) > 0x7F800000:
        return sign | 0x7E00
    a = abs(float(x))
    if math.isinf(a):
        return sign | 0x7C00
    if a == 0:
        return sign
    a = Fraction(a)
    exponent = math.floor(math.log2(a))
    while Fraction(2) ** exponent > a:
        exponent -= 1
    while Fraction(2) ** (exponent + 1) <= a:
        exponent += 1
    quantum = Fraction(2) ** (max(exponent, -14) - 10)
    units = round(a / quantum)                     # Python rounds Fractions half to even
    value = units * quantum
    if value > 65504:
        return sign | 0x7C00
    if value < Fraction(2) ** -14:
        return sign | int(units)                   # subnormal: units of 2^-24
    e = math.floor(math.log2(value))
    while Fraction(2) ** e > value:
        e -= 1
    while Fraction(2) ** (e + 1) <= value:
        e += 1
    mantissa = value / Fraction(2) ** (e - 10) - 1024
    return sign | ((e + 15) << 10) | int(mantissa)


def fp32_to_bf16_bits(x):
    """ggml_compute_fp32_to_bf16: NaN -> upper half with the quiet bit forced; else RNE."""
    u = f32_bits(x)
    if (u & 0x7FFFFFFF) > 0x7F800000:
        return (u >> 16) | 64
    return ((u + (0x7FFF + ((u >> 16) & 1))) >> 16) & 0xFFFF


def roundf(v):
    """C roundf: half away from zero (exact for float32 inputs, computed in double)."""
    v = float(v)
    r = math.floor(abs(v) + 0.5)
    return -r if v < 0 else r


def rint_even(v):
    """Round half to even, as nearest_int() and the SIMD rounding instructions do."""
    return float(np.rint(F32(v)))


def c_max(a, b):
    """ggml's MAX(a, b) macro: ((a) > (b) ? (a) : (b))."""
    return a if a > b else b


def q8_0_block(x, variant):
    """quantize_row_q8_0_ref ('reference') and the AVX ('x86') / NEON ('arm') quantize_row_q8_0."""
    amax = F32(0)
    for v in x:
        amax = c_max(amax, F32(abs(v)))
    d = F32(amax / F32(127))
    if variant == "x86":
        inv = F32(F32(127) / amax) if amax != 0 else F32(0)
        rnd = rint_even
    else:
        inv = F32(F32(1) / d) if d != 0 else F32(0)
        rnd = roundf if variant == "reference" else rint_even
    qs = [int(rnd(F32(v * inv))) for v in x]
    assert all(-127 <= q <= 127 for q in qs), qs
    return np.array([fp32_to_fp16_bits(d)], dtype="<u2").tobytes() + np.array(qs, dtype=np.int8).tobytes()


def q4_0_block(x):
    """quantize_row_q4_0_ref: max = signed value of largest magnitude (first wins)."""
    amax = F32(0)
    mx = F32(0)
    for v in x:
        if amax < F32(abs(v)):
            amax = F32(abs(v))
            mx = F32(v)
    d = F32(mx / F32(-8))
    inv = F32(F32(1) / d) if d != 0 else F32(0)
    q = []
    for v in x:
        t = F32(F32(v * inv) + F32(8.5))
        q.append(min(15, int(math.trunc(float(t)))))   # (int8_t) truncates toward zero
    qs = bytes((q[j] | (q[j + 16] << 4)) for j in range(16))
    return np.array([fp32_to_fp16_bits(d)], dtype="<u2").tobytes() + qs


def q8_K_block(x):
    """quantize_row_q8_K_ref: iscale = -127/max, q = min(127, nearest_int(iscale*x)), bsums.

    ggml leaves bsums untouched for an all-zero block; we (and the Swift code) write zeros."""
    amax = F32(0)
    mx = F32(0)
    for v in x:
        ax = F32(abs(v))
        if ax > amax:
            amax = ax
            mx = F32(v)
    if amax == 0:
        return np.zeros(1, dtype="<f4").tobytes() + bytes(256) + bytes(32)
    iscale = F32(F32(-127) / mx)
    qs = [min(127, int(rint_even(F32(iscale * v)))) for v in x]
    bsums = [sum(qs[16 * j:16 * j + 16]) for j in range(16)]
    d = F32(F32(1) / iscale)
    return (np.array([d], dtype="<f4").tobytes() + np.array(qs, dtype=np.int8).tobytes()
            + np.array(bsums, dtype="<i2").tobytes())


def quantize_row(x, fmt):
    x = np.asarray(x, dtype=F32)
    if fmt == "F16":
        return np.array([fp32_to_fp16_bits(v) for v in x], dtype="<u2").tobytes()
    if fmt == "BF16":
        return np.array([fp32_to_bf16_bits(v) for v in x], dtype="<u2").tobytes()
    if fmt.startswith("Q8_0"):
        variant = {"Q8_0": "reference", "Q8_0_x86": "x86", "Q8_0_arm": "arm"}[fmt]
        return b"".join(q8_0_block(x[i:i + 32], variant) for i in range(0, len(x), 32))
    if fmt == "Q4_0":
        return b"".join(q4_0_block(x[i:i + 32]) for i in range(0, len(x), 32))
    if fmt == "Q8_K":
        return b"".join(q8_K_block(x[i:i + 256]) for i in range(0, len(x), 256))
    raise ValueError(fmt)


def dequantize_q8_K(raw):
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 292)
    d = blocks[:, :4].copy().view("<f4").astype(F32)
    qs = blocks[:, 4:260].copy().view(np.int8).astype(F32)
    return (d * qs).reshape(-1).astype(F32)


def expected_floats(type_name, raw):
    qtype = TYPES[type_name][0]
    if qtype == T.Q8_K:
        return dequantize_q8_K(raw)
    out = gguf_dequantize(np.frombuffer(raw, dtype=np.uint8).copy(), qtype)
    return np.asarray(out, dtype=F32).reshape(-1)


# ---------------------------------------------------------------------------------------------
# Dequantization cases
# ---------------------------------------------------------------------------------------------

def gguf_blocks(path, type_name):
    """All blocks (rows of raw bytes) of one type in a GGUF file, concatenated over tensors."""
    qtype, _, block_bytes, _ = TYPES[type_name]
    reader = gguf.GGUFReader(path)
    parts = [np.asarray(t.data).view(np.uint8).reshape(-1, block_bytes)
             for t in reader.tensors if t.tensor_type == qtype]
    return np.concatenate(parts) if parts else None


def sample_blocks(blocks, n, rng):
    if len(blocks) <= n:
        return blocks
    picks = np.sort(rng.choice(len(blocks), size=n, replace=False))
    return blocks[picks]


def sample_plain(blocks, type_name, rng):
    """F32/F16/BF16: runs of 32 consecutive elements from random places."""
    elements = blocks.reshape(-1, TYPES[type_name][2])
    runs = (len(elements) // 32)
    picks = np.sort(rng.choice(runs, size=min(runs, PLAIN_ELEMENTS // 32), replace=False))
    return np.concatenate([elements[32 * p:32 * p + 32] for p in picks])


def random_finite_fp16(rng, n):
    h = rng.integers(0, 1 << 16, size=n, dtype=np.uint32)
    exponent_all_ones = (h & 0x7C00) == 0x7C00
    h[exponent_all_ones] &= ~np.uint32(0x4000)          # clear the top exponent bit
    return h.astype("<u2")


def random_blocks(type_name, n, rng):
    _, _, block_bytes, scale_offsets = TYPES[type_name]
    blocks = rng.integers(0, 256, size=(n, block_bytes), dtype=np.uint8)
    for offset in scale_offsets:
        blocks[:, offset:offset + 2] = random_finite_fp16(rng, n).view(np.uint8).reshape(n, 2)
    if type_name == "Q8_K":
        bits = rng.integers(0, 1 << 32, size=n, dtype=np.uint64).astype(np.uint32)
        bits[(bits & 0x7F800000) == 0x7F800000] &= ~np.uint32(0x40000000)
        blocks[:, 0:4] = bits.astype("<u4").view(np.uint8).reshape(n, 4)
    return blocks


def special_plain(type_name):
    """Edge values for the plain types: zeros, subnormals, extremes, infinities (and NaN for BF16)."""
    if type_name == "F16":
        bits = [0x0000, 0x8000, 0x0001, 0x8001, 0x03FF, 0x0400, 0x3C00, 0xBC00, 0x7BFF, 0xFBFF,
                0x7C00, 0xFC00, 0x3555, 0x0200, 0x83FF, 0x0401] + list(range(0x3C00, 0x3C10))
        return np.array(bits, dtype="<u2").view(np.uint8).reshape(-1, 2)
    if type_name == "BF16":
        bits = [0x0000, 0x8000, 0x0001, 0x807F, 0x0080, 0x3F80, 0xBF80, 0x7F7F, 0xFF7F, 0x7F80,
                0xFF80, 0x7FC0, 0xFFC1, 0x7F81, 0x4049, 0x3EAB] + list(range(0x4000, 0x4010))
        return np.array(bits, dtype="<u2").view(np.uint8).reshape(-1, 2)
    values = [0.0, -0.0, 1e-45, -1e-45, 1.17549435e-38, 3.4028235e38, -3.4028235e38, np.inf, -np.inf,
              1.0, -1.0, 0.1, 1e-20, 123456.789, -2.5, 65504.0] + [float(i) for i in range(16)]
    return np.array(values, dtype="<f4").view(np.uint8).reshape(-1, 4)


def dequantize_cases(reference, gemma3, rng):
    cases = []   # (name, type_name, raw bytes, source description)
    fixtures = [("small-gemma2-" + s + ".gguf", t) for s, t in
                [("q4_0", "Q4_0"), ("q8_0", "Q8_0"), ("q4_k", "Q4_K"), ("q6_k", "Q6_K"),
                 ("f16", "F16"), ("bf16", "BF16"), ("f16", "F32")]]
    for file_name, type_name in fixtures:
        blocks = gguf_blocks(os.path.join(reference, file_name), type_name)
        source = file_name + " (all %s tensors, sampled)" % type_name
        if TYPES[type_name][1] == 1:
            picked = sample_plain(blocks, type_name, rng)
        else:
            picked = sample_blocks(blocks, K_BLOCKS if TYPES[type_name][1] == 256 else LEGACY_BLOCKS, rng)
        cases.append((type_name.lower() + ".small-gemma2", type_name, picked.tobytes(), source))

    if gemma3 and os.path.exists(gemma3):
        for type_name in ["Q5_0", "Q8_0", "Q4_K", "Q6_K", "F32"]:
            blocks = gguf_blocks(gemma3, type_name)
            if blocks is None:
                continue
            if TYPES[type_name][1] == 1:
                picked = sample_plain(blocks, type_name, rng)
            else:
                picked = sample_blocks(blocks, K_BLOCKS if TYPES[type_name][1] == 256 else LEGACY_BLOCKS, rng)
            cases.append((type_name.lower() + ".gemma3-270m", type_name, picked.tobytes(),
                          os.path.basename(gemma3) + " (all %s tensors, sampled)" % type_name))
    else:
        print("note: %s absent, no Gemma 3 270M blocks" % gemma3)

    # gguf-py's own quantizers for legacy types no fixture holds (Q5_0 too, in case Gemma 3 is absent)
    for type_name in ["Q4_1", "Q5_0", "Q5_1"]:
        data = rng.normal(0, 0.05, size=(LEGACY_BLOCKS, 32)).astype(F32)
        data[::7] += F32(0.03)                    # some blocks with a positive minimum
        raw = gguf_quantize(data, TYPES[type_name][0]).tobytes()
        cases.append((type_name.lower() + ".gguf-py-quantized", type_name, raw,
                      "gguf-py quantize() of N(0, 0.05) data"))

    for type_name in ["Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K"]:
        n = 32 if TYPES[type_name][1] == 256 else 128
        raw = random_blocks(type_name, n, rng).tobytes()
        cases.append((type_name.lower() + ".random", type_name, raw,
                      "random bytes, finite random fp16 (f32 for Q8_K) scale fields"))

    for type_name in ["F32", "F16", "BF16"]:
        cases.append((type_name.lower() + ".special", type_name, special_plain(type_name).tobytes(),
                      "edge values: zeros, subnormals, extremes, infinities" +
                      (", NaN" if type_name == "BF16" else "")))
    return cases


# ---------------------------------------------------------------------------------------------
# Quantization cases (every row is a whole number of 256-element blocks)
# ---------------------------------------------------------------------------------------------

def tie_block(scale):
    """256 values where x * (1/d) lands exactly on k + 0.5 for Q8_0 and Q8_K (amax = 127 * scale)."""
    values = [127.0, -126.5, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, 100.5, -100.5, 126.5, 0.0, -0.0]
    values += [k + 0.5 for k in range(-60, 60)]
    values += [float(k) for k in range(-61, 61)]
    values = (values * 2)[:256]
    return np.array(values, dtype=F32) * F32(scale)


def scale_ulp_blocks(rng, blocks=8):
    """Q8_0 blocks where 127/amax (x86) and 1/(amax/127) (reference, ARM) differ by an ulp,
    filled with values whose products with the two land on different sides of k + 0.5."""
    out = []
    while len(out) < blocks:
        amax = F32(rng.uniform(0.5, 2.0))
        x86 = F32(F32(127) / amax)
        ref = F32(F32(1) / F32(amax / F32(127)))
        if x86 == ref:
            continue
        values = [amax]
        for k in range(1, 127):
            for x in (F32((k + 0.5) / x86), F32((k + 0.5) / ref)):
                for v in (x, np.nextafter(x, F32(0)), np.nextafter(x, F32(200))):
                    if (len(values) < 32 and abs(v) <= amax and v not in values
                            and np.rint(F32(v * x86)) != np.rint(F32(v * ref))):
                        values.append(v if len(values) % 2 else -v)
        if len(values) < 32:
            continue
        out.append(np.array(values[:32], dtype=F32))
    return np.concatenate(out)


def quantize_cases(reference, rng):
    layers = os.path.join(reference, "layers", "tiny-gemma2-f32", "seq24")
    cases = []   # (name, row, description)

    cases.append(("gaussian", rng.normal(0, 1, 1024).astype(F32), "N(0, 1)"))
    for layer_file in ["l_out-3", "attn_norm-1", "inp_scaled"]:
        row = np.load(os.path.join(layers, layer_file + ".npy")).astype(F32).reshape(-1)
        cases.append(("tiny-" + layer_file, row[: len(row) // 256 * 256],
                      "llama.cpp activation %s, tiny-gemma2-f32 seq24 (reference layers)" % layer_file))

    outliers = rng.normal(0, 0.5, 768).astype(F32)
    outliers[rng.choice(768, 12, replace=False)] *= F32(300)
    cases.append(("outliers", outliers, "N(0, 0.5) with 12 values x300 (residual-stream-like)"))

    zeros = rng.normal(0, 1, 768).astype(F32)
    zeros[::5] = 0
    zeros[64:96] = 0          # an all-zero Q8_0/Q4_0 block
    zeros[256:512] = 0        # an all-zero Q8_K block
    zeros[600] = -0.0
    cases.append(("zeros", zeros, "zeros every 5th value, an all-zero 32-block and 256-block, -0.0"))

    magnitudes = np.concatenate([
        rng.normal(0, 1e7, 256),      # Q8_0 scale amax/127 overflows fp16 (-> inf)
        rng.normal(0, 1e30, 256),
        rng.normal(0, 1e-6, 256),     # Q8_0/Q4_0 fp16 scale is subnormal or 0
        rng.normal(0, 1e-30, 256),
    ]).astype(F32)
    mixed = rng.normal(0, 1, 256).astype(F32)
    mixed[::8] = rng.normal(0, 1e-40, 32).astype(F32)       # subnormal inputs beside normal ones
    mixed[1::8] = F32(1e-38)
    magnitudes = np.concatenate([magnitudes, mixed])
    cases.append(("magnitudes", magnitudes, "blocks of scale 1e7, 1e30, 1e-6, 1e-30; subnormal values"))

    ties = np.concatenate([tie_block(1.0), tie_block(0.5), -tie_block(1.0), tie_block(2.0 ** -10)])
    cases.append(("ties", ties.astype(F32), "values landing exactly on k + 0.5 after scaling (rounding ties)"))

    cases.append(("scale-ulps", scale_ulp_blocks(rng),
                  "Q8_0 blocks where 127/amax and 1/(amax/127) differ, values near ties"))

    q4 = []
    for block in range(8):        # multiples of d; signed-max ties in magnitude (the first wins)
        b = np.array([(k % 17) - 8 for k in range(32)], dtype=F32) * F32(0.25 * (block + 1))
        if block % 2:
            b = -b
        b[5] = -b[5]
        q4.append(b)
    for scale in [1.0, 0.375]:    # d = scale: x * id + 8.5 lands exactly on integers 0..16
        b = [-8.0] + [n - 0.5 for n in range(-7, 9)] + [n - 0.25 for n in range(-7, 8)]
        q4.append(np.array(b, dtype=F32) * F32(scale))
    q4.append(rng.uniform(-1, 1, 192).astype(F32))
    q4 = np.concatenate(q4)
    cases.append(("q4-edges", q4, "Q4_0 edges: multiples of d, +/- max ties in magnitude"))

    return cases


FORMATS = ["Q8_0", "Q8_0_x86", "Q8_0_arm", "Q4_0", "Q8_K", "F16", "BF16"]


# ---------------------------------------------------------------------------------------------
# Cross-checks against gguf-py
# ---------------------------------------------------------------------------------------------

def cross_check(row, outputs):
    notes = []
    blocks32 = row.reshape(-1, 32)
    ours = np.frombuffer(outputs["Q8_0"], dtype=np.uint8).reshape(-1, 34)
    theirs = gguf_quantize(blocks32, T.Q8_0).reshape(-1, 34)
    notes.append(("Q8_0 vs gguf-py", int((ours != theirs).any(axis=1).sum())))
    ours = np.frombuffer(outputs["Q4_0"], dtype=np.uint8).reshape(-1, 18)
    theirs = gguf_quantize(blocks32, T.Q4_0).reshape(-1, 18)
    notes.append(("Q4_0 vs gguf-py", int((ours != theirs).any(axis=1).sum())))
    ours = np.frombuffer(outputs["BF16"], dtype="<u2")
    theirs = gguf_quantize(row, T.BF16).view("<u2").reshape(-1)
    notes.append(("BF16 vs gguf-py", int((ours != theirs).sum())))
    ours = np.frombuffer(outputs["F16"], dtype="<u2")
    exact = np.array([fp32_to_fp16_bits_exact(v) for v in row], dtype="<u2")
    notes.append(("F16 numpy vs exact rational rounding", int((ours != exact).sum())))
    # numpy's round-half-even Q8_0 (what np.round would give) differs from ggml's roundf on ties:
    d = np.abs(blocks32).max(axis=1, keepdims=True) / F32(127)
    with np.errstate(divide="ignore"):
        inv = np.where(d == 0, F32(0), F32(1) / d).astype(F32)
    half_even = np.rint(blocks32 * inv).astype(np.int8)
    ours_qs = np.frombuffer(outputs["Q8_0"], dtype=np.uint8).reshape(-1, 34)[:, 2:].view(np.int8)
    notes.append(("Q8_0 values where np.round (half-even) != ggml roundf", int((half_even != ours_qs).sum())))
    for variant in ["Q8_0_x86", "Q8_0_arm"]:
        other = np.frombuffer(outputs[variant], dtype=np.uint8).reshape(-1, 34)
        mine = np.frombuffer(outputs["Q8_0"], dtype=np.uint8).reshape(-1, 34)
        notes.append(("Q8_0 reference vs %s (blocks differing)" % variant, int((other != mine).any(axis=1).sum())))
    return notes


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default="/work/shared/reference")
    parser.add_argument("--gemma3", default="/root/.cache/gemma-repl/gemma-3-270m-q4_k_m.gguf")
    parser.add_argument("--out", default=os.path.join(here, "..", "..", "Tests", "Fixtures", "quant"))
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    os.makedirs(os.path.join(out, "dequantize"), exist_ok=True)
    os.makedirs(os.path.join(out, "quantize"), exist_ok=True)
    rng = np.random.default_rng(20250101)

    # sanity: numpy's fp16 rounding (what fp32_to_fp16_bits uses) on every fp16 value, midpoint
    # and just-above-midpoint, plus random floats
    probe = np.concatenate([np.arange(0, 1 << 16, dtype=np.uint32) << 13,
                            (np.arange(0, 1 << 16, dtype=np.uint32) << 13) | 0x1000,
                            (np.arange(0, 1 << 16, dtype=np.uint32) << 13) | 0x1001,
                            rng.integers(0, 1 << 32, 20000, dtype=np.uint64).astype(np.uint32)])
    bad = sum(fp32_to_fp16_bits(v) != fp32_to_fp16_bits_exact(v) for v in probe.view(F32))
    print("fp16: numpy RNE vs exact rational rounding, %d probes, %d differ" % (len(probe), bad))
    assert bad == 0

    manifest = {"generator": "scripts/dev/make_quant_goldens.py",
                "gguf": gguf.__version__ if hasattr(gguf, "__version__") else "0.19.0",
                "numpy": np.__version__, "dequantize": [], "quantize": []}

    for name, type_name, raw, source in dequantize_cases(args.reference, args.gemma3, rng):
        _, block_size, block_bytes, _ = TYPES[type_name]
        assert len(raw) % block_bytes == 0
        count = len(raw) // block_bytes * block_size
        expected = expected_floats(type_name, raw)
        assert expected.shape == (count,), (name, expected.shape, count)
        with open(os.path.join(out, "dequantize", name + ".bin"), "wb") as f:
            f.write(raw)
        with open(os.path.join(out, "dequantize", name + ".f32"), "wb") as f:
            f.write(expected.astype("<f4").tobytes())
        manifest["dequantize"].append({"name": name, "type": type_name, "count": count,
                                       "blocks": "dequantize/%s.bin" % name,
                                       "expected": "dequantize/%s.f32" % name, "source": source})
        print("dequantize %-28s %-5s %6d values" % (name, type_name, count))

    for name, row, description in quantize_cases(args.reference, rng):
        row = np.ascontiguousarray(row, dtype=F32)
        assert len(row) % 256 == 0, name
        with open(os.path.join(out, "quantize", name + ".f32"), "wb") as f:
            f.write(row.astype("<f4").tobytes())
        outputs = {fmt: quantize_row(row, fmt) for fmt in FORMATS}
        entry = {"name": name, "count": len(row), "input": "quantize/%s.f32" % name,
                 "description": description, "expected": {}}
        for fmt, raw in outputs.items():
            path = "quantize/%s.%s" % (name, fmt.lower())
            with open(os.path.join(out, path), "wb") as f:
                f.write(raw)
            entry["expected"][fmt] = path
        checks = cross_check(row, outputs)
        entry["cross_checks"] = {label: count for label, count in checks}
        manifest["quantize"].append(entry)
        print("quantize   %-28s %6d values  %s" % (name, len(row), checks))
        for label, count in checks[:4]:
            assert count == 0, (name, label, count)

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(out) for n in ns)
    print("wrote %s (%d bytes)" % (out, total))


if __name__ == "__main__":
    sys.exit(main())
