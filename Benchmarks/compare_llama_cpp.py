#!/usr/bin/env python3
"""gemma-repl against llama.cpp on the same GGUF, the same machine and the same threads.

For each model and thread count, runs `r` rounds; each round runs llama.cpp (through
llama-cpp-python, in a child process of its own) and then `gemma-repl bench --json`, so
that both see the same machine load. Prints medians [min-max], the ratio gemma-repl /
llama.cpp, peak RSS of each child (from wait4) and load times.

llama.cpp side, as llama-bench measures it: a fresh context with n_ctx 768, n_batch =
n_ubatch = 512, the library's default K/V cache type (F16) and flash-attention setting
(auto), weights memory-mapped. pp = one llama_decode of `p` random tokens; tg = `n`
single-token decodes from an empty cache, each token the argmax of the last logits. Both
timed by wall clock around the calls (llama.cpp's own perf counters are reported too).
One warm-up decode first, as llama-bench does.

    python Benchmarks/compare_llama_cpp.py ~/.cache/gemma-repl/bench/gemma2-2b-shape-q4_0.gguf \\
        --threads 1,2 --reps 3

Needs llama-cpp-python (Benchmarks/README.md) and a release build of gemma-repl.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


# MARK: the llama.cpp child

def llama_child(model, threads, prompt, generate, seed):
    """Runs in a child process; prints one JSON line."""
    import ctypes
    import random
    import llama_cpp as L
    import numpy as np

    L.llama_backend_init()
    started = time.perf_counter()
    model_params = L.llama_model_default_params()
    loaded = L.llama_model_load_from_file(str(model).encode(), model_params)
    if not loaded:
        raise SystemExit(f"llama.cpp could not load {model}")
    params = L.llama_context_default_params()
    params.n_ctx = max(768, prompt + 16, generate + 16)
    params.n_batch = params.n_ubatch = max(512, prompt)
    params.n_threads = params.n_threads_batch = threads
    params.no_perf = False
    ctx = L.llama_init_from_model(loaded, params)
    load_ms = (time.perf_counter() - started) * 1000
    vocab = L.llama_vocab_n_tokens(L.llama_model_get_vocab(loaded))
    batch = L.llama_batch_init(params.n_batch, 0, 1)
    memory = L.llama_get_memory(ctx)

    def decode(tokens, first_position):
        batch.n_tokens = len(tokens)
        for i, token in enumerate(tokens):
            batch.token[i] = token
            batch.pos[i] = first_position + i
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = i == len(tokens) - 1
        if L.llama_decode(ctx, batch) != 0:
            raise SystemExit("llama_decode failed")
        L.llama_synchronize(ctx)

    def argmax_of_last():
        logits = L.llama_get_logits_ith(ctx, -1)
        array = (ctypes.c_float * vocab).from_address(ctypes.addressof(logits.contents))
        return int(np.frombuffer(array, dtype=np.float32).argmax())

    rng = random.Random(seed)
    prompt_ids = [rng.randrange(vocab) for _ in range(prompt)]
    # Warm-up, not counted.
    decode(prompt_ids[:8] + [2], 0)
    L.llama_memory_clear(memory, True)
    result = {"load_ms": load_ms, "system_info": L.llama_print_system_info().decode(),
              "n_ctx": params.n_ctx, "n_batch": params.n_batch, "type_k": params.type_k, "type_v": params.type_v,
              "flash_attn_type": params.flash_attn_type}
    if prompt > 0:
        L.llama_perf_context_reset(ctx)
        t0 = time.perf_counter()
        decode(prompt_ids, 0)
        seconds = time.perf_counter() - t0
        perf = L.llama_perf_context(ctx)
        result["pp_tok_s"] = prompt / seconds
        result["pp_tok_s_perf"] = perf.n_p_eval * 1000 / perf.t_p_eval_ms if perf.t_p_eval_ms > 0 else None
        L.llama_memory_clear(memory, True)
    if generate > 0:
        L.llama_perf_context_reset(ctx)
        token = 2
        t0 = time.perf_counter()
        for position in range(generate):
            decode([token], position)
            token = argmax_of_last()
        seconds = time.perf_counter() - t0
        perf = L.llama_perf_context(ctx)
        result["tg_tok_s"] = generate / seconds
        evals = perf.n_eval + perf.n_p_eval
        eval_ms = perf.t_eval_ms + perf.t_p_eval_ms
        result["tg_tok_s_perf"] = evals * 1000 / eval_ms if eval_ms > 0 else None
    L.llama_batch_free(batch)
    L.llama_free(ctx)
    L.llama_model_free(loaded)
    print(json.dumps(result))


# MARK: running children

def run_with_usage(command):
    """Runs a command and returns (the JSON it prints, its own peak RSS in MiB)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(write_end, 1)
        os.close(read_end)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        try:
            os.execvp(command[0], [str(part) for part in command])
        finally:
            os._exit(127)
    os.close(write_end)
    chunks = []
    while True:
        chunk = os.read(read_end, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_end)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed with status {status}")
    text = b"".join(chunks).decode().strip()
    try:
        result = json.loads(text)                      # gemma-repl prints one (indented) object
    except json.JSONDecodeError:
        result = json.loads(text.splitlines()[-1])     # the llama.cpp child: its last line
    return result, usage.ru_maxrss / 1024


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, "-"
    median = statistics.median(values)
    return median, f"{median:.2f} [{min(values):.2f}-{max(values):.2f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("-r", "--reps", type=int, default=3)
    parser.add_argument("-p", type=int, default=512, help="prompt tokens (pp test)")
    parser.add_argument("-n", type=int, default=128, help="generated tokens (tg test)")
    parser.add_argument("--gemma-repl", type=Path, default=REPO / ".build/release/gemma-repl")
    parser.add_argument("--kv-type", default="f16", choices=["f16", "f32"],
                        help="gemma-repl's KV cache (llama.cpp's default is f16)")
    parser.add_argument("--extra", default="", help="more arguments for gemma-repl bench, e.g. '--capture ...'")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    parser.add_argument("--llama-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-threads", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1234)
    args = parser.parse_args()
    if args.llama_child:
        return llama_child(args.llama_child, args.child_threads, args.p, args.n, args.seed)
    if not args.models:
        parser.error("name at least one GGUF file")
    if not args.gemma_repl.exists():
        parser.error(f"{args.gemma_repl} not found: swift build -c release first")

    rows, records = [], []
    for model in args.models:
        for threads in [int(t) for t in args.threads.split(",")]:
            llama, ours = [], []
            for rep in range(args.reps):
                llama.append(run_with_usage([sys.executable, __file__, "--llama-child", model, "--child-threads", threads,
                                             "-p", args.p, "-n", args.n, "--seed", args.seed]))
                ours.append(run_with_usage([args.gemma_repl, "bench", "-m", model, "-p", args.p, "-n", args.n,
                                            "-t", threads, "-r", 1, "--kv-type", args.kv_type, "--json",
                                            *args.extra.split()]))
                print(f"  {model.name} t={threads} round {rep + 1}: llama.cpp pp {llama[-1][0].get('pp_tok_s', 0):.2f} "
                      f"tg {llama[-1][0].get('tg_tok_s', 0):.2f} | gemma-repl pp {ours[-1][0].get('pp_tok_s') or 0:.2f} "
                      f"tg {ours[-1][0].get('tg_tok_s') or 0:.2f}", file=sys.stderr, flush=True)
            records.append({"model": str(model), "threads": threads, "llama_cpp": llama, "gemma_repl": ours})
            for test, key in [(f"pp{args.p}", "pp_tok_s"), (f"tg{args.n}", "tg_tok_s")]:
                theirs, theirs_text = summary([r[0].get(key) for r in llama])
                mine, mine_text = summary([r[0].get(key) for r in ours])
                ratio = f"{mine / theirs:.2f}" if mine and theirs else "-"
                rows.append((model.name, threads, test, theirs_text, mine_text, ratio))
            theirs_rss, theirs_rss_text = summary([r[1] for r in llama])
            mine_rss, mine_rss_text = summary([r[1] for r in ours])
            rows.append((model.name, threads, "peak RSS MiB", theirs_rss_text, mine_rss_text,
                         f"{mine_rss / theirs_rss:.2f}" if mine_rss and theirs_rss else "-"))
            _, theirs_load = summary([r[0]["load_ms"] for r in llama])
            _, mine_load = summary([r[0]["load_ms"] for r in ours])
            rows.append((model.name, threads, "load ms", theirs_load, mine_load, "-"))

    first = records[0]["llama_cpp"][0][0]
    print(f"\nllama.cpp: {first['system_info'].strip()}")
    print(f"llama.cpp context: n_ctx {first['n_ctx']}, n_batch {first['n_batch']}, K/V type ids "
          f"{first['type_k']}/{first['type_v']} (1 = F16), flash_attn_type {first['flash_attn_type']} (-1 = auto)")
    print(f"gemma-repl: {args.gemma_repl}, KV cache {args.kv_type}{' ' + args.extra if args.extra else ''}\n")
    print("| model | threads | test | llama.cpp | gemma-repl | gemma-repl / llama.cpp |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for row in rows:
        print("| " + " | ".join(str(part) for part in row) + " |")
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    sys.exit(main())
