// Finding a model: a path, an Ollama `name:tag` in Ollama's model store, or the default model
// in the user's cache. Resolution order: --model, then $GEMMA_MODEL, then Ollama's gemma2:2b
// if present, then the default model (Gemma 3 270M, installed by scripts/install).
import Foundation

/// Where models are found.
public enum ModelStore {
    /// File name of the default model inside the cache directory.
    public static let defaultModelName = "gemma-3-270m-q4_k_m.gguf"

    /// `$XDG_CACHE_HOME/gemma-repl`, default `~/.cache/gemma-repl`.
    public static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        return base + "/gemma-repl"
    }

    /// Ollama's model directories, in the order Ollama uses them.
    public static func ollamaDirectories(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var directories: [String] = []
        if let models = environment["OLLAMA_MODELS"], !models.isEmpty { directories.append(models) }
        directories.append((environment["HOME"] ?? NSHomeDirectory()) + "/.ollama/models")
        directories.append("/usr/share/ollama/.ollama/models")
        return directories
    }

    /// Resolves a model reference to a GGUF path. `requested` is the --model value, if any.
    public static func resolve(_ requested: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let fileManager = FileManager.default
        if let requested, !requested.isEmpty {
            return try resolveReference(requested, environment: environment)
        }
        if let fromEnvironment = environment["GEMMA_MODEL"], !fromEnvironment.isEmpty {
            return try resolveReference(fromEnvironment, environment: environment)
        }
        if let ollama = try? ollamaBlob(name: "gemma2", tag: "2b", environment: environment) {
            return ollama
        }
        let fallback = cacheDirectory(environment: environment) + "/" + defaultModelName
        guard fileManager.fileExists(atPath: fallback) else {
            throw GemmaError.modelNotFound("no --model, no GEMMA_MODEL, no Ollama gemma2:2b, and the default model is not at \(fallback): run scripts/install")
        }
        return fallback
    }

    /// A path if one exists there; otherwise an Ollama `name[:tag]`.
    static func resolveReference(_ reference: String, environment: [String: String]) throws -> String {
        if FileManager.default.fileExists(atPath: reference) { return reference }
        let looksLikePath = reference.contains("/") || reference.hasSuffix(".gguf")
        if looksLikePath { throw GemmaError.modelNotFound("no file at \(reference)") }
        let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts[0], tag = parts.count > 1 ? parts[1] : "latest"
        return try ollamaBlob(name: name, tag: tag, environment: environment)
    }

    /// The GGUF blob of an Ollama model: the manifest at
    /// `manifests/registry.ollama.ai/library/NAME/TAG` names it by the digest of the layer of
    /// media type `application/vnd.ollama.image.model`; the file is `blobs/sha256-HEX`.
    public static func ollamaBlob(name: String, tag: String,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        let valid = { (s: String) in !s.isEmpty && !s.contains("/") && s != "." && s != ".." }
        guard valid(name), valid(tag) else { throw GemmaError.modelNotFound("\(name):\(tag) is not a model name") }
        var tried: [String] = []
        for directory in ollamaDirectories(environment: environment) {
            let manifest = "\(directory)/manifests/registry.ollama.ai/library/\(name)/\(tag)"
            tried.append(manifest)
            guard let data = FileManager.default.contents(atPath: manifest) else { continue }
            struct Manifest: Decodable {
                struct Layer: Decodable { let mediaType: String; let digest: String }
                let layers: [Layer]
            }
            let parsed: Manifest
            do { parsed = try JSONDecoder().decode(Manifest.self, from: data) } catch {
                throw GemmaError.ollama(path: manifest, reason: "not a manifest: \(error.localizedDescription)")
            }
            guard let layer = parsed.layers.first(where: { $0.mediaType == "application/vnd.ollama.image.model" }) else {
                throw GemmaError.ollama(path: manifest, reason: "no layer of media type application/vnd.ollama.image.model")
            }
            let digest = layer.digest
            guard digest.hasPrefix("sha256:"), digest.dropFirst(7).allSatisfy({ $0.isHexDigit }), digest.count == 71 else {
                throw GemmaError.ollama(path: manifest, reason: "model digest \"\(digest)\" is not sha256:<64 hex digits>")
            }
            let blob = "\(directory)/blobs/sha256-\(digest.dropFirst(7))"
            guard FileManager.default.fileExists(atPath: blob) else {
                throw GemmaError.ollama(path: blob, reason: "the manifest names this blob, but it is missing")
            }
            return blob
        }
        throw GemmaError.modelNotFound("\(name):\(tag) is in no Ollama store (looked for \(tried.joined(separator: ", ")))")
    }
}
