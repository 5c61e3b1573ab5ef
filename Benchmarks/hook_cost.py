#!/usr/bin/env python3
"""The cost of hooks: a plain forward pass against one with hook points nobody listens to, one
with a do-nothing listener on every hook point, and one capturing a pattern of hooks (every
attention pattern by default).

Runs `gemma-repl bench --json -r 1` in the three modes in turn, round after round, so that all
three see the same machine load, and prints the medians [min-max] of the prompt (pp) and, for
the hook modes, the generation (tg) tokens/s with the ratio to the plain pass.

    python3 Benchmarks/hook_cost.py ~/.cache/gemma-repl/bench/gemma2-2b-shape-q4_0.gguf -p 512 -t 2

Needs only python3 and a release build (swift build -c release). Not a test: CI runs no timings.
"""
import argparse
import json
import statistics
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def bench(binary, model, prompt, generate, threads, extra):
    command = [str(binary), "bench", "--model", str(model), "-p", str(prompt), "-n", str(generate),
               "-t", str(threads), "-r", "1", "--json", *extra]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def spread(values):
    return f"{statistics.median(values):8.2f} [{min(values):.2f}-{max(values):.2f}]"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("-p", type=int, default=512, help="prompt tokens")
    parser.add_argument("-n", type=int, default=32, help="generated tokens (idle-hook cost on decoding)")
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-r", "--rounds", type=int, default=5)
    parser.add_argument("--capture", default="blocks.*.attn.hook_pattern")
    parser.add_argument("--gemma-repl", type=Path, default=REPO / ".build/release/gemma-repl")
    args = parser.parse_args()
    if not args.gemma_repl.exists():
        parser.error(f"{args.gemma_repl} not found: swift build -c release first")

    modes = {"plain": [], "idle hooks (nobody listening)": ["--idle-hooks"],
             "do-nothing listener on every point": ["--listen-all"],
             f"capture {args.capture}": ["--capture", args.capture]}
    pp = {mode: [] for mode in modes}
    tg = {mode: [] for mode in modes}
    for round_number in range(args.rounds):
        for mode, extra in modes.items():
            generate = 0 if mode.startswith("capture") else args.n
            result = bench(args.gemma_repl, args.model, args.p, generate, args.threads, extra)
            pp[mode].append(result["pp_tok_s"])
            if result.get("tg_tok_s") is not None:
                tg[mode].append(result["tg_tok_s"])
        print(f"round {round_number + 1}: " + " | ".join(f"{m} pp {pp[m][-1]:.2f}" for m in modes), flush=True)

    print(f"\n{args.model.name}, {args.threads} threads, pp{args.p}, tg{args.n}, {args.rounds} rounds "
          "(tokens/s, median [min-max]; cost = plain / mode)")
    plain_pp = statistics.median(pp["plain"])
    plain_tg = statistics.median(tg["plain"]) if tg["plain"] else None
    for mode in modes:
        line = f"  {mode:42} pp {spread(pp[mode])}  cost {plain_pp / statistics.median(pp[mode]):.3f}x"
        if tg[mode] and plain_tg:
            line += f"   tg {spread(tg[mode])}  cost {plain_tg / statistics.median(tg[mode]):.3f}x"
        print(line)


if __name__ == "__main__":
    main()
