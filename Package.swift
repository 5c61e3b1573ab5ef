// swift-tools-version:6.0
// gemma-repl: a Gemma 2 inference runtime for the CPU, opened up to a REPL and notebooks.
// Dependencies point one way: GGUF -> Kernels -> SentencePiece/Gemma -> Inspect -> CLI.
import PackageDescription


let package = Package(
    name: "gemma-repl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gemma-repl", targets: ["gemma-repl"]),
        .library(name: "Gemma", targets: ["Gemma"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // MARK: libraries
        /// GGUF files: memory-mapped, validated reading; writing; the ggml tensor type table.
        .target(name: "GGUF"),
        /// Hot inner loops in C (quantize-row, dot products) with run-time CPU dispatch.
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),
        /// Tensor formats: dequantization, quantization, and the Swift scalar twins of the C kernels.
        .target(name: "Kernels", dependencies: ["GGUF", "CKernels"]),
        /// SentencePiece BPE as Gemma uses it, built from plain arrays.
        .target(name: "SentencePiece"),
        /// Gemma 2 / 3 / 1: configuration, weights, forward pass, KV cache, sampler, generator.
        .target(name: "Gemma", dependencies: ["GGUF", "Kernels", "SentencePiece"]),

        /// Pictures of tensors: heatmaps, bars, sparklines, curves — for the terminal, SVG and PNG.
        .target(name: "Figures", dependencies: ["CLibPNG"]),
        /// GNB, the scripting language: scanner, parser, AST, interpreter, values, diagnostics.
        .target(name: "GemmaLang"),
        /// The .gnb notebook format: parsing, writing back, running cells, checking outputs.
        .target(name: "Notebook", dependencies: ["GemmaLang"]),

        // MARK: system libraries
        /// libpng (Debian libpng-dev) for writing PNG pictures.
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        /// libedit (Debian libedit-dev) for the REPL's line editing.
        .systemLibrary(
            name: "CLibEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        /// A libedit-backed line reader, with a plain reader for pipes and dumb terminals.
        .target(name: "LineEditor", dependencies: ["CLibEdit"]),

        // MARK: executables
        .executableTarget(
            name: "gemma-repl",
            dependencies: [
                "Gemma", "GGUF", "Kernels", "SentencePiece", "LineEditor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: tests
        .testTarget(name: "GGUFTests", dependencies: ["GGUF"]),
        .testTarget(name: "NotebookTests", dependencies: ["Notebook", "GemmaLang"]),
        .testTarget(name: "FiguresTests", dependencies: ["Figures"]),
        .testTarget(name: "GemmaLangTests", dependencies: ["GemmaLang"], exclude: ["Scripts"]),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "GGUF", "CKernels"]),
        .testTarget(name: "SentencePieceTests", dependencies: ["SentencePiece", "GGUF"]),
        .testTarget(name: "GemmaTests", dependencies: ["Gemma", "GGUF", "Kernels", "SentencePiece"]),
    ]
)
