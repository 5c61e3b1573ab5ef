// swift-tools-version:6.0
// gemma-repl: a Gemma 2 inference runtime for the CPU, opened up to a REPL and notebooks.
// Dependencies point one way: file formats -> kernels -> model -> inspection -> language ->
// notebook -> CLI.
import PackageDescription

let package = Package(
    name: "gemma-repl",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gemma-repl", targets: ["gemma-repl"]),
        .library(name: "Gemma", targets: ["Gemma"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // .npz archives are zip files of .npy entries.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // Markdown cells of notebooks rendered to HTML in reports.
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        // MARK: file formats and kernels
        /// GGUF files: memory-mapped, validated reading; writing; the ggml tensor type table.
        /// Replacing a file atomically (temporary file, fsync, rename): every file gemma-repl writes.
        .target(name: "AtomicWrite"),
        /// SplitMix64, the seeded generator of sampling, benchmarks, fuzzing and test data.
        .target(name: "SeededRandom"),
        .target(name: "GGUF", dependencies: ["AtomicWrite"]),
        /// Hot inner loops in C (quantize-row, dot products, matvec/matmul) with run-time CPU dispatch.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno", "-ffp-contract=off"])]
        ),
        /// Tensor formats: dequantization, quantization, and the Swift scalar twins of the C kernels.
        .target(name: "Kernels", dependencies: ["GGUF", "CKernels"]),

        // MARK: the model
        /// SentencePiece BPE as Gemma uses it, built from plain arrays.
        .target(name: "SentencePiece"),
        /// Gemma 2 / 3 / 1: configuration, weights, forward pass, hooks, KV cache, sampler, generator.
        .target(name: "Gemma", dependencies: ["GGUF", "Kernels", "SentencePiece", "SeededRandom"]),

        // MARK: inspection
        /// Pictures of tensors: heatmaps, bars, sparklines, curves — for the terminal, SVG and PNG.
        .target(name: "Figures", dependencies: ["AtomicWrite", "CLibPNG"]),
        /// Looking inside: traces, interventions, stepping, attention maps, soft-cap reports,
        /// logit lens, dumps (.npy/.npz/.safetensors), distribution comparisons.
        .target(name: "Inspect", dependencies: ["Gemma", "GGUF", "Figures", "AtomicWrite", "CLibCrypto", "ZIPFoundation"]),

        // MARK: language, notebooks
        /// GNB, the scripting language: scanner, parser, AST, interpreter, values, diagnostics.
        .target(name: "GemmaLang"),
        /// The runtime as GNB values: models, tokens, tensors, traces, maps, reports.
        .target(name: "Bindings", dependencies: ["GemmaLang", "Gemma", "Inspect", "Figures", "SentencePiece"]),
        /// The .gnb notebook format: parsing, writing back, running cells, checking outputs,
        /// and reports: standalone HTML and GitHub Markdown with the outputs' figures.
        .target(name: "Notebook", dependencies: ["GemmaLang", "Figures", "AtomicWrite", .product(name: "Ink", package: "Ink")]),
        /// A libedit-backed line reader, with a plain reader for pipes and dumb terminals.
        .target(name: "LineEditor", dependencies: ["CLibEdit", "AtomicWrite"]),

        // MARK: system libraries
        /// libpng (Debian libpng-dev) for writing PNG pictures.
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        /// libedit (Debian libedit-dev) for the REPL's line editing.
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        /// OpenSSL's libcrypto (Debian libssl-dev) for SHA-256: a system library, so a Pi does
        /// not compile a bundled copy of BoringSSL.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // MARK: executables
        .executableTarget(
            name: "gemma-repl",
            dependencies: [
                "Gemma", "Inspect", "Bindings", "GemmaLang", "Notebook", "GGUF", "Kernels", "SentencePiece", "LineEditor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: fuzzing
        /// The fuzz targets (GGUF reader, tokenizer, GNB language, .gnb notebooks) and a seeded
        /// mutation fuzzer; scripts/fuzz links them into libFuzzer binaries, HostileTests runs them.
        .target(name: "FuzzHarness", dependencies: ["GGUF", "SentencePiece", "GemmaLang", "Notebook", "SeededRandom"], path: "Fuzz/Harness"),
        /// Saves files atomically in a loop until killed: the victim of HostileTests' kill test.
        .executableTarget(name: "gemma-save-loop", dependencies: ["FuzzHarness", "AtomicWrite", "LineEditor", "CLibEdit"],
                         path: "Fuzz/SaveLoop"),

        // MARK: tests
        .testTarget(name: "GGUFTests", dependencies: ["GGUF"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "GGUF", "CKernels", "SeededRandom"]),
        .testTarget(name: "SentencePieceTests", dependencies: ["SentencePiece", "GGUF", "SeededRandom"]),
        .testTarget(name: "GemmaTests", dependencies: ["Gemma", "Inspect", "GGUF", "Kernels", "SentencePiece"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures", "AtomicWrite"]),
        .testTarget(name: "GemmaLangTests", dependencies: ["GemmaLang"], exclude: ["Scripts"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "GemmaLang", "Figures"], exclude: ["Samples"]),
        .testTarget(name: "CLITests", dependencies: ["gemma-repl", "Figures"]),
        .testTarget(name: "InspectTests", dependencies: ["Inspect", "Gemma", "Figures"]),
        .testTarget(name: "BindingsTests", dependencies: ["Bindings", "GemmaLang", "Gemma", "Inspect", "Figures"]),
        /// Hostile input and faults: broken models, fuzzing, NaN, memory, killed writers.
        .testTarget(name: "HostileTests", dependencies: ["FuzzHarness", "Gemma", "GGUF", "SentencePiece", "GemmaLang", "SeededRandom",
                                                         "Notebook", "gemma-repl", "gemma-save-loop"]),
    ]
)
