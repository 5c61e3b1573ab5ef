// Every notebook's HTML report rendered by headless Chromium (Debian `chromium`): no console
// errors, no failed loads, every figure in the DOM, a screenshot that is not blank.
import Figures
import Foundation
import XCTest

/// Headless Chromium, run once per page: the DOM after loading, its console log, a screenshot.
enum Chromium {
    /// The chromium binary on PATH; nil when it is not installed.
    static let binary: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") + ["/usr/bin"] {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return "\(folder)/\(name)"
            }
        }
        return nil
    }()

    /// The binary, or a skip (a failure when CI is set: CI must install it, see scripts/install).
    static func required() throws -> String {
        if let binary { return binary }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            XCTFail("chromium is not installed; scripts/install installs it (apt-get install chromium)")
        }
        throw XCTSkip("chromium is not installed (apt-get install chromium)")
    }

    struct Page {
        let dom: String
        /// Console messages and failed loads, as Chromium logged them.
        let problems: [String]
        let screenshot: PNGImage
    }

    /// Loads `file` with the network mapped to nowhere, then reads the DOM, log and screenshot.
    static func render(_ file: String, width: Int = 1100, height: Int = 1400) throws -> Page {
        let binary = try required()
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        let shot = profile.appendingPathComponent("shot.png").path
        try FileManager.default.createDirectory(at: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=\(profile.path)", "--host-resolver-rules=MAP * ~NOTFOUND",
                             "--enable-logging=stderr", "--v=0", "--window-size=\(width),\(height)",
                             "--screenshot=\(shot)", "--dump-dom", URL(fileURLWithPath: file).absoluteString]
        process.environment = ProcessInfo.processInfo.environment.merging(["HOME": profile.path]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while Chromium runs: a full pipe would block it.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { Thread.sleep(forTimeInterval: 0.01) }
        let log = String(decoding: errData.value, as: UTF8.self)
        let problems = log.split(separator: "\n").map(String.init).filter {
            $0.contains(":CONSOLE") || $0.contains("Uncaught") || $0.contains("Failed to load resource") || $0.contains("net::ERR_")
        }
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "Chromium", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: log])
        }
        let screenshot = try PNGImage(decoding: [UInt8](try Data(contentsOf: URL(fileURLWithPath: shot))))
        return Page(dom: String(decoding: outData, as: UTF8.self), problems: problems, screenshot: screenshot)
    }
}

/// Data handed from the reader thread to the test thread.
private final class LockedData: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}

final class BrowserTests: XCTestCase {
    func testEveryNotebookReportRendersWithoutErrors() throws {
        _ = try Chromium.required()
        for export in try NotebookExports.all() {
            let page = try Chromium.render(export.htmlPath)
            XCTAssertEqual(page.problems, [], "\(export.name): console errors or failed loads")
            let figures = export.html.components(separatedBy: "<figure class=\"figure\"").count - 1
            XCTAssertEqual(page.dom.components(separatedBy: "<figure class=\"figure\"").count - 1, figures,
                           "\(export.name): every figure is in the browser's DOM")
            XCTAssertEqual(page.dom.components(separatedBy: "<svg").count, export.html.components(separatedBy: "<svg").count,
                           "\(export.name): every inline SVG parsed")
            XCTAssertTrue(page.dom.contains("<main>") && page.dom.contains("class=\"cell code"), export.name)
            XCTAssertGreaterThan(page.screenshot.distinctColors(), 16, "\(export.name): the page is not blank")
            XCTAssertGreaterThan(page.screenshot.nonBackgroundFraction, 0.02, "\(export.name): the page is not blank")
            XCTAssertEqual(page.screenshot.width, 1100)
        }
    }

    /// The check itself can fail: a script error and a load from the network are caught, and an
    /// empty page is blank.
    func testTheCheckCatchesConsoleErrorsFailedLoadsAndBlankPages() throws {
        _ = try Chromium.required()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.html").path
        try "<!DOCTYPE html><p>x</p><img src=\"http://example.invalid/a.png\"><script>undefinedFunction()</script>"
            .write(toFile: broken, atomically: true, encoding: .utf8)
        let page = try Chromium.render(broken, width: 400, height: 300)
        XCTAssertTrue(page.problems.contains { $0.contains("undefinedFunction") }, "\(page.problems)")
        let blank = folder.appendingPathComponent("blank.html").path
        try "<!DOCTYPE html><html><body></body></html>".write(toFile: blank, atomically: true, encoding: .utf8)
        let empty = try Chromium.render(blank, width: 400, height: 300)
        XCTAssertEqual(empty.problems, [])
        XCTAssertEqual(empty.screenshot.nonBackgroundFraction, 0, "an empty page is blank")
    }
}
