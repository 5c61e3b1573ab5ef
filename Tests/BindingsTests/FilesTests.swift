// Files from scripts: dump() and trace.dump() for numpy, save() of tensors (.npy), attention
// maps (.svg/.png), reports and traces, and load_npy().
import Bindings
import Foundation
import Gemma
import GemmaLang
import Inspect
import XCTest

final class FilesTests: XCTestCase {
    let prompt = "\" the man was in the water\""

    func strings(_ value: Value?) -> [String] { value?.listItems?.compactMap(\.stringValue) ?? [] }

    func testDumpWritesFilesForEveryFormat() throws {
        let s = ScriptSession()
        let folder = try scratchFolder(self)
        let npy = strings(s.run("dump(\(prompt), \"\(folder)/npy\")"))
        XCTAssertEqual(npy.count, 73, "72 hooks and the sidecar")
        XCTAssertTrue(npy.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        XCTAssertTrue(npy.contains("\(folder)/npy/blocks.3.attn.hook_pattern.npy"))
        XCTAssertEqual(npy.last, "\(folder)/npy/trace.json")
        // What was written is what a trace holds.
        let written = try NPY.read("\(folder)/npy/blocks.1.hook_resid_mid.npy")
        let transformer = try s.workspace.transformer()
        let trace = try Tracer.run(transformer, tokens: [2, 305, 408, 320, 313, 305, 485], capture: HookSelector(["blocks.1.hook_resid_mid"]))
        XCTAssertEqual(written, trace["blocks.1.hook_resid_mid"])
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/npy/trace.json"))) as? [String: Any]
        XCTAssertEqual(sidecar?["prompt"] as? String, " the man was in the water")

        XCTAssertEqual(strings(s.run("dump(\(prompt), \"\(folder)/z\", hooks: \"blocks.*.attn.hook_pattern\", format: \"npz\")")),
                       ["\(folder)/z/activations.npz", "\(folder)/z/trace.json"])
        XCTAssertEqual(strings(s.run("dump(\(prompt), \"\(folder)/st\", hooks: [\"hook_embed\"], format: \"safetensors\")")),
                       ["\(folder)/st/activations.safetensors", "\(folder)/st/trace.json"])
        s.expectError("dump(\(prompt), \"\(folder)/bad\", format: \"csv\")", "format must be npy, npz or safetensors")
        s.expectError("dump(\(prompt), 5)", "dump(): argument 'folder' must be a string")

        s.run("let t = run(\(prompt), hooks: \"blocks.0.*\")")
        let files = strings(s.run("t.dump(\"\(folder)/trace\", format: \"npz\")"))
        XCTAssertEqual(files, ["\(folder)/trace/activations.npz", "\(folder)/trace/trace.json"])
        XCTAssertTrue(files.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        XCTAssertEqual(s.string("save(t, \"\(folder)/saved\")"), "\(folder)/saved", "save returns the path")
        XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder)/saved/blocks.0.attn.hook_z.npy"))
    }

    func testSaveAndLoadTensors() throws {
        let s = ScriptSession()
        let folder = try scratchFolder(self)
        s.run("let x = run(\(prompt), hooks: \"blocks.2.mlp.hook_post\")[\"blocks.2.mlp.hook_post\"]")
        XCTAssertEqual(s.string("save(x, \"\(folder)/x.npy\")"), "\(folder)/x.npy")
        let saved = try NPY.read("\(folder)/x.npy")
        XCTAssertEqual(saved, (s.run("x")?.objectValue as? TensorObject)?.tensor)
        XCTAssertEqual(s.number("(load_npy(\"\(folder)/x.npy\") - x).abs().max()"), 0)
        XCTAssertEqual(s.string("x[1:3].save(\"\(folder)/part.npy\")"), "\(folder)/part.npy")
        XCTAssertEqual(try NPY.read("\(folder)/part.npy").shape, [2, 128])
        s.expectError("load_npy(\"\(folder)/missing.npy\")", "cannot read the file")
        s.expectError("save(3, \"\(folder)/three.npy\")", "a number cannot be saved")
    }

    func testSaveAttentionMapsAndReports() throws {
        let s = ScriptSession()
        let folder = try scratchFolder(self)
        s.run("let head = attention(\(prompt), 0, head: 2)\nlet mean = attention(\(prompt), 1)")
        s.run("save(head, \"\(folder)/head.svg\")\nsave(mean, \"\(folder)/mean.svg\")\nsave(mean, \"\(folder)/mean.png\")")
        s.run("head.save(\"\(folder)/head.png\")")
        s.run("run(\(prompt), hooks: \"blocks.1.attn.hook_pattern\").layer(1).attn.map().save(\"\(folder)/grid.svg\")")
        let headSVG = try String(contentsOfFile: "\(folder)/head.svg", encoding: .utf8)
        XCTAssertTrue(headSVG.contains("<svg"))
        XCTAssertTrue(headSVG.contains("layer 0 head 2"))
        XCTAssertTrue(headSVG.contains("▁water"))
        let meanSVG = try String(contentsOfFile: "\(folder)/mean.svg", encoding: .utf8)
        XCTAssertTrue(meanSVG.contains("layer 1, mean of 4 heads"), "the mean map saves the mean, as it displays")
        XCTAssertFalse(meanSVG.contains("layer 1 head 0"), "not the grid of heads")
        let gridSVG = try String(contentsOfFile: "\(folder)/grid.svg", encoding: .utf8)
        XCTAssertTrue(gridSVG.contains("layer 1 head 0") && gridSVG.contains("layer 1 head 3"))
        for png in ["mean.png", "head.png"] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(png)")))
            XCTAssertEqual(Array(bytes.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], png)
        }
        s.expectError("save(head, \"\(folder)/head.txt\")", "use a .svg or .png file name")
        s.expectError("save(run(\(prompt), hooks: \"hook_embed\")[\"hook_embed\"], \"\(folder)/embed.png\")", "a Tensor is saved as .npy")

        s.run("softcaps(\(prompt)).save(\"\(folder)/caps.svg\")")
        s.run("save(lens(\(prompt)), \"\(folder)/lens.png\")")
        s.run("save(patch([2, 305, 408], [2, 305, 500], 10, 20), \"\(folder)/patch.svg\")")
        for file in ["caps.svg", "lens.png", "patch.svg"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(folder)/\(file)"), file)
        }
        XCTAssertTrue(try String(contentsOfFile: "\(folder)/caps.svg", encoding: .utf8).contains("<svg"))
    }
}
