// The model's weights as views into the memory-mapped GGUF: matrices stay in their stored
// (quantized) form; only the small norm vectors are converted to float32 at load.
import Foundation
import GGUF
import Kernels

/// A weight matrix `rows × columns` stored row by row in a ggml type, inside the file's map.
/// GGUF shape is `[columns, rows]` (ne0 first): ne0 is the input width.
public struct WeightMatrix: @unchecked Sendable {  // points into an immutable mapping owned by GGUFFile
    public let name: String
    public let type: GGMLType
    public let rows: Int
    public let columns: Int
    public let rowBytes: Int
    public let base: UnsafeRawPointer

    /// The stored bytes of row `row`.
    public func row(_ row: Int) -> UnsafeRawPointer { base + row * rowBytes }

    /// Row `row` converted to float32.
    public func dequantizedRow(_ row: Int, into out: UnsafeMutablePointer<Float>) {
        // The type and row width were checked at load, so this cannot fail.
        try? Dequantize.row(type, from: self.row(row), count: columns, into: out)
    }
}

/// The weights of one transformer block. GGUF names in comments.
public struct LayerWeights: Sendable {
    public let attentionNorm: [Float]          // blk.N.attn_norm.weight
    public let query: WeightMatrix             // blk.N.attn_q.weight        [heads*headDim, d]
    public let key: WeightMatrix               // blk.N.attn_k.weight        [kvHeads*headDim, d]
    public let value: WeightMatrix             // blk.N.attn_v.weight        [kvHeads*valueDim, d]
    public let queryNorm: [Float]?             // blk.N.attn_q_norm.weight   (Gemma 3)
    public let keyNorm: [Float]?               // blk.N.attn_k_norm.weight   (Gemma 3)
    public let attentionOutput: WeightMatrix   // blk.N.attn_output.weight   [d, heads*valueDim]
    public let postAttentionNorm: [Float]?     // blk.N.post_attention_norm.weight
    public let feedForwardNorm: [Float]        // blk.N.ffn_norm.weight
    public let gate: WeightMatrix              // blk.N.ffn_gate.weight      [ffn, d]
    public let up: WeightMatrix                // blk.N.ffn_up.weight        [ffn, d]
    public let down: WeightMatrix              // blk.N.ffn_down.weight      [d, ffn]
    public let postFeedForwardNorm: [Float]?   // blk.N.post_ffw_norm.weight
}

/// All weights of a model.
public struct ModelWeights: Sendable {
    public let tokenEmbedding: WeightMatrix    // token_embd.weight [vocab, d]
    public let layers: [LayerWeights]
    public let finalNorm: [Float]              // output_norm.weight
    /// The unembedding: output.weight if present, else tied to token_embd.weight.
    public let output: WeightMatrix

    /// Reads and checks every tensor the configuration calls for.
    public static func load(from file: GGUFFile, config: ModelConfig) throws -> ModelWeights {
        let name = (file.path as NSString).lastPathComponent
        let computable: Set<GGMLType> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                         .q2_K, .q3_K, .q4_K, .q5_K, .q6_K]

        func matrix(_ tensorName: String, rows: Int, columns: Int) throws -> WeightMatrix {
            guard let info = file.tensor(named: tensorName) else {
                throw GemmaError.missingTensor(file: name, name: tensorName)
            }
            guard info.shape == [columns, rows] else {
                throw GemmaError.tensorShape(file: name, name: tensorName, expected: [columns, rows], found: info.shape)
            }
            guard computable.contains(info.type), let rowBytes = info.type.rowBytes(columns) else {
                throw GemmaError.tensorType(file: name, name: tensorName, type: info.type.name)
            }
            let data = file.data(of: info)
            return WeightMatrix(name: tensorName, type: info.type, rows: rows, columns: columns,
                                rowBytes: rowBytes, base: data.baseAddress!)
        }
        func vector(_ tensorName: String, count: Int) throws -> [Float] {
            guard let info = file.tensor(named: tensorName) else {
                throw GemmaError.missingTensor(file: name, name: tensorName)
            }
            guard info.shape == [count] else {
                throw GemmaError.tensorShape(file: name, name: tensorName, expected: [count], found: info.shape)
            }
            do {
                return try Dequantize.toArray(info.type, file.data(of: info), count: count)
            } catch {
                throw GemmaError.tensorType(file: name, name: tensorName, type: info.type.name)
            }
        }
        func optionalVector(_ tensorName: String, count: Int, present: Bool) throws -> [Float]? {
            present ? try vector(tensorName, count: count) : nil
        }

        let c = config
        let d = c.modelWidth
        var layers: [LayerWeights] = []
        for layer in 0..<c.layerCount {
            let p = "blk.\(layer)."
            layers.append(LayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight", count: d),
                query: try matrix(p + "attn_q.weight", rows: c.headCount * c.headDim, columns: d),
                key: try matrix(p + "attn_k.weight", rows: c.kvHeadCount * c.headDim, columns: d),
                value: try matrix(p + "attn_v.weight", rows: c.kvHeadCount * c.valueDim, columns: d),
                queryNorm: try optionalVector(p + "attn_q_norm.weight", count: c.headDim, present: c.hasQKNorm),
                keyNorm: try optionalVector(p + "attn_k_norm.weight", count: c.headDim, present: c.hasQKNorm),
                attentionOutput: try matrix(p + "attn_output.weight", rows: d, columns: c.headCount * c.valueDim),
                postAttentionNorm: try optionalVector(p + "post_attention_norm.weight", count: d, present: c.hasPostNorms),
                feedForwardNorm: try vector(p + "ffn_norm.weight", count: d),
                gate: try matrix(p + "ffn_gate.weight", rows: c.feedForwardWidth, columns: d),
                up: try matrix(p + "ffn_up.weight", rows: c.feedForwardWidth, columns: d),
                down: try matrix(p + "ffn_down.weight", rows: d, columns: c.feedForwardWidth),
                postFeedForwardNorm: try optionalVector(p + "post_ffw_norm.weight", count: d, present: c.hasPostNorms)))
        }
        let embedding = try matrix("token_embd.weight", rows: c.vocabularySize, columns: d)
        let output = file.tensor(named: "output.weight") != nil
            ? try matrix("output.weight", rows: c.vocabularySize, columns: d) : embedding
        return ModelWeights(tokenEmbedding: embedding, layers: layers,
                            finalNorm: try vector("output_norm.weight", count: d), output: output)
    }
}
