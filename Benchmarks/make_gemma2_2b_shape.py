#!/usr/bin/env python3
"""Builds Gemma-2-2B-shaped GGUF files with random weights, for speed comparisons only.

Real Gemma 2 weights cannot be had here, so this writes a file with the real shapes
(arch gemma2, 26 layers, width 2304, 8 query heads and 4 KV heads of 256, FFN 9216,
soft-caps 50 / 30, sliding window 4096, tied embeddings) and a real 262144-entry
tokenizer (copied from Tests/Fixtures/reference/gemma3-vocab-only.gguf), weights drawn
from N(0, 0.02) and norms near 1. It writes an F16 source file, then quantizes it with
llama.cpp's own quantizer (llama_cpp.llama_model_quantize, from llama-cpp-python) to
Q4_0, Q8_0 and Q4_K_M, as llama.cpp would for a real model (so the tied token_embd ends
up Q6_K in the Q4_0 and Q4_K_M files, Q8_0 in the Q8_0 file).

Output (never in git): ~/.cache/gemma-repl/bench/gemma2-2b-shape[-LAYERSl]-{q4_0,q8_0,q4_k_m}.gguf

    python Benchmarks/make_gemma2_2b_shape.py                 # all three, 26 layers
    python Benchmarks/make_gemma2_2b_shape.py --layers 2 --types q4_0   # a quick small one

Needs numpy, gguf and llama-cpp-python (see Benchmarks/README.md).
"""
import argparse
import ctypes
import os
import sys
import time
from pathlib import Path

import numpy as np
import gguf

REPO = Path(__file__).resolve().parent.parent
VOCAB = REPO / "Tests/Fixtures/reference/gemma3-vocab-only.gguf"
DEFAULT_DIR = Path.home() / ".cache/gemma-repl/bench"

# Gemma 2 2B hyperparameters (Gemma 2 report, Table 1), vocabulary of the Gemma 3 tokenizer.
WIDTH, HEADS, KV_HEADS, HEAD_DIM, FFN = 2304, 8, 4, 256, 9216
CONTEXT, WINDOW, ATTN_CAP, FINAL_CAP = 8192, 4096, 50.0, 30.0

# llama_ftype values (llama.h)
FTYPES = {"q4_0": 2, "q8_0": 7, "q4_k_m": 15}


def field_value(reader, key):
    field = reader.fields[key]
    if field.types[0] == gguf.GGUFValueType.ARRAY:
        sub = field.types[1]
        if sub == gguf.GGUFValueType.STRING:
            return [bytes(field.parts[i]).decode("utf-8") for i in field.data]
        return [field.parts[i][0].item() for i in field.data]
    part = field.parts[field.data[0]]
    if field.types[0] == gguf.GGUFValueType.STRING:
        return bytes(part).decode("utf-8")
    return part[0].item()


def tensor_plan(layers, vocab):
    """(name, numpy shape [rows, columns], is_norm) in llama.cpp's order."""
    plan = [("token_embd.weight", (vocab, WIDTH), False), ("output_norm.weight", (WIDTH,), True)]
    for layer in range(layers):
        p = f"blk.{layer}."
        plan += [
            (p + "attn_norm.weight", (WIDTH,), True),
            (p + "attn_q.weight", (HEADS * HEAD_DIM, WIDTH), False),
            (p + "attn_k.weight", (KV_HEADS * HEAD_DIM, WIDTH), False),
            (p + "attn_v.weight", (KV_HEADS * HEAD_DIM, WIDTH), False),
            (p + "attn_output.weight", (WIDTH, HEADS * HEAD_DIM), False),
            (p + "post_attention_norm.weight", (WIDTH,), True),
            (p + "ffn_norm.weight", (WIDTH,), True),
            (p + "ffn_gate.weight", (FFN, WIDTH), False),
            (p + "ffn_up.weight", (FFN, WIDTH), False),
            (p + "ffn_down.weight", (WIDTH, FFN), False),
            (p + "post_ffw_norm.weight", (WIDTH,), True),
        ]
    return plan


def write_source(path, layers, seed):
    """The F16 source file (norms in F32), written tensor by tensor to keep memory small."""
    vocab_file = gguf.GGUFReader(str(VOCAB))
    tokens = field_value(vocab_file, "tokenizer.ggml.tokens")
    scores = field_value(vocab_file, "tokenizer.ggml.scores")
    types = field_value(vocab_file, "tokenizer.ggml.token_type")
    vocab = len(tokens)

    writer = gguf.GGUFWriter(str(path), "gemma2")
    writer.add_name(f"gemma2-2b-shape-{layers}l (random weights)")
    writer.add_context_length(CONTEXT)
    writer.add_embedding_length(WIDTH)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_key_length(HEAD_DIM)
    writer.add_value_length(HEAD_DIM)
    writer.add_layer_norm_rms_eps(1e-6)
    writer.add_rope_freq_base(10000.0)
    writer.add_sliding_window(WINDOW)
    writer.add_attn_logit_softcapping(ATTN_CAP)
    writer.add_final_logit_softcapping(FINAL_CAP)
    writer.add_file_type(1)  # mostly F16
    writer.add_tokenizer_model("llama")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    for key, add in [("bos_token_id", writer.add_bos_token_id), ("eos_token_id", writer.add_eos_token_id),
                     ("unknown_token_id", writer.add_unk_token_id), ("padding_token_id", writer.add_pad_token_id)]:
        add(field_value(vocab_file, "tokenizer.ggml." + key))
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)

    plan = tensor_plan(layers, vocab)
    for name, shape, is_norm in plan:
        dtype = np.float32 if is_norm else np.float16
        writer.add_tensor_info(name, shape, np.dtype(dtype), int(np.prod(shape)) * np.dtype(dtype).itemsize)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    rng = np.random.default_rng(seed)
    for name, shape, is_norm in plan:
        if is_norm:
            data = (1.0 + 0.02 * rng.standard_normal(shape, dtype=np.float32)).astype(np.float32)
        else:
            data = np.empty(shape, dtype=np.float16)
            step = max(1, (1 << 24) // shape[1])  # ~16M values at a time
            for row in range(0, shape[0], step):
                chunk = rng.standard_normal((min(step, shape[0] - row), shape[1]), dtype=np.float32)
                data[row:row + chunk.shape[0]] = chunk * np.float32(0.02)
        writer.write_tensor_data(data)
    writer.close()


def quantize(source, target, kind, threads):
    import llama_cpp
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = FTYPES[kind]
    params.nthread = threads
    status = llama_cpp.llama_model_quantize(str(source).encode(), str(target).encode(), ctypes.byref(params))
    if status != 0:
        raise SystemExit(f"llama_model_quantize({kind}) failed with {status}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--layers", type=int, default=26, help="transformer blocks (26 is the real 2B)")
    parser.add_argument("--types", default="q4_0,q8_0,q4_k_m", help="comma-separated: " + ",".join(FTYPES))
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep-source", action="store_true", help="keep the F16 source file")
    args = parser.parse_args()
    kinds = [k.strip() for k in args.types.split(",") if k.strip()]
    for kind in kinds:
        if kind not in FTYPES:
            parser.error(f"unknown type {kind}")
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stem = "gemma2-2b-shape" + ("" if args.layers == 26 else f"-{args.layers}l")
    source = args.out_dir / f"{stem}-f16.gguf"
    targets = {kind: args.out_dir / f"{stem}-{kind}.gguf" for kind in kinds}
    if all(path.exists() for path in targets.values()):
        print("already there:", *map(str, targets.values()), sep="\n  ")
        return
    if not source.exists():
        started = time.time()
        write_source(source, args.layers, args.seed)
        print(f"wrote {source} ({source.stat().st_size / 2**20:.0f} MiB) in {time.time() - started:.0f} s", flush=True)
    for kind, target in targets.items():
        if target.exists():
            continue
        started = time.time()
        quantize(source, target, kind, args.threads)
        print(f"wrote {target} ({target.stat().st_size} bytes) in {time.time() - started:.0f} s", flush=True)
    if not args.keep_source:
        source.unlink()


if __name__ == "__main__":
    sys.exit(main())
