"""Dumps llama.cpp's intermediate graph tensors for one batch of token ids (development aid).

Uses llama-cpp-python's low-level API and the scheduler's eval callback (cb_eval) to copy every
F32 graph tensor of the prompt batch to DIR/<name>.npy, shaped in numpy order (ne reversed),
and the logits of every position to DIR/logits.npy. A name computed several times (Qcur-L:
projection, then QK-norm, then RoPE) keeps its last value. Settings follow the golden data
(shared reference README §6): F32 K/V cache, flash attention off, one batch, n_ctx 512 (more
for longer prompts). Usage:
    python llama_graph_dump.py MODEL.gguf 2,818,5279 OUT_DIR [--threads 2] [--no-callback]
                               [--perturb SEED] [--no-save]
"""
import argparse
import ctypes
import os

import numpy as np
import llama_cpp as L

GGML_TYPE_F32 = 0


class GGMLTensor(ctypes.Structure):
    """struct ggml_tensor from ggml.h (ggml 0.25), up to and including `name`."""
    _fields_ = [
        ("type", ctypes.c_int32),
        ("buffer", ctypes.c_void_p),
        ("ne", ctypes.c_int64 * 4),
        ("nb", ctypes.c_size_t * 4),
        ("op", ctypes.c_int32),
        ("op_params", ctypes.c_int32 * 16),
        ("flags", ctypes.c_int32),
        ("src", ctypes.c_void_p * 10),
        ("view_src", ctypes.c_void_p),
        ("view_offs", ctypes.c_size_t),
        ("data", ctypes.c_void_p),
        ("name", ctypes.c_char * 64),
    ]


def tensor_array(tensor):
    """A copy of an F32 tensor's values through its strides, in numpy order."""
    ne, nb = list(tensor.ne), list(tensor.nb)
    span = sum((n - 1) * s for n, s in zip(ne, nb)) + 4
    span += -span % 4
    base = np.frombuffer((ctypes.c_char * span).from_address(tensor.data), dtype=np.float32)
    view = np.lib.stride_tricks.as_strided(base, shape=tuple(reversed(ne)), strides=tuple(reversed(nb)))
    return np.array(view, dtype=np.float32)


def capture(model_path, ids, threads=2, callback=True, perturb=None, keep=lambda name: True):
    """Runs one batch; returns ({name: array} of the graph's F32 tensors, logits [n, vocab]).

    perturb: a seed; every element of inp_scaled (the scaled embeddings) then moves by one
    float32 ulp up or down at random, in place, before layer 0 reads it.
    """
    captured = {}

    def on_tensor(pointer, ask, _user):
        if ask:
            return True  # we want to see every tensor
        tensor = ctypes.cast(pointer, ctypes.POINTER(GGMLTensor)).contents
        name = tensor.name.decode()
        if tensor.type != GGML_TYPE_F32 or not tensor.data:
            return True
        count = tensor.ne[0] * tensor.ne[1] * tensor.ne[2] * tensor.ne[3]
        if perturb is not None and name == "inp_scaled":
            values = np.ctypeslib.as_array((ctypes.c_float * count).from_address(tensor.data))
            up = np.random.default_rng(perturb).random(count) < 0.5
            values[:] = np.where(up, np.nextafter(values, np.float32(np.inf)),
                                 np.nextafter(values, np.float32(-np.inf)))
        if count > 0 and keep(name):
            captured[name] = tensor_array(tensor)
        return True

    hook = L.ggml_backend_sched_eval_callback(on_tensor)
    L.llama_backend_init()
    model = L.llama_model_load_from_file(model_path.encode(), L.llama_model_default_params())
    if not model:
        raise SystemExit(f"cannot load {model_path}")
    params = L.llama_context_default_params()
    size = max(512, -(-len(ids) // 256) * 256)  # the goldens' 512, or more for long prompts
    params.n_ctx = params.n_batch = params.n_ubatch = size
    params.n_threads = params.n_threads_batch = threads
    params.type_k = params.type_v = GGML_TYPE_F32
    params.flash_attn_type = 0  # LLAMA_FLASH_ATTN_TYPE_DISABLED
    if callback or perturb is not None:
        params.cb_eval = hook
        params.cb_eval_user_data = None
    ctx = L.llama_init_from_model(model, params)
    batch = L.llama_batch_init(len(ids), 0, 1)
    for i, token in enumerate(ids):
        batch.token[i] = token
        batch.pos[i] = i
        batch.n_seq_id[i] = 1
        batch.seq_id[i][0] = 0
        batch.logits[i] = 1
    batch.n_tokens = len(ids)
    if L.llama_decode(ctx, batch) != 0:
        raise SystemExit("llama_decode failed")
    vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(model))
    logits = np.ctypeslib.as_array(L.llama_get_logits(ctx), shape=(len(ids), vocab)).copy()
    L.llama_batch_free(batch)
    L.llama_free(ctx)
    L.llama_model_free(model)
    return captured, logits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("ids")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-callback", action="store_true", help="run without cb_eval (logits only)")
    parser.add_argument("--perturb", type=int, default=None, metavar="SEED",
                        help="nudge every scaled embedding by one ulp at random before layer 0")
    parser.add_argument("--no-save", action="store_true", help="write only logits.npy")
    args = parser.parse_args()
    ids = [int(x) for x in args.ids.split(",")]
    os.makedirs(args.out, exist_ok=True)
    captured, logits = capture(args.model, ids, args.threads, callback=not args.no_callback,
                               perturb=args.perturb, keep=lambda name: not args.no_save)
    np.save(os.path.join(args.out, "logits.npy"), logits)
    for name, array in captured.items():
        np.save(os.path.join(args.out, name.replace("/", "_") + ".npy"), array)
    print(f"{len(captured)} tensors and logits {logits.shape} -> {args.out}")


if __name__ == "__main__":
    main()
