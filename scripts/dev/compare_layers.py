"""Compares gemma-repl hook dumps with llama.cpp graph tensors, layer by layer (development aid).

OURS is a `gemma-repl dump --hooks hook_embed --hooks 'blocks.*' --hooks ln_final.hook_normalized`
folder, THEIRS a `llama_graph_dump.py` folder for the same ids. Prints, per stage, the relative
error max|ours - theirs| / max|theirs| and the position where it is largest. Usage:
    python compare_layers.py OURS THEIRS [--layers 0,1,5]
"""
import argparse
import os

import numpy as np

# (our hook, llama.cpp tensor, how to bring theirs to our shape)
STAGES = [
    ("ln1.hook_normalized", "attn_norm-{L}", None),
    ("attn.hook_q", "Qcur-{L}", None),           # after QK-norm and RoPE: [n, heads, hd]
    ("attn.hook_k", "Kcur-{L}", None),
    ("attn.hook_v", "Vcur-{L}", None),
    ("attn.hook_scores_precap", "kq-{L}", "scores"),
    ("attn.hook_pattern", "kq_soft_max-{L}", "pattern"),
    ("attn.hook_z", "kqv_out-{L}", "z"),
    ("hook_attn_out", "attn_post_norm-{L}", None),
    ("hook_resid_mid", "sa_out-{L}", None),
    ("ln2.hook_normalized", "ffn_norm-{L}", None),
    ("mlp.hook_pre", "ffn_gate-{L}", None),
    ("mlp.hook_pre_linear", "ffn_up-{L}", None),
    ("mlp.hook_post", "ffn_geglu-{L}", None),
    ("hook_mlp_out", "ffn_post_norm-{L}", None),
    ("hook_resid_post", "l_out-{L}", None),
]


def load(folder, name):
    path = os.path.join(folder, name + ".npy")
    return np.load(path) if os.path.exists(path) else None


def compare(label, ours, theirs, n):
    if ours is None or theirs is None:
        print(f"  {label:28s} missing")
        return
    theirs = theirs.reshape(ours.shape)
    finite = np.isfinite(theirs) & np.isfinite(ours)
    diff = np.where(finite, np.abs(ours.astype(np.float64) - theirs), 0)
    scale = np.abs(np.where(finite, theirs, 0)).max() or 1
    flat = np.unravel_index(diff.argmax(), diff.shape)
    per_pos = []
    if ours.ndim >= 2 and ours.shape[0] == n:
        axes = tuple(range(1, ours.ndim))
        num = (np.where(finite, ours.astype(np.float64) - theirs, 0) ** 2).sum(axis=axes)
        den = (np.where(finite, theirs.astype(np.float64), 0) ** 2).sum(axis=axes)
        per_pos = " ".join(f"{v:.1e}" for v in num / np.maximum(den, 1e-30))
    print(f"  {label:28s} rel {diff.max() / scale:.2e} at {tuple(int(i) for i in flat)}  nmse/pos {per_pos}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("ours")
    parser.add_argument("theirs")
    parser.add_argument("--layers", default=None)
    args = parser.parse_args()
    embed = load(args.ours, "hook_embed")
    n = embed.shape[0]
    compare("hook_embed", embed, load(args.theirs, "inp_scaled"), n)
    layer = 0
    layers = []
    while os.path.exists(os.path.join(args.ours, f"blocks.{layer}.hook_resid_post.npy")):
        layers.append(layer)
        layer += 1
    if args.layers:
        layers = [int(x) for x in args.layers.split(",")]
    for layer in layers:
        print(f"layer {layer}")
        for hook, tensor, kind in STAGES:
            ours = load(args.ours, f"blocks.{layer}.{hook}")
            theirs = load(args.theirs, tensor.format(L=layer))
            if theirs is not None and kind in ("scores", "pattern"):
                # llama.cpp: [heads, queries, keys(padded)]; keep the real keys.
                theirs = theirs.reshape(-1, theirs.shape[-2], theirs.shape[-1])[:, :n, :n]
                if ours is not None:
                    ours = ours.transpose(1, 0, 2)  # per query first, for the per-position column
                    theirs = theirs.transpose(1, 0, 2)
            if kind == "z" and theirs is not None and ours is not None:
                theirs = theirs.reshape(ours.shape)
            compare(hook, ours, theirs, n)
    compare("ln_final.hook_normalized", load(args.ours, "ln_final.hook_normalized"), load(args.theirs, "result_norm"), n)


if __name__ == "__main__":
    main()
