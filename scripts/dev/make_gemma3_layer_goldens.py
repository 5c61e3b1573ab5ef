"""Writes llama.cpp's per-layer values of Gemma 3 270M for Tests/GemmaTests/Gemma3LayerTests.swift.

Runs llama_graph_dump.capture (F32 K/V cache, flash attention off, one batch) on two prompts
and keeps, in numpy order, float32:
  short/  prompt 1 of generation_gemma3_270m.jsonl (6 tokens), every position:
          attn_norm-L [6,640], Qcur-L [6,4,256] and Kcur-L [6,1,256] (after QK-norm and RoPE),
          Vcur-L [6,1,256], kq_soft_max-L [4,6,6], l_out-L [6,640], result_norm [6,640]
  long/   641 tokens of English words (ids.json), longer than the 512-token window; layers 0
          (local) and 5 (global), the last 4 positions: attn_norm-L [4,640], Qcur-L [4,4,256],
          Kcur-L [4,1,256], and kq_soft_max-L [4,641] (the last query's row)
Usage (the venv of llama-cpp-python 0.3.36):
    python make_gemma3_layer_goldens.py MODEL.gguf Tests/Fixtures/gemma3-270m-layers
"""
import json
import os
import random
import sys

import numpy as np
import llama_cpp as L

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llama_graph_dump import capture  # noqa: E402

LAYERS = 18
SHORT_IDS = [2, 818, 5279, 529, 7001, 563]  # "The capital of France is", with BOS
WORDS = ("the of and to in a is that for it as was with be by on not he this are or his from at "
         "which but have an they you were her she there one all we their been has when who will "
         "more no if out so said what up its about into than them can only other new some could "
         "time these two may then do first any my now such like our over man me even most made "
         "after also did many before must through back years where much your way well down should "
         "because each just those people how too little state good very make world still own see "
         "men work long get here between both life being under never day same another know while "
         "last might us great old year off come since against go came right used take three").split()


def tokenize(model_path, text):
    L.llama_backend_init()
    params = L.llama_model_default_params()
    params.vocab_only = True
    model = L.llama_model_load_from_file(model_path.encode(), params)
    vocab = L.llama_model_get_vocab(model)
    data = text.encode()
    tokens = (L.llama_token * (len(data) + 8))()
    count = L.llama_tokenize(vocab, data, len(data), tokens, len(tokens), True, True)
    L.llama_model_free(model)
    return list(tokens[:count])


def main():
    model_path, out = sys.argv[1], sys.argv[2]
    n = len(SHORT_IDS)
    wanted = {f"{kind}-{layer}" for layer in range(LAYERS)
              for kind in ("attn_norm", "Qcur", "Kcur", "Vcur", "kq_soft_max", "l_out")} | {"result_norm"}
    tensors, _ = capture(model_path, SHORT_IDS, keep=lambda name: name in wanted)
    os.makedirs(os.path.join(out, "short"), exist_ok=True)
    for name, array in tensors.items():
        if name.startswith("kq_soft_max"):
            array = array.reshape(-1, array.shape[-2], array.shape[-1])[:, :n, :n]  # drop padded keys
        elif name.startswith(("Qcur", "Kcur", "Vcur")):
            array = array.reshape(n, -1, 256)
        else:
            array = array.reshape(n, -1)
        np.save(os.path.join(out, "short", name + ".npy"), np.ascontiguousarray(array, dtype=np.float32))

    rng = random.Random(3)
    ids = tokenize(model_path, " ".join(rng.choice(WORDS) for _ in range(640)))
    n = len(ids)
    wanted = {f"{kind}-{layer}" for layer in (0, 5) for kind in ("attn_norm", "Qcur", "Kcur", "kq_soft_max")}
    tensors, _ = capture(model_path, ids, keep=lambda name: name in wanted)
    os.makedirs(os.path.join(out, "long"), exist_ok=True)
    with open(os.path.join(out, "long", "ids.json"), "w") as file:
        json.dump(ids, file)
    for name, array in tensors.items():
        if name.startswith("kq_soft_max"):
            array = array.reshape(-1, array.shape[-2], array.shape[-1])[:, n - 1, :n]
        elif name.startswith(("Qcur", "Kcur")):
            array = array.reshape(n, -1, 256)[n - 4:]
        else:
            array = array.reshape(n, -1)[n - 4:]
        np.save(os.path.join(out, "long", name + ".npy"), np.ascontiguousarray(array, dtype=np.float32))
    print(f"short: 6 tokens, long: {n} tokens -> {out}")


if __name__ == "__main__":
    main()
