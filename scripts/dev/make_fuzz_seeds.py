#!/usr/bin/env python3
"""Writes the committed fuzz seeds under Fuzz/corpus/ (run once; the outputs are committed).

GGUF seeds are small files built byte by byte (format: ggml docs/gguf.md) so that the fuzzer
starts from every value type, several tensor types, both versions and a custom alignment.
Language and notebook seeds are copies of small test scripts and the notebook samples.
"""
import os
import random
import shutil
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.path.join(ROOT, "Fuzz", "corpus")

# value type ids of gguf_type
U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f",
          BOOL: "<?", U64: "<Q", I64: "<q", F64: "<d"}
# ggml types: id -> (block size, bytes per block)
TYPES = {"f32": (0, 1, 4), "f16": (1, 1, 2), "q4_0": (2, 32, 18), "q8_0": (8, 32, 34),
         "q4_K": (12, 256, 144), "q6_K": (14, 256, 210), "bf16": (30, 1, 2)}


def string(text):
    data = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(data)) + data


def value(kind, item):
    if kind == STR:
        return string(item)
    if kind == ARR:
        element, items = item
        body = b"".join(value(element, x) for x in items)
        return struct.pack("<IQ", element, len(items)) + body
    return struct.pack(SCALAR[kind], item)


def gguf(metadata, tensors, version=3, alignment=32):
    out = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(metadata))
    for key, kind, item in metadata:
        out += string(key) + struct.pack("<I", kind) + value(kind, item)
    offset = 0
    blobs = []
    rng = random.Random(len(tensors))
    for name, shape, type_name in tensors:
        type_id, block, block_bytes = TYPES[type_name]
        count = 1
        for dim in shape:
            count *= dim
        size = count // block * block_bytes
        out += string(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        out += struct.pack("<IQ", type_id, offset)
        blobs.append(bytes(rng.randrange(256) for _ in range(size)))
        offset += (size + alignment - 1) // alignment * alignment
    out += b"\0" * (-len(out) % alignment)
    for blob in blobs:
        out += blob + b"\0" * (-len(blob) % alignment)
    return out


def write(folder, name, data):
    path = os.path.join(CORPUS, folder)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, name), "wb") as handle:
        handle.write(data.encode() if isinstance(data, str) else data)


def gguf_seeds():
    write("gguf", "empty-v3.gguf", gguf([], []))
    every_type = [
        ("u8", U8, 7), ("i8", I8, -7), ("u16", U16, 700), ("i16", I16, -700), ("u32", U32, 70000),
        ("i32", I32, -70000), ("f32", F32, 0.5), ("bool", BOOL, True), ("str", STR, "héllo"),
        ("u64", U64, 1 << 40), ("i64", I64, -(1 << 40)), ("f64", F64, 2.5),
        ("arr.u8", ARR, (U8, [1, 2, 3])), ("arr.i32", ARR, (I32, [-1, 0, 1])),
        ("arr.f32", ARR, (F32, [0.25, -1.0])), ("arr.str", ARR, (STR, ["a", "", "▁b"])),
        ("arr.bool", ARR, (BOOL, [True, False])), ("arr.f64", ARR, (F64, [1e300])),
        ("arr.u64", ARR, (U64, [0, 1 << 63])), ("arr.empty", ARR, (I16, [])),
    ]
    write("gguf", "every-value-type.gguf", gguf(every_type, [("t", [4], "f32")]))
    write("gguf", "version2.gguf", gguf([("general.name", STR, "v2")], [("a", [8], "f16")], version=2))
    write("gguf", "alignment-64.gguf",
          gguf([("general.alignment", U32, 64)], [("a", [3], "f32"), ("b", [32, 2], "q8_0")], alignment=64))
    config = [
        ("general.architecture", STR, "gemma2"),
        ("gemma2.block_count", U32, 1), ("gemma2.embedding_length", U32, 32),
        ("gemma2.feed_forward_length", U32, 64), ("gemma2.attention.head_count", U32, 2),
        ("gemma2.attention.head_count_kv", U32, 1), ("gemma2.attention.key_length", U32, 16),
        ("gemma2.context_length", U32, 64), ("gemma2.attention.layer_norm_rms_epsilon", F32, 1e-6),
        ("gemma2.attn_logit_softcapping", F32, 50.0), ("gemma2.final_logit_softcapping", F32, 30.0),
        ("tokenizer.ggml.model", STR, "llama"),
        ("tokenizer.ggml.tokens", ARR, (STR, ["<pad>", "<eos>", "<bos>", "<unk>", "▁the", "a", "<0x41>", "▁"])),
        ("tokenizer.ggml.scores", ARR, (F32, [0, 0, 0, 0, -1, -2, 0, -3])),
        ("tokenizer.ggml.token_type", ARR, (I32, [3, 3, 3, 2, 1, 1, 6, 1])),
        ("tokenizer.ggml.bos_token_id", U32, 2), ("tokenizer.ggml.eos_token_id", U32, 1),
    ]
    tensors = [("token_embd.weight", [32, 8], "f16"), ("blk.0.attn_norm.weight", [32], "f32"),
               ("blk.0.attn_q.weight", [32, 2], "q8_0"), ("blk.0.ffn_down.weight", [256], "q4_K"),
               ("blk.0.ffn_up.weight", [256], "q6_K"), ("blk.0.attn_k.weight", [32, 1], "q4_0"),
               ("output_norm.weight", [32], "bf16")]
    write("gguf", "tiny-gemma2-layout.gguf", gguf(config, tensors))


def ids(numbers):
    """Signed little-endian 24-bit numbers, as the tokenizer target reads ids."""
    return b"".join(struct.pack("<i", n)[:3] for n in numbers)


def tokenizer_seeds():
    # First byte: bit 0 Gemma 3 vocabulary, bit 1 addSpecial, bit 2 parseSpecial, bit 3 decode ids.
    texts = {
        "tiny-plain": b"\x00 the man was in the water",
        "gemma3-plain": "\x01The quick brown fox — naïve café 東京 😀\n\ttabs  and  spaces".encode(),
        "gemma3-special": b"\x07<start_of_turn>user\nhi there<end_of_turn>\n<start_of_turn>model\n",
        "gemma3-nul": b"\x01a\x00b\x00\x00c",
        "gemma3-invalid-utf8": b"\x03h\xc3\xa9llo \xfe\xff w\xe0\x41\x42 \xf0\x9f\x98",
        "gemma3-ids": b"\x09" + ids([2, 818, 5279, -1, 262143, 262144, 236743, 0, 255, 256]),
        "tiny-ids": b"\x08" + ids([2, 305, 408, 511, 512, -5]),
        "gemma3-emoji-bytes": "\x01👩🏽‍💻 and 🏳️‍🌈 e\u0301\u0302".encode(),
    }
    for name, data in texts.items():
        write("tokenizer", name, data)


def copy_seeds():
    scripts = os.path.join(ROOT, "Tests", "GemmaLangTests", "Scripts")
    for name in ["closures.gnbs", "destructuring.gnbs", "interpolation.gnbs", "lambdas.gnbs", "recursion.gnbs",
                 "strings.gnbs", "collection_builtins.gnbs", "math_builtins.gnbs", "while_loops.gnbs",
                 "for_collections.gnbs", "equality.gnbs", "numbers.gnbs", "index_errors.gnbs", "scopes.gnbs",
                 "syntax_errors_multiple.gnbs", "line_continuation.gnbs", "allocation_limits.gnbs"]:
        shutil.copy(os.path.join(scripts, name), os.path.join(CORPUS, "language", name.replace(".gnbs", ".gnb")))
    samples = os.path.join(ROOT, "Tests", "NotebookTests", "Samples")
    for name in os.listdir(samples):
        shutil.copy(os.path.join(samples, name), os.path.join(CORPUS, "notebook", name))
    write("notebook", "messy.gnb", "\n  \n#%%code   id=a\t nocheck  \nx = 1\n\n   \n\n#%% output\n1\n \n\t\n#%% markdown\n\nhi")
    write("notebook", "crlf.gnb", "#%% code\r\nlet x = [1, 2]\r\nx.map(fn (v) => v * 2)\r\n\r\n#%% output\r\n[2, 4]\r\n")
    write("notebook", "escapes.gnb", "#%% markdown\n\\#%% not a marker\n\\\\#%% two\n\n#%% code id=e raises\n1 +\n\n"
                                     "#%% output error\nsyntax error\n\n#%% parameters\nlet n = 3\n")


if __name__ == "__main__":
    for folder in ["gguf", "tokenizer", "language", "notebook"]:
        os.makedirs(os.path.join(CORPUS, folder), exist_ok=True)
    gguf_seeds()
    tokenizer_seeds()
    copy_seeds()
